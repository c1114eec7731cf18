"""The incubator's pages, under /<lang>/<municipality_slug>/volunteering/ideas/: the published
ideas and their search, an idea's page with its steps, the idea form, and my ideas.

Every page is for the members of the municipality and its staff with MFA (`may_read_ideas`);
others get a 404, visitors are sent to log in. A draft is its author's only (404 for anyone
else). Every form works without JavaScript (POST, then a redirect with a message); htmx swaps
the search results and the support button when it is on. A service's refusal shows the page
again with the reason and keeps what was typed: 400 for bad input or a step the idea's state
does not allow, 403 when the reader may not do it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.forms import Form
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from milieu.core.errors import ApplicationError, NotFound, PermissionDenied
from milieu.core.http import AuthenticatedRequest, form_error, municipality_view
from milieu.core.modules import module_required

from . import selectors_ideas as selectors
from .forms_ideas import (
    AdoptionForm,
    HelpOfferForm,
    IdeaFilterForm,
    IdeaForm,
    IdeaStateForm,
    PartnerDecisionForm,
    PartnerOfferForm,
)
from .models import IdeaState, Organisation, ProjectIdea, Skill
from .permissions import ACTIVE_IDEA_STATES, MODULE
from .services import incubator as services

STATE_ACTIONS: dict[str, Callable[[], str]] = {
    IdeaState.IN_PROGRESS: lambda: _("Start the project"),
    IdeaState.DONE: lambda: _("Mark the project as done"),
    IdeaState.CLOSED: lambda: _("Close the idea"),
}
STATE_DONE: dict[str, Callable[[], str]] = {
    IdeaState.IN_PROGRESS: lambda: _("The project is in progress."),
    IdeaState.DONE: lambda: _("The project is done. Congratulations!"),
    IdeaState.CLOSED: lambda: _("The idea is closed."),
}


def _skills() -> list[Skill]:
    return list(Skill.objects.order_by("position", "slug"))


def _districts(municipality) -> list:
    return list(municipality.districts.order_by("name"))


def _reader_or_404(request: AuthenticatedRequest) -> None:
    if not selectors.may_read_ideas(request.user, request.municipality):
        raise Http404(_("This page does not exist."))


def _idea_or_404(request: AuthenticatedRequest, idea_id: int) -> ProjectIdea:
    _reader_or_404(request)
    try:
        return selectors.idea_get(
            visible_to=request.user, municipality=request.municipality, idea_id=idea_id
        )
    except NotFound as error:
        raise Http404(str(error)) from None


def _to_idea(request: AuthenticatedRequest, idea_id: int, done: str) -> HttpResponse:
    messages.success(request, done)
    return redirect(
        "volunteering:idea", municipality_slug=request.municipality.slug, idea_id=idea_id
    )


# --- The list -----------------------------------------------------------------------------------


@require_GET
@municipality_view
@module_required(MODULE)
@login_required
def ideas(request: AuthenticatedRequest) -> HttpResponse:
    _reader_or_404(request)
    municipality = request.municipality
    filters = IdeaFilterForm(request.GET, districts=_districts(municipality))
    valid = filters.is_valid()
    data = filters.cleaned_data if valid else {}
    found = selectors.idea_list(
        visible_to=request.user,
        municipality=municipality,
        filters=selectors.IdeaFilters(
            state=data.get("state") or "",
            district=data.get("district") or "",
            text=(data.get("q") or "").strip(),
            adopted=filters.adopted_value() if valid else None,
        ),
    )
    page = Paginator(found, selectors.PAGE_SIZE).get_page(request.GET.get("page"))
    query = filters.query() if valid else {}
    context = {
        "municipality": municipality,
        "filters": filters,
        "page": page,
        "ideas": list(page),
        "query": urlencode(query),
        "filtered": bool(query),
        "may_propose": request.user.has_perm("volunteering.propose_idea", municipality),
    }
    template = "volunteering/ideas/idea_list.html"
    if request.htmx:
        template += "#idea-results"
    return render(request, template, context, status=200 if valid else 400)


@require_GET
@municipality_view
@module_required(MODULE)
@login_required
def my_ideas(request: AuthenticatedRequest) -> HttpResponse:
    """My ideas here, drafts and closed ones too, newest first."""
    _reader_or_404(request)
    found = selectors.my_idea_list(author=request.user, municipality=request.municipality)
    page = Paginator(found, selectors.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "volunteering/ideas/my_ideas.html",
        {"municipality": request.municipality, "page": page, "ideas": list(page), "query": ""},
    )


# --- The form -----------------------------------------------------------------------------------


def _form_page(
    request: AuthenticatedRequest, form: IdeaForm, *, idea: ProjectIdea | None, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "volunteering/ideas/idea_form.html",
        {"municipality": request.municipality, "form": form, "idea": idea},
        status=status,
    )


def _idea_form(request: AuthenticatedRequest, data=None, initial=None) -> IdeaForm:
    return IdeaForm(
        data, initial=initial, skills=_skills(), districts=_districts(request.municipality)
    )


@require_http_methods(["GET", "POST"])
@municipality_view
@module_required(MODULE)
@login_required
def idea_create(request: AuthenticatedRequest) -> HttpResponse:
    """A new idea: saved as a draft (`action=draft`) or published at once."""
    _reader_or_404(request)
    municipality = request.municipality
    if not request.user.has_perm("volunteering.propose_idea", municipality):
        raise DjangoPermissionDenied
    if request.method == "GET":
        return _form_page(request, _idea_form(request), idea=None)
    form = _idea_form(request, request.POST)
    if not form.is_valid():
        return _form_page(request, form, idea=None, status=400)
    publish = request.POST.get("action") != "draft"
    try:
        idea = services.idea_create(
            actor=request.user, municipality=municipality, values=form.values(), publish=publish
        )
    except ApplicationError as error:
        form_error(form, error)
        return _form_page(request, form, idea=None, status=error.status_code)
    done = (
        _("Your idea is published: your neighbours can now support it.")
        if publish
        else _("Your idea is saved as a draft: only you see it.")
    )
    return _to_idea(request, idea.pk, done)


@require_http_methods(["GET", "POST"])
@municipality_view
@module_required(MODULE)
@login_required
def idea_edit(request: AuthenticatedRequest, idea_id: int) -> HttpResponse:
    idea = _idea_or_404(request, idea_id)
    if not request.user.has_perm("volunteering.edit_idea", idea):
        raise DjangoPermissionDenied
    if request.method == "GET":
        initial = {
            "title": idea.title,
            "need": idea.need,
            "description": idea.description,
            "help_wanted": idea.help_wanted,
            "district": idea.district.slug if idea.district else "",
            "skills_wanted": [skill.slug for skill in idea.skills_wanted.all()],
        }
        return _form_page(request, _idea_form(request, initial=initial), idea=idea)
    form = _idea_form(request, request.POST)
    if not form.is_valid():
        return _form_page(request, form, idea=idea, status=400)
    try:
        services.idea_update(actor=request.user, idea=idea, values=form.values())
    except ApplicationError as error:
        form_error(form, error)
        return _form_page(request, form, idea=idea, status=error.status_code)
    return _to_idea(request, idea.pk, _("Your idea is saved."))


# --- The idea's page ----------------------------------------------------------------------------


def _status(error: ApplicationError) -> int:
    return 403 if isinstance(error, PermissionDenied) else 400


def _idea_page(
    request: AuthenticatedRequest,
    idea: ProjectIdea,
    *,
    forms: dict[str, Form] | None = None,
    error: str = "",
    status: int = 200,
    partial: str = "",
) -> HttpResponse:
    forms = forms or {}
    detail = selectors.idea_detail(visible_to=request.user, idea=idea)
    context: dict[str, Any] = {
        "municipality": request.municipality,
        "idea": idea,
        "detail": detail,
        "error": error,
        "active": idea.state in ACTIVE_IDEA_STATES,
        "state_actions": [(state, STATE_ACTIONS[state]()) for state in detail.next_states],
    }
    if detail.can_join and detail.my_help_offer is None:
        context["help_form"] = forms.get("help") or HelpOfferForm(skills=_skills())
    if detail.my_organisations:
        context["partner_form"] = forms.get("partner") or PartnerOfferForm(
            organisations=detail.my_organisations
        )
    if detail.is_staff and idea.is_published and idea.state != IdeaState.CLOSED:
        context["adoption_form"] = forms.get("adoption") or AdoptionForm(
            initial={"note": idea.adoption_note}
        )
    template = "volunteering/ideas/idea_detail.html"
    if partial and request.htmx:
        template += f"#{partial}"
    return render(request, template, context, status=status)


def _refused(
    request: AuthenticatedRequest,
    idea_id: int,
    error: ApplicationError,
    *,
    key: str = "",
    form: Form | None = None,
) -> HttpResponse:
    """Show the idea's page again with a service's refusal (the service changed nothing)."""
    if isinstance(error, NotFound):
        raise Http404(str(error.message))
    idea = _idea_or_404(request, idea_id)
    if form is not None and error.extra.get("fields"):
        form_error(form, error)
        return _idea_page(request, idea, forms={key: form}, status=400)
    return _idea_page(request, idea, error=str(error.message), status=_status(error))


@require_GET
@municipality_view
@module_required(MODULE)
@login_required
def idea(request: AuthenticatedRequest, idea_id: int) -> HttpResponse:
    return _idea_page(request, _idea_or_404(request, idea_id))


@require_POST
@municipality_view
@module_required(MODULE)
@login_required
def idea_publish(request: AuthenticatedRequest, idea_id: int) -> HttpResponse:
    found = _idea_or_404(request, idea_id)
    try:
        services.idea_publish(actor=request.user, idea=found)
    except ApplicationError as error:
        return _refused(request, idea_id, error)
    return _to_idea(request, idea_id, _("Your idea is published: your neighbours can see it."))


def _support_step(request: AuthenticatedRequest, idea_id: int, support: bool) -> HttpResponse:
    found = _idea_or_404(request, idea_id)
    try:
        if support:
            services.idea_support(actor=request.user, idea=found)
        else:
            services.idea_unsupport(actor=request.user, idea=found)
    except ApplicationError as error:
        return _refused(request, idea_id, error)
    if request.htmx:
        return _idea_page(request, _idea_or_404(request, idea_id), partial="idea-support")
    done = _("Thank you for your support.") if support else _("Your support is withdrawn.")
    return _to_idea(request, idea_id, done)


@require_POST
@municipality_view
@module_required(MODULE)
@login_required
def idea_support(request: AuthenticatedRequest, idea_id: int) -> HttpResponse:
    return _support_step(request, idea_id, True)


@require_POST
@municipality_view
@module_required(MODULE)
@login_required
def idea_unsupport(request: AuthenticatedRequest, idea_id: int) -> HttpResponse:
    return _support_step(request, idea_id, False)


@require_POST
@municipality_view
@module_required(MODULE)
@login_required
def idea_help(request: AuthenticatedRequest, idea_id: int) -> HttpResponse:
    found = _idea_or_404(request, idea_id)
    form = HelpOfferForm(request.POST, skills=_skills())
    if not form.is_valid():
        return _idea_page(request, found, forms={"help": form}, status=400)
    try:
        services.help_offer_create(actor=request.user, idea=found, **form.cleaned_data)
    except ApplicationError as error:
        return _refused(request, idea_id, error, key="help", form=form)
    return _to_idea(request, idea_id, _("Your offer of help is sent to the author."))


@require_POST
@municipality_view
@module_required(MODULE)
@login_required
def idea_help_withdraw(request: AuthenticatedRequest, idea_id: int) -> HttpResponse:
    found = _idea_or_404(request, idea_id)
    try:
        services.help_offer_withdraw(actor=request.user, idea=found)
    except NotFound as error:
        return _idea_page(request, found, error=str(error.message), status=400)
    except ApplicationError as error:
        return _refused(request, idea_id, error)
    return _to_idea(request, idea_id, _("Your offer of help is withdrawn."))


@require_POST
@municipality_view
@module_required(MODULE)
@login_required
def idea_partner(request: AuthenticatedRequest, idea_id: int) -> HttpResponse:
    """An organisation's team member offers to partner the idea."""
    found = _idea_or_404(request, idea_id)
    detail = selectors.idea_detail(visible_to=request.user, idea=found)
    form = PartnerOfferForm(request.POST, organisations=detail.my_organisations)
    if not form.is_valid():
        return _idea_page(request, found, forms={"partner": form}, status=400)
    organisation = Organisation.objects.filter(pk=form.cleaned_data["organisation"]).first()
    if organisation is None:
        form.add_error("organisation", _("Unknown organisation."))
        return _idea_page(request, found, forms={"partner": form}, status=400)
    try:
        services.partner_offer_create(
            actor=request.user,
            idea=found,
            organisation=organisation,
            message=form.cleaned_data["message"],
        )
    except ApplicationError as error:
        return _refused(request, idea_id, error, key="partner", form=form)
    return _to_idea(request, idea_id, _("Your offer to partner is sent to the author."))


@require_POST
@municipality_view
@module_required(MODULE)
@login_required
def idea_partner_decision(
    request: AuthenticatedRequest, idea_id: int, offer_id: int
) -> HttpResponse:
    """The author accepts or declines an organisation's offer."""
    found = _idea_or_404(request, idea_id)
    try:
        offer = selectors.partner_offer_get(idea=found, offer_id=offer_id)
    except NotFound as error:
        raise Http404(str(error.message)) from None
    form = PartnerDecisionForm(request.POST)
    if not form.is_valid():
        return _idea_page(request, found, error=_("Choose to accept or decline."), status=400)
    accept = form.cleaned_data["decision"] == "accept"
    try:
        services.partner_offer_decide(actor=request.user, offer=offer, accept=accept)
    except ApplicationError as error:
        return _refused(request, idea_id, error)
    done = (
        _("%(name)s is now a partner of your idea.") % {"name": offer.organisation.name}
        if accept
        else _("You declined the offer of %(name)s.") % {"name": offer.organisation.name}
    )
    return _to_idea(request, idea_id, done)


@require_POST
@municipality_view
@module_required(MODULE)
@login_required
def idea_state(request: AuthenticatedRequest, idea_id: int) -> HttpResponse:
    """The author moves the idea along (in progress, done, closed)."""
    found = _idea_or_404(request, idea_id)
    form = IdeaStateForm(request.POST)
    if not form.is_valid():
        return _idea_page(request, found, error=_("Unknown state."), status=400)
    state = form.cleaned_data["state"]
    try:
        services.idea_set_state(actor=request.user, idea=found, state=state)
    except ApplicationError as error:
        return _refused(request, idea_id, error)
    return _to_idea(request, idea_id, STATE_DONE[state]())


@require_POST
@municipality_view
@module_required(MODULE)
@login_required
def idea_adopt(request: AuthenticatedRequest, idea_id: int) -> HttpResponse:
    """The municipality's staff adopt the idea for the city (or change the note)."""
    found = _idea_or_404(request, idea_id)
    form = AdoptionForm(request.POST)
    if not form.is_valid():
        return _idea_page(request, found, forms={"adoption": form}, status=400)
    try:
        services.idea_adopt(actor=request.user, idea=found, note=form.cleaned_data["note"])
    except ApplicationError as error:
        return _refused(request, idea_id, error, key="adoption", form=form)
    return _to_idea(request, idea_id, _("The idea is adopted by the city."))


@require_POST
@municipality_view
@module_required(MODULE)
@login_required
def idea_unadopt(request: AuthenticatedRequest, idea_id: int) -> HttpResponse:
    found = _idea_or_404(request, idea_id)
    try:
        services.idea_unadopt(actor=request.user, idea=found)
    except ApplicationError as error:
        return _refused(request, idea_id, error)
    return _to_idea(request, idea_id, _("The adoption is withdrawn."))
