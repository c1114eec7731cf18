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

import rules

from milieu.accounts.models import Role, TrustLevel
from milieu.accounts.permissions import (
    has_mfa,
    has_role,
    has_trust_level,
    is_member,
    is_municipal_staff,
)

from .models import Conversation, Group, GroupMembership, Post


def _group_roles(user) -> dict[int, tuple[str, str]]:
    """The user's group memberships, `{group id: (status, role)}`, once per request."""
    cached = user.__dict__.get("_milieu_group_roles")
    if cached is None:
        cached = {
            group_id: (status, role)
            for group_id, status, role in GroupMembership.objects.filter(user=user).values_list(
                "group_id", "status", "role"
            )
        }
        user.__dict__["_milieu_group_roles"] = cached
    return cached


def forget_group_roles(user) -> None:
    """After a membership changes in this request (the services call it)."""
    user.__dict__.pop("_milieu_group_roles", None)


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


@rules.predicate
def can_read_post(user, post) -> bool:
    if not isinstance(post, Post):
        return False
    if post.hidden_at is not None:
        return user.is_authenticated and post.author_id == user.pk
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
