"""Test data of the open-data part: towns with the modules the datasets read, indicator rows
(written directly: computing them is the indicators part's business), reports, practices."""

from __future__ import annotations

from datetime import date
from itertools import count

from django.utils import timezone

from milieu.insights.models import IndicatorValue
from milieu.network.models import Practice, PracticeStatus
from milieu.territory.tests.factories import MunicipalityFactory, RegionFactory

_numbers = count(1)
MODULES = ("indicators", "reports", "events")
LAFORCE = (47.5167, -79.2333)


def town(*, modules=MODULES, at=LAFORCE, **kwargs):
    number = next(_numbers)
    return MunicipalityFactory(
        slug=kwargs.pop("slug", f"ville-donnees-{number}"),
        name=kwargs.pop("name", f"Ville données {number}"),
        enabled_modules=list(modules),
        latitude=at[0],
        longitude=at[1],
        **kwargs,
    )


def region(**kwargs):
    return RegionFactory(**kwargs)


def indicator(municipality, metric: str, value: float, *, basis=None, month=date(2026, 10, 1)):
    return IndicatorValue.objects.create(
        municipality=municipality,
        metric=metric,
        month=month,
        value=value,
        basis=value if basis is None else basis,
    )


def region_indicator(region_, metric: str, value: float, *, month=date(2026, 10, 1)):
    return IndicatorValue.objects.create(
        region=region_, metric=metric, month=month, value=value, basis=value
    )


def practice(municipality, *, published: bool = True, **values):
    values = {
        "title": f"Wi-Fi public à l'hôtel de ville {next(_numbers)}",
        "language": "fr",
        "dimension": "connectivity",
        "problem": "Des résidents sans internet.",
        "solution": "Un accès Wi-Fi gratuit.",
        "contact": "Service du greffe",
        **values,
    }
    return Practice.objects.create(
        municipality=municipality,
        status=PracticeStatus.PUBLISHED if published else PracticeStatus.DRAFT,
        published_at=timezone.now() if published else None,
        **values,
    )
