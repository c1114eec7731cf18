"""Who may do what with the digital-maturity diagnostic and the digital plan, as `rules`
predicates (object: the municipality, or the region for the region's plans).

A municipality's diagnostic and plan are its staff's and administrators' (with MFA): they run the
questionnaire, read the results, history and comparison, and write the plan; no one else, not
even the staff of another town, sees them. The region's plans side by side are read by the
region's consortium administrator (with MFA) and by the staff of its member towns.
"""

from __future__ import annotations

import rules

from milieu.accounts.models import Role
from milieu.accounts.permissions import has_mfa, is_municipal_staff


@rules.predicate
def is_town_staff(user, municipality) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and municipality is not None
        and is_municipal_staff(user, municipality)
        and has_mfa(user)
    )


@rules.predicate
def may_read_region_plans(user, region) -> bool:
    from milieu.accounts.access import access_facts

    if not user.is_authenticated or not user.is_active or region is None or not has_mfa(user):
        return False
    roles = access_facts(user).roles
    if (Role.CONSORTIUM_ADMIN, None, region.pk) in roles:
        return True
    staff_towns = {m for role, m, _r in roles if role in {Role.STAFF, Role.ADMIN} and m}
    if not staff_towns:
        return False
    return region.municipalities.filter(pk__in=staff_towns).exists()


rules.add_perm("network.run_diagnostic", is_town_staff)  # object: the municipality
rules.add_perm("network.manage_plan", is_town_staff)  # object: the municipality
rules.add_perm("network.view_region_plans", may_read_region_plans)  # object: the region
