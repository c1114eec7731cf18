"""The volunteering pages of a municipality (/<lang>/<municipality_slug>/volunteering/): the
opportunities and their search (the module's landing page, open to visitors: they name no
resident), an opportunity with its Apply form, my suggestions with their score explained, my
volunteer profile, my applications and an application's page with its hours.

The organisations' pages (register, edit, team, post and edit opportunities, volunteers) are in
`views_organisations.py`, the staff's queue in `views_staff.py`.

Every page works without JavaScript; htmx swaps the search's results when it is on. Every
write is a POST answered by a redirect (and a message); a refusal of a form or of a service shows
the same page again, as typed, with the reason (status 400, 403 for a permission the reader
lacks), and changes nothing.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from milieu.accounts.models import TrustLevel
from milieu.core.errors import ApplicationError, NotFound
from milieu.core.http import (
    AuthenticatedRequest,
    MilieuRequest,
    form_error,
    municipality_view,
    status_of,
)
from milieu.core.modules import module_required

from . import matching, selectors
from .forms import ApplyForm, HoursForm, NoteForm, OpportunityFilterForm, ProfileForm
from .models import (
    ApplicationStatus,
    HoursLog,
    HoursStatus,
    Opportunity,
    VolunteerApplication,
)
from .permissions import MODULE, has_required_trust
from .services import volunteering as services

# --- Shared helpers -----------------------------------------------------------------------------


def member_or_404(request: MilieuRequest) -> None:
    """Pages about oneself are for members of the municipality (with the module on)."""
    if not request.user.has_perm("volunteering.keep_profile", request.municipality):
        raise Http404(_("This page does not exist."))


def safe_next(request: MilieuRequest, fallback: str) -> str:
    candidate = request.POST.get("next") or ""
    if candidate.startswith("/") and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return fallback


def opportunity_or_404(request: MilieuRequest, opportunity_id: int) -> Opportunity:
    try:
        return selectors.opportunity_get(
            viewer=request.user, municipality=request.municipality, opportunity_id=opportunity_id
        )
    except NotFound:
        raise Http404(_("This opportunity does not exist.")) from None


def application_or_404(request: MilieuRequest, application_id: int) -> VolunteerApplication:
    try:
        return selectors.application_get(
            viewer=request.user, municipality=request.municipality, application_id=application_id
        )
    except NotFound:
        raise Http404(_("This application does not exist.")) from None


def application_url(request: MilieuRequest, application: VolunteerApplication) -> str:
    return reverse(
        "volunteering:application",
        kwargs={"municipality_slug": request.municipality.slug, "application_id": application.pk},
    )


def numbered_page(request: MilieuRequest, total: int, per_page: int):
    """A page of `total` rows read elsewhere (a ranking): its number and links."""
    return Paginator(range(total), per_page).get_page(request.GET.get("page"))


def hours_form(application: VolunteerApplication, data=None) -> HoursForm:
    """The log-hours form of one application; its ids are its own, so that several fit a page."""
    return HoursForm(data, auto_id=f"id_hours{application.pk}_%s")


# --- The opportunities (public) -----------------------------------------------------------------


@require_GET
@municipality_view
@module_required(MODULE)
def opportunities(request: MilieuRequest) -> HttpResponse:
    """The open opportunities residents of the municipality may answer, soonest ending first,
    with a search by words, skill and place."""
    municipality = request.municipality
    filters = OpportunityFilterForm(request.GET, skills=selectors.skill_list())
    valid = filters.is_valid()
    data = filters.cleaned_data if valid else {}
    found = selectors.opportunity_list(
        municipality=municipality,
        filters=selectors.OpportunityFilters(
            skill=data.get("skill"), text=data.get("q") or "", remote=data.get("remote")
        ),
    )
    page = Paginator(found, selectors.PAGE_SIZE).get_page(request.GET.get("page"))
    query = filters.query() if valid else {}
    template = "volunteering/opportunity_list.html"
    if request.htmx:
        template += "#opportunity-results"
    return render(
        request,
        template,
        {
            "municipality": municipality,
            "filters": filters,
            "page": page,
            "opportunities": list(page),
            "query": urlencode(query),
            "filtered": bool(query),
            "may_take_part": request.user.has_perm("volunteering.keep_profile", municipality),
        },
        status=200 if valid else 400,
    )


def _opportunity_page(
    request: MilieuRequest,
    opportunity: Opportunity,
    *,
    form: ApplyForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    user = request.user
    organisation = opportunity.organisation
    mine = selectors.application_of(user, opportunity)
    active = mine is not None and mine.status != ApplicationStatus.WITHDRAWN
    context: dict[str, Any] = {
        "municipality": request.municipality,
        "opportunity": opportunity,
        "organisation": organisation,
        "skills": list(opportunity.skills.all()),
        "required_trust": TrustLevel(opportunity.required_trust),
        "asks_trust": opportunity.required_trust > TrustLevel.MEMBER,
        "is_team": user.has_perm("volunteering.recruit_for", opportunity),
        "is_member_of_org": user.is_authenticated
        and organisation.members.filter(user=user).exists(),
        "mine": mine if active else None,
        "error": error,
        "open": opportunity.is_open_on(timezone.localdate()),
    }
    if user.is_authenticated and not active and context["open"]:
        context["trust_ok"] = has_required_trust(user, opportunity)
        if user.has_perm("volunteering.apply", opportunity):
            context["form"] = form or ApplyForm()
    return render(request, "volunteering/opportunity_detail.html", context, status=status)


@require_http_methods(["GET", "POST"])
@municipality_view
@module_required(MODULE)
def opportunity(request: MilieuRequest, opportunity_id: int) -> HttpResponse:
    """An opportunity, open to visitors; a POST applies to it (logged in)."""
    found = opportunity_or_404(request, opportunity_id)
    if request.method == "GET":
        return _opportunity_page(request, found)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    form = ApplyForm(request.POST)
    if not form.is_valid():
        return _opportunity_page(request, found, form=form, status=400)
    try:
        application = services.application_submit(
            actor=request.user, opportunity=found, message=form.cleaned_data["message"]
        )
    except ApplicationError as error:
        return _opportunity_page(request, found, error=str(error.message), status=status_of(error))
    messages.success(
        request, _("Your application is sent. The organisation's answer will appear here.")
    )
    return redirect(
        "volunteering:application",
        municipality_slug=request.municipality.slug,
        application_id=application.pk,
    )


# --- My suggestions -----------------------------------------------------------------------------


@require_GET
@municipality_view
@module_required(MODULE)
@login_required
def suggestions(request: AuthenticatedRequest) -> HttpResponse:
    """The open opportunities ranked for my profile, best first, each with why."""
    member_or_404(request)
    profile = selectors.profile_of(request.user)
    context: dict[str, Any] = {"municipality": request.municipality, "profile": profile}
    if profile is not None:
        first, total = matching.opportunities_for(profile, per_page=matching.PAGE_SIZE)
        page = numbered_page(request, total, matching.PAGE_SIZE)
        matches = (
            first if page.number == 1 else matching.opportunities_for(profile, page=page.number)[0]
        )
        context |= {"matches": matches, "page": page, "query": ""}
    return render(request, "volunteering/suggestions.html", context)


# --- My volunteer profile -----------------------------------------------------------------------


def _profile_page(
    request: AuthenticatedRequest, form: ProfileForm, *, profile, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "volunteering/profile_form.html",
        {"municipality": request.municipality, "form": form, "profile": profile},
        status=status,
    )


@require_http_methods(["GET", "POST"])
@municipality_view
@module_required(MODULE)
@login_required
def profile(request: AuthenticatedRequest) -> HttpResponse:
    """What I can do, when, in which languages, and whether organisations may find me."""
    member_or_404(request)
    mine = selectors.profile_of(request.user)
    skills = selectors.skill_list()
    if request.method == "GET":
        form = ProfileForm(initial=ProfileForm.initial_for(mine), skills=skills)
        return _profile_page(request, form, profile=mine)
    form = ProfileForm(request.POST, skills=skills)
    if not form.is_valid():
        return _profile_page(request, form, profile=mine, status=400)
    try:
        services.profile_save(actor=request.user, values=form.values())
    except ApplicationError as error:
        form_error(form, error)
        return _profile_page(request, form, profile=mine, status=status_of(error))
    messages.success(request, _("Your volunteer profile is saved."))
    return redirect("volunteering:profile", municipality_slug=request.municipality.slug)


@require_POST
@municipality_view
@module_required(MODULE)
@login_required
def profile_delete(request: AuthenticatedRequest) -> HttpResponse:
    """Forget my profile: skills, times, and my consent to be suggested."""
    member_or_404(request)
    services.profile_delete(actor=request.user)
    messages.success(request, _("Your volunteer profile is deleted."))
    return redirect("volunteering:profile", municipality_slug=request.municipality.slug)


# --- My applications ----------------------------------------------------------------------------


@require_GET
@municipality_view
@module_required(MODULE)
@login_required
def my_applications(request: AuthenticatedRequest) -> HttpResponse:
    """My applications, latest first, with the hours I logged on each and, on the accepted
    ones, the form that logs more."""
    member_or_404(request)
    found = selectors.my_applications(request.user).prefetch_related(
        Prefetch("hours", queryset=HoursLog.objects.order_by("-worked_on", "-pk"))
    )
    page = Paginator(found, selectors.PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        (
            application,
            hours_form(application) if application.status == ApplicationStatus.ACCEPTED else None,
            [(entry, False) for entry in application.hours.all()],
        )
        for application in page
    ]
    return render(
        request,
        "volunteering/my_applications.html",
        {
            "municipality": request.municipality,
            "page": page,
            "rows": rows,
            "query": "",
            "confirmed_hours": selectors.confirmed_hours(request.user),
        },
    )


# --- An application and its hours ---------------------------------------------------------------


def application_steps(application: VolunteerApplication, user) -> list[str]:
    """The steps this reader may take now (the services check again)."""
    steps: list[str] = []
    if user.has_perm("volunteering.decide_application", application):
        if application.status == ApplicationStatus.PENDING:
            steps += ["accept", "decline"]
        elif application.status == ApplicationStatus.ACCEPTED:
            steps.append("decline")
    if application.volunteer_id == user.pk and application.status in (
        ApplicationStatus.PENDING,
        ApplicationStatus.ACCEPTED,
    ):
        steps.append("withdraw")
    return steps


def _application_page(
    request: AuthenticatedRequest,
    application: VolunteerApplication,
    *,
    forms: dict[str, Any] | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    user = request.user
    forms = forms or {}
    steps = application_steps(application, user)
    hours = list(application.hours.all())
    is_team = user.has_perm("volunteering.recruit", application.opportunity.organisation)
    context: dict[str, Any] = {
        "municipality": request.municipality,
        "application": application,
        "opportunity": application.opportunity,
        "organisation": application.opportunity.organisation,
        "is_volunteer": application.volunteer_id == user.pk,
        "is_team": is_team,
        "steps": steps,
        "decline_form": forms.get("decline") or NoteForm(prefix="decline"),
        "hours": [
            (
                entry,
                is_team and entry.status == HoursStatus.PENDING and entry.volunteer_id != user.pk,
            )
            for entry in hours
        ],
        "confirmed": sum(e.hours for e in hours if e.status == HoursStatus.CONFIRMED),
        "error": error,
    }
    if user.has_perm("volunteering.log_hours", application):
        context["hours_form"] = forms.get("hours") or hours_form(application)
    return render(request, "volunteering/application_detail.html", context, status=status)


@require_GET
@municipality_view
@module_required(MODULE)
@login_required
def application(request: AuthenticatedRequest, application_id: int) -> HttpResponse:
    """An application: the volunteer's view (and their hours), or the organisation's (accept,
    decline, confirm or reject hours)."""
    return _application_page(request, application_or_404(request, application_id))


STEP_DONE = {
    "accept": lambda: _("The volunteer is accepted and told."),
    "decline": lambda: _("The application is declined; the volunteer is told."),
    "withdraw": lambda: _("Your application is withdrawn."),
}


@require_POST
@municipality_view
@module_required(MODULE)
@login_required
def application_step(request: AuthenticatedRequest, application_id: int, step: str) -> HttpResponse:
    """Accept or decline (the organisation), withdraw (the volunteer)."""
    if step not in STEP_DONE:
        raise Http404
    found = application_or_404(request, application_id)
    form = NoteForm(request.POST, prefix="decline") if step == "decline" else None
    try:
        if step == "accept":
            services.application_accept(actor=request.user, application=found)
        elif step == "withdraw":
            services.application_withdraw(actor=request.user, application=found)
        else:
            assert form is not None
            if not form.is_valid():
                return _application_page(request, found, forms={"decline": form}, status=400)
            services.application_decline(
                actor=request.user, application=found, note=form.cleaned_data["note"]
            )
    except ApplicationError as error:
        return _application_page(
            request,
            application_or_404(request, application_id),
            error=str(error.message),
            status=status_of(error),
        )
    messages.success(request, STEP_DONE[step]())
    return redirect(safe_next(request, application_url(request, found)))


@require_POST
@municipality_view
@module_required(MODULE)
@login_required
def hours_log(request: AuthenticatedRequest, application_id: int) -> HttpResponse:
    """The volunteer logs hours on an accepted application, for the organisation to confirm."""
    found = application_or_404(request, application_id)
    form = hours_form(found, request.POST)
    if not form.is_valid():
        return _application_page(request, found, forms={"hours": form}, status=400)
    try:
        services.hours_log(actor=request.user, application=found, **form.cleaned_data)
    except ApplicationError as error:
        form_error(form, error)
        return _application_page(request, found, forms={"hours": form}, status=status_of(error))
    messages.success(request, _("Your hours are logged; the organisation will confirm them."))
    return redirect(safe_next(request, application_url(request, found)))


def _hours_or_404(request: AuthenticatedRequest, hours_id: int) -> tuple[HoursLog, Any]:
    try:
        entry = selectors.hours_get(
            viewer=request.user, municipality=request.municipality, hours_id=hours_id
        )
    except NotFound:
        raise Http404(_("These hours do not exist.")) from None
    return entry, application_or_404(request, entry.application_id)


def _review_hours(request: AuthenticatedRequest, hours_id: int, *, confirm: bool) -> HttpResponse:
    entry, found = _hours_or_404(request, hours_id)
    try:
        if confirm:
            services.hours_confirm(actor=request.user, entry=entry)
        else:
            form = NoteForm(request.POST)
            note = form.cleaned_data["note"] if form.is_valid() else ""
            services.hours_reject(actor=request.user, entry=entry, note=note)
    except ApplicationError as error:
        return _application_page(request, found, error=str(error.message), status=status_of(error))
    messages.success(
        request,
        _("The hours are confirmed; the volunteer sees them.")
        if confirm
        else _("The hours are not confirmed; the volunteer sees it."),
    )
    return redirect(safe_next(request, application_url(request, found)))


@require_POST
@municipality_view
@module_required(MODULE)
@login_required
def hours_confirm(request: AuthenticatedRequest, hours_id: int) -> HttpResponse:
    """The organisation confirms hours (never the volunteer who logged them)."""
    return _review_hours(request, hours_id, confirm=True)


@require_POST
@municipality_view
@module_required(MODULE)
@login_required
def hours_reject(request: AuthenticatedRequest, hours_id: int) -> HttpResponse:
    return _review_hours(request, hours_id, confirm=False)
