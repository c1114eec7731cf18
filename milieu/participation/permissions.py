"""Who may do what with consultations, as `rules` predicates.

A published or closed consultation is public in a municipality that has the module on: a
visitor without an account reads it, its phases and, once they are out, its results. Drafts
are the city's staff's (with MFA), who create, edit, publish and close consultations. Taking
part (answering a survey, supporting a proposal, voting on a budget) follows the
consultation's eligibility (`eligibility.refusal`): its action phase open now, the minimum
trust level in its municipality, the district when it has one.
"""

from __future__ import annotations

import rules

from milieu.accounts.permissions import has_mfa, is_municipal_staff
from milieu.core import modules

MODULE = "participation"


@rules.predicate
def module_enabled(user, municipality) -> bool:
    return municipality is not None and modules.is_enabled(municipality, MODULE)


@rules.predicate
def is_city_staff(user, municipality) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and is_municipal_staff(user, municipality)
        and has_mfa(user)
    )


@rules.predicate
def can_manage_consultations(user, municipality) -> bool:
    """Create and run the consultations of `municipality`."""
    return bool(is_city_staff(user, municipality) and module_enabled(user, municipality))


@rules.predicate
def can_manage_consultation(user, consultation) -> bool:
    return bool(can_manage_consultations(user, consultation.municipality))


@rules.predicate
def can_see_consultation(user, consultation) -> bool:
    if consultation.status == "draft":
        return bool(can_manage_consultation(user, consultation))
    return bool(module_enabled(user, consultation.municipality))


@rules.predicate
def can_take_part(user, consultation) -> bool:
    from .eligibility import refusal

    return bool(module_enabled(user, consultation.municipality)) and (
        refusal(user, consultation) is None
    )


@rules.predicate
def can_see_results(user, consultation) -> bool:
    """The results once the consultation is closed or in its results phase; staff always."""
    from .eligibility import current_phase

    if not can_see_consultation(user, consultation):
        return False
    if consultation.status == "closed" or can_manage_consultation(user, consultation):
        return True
    phase = current_phase(consultation)
    return phase is not None and phase.kind == "results"


@rules.predicate
def can_export_results(user, consultation) -> bool:
    """The CSV export: staff always, everyone once the consultation is closed."""
    if not can_see_consultation(user, consultation):
        return False
    return consultation.status == "closed" or bool(can_manage_consultation(user, consultation))


rules.add_perm("participation.view_consultation", can_see_consultation)
rules.add_perm("participation.manage_consultations", can_manage_consultations)
rules.add_perm("participation.manage_consultation", can_manage_consultation)
rules.add_perm("participation.take_part", can_take_part)
rules.add_perm("participation.view_results", can_see_results)
rules.add_perm("participation.export_results", can_export_results)
