"""Who may do what with participatory budgets, as `rules` predicates over the consultation
frame's (`permissions.py`).

A budget consultation that is published (or closed) is public in a municipality that has the
participation module on: anyone reads its projects and, once it is closed, its results. The
municipality's staff (with MFA) see drafts and manage the projects; the services allow changes
to the projects only while the consultation is a draft. Voting is for the people the
consultation's eligibility admits (`participation.eligibility.refusal`), in its voting phase.
"""

from __future__ import annotations

import rules

from .permissions import (
    MODULE,
    can_manage_consultation,
    can_see_consultation,
    can_take_part,
)

KIND = "budget"


@rules.predicate
def is_budget(user, consultation) -> bool:
    return consultation is not None and consultation.kind == KIND


@rules.predicate
def results_out(user, consultation) -> bool:
    return consultation.status == "closed" and consultation.results is not None


rules.add_perm("participation.view_budget", is_budget & can_see_consultation)
rules.add_perm("participation.manage_budget", is_budget & can_manage_consultation)
rules.add_perm("participation.vote_budget", is_budget & can_take_part)
rules.add_perm("participation.view_budget_results", is_budget & results_out & can_see_consultation)

__all__ = ["KIND", "MODULE"]
