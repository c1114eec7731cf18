"""Who may do what with the toolkit, as `rules` predicates.

Platform courses are written by the platform operator (`user.is_staff`); a region's courses by
its consortium administrator (with MFA). Published courses are read by their audience: everyone
(even anonymous visitors) for the platform's residents courses; people of the region's member
municipalities for a region's; staff and elected officials also see the courses for them. Any
member of a municipality asks it for coaching; its staff (with MFA) handle the queue.
"""

from __future__ import annotations

import rules

from milieu.accounts.models import Role
from milieu.accounts.permissions import has_mfa, is_member, is_municipal_staff


def _consortium_admin_of(user, region_id: int | None) -> bool:
    from milieu.accounts.access import access_facts

    if not user.is_authenticated or region_id is None:
        return False
    return (Role.CONSORTIUM_ADMIN, None, region_id) in access_facts(user).roles and bool(
        has_mfa(user)
    )


@rules.predicate
def is_operator(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_staff)


@rules.predicate
def can_author_region(user, region) -> bool:
    """Write courses for `region` (a Region; None is the platform)."""
    if region is None:
        return bool(is_operator(user))
    return bool(user.is_active) and _consortium_admin_of(user, region.pk)


@rules.predicate
def can_edit_course(user, course) -> bool:
    if course.region_id is None:
        return bool(is_operator(user))
    return bool(user.is_active) and _consortium_admin_of(user, course.region_id)


@rules.predicate
def can_request_coaching(user, municipality) -> bool:
    return bool(user.is_authenticated and user.is_active and is_member(user, municipality))


@rules.predicate
def can_handle_coaching(user, municipality) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and is_municipal_staff(user, municipality)
        and has_mfa(user)
    )


def authoring_regions(user) -> list[int]:
    """The regions whose courses `user` writes (consortium administrator with MFA)."""
    from milieu.accounts.access import access_facts

    if not user.is_authenticated or not user.is_active or not has_mfa(user):
        return []
    return sorted(
        region
        for role, _m, region in access_facts(user).roles
        if role == Role.CONSORTIUM_ADMIN and region is not None
    )


def can_author_anything(user) -> bool:
    return bool(is_operator(user)) or bool(authoring_regions(user))


rules.add_perm("network.author_courses", can_author_region)  # object: a Region or None
rules.add_perm("network.edit_course", can_edit_course)  # object: the course
rules.add_perm("network.request_coaching", can_request_coaching)  # object: the municipality
rules.add_perm("network.handle_coaching", can_handle_coaching)  # object: the municipality
