"""Who may do what in the rewards program, as `rules` predicates.

`rewards.manage_program` takes a municipality (the staff pages) or a program: a municipality's
program is managed by that municipality's staff, a region's shared program by the region's
consortium administrators; always with MFA. `rewards.act_as_merchant` takes a merchant: its
owner, once the city has verified it.
"""

import rules

from milieu.accounts.models import Role
from milieu.accounts.permissions import _active_roles, has_mfa, is_municipal_staff
from milieu.territory.models import Municipality

from .models import Merchant, Program


@rules.predicate
def is_program_staff(user, target) -> bool:
    if not user.is_authenticated or target is None:
        return False
    if isinstance(target, Municipality):
        return is_municipal_staff(user, target)
    if isinstance(target, Program):
        if target.municipality_id is not None:
            return is_municipal_staff(user, target.municipality)
        return (Role.CONSORTIUM_ADMIN, None, target.region_id) in _active_roles(user)
    return False


@rules.predicate
def owns_verified_merchant(user, merchant) -> bool:
    return (
        user.is_authenticated
        and isinstance(merchant, Merchant)
        and merchant.owner_id == user.pk
        and merchant.verified_at is not None
    )


rules.add_perm("rewards.manage_program", is_program_staff & has_mfa)
rules.add_perm("rewards.act_as_merchant", owns_verified_merchant)
