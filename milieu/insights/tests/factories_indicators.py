"""Test data of the indicators part: towns with the module on, aware datetimes, figures written
straight into the summary table."""

from __future__ import annotations

from datetime import date, datetime
from itertools import count

from django.utils import timezone

from milieu.territory.tests.factories import MunicipalityFactory, RegionFactory

from ..models import IndicatorValue

_numbers = count(1)
TODAY = date(2026, 6, 15)  # the computations' "today": windows end with June 2026


def town(*, modules=("indicators",), **kwargs):
    number = next(_numbers)
    return MunicipalityFactory(
        slug=kwargs.pop("slug", f"ville-indicateurs-{number}"),
        name=kwargs.pop("name", f"Ville indicateurs {number}"),
        enabled_modules=list(modules),
        **kwargs,
    )


def region(**kwargs):
    number = next(_numbers)
    return RegionFactory(
        slug=kwargs.pop("slug", f"region-indicateurs-{number}"),
        name=kwargs.pop("name", f"Région indicateurs {number}"),
        **kwargs,
    )


def at(year: int, month: int, day: int, hour: int = 12) -> datetime:
    return timezone.make_aware(datetime(year, month, day, hour))


def value(scope, metric: str, month: date, figure: float, basis: int | None = None):
    """A stored figure of a municipality or (with a Region) a region."""
    from milieu.territory.models import Region

    key = "region" if isinstance(scope, Region) else "municipality"
    return IndicatorValue.objects.create(
        **{key: scope},
        metric=metric,
        month=month,
        value=figure,
        basis=int(figure) if basis is None else basis,
    )
