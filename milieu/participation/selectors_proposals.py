"""Reads of the proposals part: a call for proposals, its ideas (by supports or newest first),
one idea, which ideas a person supports, the staff's queue, and the ranking for the results."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import BooleanField, Case, F, Q, QuerySet, Value, When
from django.utils.translation import gettext as _

from milieu.core.errors import NotFound

from .models import Consultation, Proposal, ProposalStatus, Support
from .permissions_proposals import KIND, MODULE

PAGE_SIZE = 20
SORTS = ("support", "newest")
QUEUE_STATES = ("awaiting", "answered", "below", "all")


def call_get(*, visible_to, municipality, consultation_id: int) -> Consultation:
    """A call for proposals of `municipality` that `visible_to` may see, with its phases."""
    from milieu.core import modules

    consultation = (
        Consultation.objects.filter(municipality=municipality, kind=KIND, pk=consultation_id)
        .select_related("municipality", "district")
        .prefetch_related("phases")
        .first()
    )
    if (
        consultation is None
        or not modules.is_enabled(municipality, MODULE)
        or not visible_to.has_perm("participation.view_call", consultation)
    ):
        raise NotFound(_("This call for proposals does not exist."))
    return consultation


def proposal_list(
    *, consultation: Consultation, sort: str = "support", status: str = ""
) -> QuerySet[Proposal]:
    """The visible ideas of a call (hidden ones left out), by supports or newest first."""
    found = (
        Proposal.objects.filter(consultation=consultation, hidden_at__isnull=True)
        .select_related("author", "district")
        .only(
            "pk",
            "consultation_id",
            "municipality_id",
            "title",
            "body",
            "language",
            "status",
            "support_count",
            "threshold_reached_at",
            "answered_at",
            "hidden_at",
            "created_at",
            "place_name",
            "author__display_name",
            "district__name",
            "district__slug",
        )
    )
    if status:
        found = found.filter(status=status)
    if sort == "newest":
        return found.order_by("-created_at", "-pk")
    return found.order_by("-support_count", "-pk")


def proposal_get(*, visible_to, municipality, proposal_id: int) -> Proposal:
    """One idea of `municipality` that `visible_to` may see (its call with its phases)."""
    proposal = (
        Proposal.objects.filter(municipality=municipality, pk=proposal_id)
        .select_related(
            "consultation__municipality",
            "consultation__district",
            "municipality",
            "author",
            "answered_by",
            "district",
        )
        .prefetch_related("consultation__phases")
        .first()
    )
    if proposal is None or not visible_to.has_perm("participation.view_proposal", proposal):
        raise NotFound(_("This idea does not exist."))
    return proposal


def supported_ids(user, proposal_ids: list[int]) -> set[int]:
    """Which of these ideas `user` supports (one query; none for a visitor)."""
    if not user.is_authenticated or not proposal_ids:
        return set()
    return set(
        Support.objects.filter(user=user, proposal_id__in=proposal_ids).values_list(
            "proposal_id", flat=True
        )
    )


@dataclass(frozen=True)
class QueueFilters:
    state: str = "awaiting"  # awaiting | answered | below | all
    consultation_id: int | None = None
    status: str = ""


def staff_queue(*, municipality, filters: QueueFilters) -> QuerySet[Proposal]:
    """The municipality's ideas for its staff: those over the threshold and not answered
    first (longest waiting first), then by supports. Hidden ones included (marked)."""
    found = Proposal.objects.filter(municipality=municipality).select_related(
        "consultation", "author", "district"
    )
    if filters.state == "awaiting":
        found = found.filter(threshold_reached_at__isnull=False, answered_at__isnull=True)
    elif filters.state == "answered":
        found = found.filter(answered_at__isnull=False)
    elif filters.state == "below":
        found = found.filter(threshold_reached_at__isnull=True)
    if filters.consultation_id:
        found = found.filter(consultation_id=filters.consultation_id)
    if filters.status:
        found = found.filter(status=filters.status)
    awaiting = Case(
        When(
            Q(threshold_reached_at__isnull=False, answered_at__isnull=True)
            & ~Q(status=ProposalStatus.WITHDRAWN),
            then=Value(True),
        ),
        default=Value(False),
        output_field=BooleanField(),
    )
    return found.annotate(awaiting=awaiting).order_by(
        F("awaiting").desc(),
        F("threshold_reached_at").asc(nulls_last=True),
        "-support_count",
        "-pk",
    )


def staff_calls(*, municipality) -> list[Consultation]:
    """The municipality's calls for proposals (for the queue's filter)."""
    return list(
        Consultation.objects.filter(municipality=municipality, kind=KIND).order_by("-created_at")
    )


def ranking(consultation: Consultation) -> list[Proposal]:
    """Every visible idea of a call, by supports then age (the results and the CSV)."""
    return list(
        Proposal.objects.filter(consultation=consultation, hidden_at__isnull=True)
        .select_related("author", "district")
        .order_by("-support_count", "created_at", "pk")
    )


def compute_results(consultation: Consultation) -> dict:
    """The call's result, kept on the consultation when it closes: its ideas ranked by
    support, with their status and whether the city answered (JSON)."""
    rows = ranking(consultation)
    return {
        "kind": KIND,
        "proposals": len(rows),
        "supports": sum(p.support_count for p in rows),
        "threshold": consultation.support_threshold,
        "ranking": [
            {
                "rank": rank,
                "id": p.pk,
                "title": p.title,
                "language": p.language,
                "supports": p.support_count,
                "status": p.status,
                "threshold_reached": p.threshold_reached_at is not None,
                "answered_at": p.answered_at.isoformat() if p.answered_at else None,
            }
            for rank, p in enumerate(rows, start=1)
        ],
    }


def export_rows(consultation: Consultation):
    """The CSV export of a call: one row per visible idea, ranked (header first). Authors are
    named by their display name only."""
    yield [
        "rank",
        "id",
        "title",
        "language",
        "author",
        "district",
        "place",
        "supports",
        "status",
        "threshold_reached_at",
        "answered_at",
        "answer",
        "created_at",
    ]
    for rank, p in enumerate(ranking(consultation), start=1):
        yield [
            rank,
            p.pk,
            p.title,
            p.language,
            p.author.display_name if p.author else "",
            p.district.name if p.district else "",
            p.place_name,
            p.support_count,
            p.status,
            p.threshold_reached_at.isoformat() if p.threshold_reached_at else "",
            p.answered_at.isoformat() if p.answered_at else "",
            p.answer,
            p.created_at.isoformat(),
        ]
