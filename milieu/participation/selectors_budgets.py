"""Reads of participatory budgets: the consultation (scoped to a municipality and to what the
reader may see), its projects, and a person's vote."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from milieu.core.errors import NotFound

from .models import Ballot, BallotMode, BudgetProject, BudgetVoteItem, Consultation
from .permissions_budgets import KIND


def budget_get(*, visible_to, consultation_id, municipality=None) -> Consultation:
    """A budget consultation the reader may see (in `municipality` when given), with its
    phases and municipality; else not found."""
    try:
        number = int(consultation_id)
    except (TypeError, ValueError):
        raise NotFound(_("This consultation does not exist.")) from None
    queryset = Consultation.objects.filter(pk=number, kind=KIND)
    if municipality is not None:
        queryset = queryset.filter(municipality=municipality)
    consultation = (
        queryset.select_related("municipality", "district").prefetch_related("phases").first()
    )
    if consultation is None or not visible_to.has_perm("participation.view_budget", consultation):
        raise NotFound(_("This consultation does not exist."))
    return consultation


def project_list(*, consultation: Consultation) -> QuerySet[BudgetProject]:
    return (
        BudgetProject.objects.filter(consultation=consultation)
        .select_related("district")
        .order_by("position", "pk")
    )


def project_get(*, visible_to, project_id, consultation: Consultation | None = None):
    """A project of a budget the reader may see; else not found."""
    try:
        number = int(project_id)
    except (TypeError, ValueError):
        raise NotFound(_("This project does not exist.")) from None
    queryset = BudgetProject.objects.filter(pk=number).select_related(
        "consultation__municipality", "consultation__district", "district"
    )
    if consultation is not None:
        queryset = queryset.filter(consultation=consultation)
    project = queryset.first()
    if project is None or not visible_to.has_perm(
        "participation.view_budget", project.consultation
    ):
        raise NotFound(_("This project does not exist."))
    return project


@dataclass
class MyVote:
    voted: bool
    project_ids: list[int] = field(default_factory=list)  # open ballots only
    total: Decimal = Decimal(0)


def my_vote(*, user, consultation: Consultation) -> MyVote:
    """Whether the person voted and, in an open ballot, for which projects (a secret ballot
    keeps no link between the person and the vote)."""
    if not user.is_authenticated:
        return MyVote(voted=False)
    if not Ballot.objects.filter(consultation=consultation, user=user).exists():
        return MyVote(voted=False)
    if consultation.ballot_mode != BallotMode.OPEN:
        return MyVote(voted=True)
    chosen = list(
        BudgetVoteItem.objects.filter(vote__consultation=consultation, vote__user=user).values_list(
            "project_id", "project__cost"
        )
    )
    return MyVote(
        voted=True,
        project_ids=[pk for pk, _cost in chosen],
        total=sum((cost for _pk, cost in chosen), Decimal(0)),
    )


def vote_count(*, consultation: Consultation) -> int:
    from .models import BudgetVote

    return BudgetVote.objects.filter(consultation=consultation).count()
