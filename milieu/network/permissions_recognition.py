"""Who may do what with recognition, as `rules` predicates.

Badges, awards and their evidence are public. A region's criteria are set by the region's
consortium administrator (with MFA); the platform's criteria (no region) by the platform operator
(`user.is_staff`, with MFA). The permission object is the criterion's region (a Region) or None
for the platform, so that creating and editing ask the same question.
"""

from __future__ import annotations

import rules

from milieu.accounts.permissions import has_mfa
from milieu.territory.permissions_committees import is_region_admin


@rules.predicate
def is_platform_operator(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_staff and has_mfa(user))


@rules.predicate
def may_set_criteria(user, region) -> bool:
    """`region` is a Region (its consortium administrator) or None (the platform operator)."""
    if not user.is_authenticated:
        return False
    if region is None:
        return bool(is_platform_operator(user))
    return bool(is_region_admin(user, region))


@rules.predicate
def may_edit_criterion(user, criterion) -> bool:
    return criterion is not None and bool(may_set_criteria(user, criterion.region))


rules.add_perm("network.view_recognition", rules.always_allow)
rules.add_perm("network.set_criteria", may_set_criteria)
rules.add_perm("network.change_criterion", may_edit_criterion)
