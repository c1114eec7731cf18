"""Who may do what in the community, as `rules` predicates (see docs/architecture.md).

Objects: a municipality (reading and posting in its district feeds, creating groups,
moderating, coordinating pairings), a group, a post, a conversation. Membership facts come from
the cached access facts; group memberships and blocks are read per request and memoised on the
user (`_milieu_*` attributes are never pickled with it).

- Reading the community of a municipality: its members (home or visited) and its staff.
- Posting, commenting, creating a group: members with a verified email (trust ≥ member).
- An open group is read by every member of its municipality; a group on request by its
  active members only (its municipality's moderators see what was reported, not the group).
- Moderating: the municipality's staff, with MFA.
- Coordinating newcomer pairings: the municipality's staff or organisation managers, with MFA
  (they read newcomers' profiles).
"""

from dataclasses import dataclass

import rules
from django.db.models import BigIntegerField, Case, CharField, F, Q, Value, When
from django.db.models.functions import Cast
from django.utils.functional import LazyObject, empty

from milieu.accounts.models import Role, TrustLevel
from milieu.accounts.permissions import (
    has_mfa,
    has_role,
    has_trust_level,
    is_member,
    is_municipal_staff,
)
from milieu.core.compiled import CompiledQuery

from .models import Block, Conversation, Group, GroupMembership, NewcomerProfile, Pairing, Post
from .relations import is_user, person_relation


def _own(user):
    """The user object itself, also behind `request.user`'s lazy wrapper: what is memoised for
    the request goes on the user that permission checks receive (`has_perm` passes the
    wrapped user), not on the wrapper."""
    if isinstance(user, LazyObject):
        if user._wrapped is empty:
            user._setup()
        return user._wrapped
    return user


def _group_roles(user) -> dict[int, tuple[str, str]]:
    """The user's group memberships, `{group id: (status, role)}`, once per request (read with
    the rest of `reader`'s facts)."""
    user = _own(user)
    cached = user.__dict__.get("_milieu_group_roles")
    if cached is None:
        _load_reader(user)
        cached = user.__dict__["_milieu_group_roles"]
    return cached


def forget_group_roles(user) -> None:
    """After a membership changes in this request (the services call it)."""
    user = _own(user)
    user.__dict__.pop("_milieu_group_roles", None)
    user.__dict__.pop("_milieu_reader", None)


def group_status(user, group: Group) -> tuple[str, str] | None:
    """(status, role) of the user in the group, or None."""
    if not user.is_authenticated:
        return None
    return _group_roles(user).get(group.pk)


@rules.predicate
def is_community_member(user, municipality) -> bool:
    """A member of the municipality (home or visited), or its staff."""
    return is_member(user, municipality) or is_municipal_staff(user, municipality)


can_take_part = is_community_member & has_trust_level(TrustLevel.MEMBER)


@rules.predicate
def is_active_group_member(user, group) -> bool:
    status = group_status(user, group)
    return status is not None and status[0] == GroupMembership.Status.ACTIVE


@rules.predicate
def is_group_admin(user, group) -> bool:
    status = group_status(user, group)
    return status == (GroupMembership.Status.ACTIVE, GroupMembership.Role.ADMIN)


@rules.predicate
def can_read_group(user, group) -> bool:
    if not isinstance(group, Group) or group.hidden_at is not None:
        return False
    if group.is_open:
        return is_community_member(user, group.municipality)
    return is_active_group_member(user, group)


@rules.predicate
def can_join_group(user, group) -> bool:
    return (
        isinstance(group, Group)
        and group.hidden_at is None
        and can_take_part(user, group.municipality)
    )


@rules.predicate
def can_post_in_group(user, group) -> bool:
    return (
        isinstance(group, Group)
        and group.hidden_at is None
        and is_active_group_member(user, group)
        and can_take_part(user, group.municipality)
    )


def blocked_either_way(user) -> frozenset[int]:
    """The people `user` blocked and those who blocked `user`: read once per request with the
    rest of `reader`'s facts (`forget_blocks` after a block changes)."""
    if not user.is_authenticated:
        return frozenset()
    user = _own(user)
    cached = user.__dict__.get("_milieu_blocked_either")
    if cached is None:
        _load_reader(user)
        cached = user.__dict__["_milieu_blocked_either"]
    return cached


def forget_blocks(user) -> None:
    _own(user).__dict__.pop("_milieu_blocked_either", None)


def _reader_query(user_id: int):
    """What a reader's feeds depend on, in one `UNION ALL`: their neighbourhoods
    (`("district", district, municipality, "", "")`), group memberships
    (`("group", group, municipality, status, role)`, or `"hidden-group"` for a hidden group) and
    blocks either way (`("block", blocker, blocked, "", "")`)."""
    from milieu.accounts.models import Membership

    no_text = Cast(Value(""), CharField())

    def rows(queryset, kind, a, b, status=no_text, role=no_text):
        return queryset.annotate(
            fact=Value(kind) if isinstance(kind, str) else kind,
            fact_a=Cast(a, BigIntegerField()),
            fact_b=Cast(b, BigIntegerField()),
            fact_status=status,
            fact_role=role,
        ).values_list("fact", "fact_a", "fact_b", "fact_status", "fact_role")

    group_kind = Case(
        When(group__hidden_at__isnull=False, then=Value("hidden-group")), default=Value("group")
    )
    return rows(
        Membership.objects.filter(user_id=user_id, district__isnull=False),
        "district",
        F("district_id"),
        F("municipality_id"),
    ).union(
        rows(
            GroupMembership.objects.filter(user_id=user_id),
            group_kind,
            F("group_id"),
            F("group__municipality_id"),
            F("status"),
            F("role"),
        ),
        rows(
            Block.objects.filter(Q(blocker_id=user_id) | Q(blocked_id=user_id)),
            "block",
            F("blocker_id"),
            F("blocked_id"),
        ),
        all=True,
    )


READER = CompiledQuery(_reader_query)


@dataclass(frozen=True)
class Reader:
    """A reader's neighbourhoods and groups, as the home feed needs them."""

    districts: tuple[tuple[int, int], ...]  # (district id, municipality id)
    groups: tuple[tuple[int, int], ...]  # (group id, municipality id): active, not hidden


def reader(user) -> Reader:
    """The reader's neighbourhoods and active groups, once per request."""
    user = _own(user)
    memo = user.__dict__.get("_milieu_reader")
    return memo if memo is not None else _load_reader(user)


def _load_reader(user) -> Reader:
    """One query for what the community's pages ask about their reader (`_reader_query`),
    memoised on the user for the request: the `Reader`, the group roles (`_group_roles`) and
    the blocks either way (`blocked_either_way`)."""
    districts, groups, roles, blocked = [], [], {}, set()
    for fact, a, b, status, role in READER.rows(user.pk):
        if fact == "district":
            districts.append((a, b))
        elif fact in ("group", "hidden-group"):
            roles[a] = (status, role)
            if status == GroupMembership.Status.ACTIVE and fact == "group":
                groups.append((a, b))
        else:
            blocked.add(b if a == user.pk else a)
    found = Reader(districts=tuple(sorted(districts)), groups=tuple(sorted(groups)))
    user.__dict__.update(
        _milieu_reader=found,
        _milieu_group_roles=roles,
        _milieu_blocked_either=frozenset(blocked),
    )
    return found


@rules.predicate
def can_read_post(user, post) -> bool:
    """Who may read a post: as where it was published says, never across a block (a post by
    someone I blocked, or who blocked me, is not found — on its page, the report form or its
    translation alike)."""
    if not isinstance(post, Post):
        return False
    if post.hidden_at is not None:
        return user.is_authenticated and post.author_id == user.pk
    if post.author_id is not None and post.author_id in blocked_either_way(user):
        return False
    if post.group_id is not None:
        return can_read_group(user, post.group)
    return is_community_member(user, post.municipality)


@rules.predicate
def is_author(user, obj) -> bool:
    return user.is_authenticated and getattr(obj, "author_id", None) == user.pk


@rules.predicate
def is_moderator(user, municipality) -> bool:
    return is_municipal_staff(user, municipality) and has_mfa(user)


@rules.predicate
def is_pairing_coordinator(user, municipality) -> bool:
    return (
        is_municipal_staff(user, municipality)
        or has_role(user, Role.ORGANISATION_MANAGER, municipality)
    ) and has_mfa(user)


@rules.predicate
def is_conversation_member(user, conversation) -> bool:
    if not user.is_authenticated or not isinstance(conversation, Conversation):
        return False
    return conversation.members.filter(user=user, left_at__isnull=True).exists()


rules.add_perm("community.view_community", is_community_member)
rules.add_perm("community.take_part", can_take_part)  # post in a district feed, create a group
rules.add_perm("community.create_official_group", can_take_part & is_moderator)
rules.add_perm("community.view_group", can_read_group)
rules.add_perm("community.join_group", can_join_group)
rules.add_perm("community.post_in_group", can_post_in_group)
rules.add_perm("community.manage_group", is_group_admin)
rules.add_perm("community.view_post", can_read_post)
rules.add_perm("community.edit_post", is_author)
rules.add_perm("community.moderate", is_moderator)
rules.add_perm("community.coordinate_pairing", is_pairing_coordinator)
rules.add_perm("community.manage_resources", is_moderator)
rules.add_perm("community.view_conversation", is_conversation_member)


# --- social: groups, posts, comments, reactions -----------------------------------------------


@rules.predicate
def can_see_group(user, group) -> bool:
    """A group's name and description (not its posts nor its members): every member of its
    municipality, also for a group on request."""
    return (
        isinstance(group, Group)
        and group.hidden_at is None
        and is_community_member(user, group.municipality)
    )


@rules.predicate
def can_interact_with_post(user, post) -> bool:
    """Comment on a post or react to it: whoever may write where it was published (a district
    feed: those who take part in the municipality; a group: its active members)."""
    if not isinstance(post, Post) or post.hidden_at is not None:
        return False
    if post.group_id is not None:
        return can_post_in_group(user, post.group)
    return can_take_part(user, post.municipality)


rules.add_perm("community.see_group", can_see_group)
rules.add_perm("community.interact_post", can_interact_with_post)
rules.add_perm("community.edit_comment", is_author)


# --- People: community profiles, the person page, follows and blocks ----------------------------
# Who sees whom is decided from `relations.person_relation` (see that module).


@rules.predicate
def can_see_person(user, person) -> bool:
    if not user.is_authenticated or not is_user(person) or not person.is_active:
        return False
    relation = person_relation(user, person)
    if relation.is_me:
        return True
    if person.profile_visibility == person.Visibility.PUBLIC:
        return True
    return (
        relation.shares_municipality
        or relation.i_follow
        or relation.follows_me
        or relation.i_blocked
        or relation.in_conversation
    )


@rules.predicate
def can_see_person_details(user, person) -> bool:
    """Bio, interests and languages: as `User.profile_visibility` says, never across a block."""
    if not can_see_person(user, person):
        return False
    relation = person_relation(user, person)
    if relation.is_me:
        return True
    if relation.blocked:
        return False
    if person.profile_visibility == person.Visibility.PUBLIC:
        return True
    if person.profile_visibility == person.Visibility.MEMBERS:
        return relation.shares_municipality
    return False


@rules.predicate
def can_follow_person(user, person) -> bool:
    if not can_see_person(user, person):
        return False
    relation = person_relation(user, person)
    return not relation.is_me and not relation.blocked


@rules.predicate
def can_block_person(user, person) -> bool:
    return can_see_person(user, person) and not person_relation(user, person).is_me


rules.add_perm("community.change_profile", rules.is_authenticated)  # one's own profile
rules.add_perm("community.view_person", can_see_person)
rules.add_perm("community.view_person_details", can_see_person_details)
rules.add_perm("community.follow_person", can_follow_person)
rules.add_perm("community.block_person", can_block_person)


# --- Newcomers ------------------------------------------------------------------------------------
# A newcomer profile is seen by its person and by the municipality's pairing coordinators (each
# of their views is logged). A pairing is seen by its two people and its coordinators: its two
# people accept or decline it and leave feedback; they and the coordinators end or complete it.


@rules.predicate
def is_own_newcomer_profile(user, profile) -> bool:
    return (
        user.is_authenticated
        and isinstance(profile, NewcomerProfile)
        and profile.user_id == user.pk
    )


@rules.predicate
def coordinates_pairings_of(user, obj) -> bool:
    """A coordinator of the municipality of a newcomer profile or a pairing."""
    if not isinstance(obj, NewcomerProfile | Pairing):
        return False
    return is_pairing_coordinator(user, obj.municipality)


@rules.predicate
def is_pairing_party(user, pairing) -> bool:
    if not user.is_authenticated or not isinstance(pairing, Pairing):
        return False
    return user.pk in (pairing.newcomer.user_id, pairing.buddy.user_id)


can_see_newcomer_profile = is_own_newcomer_profile | coordinates_pairings_of
rules.add_perm("community.view_newcomer_profile", can_see_newcomer_profile)
rules.add_perm("community.view_pairing", is_pairing_party | coordinates_pairings_of)
rules.add_perm("community.respond_to_pairing", is_pairing_party)  # accept, decline, feedback
rules.add_perm("community.close_pairing", is_pairing_party | coordinates_pairings_of)  # end
