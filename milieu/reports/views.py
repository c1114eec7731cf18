"""The problem-report pages of a municipality (namespace `reports`, under
`/<lang>/<municipality>/reports/`): the module's home (file a report, the town's recent reports,
my own), the form that files one, a report's status page, its photos, and my reports.

A report's public page shows its category, status, date, point and the notes written to the
public; its reporter and the municipality's staff also see the description, the address, the
answers to the category's questions and the photos (served by `report_photo`, which checks who
asks). No page names a reporter.

The form works without JavaScript (the point typed as latitude and longitude); with it, "Use my
location" fills the point, and htmx asks for the "similar open reports nearby" (same category,
within 50 m) as soon as a category and a point are known. The server looks again when the form
is sent: a first sending with similar reports shows them, with "This is my problem too" (their
page) and "File mine anyway". Bad input shows the form again with the errors on the fields and
what was typed (photos must be chosen again: browsers do not keep them); nothing is saved.

Staff pages are in `views_staff.py`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from milieu.core import geo, pictures
from milieu.core.errors import ApplicationError, NotFound
from milieu.core.http import (
    AuthenticatedRequest,
    MilieuRequest,
    form_error,
    municipality_view,
    status_of,
)
from milieu.core.modules import module_required

from . import selectors, services
from .forms import NearbyForm, ReportForm
from .models import Report, ReportPhoto

MODULE = "reports"
FILE_PERM = "reports.file_report"
HANDLE_PERM = "reports.handle_report"
NEARBY_RADIUS_M = 50
HOME_MINE = 5  # my reports shown on the module's home


def report_url(report: Report) -> str:
    return reverse("reports:report", args=[report.municipality.slug, report.pk])


def refused(request: MilieuRequest, message: str, *, status: int = 403) -> HttpResponse:
    return render(
        request,
        "reports/refused.html",
        {"municipality": request.municipality, "error": message},
        status=status,
    )


@dataclass(frozen=True)
class Point:
    """A point typed in the form, drawn like a place (`events` `place_map`)."""

    latitude: float
    longitude: float
    cell: str = ""
    has_point: bool = True


def _page(cursor_name: str, request: MilieuRequest) -> str | None:
    return request.GET.get(cursor_name) or None


# --- The module's home and my reports -----------------------------------------------------------


@require_GET
@municipality_view
@module_required(MODULE)
def home(request: MilieuRequest) -> HttpResponse:
    """File a report; the town's recent reports (one page at a time); my latest ones."""
    municipality = request.municipality
    cursor = _page("cursor", request)
    try:
        recent, next_cursor = selectors.reports_public(
            municipality=municipality, status=None, category=None, cursor=cursor
        )
    except ApplicationError:
        recent, next_cursor = [], None
    mine: list[Report] = []
    if request.user.is_authenticated:
        mine = selectors.reports_of(user=request.user, cursor=None, limit=HOME_MINE)[0]
    template = "reports/home.html"
    if request.htmx and cursor:
        template += "#recent"
    response = render(
        request,
        template,
        {
            "municipality": municipality,
            "recent": recent,
            "next_cursor": next_cursor,
            "mine": mine,
            "may_file": request.user.is_authenticated
            and request.user.has_perm(FILE_PERM, municipality),
        },
    )
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_GET
@municipality_view
@module_required(MODULE)
@login_required
def mine(request: AuthenticatedRequest) -> HttpResponse:
    """The reports I filed (anywhere), newest first, with their status."""
    try:
        reports, next_cursor = selectors.reports_of(
            user=request.user, cursor=_page("cursor", request)
        )
    except ApplicationError as error:
        return refused(request, str(error.message), status=400)
    return render(
        request,
        "reports/mine.html",
        {"municipality": request.municipality, "reports": reports, "next_cursor": next_cursor},
    )


# --- Filing a report ----------------------------------------------------------------------------


def _form_page(
    request: AuthenticatedRequest,
    form: ReportForm,
    *,
    status: int = 200,
    nearby: list[Report] | None = None,
    point: Point | None = None,
) -> HttpResponse:
    return render(
        request,
        "reports/report_form.html",
        {
            "municipality": request.municipality,
            "form": form,
            "nearby": nearby or [],
            "point": point,
            "pictures_lost": form.is_bound and form.had_files(),
            "radius": NEARBY_RADIUS_M,
        },
        status=status,
    )


def _nearby(municipality, code: str, latitude: float, longitude: float) -> list[Report]:
    try:
        category = selectors.category_get(municipality=municipality, code=code)
    except NotFound:
        return []
    return list(
        selectors.nearby_open_reports(
            municipality=municipality,
            category=category,
            latitude=latitude,
            longitude=longitude,
            radius_m=NEARBY_RADIUS_M,
        )
    )


def _file_gate(request: AuthenticatedRequest) -> HttpResponse | None:
    if request.user.has_perm(FILE_PERM, request.municipality):
        return None
    return refused(
        request,
        _(
            "Only the municipality's residents with an account in good standing report "
            "problems here."
        ),
    )


@require_http_methods(["GET", "POST"])
@municipality_view
@module_required(MODULE)
@login_required
def report_new(request: AuthenticatedRequest) -> HttpResponse:
    """The form; a sending first checks for similar open reports nearby ("File mine anyway"
    skips that), then files the report and shows its page."""
    if gate := _file_gate(request):
        return gate
    municipality = request.municipality
    categories = list(selectors.categories_for(municipality=municipality))
    if request.method == "GET":
        initial = {"category": request.GET.get("category", "")}
        return _form_page(request, ReportForm(initial=initial, categories=categories))
    form = ReportForm(request.POST, request.FILES, categories=categories)
    if not form.is_valid():
        return _form_page(request, form, status=400)
    values = form.values()
    point = Point(values["latitude"], values["longitude"])
    if not request.POST.get("anyway"):
        nearby = _nearby(municipality, values["category"], point.latitude, point.longitude)
        if nearby:
            return _form_page(request, form, nearby=nearby, point=point)
    try:
        report = services.report_create(
            actor=request.user,
            municipality=municipality,
            values=values,
            photos=form.uploads(),
        )
    except ApplicationError as error:
        fields = error.extra.get("fields", {})
        for service_name, field_name in form.service_fields().items():
            if service_name in fields:
                fields[field_name] = fields.pop(service_name)
        form_error(form, error)
        return _form_page(request, form, status=status_of(error), point=point)
    messages.success(
        request,
        _(
            "Thank you: your report number %(number)s is filed. You are told here and in your "
            "notifications when the municipality acts on it."
        )
        % {"number": report.pk},
    )
    return redirect(report_url(report))


@require_GET
@municipality_view
@module_required(MODULE)
def nearby(request: MilieuRequest) -> HttpResponse:
    """The htmx part of the form: the point on a small map and the similar open reports
    nearby, once a category and a point are given (else nothing)."""
    search = NearbyForm(request.GET).search()
    context: dict[str, Any] = {
        "municipality": request.municipality,
        "nearby": [],
        "point": None,
        "radius": NEARBY_RADIUS_M,
        "checked": False,
    }
    if search is not None:
        code, latitude, longitude = search
        context["point"] = Point(latitude, longitude, geo.cell_at(latitude, longitude))
        context["nearby"] = _nearby(request.municipality, code, latitude, longitude)
        context["checked"] = True
    return render(request, "reports/report_form.html#nearby", context)


# --- A report -----------------------------------------------------------------------------------


def answers(report: Report) -> list[tuple[str, str]]:
    """The answers to the category's extra questions, each with its question."""
    questions = {
        str(a.get("code")): a.get("description") or a.get("code")
        for a in report.category.attributes or []
        if isinstance(a, dict)
    }
    shown = []
    for code, value in (report.attributes or {}).items():
        answer = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
        shown.append((str(questions.get(code) or code), answer))
    return shown


@require_GET
@municipality_view
@module_required(MODULE)
def report_detail(request: MilieuRequest, report_id: int) -> HttpResponse:
    """A report's status page: public facts for everyone, more for its reporter and staff."""
    try:
        if request.user.is_authenticated:
            report = selectors.report_get_for(
                actor=request.user, municipality=request.municipality, report_id=report_id
            )
        else:
            report = selectors.report_public_get(
                municipality=request.municipality, report_id=report_id
            )
    except NotFound:
        raise Http404(_("This report does not exist.")) from None
    private = bool(getattr(report, "show_private", False))
    staff = private and request.user.has_perm(HANDLE_PERM, request.municipality)
    photos: list[ReportPhoto] = list(getattr(report, "photo_list", [])) if private else []
    return render(
        request,
        "reports/report_detail.html",
        {
            "municipality": request.municipality,
            "report": report,
            "private": private,
            "staff": staff,
            "mine": request.user.is_authenticated and report.reporter_id == request.user.pk,
            "photos": photos,
            "answers": answers(report) if private else [],
            "history": selectors.report_history(report=report, include_internal=staff),
            "closed": not report.is_open,
        },
    )


@require_GET
@municipality_view
@module_required(MODULE)
@login_required
def report_photo(request: AuthenticatedRequest, report_id: int, photo_id: int) -> HttpResponseBase:
    """A report's photo (`?size=small`: its list-sized copy), for its reporter and staff."""
    try:
        photo = selectors.photo_get_for(
            actor=request.user,
            municipality=request.municipality,
            report_id=report_id,
            photo_id=photo_id,
        )
    except NotFound:
        raise Http404(_("This photo does not exist.")) from None
    return pictures.serve(photo, small=request.GET.get("size") == "small")
