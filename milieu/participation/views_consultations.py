"""The consultation pages shared by every kind: a municipality's consultations
(`participation:list`), a consultation's page with its phases, who may take part and the kind's
own section (`registry.detail`), its results with accessible charts, and their CSV export; and
the staff's back office (`participation_staff:*`): every consultation with the drafts, create
(pick a kind first), edit with the phases, publish, close.

Public pages name no person and work without JavaScript. A refused write shows the form again
with the service's reason (400, or 403 for a permission) and changes nothing.

Each kind may add its results section and its staff links with `register_pages(key, ...)`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from milieu.core.errors import ApplicationError, NotFound
from milieu.core.http import (
    AuthenticatedRequest,
    MilieuRequest,
    form_error,
    municipality_view,
    staff_view,
)
from milieu.core.modules import module_required

from . import registry, selectors_consultations, services_consultations
from .eligibility import current_phase, refusal
from .forms_consultations import ConsultationForm
from .models import Consultation, ConsultationStatus, PhaseKind
from .permissions import MODULE

MANAGE = "participation.manage_consultations"


@dataclass(frozen=True)
class KindPages:
    results: Callable[..., str] | None = None  # (request, consultation, results) -> HTML
    staff_links: Callable[[Consultation], list[tuple[str, str]]] | None = None


_PAGES: dict[str, KindPages] = {}


def register_pages(key: str, **pages: Any) -> None:
    """A kind's results section and staff links (see `KindPages`)."""
    _PAGES[key] = KindPages(**pages)


def status_of(error: ApplicationError) -> int:
    """A refusal's status on a page: 403 for a permission, 409 for a conflict, else 400."""
    return error.status_code if error.status_code in (403, 409) else 400


def consultation_url(consultation: Consultation) -> str:
    return reverse(
        "participation:consultation", args=[consultation.municipality.slug, consultation.pk]
    )


def consultation_or_404(request: MilieuRequest, consultation_id: int) -> Consultation:
    try:
        return selectors_consultations.consultation_get_for(
            actor=request.user, municipality=request.municipality, consultation_id=consultation_id
        )
    except NotFound:
        raise Http404(_("This consultation does not exist.")) from None


def timeline(consultation: Consultation, now=None) -> list[dict[str, Any]]:
    """The phases in order, each past, current or to come."""
    now = now or timezone.now()
    rows = []
    for phase in consultation.phases.all():
        state = "past" if phase.ends_at <= now else "current" if phase.starts_at <= now else "next"
        rows.append({"phase": phase, "state": state})
    return rows


def kind_name(consultation: Consultation) -> str:
    try:
        return str(registry.get(consultation.kind).name)
    except KeyError:
        return consultation.kind


# --- Public pages -------------------------------------------------------------------------------

SECTIONS = (
    ("open", "open"),
    ("upcoming", "upcoming"),
    ("past", "past"),
)


@require_GET
@municipality_view
@module_required(MODULE)
def consultation_list(request: MilieuRequest) -> HttpResponse:
    """Open now, to come, and past consultations; `?show=<section>&cursor=` pages one section."""
    show = request.GET.get("show") or ""
    cursor = request.GET.get("cursor") or None
    wanted = [key for key, _status in SECTIONS if not show or key == show]
    if not wanted:
        raise Http404(_("This page does not exist."))
    sections: list[dict[str, Any]] = []
    try:
        for key, status in SECTIONS:
            if key not in wanted:
                continue
            items, next_cursor = selectors_consultations.consultation_list(
                municipality=request.municipality,
                visible_to=request.user,
                status=status,
                cursor=cursor if show else None,
            )
            sections.append({"key": key, "items": items, "next": next_cursor})
    except ApplicationError:
        raise Http404(_("This page does not exist.")) from None
    mine = selectors_consultations.taken_part_in(
        user=request.user, consultations=[c for s in sections for c in s["items"]]
    )
    return render(
        request,
        "participation/consultations/list.html",
        {
            "municipality": request.municipality,
            "sections": sections,
            "show": show,
            "mine": mine,
            "staff": request.user.has_perm(MANAGE, request.municipality),
        },
    )


def detail_page(
    request: MilieuRequest, consultation: Consultation, *, section: str | None = None, status=200
) -> HttpResponse:
    """The consultation's page; a kind's view may give its own `section` (a form with errors)."""
    kind = registry.get(consultation.kind)
    if section is None:
        section = kind.detail(request, consultation) if kind.detail else ""
    return render(
        request,
        "participation/consultations/detail.html",
        {
            "municipality": request.municipality,
            "consultation": consultation,
            "kind": kind,
            "timeline": timeline(consultation),
            "phase": current_phase(consultation),
            "refusal": refusal(request.user, consultation),
            "section": section,
            "show_results": request.user.has_perm("participation.view_results", consultation),
            "staff": request.user.has_perm("participation.manage_consultation", consultation),
        },
        status=status,
    )


@require_GET
@municipality_view
@module_required(MODULE)
def consultation_detail(request: MilieuRequest, consultation_id: int) -> HttpResponse:
    return detail_page(request, consultation_or_404(request, consultation_id))


@require_GET
@municipality_view
@module_required(MODULE)
def consultation_results(request: MilieuRequest, consultation_id: int) -> HttpResponse:
    consultation = consultation_or_404(request, consultation_id)
    if not request.user.has_perm("participation.view_results", consultation):
        return render(
            request,
            "participation/consultations/refused.html",
            {
                "municipality": request.municipality,
                "consultation": consultation,
                "error": _("The results are published when the consultation closes."),
            },
            status=403,
        )
    results = selectors_consultations.results_for(consultation)
    pages = _PAGES.get(consultation.kind)
    section = pages.results(request, consultation, results) if pages and pages.results else ""
    return render(
        request,
        "participation/consultations/results.html",
        {
            "municipality": request.municipality,
            "consultation": consultation,
            "results": results,
            "section": section,
            "participants": selectors_consultations.participant_count(consultation),
            "may_export": request.user.has_perm("participation.export_results", consultation),
            "final": consultation.status == ConsultationStatus.CLOSED,
        },
    )


@require_GET
@municipality_view
@module_required(MODULE)
def consultation_results_csv(request: MilieuRequest, consultation_id: int) -> HttpResponse:
    consultation = consultation_or_404(request, consultation_id)
    if not request.user.has_perm("participation.export_results", consultation):
        raise Http404(_("This export does not exist yet."))
    response = HttpResponse(
        selectors_consultations.results_csv(consultation), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="consultation-{consultation.pk}-results.csv"'
    )
    return response


# --- The staff's back office --------------------------------------------------------------------


@require_GET
@staff_view(MANAGE)
def staff_list(request: AuthenticatedRequest) -> HttpResponse:
    status = request.GET.get("status") or None
    if status not in (None, *ConsultationStatus.values):
        status = None
    try:
        items, next_cursor = selectors_consultations.consultation_list(
            municipality=request.municipality,
            visible_to=request.user,
            status=status,
            cursor=request.GET.get("cursor") or None,
        )
    except ApplicationError:
        raise Http404(_("This page does not exist.")) from None
    return render(
        request,
        "participation/consultations/staff_list.html",
        {
            "municipality": request.municipality,
            "items": items,
            "next": next_cursor,
            "status": status or "",
            "statuses": ConsultationStatus.choices,
            "kinds": {kind.key: kind.name for kind in registry.kinds()},
        },
    )


@require_GET
@staff_view(MANAGE)
def staff_create_pick(request: AuthenticatedRequest) -> HttpResponse:
    return render(
        request,
        "participation/consultations/staff_pick.html",
        {"municipality": request.municipality, "kinds": registry.kinds()},
    )


def place_error(form, error: ApplicationError, phases: list | None = None) -> None:
    """The service's refusal on the form: on its field (`phases.1.ends_at` on the second phase
    given), or above the form for a field the form has not (the phases as a whole)."""
    fields = error.extra.get("fields", {})
    placed = {}
    for field, messages_ in fields.items():
        parts = field.split(".")
        if len(parts) == 3 and parts[0] == "phases" and phases and parts[1].isdigit():
            index = int(parts[1])
            if index < len(phases):
                placed[f"{phases[index]['kind']}_{parts[2]}"] = messages_
                continue
        placed[field] = messages_
    error.extra["fields"] = placed
    form_error(form, error)
    for field, messages_ in placed.items():
        if field not in form.fields:
            for message in messages_:
                form.add_error(None, message)


def _kind_or_404(key: str) -> registry.ConsultationKind:
    try:
        return registry.get(key)
    except KeyError:
        raise Http404(_("This kind of consultation does not exist.")) from None


def _form_page(request, form, *, kind, consultation=None, status=200) -> HttpResponse:
    return render(
        request,
        "participation/consultations/staff_form.html",
        {
            "municipality": request.municipality,
            "form": form,
            "kind": kind,
            "consultation": consultation,
            "phase_names": dict(PhaseKind.choices),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@staff_view(MANAGE)
def staff_create(request: AuthenticatedRequest, kind_key: str) -> HttpResponse:
    kind = _kind_or_404(kind_key)
    if request.method == "GET":
        return _form_page(
            request, ConsultationForm(municipality=request.municipality, kind=kind), kind=kind
        )
    form = ConsultationForm(request.POST, municipality=request.municipality, kind=kind)
    if not form.is_valid():
        return _form_page(request, form, kind=kind, status=400)
    values = form.values()
    try:
        consultation = services_consultations.consultation_create(
            actor=request.user, municipality=request.municipality, values=values
        )
    except ApplicationError as error:
        place_error(form, error, values["phases"])
        return _form_page(request, form, kind=kind, status=status_of(error))
    messages.success(request, _("The consultation is saved as a draft."))
    return redirect("participation_staff:consultation", request.municipality.slug, consultation.pk)


@require_GET
@staff_view(MANAGE)
def staff_detail(request: AuthenticatedRequest, consultation_id: int) -> HttpResponse:
    consultation = consultation_or_404(request, consultation_id)
    pages = _PAGES.get(consultation.kind)
    return render(
        request,
        "participation/consultations/staff_detail.html",
        {
            "municipality": request.municipality,
            "consultation": consultation,
            "kind_name": kind_name(consultation),
            "timeline": timeline(consultation),
            "participants": selectors_consultations.participant_count(consultation),
            "links": pages.staff_links(consultation) if pages and pages.staff_links else [],
        },
    )


@require_http_methods(["GET", "POST"])
@staff_view(MANAGE)
def staff_edit(request: AuthenticatedRequest, consultation_id: int) -> HttpResponse:
    consultation = consultation_or_404(request, consultation_id)
    kind = registry.get(consultation.kind)
    if request.method == "GET":
        form = ConsultationForm(
            municipality=request.municipality,
            kind=kind,
            initial=ConsultationForm.initial_for(consultation),
        )
        return _form_page(request, form, kind=kind, consultation=consultation)
    form = ConsultationForm(request.POST, municipality=request.municipality, kind=kind)
    if not form.is_valid():
        return _form_page(request, form, kind=kind, consultation=consultation, status=400)
    values = form.values()
    try:
        services_consultations.consultation_update(
            actor=request.user, consultation=consultation, values=values
        )
    except ApplicationError as error:
        place_error(form, error, values["phases"])
        return _form_page(
            request, form, kind=kind, consultation=consultation, status=status_of(error)
        )
    messages.success(request, _("The consultation is saved."))
    return redirect("participation_staff:consultation", request.municipality.slug, consultation.pk)


def _act(request: AuthenticatedRequest, consultation_id: int, action, done: str) -> HttpResponse:
    consultation = consultation_or_404(request, consultation_id)
    try:
        action(actor=request.user, consultation=consultation)
    except ApplicationError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, done)
    return redirect("participation_staff:consultation", request.municipality.slug, consultation.pk)


@require_POST
@staff_view(MANAGE)
def staff_publish(request: AuthenticatedRequest, consultation_id: int) -> HttpResponse:
    return _act(
        request,
        consultation_id,
        services_consultations.consultation_publish,
        _("The consultation is published."),
    )


@require_POST
@staff_view(MANAGE)
def staff_close(request: AuthenticatedRequest, consultation_id: int) -> HttpResponse:
    return _act(
        request,
        consultation_id,
        services_consultations.consultation_close,
        _("The consultation is closed and its results are published."),
    )
