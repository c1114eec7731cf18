"""The datasets Milieu publishes as open data, and the reads that produce their records.

- `indicators`: the monthly figures of each municipality (`IndicatorValue`), for the towns that
  have the indicators module on, every value through `core.smallnumbers` (a derived figure with
  the count it was derived from).
- `problem-reports`: the reports of the towns that have the reports module on, as points
  coarsened to the centre of their H3 resolution-10 cell (about 130 m across). Only the number,
  category, status and dates: never the description, the address, the notes, the reporter, the
  email, the photos or the answers to extra questions (the read does not even load them).
- `municipalities`: the territory (region, kind, population, centre).
- `practices`: the published best practices (what their pages show, without who wrote them).
- `events`: the published events of the towns that have the events module on.

Each producer reads with `values()` in chunks (`iterator`), in one query (two with the list of
towns where a module is on), whatever the size of the dataset.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING

import h3
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from milieu.core.smallnumbers import Figure

from . import datasets, metrics
from .datasets import CONTINUOUS, DAILY, IRREGULAR, Dataset, Record

if TYPE_CHECKING:
    from milieu.territory.models import Municipality

ITERATOR_CHUNK = 2000
REPORT_RESOLUTION = 10


def _module_towns(module: str, municipality: Municipality | None) -> list[int]:
    """The ids of the municipalities with `module` on (just `municipality`, when given)."""
    from milieu.territory.models import Municipality

    if municipality is not None:
        return [municipality.pk] if module in (municipality.enabled_modules or []) else []
    return [
        pk
        for pk, enabled in Municipality.objects.values_list("pk", "enabled_modules")
        if module in (enabled or [])
    ]


def _local_date(moment: datetime | None, zone: tzinfo) -> str | None:
    """The day of `moment` in the site's time zone (`zone`, read once per download)."""
    return None if moment is None else moment.astimezone(zone).date().isoformat()


def _pick(row: dict, field: str, language: str) -> str:
    """A translated field of a `values()` row, in `language`, else in its original language."""
    return row.get(f"{field}_{language}") or row.get(f"{field}_{row['original_language']}") or ""


# --- indicators ---------------------------------------------------------------------------------


def figure(metric: str, value: float, basis: int) -> Figure:
    """A stored indicator as it may leave the server. A metric that is not a plain count (a
    share, a median, a total: its kind in the metrics registry) is always protected with its
    basis; a count by itself unless its basis says otherwise."""
    if metrics.get(metric).kind != metrics.COUNT or basis != value:
        return Figure.of(value, count=basis)
    return Figure.of(value)


def indicator_records(municipality: Municipality | None) -> Iterator[Record]:
    from .models import IndicatorValue

    towns = _module_towns("indicators", municipality)
    if not towns:
        return
    rows = (
        IndicatorValue.objects.filter(municipality_id__in=towns)
        .order_by("municipality_id", "month", "metric")
        .values("municipality__slug", "municipality__name", "month", "metric", "value", "basis")
    )
    for row in rows.iterator(chunk_size=ITERATOR_CHUNK):
        yield {
            "municipality": row["municipality__slug"],
            "municipality_name": row["municipality__name"],
            "month": row["month"].strftime("%Y-%m"),
            "metric": row["metric"],
            "value": figure(row["metric"], row["value"], row["basis"]),
        }


# --- problem reports ----------------------------------------------------------------------------

REPORT_FIELDS = (
    "pk",
    "municipality__slug",
    "category__code",
    "category__name_fr",
    "category__name_en",
    "category__name_es",
    "category__original_language",
    "status",
    "requested_at",
    "updated_at",
    "closed_at",
    "latitude",
    "longitude",
)


def coarsened(latitude: float, longitude: float) -> tuple[str, float, float]:
    """The H3 resolution-10 cell of a point and its centre (latitude, longitude)."""
    cell = h3.latlng_to_cell(latitude, longitude, REPORT_RESOLUTION)
    centre_lat, centre_lng = h3.cell_to_latlng(cell)
    return cell, round(centre_lat, 6), round(centre_lng, 6)


def report_records(municipality: Municipality | None) -> Iterator[Record]:
    from milieu.reports.models import Report

    towns = _module_towns("reports", municipality)
    if not towns:
        return
    rows = (
        Report.objects.filter(municipality_id__in=towns, latitude__isnull=False)
        .order_by("municipality_id", "-requested_at", "-pk")
        .values(*REPORT_FIELDS)
    )
    zone = timezone.get_current_timezone()
    language = (get_language() or "fr")[:2]
    for row in rows.iterator(chunk_size=ITERATOR_CHUNK):
        cell, latitude, longitude = coarsened(row["latitude"], row["longitude"])
        category = {
            "name_fr": row["category__name_fr"],
            "name_en": row["category__name_en"],
            "name_es": row["category__name_es"],
            "original_language": row["category__original_language"],
        }
        yield {
            "number": row["pk"],
            "municipality": row["municipality__slug"],
            "category": row["category__code"],
            "category_name": _pick(category, "name", language),
            "status": row["status"],
            "requested_on": _local_date(row["requested_at"], zone),
            "updated_on": _local_date(row["updated_at"], zone),
            "closed_on": _local_date(row["closed_at"], zone),
            "h3_cell": cell,
            "latitude": latitude,
            "longitude": longitude,
        }


# --- municipalities -----------------------------------------------------------------------------


def municipality_records(municipality: Municipality | None) -> Iterator[Record]:
    from milieu.territory.models import Municipality

    rows = Municipality.objects.order_by("region__name", "name")
    if municipality is not None:
        rows = rows.filter(pk=municipality.pk)
    for row in rows.values(
        "slug",
        "name",
        "kind",
        "indigenous",
        "region__slug",
        "region__name",
        "population",
        "population_source",
        "latitude",
        "longitude",
    ).iterator(chunk_size=ITERATOR_CHUNK):
        yield {
            "municipality": row["slug"],
            "name": row["name"],
            "kind": row["kind"],
            "indigenous": row["indigenous"],
            "region": row["region__slug"],
            "region_name": row["region__name"],
            "population": Figure.of(row["population"]),
            "population_source": row["population_source"],
            "latitude": row["latitude"],
            "longitude": row["longitude"],
        }


# --- practices ----------------------------------------------------------------------------------


def practice_records(municipality: Municipality | None) -> Iterator[Record]:
    from milieu.network.models import Practice, PracticeStatus

    zone = timezone.get_current_timezone()
    rows = Practice.objects.filter(status=PracticeStatus.PUBLISHED).order_by("-published_at", "-pk")
    if municipality is not None:
        rows = rows.filter(municipality=municipality)
    for row in rows.values(
        "pk",
        "municipality__slug",
        "title",
        "language",
        "dimension",
        "problem",
        "solution",
        "technology",
        "cost",
        "results",
        "contact",
        "published_at",
    ).iterator(chunk_size=ITERATOR_CHUNK):
        yield {
            "id": row["pk"],
            "municipality": row["municipality__slug"],
            "title": row["title"],
            "language": row["language"],
            "dimension": row["dimension"],
            "problem": row["problem"],
            "solution": row["solution"],
            "technology": row["technology"],
            "cost": row["cost"],
            "results": row["results"],
            "contact": row["contact"],
            "published_on": _local_date(row["published_at"], zone),
        }


# --- events -------------------------------------------------------------------------------------


def event_records(municipality: Municipality | None) -> Iterator[Record]:
    from milieu.events.models import Event, EventStatus

    towns = _module_towns("events", municipality)
    if not towns:
        return
    rows = (
        Event.objects.filter(
            municipality_id__in=towns, status=EventStatus.PUBLISHED, published_at__isnull=False
        )
        .order_by("starts_at", "pk")
        .values(
            "pk",
            "municipality__slug",
            "title_fr",
            "title_en",
            "title_es",
            "category",
            "starts_at",
            "ends_at",
            "time_zone",
            "rrule",
            "place_name",
            "address",
            "latitude",
            "longitude",
            "price",
            "registration_required",
        )
    )
    for row in rows.iterator(chunk_size=ITERATOR_CHUNK):
        yield {
            "id": row["pk"],
            "municipality": row["municipality__slug"],
            "title_fr": row["title_fr"],
            "title_en": row["title_en"],
            "title_es": row["title_es"],
            "category": row["category"],
            "starts_at": row["starts_at"],
            "ends_at": row["ends_at"],
            "time_zone": row["time_zone"],
            "rrule": row["rrule"],
            "place_name": row["place_name"],
            "address": row["address"],
            "latitude": row["latitude"],
            "longitude": row["longitude"],
            "price": float(row["price"]),
            "registration_required": row["registration_required"],
        }


def register() -> None:
    datasets.register(
        Dataset(
            key="indicators",
            title=_("Monthly indicators of each municipality"),
            description=_(
                "Accounts, verified residents, monthly active residents, posts, exchanges, "
                "volunteer hours, newcomer pairs, event attendance, points, consultation "
                "participation and problem reports, per municipality and month. A figure under "
                '5 (or derived from fewer than 5 people or things) is suppressed: "<5" in CSV, '
                "null with suppressed true in JSON."
            ),
            frequency=DAILY,
            keywords=(_("indicators"), _("statistics"), _("municipalities")),
            formats=("csv", "json"),
            columns=("municipality", "municipality_name", "month", "metric", "value"),
            producer=indicator_records,
            order=10,
        )
    )
    datasets.register(
        Dataset(
            key="problem-reports",
            title=_("Problem reports"),
            description=_(
                "The problems residents reported to their municipality (potholes, street "
                "lights, graffiti): number, category, status and dates, placed at the centre of "
                "their H3 cell of resolution 10 (about 130 m across). No description, address, note, photo or anything "
                "about the person who reported it."
            ),
            frequency=CONTINUOUS,
            keywords=(_("problem reports"), _("public works"), _("Open311")),
            formats=("geojson", "csv"),
            columns=(
                "number",
                "municipality",
                "category",
                "category_name",
                "status",
                "requested_on",
                "updated_on",
                "closed_on",
                "h3_cell",
                "latitude",
                "longitude",
            ),
            producer=report_records,
            order=20,
        )
    )
    datasets.register(
        Dataset(
            key="municipalities",
            title=_("Municipalities"),
            description=_(
                "The municipalities on Milieu with their region, kind, population and centre."
            ),
            frequency=IRREGULAR,
            keywords=(_("municipalities"), _("regions"), _("population")),
            formats=("csv", "json"),
            columns=(
                "municipality",
                "name",
                "kind",
                "indigenous",
                "region",
                "region_name",
                "population",
                "population_source",
                "latitude",
                "longitude",
            ),
            producer=municipality_records,
            order=30,
        )
    )
    datasets.register(
        Dataset(
            key="practices",
            title=_("Best practices of municipalities"),
            description=_(
                "What municipalities did and published for others to learn from: the problem, "
                "the solution, the technology, the cost, the results and a work contact."
            ),
            frequency=CONTINUOUS,
            keywords=(_("best practices"), _("digital transformation"), _("municipalities")),
            formats=("csv", "json"),
            columns=(
                "id",
                "municipality",
                "title",
                "language",
                "dimension",
                "problem",
                "solution",
                "technology",
                "cost",
                "results",
                "contact",
                "published_on",
            ),
            producer=practice_records,
            order=40,
        )
    )
    datasets.register(
        Dataset(
            key="events",
            title=_("Public events"),
            description=_(
                "The published events of the municipalities: title, category, dates, place "
                "and price."
            ),
            frequency=CONTINUOUS,
            keywords=(_("events"), _("culture"), _("leisure")),
            formats=("csv", "json"),
            columns=(
                "id",
                "municipality",
                "title_fr",
                "title_en",
                "title_es",
                "category",
                "starts_at",
                "ends_at",
                "time_zone",
                "rrule",
                "place_name",
                "address",
                "latitude",
                "longitude",
                "price",
                "registration_required",
            ),
            producer=event_records,
            order=50,
        )
    )
