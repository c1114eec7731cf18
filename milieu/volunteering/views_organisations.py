"""The organisations' pages (namespace `volunteering`): the list and an organisation's page (open
to visitors once it is verified), registering one, editing it, its team, posting and editing its
opportunities, and the volunteers of an opportunity (its applicants, and the volunteers who
agreed to be suggested, ranked with their score explained, by display name only).

An organisation recruits only once the staff of its home municipality have verified it: until
then its team's pages say so, and the services refuse.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from milieu.core.errors import ApplicationError, NotFound
from milieu.core.http import AuthenticatedRequest, MilieuRequest, form_error, municipality_view
from milieu.core.modules import module_required

from . import matching, selectors
from .forms import MemberAddForm, NoteForm, OpportunityForm, OrganisationForm
from .matching import open_opportunities
from .models import Opportunity, OpportunityStatus, Organisation
from .permissions import MODULE, is_org_member
from .services import organisations as org_services
from .services import volunteering as services
from .views import member_or_404, numbered_page, opportunity_or_404, status_of


def organisation_or_404(request: MilieuRequest, organisation_id: int) -> Organisation:
    try:
        return selectors.organisation_get(
            viewer=request.user, municipality=request.municipality, organisation_id=organisation_id
        )
    except NotFound:
        raise Http404(_("This organisation does not exist.")) from None


def _require(request: MilieuRequest, perm: str, obj) -> None:
    if not request.user.has_perm(perm, obj):
        raise DjangoPermissionDenied


# --- The organisations (public) -----------------------------------------------------------------


@require_GET
@municipality_view
@module_required(MODULE)
def organisations(request: MilieuRequest) -> HttpResponse:
    """The verified organisations of the municipality (or serving it), and mine."""
    text = (request.GET.get("q") or "")[:100].strip()
    found = selectors.organisation_list(municipality=request.municipality, text=text)
    page = Paginator(found, selectors.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "volunteering/organisation_list.html",
        {
            "municipality": request.municipality,
            "page": page,
            "organisations": list(page),
            "mine": selectors.my_organisations(request.user),
            "q": text,
            "query": urlencode({"q": text}) if text else "",
            "may_register": request.user.has_perm(
                "volunteering.register_organisation", request.municipality
            ),
        },
    )


@require_GET
@municipality_view
@module_required(MODULE)
def organisation(request: MilieuRequest, organisation_id: int) -> HttpResponse:
    """An organisation: its mission and open opportunities; its team also sees every
    opportunity and the hours waiting for confirmation."""
    found = organisation_or_404(request, organisation_id)
    user = request.user
    team = bool(is_org_member(user, found))
    if team:
        shown = list(selectors.organisation_opportunities(found))
    else:
        shown = list(
            open_opportunities(request.municipality)
            .filter(organisation=found)
            .select_related("municipality")
            .order_by("ends_on", "-pk")
        )
    recruits = user.has_perm("volunteering.recruit", found)
    return render(
        request,
        "volunteering/organisation_detail.html",
        {
            "municipality": request.municipality,
            "organisation": found,
            "is_team": team,
            "is_manager": user.has_perm("volunteering.manage_organisation", found),
            "recruits": recruits,
            "opportunities": shown,
            "hours_to_confirm": list(selectors.hours_to_confirm(found)) if recruits else [],
        },
    )


# --- Registering and editing --------------------------------------------------------------------


def _organisation_form_page(
    request: MilieuRequest, form: OrganisationForm, *, organisation=None, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "volunteering/organisation_form.html",
        {"municipality": request.municipality, "form": form, "organisation": organisation},
        status=status,
    )


@require_http_methods(["GET", "POST"])
@municipality_view
@module_required(MODULE)
@login_required
def organisation_register(request: AuthenticatedRequest) -> HttpResponse:
    """A member registers an organisation and becomes its manager; it recruits once the
    municipality's staff have verified it."""
    member_or_404(request)
    if request.method == "GET":
        return _organisation_form_page(
            request, OrganisationForm(initial={"languages": ["fr"]}, home=request.municipality)
        )
    form = OrganisationForm(request.POST, home=request.municipality)
    if not form.is_valid():
        return _organisation_form_page(request, form, status=400)
    try:
        created = org_services.organisation_register(
            actor=request.user, municipality=request.municipality, values=form.cleaned_data
        )
    except ApplicationError as error:
        form_error(form, error)
        return _organisation_form_page(request, form, status=status_of(error))
    messages.success(
        request,
        _(
            "Your organisation is registered. The municipality's staff will verify it; it can "
            "recruit volunteers once verified."
        ),
    )
    return redirect(
        "volunteering:organisation",
        municipality_slug=request.municipality.slug,
        organisation_id=created.pk,
    )


@require_http_methods(["GET", "POST"])
@municipality_view
@module_required(MODULE)
@login_required
def organisation_edit(request: AuthenticatedRequest, organisation_id: int) -> HttpResponse:
    found = organisation_or_404(request, organisation_id)
    _require(request, "volunteering.manage_organisation", found)
    if request.method == "GET":
        form = OrganisationForm(
            initial=OrganisationForm.initial_for(found), home=found.municipality
        )
        return _organisation_form_page(request, form, organisation=found)
    form = OrganisationForm(request.POST, home=found.municipality)
    if not form.is_valid():
        return _organisation_form_page(request, form, organisation=found, status=400)
    try:
        org_services.organisation_update(
            actor=request.user, organisation=found, values=form.cleaned_data
        )
    except ApplicationError as error:
        form_error(form, error)
        found.refresh_from_db()
        return _organisation_form_page(request, form, organisation=found, status=status_of(error))
    messages.success(request, _("The organisation is saved."))
    return redirect(
        "volunteering:organisation",
        municipality_slug=request.municipality.slug,
        organisation_id=found.pk,
    )


# --- The team -----------------------------------------------------------------------------------


def _team_page(
    request: AuthenticatedRequest,
    organisation: Organisation,
    *,
    form: MemberAddForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    manager = request.user.has_perm("volunteering.manage_organisation", organisation)
    return render(
        request,
        "volunteering/organisation_team.html",
        {
            "municipality": request.municipality,
            "organisation": organisation,
            "team": selectors.organisation_team(organisation),
            "is_manager": manager,
            "form": (form or MemberAddForm()) if manager else None,
            "error": error,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@municipality_view
@module_required(MODULE)
@login_required
def organisation_team(request: AuthenticatedRequest, organisation_id: int) -> HttpResponse:
    """The team, for its members; its manager adds people by the email of their account
    (`action=add`) and removes them (`action=remove`, `member`)."""
    found = organisation_or_404(request, organisation_id)
    if not is_org_member(request.user, found):
        raise DjangoPermissionDenied
    if request.method == "GET":
        return _team_page(request, found)
    _require(request, "volunteering.manage_organisation", found)
    action = request.POST.get("action", "")
    try:
        if action == "add":
            form = MemberAddForm(request.POST)
            if not form.is_valid():
                return _team_page(request, found, form=form, status=400)
            added = org_services.organisation_member_add(
                actor=request.user, organisation=found, **form.cleaned_data
            )
            done = _("%(name)s is on the team.") % {
                "name": added.user.display_name or _("A neighbour")
            }
        elif action == "remove":
            member = found.members.filter(pk=request.POST.get("member") or 0).first()
            if member is None:
                raise Http404
            org_services.organisation_member_remove(actor=request.user, member=member)
            done = _("The person is no longer on the team.")
        else:
            return _team_page(request, found, error=_("Unknown action."), status=400)
    except ApplicationError as error:
        if action == "add":
            form_error(form, error)
            return _team_page(request, found, form=form, status=status_of(error))
        return _team_page(request, found, error=str(error.message), status=status_of(error))
    messages.success(request, done)
    return redirect(
        "volunteering:organisation_team",
        municipality_slug=request.municipality.slug,
        organisation_id=found.pk,
    )


# --- Opportunities ------------------------------------------------------------------------------


def _opportunity_form(request: MilieuRequest, data=None, initial=None) -> OpportunityForm:
    return OpportunityForm(
        data,
        initial=initial,
        skills=selectors.skill_list(),
        districts=list(request.municipality.districts.order_by("name")),
    )


def _opportunity_form_page(
    request: MilieuRequest,
    organisation: Organisation,
    form: OpportunityForm | None,
    *,
    opportunity: Opportunity | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "volunteering/opportunity_form.html",
        {
            "municipality": request.municipality,
            "organisation": organisation,
            "opportunity": opportunity,
            "form": form,
            "error": error,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@municipality_view
@module_required(MODULE)
@login_required
def opportunity_create(request: AuthenticatedRequest, organisation_id: int) -> HttpResponse:
    """Post an opportunity (the team of a verified organisation). The team of an organisation
    not verified yet is told why it cannot, and nothing is stored."""
    found = organisation_or_404(request, organisation_id)
    if not is_org_member(request.user, found):
        raise DjangoPermissionDenied
    if not request.user.has_perm("volunteering.recruit", found):
        return _opportunity_form_page(
            request, found, None, status=200 if request.method == "GET" else 403
        )
    if request.method == "GET":
        form = _opportunity_form(request, initial={"places": 1, "languages": ["fr"]})
        return _opportunity_form_page(request, found, form)
    form = _opportunity_form(request, request.POST)
    if not form.is_valid():
        return _opportunity_form_page(request, found, form, status=400)
    try:
        created = services.opportunity_create(
            actor=request.user,
            organisation=found,
            values=form.values(),
            municipality=request.municipality,
        )
    except ApplicationError as error:
        form_error(form, error)
        return _opportunity_form_page(request, found, form, status=status_of(error))
    messages.success(request, _("The opportunity is published."))
    return redirect(
        "volunteering:opportunity",
        municipality_slug=request.municipality.slug,
        opportunity_id=created.pk,
    )


def _team_opportunity_or_403(request: AuthenticatedRequest, opportunity_id: int) -> Opportunity:
    found = opportunity_or_404(request, opportunity_id)
    _require(request, "volunteering.recruit_for", found)
    return found


@require_http_methods(["GET", "POST"])
@municipality_view
@module_required(MODULE)
@login_required
def opportunity_edit(request: AuthenticatedRequest, opportunity_id: int) -> HttpResponse:
    found = _team_opportunity_or_403(request, opportunity_id)
    if request.method == "GET":
        form = _opportunity_form(request, initial=OpportunityForm.initial_for(found))
        return _opportunity_form_page(request, found.organisation, form, opportunity=found)
    form = _opportunity_form(request, request.POST)
    if not form.is_valid():
        return _opportunity_form_page(
            request, found.organisation, form, opportunity=found, status=400
        )
    try:
        services.opportunity_update(actor=request.user, opportunity=found, values=form.values())
    except ApplicationError as error:
        form_error(form, error)
        return _opportunity_form_page(
            request, found.organisation, form, opportunity=found, status=status_of(error)
        )
    messages.success(request, _("The opportunity is saved."))
    return redirect(
        "volunteering:opportunity",
        municipality_slug=request.municipality.slug,
        opportunity_id=found.pk,
    )


STATUS_ACTIONS = {
    "close": (OpportunityStatus.CLOSED, lambda: _("The opportunity is closed.")),
    "reopen": (OpportunityStatus.OPEN, lambda: _("The opportunity is open again.")),
}


@require_POST
@municipality_view
@module_required(MODULE)
@login_required
def opportunity_status(request: AuthenticatedRequest, opportunity_id: int) -> HttpResponse:
    """Close an opportunity, or open it again (its team)."""
    found = _team_opportunity_or_403(request, opportunity_id)
    action = request.POST.get("action", "")
    if action not in STATUS_ACTIONS:
        return _volunteers_page(request, found, error=_("Unknown status."), status=400)
    status, done = STATUS_ACTIONS[action]
    try:
        services.opportunity_set_status(actor=request.user, opportunity=found, status=status)
    except ApplicationError as error:
        return _volunteers_page(request, found, error=str(error.message), status=status_of(error))
    messages.success(request, done())
    return redirect(
        "volunteering:opportunity_volunteers",
        municipality_slug=request.municipality.slug,
        opportunity_id=found.pk,
    )


def _volunteers_page(
    request: AuthenticatedRequest, opportunity: Opportunity, *, error: str = "", status: int = 200
) -> HttpResponse:
    first, total = matching.volunteers_for(opportunity, per_page=matching.PAGE_SIZE)
    page = numbered_page(request, total, matching.PAGE_SIZE)
    matches = (
        first if page.number == 1 else matching.volunteers_for(opportunity, page=page.number)[0]
    )
    context: dict[str, Any] = {
        "municipality": request.municipality,
        "opportunity": opportunity,
        "organisation": opportunity.organisation,
        "applications": list(selectors.opportunity_applications(opportunity)),
        "decline_form": NoteForm(prefix="decline"),
        "matches": matches,
        "page": page,
        "query": "",
        "error": error,
    }
    return render(request, "volunteering/opportunity_volunteers.html", context, status=status)


@require_GET
@municipality_view
@module_required(MODULE)
@login_required
def opportunity_volunteers(request: AuthenticatedRequest, opportunity_id: int) -> HttpResponse:
    """The applicants (accept, decline) and the volunteers who agreed to be suggested, ranked
    for this opportunity with why (display names only)."""
    return _volunteers_page(request, _team_opportunity_or_403(request, opportunity_id))
