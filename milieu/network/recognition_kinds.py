"""The registry of recognition criterion kinds: what a criterion measures, and how.

Each kind evaluates every municipality of a criterion's scope at once (one or two aggregated
queries, whatever the number of towns) and gives, for each municipality with a figure, its
*evidence*: a small JSON-able dict kept on the award and shown on the public page,

    {"kind", "value", "basis", "unit", "source", "date", "dimension"?}

`value` is the figure compared with the threshold (a score 0 to 5, or a percent), `basis` the count
it was derived from (None for a maturity score, which is a team's answers, not a count of
people), `source` where it comes from (`diagnostic`, `indicators`) and `date` its day or month.
A figure derived from people (a share) goes through `core.smallnumbers` wherever it is shown
(`describe`, `figure`): its raw value stays on the server when its basis is under 5.

Adding a kind is adding a `Kind` with `register()` (from `setup_recognition.ready()`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Sum
from django.utils.dateparse import parse_date
from django.utils.formats import date_format, number_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from milieu.core.smallnumbers import Figure, display, protect
from milieu.network.dimensions import MAX_SCORE, Dimension

Evidence = dict[str, Any]


@dataclass(frozen=True)
class Kind:
    key: str
    label: str | Promise
    unit: str  # "score" (0..MAX_SCORE) or "percent" (0..100)
    evaluate: Callable[[Any, list[int], date], dict[int, Evidence]]
    needs_dimension: bool = False

    @property
    def maximum(self) -> float:
        return float(MAX_SCORE) if self.unit == "score" else 100.0

    def meets(self, evidence: Evidence | None, threshold: float) -> bool:
        return evidence is not None and float(evidence["value"]) >= threshold


_kinds: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    _kinds[kind.key] = kind
    return kind


def kinds() -> list[Kind]:
    return list(_kinds.values())


def get(key: str) -> Kind | None:
    return _kinds.get(key)


def choices() -> list[tuple[str, str]]:
    return [(kind.key, str(kind.label)) for kind in _kinds.values()]


# --- Evaluations --------------------------------------------------------------------------------


def _month_start(day: date, months_back: int = 0) -> date:
    index = day.year * 12 + day.month - 1 - months_back
    return date(index // 12, index % 12 + 1, 1)


def _latest_diagnostics(municipality_ids: list[int]) -> dict[int, Any]:
    from milieu.network.models import Diagnostic, DiagnosticStatus

    latest: dict[int, Any] = {}
    rows = (
        Diagnostic.objects.filter(
            municipality_id__in=municipality_ids,
            status=DiagnosticStatus.COMPLETED,
            completed_at__isnull=False,
        )
        .only("municipality_id", "completed_at", "scores", "overall")
        .order_by("municipality_id", "-completed_at", "-pk")
    )
    for diagnostic in rows:
        latest.setdefault(diagnostic.municipality_id, diagnostic)
    return latest


def _maturity_overall(criterion, municipality_ids: list[int], today: date) -> dict[int, Evidence]:
    found = {}
    for municipality_id, diagnostic in _latest_diagnostics(municipality_ids).items():
        if diagnostic.overall is None:
            continue
        found[municipality_id] = {
            "kind": "maturity_overall",
            "value": round(float(diagnostic.overall), 2),
            "basis": None,
            "unit": "score",
            "source": "diagnostic",
            "date": diagnostic.completed_at.date().isoformat(),
        }
    return found


def _maturity_dimension(criterion, municipality_ids: list[int], today: date) -> dict[int, Evidence]:
    dimension = (criterion.params or {}).get("dimension")
    found = {}
    for municipality_id, diagnostic in _latest_diagnostics(municipality_ids).items():
        score = (diagnostic.scores or {}).get(dimension)
        if score is None:
            continue
        found[municipality_id] = {
            "kind": "maturity_dimension",
            "value": round(float(score), 2),
            "basis": None,
            "unit": "score",
            "source": "diagnostic",
            "date": diagnostic.completed_at.date().isoformat(),
            "dimension": dimension,
        }
    return found


def _verified_share(criterion, municipality_ids: list[int], today: date) -> dict[int, Evidence]:
    """The latest `verified_share` indicator of the last 12 months."""
    from milieu.insights.models import IndicatorValue

    rows = (
        IndicatorValue.objects.filter(
            municipality_id__in=municipality_ids,
            metric="verified_share",
            month__gte=_month_start(today, 11),
            month__lte=today,
        )
        .order_by("municipality_id", "-month")
        .values_list("municipality_id", "month", "value", "basis")
    )
    found: dict[int, Evidence] = {}
    for municipality_id, month, value, basis in rows:
        if municipality_id in found:
            continue
        found[municipality_id] = {
            "kind": "verified_share",
            "value": round(float(value), 1),
            "basis": int(basis),
            "unit": "percent",
            "source": "indicators",
            "date": month.isoformat(),
        }
    return found


MINIMUM_CLOSED = 5


def _reports_within_7_days(
    criterion, municipality_ids: list[int], today: date
) -> dict[int, Evidence]:
    """Over the last 12 months (this one included): reports closed within 7 days as a percent of
    the reports closed, for towns with at least MINIMUM_CLOSED closed reports."""
    from milieu.insights.models import IndicatorValue

    since = _month_start(today, 11)
    rows = (
        IndicatorValue.objects.filter(
            municipality_id__in=municipality_ids,
            metric__in=["reports_closed", "reports_closed_within_7_days"],
            month__gte=since,
            month__lte=today,
        )
        .values("municipality_id", "metric")
        .annotate(total=Sum("value"))
        .order_by()
    )
    sums: dict[int, dict[str, float]] = {}
    for row in rows:
        sums.setdefault(row["municipality_id"], {})[row["metric"]] = float(row["total"] or 0)
    found: dict[int, Evidence] = {}
    for municipality_id, totals in sums.items():
        closed = int(totals.get("reports_closed", 0))
        if closed < MINIMUM_CLOSED:
            continue
        within = totals.get("reports_closed_within_7_days", 0.0)
        found[municipality_id] = {
            "kind": "reports_closed_within_7_days",
            "value": round(100.0 * within / closed, 1),
            "basis": closed,
            "unit": "percent",
            "source": "indicators",
            "date": _month_start(today).isoformat(),
            "since": since.isoformat(),
        }
    return found


def register_defaults() -> None:
    register(
        Kind(
            "maturity_overall",
            gettext_lazy("Overall digital-maturity score (latest completed diagnostic)"),
            "score",
            _maturity_overall,
        )
    )
    register(
        Kind(
            "maturity_dimension",
            gettext_lazy("Score of one dimension (latest completed diagnostic)"),
            "score",
            _maturity_dimension,
            needs_dimension=True,
        )
    )
    register(
        Kind(
            "verified_share",
            gettext_lazy("Share of residents verified (percent of the population)"),
            "percent",
            _verified_share,
        )
    )
    register(
        Kind(
            "reports_closed_within_7_days",
            gettext_lazy(
                "Problem reports closed within 7 days over 12 months (percent, at least 5 closed)"
            ),
            "percent",
            _reports_within_7_days,
        )
    )


# --- Showing evidence ---------------------------------------------------------------------------


def _day(value: str | None) -> str:
    parsed = parse_date(value or "")
    return date_format(parsed, "DATE_FORMAT") if parsed else ""


def _month(value: str | None) -> str:
    parsed = parse_date(value or "")
    return date_format(parsed, "YEAR_MONTH_FORMAT") if parsed else ""


def _score(value: float) -> str:
    # A maturity score is the team's own answers, not a count of people: nothing to protect.
    # Rounded first: `number_format` cuts the decimals it does not show (2.86 would read 2.8).
    return number_format(round(float(value), 1), decimal_pos=1, use_l10n=True)


def describe(evidence: Evidence) -> str:
    """The evidence as one sentence in the reader's language, its figures protected."""
    kind = evidence.get("kind")
    value = evidence.get("value")
    if value is None:
        return ""
    if kind == "maturity_overall":
        return _("Overall maturity %(score)s/%(max)s on %(date)s") % {
            "score": _score(value),
            "max": MAX_SCORE,
            "date": _day(evidence.get("date")),
        }
    if kind == "maturity_dimension":
        dimension = evidence.get("dimension") or ""
        name = Dimension(dimension).label if dimension in Dimension.values else dimension
        return _("%(dimension)s: %(score)s/%(max)s on %(date)s") % {
            "dimension": name,
            "score": _score(value),
            "max": MAX_SCORE,
            "date": _day(evidence.get("date")),
        }
    basis = evidence.get("basis")
    if kind == "verified_share":
        if protect(value, count=basis) is None:
            return _("Residents verified: %(share)s verified residents (%(month)s)") % {
                "share": display(basis),
                "month": _month(evidence.get("date")),
            }
        return _("%(share)s %% of residents verified (%(month)s)") % {
            "share": display(round(float(value)), count=basis, decimals=0),
            "month": _month(evidence.get("date")),
        }
    if kind == "reports_closed_within_7_days":
        return _(
            "%(share)s %% of %(closed)s problem reports closed within 7 days, "
            "%(since)s to %(month)s"
        ) % {
            "share": display(round(float(value)), count=basis, decimals=0),
            "closed": display(basis),
            "since": _month(evidence.get("since")),
            "month": _month(evidence.get("date")),
        }
    return ""


def figure(evidence: Evidence) -> Figure:
    """The evidence's figure for the API: a score as it is, a share protected by its basis."""
    value = evidence.get("value")
    if evidence.get("unit") == "score":
        return Figure(value=None if value is None else float(value), suppressed=False)
    return Figure.of(value, count=evidence.get("basis"))


def basis_figure(evidence: Evidence) -> Figure | None:
    basis = evidence.get("basis")
    return None if basis is None else Figure.of(basis)


def threshold_text(kind_key: str, threshold: float, params: dict | None = None) -> str:
    """The rule in words: "Overall digital-maturity score ≥ 2.5/5"."""
    kind = get(kind_key)
    if kind is None:
        return kind_key
    if kind.unit == "score":
        text = _("%(what)s at least %(threshold)s/%(max)s") % {
            "what": kind.label,
            "threshold": _score(threshold),
            "max": MAX_SCORE,
        }
    else:
        text = _("%(what)s at least %(threshold)s %%") % {
            "what": kind.label,
            "threshold": number_format(round(threshold), decimal_pos=0, use_l10n=True),
        }
    dimension = (params or {}).get("dimension")
    if kind.needs_dimension and dimension in Dimension.values:
        text = f"{text} — {Dimension(dimension).label}"
    return text
