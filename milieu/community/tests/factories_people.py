"""What the people part's tests build: municipalities with the community on, people with a
community profile, posts and groups (indexed for search, as the social part's services do), and
a LibreTranslate look-alike on the loopback."""

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from itertools import count

from django.utils import timezone

from milieu.accounts.models import Membership, User
from milieu.accounts.tests.factories import UserFactory, citizen_of, with_role
from milieu.community import search
from milieu.community.models import (
    Block,
    Comment,
    CommunityProfile,
    Follow,
    Group,
    GroupMembership,
    Post,
)
from milieu.community.permissions import forget_blocks
from milieu.territory.models import Municipality
from milieu.territory.tests.factories import DistrictFactory, MunicipalityFactory

_numbers = count(1)


def town(**kwargs) -> Municipality:
    """A municipality whose community module is on."""
    kwargs.setdefault("enabled_modules", ["districts", "community"])
    return MunicipalityFactory(**kwargs)


def profile_for(user: User, handle: str | None = None, **kwargs) -> CommunityProfile:
    handle = handle or f"membre-{next(_numbers)}"
    profile = CommunityProfile.objects.create(user=user, handle=handle, **kwargs)
    search.index_person(user)
    return profile


def person(
    municipality: Municipality | None = None,
    *,
    handle: str | None = None,
    visibility: str = User.Visibility.PRIVATE,
    bio: str = "",
    interests: list[str] | None = None,
    languages: list[str] | None = None,
    **kwargs,
) -> User:
    """Someone with a community profile, a citizen of `municipality` when one is given."""
    kwargs["profile_visibility"] = visibility
    user = citizen_of(municipality, **kwargs) if municipality else UserFactory(**kwargs)
    profile_for(
        user,
        handle,
        bio=bio,
        interests=interests or [],
        languages=languages or [],
    )
    return user


def staff_of(municipality: Municipality, *, handle: str | None = None, **kwargs) -> User:
    """Municipal staff (with MFA) who also has a community profile."""
    from milieu.accounts.models import Role

    kwargs.setdefault("profile_visibility", User.Visibility.PRIVATE)
    user = with_role(municipality, Role.STAFF, **kwargs)
    profile_for(user, handle)
    return user


def visit(user: User, municipality: Municipality) -> None:
    """`user` also belongs to `municipality` (a visited municipality, not their home)."""
    Membership.objects.create(user=user, municipality=municipality, is_home=False)


def district_post(
    author: User | None,
    municipality: Municipality,
    body: str = "Bonjour le quartier",
    *,
    district=None,
    language: str = "fr",
    created_at: datetime | None = None,
    hidden: bool = False,
) -> Post:
    post = Post.objects.create(
        municipality=municipality,
        district=district or DistrictFactory(municipality=municipality),
        author=author,
        body=body,
        language=language,
        created_at=created_at or timezone.now(),
        hidden_at=timezone.now() if hidden else None,
    )
    search.index_post(post)
    return post


def group_of(
    municipality: Municipality,
    name: str | None = None,
    *,
    visibility: str = Group.Visibility.OPEN,
    description: str = "",
    hidden: bool = False,
    language: str = "fr",
) -> Group:
    number = next(_numbers)
    group = Group.objects.create(
        municipality=municipality,
        slug=f"groupe-{number}",
        name=name or f"Groupe {number}",
        description=description,
        visibility=visibility,
        language=language,
        hidden_at=timezone.now() if hidden else None,
    )
    search.index_group(group)
    return group


def join(group: Group, user: User, *, active: bool = True) -> GroupMembership:
    status = GroupMembership.Status.ACTIVE if active else GroupMembership.Status.PENDING
    return GroupMembership.objects.create(group=group, user=user, status=status)


def group_post(
    author: User | None,
    group: Group,
    body: str = "Bonjour le groupe",
    *,
    language: str = "fr",
    hidden: bool = False,
) -> Post:
    post = Post.objects.create(
        municipality=group.municipality,
        group=group,
        author=author,
        body=body,
        language=language,
        hidden_at=timezone.now() if hidden else None,
    )
    search.index_post(post)
    return post


def comment_on(
    post: Post, author: User | None, body: str = "Merci!", *, hidden: bool = False
) -> Comment:
    return Comment.objects.create(
        post=post,
        author=author,
        body=body,
        language=post.language,
        hidden_at=timezone.now() if hidden else None,
    )


def follows(follower: User, followed: User) -> Follow:
    return Follow.objects.create(follower=follower, followed=followed)


def blocks(blocker: User, blocked: User) -> Block:
    """A block written directly; like the service, it forgets both people's memoised blocks."""
    made = Block.objects.create(blocker=blocker, blocked=blocked)
    forget_blocks(blocker)
    forget_blocks(blocked)
    return made


def relations_snapshot() -> tuple:
    """Every follow, block and profile: what a refused operation must leave as it was."""
    return (
        sorted(Follow.objects.values_list("follower_id", "followed_id")),
        sorted(Block.objects.values_list("blocker_id", "blocked_id")),
        sorted(
            CommunityProfile.objects.values_list(
                "user_id", "handle", "bio", "interests", "languages"
            )
        ),
    )


# --- A LibreTranslate look-alike ------------------------------------------------------------------


@dataclass
class FakeLibreTranslate:
    """What the test sees of the local translation server: its address and the requests it
    received (the JSON bodies of `POST /translate`)."""

    url: str
    requests: list[dict] = field(default_factory=list)


def translated(text: str, target: str) -> str:
    """What the look-alike answers: the text, marked with the language asked for."""
    return f"[{target}] {text}"


@contextmanager
def libretranslate(*, failing: bool = False) -> Iterator[FakeLibreTranslate]:
    """A `http.server` thread on 127.0.0.1 (a port the kernel picks) answering LibreTranslate's
    `POST /translate` like the real one, or failing with a 500 when `failing`."""
    server_state = FakeLibreTranslate(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            try:
                payload = json.loads(self.rfile.read(length) or b"{}")
            except ValueError:
                payload = {}
            server_state.requests.append(payload)
            if failing or self.path != "/translate":
                body = json.dumps({"error": "Translation engine unavailable"}).encode()
                self.send_response(500)
            else:
                body = json.dumps(
                    {"translatedText": translated(payload.get("q", ""), payload.get("target"))}
                ).encode()
                self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format, *args) -> None:  # quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server_state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server_state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
