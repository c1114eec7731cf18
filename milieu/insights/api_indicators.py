"""The indicators API (tag `indicators`): public, read-only, over the same summary table and
selectors as the pages.

`GET /municipalities/{slug}/indicators` (module `indicators` on) and
`GET /regions/{slug}/indicators` list one item per metric and month, oldest month first, metric in
registry order: `{metric, label, unit, month, value: {value, suppressed}}`. Every value goes
through `core.smallnumbers`: a figure under 5, or derived from fewer than 5, is
`{"value": null, "suppressed": true}`. `months` (1 to 36, default 12) and `metric` (repeatable)
narrow the list; it is paginated (`limit`, `offset`).
"""

from datetime import date

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from milieu.core.errors import ApplicationError
from milieu.core.schemas import ErrorOut
from milieu.core.smallnumbers import Figure
from milieu.territory import selectors as territory_selectors

from . import metrics
from . import selectors_indicators as selectors
from .views_indicators import MODULE

router = Router(tags=["indicators"])
ERRORS = {400: ErrorOut, 404: ErrorOut}


class IndicatorOut(Schema):
    metric: str = Field(..., description="The metric's key, e.g. `verified_share`.")
    label: str
    unit: str
    month: date = Field(..., description="The first day of the month.")
    value: Figure


class IndicatorFilters(Schema):
    months: int = Field(12, ge=1, le=36, description="How many months, ending with this one.")
    metric: list[str] = Field(default_factory=list, description="Only these metrics.")


def _keys(wanted: list[str]) -> list[str] | None:
    known = set(metrics.keys())
    unknown = [key for key in wanted if key not in known]
    if unknown:
        raise ApplicationError(
            _("Unknown metric."),
            code="validation",
            extra={
                "fields": {
                    "metric": [_("Unknown metric: %(keys)s.") % {"keys": ", ".join(unknown)}]
                }
            },
        )
    return wanted or None


def _items(series: dict) -> list[IndicatorOut]:
    items = []
    months = len(next(iter(series.values()))) if series else 0
    for index in range(months):
        for key, readings in series.items():
            reading = readings[index]
            items.append(
                IndicatorOut(
                    metric=key,
                    label=str(reading.metric.label),
                    unit=str(reading.metric.unit),
                    month=reading.month,
                    value=reading.figure,
                )
            )
    return items


@router.get(
    "/municipalities/{slug}/indicators",
    response={200: list[IndicatorOut], **ERRORS},
    summary="A municipality's indicators by month",
)
@paginate
def municipality_indicators(request, slug: str, filters: Query[IndicatorFilters]):
    municipality = territory_selectors.municipality_get(slug=slug, module=MODULE)
    series = selectors.municipality_series(
        municipality=municipality, months=filters.months, metric_keys=_keys(filters.metric)
    )
    return _items(series)


@router.get(
    "/regions/{slug}/indicators",
    response={200: list[IndicatorOut], **ERRORS},
    summary="A region's indicators by month",
)
@paginate
def region_indicators(request, slug: str, filters: Query[IndicatorFilters]):
    region = territory_selectors.region_members(slug=slug)[0]
    series = selectors.region_series(
        region=region, months=filters.months, metric_keys=_keys(filters.metric)
    )
    return _items(series)
