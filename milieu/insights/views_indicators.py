"""The public indicators pages.

- `/<lang>/<town>/indicators/` (module `indicators`): the latest month's figures as cards, and for
  each metric the last 12 months as a column chart with its data table; `export.csv` (a row per
  month, a column per metric).
- `/<lang>/regions/<region>/indicators/`: the region's totals (sums, and shares and medians
  recomputed over the members' raw data) and a table comparing its members (those that switched
  the module on) for one month; `export.csv`.

They read only the summary table (`selectors_indicators`), through `core.smallnumbers`.
"""

from __future__ import annotations

import csv
from datetime import date
from typing import Any

from django.http import Http404, HttpResponse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from milieu.core import modules, pagecache
from milieu.core.charts_series import Point, column_chart, data_table
from milieu.core.errors import NotFound
from milieu.core.http import MilieuRequest, municipality_view
from milieu.core.modules import module_required
from milieu.territory import selectors as territory_selectors

from . import metrics
from . import selectors_indicators as selectors
from .selectors_indicators import Reading

MODULE = "indicators"


def _charts(series: dict[str, list[Reading]]) -> list[dict]:
    charts = []
    for key, readings in series.items():
        metric = metrics.get(key)
        unit = str(metric.unit)
        points = [
            Point(
                label=date_format(r.month, "M"),
                value=r.protected,
                text=r.text,
                long_label=date_format(r.month, "YEAR_MONTH_FORMAT"),
            )
            for r in readings
        ]
        title = str(metric.label)
        charts.append(
            {
                "metric": metric,
                "latest": readings[-1],
                "chart": column_chart(points, title=title, unit=unit),
                "table": data_table(
                    points,
                    caption=title,
                    label_header=_("Month"),
                    value_header=f"{title} ({unit})" if unit else title,
                ),
            }
        )
    return charts


def _csv_response(filename: str) -> tuple[HttpResponse, Any]:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response, csv.writer(response)


@require_GET
@municipality_view
@module_required(MODULE)
def town(request: MilieuRequest) -> HttpResponse:
    municipality = request.municipality

    def context() -> dict[str, Any]:
        series = selectors.municipality_series(municipality=municipality)
        month = next(iter(series.values()))[-1].month
        return {"municipality": municipality, "charts": _charts(series), "latest_month": month}

    # Sixteen charts and tables are most of the page's cost: rendered once per language and
    # computation (`core.pagecache`, shared by every visitor), until the next computation.
    return pagecache.render_page(
        request,
        "insights/indicators_town.html",
        context,
        vary=(municipality.pk, selectors.version()),
    )


@require_GET
@municipality_view
@module_required(MODULE)
def town_csv(request: MilieuRequest) -> HttpResponse:
    municipality = request.municipality
    series = selectors.municipality_series(municipality=municipality)
    response, writer = _csv_response(f"indicators-{municipality.slug}.csv")
    keys = list(series)
    writer.writerow(["month", *keys])
    months = [r.month for r in series[keys[0]]]
    for index, month in enumerate(months):
        writer.writerow([month.strftime("%Y-%m"), *(series[k][index].csv for k in keys)])
    return response


def _region_versioned(region_slug: str):
    try:
        return territory_selectors.region_members(slug=region_slug)
    except NotFound as error:
        raise Http404(str(error)) from None


def _region(region_slug: str):
    region, members, _version = _region_versioned(region_slug)
    return region, [m for m in members if modules.is_enabled(m, MODULE)]


def _month(request: MilieuRequest, months: list[date]) -> date:
    wanted = request.GET.get("month", "")
    for month in months:
        if month.strftime("%Y-%m") == wanted:
            return month
    return months[-1]


@require_GET
def region(request: MilieuRequest, region_slug: str) -> HttpResponse:
    region, members, members_version = _region_versioned(region_slug)

    def context() -> dict[str, Any]:
        shown = [m for m in members if modules.is_enabled(m, MODULE)]
        series = selectors.region_series(region=region)
        months = [r.month for r in next(iter(series.values()))]
        month = _month(request, months)
        table = selectors.members_month(members=shown, month=month)
        rows = [(m, [table[m.pk][metric.key] for metric in metrics.all_metrics()]) for m in shown]
        return {
            "region": region,
            "charts": _charts(series),
            "month": month,
            "latest_month": months[-1],
            "months": list(reversed(months)),
            "metrics": metrics.all_metrics(),
            "rows": rows,
        }

    # Kept rendered like the town's page; the `?month=` asked is part of the page's key.
    return pagecache.render_page(
        request,
        "insights/indicators_region.html",
        context,
        vary=(region.pk, members_version, selectors.version()),
    )


@require_GET
def region_csv(request: MilieuRequest, region_slug: str) -> HttpResponse:
    """The region's total and each member's figures for one month (`?month=YYYY-MM`)."""
    region, members = _region(region_slug)
    series = selectors.region_series(region=region)
    months = [r.month for r in next(iter(series.values()))]
    month = _month(request, months)
    index = months.index(month)
    table = selectors.members_month(members=members, month=month)
    keys = metrics.keys()
    response, writer = _csv_response(f"indicators-{region.slug}-{month:%Y-%m}.csv")
    writer.writerow(["month", "scope", "slug", "name", *keys])
    writer.writerow(
        [f"{month:%Y-%m}", "region", region.slug, region.name]
        + [series[k][index].csv for k in keys]
    )
    for member in members:
        writer.writerow(
            [f"{month:%Y-%m}", "municipality", member.slug, member.name]
            + [table[member.pk][k].csv for k in keys]
        )
    return response
