"""Test data of the social part: a municipality with its community on, its members (who
accepted the netiquette and have a handle), groups, posts, comments, pictures."""

from itertools import count

from milieu.accounts.models import Membership, Role
from milieu.accounts.tests.factories import UserFactory, citizen_of, with_role
from milieu.community import handles, netiquette
from milieu.community.models import (
    Block,
    Comment,
    Group,
    GroupMembership,
    NetiquetteAcceptance,
    Post,
)
from milieu.community.permissions import forget_blocks
from milieu.community.services import social as services
from milieu.core.testing import jpeg_bytes as jpeg_bytes
from milieu.core.testing import upload_file as upload_file
from milieu.territory.tests.factories import DistrictFactory, MunicipalityFactory

_numbers = count(1)


def town(slug: str | None = None, name: str | None = None, *, districts: int = 2, **kwargs):
    """A municipality with the community module on, and `districts` districts."""
    number = next(_numbers)
    municipality = MunicipalityFactory(
        slug=slug or f"ville-sociale-{number}",
        name=name or f"Ville sociale {number}",
        enabled_modules=["districts", "community"],
        **kwargs,
    )
    for index in range(districts):
        DistrictFactory(
            municipality=municipality,
            name=f"Quartier {municipality.slug} {index + 1}",
            slug=f"quartier-{index + 1}",
        )
    return municipality


def accept_netiquette(user, municipality) -> None:
    NetiquetteAcceptance.objects.get_or_create(
        user=user, municipality=municipality, version=netiquette.current(municipality).version
    )
    handles.profile_ensure(user)


def member(municipality, *, district=None, accepted: bool = True, **kwargs):
    """A citizen of `municipality` (home there, in `district` if given) who may take part."""
    user = citizen_of(municipality, **kwargs)
    if district is not None:
        Membership.objects.filter(user=user, municipality=municipality).update(district=district)
    if accepted:
        accept_netiquette(user, municipality)
    return user


def staff(municipality, *, accepted: bool = True, **kwargs):
    user = with_role(municipality, Role.STAFF, **kwargs)
    if accepted:
        accept_netiquette(user, municipality)
    return user


def outsider(**kwargs):
    """Someone with an account and no tie to any municipality."""
    return UserFactory(**kwargs)


def group(municipality, admin, **kwargs) -> Group:
    kwargs.setdefault("name", f"Groupe {next(_numbers)}")
    kwargs.setdefault("language", "fr")
    return services.group_create(actor=admin, municipality=municipality, **kwargs)


def add_member(group: Group, user, *, role=GroupMembership.Role.MEMBER, status="active"):
    membership = GroupMembership.objects.create(group=group, user=user, role=role, status=status)
    if status == GroupMembership.Status.ACTIVE:
        Group.objects.filter(pk=group.pk).update(member_count=group.member_count + 1)
        group.refresh_from_db()
    return membership


def post(
    author, *, district=None, group=None, body: str | None = None, language="fr", **kw
) -> Post:
    """A post through the service (counters and search index kept)."""
    municipality = (group or district).municipality
    return services.post_create(
        actor=author,
        municipality=municipality,
        district=district,
        group=group,
        body=body or f"Message {next(_numbers)}",
        language=language,
        **kw,
    )


def raw_post(author, *, district=None, group=None, body: str = "Bonjour", **kwargs) -> Post:
    """A post written directly (no service, no rate limit): for long lists."""
    municipality = (group or district).municipality
    return Post.objects.create(
        municipality=municipality,
        district=district,
        group=group,
        author=author,
        body=body,
        **kwargs,
    )


def comment(author, post: Post, body: str | None = None) -> Comment:
    return services.comment_create(
        actor=author, post=post, body=body or f"Commentaire {next(_numbers)}", language="fr"
    )


def block(blocker, blocked) -> Block:
    """A block written directly; like the service, it forgets both people's memoised blocks."""
    made = Block.objects.create(blocker=blocker, blocked=blocked)
    forget_blocks(blocker)
    forget_blocks(blocked)
    return made
