"""How a person relates to the viewer (shares a municipality, follows, blocks, a shared
conversation): one query per viewer and person, memoised on the person object. The people
part's permissions and selectors read it.

A person is seen (display name and handle) by themselves, by the members and staff of a
municipality they belong to, by anyone logged in when their profile is public, and by whoever
already has a tie with them (a follow either way, a block of theirs, a shared conversation).
Their details (bio, interests, languages) follow `User.profile_visibility`, never across a
block.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import (
    BooleanField,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Q,
    Value,
)

from milieu.accounts.access import access_facts
from milieu.accounts.models import STAFF_ROLES, Membership, RoleAssignment

from .models import Block, ConversationMember, Follow


@dataclass(frozen=True)
class PersonRelation:
    is_me: bool = False
    shares_municipality: bool = False
    i_follow: bool = False
    follows_me: bool = False
    i_blocked: bool = False
    blocked_me: bool = False
    in_conversation: bool = False

    @property
    def blocked(self) -> bool:
        """A block either way."""
        return self.i_blocked or self.blocked_me


def community_municipality_ids(user) -> frozenset[int]:
    """The municipalities whose community `user` belongs to: memberships (home or visited) and
    the municipalities they are staff of (from the cached access facts, no query)."""
    if not user.is_authenticated:
        return frozenset()
    facts = access_facts(user)
    staff = {m for role, m, _r in facts.roles if role in STAFF_ROLES and m is not None}
    return facts.memberships | frozenset(staff)


def member_of_any(user_ref, municipality_ids) -> Q:
    """`Q` on the user named by `user_ref` (a value or an `OuterRef`): a member or staff of one
    of `municipality_ids` (never, for none)."""
    ids = list(municipality_ids)
    if not ids:
        return Q(pk__in=[])
    memberships = Membership.objects.filter(user=user_ref, municipality_id__in=ids)
    staff = RoleAssignment.objects.filter(
        user=user_ref, municipality_id__in=ids, role__in=list(STAFF_ROLES), revoked_at__isnull=True
    )
    return Q(Exists(memberships)) | Q(Exists(staff))


def _shares(user):
    ids = community_municipality_ids(user)
    if not ids:
        return Value(False, output_field=BooleanField())
    return ExpressionWrapper(member_of_any(OuterRef("pk"), ids), output_field=BooleanField())


def relation_annotations(user) -> dict:
    """Annotations of a User queryset: how each person relates to `user` (see
    `PersonRelation`)."""
    viewer = user.pk
    return {
        "rel_shares_municipality": _shares(user),
        "rel_i_follow": Exists(Follow.objects.filter(follower_id=viewer, followed=OuterRef("pk"))),
        "rel_follows_me": Exists(
            Follow.objects.filter(follower=OuterRef("pk"), followed_id=viewer)
        ),
        "rel_i_blocked": Exists(Block.objects.filter(blocker_id=viewer, blocked=OuterRef("pk"))),
        "rel_blocked_me": Exists(Block.objects.filter(blocker=OuterRef("pk"), blocked_id=viewer)),
        "rel_in_conversation": Exists(
            ConversationMember.objects.filter(
                user=OuterRef("pk"),
                left_at__isnull=True,
                conversation__members__user_id=viewer,
                conversation__members__left_at__isnull=True,
            )
        ),
    }


RELATION_FIELDS_PLAIN = (
    "shares_municipality",
    "i_follow",
    "follows_me",
    "i_blocked",
    "blocked_me",
    "in_conversation",
)
RELATION_FIELDS = tuple(f"rel_{field}" for field in RELATION_FIELDS_PLAIN)


def relation_from_row(user, person) -> PersonRelation:
    """The relation of a person loaded with `relation_annotations(user)`, memoised on it."""
    relation = PersonRelation(
        is_me=person.pk == user.pk,
        **{field: bool(getattr(person, f"rel_{field}")) for field in RELATION_FIELDS_PLAIN},
    )
    person.__dict__["_milieu_relation"] = (user.pk, relation)
    return relation


def person_relation(user, person) -> PersonRelation:
    """How `person` relates to `user` (one query, then memoised on `person`)."""
    if not user.is_authenticated:
        return PersonRelation()
    memo = person.__dict__.get("_milieu_relation")
    if memo is not None and memo[0] == user.pk:
        return memo[1]
    if person.pk == user.pk:
        relation = PersonRelation(is_me=True, shares_municipality=True)
    else:
        row = (
            get_user_model()
            .objects.filter(pk=person.pk)
            .annotate(**relation_annotations(user))
            .values(*RELATION_FIELDS)
            .first()
        ) or {}
        relation = PersonRelation(
            **{field: bool(row.get(f"rel_{field}")) for field in RELATION_FIELDS_PLAIN}
        )
    person.__dict__["_milieu_relation"] = (user.pk, relation)
    return relation


def forget_relation(person) -> None:
    """After a follow or a block changed in this request (the services call it)."""
    person.__dict__.pop("_milieu_relation", None)


def is_user(obj) -> bool:
    return isinstance(obj, get_user_model())
