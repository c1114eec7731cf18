"""The municipality's staff and the problem reports (namespace `reports_staff`, under
`/<lang>/<municipality>/staff/reports/`, MFA required through `staff_view`): the queue with its
filters, a report's page (status, with "duplicate of #"; department; a note to the reporter or
an internal one; the whole history), the categories and departments, and the Open311 API keys
(a new key is shown once; only its hash is kept).

Every write is a service's; a refusal shows the page again with the reason on the form (400, or
403 for a permission) and changes nothing.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from milieu.core.errors import ApplicationError, NotFound
from milieu.core.http import AuthenticatedRequest, form_error, staff_view

from . import selectors, services
from .forms import (
    AssignForm,
    CategoryForm,
    ClientForm,
    DepartmentForm,
    NoteForm,
    QueueFilterForm,
    StatusForm,
)
from .models import OPEN_STATUSES, Department, Open311Client, Report, ServiceCategory
from .views import answers, status_of

HANDLE = "reports.handle_report"
MANAGE = "reports.manage_categories"
KEYS = "reports.manage_clients"


def _departments(municipality) -> list[Department]:
    return list(Department.objects.filter(municipality=municipality).order_by("name"))


def _all_categories(municipality) -> list[ServiceCategory]:
    return list(selectors.categories_for(municipality=municipality, active_only=False))


def _report_or_404(request: AuthenticatedRequest, report_id: int) -> Report:
    try:
        return selectors.report_get_for(
            actor=request.user, municipality=request.municipality, report_id=report_id
        )
    except NotFound:
        raise Http404(_("This report does not exist.")) from None


def staff_report_url(report: Report) -> str:
    return reverse("reports_staff:report", args=[report.municipality.slug, report.pk])


# --- The queue ----------------------------------------------------------------------------------


@require_GET
@staff_view(HANDLE)
def queue(request: AuthenticatedRequest) -> HttpResponse:
    """The municipality's reports, newest first: the open ones unless the filters say
    otherwise; by category and department."""
    municipality = request.municipality
    categories = _all_categories(municipality)
    departments = _departments(municipality)
    filters = QueueFilterForm(request.GET, categories=categories, departments=departments)
    chosen = filters.chosen()
    status: Any
    if chosen["status"] == QueueFilterForm.OPEN:
        status = list(OPEN_STATUSES)
    elif chosen["status"] == QueueFilterForm.ALL:
        status = None
    else:
        status = chosen["status"]
    category = next((c for c in categories if c.code == chosen["category"]), None)
    department = next((d for d in departments if str(d.pk) == chosen["department"]), None)
    cursor = request.GET.get("cursor") or None
    error = ""
    try:
        reports, next_cursor = selectors.reports_staff(
            municipality=municipality,
            status=status,
            category=category,
            department=department,
            cursor=cursor,
        )
    except ApplicationError as refusal:
        reports, next_cursor, error = [], None, str(refusal.message)
    template = "reports/staff/queue.html"
    if request.htmx:
        template += "#queue-page" if cursor else "#queue-results"
    response = render(
        request,
        template,
        {
            "municipality": municipality,
            "filters": filters,
            "reports": reports,
            "next_cursor": next_cursor,
            "query": urlencode({k: v for k, v in chosen.items() if v}),
            "error": error,
        },
        status=400 if error else 200,
    )
    patch_vary_headers(response, ["HX-Request"])
    return response


# --- A report -----------------------------------------------------------------------------------


def _report_page(
    request: AuthenticatedRequest,
    report: Report,
    *,
    status_form: StatusForm | None = None,
    assign_form: AssignForm | None = None,
    note_form: NoteForm | None = None,
    status: int = 200,
) -> HttpResponse:
    departments = _departments(request.municipality)
    return render(
        request,
        "reports/staff/report.html",
        {
            "municipality": request.municipality,
            "report": report,
            "photos": list(getattr(report, "photo_list", [])),
            "answers": answers(report),
            "history": selectors.report_history(report=report, include_internal=True),
            "status_form": status_form or StatusForm(initial={"status": report.status}),
            "assign_form": assign_form
            or AssignForm(
                initial={"department": str(report.department_id or "")}, departments=departments
            ),
            "note_form": note_form or NoteForm(),
        },
        status=status,
    )


@require_GET
@staff_view(HANDLE)
def report(request: AuthenticatedRequest, report_id: int) -> HttpResponse:
    return _report_page(request, _report_or_404(request, report_id))


@require_POST
@staff_view(HANDLE)
def report_status(request: AuthenticatedRequest, report_id: int) -> HttpResponse:
    """A new status (a closing one tells the reporter), with an optional note to them."""
    report = _report_or_404(request, report_id)
    form = StatusForm(request.POST)
    if not form.is_valid():
        return _report_page(request, report, status_form=form, status=400)
    data = form.cleaned_data
    try:
        services.report_set_status(
            actor=request.user,
            report=report,
            status=data["status"],
            note=data.get("note") or "",
            duplicate_of=data.get("duplicate_of"),
        )
    except ApplicationError as error:
        form_error(form, error)
        return _report_page(request, report, status_form=form, status=status_of(error))
    messages.success(request, _("The status is changed; the reporter is told."))
    return redirect(staff_report_url(report))


@require_POST
@staff_view(HANDLE)
def report_assign(request: AuthenticatedRequest, report_id: int) -> HttpResponse:
    report = _report_or_404(request, report_id)
    form = AssignForm(request.POST, departments=_departments(request.municipality))
    if not form.is_valid():
        return _report_page(request, report, assign_form=form, status=400)
    try:
        services.report_assign(
            actor=request.user, report=report, department=form.chosen_department()
        )
    except ApplicationError as error:
        form_error(form, error)
        return _report_page(request, report, assign_form=form, status=status_of(error))
    messages.success(request, _("The report is assigned."))
    return redirect(staff_report_url(report))


@require_POST
@staff_view(HANDLE)
def report_note(request: AuthenticatedRequest, report_id: int) -> HttpResponse:
    report = _report_or_404(request, report_id)
    form = NoteForm(request.POST)
    if not form.is_valid():
        return _report_page(request, report, note_form=form, status=400)
    try:
        services.report_add_note(
            actor=request.user,
            report=report,
            note=form.cleaned_data["note"],
            internal=form.cleaned_data["internal"],
        )
    except ApplicationError as error:
        form_error(form, error)
        return _report_page(request, report, note_form=form, status=status_of(error))
    messages.success(
        request,
        _("The internal note is added.")
        if form.cleaned_data["internal"]
        else _("The note is added; the reporter is told."),
    )
    return redirect(staff_report_url(report))


# --- Categories and departments -----------------------------------------------------------------


def _categories_page(
    request: AuthenticatedRequest,
    *,
    form: CategoryForm | None = None,
    department_form: DepartmentForm | None = None,
    status: int = 200,
) -> HttpResponse:
    departments = _departments(request.municipality)
    return render(
        request,
        "reports/staff/categories.html",
        {
            "municipality": request.municipality,
            "categories": _all_categories(request.municipality),
            "departments": departments,
            "form": form or CategoryForm(departments=departments),
            "department_form": department_form or DepartmentForm(),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@staff_view(MANAGE)
def categories(request: AuthenticatedRequest) -> HttpResponse:
    """The categories offered (and those no longer offered), the departments, and the forms
    that add one of each."""
    if request.method == "GET":
        return _categories_page(request)
    form = CategoryForm(request.POST, departments=_departments(request.municipality))
    if not form.is_valid():
        return _categories_page(request, form=form, status=400)
    try:
        services.category_create(
            actor=request.user, municipality=request.municipality, values=form.values()
        )
    except ApplicationError as error:
        form_error(form, error)
        return _categories_page(request, form=form, status=status_of(error))
    messages.success(request, _("The category is added."))
    return redirect("reports_staff:categories", request.municipality.slug)


@require_http_methods(["GET", "POST"])
@staff_view(MANAGE)
def category_edit(request: AuthenticatedRequest, category_id: int) -> HttpResponse:
    try:
        category = selectors.category_get_by_id(
            municipality=request.municipality, category_id=category_id
        )
    except NotFound:
        raise Http404(_("This category does not exist.")) from None
    departments = _departments(request.municipality)
    if request.method == "GET":
        form = CategoryForm(initial=CategoryForm.initial_for(category), departments=departments)
        status = 200
    else:
        form = CategoryForm(request.POST, departments=departments)
        status = 400
        if form.is_valid():
            try:
                services.category_update(
                    actor=request.user, category=category, values=form.values()
                )
            except ApplicationError as error:
                form_error(form, error)
                status = status_of(error)
            else:
                messages.success(request, _("The category is saved."))
                return redirect("reports_staff:categories", request.municipality.slug)
    return render(
        request,
        "reports/staff/category_form.html",
        {"municipality": request.municipality, "category": category, "form": form},
        status=status,
    )


@require_POST
@staff_view(MANAGE)
def department_create(request: AuthenticatedRequest) -> HttpResponse:
    form = DepartmentForm(request.POST)
    if not form.is_valid():
        return _categories_page(request, department_form=form, status=400)
    try:
        services.department_create(
            actor=request.user,
            municipality=request.municipality,
            name=form.cleaned_data["name"],
            email=form.cleaned_data.get("email") or "",
        )
    except ApplicationError as error:
        form_error(form, error)
        return _categories_page(request, department_form=form, status=status_of(error))
    messages.success(request, _("The department is added."))
    return redirect("reports_staff:categories", request.municipality.slug)


# --- Open311 API keys ---------------------------------------------------------------------------


def _keys_page(
    request: AuthenticatedRequest,
    *,
    form: ClientForm | None = None,
    new_key: str = "",
    created: Open311Client | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    response = render(
        request,
        "reports/staff/keys.html",
        {
            "municipality": request.municipality,
            "clients": list(
                selectors.clients_for(actor=request.user, municipality=request.municipality)
            ),
            "form": form or ClientForm(),
            "new_key": new_key,
            "created": created,
            "error": error,
            "endpoint": request.build_absolute_uri(
                reverse("open311:requests", kwargs={"fmt": "json"})
            ),
        },
        status=status,
    )
    add_never_cache_headers(response)
    return response


@require_http_methods(["GET", "POST"])
@staff_view(KEYS)
def keys(request: AuthenticatedRequest) -> HttpResponse:
    """The applications allowed to file reports through Open311; a new key is shown once."""
    if request.method == "GET":
        return _keys_page(request)
    form = ClientForm(request.POST)
    if not form.is_valid():
        return _keys_page(request, form=form, status=400)
    try:
        client, raw_key = services.open311_client_create(
            actor=request.user, municipality=request.municipality, name=form.cleaned_data["name"]
        )
    except ApplicationError as error:
        form_error(form, error)
        return _keys_page(request, form=form, status=status_of(error))
    return _keys_page(request, new_key=raw_key, created=client)


@require_POST
@staff_view(KEYS)
def key_revoke(request: AuthenticatedRequest, client_id: int) -> HttpResponse:
    try:
        client = selectors.client_get(
            actor=request.user, municipality=request.municipality, client_id=client_id
        )
    except NotFound:
        raise Http404(_("This key does not exist.")) from None
    try:
        services.open311_client_revoke(actor=request.user, client=client)
    except ApplicationError as error:
        return _keys_page(request, error=str(error.message), status=status_of(error))
    messages.success(request, _("The key is revoked: the application can no longer file reports."))
    return redirect("reports_staff:keys", request.municipality.slug)
