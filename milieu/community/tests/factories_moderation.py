"""Test data of the moderation part: municipalities with their community on, people (who
accepted the netiquette and have a handle, or not), moderators, and posts, comments and
conversations written directly with the models (the social part builds its own services)."""

from itertools import count

from django.utils import timezone

from milieu.accounts.models import Membership, Role
from milieu.accounts.tests.factories import citizen_of, with_role
from milieu.community import handles, netiquette
from milieu.community.models import (
    Block,
    Comment,
    Conversation,
    ConversationMember,
    Group,
    GroupMembership,
    Message,
    NetiquetteAcceptance,
    Post,
    Report,
)
from milieu.community.permissions import forget_blocks
from milieu.territory.tests.factories import DistrictFactory, MunicipalityFactory

_numbers = count(1)


def town(slug: str, name: str, **kwargs):
    """A municipality with the community module on, and one district."""
    municipality = MunicipalityFactory(
        slug=slug, name=name, enabled_modules=["districts", "community"], **kwargs
    )
    DistrictFactory(municipality=municipality, name=f"Centre de {name}", slug="centre")
    return municipality


def accept(user, municipality) -> None:
    NetiquetteAcceptance.objects.get_or_create(
        user=user, municipality=municipality, version=netiquette.current(municipality).version
    )


def person(municipality, name: str | None = None, *, accepted: bool = True, **kwargs):
    """A citizen of `municipality` with a handle, who accepted its netiquette (unless not)."""
    number = next(_numbers)
    user = citizen_of(municipality, display_name=name or f"Personne {number}", **kwargs)
    handles.profile_ensure(user)
    if accepted:
        accept(user, municipality)
    return user


def visitor_of(user, municipality) -> None:
    """`user` also belongs to `municipality` (a visited one)."""
    Membership.objects.create(user=user, municipality=municipality, is_home=False)


def moderator(municipality, name: str | None = None, *, mfa: bool = True):
    user = with_role(
        municipality, Role.STAFF, mfa=mfa, display_name=name or f"Modérateur {next(_numbers)}"
    )
    handles.profile_ensure(user)
    return user


def handle(user) -> str:
    return user.community_profile.handle


def post(municipality, author, body: str = "Bonjour le quartier", **kwargs) -> Post:
    if "group" not in kwargs and "district" not in kwargs:
        kwargs["district"] = municipality.districts.first()
    return Post.objects.create(municipality=municipality, author=author, body=body, **kwargs)


def comment(on: Post, author, body: str = "Bien dit") -> Comment:
    made = Comment.objects.create(post=on, author=author, body=body)
    Post.objects.filter(pk=on.pk).update(comment_count=on.comment_count + 1)
    on.comment_count += 1
    return made


def private_group(municipality, *members, name: str = "Club privé") -> Group:
    group = Group.objects.create(
        municipality=municipality,
        slug=f"groupe-{next(_numbers)}",
        name=name,
        visibility=Group.Visibility.ON_REQUEST,
    )
    for user in members:
        GroupMembership.objects.create(group=group, user=user, joined_at=timezone.now())
    return group


def conversation(municipality, *people, title: str = "") -> Conversation:
    """A conversation between `people` (the first one started it), without messages."""
    is_group = len(people) > 2
    pair_key = None
    if not is_group:
        low, high = sorted(user.pk for user in people)
        pair_key = f"{low}:{high}"
    made = Conversation.objects.create(
        municipality=municipality,
        title=title,
        is_group=is_group,
        pair_key=pair_key,
        created_by=people[0],
    )
    for user in people:
        ConversationMember.objects.create(conversation=made, user=user)
    return made


def message(conversation: Conversation, author, body: str = "Salut!") -> Message:
    made = Message.objects.create(conversation=conversation, author=author, body=body)
    Conversation.objects.filter(pk=conversation.pk).update(last_message_at=made.created_at)
    conversation.last_message_at = made.created_at
    return made


def block(blocker, blocked) -> Block:
    """A block written directly; like the service, it forgets both people's memoised blocks."""
    made = Block.objects.create(blocker=blocker, blocked=blocked)
    forget_blocks(blocker)
    forget_blocks(blocked)
    return made


def report(municipality, reporter, target: str, **kwargs) -> Report:
    kwargs.setdefault("reason", Report.Reason.SPAM)
    return Report.objects.create(
        municipality=municipality, reporter=reporter, target=target, **kwargs
    )


def page_text(response) -> str:
    """The page's text, tags removed and spaces collapsed (templates wrap long sentences)."""
    import re
    from html import unescape

    return " ".join(unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())
