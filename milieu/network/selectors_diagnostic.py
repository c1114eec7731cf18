"""Reads of the diagnostic: a municipality's draft, history and results, the recommendations and
the anonymous comparison with municipalities of similar size."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext_lazy as _

from milieu.core.errors import NotFound
from milieu.core.smallnumbers import THRESHOLD

from .dimensions import Dimension
from .models import Diagnostic, DiagnosticStatus
from .questions import Recommendation, weakest

# Population bands (lower bound included, upper bound excluded) and their names.
BANDS: list[tuple[int, int | None, Any]] = [
    (0, 2_000, _("under 2,000 residents")),
    (2_000, 10_000, _("2,000 to 10,000 residents")),
    (10_000, 50_000, _("10,000 to 50,000 residents")),
    (50_000, None, _("over 50,000 residents")),
]


def band_of(population: int) -> tuple[int, int | None, Any]:
    for band in BANDS:
        low, high, _label = band
        if population >= low and (high is None or population < high):
            return band
    return BANDS[-1]


def diagnostic_get_for(*, municipality, diagnostic_id: int) -> Diagnostic:
    """A diagnostic of `municipality` (the caller checked the actor may run its diagnostics);
    another town's is not found."""
    found = Diagnostic.objects.filter(municipality=municipality, pk=diagnostic_id).first()
    if found is None:
        raise NotFound(_("This diagnostic does not exist."))
    return found


def diagnostic_draft(*, municipality) -> Diagnostic | None:
    return Diagnostic.objects.filter(
        municipality=municipality, status=DiagnosticStatus.DRAFT
    ).first()


def diagnostic_history(*, municipality, limit: int = 50, offset: int = 0) -> list[Diagnostic]:
    """The completed diagnostics, the latest first."""
    return list(
        Diagnostic.objects.filter(
            municipality=municipality, status=DiagnosticStatus.COMPLETED
        ).order_by("-completed_at", "-pk")[offset : offset + limit]
    )


def diagnostic_latest(*, municipality) -> Diagnostic | None:
    return (
        Diagnostic.objects.filter(municipality=municipality, status=DiagnosticStatus.COMPLETED)
        .order_by("-completed_at", "-pk")
        .first()
    )


def answers_of(diagnostic: Diagnostic) -> dict[str, int]:
    return dict(diagnostic.answers.values_list("question", "level"))


def recommendations(diagnostic: Diagnostic) -> list[Recommendation]:
    """The weakest dimensions of a completed diagnostic (none for a draft)."""
    if diagnostic.status != DiagnosticStatus.COMPLETED:
        return []
    return weakest(diagnostic.scores)


@dataclass
class Comparison:
    band: Any  # the band's name
    contributors: int  # municipalities whose latest diagnostic is counted
    means: dict[str, float] | None  # per dimension, None while fewer than THRESHOLD contribute
    overall: float | None

    @property
    def shown(self) -> bool:
        return self.means is not None


def latest_per_municipality():
    """Completed diagnostics that are their municipality's latest (one subquery)."""
    latest = (
        Diagnostic.objects.filter(
            municipality=OuterRef("municipality"), status=DiagnosticStatus.COMPLETED
        )
        .order_by("-completed_at", "-pk")
        .values("pk")[:1]
    )
    return Diagnostic.objects.filter(status=DiagnosticStatus.COMPLETED, pk=Subquery(latest))


def comparison(*, municipality) -> Comparison:
    """The mean score per dimension of the latest completed diagnostics of the OTHER
    municipalities in `municipality`'s population band; never names them, and says nothing
    until at least `THRESHOLD` (5) municipalities contribute (small-number protection)."""
    low, high, label = band_of(municipality.population)
    others = latest_per_municipality().exclude(municipality=municipality)
    others = others.filter(municipality__population__gte=low)
    if high is not None:
        others = others.filter(municipality__population__lt=high)
    rows = list(others.values_list("scores", "overall"))
    if len(rows) < THRESHOLD:
        return Comparison(band=label, contributors=len(rows), means=None, overall=None)
    means: dict[str, float] = {}
    for dimension in Dimension.values:
        values = [float(s[dimension]) for s, _o in rows if dimension in (s or {})]
        if len(values) >= THRESHOLD:
            means[dimension] = round(sum(values) / len(values), 2)
    overalls = [o for _s, o in rows if o is not None]
    overall = round(sum(overalls) / len(overalls), 2) if len(overalls) >= THRESHOLD else None
    return Comparison(band=label, contributors=len(rows), means=means, overall=overall)


def diagnostic_count(*, municipality) -> int:
    return Diagnostic.objects.filter(
        municipality=municipality, status=DiagnosticStatus.COMPLETED
    ).count()
