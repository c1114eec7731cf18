"""Who may do what with proposals, as `rules` predicates (imported by `setup_proposals.ready`).

A published (or closed) call for proposals and its visible ideas are public: a visitor without
an account reads them. A hidden idea is seen by its author (with the reason) and the
municipality's staff only. Submitting and supporting follow the consultation's eligibility
(`eligibility.refusal`: its submission phase open now, the minimum trust level in its
municipality, its district); nobody supports their own idea, nor a withdrawn, answered or hidden
one. The author edits an idea while the phase is open and nobody has supported it yet, and
withdraws it until the city answers. The municipality's staff (with MFA) answer, set statuses
and hide.
"""

from __future__ import annotations

import rules

from milieu.accounts.permissions import has_mfa, is_municipal_staff
from milieu.core import modules

from . import eligibility
from .models import ConsultationStatus, Proposal, ProposalStatus
from .models.proposals import OPEN_PROPOSAL_STATUSES

MODULE = "participation"
KIND = "proposals"


@rules.predicate
def is_city_staff(user, municipality) -> bool:
    return bool(is_municipal_staff(user, municipality)) and bool(has_mfa(user))


def _module_on(municipality) -> bool:
    return municipality is not None and modules.is_enabled(municipality, MODULE)


@rules.predicate
def can_see_call(user, consultation) -> bool:
    """A call for proposals that is published or closed (staff see drafts too)."""
    if consultation.status in (ConsultationStatus.PUBLISHED, ConsultationStatus.CLOSED):
        return _module_on(consultation.municipality)
    return bool(is_city_staff(user, consultation.municipality))


@rules.predicate
def can_see_proposal(user, proposal: Proposal) -> bool:
    if is_city_staff(user, proposal.municipality):
        return True
    if not can_see_call(user, proposal.consultation):
        return False
    if proposal.hidden_at is None:
        return True
    return user.is_authenticated and proposal.author_id == user.pk


@rules.predicate
def can_submit(user, consultation) -> bool:
    return (
        consultation.kind == KIND
        and _module_on(consultation.municipality)
        and eligibility.refusal(user, consultation) is None
    )


@rules.predicate
def can_support(user, proposal: Proposal) -> bool:
    return (
        user.is_authenticated
        and proposal.author_id != user.pk
        and proposal.hidden_at is None
        and proposal.status in OPEN_PROPOSAL_STATUSES
        and bool(can_submit(user, proposal.consultation))
    )


@rules.predicate
def can_unsupport(user, proposal: Proposal) -> bool:
    """Withdraw one's support while the phase is open (even from an idea since answered)."""
    return user.is_authenticated and bool(can_submit(user, proposal.consultation))


@rules.predicate
def is_author(user, proposal: Proposal) -> bool:
    return user.is_authenticated and proposal.author_id == user.pk


@rules.predicate
def can_edit(user, proposal: Proposal) -> bool:
    return (
        bool(is_author(user, proposal))
        and proposal.support_count == 0
        and proposal.status == ProposalStatus.SUBMITTED
        and bool(can_submit(user, proposal.consultation))
    )


@rules.predicate
def can_withdraw(user, proposal: Proposal) -> bool:
    return (
        bool(is_author(user, proposal))
        and user.is_active
        and proposal.status in OPEN_PROPOSAL_STATUSES
        and proposal.answered_at is None
    )


@rules.predicate
def can_answer(user, proposal: Proposal) -> bool:
    return bool(is_city_staff(user, proposal.municipality))


rules.add_perm("participation.view_call", can_see_call)
rules.add_perm("participation.view_proposal", can_see_proposal)
rules.add_perm("participation.submit_proposal", can_submit)
rules.add_perm("participation.support_proposal", can_support)
rules.add_perm("participation.unsupport_proposal", can_unsupport)
rules.add_perm("participation.change_proposal", can_edit)
rules.add_perm("participation.withdraw_proposal", can_withdraw)
rules.add_perm("participation.answer_proposal", can_answer)
rules.add_perm("participation.moderate_proposal", can_answer)
rules.add_perm("participation.manage_proposals", is_city_staff)
