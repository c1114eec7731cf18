"""Writes of the indicators part: the summary table computed from every app's data, and the
monthly-active counter.

`indicators_compute` runs each registered metric's one aggregated query over the window, then
replaces the window's `IndicatorValue` rows (municipalities, and regions on a full run) in one
transaction: the pages never see half a computation. A zero figure is not stored (pages read a
missing month as 0). Run daily: `manage.py compute_indicators` (or the task
`insights.tasks_indicators.compute_indicators`).
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from . import metrics
from .models import ActiveResidentsCount, IndicatorValue

VERSION_KEY = "insights:indicators:version"
BATCH = 2000


@dataclass
class ComputeResult:
    months: list[date]
    municipality_rows: int = 0
    region_rows: int = 0
    seconds: dict[str, float] = field(default_factory=dict)


def _forget_pages() -> None:
    """A new version: every cached read of the indicators (`selectors_indicators`) is stale."""
    cache.set(VERSION_KEY, time.time_ns(), None)


def indicators_compute(
    *,
    months: int | list[date] = 13,
    municipality_ids: list[int] | None = None,
    today: date | None = None,
) -> ComputeResult:
    """Compute every metric for `months` (a number of months ending with the current one, or
    the months themselves) and the municipalities given (None: all of them, and the regions).

    Regions are recomputed only on a run over all municipalities: their shares and medians are
    recomputed from their members' raw figures, which a partial run does not have."""
    from milieu.territory.models import Municipality

    month_list = (
        metrics.months_back(months, until=today) if isinstance(months, int) else list(months)
    )
    window = metrics.Window(months=month_list, municipality_ids=municipality_ids)
    result = ComputeResult(months=window.months)
    computed_at = timezone.now()
    by_metric: dict[str, metrics.Cells] = {}
    for metric in metrics.all_metrics():
        started = time.perf_counter()
        by_metric[metric.key] = metric.compute(window)
        result.seconds[metric.key] = round(time.perf_counter() - started, 3)

    rows: list[IndicatorValue] = []
    for key, cells in by_metric.items():
        for (municipality_id, month), cell in cells.items():
            if month in window.months and (cell.value or cell.basis):
                rows.append(
                    IndicatorValue(
                        municipality_id=municipality_id,
                        month=month,
                        metric=key,
                        value=cell.value,
                        basis=cell.basis,
                        computed_at=computed_at,
                    )
                )
    region_rows: list[IndicatorValue] = []
    if municipality_ids is None:
        region_of = dict(Municipality.objects.values_list("pk", "region_id"))
        for metric in metrics.all_metrics():
            grouped: dict[tuple[int, date], list[metrics.Cell]] = defaultdict(list)
            for (municipality_id, month), cell in by_metric[metric.key].items():
                region_id = region_of.get(municipality_id)
                if region_id is not None and month in window.months:
                    grouped[(region_id, month)].append(cell)
            for (region_id, month), members in grouped.items():
                combined = metric.combine(members)
                if combined is not None and (combined.value or combined.basis):
                    region_rows.append(
                        IndicatorValue(
                            region_id=region_id,
                            month=month,
                            metric=metric.key,
                            value=combined.value,
                            basis=combined.basis,
                            computed_at=computed_at,
                        )
                    )

    started = time.perf_counter()
    with transaction.atomic():
        stale = IndicatorValue.objects.filter(month__in=window.months)
        if municipality_ids is None:
            stale.delete()
        else:
            stale.filter(municipality_id__in=municipality_ids).delete()
        IndicatorValue.objects.bulk_create(rows, batch_size=BATCH)
        IndicatorValue.objects.bulk_create(region_rows, batch_size=BATCH)
        transaction.on_commit(_forget_pages)
    result.seconds["write"] = round(time.perf_counter() - started, 3)
    result.municipality_rows, result.region_rows = len(rows), len(region_rows)
    return result


def activity_record(*, user, today: date | None = None) -> bool:
    """Record that `user` used the platform `today` (the middleware calls this at most once a
    day per person). The first day of a month adds one to the month's counter of their home
    municipality. True when it was counted as a new active resident of the month.

    Two requests at once cannot count a person twice: only the UPDATE that moves
    `last_active_on` out of an earlier month (or from nothing) counts."""
    from milieu.accounts.backends import user_forget
    from milieu.accounts.models import Membership, User

    today = today or timezone.localdate()
    month = today.replace(day=1)
    counted = False
    with transaction.atomic():
        moved = (
            User.objects.filter(pk=user.pk)
            .filter(Q(last_active_on__isnull=True) | Q(last_active_on__lt=month))
            .update(last_active_on=today)
        )
        if moved:
            home = (
                Membership.objects.filter(user_id=user.pk, is_home=True)
                .values_list("municipality_id", flat=True)
                .first()
            )
            if home is not None:
                _increment(municipality_id=home, month=month)
                counted = True
        else:
            User.objects.filter(pk=user.pk, last_active_on__lt=today).update(last_active_on=today)
    user.last_active_on = today
    user_forget(user.pk)  # the cached user would carry yesterday's date
    return counted


def _increment(*, municipality_id: int, month: date) -> None:
    counter = ActiveResidentsCount.objects.filter(municipality_id=municipality_id, month=month)
    if counter.update(count=F("count") + 1):
        return
    try:
        with transaction.atomic():
            ActiveResidentsCount.objects.create(
                municipality_id=municipality_id, month=month, count=1
            )
    except IntegrityError:  # created meanwhile by another request
        counter.update(count=F("count") + 1)
