"""The municipality's newcomer pages: the resource directory (public), "I am new here" and "I
want to welcome newcomers" (members who may take part), my pairings and a pairing's page (its
two people). Every page works without JavaScript; htmx swaps the directory's list and a
pairing's panel when it is on."""

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from milieu.core.errors import ApplicationError, NotFound
from milieu.core.http import AuthenticatedRequest, MilieuRequest, form_error, municipality_view
from milieu.core.modules import module_required

from .. import matching
from ..forms_newcomers import (
    BuddyProfileForm,
    FeedbackForm,
    NewcomerProfileForm,
    PairingEndForm,
    ResourceFilterForm,
)
from ..models import Pairing
from ..selectors import newcomers as selectors
from ..services import newcomers as services

RESOURCES_PER_PAGE = 30
MODULE = "newcomers"


def message_url(handle: str) -> str:
    """The page to write to someone (`messages:new?to=<handle>`)."""
    return f"{reverse('messages:new')}?{urlencode({'to': handle})}" if handle else ""


# --- The directory and my corner ----------------------------------------------------------------


@require_GET
@municipality_view
@module_required(MODULE)
def home(request: MilieuRequest) -> HttpResponse:
    municipality = request.municipality
    filters = ResourceFilterForm(request.GET)
    category = language = ""
    if filters.is_valid():
        category = filters.cleaned_data["category"]
        language = filters.cleaned_data["language"]
    resources = selectors.resource_list(
        municipality=municipality, category=category or None, language=language or None
    )
    page = Paginator(resources, RESOURCES_PER_PAGE).get_page(request.GET.get("page"))
    reader = get_language()
    context = {
        "municipality": municipality,
        "filters": filters,
        "page": page,
        "resources": [selectors.shown(resource, reader) for resource in page],
        "query": urlencode(
            {k: v for k, v in (("category", category), ("language", language)) if v}
        ),
        "filtered": bool(category or language),
    }
    template = "community/newcomers/home.html"
    if request.htmx:
        return render(request, template + "#resource-list", context)
    user = request.user
    if user.is_authenticated:
        context.update(
            may_take_part=user.has_perm("community.take_part", municipality),
            newcomer=selectors.newcomer_profile_of(user=user, municipality=municipality),
            buddy=selectors.buddy_profile_of(user=user, municipality=municipality),
            pairings=list(
                selectors.pairing_list_mine(visible_to=user, municipality=municipality)[:5]
            ),
        )
    return render(request, template, context)


def _refused(request: AuthenticatedRequest, kind: str) -> HttpResponse | None:
    """The profile pages are for members who may take part; others get a 403 saying so."""
    if request.user.has_perm("community.take_part", request.municipality):
        return None
    return _profile_page(request, None, kind=kind, profile=None, status=403)


def _profile_page(request, form, *, kind: str, profile, status: int = 200) -> HttpResponse:
    return render(
        request,
        f"community/newcomers/{kind}_form.html",
        {"municipality": request.municipality, "form": form, "profile": profile},
        status=status,
    )


def _profile_view(
    request: AuthenticatedRequest,
    *,
    kind: str,
    form_class,
    profile,
    defaults: dict[str, Any],
    save,
    done: str,
) -> HttpResponse:
    """Create or change my newcomer or buddy profile: the form (filled from `profile`, else
    from `defaults`), then `save(**cleaned_data)`; a refusal keeps what was typed."""
    municipality = request.municipality
    districts = selectors.district_choices(municipality=municipality)
    if request.method == "GET":
        initial = (
            {name: getattr(profile, name) for name in form_class.base_fields}
            if profile is not None
            else defaults
        )
        form = form_class(initial=initial, districts=districts)
        return _profile_page(request, form, kind=kind, profile=profile)
    form = form_class(request.POST, districts=districts)
    if not form.is_valid():
        return _profile_page(request, form, kind=kind, profile=profile, status=400)
    try:
        save(actor=request.user, municipality=municipality, **form.cleaned_data)
    except ApplicationError as error:
        form_error(form, error)
        return _profile_page(request, form, kind=kind, profile=profile, status=error.status_code)
    messages.success(request, done)
    return redirect("newcomers:home", municipality_slug=municipality.slug)


@require_http_methods(["GET", "POST"])
@municipality_view
@module_required(MODULE)
@login_required
def newcomer_profile(request: AuthenticatedRequest) -> HttpResponse:
    """ "I am new here": my newcomer profile in this municipality (create or change)."""
    if refused := _refused(request, "newcomer"):
        return refused
    return _profile_view(
        request,
        kind="newcomer",
        form_class=NewcomerProfileForm,
        profile=selectors.newcomer_profile_of(user=request.user, municipality=request.municipality),
        defaults={"seeking": True},
        save=services.newcomer_profile_save,
        done=_("Your newcomer profile is saved."),
    )


@require_http_methods(["GET", "POST"])
@municipality_view
@module_required(MODULE)
@login_required
def buddy_profile(request: AuthenticatedRequest) -> HttpResponse:
    """ "I want to welcome newcomers": my buddy profile in this municipality."""
    if refused := _refused(request, "buddy"):
        return refused
    return _profile_view(
        request,
        kind="buddy",
        form_class=BuddyProfileForm,
        profile=selectors.buddy_profile_of(user=request.user, municipality=request.municipality),
        defaults={"active": True, "capacity": 1},
        save=services.buddy_profile_save,
        done=_("Your buddy profile is saved. Thank you!"),
    )


# --- My pairings --------------------------------------------------------------------------------


@require_GET
@municipality_view
@login_required
def my_pairings(request: AuthenticatedRequest) -> HttpResponse:
    pairings = selectors.pairing_list_mine(
        visible_to=request.user, municipality=request.municipality
    )
    page = Paginator(pairings, selectors.PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "community/newcomers/pairings.html",
        {"municipality": request.municipality, "page": page, "pairings": list(page)},
    )


def _pairing_or_404(request: AuthenticatedRequest, pairing_id: int) -> Pairing:
    try:
        return selectors.pairing_get(
            visible_to=request.user, pairing_id=pairing_id, municipality=request.municipality
        )
    except NotFound as error:
        raise Http404(str(error)) from None


def _pairing_page(
    request: AuthenticatedRequest,
    pairing: Pairing,
    *,
    end_form=None,
    feedback_form=None,
    error: str = "",
    done: str = "",
    status: int = 200,
) -> HttpResponse:
    user = request.user
    other = selectors.other_person(user, pairing)
    handle = selectors.handle_of(other) if other is not None else ""
    role = "newcomer" if user.pk == pairing.newcomer.user_id else "buddy"
    context = {
        "municipality": request.municipality,
        "pairing": pairing,
        "role": role,
        "my_accepted": pairing.newcomer_accepted_at
        if role == "newcomer"
        else pairing.buddy_accepted_at,
        "other_accepted": (
            pairing.buddy_accepted_at if role == "newcomer" else pairing.newcomer_accepted_at
        ),
        "other": other,
        "other_handle": handle,
        "message_url": message_url(handle) if pairing.state == Pairing.State.ACTIVE else "",
        "reasons": matching.reasons(pairing.explanation),
        "actions": services.allowed_actions(user, pairing),
        "end_form": end_form or PairingEndForm(),
        "feedback_form": feedback_form or FeedbackForm(),
        "error": error,
        "done": done,
    }
    template = "community/newcomers/pairing.html"
    if request.htmx:
        template += "#pairing-panel"
    return render(request, template, context, status=status)


@require_GET
@municipality_view
@login_required
def pairing(request: AuthenticatedRequest, pairing_id: int) -> HttpResponse:
    found = _pairing_or_404(request, pairing_id)
    if not selectors.is_party(request.user, found):  # a coordinator: the back-office page
        return redirect(
            "newcomers_staff:pairing",
            municipality_slug=request.municipality.slug,
            pairing_id=found.pk,
        )
    return _pairing_page(request, found)


DONE = {
    "accept": lambda p: (
        _("You accepted. The pairing starts when the other person accepts too.")
        if p.state == Pairing.State.PROPOSED
        else _("You both accepted: the pairing has started.")
    ),
    "decline": lambda p: _("You declined the pairing."),
    "complete": lambda p: _("The pairing is completed. Thank you!"),
    "end": lambda p: _("The pairing has ended."),
    "feedback": lambda p: _("Thank you for your feedback."),
}


@require_POST
@municipality_view
@login_required
def pairing_action(request: AuthenticatedRequest, pairing_id: int, action: str) -> HttpResponse:
    """Accept, decline, complete, end (with a reason) or leave feedback; a refusal shows the
    page again with the reason and what was typed."""
    if action not in DONE:
        raise Http404
    found = _pairing_or_404(request, pairing_id)
    end_form = PairingEndForm(request.POST) if action == "end" else None
    feedback_form = FeedbackForm(request.POST) if action == "feedback" else None
    try:
        if action == "accept":
            found = services.pairing_accept(actor=request.user, pairing=found)
        elif action == "decline":
            found = services.pairing_decline(actor=request.user, pairing=found)
        elif action == "complete":
            found = services.pairing_complete(actor=request.user, pairing=found)
        elif action == "end":
            assert end_form is not None
            if not end_form.is_valid():
                return _pairing_page(request, found, end_form=end_form, status=400)
            found = services.pairing_end(
                actor=request.user, pairing=found, reason=end_form.cleaned_data["reason"]
            )
        else:
            assert feedback_form is not None
            if not feedback_form.is_valid():
                return _pairing_page(request, found, feedback_form=feedback_form, status=400)
            services.pairing_feedback(
                actor=request.user, pairing=found, **feedback_form.cleaned_data
            )
    except ApplicationError as error:
        for form in (end_form, feedback_form):
            if form is not None:
                form_error(form, error)
        return _pairing_page(
            request,
            found,
            end_form=end_form,
            feedback_form=feedback_form,
            error="" if (end_form or feedback_form) else str(error.message),
            status=error.status_code,
        )
    if request.htmx:
        return _pairing_page(
            request, _pairing_or_404(request, pairing_id), done=DONE[action](found)
        )
    messages.success(request, DONE[action](found))
    return redirect(
        "newcomers:pairing", municipality_slug=request.municipality.slug, pairing_id=pairing_id
    )
