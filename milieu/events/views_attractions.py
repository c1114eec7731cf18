"""Attractions: the permanent places to visit of a city (`events:attractions`) and of a region
(`events_region:attractions`), a place's page with its week of opening hours and whether it is
open now (in the municipality's time), and the staff's form to describe one.

Public pages name no person. The staff (with MFA) see the places not shown yet, and write them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from milieu.core.errors import ApplicationError, NotFound
from milieu.core.http import AuthenticatedRequest, MilieuRequest, form_error, municipality_view
from milieu.core.modules import module_required

from . import hours, selectors, services
from .forms import AttractionFilterForm, AttractionForm
from .jsonld import attraction_json_ld
from .models import Attraction
from .permissions import MODULE
from .views import refused, region_or_404, status_of
from .views_organisers import mfa_first


@dataclass
class AttractionRow:
    attraction: Attraction
    state: hours.OpenState


def _rows(attractions: list[Attraction]) -> list[AttractionRow]:
    now = timezone.now()
    return [
        AttractionRow(
            attraction=a,
            state=hours.open_state(a.hours, now=now, tz=hours.municipality_zone(a.municipality)),
        )
        for a in attractions
    ]


def _list_page(
    request: MilieuRequest, *, municipalities: list, region=None, municipality=None
) -> HttpResponse:
    filters = AttractionFilterForm(request.GET)
    kind = filters.cleaned_data.get("kind", "") if filters.is_valid() else ""
    staff = municipality is not None and request.user.has_perm(
        "events.manage_attractions", municipality
    )
    found = selectors.attraction_list(municipalities=municipalities, kind=kind)
    drafts = (
        selectors.attraction_list(municipalities=municipalities, kind=kind, published=False)
        if staff
        else []
    )
    return render(
        request,
        "events/attraction_list.html",
        {
            "municipality": municipality,
            "region": region,
            "filters": filters,
            "rows": _rows(found),
            "drafts": drafts,
            "staff": staff,
            "list_url": reverse("events:attractions", args=[municipality.slug])
            if municipality
            else reverse("events_region:attractions", args=[region.slug]),
        },
        status=200 if filters.is_valid() else 400,
    )


@require_GET
@municipality_view
@module_required(MODULE)
def attractions(request: MilieuRequest) -> HttpResponse:
    return _list_page(
        request, municipalities=[request.municipality], municipality=request.municipality
    )


@require_GET
def region_attractions(request: MilieuRequest, region_slug: str) -> HttpResponse:
    region, members = region_or_404(region_slug)
    return _list_page(request, municipalities=members, region=region)


def _attraction_or_404(request: MilieuRequest, attraction_id: int) -> Attraction:
    try:
        return selectors.attraction_get(
            visible_to=request.user, attraction_id=attraction_id, municipality=request.municipality
        )
    except NotFound:
        raise Http404(_("This place does not exist.")) from None


@require_GET
@municipality_view
@module_required(MODULE)
def attraction_detail(request: MilieuRequest, attraction_id: int) -> HttpResponse:
    """A place: what it is, its hours this week and whether it is open now, where it is."""
    attraction = _attraction_or_404(request, attraction_id)
    tz = hours.municipality_zone(request.municipality)
    now = timezone.now()
    return render(
        request,
        "events/attraction_detail.html",
        {
            "municipality": request.municipality,
            "attraction": attraction,
            "state": hours.open_state(attraction.hours, now=now, tz=tz),
            "week": hours.week(attraction.hours, now=now, tz=tz),
            "staff": request.user.has_perm("events.manage_attractions", request.municipality),
            "json_ld": attraction_json_ld(attraction, url=request.build_absolute_uri()),
        },
    )


# --- The staff's form ---------------------------------------------------------------------------


def _staff_gate(request: AuthenticatedRequest) -> HttpResponse | None:
    if request.user.has_perm("events.manage_attractions", request.municipality):
        return None
    return mfa_first(request) or refused(
        request, _("Only the municipality's staff describe its places to visit.")
    )


def _form_page(
    request: AuthenticatedRequest,
    form: AttractionForm,
    *,
    attraction: Attraction | None,
    status: int = 200,
) -> HttpResponse:
    context: dict[str, Any] = {
        "municipality": request.municipality,
        "form": form,
        "attraction": attraction,
    }
    return render(request, "events/attraction_form.html", context, status=status)


def _saved(request: AuthenticatedRequest, attraction: Attraction) -> HttpResponse:
    messages.success(
        request,
        _("The place is saved and shown to the public.")
        if attraction.published
        else _("The place is saved; it is not shown to the public yet."),
    )
    return redirect("events:attraction", request.municipality.slug, attraction.pk)


@require_http_methods(["GET", "POST"])
@municipality_view
@module_required(MODULE)
@login_required
def attraction_create(request: AuthenticatedRequest) -> HttpResponse:
    if gate := _staff_gate(request):
        return gate
    if request.method == "GET":
        return _form_page(request, AttractionForm(), attraction=None)
    form = AttractionForm(request.POST)
    if not form.is_valid():
        return _form_page(request, form, attraction=None, status=400)
    try:
        attraction = services.attraction_create(
            actor=request.user, municipality=request.municipality, values=form.values()
        )
    except ApplicationError as error:
        form_error(form, error)
        return _form_page(request, form, attraction=None, status=status_of(error))
    return _saved(request, attraction)


@require_http_methods(["GET", "POST"])
@municipality_view
@module_required(MODULE)
@login_required
def attraction_edit(request: AuthenticatedRequest, attraction_id: int) -> HttpResponse:
    if gate := mfa_first(request):
        return gate
    attraction = _attraction_or_404(request, attraction_id)
    if gate := _staff_gate(request):
        return gate
    if request.method == "GET":
        form = AttractionForm(initial=AttractionForm.initial_for(attraction))
        return _form_page(request, form, attraction=attraction)
    form = AttractionForm(request.POST)
    if not form.is_valid():
        return _form_page(request, form, attraction=attraction, status=400)
    try:
        attraction = services.attraction_update(
            actor=request.user, attraction=attraction, values=form.values()
        )
    except ApplicationError as error:
        form_error(form, error)
        return _form_page(request, form, attraction=attraction, status=status_of(error))
    return _saved(request, attraction)
