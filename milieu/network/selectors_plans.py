"""Reads of the digital plan: a municipality's actions and progress, and a region's members'
plans side by side."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from milieu.core.errors import NotFound
from milieu.territory.models import Municipality

from .dimensions import Dimension
from .models import PlanAction, PlanStatus
from .selectors_diagnostic import latest_per_municipality


def plan_actions(*, municipality) -> list[PlanAction]:
    return list(
        PlanAction.objects.filter(municipality=municipality)
        .prefetch_related("practices")
        .order_by("dimension", "due", "pk")
    )


def plan_action_get_for(*, municipality, action_id: int) -> PlanAction:
    found = (
        PlanAction.objects.filter(municipality=municipality, pk=action_id)
        .prefetch_related("practices")
        .first()
    )
    if found is None:
        raise NotFound(_("This plan action does not exist."))
    return found


@dataclass
class Progress:
    dimension: str
    label: str
    done: int = 0
    total: int = 0  # dropped actions do not count

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


def plan_progress(actions: list[PlanAction]) -> list[Progress]:
    """Done out of total (dropped ones left out) per dimension that has actions."""
    rows = {key: Progress(key, str(label)) for key, label in Dimension.choices}
    for action in actions:
        if action.status == PlanStatus.DROPPED:
            continue
        rows[action.dimension].total += 1
        rows[action.dimension].done += action.status == PlanStatus.DONE
    return [row for row in rows.values() if row.total]


@dataclass
class MemberPlan:
    municipality: Municipality
    by_status: dict[str, int] = field(default_factory=dict)
    latest_overall: float | None = None

    @property
    def total(self) -> int:
        return sum(n for s, n in self.by_status.items() if s != PlanStatus.DROPPED)

    @property
    def percent_done(self) -> int:
        done = self.by_status.get(PlanStatus.DONE, 0)
        return round(100 * done / self.total) if self.total else 0

    def count(self, status: str) -> int:
        return self.by_status.get(status, 0)


def region_plans(*, region) -> list[MemberPlan]:
    """Per member municipality (by name): its actions by status, % done and latest overall
    maturity score — three queries whatever the number of members."""
    members = list(region.municipalities.order_by("name"))
    plans = {m.pk: MemberPlan(municipality=m) for m in members}
    counts = (
        PlanAction.objects.filter(municipality__region=region)
        .values_list("municipality_id", "status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for municipality_id, status, n in counts:
        plans[municipality_id].by_status[status] = n
    latest = latest_per_municipality().filter(municipality__region=region)
    for municipality_id, overall in latest.values_list("municipality_id", "overall"):
        plans[municipality_id].latest_overall = overall
    return list(plans.values())
