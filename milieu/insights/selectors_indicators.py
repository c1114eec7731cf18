"""Reads of the indicators part: only the summary table (`IndicatorValue`, indexed by scope and
month), cached under the version that each computation renews.

Indicators are public. Every figure leaves through `Reading`, whose `figure`/`text`/`csv` go
through `core.smallnumbers`: a count under 5, or a total, share or median derived from fewer
than 5 people or things, is suppressed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.core.cache import cache

from milieu.core.smallnumbers import Figure, display, protect

from . import metrics
from .metrics import COUNT, SUM, Metric
from .models import IndicatorValue
from .services_indicators import VERSION_KEY

CACHE_SECONDS = 3600
MONTHS = 12


@dataclass(frozen=True)
class Reading:
    """One metric for one month of one scope, as stored (raw), and how it may be shown."""

    metric: Metric
    month: date
    value: float | None  # None: nothing to derive a share or a median from
    basis: int

    @property
    def protected(self) -> float | None:
        if self.value is None:
            return None
        if self.value == 0 and self.basis == 0:
            return 0.0  # none at all reveals no one
        if self.metric.kind == COUNT:
            shown = protect(self.value)
        else:
            shown = protect(self.value, count=self.basis)
        return None if shown is None else float(shown)

    @property
    def suppressed(self) -> bool:
        return self.value is not None and self.protected is None

    @property
    def figure(self) -> Figure:
        protected = self.protected
        return Figure(
            value=None if protected is None else round(float(protected), 2),
            suppressed=self.suppressed,
        )

    @property
    def text(self) -> str:
        """For pages: localised, "fewer than 5", or "—" when there is nothing."""
        if self.value is None:
            return "—"
        if self.value == 0 and self.basis == 0:
            return display(0)
        return display(self.value, count=None if self.metric.kind == COUNT else self.basis)

    @property
    def csv(self) -> str:
        """For CSV cells: a plain number (dot decimal), "<5", or empty when there is nothing."""
        if self.value is None:
            return ""
        protected = self.protected
        if protected is None:
            return "<5"
        return f"{protected:g}" if protected % 1 else str(int(protected))


def _empty(metric: Metric, month: date) -> Reading:
    # A month without a row: none for counts and totals, nothing to show for shares/medians.
    value = 0.0 if metric.kind in (COUNT, SUM) else None
    return Reading(metric=metric, month=month, value=value, basis=0)


def version() -> int:
    """The version of the figures, renewed by each computation (pages key their copies on it)."""
    return _version()


def _version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        version = 0
        cache.add(VERSION_KEY, version, None)
    return version


def _rows(*, scope: str, scope_id: int, months: list[date]) -> list[tuple[str, date, float, int]]:
    key = f"insights:indicators:{_version()}:{scope}:{scope_id}:{months[0]}:{months[-1]}"
    rows = cache.get(key)
    if rows is None:
        rows = list(
            IndicatorValue.objects.filter(
                **{f"{scope}_id": scope_id}, month__gte=months[0], month__lte=months[-1]
            ).values_list("metric", "month", "value", "basis")
        )
        cache.set(key, rows, CACHE_SECONDS)
    return rows


def _series(rows: Iterable[tuple[str, date, float, int]], months: list[date], wanted: list[Metric]):
    found = {(metric, month): (value, basis) for metric, month, value, basis in rows}
    series: dict[str, list[Reading]] = {}
    for metric in wanted:
        readings = []
        for month in months:
            stored = found.get((metric.key, month))
            readings.append(
                _empty(metric, month)
                if stored is None
                else Reading(metric=metric, month=month, value=stored[0], basis=stored[1])
            )
        series[metric.key] = readings
    return series


def _wanted(metric_keys: list[str] | None) -> list[Metric]:
    if not metric_keys:
        return metrics.all_metrics()
    return [metrics.get(key) for key in metric_keys]


def municipality_series(
    *, municipality, months: int = MONTHS, metric_keys: list[str] | None = None, today=None
) -> dict[str, list[Reading]]:
    """Each metric (in registry order) over the last `months` months, oldest first."""
    month_list = metrics.months_back(months, until=today)
    rows = _rows(scope="municipality", scope_id=municipality.pk, months=month_list)
    return _series(rows, month_list, _wanted(metric_keys))


def region_series(
    *, region, months: int = MONTHS, metric_keys: list[str] | None = None, today=None
) -> dict[str, list[Reading]]:
    month_list = metrics.months_back(months, until=today)
    rows = _rows(scope="region", scope_id=region.pk, months=month_list)
    return _series(rows, month_list, _wanted(metric_keys))


def members_month(*, members: list, month: date) -> dict[int, dict[str, Reading]]:
    """Each member's readings of one month (one query, cached): the region's comparison."""
    ids = sorted(m.pk for m in members)
    key = f"insights:indicators:{_version()}:members:{month}:{hash(tuple(ids))}"
    rows = cache.get(key)
    if rows is None:
        rows = list(
            IndicatorValue.objects.filter(municipality_id__in=ids, month=month).values_list(
                "municipality_id", "metric", "value", "basis"
            )
        )
        cache.set(key, rows, CACHE_SECONDS)
    found = {(m, metric): (value, basis) for m, metric, value, basis in rows}
    table: dict[int, dict[str, Reading]] = {}
    for municipality_id in ids:
        table[municipality_id] = {}
        for metric in metrics.all_metrics():
            stored = found.get((municipality_id, metric.key))
            table[municipality_id][metric.key] = (
                _empty(metric, month)
                if stored is None
                else Reading(metric=metric, month=month, value=stored[0], basis=stored[1])
            )
    return table
