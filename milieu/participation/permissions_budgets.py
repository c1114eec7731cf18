"""Who may do what with participatory budgets, as `rules` predicates.

A budget consultation that is published (or closed) is public in a municipality that has the
participation module on: anyone reads its projects and, once it is closed, its results. The
municipality's staff (with MFA) see drafts and manage the projects; the services allow changes
to the projects only while the consultation is a draft. Voting is for the people the
consultation's eligibility admits (`participation.eligibility.refusal`), in its voting phase.
"""

from __future__ import annotations

import rules

from milieu.accounts.permissions import has_mfa, is_municipal_staff
from milieu.core import modules

MODULE = "participation"
KIND = "budget"


@rules.predicate
def is_budget(user, consultation) -> bool:
    return consultation is not None and consultation.kind == KIND


@rules.predicate
def is_budget_staff(user, consultation) -> bool:
    """The staff (with MFA) of the consultation's municipality."""
    if consultation is None or not user.is_authenticated or not user.is_active:
        return False
    return bool(is_municipal_staff(user, consultation.municipality)) and bool(has_mfa(user))


@rules.predicate
def module_on(user, consultation) -> bool:
    return consultation is not None and modules.is_enabled(consultation.municipality, MODULE)


@rules.predicate
def is_public(user, consultation) -> bool:
    return consultation.status in ("published", "closed") and consultation.published_at is not None


@rules.predicate
def may_vote(user, consultation) -> bool:
    from .eligibility import refusal

    return refusal(user, consultation) is None


@rules.predicate
def results_out(user, consultation) -> bool:
    return consultation.status == "closed" and consultation.results is not None


rules.add_perm("participation.view_budget", is_budget & module_on & (is_public | is_budget_staff))
rules.add_perm("participation.manage_budget", is_budget & module_on & is_budget_staff)
rules.add_perm("participation.vote_budget", is_budget & module_on & may_vote)


@rules.predicate
def is_staff_of(user, municipality) -> bool:
    if municipality is None or not user.is_authenticated or not user.is_active:
        return False
    return bool(is_municipal_staff(user, municipality)) and bool(has_mfa(user))


rules.add_perm("participation.manage_budgets_in", is_staff_of)
rules.add_perm(
    "participation.view_budget_results",
    is_budget & module_on & results_out & (is_public | is_budget_staff),
)
