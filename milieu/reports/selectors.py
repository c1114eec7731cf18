"""Every non-trivial read of the reports app: the categories a municipality offers, a report (its
public part for everyone, its private part for its reporter and the staff), the public and staff
lists (keyset pages, one query each), a person's reports, the open reports near a point (to
suggest a duplicate before filing), a report's history, and the Open311 clients.

What is public of a report: its number, category, status, description, point and address (the
place of a problem is a public place), the department, the public note and dates. Never public:
the reporter, the email for updates, the photos, internal notes, the Open311 client.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import datetime

import h3
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from milieu.core import geo
from milieu.core.cursor import keyset_page
from milieu.core.errors import NotFound
from milieu.core.permissions import require

from .models import (
    OPEN_STATUSES,
    Open311Client,
    Report,
    ReportPhoto,
    ReportUpdate,
    ServiceCategory,
)
from .permissions import can_see_private

PAGE = 20
MAX_PAGE = 100
ORDER = ("-requested_at", "-pk")
EARTH_RADIUS_M = 6_371_008.8
PUBLIC_DEFERRED = ("contact_email",)


def distance_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """The great-circle distance between two points, in metres (haversine)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi = phi2 - phi1
    d_lambda = math.radians(lng2 - lng1)
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


# --- Categories ---------------------------------------------------------------------------------


def categories_for(*, municipality, active_only: bool = True) -> QuerySet[ServiceCategory]:
    categories = ServiceCategory.objects.filter(municipality=municipality).select_related(
        "department"
    )
    if active_only:
        categories = categories.filter(active=True)
    return categories.order_by("position", "code")


def category_get(*, municipality, code: str, active_only: bool = True) -> ServiceCategory:
    category = categories_for(municipality=municipality, active_only=active_only).filter(
        code=str(code or "")[:60]
    )
    found = category.first()
    if found is None:
        raise NotFound(_("No such category."))
    return found


def category_get_by_id(*, municipality, category_id: int) -> ServiceCategory:
    found = categories_for(municipality=municipality, active_only=False).filter(pk=category_id)
    category = found.first()
    if category is None:
        raise NotFound(_("No such category."))
    return category


# --- One report ---------------------------------------------------------------------------------


def _reports(municipality=None) -> QuerySet[Report]:
    reports = Report.objects.select_related("category", "department", "municipality")
    if municipality is not None:
        reports = reports.filter(municipality=municipality)
    return reports


def report_public_get(*, municipality, report_id: int) -> Report:
    """A report of `municipality`, for its public part only."""
    report = _reports(municipality).defer(*PUBLIC_DEFERRED).filter(pk=report_id).first()
    if report is None:
        raise NotFound(_("No such report."))
    report.show_private = False  # type: ignore[attr-defined]
    return report


def report_get_for(*, actor, municipality, report_id: int) -> Report:
    """A report of `municipality` as `actor` sees it: `report.show_private` says whether the
    private part (reporter, email, photos, internal notes) may be shown; its photos are then
    prefetched."""
    report = _reports(municipality).select_related("reporter").filter(pk=report_id).first()
    if report is None:
        raise NotFound(_("No such report."))
    report.show_private = bool(can_see_private(actor, report))  # type: ignore[attr-defined]
    report.photo_list = (  # type: ignore[attr-defined]
        list(ReportPhoto.objects.filter(report=report).order_by("position"))
        if report.show_private  # type: ignore[attr-defined]
        else []
    )
    return report


def photo_get_for(*, actor, municipality, report_id: int, photo_id: int) -> ReportPhoto:
    """One photo of a report, for its reporter and the staff (everyone else: not found)."""
    report = report_get_for(actor=actor, municipality=municipality, report_id=report_id)
    for photo in report.photo_list:  # type: ignore[attr-defined]
        if photo.pk == photo_id:
            return photo
    raise NotFound(_("No such photo."))


# --- Lists --------------------------------------------------------------------------------------


def _statuses(status: str | Iterable[str] | None) -> list[str] | None:
    if status is None or status == "":
        return None
    if isinstance(status, str):
        return [status]
    return [str(value) for value in status]


def _limit(limit: int) -> int:
    return max(1, min(int(limit), MAX_PAGE))


def reports_public(
    *,
    municipality,
    status: str | Iterable[str] | None = None,
    category: ServiceCategory | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    cursor: str | None = None,
    limit: int = PAGE,
) -> tuple[list[Report], str | None]:
    """The municipality's reports, newest first (`status`: one status or several; `start`
    inclusive, `end` exclusive, on the date of the report): one page and the next cursor."""
    reports = _reports(municipality).defer(*PUBLIC_DEFERRED)
    statuses = _statuses(status)
    if statuses is not None:
        reports = reports.filter(status__in=statuses)
    if category is not None:
        reports = reports.filter(category=category)
    if start is not None:
        reports = reports.filter(requested_at__gte=start)
    if end is not None:
        reports = reports.filter(requested_at__lt=end)
    return keyset_page(reports, ORDER, cursor, _limit(limit))


def reports_staff(
    *,
    municipality,
    status: str | Iterable[str] | None = None,
    category: ServiceCategory | None = None,
    department=None,
    cursor: str | None = None,
    limit: int = PAGE,
) -> tuple[list[Report], str | None]:
    """The municipality's reports for its staff (with who filed them), newest first."""
    reports = _reports(municipality).select_related("reporter")
    statuses = _statuses(status)
    if statuses is not None:
        reports = reports.filter(status__in=statuses)
    if category is not None:
        reports = reports.filter(category=category)
    if department is not None:
        reports = reports.filter(department=department)
    return keyset_page(reports, ORDER, cursor, _limit(limit))


def reports_of(
    *, user, cursor: str | None = None, limit: int = PAGE
) -> tuple[list[Report], str | None]:
    """The reports a person filed, in every municipality, newest first."""
    if not user.is_authenticated:
        return [], None
    reports = _reports().select_related("reporter").filter(reporter=user)
    return keyset_page(reports, ORDER, cursor, _limit(limit))


def reports_by_ids(*, municipality, ids: Iterable[int]) -> list[Report]:
    """The municipality's reports among `ids` (public part), newest first."""
    wanted = sorted({int(value) for value in ids})
    return list(
        _reports(municipality).defer(*PUBLIC_DEFERRED).filter(pk__in=wanted).order_by(*ORDER)
    )


def reports_open311(
    *,
    municipality,
    codes: Iterable[str] = (),
    statuses: Iterable[str] | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    limit: int = 1000,
) -> list[Report]:
    """What `GET requests` lists (Open311): the municipality's reports, newest first, of the
    service codes given (all without), the statuses given, requested from `start` (inclusive)
    to `end` (exclusive); at most `limit`."""
    reports = _reports(municipality).defer(*PUBLIC_DEFERRED)
    codes = [str(code)[:60] for code in codes]
    if codes:
        reports = reports.filter(category__code__in=codes)
    if statuses is not None:
        reports = reports.filter(status__in=list(statuses))
    if start is not None:
        reports = reports.filter(requested_at__gte=start)
    if end is not None:
        reports = reports.filter(requested_at__lt=end)
    return list(reports.order_by(*ORDER)[: max(0, limit)])


def report_by_token(*, municipality, token: str) -> Report | None:
    token = str(token or "")
    if not 10 <= len(token) <= 40:
        return None
    return _reports(municipality).defer(*PUBLIC_DEFERRED).filter(token=token).first()


def nearby_open_reports(
    *,
    municipality,
    category: ServiceCategory,
    latitude: float,
    longitude: float,
    radius_m: float = 50,
    limit: int = 5,
) -> list[Report]:
    """The open reports of the same category within `radius_m` of a point, nearest first,
    each with its `distance_m`: candidates by the cells around the point (one indexed query),
    then the exact distance."""
    origin = geo.cell_at(float(latitude), float(longitude))
    radius_m = max(1.0, min(float(radius_m), 1000.0))
    rings = 1 + math.ceil(radius_m / 1000 / geo._STEP_KM)
    cells = sorted(h3.grid_disk(origin, rings))
    parents = sorted({h3.cell_to_parent(cell, 7) for cell in cells})
    candidates = (
        _reports(municipality)
        .defer(*PUBLIC_DEFERRED)
        .filter(
            category=category,
            status__in=OPEN_STATUSES,
            cell_r7__in=parents,
            cell__in=cells,
        )
    )
    found = []
    for report in candidates:
        if report.latitude is None or report.longitude is None:
            continue
        distance = distance_m(latitude, longitude, report.latitude, report.longitude)
        if distance <= radius_m:
            report.distance_m = round(distance)  # type: ignore[attr-defined]
            found.append(report)
    found.sort(key=lambda report: (report.distance_m, -report.pk))  # type: ignore[attr-defined]
    return found[: max(0, limit)]


def report_history(*, report: Report, include_internal: bool) -> QuerySet[ReportUpdate]:
    """The steps of a report, oldest first (internal notes and assignments for the staff)."""
    updates = ReportUpdate.objects.filter(report=report).select_related("author", "department")
    if not include_internal:
        updates = updates.filter(internal=False)
    return updates.order_by("created_at", "pk")


def photos_prefetch() -> Prefetch:
    return Prefetch("photos", queryset=ReportPhoto.objects.order_by("position"))


# --- Open311 clients ----------------------------------------------------------------------------


def clients_for(*, actor, municipality) -> QuerySet[Open311Client]:
    require(actor, "reports.manage_clients", municipality)
    return Open311Client.objects.filter(municipality=municipality).order_by("name", "pk")


def client_get(*, actor, municipality, client_id: int) -> Open311Client:
    """One of the municipality's clients, for its staff."""
    client = clients_for(actor=actor, municipality=municipality).filter(pk=client_id).first()
    if client is None:
        raise NotFound(_("No such application."))
    return client
