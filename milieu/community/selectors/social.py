"""Reads of the social part: district feeds, groups and their members, posts, comments and the
home feed.

Every reader is explicit (`viewer` / `visible_to`); what they may not see raises `NotFound`
(hidden and absent look the same). Feeds are keyset-paginated on `(created_at, id)`, newest
first, with an opaque cursor; other lists are querysets the callers slice (`limit`/`offset`).

A post in a list carries what `community/social/_post.html` needs without further queries:
its author and the author's community profile, its district or group, its municipality, its
pictures (one prefetch for the page), `viewer_reaction` (the viewer's reaction, or None) and
`viewer_may_interact` (whether the viewer may comment and react). Posts by people the viewer
blocked, or who blocked the viewer, never appear.
"""

import base64
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, NamedTuple

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext as _

from milieu.accounts.models import Membership
from milieu.core import caching, modules, pagecache
from milieu.core.compiled import CompiledQuery
from milieu.core.errors import ApplicationError, NotFound, PermissionDenied
from milieu.core.pictures import thumbnail_size
from milieu.territory.models import District, Municipality

from ..models import Comment, Follow, Group, GroupMembership, Post, Reaction
from ..permissions import blocked_either_way, group_status, reader
from . import people

PAGE_SIZE = 20
MAX_PAGE_SIZE = 50
MODULE = "community"


@dataclass
class FeedPage:
    posts: list[Post]
    next_cursor: str | None


# --- Cursors --------------------------------------------------------------------------------------


def encode_cursor(post: Post) -> str:
    return _encode(post.created_at, post.pk)


def _encode(created_at: datetime, pk: int) -> str:
    raw = f"{created_at.isoformat()}|{pk}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        moment, pk = raw.rsplit("|", 1)
        created_at = datetime.fromisoformat(moment)
        if created_at.tzinfo is None:
            created_at = created_at.replace(tzinfo=UTC)
        return created_at, int(pk)
    except (ValueError, UnicodeDecodeError):
        raise ApplicationError(
            _("This page of the feed does not exist."),
            code="validation",
            extra={"fields": {"cursor": [_("Invalid cursor.")]}},
        ) from None


# --- Who sees what --------------------------------------------------------------------------------


def require_module(municipality: Municipality) -> None:
    if not modules.is_enabled(municipality, MODULE):
        raise NotFound(_("This municipality has not enabled this module."))


def _without_blocked(queryset: QuerySet, viewer, field: str = "author_id") -> QuerySet:
    """`queryset` without what people `viewer` blocked, or who blocked them, wrote."""
    blocked = blocked_either_way(viewer)
    return queryset.exclude(**{f"{field}__in": sorted(blocked)}) if blocked else queryset


def post_queryset(viewer) -> QuerySet[Post]:
    queryset = Post.objects.select_related(
        "author__community_profile", "municipality", "district", "group"
    ).prefetch_related("images")
    if viewer.is_authenticated:
        queryset = queryset.annotate(
            viewer_reaction=Subquery(
                Reaction.objects.filter(post=OuterRef("pk"), user_id=viewer.pk).values("kind")[:1]
            )
        )
    return queryset


def decorate_posts(posts: list[Post], viewer) -> list[Post]:
    """What the post card needs to know about the viewer (no query: permissions read the
    viewer's cached facts and group memberships)."""
    # Whether one may interact depends on where a post was published, not on the post (but
    # for a hidden one): asked once per district's municipality or group.
    may_interact: dict[tuple, bool] = {}
    for post in posts:
        if post.group_id is not None and post.group is not None:
            post.group.municipality = post.municipality  # same municipality: no query
        if not hasattr(post, "viewer_reaction"):
            post.viewer_reaction = None  # type: ignore[attr-defined]
        place = (post.municipality_id, post.group_id, post.hidden_at is None)
        if place not in may_interact:
            may_interact[place] = bool(
                viewer.is_authenticated and viewer.has_perm("community.interact_post", post)
            )
        post.viewer_may_interact = may_interact[place]  # type: ignore[attr-defined]
        post.viewer_is_author = bool(  # type: ignore[attr-defined]
            viewer.is_authenticated and post.author_id == viewer.pk
        )
        for image in post.images.all():
            image.thumb_width, image.thumb_height = thumbnail_size(  # type: ignore[attr-defined]
                image.width, image.height
            )
    return posts


def _page(queryset: QuerySet[Post], viewer, cursor: str | None, limit: int) -> FeedPage:
    limit = max(1, min(limit, MAX_PAGE_SIZE))
    if cursor:
        created_at, pk = decode_cursor(cursor)
        queryset = queryset.filter(
            Q(created_at__lt=created_at) | Q(created_at=created_at, pk__lt=pk)
        )
    rows = list(queryset.order_by("-created_at", "-id")[: limit + 1])
    posts = decorate_posts(rows[:limit], viewer)
    next_cursor = encode_cursor(posts[-1]) if len(rows) > limit else None
    return FeedPage(posts=posts, next_cursor=next_cursor)


def _visible_posts(viewer) -> QuerySet[Post]:
    return _without_blocked(post_queryset(viewer).filter(hidden_at__isnull=True), viewer)


# --- The first page of a district's or a group's feed, shared ------------------------------------
# Everyone who opens a district's or a group's feed sees the same newest posts, but for the
# people they blocked (or who blocked them) and for their own reactions. The posts of the first
# page (twice a page, so that removing blocked authors still fills one) are kept in the cache
# under the feed's version, which every change to what the feed shows renews (`feed_changed`,
# called by the services: a post published, edited, deleted, hidden or restored, a picture
# added, a comment or a reaction counted). Next to them, their outline (ids and authors) is kept
# in each worker's memory: from it and the reader's blocks and reactions (two compiled queries),
# `first_page_outline` tells what a reader's first page shows without loading a post, which
# is what a kept page of the feed varies on (`views.social`).

FEED_CACHE_SECONDS = 600
OUTLINES_KEPT = 2_000  # per worker: a district or group's outline is a few hundred bytes


def _feed_version_key(*, district_id: int | None = None, group_id: int | None = None) -> str:
    return f"community:feed-version:v2:{'district' if district_id else 'group'}:{district_id or group_id}"


def feed_changed(post: Post) -> None:
    """What the feed of `post`'s district or group shows has changed (services call it)."""
    caching.renew([_feed_version_key(district_id=post.district_id, group_id=post.group_id)])


def _feed_keys(limit: int, wheres: list[dict]) -> list[str]:
    """The kept versions of feeds (`{"district_id": …}` or `{"group_id": …}`), in one call."""
    version_keys = [_feed_version_key(**where) for where in wheres]
    versions = caching.versions(version_keys)
    return [f"{key}:{versions[key]}:{limit}" for key in version_keys]


def _feed_key(limit: int, where: dict) -> str:
    return _feed_keys(limit, [where])[0]


def _kept_rows(key: str, limit: int, where: dict) -> tuple[list[Post], bool]:
    kept = cache.get(key)
    if kept is None:
        rows = list(
            post_queryset(AnonymousUser())
            .filter(hidden_at__isnull=True, **where)
            .order_by("-created_at", "-id")[: 2 * limit + 1]
        )
        kept = (rows, len(rows) > 2 * limit)
        cache.set(key, kept, FEED_CACHE_SECONDS)
    return kept


# What a kept card of a post shows of it that changes: when it was edited (its text, language
# and pictures), and its counts of comments and reactions (`card_state`).
PostState = tuple[datetime | None, int, int]
# (post id, author id, created at, state), newest first
Outline = tuple[tuple[int, int | None, datetime, PostState], ...]


def post_state(post: Post) -> PostState:
    return (post.edited_at, post.comment_count, post.reaction_count)


_outlines: OrderedDict[str, tuple[float, Outline, bool]] = OrderedDict()
_outlines_lock = threading.Lock()


def _outline_query(limit: int, where: dict):
    return (
        Post.objects.filter(hidden_at__isnull=True, **where)
        .order_by("-created_at", "-id")
        .values_list(
            "pk", "author_id", "created_at", "edited_at", "comment_count", "reaction_count"
        )[: 2 * limit + 1]
    )


def _outlines_of(limit: int, sources: list[tuple[str, dict]]) -> list[tuple[Outline, bool]]:
    """For each `(key, where)` of kept feeds: `((post id, author id, created at), ...)` of its
    kept rows, newest first, and whether more follow. From the worker's memory, else from the
    shared cache (one call for all), else from the feed's kept rows or one small query."""
    now = time.monotonic()
    found: dict[str, tuple[Outline, bool]] = {}
    with _outlines_lock:
        for key, _where in sources:
            remembered = _outlines.get(key)
            if remembered is not None and remembered[0] > now:
                _outlines.move_to_end(key)
                found[key] = (remembered[1], remembered[2])
    missing = [(key, where) for key, where in sources if key not in found]
    if missing:
        shared = cache.get_many([f"{key}:outline" for key, _where in missing])
        to_share: dict[str, tuple[Outline, bool]] = {}
        for key, where in missing:
            entry: tuple[Outline, bool] | None = shared.get(f"{key}:outline")
            if entry is None:
                kept = cache.get(key)  # the feed's rows, if its page was read
                if kept is not None:
                    rows, beyond = kept
                    outline: Outline = tuple(
                        (post.pk, post.author_id, post.created_at, post_state(post))
                        for post in rows
                    )
                else:
                    listed = list(_outline_query(limit, where))
                    outline = tuple((pk, a, at, (e, c, r)) for pk, a, at, e, c, r in listed)
                    beyond = len(listed) > 2 * limit
                entry = (outline, beyond)
                to_share[f"{key}:outline"] = entry
            found[key] = entry
        if to_share:
            cache.set_many(to_share, FEED_CACHE_SECONDS)
        with _outlines_lock:
            for key, _where in missing:
                _outlines[key] = (now + FEED_CACHE_SECONDS, *found[key])
            while len(_outlines) > OUTLINES_KEPT:
                _outlines.popitem(last=False)
    return [found[key] for key, _where in sources]


def _outline(key: str, limit: int, where: dict) -> tuple[Outline, bool]:
    return _outlines_of(limit, [(key, where)])[0]


def _reactions_query(user_id: int, first_post_id: int):
    return Reaction.objects.filter(user_id=user_id, post_id__gte=first_post_id).values_list(
        "post_id", "kind"
    )


MY_REACTIONS_SINCE = CompiledQuery(_reactions_query, arguments=2)


@dataclass(frozen=True)
class FirstPageOutline:
    """What a reader's first page of a feed shows, without its posts: the feed's kept version,
    the posts shown, those the reader wrote, the reader's reactions, and whether more follow."""

    key: str
    shown: tuple[int, ...]
    mine: tuple[int, ...]
    reactions: tuple[tuple[int, str], ...]
    more: bool
    # As in `HomeOutline`: what each shown post's card shows that changes, the next cursor.
    states: tuple[PostState, ...] = ()
    next_cursor: str | None = None


def _first_page_outline(viewer, *, limit: int, where: dict) -> FirstPageOutline:
    key = _feed_key(limit, where)
    outline, beyond = _outline(key, limit, where)
    if viewer.is_authenticated:
        blocked = blocked_either_way(viewer)
        readable = [entry for entry in outline if entry[1] not in blocked]
    else:
        readable = list(outline)
    shown = readable[:limit]
    mine: tuple[int, ...] = ()
    reactions: tuple[tuple[int, str], ...] = ()
    if viewer.is_authenticated and shown:
        mine = tuple(pk for pk, author, _at, _state in shown if author == viewer.pk)
        ids = {pk for pk, *_rest in shown}
        reactions = tuple(
            sorted(
                (post_id, kind)
                for post_id, kind in MY_REACTIONS_SINCE.rows(viewer.pk, min(ids))
                if post_id in ids
            )
        )
    more = len(readable) > limit or beyond
    return FirstPageOutline(
        key=key,
        shown=tuple(pk for pk, *_rest in shown),
        mine=mine,
        reactions=reactions,
        more=more,
        states=tuple(state for _pk, _author, _at, state in shown),
        next_cursor=_encode(shown[-1][2], shown[-1][0]) if more and shown else None,
    )


def _first_page(
    viewer,
    outline: FirstPageOutline,
    *,
    limit: int,
    where: dict,
    may_interact: bool | None = None,
) -> FeedPage:
    """The posts of `outline`, decorated for `viewer`. With `may_interact` (whether the
    reader may comment and react in this feed), stand-ins that read the feed's kept rows only
    if a card must be rendered (`OutlinedPost`)."""
    if may_interact is not None:

        def fetch(wanted: list[int]) -> dict[int, Post]:
            rows, _beyond = _kept_rows(outline.key, limit, where)
            return {post.pk: post for post in rows if post.pk in wanted}

        return _stand_ins(
            _OutlineLoader(viewer, outline.shown, fetch),
            outline,
            dict.fromkeys(outline.shown, may_interact),
        )
    rows, _beyond = _kept_rows(outline.key, limit, where)
    page = _outlined_page(viewer, {post.pk: post for post in rows}, outline)
    if page is None:  # the kept rows were renewed since the outline: read them again
        return _page(_visible_posts(viewer).filter(**where), viewer, cursor=None, limit=limit)
    return page


def _outlined_page(
    viewer, by_id: dict[int, Post], outline: "FirstPageOutline | HomeOutline"
) -> FeedPage | None:
    """The posts an outline shows, from `by_id`, decorated for `viewer` with the reactions
    the outline read; None when one of them is missing."""
    if any(pk not in by_id for pk in outline.shown):
        return None
    reactions = dict(outline.reactions)
    posts = []
    for pk in outline.shown:
        post = by_id[pk]
        post.viewer_reaction = reactions.get(pk)  # type: ignore[attr-defined]
        posts.append(post)
    decorate_posts(posts, viewer)
    return FeedPage(
        posts=posts,
        next_cursor=encode_cursor(posts[-1]) if outline.more and posts else None,
    )


# --- Posts read only for the cards that must be rendered ------------------------------------------
# A kept page of a feed varies on its outline; when it is not kept yet (a reader's first visit),
# its post cards mostly are (`{% keep %}` in `_post.html`, shared by every reader with the same
# relation to the post). An `OutlinedPost` stands for a post of the outline: its id, what its
# card shows that changes (`PostState`: edited when, how many comments and reactions, which the
# outlines carry) and the reader's relation to it, which is what its card is kept under
# (`card_state`). Everything else is read on first use, for every post whose card the cache
# lacked at once (`core.pagecache.ReadWhenRendered`): a page whose cards are all kept reads no
# post at all. The names of its author, group and district are not part of the key: a kept
# card shows an old name for at most `pagecache.SHARED_SECONDS`, as a kept page does.


class OutlineChanged(Exception):
    """A post of the outline being rendered was deleted meanwhile: render the page again."""


def _posts_by_id(wanted: list[int]) -> dict[int, Post]:
    return post_queryset(AnonymousUser()).in_bulk(wanted)


class _OutlineLoader:
    def __init__(
        self,
        viewer,
        ids: tuple[int, ...],
        fetch: Callable[[list[int]], dict[int, Post]] = _posts_by_id,
    ) -> None:
        self.viewer = viewer
        self.ids = ids
        self.fetch = fetch
        self.needed: set[int] = set()
        self.posts: dict[int, Post] = {}

    def read(self, stand_in: "OutlinedPost") -> Post:
        if stand_in.pk not in self.posts:
            if stand_in.pk in self.needed:
                wanted = [pk for pk in self.ids if pk in self.needed and pk not in self.posts]
            else:  # not through a kept page's deferred cards: every post of the page at once
                wanted = [pk for pk in self.ids if pk not in self.posts]
            by_id = self.fetch(wanted)
            if len(by_id) < len(wanted):
                raise OutlineChanged
            decorate_posts([by_id[pk] for pk in wanted], self.viewer)
            self.posts.update(by_id)
        post = self.posts[stand_in.pk]
        # The card shows what it is kept under: the reader's relation as the outline read it.
        post.viewer_reaction = stand_in.viewer_reaction  # type: ignore[attr-defined]
        post.viewer_may_interact = stand_in.viewer_may_interact  # type: ignore[attr-defined]
        post.viewer_is_author = stand_in.viewer_is_author  # type: ignore[attr-defined]
        return post


class OutlinedPost(pagecache.ReadWhenRendered):
    """A post of a feed's outline, read from the database only when its card is rendered."""

    def __init__(
        self,
        loader: _OutlineLoader,
        pk: int,
        state: PostState,
        *,
        viewer_reaction: str | None,
        viewer_may_interact: bool,
        viewer_is_author: bool,
    ) -> None:
        self._loader = loader
        self.pk = self.id = pk
        self.state = state
        self.viewer_reaction = viewer_reaction
        self.viewer_may_interact = viewer_may_interact
        self.viewer_is_author = viewer_is_author

    def card_state(self) -> tuple:
        return (
            "outlined",
            self.pk,
            self.state,
            self.viewer_reaction,
            self.viewer_may_interact,
            self.viewer_is_author,
        )

    def needed(self) -> None:
        self._loader.needed.add(self.pk)

    def __getattr__(self, name: str):  # what the object lacks: the post's
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self._loader.read(self), name)


def _stand_ins(
    loader: _OutlineLoader,
    outline: "FirstPageOutline | HomeOutline",
    may_interact: dict[int, bool],
) -> FeedPage:
    reactions = dict(outline.reactions)
    mine = set(outline.mine)
    posts: list[Any] = [  # in place of the posts
        OutlinedPost(
            loader,
            pk,
            state,
            viewer_reaction=reactions.get(pk),
            viewer_may_interact=may_interact.get(pk, False),
            viewer_is_author=pk in mine,
        )
        for pk, state in zip(outline.shown, outline.states, strict=True)
    ]
    return FeedPage(posts=posts, next_cursor=outline.next_cursor)


# --- Districts ------------------------------------------------------------------------------------


def district_get(*, visible_to, municipality: Municipality, district_slug: str) -> District:
    """A district of the municipality whose feed `visible_to` may read."""
    require_module(municipality)
    if not visible_to.has_perm("community.view_community", municipality):
        raise NotFound(_("This neighbourhood does not exist."))
    district = District.objects.filter(municipality=municipality, slug=district_slug).first()
    if district is None:
        raise NotFound(_("This neighbourhood does not exist."))
    district.municipality = municipality
    return district


def district_list(*, municipality: Municipality) -> QuerySet[District]:
    return District.objects.filter(municipality=municipality).order_by("name")


def my_districts(*, viewer, municipality: Municipality) -> list[District]:
    """The viewer's neighbourhood in the municipality (their membership's district)."""
    if not viewer.is_authenticated:
        return []
    return [
        membership.district
        for membership in Membership.objects.filter(
            user_id=viewer.pk, municipality=municipality, district__isnull=False
        ).select_related("district")
        if membership.district is not None
    ]


def _require_read_district(viewer, district: District) -> None:
    municipality = district.municipality
    require_module(municipality)
    if not viewer.has_perm("community.view_community", municipality):
        raise NotFound(_("This neighbourhood does not exist."))


def district_feed_outline(
    *, viewer, district: District, limit: int = PAGE_SIZE
) -> FirstPageOutline:
    """What the first page of a district's feed shows `viewer` (see `FirstPageOutline`)."""
    _require_read_district(viewer, district)
    return _first_page_outline(viewer, limit=limit, where={"district_id": district.pk})


def district_feed(
    *,
    viewer,
    district: District,
    cursor: str | None = None,
    limit: int = PAGE_SIZE,
    outline: FirstPageOutline | None = None,
    cards: bool = False,
) -> FeedPage:
    """The visible posts of a district's feed, newest first (the first page as `outline`
    says, when the caller read it already; with `cards`, as `OutlinedPost`s)."""
    _require_read_district(viewer, district)
    if cursor is None:
        where = {"district_id": district.pk}
        if outline is None:
            outline = _first_page_outline(viewer, limit=limit, where=where)
        may_interact = None
        if cards:  # what `can_interact_with_post` says of a visible post of the district
            may_interact = bool(
                viewer.is_authenticated
                and viewer.has_perm("community.take_part", district.municipality)
            )
        return _first_page(viewer, outline, limit=limit, where=where, may_interact=may_interact)
    return _page(_visible_posts(viewer).filter(district=district), viewer, cursor, limit)


# --- Groups ---------------------------------------------------------------------------------------


def _with_viewer_status(queryset: QuerySet[Group], viewer) -> QuerySet[Group]:
    if not viewer.is_authenticated:
        return queryset
    mine = GroupMembership.objects.filter(group=OuterRef("pk"), user_id=viewer.pk)
    return queryset.annotate(
        viewer_status=Subquery(mine.values("status")[:1]),
        viewer_role=Subquery(mine.values("role")[:1]),
    )


def group_list(
    *,
    visible_to,
    municipality: Municipality,
    interest: str | None = None,
    mine: bool = False,
    order: str = "name",
) -> QuerySet[Group]:
    """The groups of a municipality (their names and descriptions are shown to all its
    members, also for groups on request), with the viewer's status in each."""
    require_module(municipality)
    if not visible_to.has_perm("community.view_community", municipality):
        raise NotFound(_("This municipality's community is for its members."))
    queryset = Group.objects.filter(municipality=municipality, hidden_at__isnull=True)
    if interest:
        queryset = queryset.filter(interest=interest)
    if mine:
        queryset = queryset.filter(
            memberships__user_id=visible_to.pk,
            memberships__status=GroupMembership.Status.ACTIVE,
        )
    queryset = _with_viewer_status(queryset, visible_to)
    if order == "activity":
        return queryset.order_by(F("last_post_at").desc(nulls_last=True), "name", "pk")
    return queryset.order_by("-official", "name", "pk")


def group_get(
    *,
    visible_to,
    municipality: Municipality | None = None,
    slug: str | None = None,
    group_id: int | None = None,
) -> Group:
    """A group whose name and description `visible_to` may see (a member of its municipality).
    A hidden group is seen only by its administrators (with the moderators' reason)."""
    queryset = Group.objects.all()
    if municipality is not None:
        require_module(municipality)
        queryset = queryset.filter(municipality=municipality)
    else:
        queryset = queryset.select_related("municipality")
    if slug is not None:
        queryset = queryset.filter(slug=slug)
    if group_id is not None:
        queryset = queryset.filter(pk=group_id)
    group = queryset.first() if (slug is not None or group_id is not None) else None
    if group is None:
        raise NotFound(_("This group does not exist."))
    if municipality is not None:
        group.municipality = municipality
    else:
        require_module(group.municipality)
    if group.hidden_at is not None:
        if not visible_to.has_perm("community.manage_group", group):
            raise NotFound(_("This group does not exist."))
    elif not visible_to.has_perm("community.see_group", group):
        raise NotFound(_("This group does not exist."))
    status = group_status(visible_to, group)
    group.viewer_status = status[0] if status else None  # type: ignore[attr-defined]
    group.viewer_role = status[1] if status else None  # type: ignore[attr-defined]
    return group


def _require_read_group(viewer, group: Group) -> None:
    """Those who see a group on request without being its members are told why they may not
    read it; anyone else does not find it."""
    if viewer.has_perm("community.view_group", group):
        return
    if viewer.has_perm("community.see_group", group):
        raise PermissionDenied(
            _("Only the members of this group can read its posts and see who belongs to it.")
        )
    raise NotFound(_("This group does not exist."))


def group_feed_outline(*, viewer, group: Group, limit: int = PAGE_SIZE) -> FirstPageOutline:
    """What the first page of a group's feed shows `viewer` (see `FirstPageOutline`)."""
    _require_read_group(viewer, group)
    return _first_page_outline(viewer, limit=limit, where={"group_id": group.pk})


def group_feed(
    *,
    viewer,
    group: Group,
    cursor: str | None = None,
    limit: int = PAGE_SIZE,
    outline: FirstPageOutline | None = None,
    cards: bool = False,
) -> FeedPage:
    """The visible posts of a group, for those who may read it (its active members for a
    group on request); the first page as `outline` says, when the caller read it already
    (with `cards`, as `OutlinedPost`s)."""
    _require_read_group(viewer, group)
    if cursor is None:
        where = {"group_id": group.pk}
        if outline is None:
            outline = _first_page_outline(viewer, limit=limit, where=where)
        may_interact = None
        if cards:  # what `can_interact_with_post` says of a visible post of the group
            may_interact = bool(
                viewer.is_authenticated and viewer.has_perm("community.post_in_group", group)
            )
        return _first_page(viewer, outline, limit=limit, where=where, may_interact=may_interact)
    return _page(_visible_posts(viewer).filter(group=group), viewer, cursor, limit)


def group_member_list(
    *, visible_to, group: Group, status: str = GroupMembership.Status.ACTIVE
) -> QuerySet[GroupMembership]:
    """The group's members (for those who may read the group), or its pending requests (for
    its administrators), administrators first, then by name."""
    if status == GroupMembership.Status.PENDING:
        if not visible_to.has_perm("community.manage_group", group):
            raise NotFound(_("This group does not exist."))
    else:
        _require_read_group(visible_to, group)
    queryset = GroupMembership.objects.filter(group=group, status=status).select_related(
        "user__community_profile"
    )
    if status == GroupMembership.Status.PENDING:
        return queryset.order_by("requested_at", "pk")
    return queryset.order_by("role", "user__display_name", "pk")  # "admin" < "member"


# --- Posts ----------------------------------------------------------------------------------------


def post_get(*, visible_to, post_id: int, municipality: Municipality | None = None) -> Post:
    """A post `visible_to` may read: not hidden (unless they wrote it), in a feed or group they
    may read, and not between people who blocked each other."""
    queryset = post_queryset(visible_to).filter(pk=post_id)
    if municipality is not None:
        queryset = queryset.filter(municipality=municipality)
    post = queryset.first()
    if post is None:
        raise NotFound(_("This post does not exist."))
    require_module(post.municipality)
    decorate_posts([post], visible_to)
    if not visible_to.has_perm("community.view_post", post):  # blocks included
        raise NotFound(_("This post does not exist."))
    return post


def comment_list(*, visible_to, post: Post) -> QuerySet[Comment]:
    """The post's comments, oldest first: visible ones, and the viewer's own hidden ones (with
    the moderators' reason); none by people who blocked the viewer or whom they blocked."""
    visible = Q(hidden_at__isnull=True)
    if visible_to.is_authenticated:
        visible |= Q(author_id=visible_to.pk)
    queryset = Comment.objects.filter(visible, post=post).select_related(
        "author__community_profile"
    )
    return _without_blocked(queryset, visible_to).order_by("created_at", "id")


def comment_get(*, visible_to, comment_id: int) -> Comment:
    """A comment `visible_to` may read (on a post they may read)."""
    comment = Comment.objects.filter(pk=comment_id).only("pk", "post_id").first()
    if comment is None:
        raise NotFound(_("This comment does not exist."))
    post = post_get(visible_to=visible_to, post_id=comment.post_id)
    found = comment_list(visible_to=visible_to, post=post).filter(pk=comment_id).first()
    if found is None:
        raise NotFound(_("This comment does not exist."))
    found.post = post
    return found


# --- The home feed --------------------------------------------------------------------------------


def community_municipalities(viewer) -> dict[int, Municipality]:
    """The municipalities whose community the viewer reads (member or staff there), among
    those that have the community module on, by id (from the cache: no query when warm)."""
    return {m.pk: m for m in people.community_municipalities(user=viewer)}


def community_municipality_ids(viewer) -> set[int]:
    return set(community_municipalities(viewer))


def _home_queryset(viewer, municipality_ids) -> QuerySet[Post]:
    """Every post of the viewer's home feed (see `home_feed`), as one query."""
    my_groups = GroupMembership.objects.filter(
        user_id=viewer.pk, status=GroupMembership.Status.ACTIVE
    ).values("group_id")
    my_districts = Membership.objects.filter(user_id=viewer.pk, district__isnull=False).values(
        "district_id"
    )
    followed = Follow.objects.filter(follower_id=viewer.pk).values("followed_id")
    sources = (
        Q(district_id__in=my_districts)
        | Q(group_id__in=my_groups)
        | Q(author_id__in=followed)
        | Q(author_id=viewer.pk)
    )
    readable = (
        Q(group__isnull=True)
        | Q(group__hidden_at__isnull=True, group__visibility=Group.Visibility.OPEN)
        | Q(group__hidden_at__isnull=True, group_id__in=my_groups)
    )
    return _visible_posts(viewer).filter(sources, readable, municipality_id__in=municipality_ids)


# The home feed's first page, without its big query: the newest posts of my neighbourhoods and
# groups come from their feeds' kept outlines (as their own pages read them), those of the
# people I follow and mine from one small query; merged, they make the page when every source
# that was cut short reaches past its last post shown (otherwise, the query above).

HOME_SOURCE_ROWS = 2 * PAGE_SIZE + 1  # as many as a feed's kept outline holds


def _followed_query(user_id: int):
    # One list of authors (`IN (… UNION ALL …)`): with `IN (…) OR author = me`, PostgreSQL
    # walked every recent post to filter them (15 ms at 300,000 residents, 1.7 ms so).
    authors = (
        Follow.objects.filter(follower_id=user_id)
        .values("followed_id")
        .union(get_user_model().objects.filter(pk=user_id).values("pk"), all=True)
    )
    return (
        Post.objects.filter(author_id__in=authors, hidden_at__isnull=True)
        .order_by("-created_at", "-id")
        .values_list(
            "pk",
            "author_id",
            "created_at",
            "municipality_id",
            "district_id",
            "group_id",
            "group__visibility",
            "group__hidden_at",
            "edited_at",
            "comment_count",
            "reaction_count",
        )[:HOME_SOURCE_ROWS]
    )


FOLLOWED_POSTS = CompiledQuery(_followed_query, converted=True)


@dataclass(frozen=True)
class HomeOutline:
    """What a reader's first home page shows, without its posts: the posts (newest first), the
    kept versions of the feeds they come from, those the reader wrote, the reader's reactions,
    where they may comment and react, and whether more follow."""

    shown: tuple[int, ...]
    versions: tuple[str, ...]
    mine: tuple[int, ...]
    reactions: tuple[tuple[int, str], ...]
    may_interact: tuple[tuple[int, bool], ...]  # (post id, may comment and react)
    more: bool
    # What each shown post's card shows that changes (as `shown`), and the cursor of the next
    # page: with them a page shows its posts' kept cards without reading the posts.
    states: tuple[PostState, ...] = ()
    next_cursor: str | None = None


class _Candidate(NamedTuple):
    at: datetime
    pk: int
    author: int | None
    version: str | None  # the kept version of the feed it came from, if it came from one
    municipality_id: int
    district_id: int | None
    group_id: int | None
    state: PostState


def home_feed_outline(*, viewer, limit: int = PAGE_SIZE) -> HomeOutline | None:
    """The first page of `viewer`'s home feed from the kept outlines, or None when they do not
    tell it (a source cut short before the page's end, or another page size)."""
    municipalities = community_municipalities(viewer)
    if limit != PAGE_SIZE or not municipalities:
        return None
    facts = reader(viewer)
    places: list[tuple[int | None, int | None, int]] = [
        (d, None, m) for d, m in facts.districts if m in municipalities
    ]
    places += [(None, g, m) for g, m in facts.groups if m in municipalities]
    wheres = [{"district_id": d} if d else {"group_id": g} for d, g, _m in places]
    found: dict[int, _Candidate] = {}
    floors: list[tuple[datetime, int]] = []  # the last post of each source cut short
    keys = _feed_keys(limit, wheres)
    outlines = _outlines_of(limit, list(zip(keys, wheres, strict=True)))
    for (district_id, group_id, municipality_id), key, (outline, beyond) in zip(
        places, keys, outlines, strict=True
    ):
        for pk, author, at, state in outline:
            found[pk] = _Candidate(
                at, pk, author, key, municipality_id, district_id, group_id, state
            )
        if beyond and outline:
            floors.append((outline[-1][2], outline[-1][0]))
    my_groups = {g for g, _m in facts.groups}
    rows = FOLLOWED_POSTS.rows(viewer.pk)
    for row in rows:
        pk, author, at, municipality_id, district_id, group_id, visibility, hidden_at = row[:8]
        readable = group_id is None or (
            hidden_at is None and (visibility == Group.Visibility.OPEN or group_id in my_groups)
        )
        if pk not in found and municipality_id in municipalities and readable:
            found[pk] = _Candidate(
                at,
                pk,
                author,
                None,
                municipality_id,
                district_id,
                group_id,
                (row[8], row[9], row[10]),
            )
    if len(rows) >= HOME_SOURCE_ROWS:
        floors.append((rows[-1][2], rows[-1][0]))
    blocked = blocked_either_way(viewer)
    candidates = sorted(
        (entry for entry in found.values() if entry.author not in blocked), reverse=True
    )
    if floors:
        if len(candidates) <= limit:
            return None
        edge = (candidates[limit].at, candidates[limit].pk)
        if any(floor > edge for floor in floors):
            return None
    shown = candidates[:limit]
    ids = {entry.pk for entry in shown}
    reactions: tuple[tuple[int, str], ...] = ()
    if ids:
        reactions = tuple(
            sorted(
                (post_id, kind)
                for post_id, kind in MY_REACTIONS_SINCE.rows(viewer.pk, min(ids))
                if post_id in ids
            )
        )
    # What a shown post's card says changes with its feed's version: those of the feeds read
    # above, and of the other places of the posts of people I follow.
    others = sorted(
        {
            _feed_version_key(district_id=entry.district_id, group_id=entry.group_id)
            for entry in shown
            if entry.version is None
        }
    )
    versions = {entry.version for entry in shown if entry.version is not None}
    if others:
        kept = cache.get_many(others)
        versions |= {f"{key}:{kept.get(key)}" for key in others}
    more = len(candidates) > limit
    may_take_part = {
        pk: viewer.has_perm("community.take_part", municipality)
        for pk, municipality in municipalities.items()
    }
    return HomeOutline(
        shown=tuple(entry.pk for entry in shown),
        versions=tuple(sorted(versions)),
        mine=tuple(entry.pk for entry in shown if entry.author == viewer.pk),
        reactions=reactions,
        may_interact=tuple(
            (
                entry.pk,
                may_take_part[entry.municipality_id]
                and (entry.group_id is None or entry.group_id in my_groups),
            )
            for entry in shown
        ),
        more=more,
        states=tuple(entry.state for entry in shown),
        next_cursor=_encode(shown[-1].at, shown[-1].pk) if more and shown else None,
    )


def _home_first_page(viewer, outline: HomeOutline, *, cards: bool = False) -> FeedPage:
    """The posts of `outline`, decorated for `viewer`: one query (and one for pictures). With
    `cards`, stand-ins (`OutlinedPost`) that read them only if their cards must be rendered."""
    if cards:
        return _stand_ins(
            _OutlineLoader(viewer, outline.shown), outline, dict(outline.may_interact)
        )
    by_id = post_queryset(AnonymousUser()).in_bulk(outline.shown)
    page = _outlined_page(viewer, by_id, outline)
    if page is None:  # deleted meanwhile: read the page again
        return _page(
            _home_queryset(viewer, community_municipality_ids(viewer)), viewer, None, PAGE_SIZE
        )
    return page


def home_feed(
    *,
    viewer,
    cursor: str | None = None,
    limit: int = PAGE_SIZE,
    outline: HomeOutline | None = None,
    cards: bool = False,
) -> FeedPage:
    """My home feed: the visible posts of my neighbourhoods (`Membership.district`), of the
    groups I am an active member of, of the people I follow, and my own, newest first; never
    posts by people I blocked or who blocked me, never what I may not read. The first page
    as `outline` says (`home_feed_outline`, read here when the caller did not); with `cards`,
    its posts are `OutlinedPost`s, for a page that shows them as kept cards."""
    if cursor is None:
        if outline is None:
            outline = home_feed_outline(viewer=viewer, limit=limit)
        if outline is not None:
            return _home_first_page(viewer, outline, cards=cards)
    municipality_ids = community_municipality_ids(viewer)
    if not municipality_ids:
        if cursor:
            decode_cursor(cursor)
        return FeedPage(posts=[], next_cursor=None)
    return _page(_home_queryset(viewer, municipality_ids), viewer, cursor, limit)
