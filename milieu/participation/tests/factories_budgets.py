"""Test data of participatory budgets, over the frame's factories (`factories.py`): budget
consultations (published with the voting phase open now unless told otherwise) and their
projects."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from itertools import count

from django.utils import timezone

from ..models import BudgetProject, Consultation
from .factories import consultation, member, resident, staff, town

__all__ = ["budget", "member", "project", "resident", "staff", "town"]

_numbers = count(1)
DAY = timedelta(days=1)


def _phases(open_now: str) -> list[dict]:
    """The three phases of a budget, `open_now` (information, voting or results) open now."""
    now = timezone.now()
    first = {"information": -1, "voting": -8, "results": -15}[open_now]
    starts = now + first * DAY
    phases = []
    for kind in ("information", "voting", "results"):
        phases.append({"kind": kind, "starts_at": starts, "ends_at": starts + 7 * DAY})
        starts += 7 * DAY
    return phases


def budget(
    municipality,
    *,
    amount: Decimal | int | str = 1_000_000,
    phase: str = "voting",
    publish: bool = True,
    projects: tuple = (),
    actor=None,
    **values,
) -> Consultation:
    """A budget consultation of `amount` dollars; `projects` are (title, cost) pairs, added
    while it is a draft."""
    actor = actor or staff(municipality)
    draft = consultation(
        municipality,
        kind="budget",
        actor=actor,
        publish=False,
        budget_amount=Decimal(str(amount)),
        phases=_phases(phase),
        **values,
    )
    for position, (title, cost) in enumerate(projects):
        project(draft, title=title, cost=cost, position=position)
    if publish:
        from .. import services_consultations

        services_consultations.consultation_publish(actor=actor, consultation=draft)
    return (
        Consultation.objects.prefetch_related("phases")
        .select_related("municipality")
        .get(pk=draft.pk)
    )


def project(consultation, *, title: str | None = None, cost=100_000, position: int = 0, **values):
    return BudgetProject.objects.create(
        consultation=consultation,
        title_fr=title or f"Projet {next(_numbers)}",
        cost=Decimal(str(cost)),
        position=position,
        **values,
    )
