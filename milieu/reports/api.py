"""The problem-reports API (tag `reports`), over the selectors, services and rules the pages use.

Who sees what. A municipality's categories and its reports' public part (category, status,
description, point and address, public note, department, dates) are public while the module is
on. The private part (`private`: reporter's display name, email for updates, source, photos
count) is for the reporter and the municipality's staff (with MFA). A member of the
municipality files reports; its staff handle them (status, department, notes), list them with
filters, and manage the Open311 applications' keys. Photos are added on the pages, not here.

Errors have the shared body `{"error": {"code", "message", "fields"}}`: a field to correct is a
400 `validation` naming it, a refusal 403, another municipality's report 404, a repeated state
409 `wrong_state`, too many reports 429 `rate_limited`. A refused write changes nothing.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.security import django_auth

from milieu.core.errors import ApplicationError, NotFound
from milieu.core.http import AuthenticatedRequest
from milieu.core.permissions import require
from milieu.core.schemas import ErrorOut
from milieu.territory import selectors as territory_selectors

from . import selectors, services
from .models import Department, Report, ReportPhoto, ReportSource, ReportStatus, ServiceCategory
from .permissions import MODULE, can_see_private
from .schemas import (
    AssignIn,
    CategoryOut,
    ClientCreatedOut,
    ClientIn,
    ClientOut,
    DepartmentOut,
    NearbyOut,
    NoteIn,
    ReportIn,
    ReportOut,
    ReportPageOut,
    StatusIn,
    UpdateOut,
)

router = Router(tags=["reports"], auth=django_auth)
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 429: ErrorOut}
MUNICIPAL = "/municipalities/{slug}"
REPORT = f"{MUNICIPAL}/reports/{{report_id}}"


def _municipality(slug: str):
    return territory_selectors.municipality_get(slug=slug, module=MODULE)


def _invalid(field: str, message: str) -> ApplicationError:
    return ApplicationError(
        _("Please correct the form."), code="validation", extra={"fields": {field: [message]}}
    )


def _category_filter(municipality, code: str | None) -> ServiceCategory | None:
    if not code:
        return None
    try:
        return selectors.category_get(municipality=municipality, code=code, active_only=False)
    except NotFound:
        raise _invalid("category", _("Unknown category.")) from None


def _status_filter(status: str | None) -> str | None:
    if status and status not in ReportStatus.values:
        raise _invalid("status", _("Unknown status."))
    return status or None


# --- Shapes -------------------------------------------------------------------------------------


def _category(category: ServiceCategory) -> dict[str, Any]:
    return {
        "code": category.code,
        "name": category.translated("name"),
        "description": category.translated("description"),
        "group": category.group,
        "keywords": category.keywords,
        "department": category.department.name if category.department else None,
        "attributes": [
            {
                "code": a["code"],
                "datatype": a["datatype"],
                "required": bool(a.get("required")),
                "description": a["description"],
                "order": a.get("order", 0),
                "values": a.get("values", []),
            }
            for a in category.attributes or []
        ],
    }


def _report(request, report: Report, *, private: bool | None = None, photos: int = 0) -> dict:
    if private is None:
        private = bool(can_see_private(request.user, report))
    return {
        "id": report.pk,
        "municipality": report.municipality.slug,
        "category": report.category.code,
        "category_name": report.category.translated("name"),
        "status": report.status,
        "status_label": str(ReportStatus(report.status).label),
        "is_open": report.is_open,
        "description": report.description,
        "address": report.address,
        "latitude": report.latitude,
        "longitude": report.longitude,
        "public_note": report.public_note,
        "department": report.department.name if report.department else None,
        "duplicate_of": report.duplicate_of_id,
        "requested_at": report.requested_at,
        "updated_at": report.updated_at,
        "closed_at": report.closed_at,
        "private": (
            {
                "reporter": report.reporter.display_name if report.reporter else None,
                "mine": report.reporter_id is not None and report.reporter_id == request.user.pk,
                "contact_email": report.contact_email,
                "source": report.source,
                "photo_count": photos,
                "attributes": report.attributes,
            }
            if private
            else None
        ),
    }


def _update(update, *, staff: bool) -> dict[str, Any]:
    return {
        "id": update.pk,
        "created_at": update.created_at,
        "status_from": update.status_from,
        "status_to": update.status_to,
        "note": update.note,
        "internal": update.internal,
        "department": update.department.name if update.department else None,
        "author": (update.author.display_name if update.author else None) if staff else None,
    }


def _client(client) -> dict[str, Any]:
    return {
        "id": client.pk,
        "name": client.name,
        "key_prefix": client.key_prefix,
        "created_at": client.created_at,
        "revoked_at": client.revoked_at,
    }


def _photo_counts(items: list[Report]) -> dict[int, int]:
    """How many photos each report of a page has (one query)."""
    counts: dict[int, int] = {}
    if items:
        for report_id in ReportPhoto.objects.filter(report__in=items).values_list(
            "report", flat=True
        ):
            counts[report_id] = counts.get(report_id, 0) + 1
    return counts


def _one(request, municipality, report_id: int) -> dict[str, Any]:
    report = selectors.report_get_for(
        actor=request.user, municipality=municipality, report_id=report_id
    )
    return _report(
        request,
        report,
        private=report.show_private,  # type: ignore[attr-defined]
        photos=len(report.photo_list),  # type: ignore[attr-defined]
    )


# --- Public -------------------------------------------------------------------------------------


@router.get(
    f"{MUNICIPAL}/report-categories", response={200: list[CategoryOut], **ERRORS}, auth=None
)
def category_list(request, slug: str):
    """The categories in which the municipality takes reports, with their extra questions."""
    municipality = _municipality(slug)
    return [_category(c) for c in selectors.categories_for(municipality=municipality)]


@router.get(f"{MUNICIPAL}/reports", response={200: ReportPageOut, **ERRORS}, auth=None)
def report_list(
    request,
    slug: str,
    status: str | None = None,
    category: str | None = None,
    cursor: str | None = None,
    limit: int = Query(20, ge=1, le=100),
):
    """The municipality's reports, newest first (public part only: see `me/reports` and the
    staff list for the private part)."""
    municipality = _municipality(slug)
    items, next_cursor = selectors.reports_public(
        municipality=municipality,
        status=_status_filter(status),
        category=_category_filter(municipality, category),
        cursor=cursor,
        limit=limit,
    )
    return {
        "items": [_report(request, r, private=False) for r in items],
        "next_cursor": next_cursor,
    }


@router.get(f"{MUNICIPAL}/reports/nearby", response={200: list[NearbyOut], **ERRORS}, auth=None)
def report_nearby(request, slug: str, category: str, lat: float, lng: float):
    """Open reports of the category within 50 m of a point, nearest first (at most 5): the
    problem may already be reported. The point is not kept."""
    municipality = _municipality(slug)
    chosen = _category_filter(municipality, category)
    if chosen is None:
        raise _invalid("category", _("Choose a category."))
    if not (-90 <= lat <= 90 and -180 <= lng <= 180):
        raise _invalid("lat", _("Give a valid latitude and longitude."))
    found = selectors.nearby_open_reports(
        municipality=municipality, category=chosen, latitude=lat, longitude=lng
    )
    return [
        {
            "id": r.pk,
            "status": r.status,
            "description": r.description,
            "distance_m": r.distance_m,  # type: ignore[attr-defined]
            "requested_at": r.requested_at,
        }
        for r in found
    ]


@router.get(REPORT, response={200: ReportOut, **ERRORS}, auth=None)
def report_get(request, slug: str, report_id: int):
    """A report (public part; `private` for its reporter and the staff)."""
    return _one(request, _municipality(slug), report_id)


@router.get(f"{REPORT}/history", response={200: list[UpdateOut], **ERRORS}, auth=None)
def report_history(request, slug: str, report_id: int):
    """A report's steps, oldest first; internal notes, assignments and authors for the staff."""
    municipality = _municipality(slug)
    report = selectors.report_public_get(municipality=municipality, report_id=report_id)
    staff = request.user.has_perm("reports.handle_report", municipality)
    return [
        _update(u, staff=staff)
        for u in selectors.report_history(report=report, include_internal=staff)
    ]


# --- Filing -------------------------------------------------------------------------------------


@router.post(f"{MUNICIPAL}/reports", response={201: ReportOut, **ERRORS})
def report_create(request: AuthenticatedRequest, slug: str, payload: ReportIn):
    """File a report (a member of the municipality). 429 `rate_limited`."""
    municipality = _municipality(slug)
    report = services.report_create(
        actor=request.user,
        municipality=municipality,
        values=payload.dict(),
        source=ReportSource.API,
    )
    return Status(201, _one(request, municipality, report.pk))


@router.get("/me/reports", response={200: ReportPageOut, **ERRORS})
def my_reports(
    request: AuthenticatedRequest,
    cursor: str | None = None,
    limit: int = Query(20, ge=1, le=100),
):
    """The reports I filed, in every municipality, newest first."""
    items, next_cursor = selectors.reports_of(user=request.user, cursor=cursor, limit=limit)
    counts = _photo_counts(items)
    return {
        "items": [_report(request, r, private=True, photos=counts.get(r.pk, 0)) for r in items],
        "next_cursor": next_cursor,
    }


# --- Staff --------------------------------------------------------------------------------------


def _staff_municipality(request, slug: str):
    municipality = _municipality(slug)
    require(request.user, "reports.handle_report", municipality)
    return municipality


def _handled(request, slug: str, report_id: int) -> Report:
    municipality = _staff_municipality(request, slug)
    return selectors.report_get_for(
        actor=request.user, municipality=municipality, report_id=report_id
    )


@router.get(f"{MUNICIPAL}/staff/reports", response={200: ReportPageOut, **ERRORS})
def staff_report_list(
    request: AuthenticatedRequest,
    slug: str,
    status: str | None = None,
    category: str | None = None,
    department: int | None = None,
    cursor: str | None = None,
    limit: int = Query(20, ge=1, le=100),
):
    """The municipality's reports for its staff, newest first, with filters."""
    municipality = _staff_municipality(request, slug)
    chosen = None
    if department is not None:
        chosen = Department.objects.filter(municipality=municipality, pk=department).first()
        if chosen is None:
            raise _invalid("department", _("Unknown department."))
    items, next_cursor = selectors.reports_staff(
        municipality=municipality,
        status=_status_filter(status),
        category=_category_filter(municipality, category),
        department=chosen,
        cursor=cursor,
        limit=limit,
    )
    counts = _photo_counts(items)
    return {
        "items": [_report(request, r, private=True, photos=counts.get(r.pk, 0)) for r in items],
        "next_cursor": next_cursor,
    }


@router.get(f"{MUNICIPAL}/report-departments", response={200: list[DepartmentOut], **ERRORS})
def department_list(request: AuthenticatedRequest, slug: str):
    """The municipality's departments (its staff)."""
    municipality = _staff_municipality(request, slug)
    return list(Department.objects.filter(municipality=municipality).order_by("name"))


@router.post(f"{REPORT}/status", response={200: ReportOut, **ERRORS})
def report_set_status(request: AuthenticatedRequest, slug: str, report_id: int, payload: StatusIn):
    """Move a report to a status (staff); a `duplicate` names the report it repeats; the note
    goes to the reporter and the public. 409 `wrong_state` for the same status."""
    report = _handled(request, slug, report_id)
    services.report_set_status(
        actor=request.user,
        report=report,
        status=payload.status,
        note=payload.note,
        duplicate_of=payload.duplicate_of,
    )
    return _one(request, report.municipality, report_id)


@router.post(f"{REPORT}/assign", response={200: ReportOut, **ERRORS})
def report_assign(request: AuthenticatedRequest, slug: str, report_id: int, payload: AssignIn):
    """Give the report to a department (staff). 409 `wrong_state` when already there."""
    report = _handled(request, slug, report_id)
    services.report_assign(actor=request.user, report=report, department=payload.department)
    return _one(request, report.municipality, report_id)


@router.post(f"{REPORT}/notes", response={201: UpdateOut, **ERRORS})
def report_add_note(request: AuthenticatedRequest, slug: str, report_id: int, payload: NoteIn):
    """A note on the report (staff): internal, or for the reporter (who is told) and the
    public."""
    report = _handled(request, slug, report_id)
    update = services.report_add_note(
        actor=request.user, report=report, note=payload.note, internal=payload.internal
    )
    return Status(201, _update(update, staff=True))


# --- Open311 applications -----------------------------------------------------------------------


@router.get(f"{MUNICIPAL}/open311-clients", response={200: list[ClientOut], **ERRORS})
def client_list(request: AuthenticatedRequest, slug: str):
    """The applications allowed to file reports through Open311 (staff)."""
    municipality = _municipality(slug)
    return [
        _client(c) for c in selectors.clients_for(actor=request.user, municipality=municipality)
    ]


@router.post(f"{MUNICIPAL}/open311-clients", response={201: ClientCreatedOut, **ERRORS})
def client_create(request: AuthenticatedRequest, slug: str, payload: ClientIn):
    """A key for an application (staff): `key` is shown this once; only its hash is kept."""
    municipality = _municipality(slug)
    client, key = services.open311_client_create(
        actor=request.user, municipality=municipality, name=payload.name
    )
    return Status(201, {**_client(client), "key": key})


@router.post(
    f"{MUNICIPAL}/open311-clients/{{client_id}}/revoke", response={200: ClientOut, **ERRORS}
)
def client_revoke(request: AuthenticatedRequest, slug: str, client_id: int):
    """Revoke an application's key (staff). 409 `wrong_state` when already revoked."""
    municipality = _municipality(slug)
    client = selectors.client_get(
        actor=request.user, municipality=municipality, client_id=client_id
    )
    return _client(services.open311_client_revoke(actor=request.user, client=client))
