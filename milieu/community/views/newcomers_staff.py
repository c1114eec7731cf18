"""The back office of newcomer pairing: the queue of newcomers waiting for a buddy, a
newcomer's page with the ranked buddies and the "propose" form, the pairings by state (and one
pairing, which a coordinator may end or complete), and the resource directory's management.

Coordinators (`community.coordinate_pairing`: the municipality's staff or organisation managers,
with MFA) see newcomers' profiles: each page that shows some logs it (`personal_data_access`).
The directory is managed with `community.manage_resources`.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from milieu.core.errors import ApplicationError, NotFound
from milieu.core.http import AuthenticatedRequest, form_error, staff_view
from milieu.core.modules import module_required

from .. import matching
from ..forms_newcomers import PairingEndForm, ProposeForm, ResourceForm
from ..models import NewcomerResource, Pairing
from ..selectors import newcomers as selectors
from ..services import newcomers as services

COORDINATE = "community.coordinate_pairing"
MANAGE = "community.manage_resources"
MODULE = "newcomers"


def _context(request: AuthenticatedRequest, **extra) -> dict:
    municipality = request.municipality
    return {
        "municipality": municipality,
        "can_coordinate": request.user.has_perm(COORDINATE, municipality),
        "can_manage_resources": request.user.has_perm(MANAGE, municipality),
        **extra,
    }


# --- The queue and a newcomer -------------------------------------------------------------------

MATCHES_SHOWN = 10


@require_GET
@staff_view(COORDINATE)
@module_required(MODULE)
def queue(request: AuthenticatedRequest) -> HttpResponse:
    """Newcomers looking for a buddy without a pairing in progress, longest waiting first."""
    profiles = selectors.newcomer_queue(visible_to=request.user, municipality=request.municipality)
    page = Paginator(profiles, selectors.PER_PAGE).get_page(request.GET.get("page"))
    items = list(page)
    selectors.log_access(request.user, items, "newcomer_queue")
    template = "community/newcomers/staff_queue.html"
    if request.htmx:
        template += "#queue"
    return render(request, template, _context(request, page=page, profiles=items))


def _newcomer_page(request, profile, form, matches, *, status: int = 200) -> HttpResponse:
    return render(
        request,
        "community/newcomers/staff_newcomer.html",
        _context(
            request,
            profile=profile,
            rows=selectors.profile_rows(profile),
            matches=matches,
            ranking_key=matching.ranking_key(profile, MATCHES_SHOWN),
            open_pairing=selectors.open_pairing_of(profile),
            form=form,
        ),
        status=status,
    )


@require_http_methods(["GET", "POST"])
@staff_view(COORDINATE)
@module_required(MODULE)
def newcomer(request: AuthenticatedRequest, profile_id: int) -> HttpResponse:
    """A newcomer's profile (the view is logged), the best buddies for them with the reasons,
    and the form to propose one of them."""
    municipality = request.municipality
    try:
        profile = selectors.newcomer_profile_get(
            visible_to=request.user, municipality=municipality, profile_id=profile_id
        )
    except NotFound as error:
        raise Http404(str(error)) from None
    matches = selectors.newcomer_matches(
        visible_to=request.user, newcomer=profile, limit=MATCHES_SHOWN
    )
    buddies = [(m.buddy.pk, m.buddy.user.display_name) for m in matches]
    if request.method == "GET":
        return _newcomer_page(request, profile, ProposeForm(buddies=buddies), matches)
    form = ProposeForm(request.POST, buddies=buddies)
    if not form.is_valid():
        return _newcomer_page(request, profile, form, matches, status=400)
    try:
        buddy = selectors.buddy_profile_get(
            municipality=municipality, buddy_id=form.cleaned_data["buddy"]
        )
        pairing = services.pairing_propose(
            actor=request.user, newcomer=profile, buddy=buddy, note=form.cleaned_data["note"]
        )
    except ApplicationError as error:
        form_error(form, error)
        return _newcomer_page(request, profile, form, matches, status=error.status_code)
    messages.success(request, _("The pairing is proposed; both will be notified."))
    return redirect(
        "newcomers_staff:pairing", municipality_slug=municipality.slug, pairing_id=pairing.pk
    )


# --- Pairings -----------------------------------------------------------------------------------


@require_GET
@staff_view(COORDINATE)
def pairings(request: AuthenticatedRequest) -> HttpResponse:
    """The municipality's pairings, newest first, by state."""
    state = request.GET.get("state", "")
    if state not in Pairing.State.values:
        state = ""
    found = selectors.pairing_list(
        visible_to=request.user, municipality=request.municipality, state=state or None
    )
    page = Paginator(found, selectors.PER_PAGE).get_page(request.GET.get("page"))
    items = list(page)
    selectors.log_access(request.user, [p.newcomer for p in items], "pairing_list")
    template = "community/newcomers/staff_pairings.html"
    if request.htmx:
        template += "#pairing-list"
    return render(
        request,
        template,
        _context(
            request,
            page=page,
            pairings=items,
            state=state,
            states=Pairing.State.choices,
            query=f"state={state}" if state else "",
        ),
    )


def _staff_pairing_or_404(request: AuthenticatedRequest, pairing_id: int) -> Pairing:
    try:
        found = selectors.pairing_get(
            visible_to=request.user, pairing_id=pairing_id, municipality=request.municipality
        )
    except NotFound as error:
        raise Http404(str(error)) from None
    return found


def _staff_pairing_page(
    request, found: Pairing, *, end_form=None, error: str = "", status: int = 200
):
    selectors.log_access(request.user, [found.newcomer], "pairing")
    return render(
        request,
        "community/newcomers/staff_pairing.html",
        _context(
            request,
            pairing=found,
            reasons=matching.reasons(found.explanation),
            feedback=list(found.feedback.all()),
            actions=services.allowed_actions(request.user, found),
            end_form=end_form or PairingEndForm(),
            error=error,
        ),
        status=status,
    )


@require_GET
@staff_view(COORDINATE)
def pairing(request: AuthenticatedRequest, pairing_id: int) -> HttpResponse:
    return _staff_pairing_page(request, _staff_pairing_or_404(request, pairing_id))


@require_POST
@staff_view(COORDINATE)
def pairing_action(request: AuthenticatedRequest, pairing_id: int, action: str) -> HttpResponse:
    """A coordinator completes an active pairing, or ends it early with a reason."""
    if action not in ("complete", "end"):
        raise Http404
    found = _staff_pairing_or_404(request, pairing_id)
    end_form = PairingEndForm(request.POST) if action == "end" else None
    try:
        if end_form is not None:
            if not end_form.is_valid():
                return _staff_pairing_page(request, found, end_form=end_form, status=400)
            services.pairing_end(
                actor=request.user, pairing=found, reason=end_form.cleaned_data["reason"]
            )
            messages.success(request, _("The pairing has ended."))
        else:
            services.pairing_complete(actor=request.user, pairing=found)
            messages.success(request, _("The pairing is completed."))
    except ApplicationError as error:
        if end_form is not None:
            form_error(end_form, error)
        return _staff_pairing_page(
            request,
            found,
            end_form=end_form,
            error="" if end_form is not None else str(error.message),
            status=error.status_code,
        )
    return redirect(
        "newcomers_staff:pairing",
        municipality_slug=request.municipality.slug,
        pairing_id=pairing_id,
    )


# --- Resource directory -------------------------------------------------------------------------


def _resource_or_404(request: AuthenticatedRequest, resource_id: int) -> NewcomerResource:
    try:
        return selectors.resource_get(municipality=request.municipality, resource_id=resource_id)
    except NotFound as error:
        raise Http404(str(error)) from None


def _resources_page(request, form, *, status: int = 200) -> HttpResponse:
    found = selectors.resource_list(municipality=request.municipality, include_unpublished=True)
    page = Paginator(found, selectors.PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "community/newcomers/staff_resources.html",
        _context(request, page=page, resources=list(page), form=form),
        status=status,
    )


@require_http_methods(["GET", "POST"])
@staff_view(MANAGE)
def resources(request: AuthenticatedRequest) -> HttpResponse:
    """Every resource of the directory, published or not, and the form to add one."""
    if request.method == "GET":
        return _resources_page(request, ResourceForm())
    form = ResourceForm(request.POST)
    if not form.is_valid():
        return _resources_page(request, form, status=400)
    try:
        resource = services.resource_create(
            actor=request.user, municipality=request.municipality, **form.cleaned_data
        )
    except ApplicationError as error:
        form_error(form, error)
        return _resources_page(request, form, status=error.status_code)
    messages.success(request, _("%(name)s is added to the directory.") % {"name": resource.name})
    return redirect("newcomers_staff:resources", municipality_slug=request.municipality.slug)


@require_http_methods(["GET", "POST"])
@staff_view(MANAGE)
def resource_edit(request: AuthenticatedRequest, resource_id: int) -> HttpResponse:
    resource = _resource_or_404(request, resource_id)
    if request.method == "GET":
        initial = {name: getattr(resource, name) for name in services.RESOURCE_FIELDS}
        form = ResourceForm(initial=initial)
        status = 200
    else:
        form = ResourceForm(request.POST)
        status = 400
        if form.is_valid():
            try:
                services.resource_update(actor=request.user, resource=resource, **form.cleaned_data)
            except ApplicationError as error:
                form_error(form, error)
                status = error.status_code
            else:
                messages.success(request, _("The resource is saved."))
                return redirect(
                    "newcomers_staff:resources", municipality_slug=request.municipality.slug
                )
    return render(
        request,
        "community/newcomers/staff_resource_form.html",
        _context(request, resource=resource, form=form),
        status=status,
    )


@require_POST
@staff_view(MANAGE)
def resource_publish(request: AuthenticatedRequest, resource_id: int) -> HttpResponse:
    """Publish (`published=1`) or unpublish (`published=0`) a resource."""
    resource = _resource_or_404(request, resource_id)
    published = request.POST.get("published") == "1"
    services.resource_update(actor=request.user, resource=resource, published=published)
    if published:
        messages.success(request, _("%(name)s is published.") % {"name": resource.name})
    else:
        messages.success(request, _("%(name)s is no longer published.") % {"name": resource.name})
    return redirect("newcomers_staff:resources", municipality_slug=request.municipality.slug)


@require_http_methods(["GET", "POST"])
@staff_view(MANAGE)
def resource_delete(request: AuthenticatedRequest, resource_id: int) -> HttpResponse:
    """GET asks to confirm; POST deletes."""
    resource = _resource_or_404(request, resource_id)
    if request.method == "POST":
        services.resource_delete(actor=request.user, resource=resource)
        messages.success(request, _("%(name)s is deleted.") % {"name": resource.name})
        return redirect("newcomers_staff:resources", municipality_slug=request.municipality.slug)
    return render(
        request,
        "community/newcomers/staff_resource_delete.html",
        _context(request, resource=resource),
    )
