"""The registry of indicators: what each metric counts, and the ONE aggregated query that
computes it for every municipality and a range of months.

A `Metric` has a key (the `IndicatorValue.metric` slug, a fixed contract), a label and a unit for
people, a kind and a `compute(window)` that returns `{(municipality_id, month): Cell}`:

- `count`: how many things or people (value = basis = the count);
- `sum`: a total over things (volunteer hours, points); basis = how many things or people it
  sums, so that a total made of fewer than five is suppressed;
- `share`: a percentage; the cell keeps numerator and denominator so that a region's share is
  recomputed from its members' raw figures (not averaged); basis = the numerator;
- `median`: the cell keeps its samples so that a region's median is the median of its members'
  raw data; basis = the number of samples.

Every query groups by municipality and month (`GROUP BY municipality, month`) over the whole
window: the cost does not grow with the number of municipalities. Flows (posts, closed
reports...) are counted in the month they happened; stocks (accounts, verified residents) are
counted as they stood at the end of each month, with one conditional aggregate per month.
Months are those of the site's time zone.

Adding a metric is adding a `register(Metric(...))` here and a line in the docs.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import (
    Count,
    DateTimeField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Sum,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

COUNT, SUM, SHARE, MEDIAN = "count", "sum", "share", "median"
KINDS = (COUNT, SUM, SHARE, MEDIAN)


def first_of_month(day: date) -> date:
    return day.replace(day=1)


def next_month(month: date) -> date:
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1)


def months_back(count: int, *, until: date | None = None) -> list[date]:
    """The `count` months ending with the month of `until` (today), oldest first."""
    month = first_of_month(until or timezone.localdate())
    months = [month]
    for _i in range(count - 1):
        month = first_of_month(month - timedelta(days=1))
        months.append(month)
    return sorted(months)


def _aware(day: date) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day))


@dataclass
class Window:
    """The months to compute (first days, ascending) and the municipalities (None: all)."""

    months: list[date]
    municipality_ids: list[int] | None = None
    memo: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.months = sorted({first_of_month(m) for m in self.months})
        if not self.months:
            raise ValueError("A window needs at least one month.")

    @property
    def first(self) -> date:
        return self.months[0]

    @property
    def end(self) -> date:
        """The first day after the window."""
        return next_month(self.months[-1])

    @property
    def start_at(self) -> datetime:
        return _aware(self.first)

    @property
    def end_at(self) -> datetime:
        return _aware(self.end)

    def scope(self, qs: QuerySet, path: str) -> QuerySet:
        if self.municipality_ids is None:
            return qs
        return qs.filter(**{f"{path}__in": self.municipality_ids})

    def once(self, key: str, compute: Callable[[], Any]) -> Any:
        if key not in self.memo:
            self.memo[key] = compute()
        return self.memo[key]


@dataclass
class Cell:
    value: float
    basis: int
    numerator: float = 0.0
    denominator: float = 0.0
    samples: list[float] | None = None


Cells = dict[tuple[int, date], Cell]


@dataclass(frozen=True)
class Metric:
    key: str
    label: Any  # lazily translated
    unit: Any  # lazily translated, may be ""
    kind: str
    compute: Callable[[Window], Cells]
    description: Any = ""
    decimals: int = 0

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"Unknown kind {self.kind!r}")

    def combine(self, cells: Sequence[Cell]) -> Cell | None:
        """A region's cell from its members' cells: sums for counts and totals, a share and a
        median recomputed over the members' raw figures."""
        if not cells:
            return None
        if self.kind in (COUNT, SUM):
            return Cell(value=sum(c.value for c in cells), basis=sum(c.basis for c in cells))
        if self.kind == SHARE:
            numerator = sum(c.numerator for c in cells)
            denominator = sum(c.denominator for c in cells)
            if not denominator:
                return None
            return Cell(
                value=round(100 * numerator / denominator, 1),
                basis=int(numerator),
                numerator=numerator,
                denominator=denominator,
            )
        samples = [s for c in cells for s in (c.samples or [])]
        if not samples:
            return None
        return Cell(value=_median(samples), basis=len(samples), samples=samples)


_registry: dict[str, Metric] = {}


def register(metric: Metric) -> Metric:
    if metric.key in _registry and _registry[metric.key] != metric:
        raise ValueError(f"Metric {metric.key!r} is already registered differently")
    _registry[metric.key] = metric
    return metric


def all_metrics() -> list[Metric]:
    return list(_registry.values())


def get(key: str) -> Metric:
    return _registry[key]


def keys() -> list[str]:
    return list(_registry)


# --- Query shapes ---------------------------------------------------------------------------------


def _month(value: date | datetime) -> date:
    if isinstance(value, datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return first_of_month(value)


def _flow(
    window: Window,
    qs: QuerySet,
    *,
    municipality: str,
    when: str,
    value: Any = None,
    basis: Any = None,
    date_field: bool = False,
) -> Cells:
    """Things that happened in a month: one `GROUP BY municipality, month` over the window."""
    lower, upper = (window.first, window.end) if date_field else (window.start_at, window.end_at)
    qs = window.scope(qs, municipality).filter(
        **{f"{when}__gte": lower, f"{when}__lt": upper, f"{municipality}__isnull": False}
    )
    rows = (
        qs.annotate(_month=TruncMonth(when))
        .values(municipality, "_month")
        .annotate(_value=value or Count("pk"), _basis=basis or Count("pk"))
        .order_by()
    )
    cells: Cells = {}
    for row in rows:
        cells[(row[municipality], _month(row["_month"]))] = Cell(
            value=float(row["_value"] or 0), basis=int(row["_basis"] or 0)
        )
    return cells


def _stock(
    window: Window,
    qs: QuerySet,
    *,
    municipality: str,
    standing: Callable[[datetime], Q],
    counted: str = "pk",
    distinct: bool = False,
) -> Cells:
    """What stood at the end of each month: one query, one conditional count per month."""
    qs = window.scope(qs, municipality).filter(**{f"{municipality}__isnull": False})
    aggregates = {
        f"m{index}": Count(counted, filter=standing(_aware(next_month(month))), distinct=distinct)
        for index, month in enumerate(window.months)
    }
    cells: Cells = {}
    for row in qs.values(municipality).annotate(**aggregates).order_by():
        for index, month in enumerate(window.months):
            count = row[f"m{index}"]
            if count:
                cells[(row[municipality], month)] = Cell(value=float(count), basis=count)
    return cells


def _median(samples: Iterable[float]) -> float:
    return round(statistics.median(samples), 1)


# --- The metrics ----------------------------------------------------------------------------------


def _accounts(window: Window) -> Cells:
    from milieu.accounts.models import Membership

    return _stock(
        window,
        Membership.objects.filter(is_home=True, user__is_active=True),
        municipality="municipality_id",
        standing=lambda end: Q(joined_at__lt=end),
    )


def _verified(window: Window) -> Cells:
    def compute() -> Cells:
        from milieu.accounts.models import Verification

        return _stock(
            window,
            Verification.objects.filter(
                status__in=[Verification.Status.APPROVED, Verification.Status.REVOKED],
                decided_at__isnull=False,
            ),
            municipality="municipality_id",
            standing=lambda end: (
                Q(decided_at__lt=end) & (Q(revoked_at__isnull=True) | Q(revoked_at__gte=end))
            ),
            counted="user",
            distinct=True,
        )

    return window.once("verified_residents", compute)


def _verified_share(window: Window) -> Cells:
    from milieu.territory.models import Municipality

    verified = _verified(window)
    populations = dict(
        window.scope(Municipality.objects.filter(population__gt=0), "pk").values_list(
            "pk", "population"
        )
    )
    cells: Cells = {}
    for (municipality_id, month), cell in verified.items():
        population = populations.get(municipality_id)
        if population:
            cells[(municipality_id, month)] = Cell(
                value=round(100 * cell.value / population, 1),
                basis=cell.basis,
                numerator=cell.value,
                denominator=population,
            )
    return cells


def _active(window: Window) -> Cells:
    from .models import ActiveResidentsCount

    rows = window.scope(
        ActiveResidentsCount.objects.filter(month__in=window.months, count__gt=0),
        "municipality_id",
    ).values_list("municipality_id", "month", "count")
    return {(m, month): Cell(value=float(n), basis=n) for m, month, n in rows}


def _posts(window: Window) -> Cells:
    from milieu.community.models import Post

    return _flow(
        window,
        Post.objects.filter(hidden_at__isnull=True),
        municipality="municipality_id",
        when="created_at",
    )


def _exchanges(window: Window) -> Cells:
    from milieu.exchange.models import Exchange, ExchangeState

    return _flow(
        window,
        Exchange.objects.filter(state=ExchangeState.COMPLETED),
        municipality="municipality_id",
        when="closed_at",
    )


def _volunteer_hours(window: Window) -> Cells:
    from milieu.volunteering.models import HoursLog, HoursStatus

    return _flow(
        window,
        HoursLog.objects.filter(status=HoursStatus.CONFIRMED),
        municipality="organisation__municipality",
        when="worked_on",
        value=Sum("hours"),
        date_field=True,
    )


def _pairs(window: Window) -> Cells:
    from milieu.community.models import Pairing

    return _flow(window, Pairing.objects.all(), municipality="municipality_id", when="started_at")


def _attendance(window: Window) -> Cells:
    from milieu.events.models import Registration

    return _flow(
        window,
        Registration.objects.all(),
        municipality="occurrence__event__municipality",
        when="checked_in_at",
    )


def _points_earned(window: Window) -> Cells:
    from milieu.rewards.models import Account, Entry

    # Credited to residents' wallets by the earning rules (`earn:<action>` postings), counted
    # in the wallet holder's home municipality (a regional program has no single town).
    return _flow(
        window,
        Entry.objects.filter(
            amount__gt=0,
            account__kind=Account.Kind.WALLET,
            posting__kind__startswith="earn:",
            account__user__memberships__is_home=True,
        ),
        municipality="account__user__memberships__municipality",
        when="posting__created_at",
        value=Sum("amount"),
        basis=Count("account", distinct=True),
    )


def _points_redeemed(window: Window) -> Cells:
    from milieu.rewards.models import Account, Entry

    return _flow(
        window,
        Entry.objects.filter(
            amount__gt=0, account__kind=Account.Kind.MERCHANT, posting__kind="redeem"
        ),
        municipality="account__merchant__municipality",
        when="posting__created_at",
        value=Sum("amount"),
    )


def _consultation(window: Window) -> Cells:
    from milieu.participation.models import Ballot

    # A ballot carries no time (on purpose): it counts in the month its consultation closed,
    # or was published while still open.
    return _flow(
        window,
        Ballot.objects.filter(consultation__published_at__isnull=False).annotate(
            _when=Coalesce("consultation__closed_at", "consultation__published_at")
        ),
        municipality="consultation__municipality",
        when="_when",
    )


def _reports_received(window: Window) -> Cells:
    from milieu.reports.models import Report

    return _flow(window, Report.objects.all(), municipality="municipality_id", when="requested_at")


def _reports_closed(window: Window) -> Cells:
    from milieu.reports.models import Report

    return _flow(
        window,
        Report.objects.filter(closed_at__isnull=False),
        municipality="municipality_id",
        when="closed_at",
    )


def _reports_closed_7(window: Window) -> Cells:
    from milieu.reports.models import Report

    deadline = ExpressionWrapper(
        F("requested_at") + timedelta(days=7), output_field=DateTimeField()
    )
    return _flow(
        window,
        Report.objects.annotate(_deadline=deadline).filter(
            closed_at__isnull=False, closed_at__lte=F("_deadline")
        ),
        municipality="municipality_id",
        when="closed_at",
    )


def _reports_median(window: Window) -> Cells:
    from milieu.reports.models import Report

    # One query for the durations of the window's closed reports; the medians in Python (the
    # same on SQLite and PostgreSQL), samples kept for the regions' medians.
    rows = window.scope(
        Report.objects.filter(closed_at__gte=window.start_at, closed_at__lt=window.end_at),
        "municipality_id",
    ).values_list("municipality_id", "requested_at", "closed_at")
    samples: dict[tuple[int, date], list[float]] = defaultdict(list)
    for municipality_id, requested_at, closed_at in rows:
        hours = max((closed_at - requested_at).total_seconds(), 0) / 3600
        samples[(municipality_id, _month(closed_at))].append(round(hours, 2))
    return {
        key: Cell(value=_median(values), basis=len(values), samples=values)
        for key, values in samples.items()
    }


def register_all() -> None:
    for metric in (
        Metric("accounts", _("Accounts"), "", COUNT, _accounts,
               _("Residents with an account whose home is the municipality (end of month).")),
        Metric("verified_residents", _("Verified residents"), "", COUNT, _verified,
               _("Residents whose residency the municipality verified (end of month).")),
        Metric("verified_share", _("Verified residents (% of population)"), "%", SHARE,
               _verified_share, _("Verified residents as a share of the population."), 1),
        Metric("active_residents", _("Monthly active residents"), "", COUNT, _active,
               _("Residents who used the platform at least once in the month.")),
        Metric("posts", _("Posts"), "", COUNT, _posts,
               _("Posts published in the neighbourhood feeds and groups.")),
        Metric("exchanges_completed", _("Exchanges completed"), "", COUNT, _exchanges,
               _("Loans, gifts and services completed between residents.")),
        Metric("volunteer_hours", _("Volunteer hours"), _("h"), SUM, _volunteer_hours,
               _("Hours of volunteering confirmed by the organisations."), 1),
        Metric("newcomer_pairs", _("Newcomer pairs"), "", COUNT, _pairs,
               _("Newcomers paired with a buddy (pairings that started).")),
        Metric("event_attendance", _("Event attendance"), "", COUNT, _attendance,
               _("People checked in at events.")),
        Metric("points_earned", _("Points earned"), _("pts"), SUM, _points_earned,
               _("Points residents earned by taking part.")),
        Metric("points_redeemed_merchants", _("Points redeemed at local merchants"), _("pts"),
               SUM, _points_redeemed, _("Points spent on local merchants' offers.")),
        Metric("consultation_participation", _("Consultation participation"), "", COUNT,
               _consultation, _("Ballots cast in surveys and budgets (month the consultation "
                                "closed).")),
        Metric("reports_received", _("Reports received"), "", COUNT, _reports_received,
               _("Problem reports filed.")),
        Metric("reports_closed", _("Reports closed"), "", COUNT, _reports_closed,
               _("Problem reports closed.")),
        Metric("reports_closed_within_7_days", _("Reports closed within 7 days"), "", COUNT,
               _reports_closed_7, _("Reports closed at most 7 days after they were filed.")),
        Metric("reports_median_close_hours", _("Median time to close a report"), _("h"),
               MEDIAN, _reports_median,
               _("Median hours between a report and its closing (reports closed in the month)."),
               1),
    ):  # fmt: skip
        register(metric)
