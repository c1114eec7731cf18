"""The digital plan's pages: the municipality's plan (namespace `plans`, under
`/<lang>/<municipality>/staff/plan/`, staff with MFA): progress per dimension, the actions, a
form to add one, "Add to my plan" from a recommendation, an action's page to change it; and the
region's members' plans side by side (namespace `region_plans`,
`/<lang>/regions/<region>/plans/`, the consortium administrator and the member towns' staff)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from milieu.accounts.permissions import has_mfa, holds_any_staff_role
from milieu.core import pagecache
from milieu.core.errors import ApplicationError, NotFound
from milieu.core.http import AuthenticatedRequest, MilieuRequest, form_error, staff_view
from milieu.territory import selectors as territory

from . import selectors_diagnostic, selectors_plans, versions
from . import services_plans as services
from .forms_plans import PlanActionForm
from .models import PlanAction, PlanStatus

MANAGE = "network.manage_plan"


def _action(request: AuthenticatedRequest, action_id: int) -> PlanAction:
    try:
        return selectors_plans.plan_action_get_for(
            municipality=request.municipality, action_id=action_id
        )
    except NotFound:
        raise Http404(_("This plan action does not exist.")) from None


def plan_url(municipality) -> str:
    return reverse("plans:index", args=[municipality.slug])


@require_http_methods(["GET", "POST"])
@staff_view(MANAGE)
def index(request: AuthenticatedRequest) -> HttpResponse:
    municipality = request.municipality
    form = PlanActionForm(
        request.POST or None, municipality=municipality, initial={"status": PlanStatus.PLANNED}
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.plan_action_create(
                    actor=request.user, municipality=municipality, values=form.values()
                )
            except ApplicationError as error:
                form_error(form, error)
                status = 403 if error.status_code == 403 else 400
            else:
                messages.success(request, _("The action is added to the plan."))
                return redirect(plan_url(municipality))
        else:
            status = 400
    actions = selectors_plans.plan_actions(municipality=municipality)
    return render(
        request,
        "network/plan_index.html",
        {
            "municipality": municipality,
            "actions": actions,
            "progress": selectors_plans.plan_progress(actions),
            "form": form,
            "latest": selectors_diagnostic.diagnostic_latest(municipality=municipality),
        },
        status=status,
    )


@require_POST
@staff_view(MANAGE)
def from_recommendation(request: AuthenticatedRequest) -> HttpResponse:
    municipality = request.municipality
    try:
        diagnostic = selectors_diagnostic.diagnostic_get_for(
            municipality=municipality, diagnostic_id=int(request.POST.get("diagnostic") or 0)
        )
        action = services.plan_action_from_recommendation(
            actor=request.user, diagnostic=diagnostic, dimension=request.POST.get("dimension", "")
        )
    except (ValueError, NotFound):
        raise Http404(_("This diagnostic does not exist.")) from None
    except ApplicationError as error:
        messages.error(request, str(error.message))
        return redirect(plan_url(municipality))
    messages.success(
        request,
        _("“%(title)s” is added to your plan: give it an owner and dates.")
        % {"title": action.title},
    )
    return redirect(plan_url(municipality))


@require_http_methods(["GET", "POST"])
@staff_view(MANAGE)
def edit(request: AuthenticatedRequest, action_id: int) -> HttpResponse:
    action = _action(request, action_id)
    initial = {
        "title": action.title,
        "dimension": action.dimension,
        "owner": action.owner,
        "start": action.start,
        "due": action.due,
        "status": action.status,
        "notes": action.notes,
        "practices": list(action.practices.all()),
    }
    form = PlanActionForm(request.POST or None, municipality=request.municipality, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.plan_action_update(actor=request.user, action=action, values=form.values())
            except ApplicationError as error:
                form_error(form, error)
                status = 403 if error.status_code == 403 else 400
            else:
                messages.success(request, _("The action is saved."))
                return redirect(plan_url(request.municipality))
        else:
            status = 400
    return render(
        request,
        "network/plan_action.html",
        {"municipality": request.municipality, "action": action, "form": form},
        status=status,
    )


@require_POST
@staff_view(MANAGE)
def delete(request: AuthenticatedRequest, action_id: int) -> HttpResponse:
    action = _action(request, action_id)
    services.plan_action_delete(actor=request.user, action=action)
    messages.success(request, _("The action is removed from the plan."))
    return redirect(plan_url(request.municipality))


@require_GET
def region(request: MilieuRequest, region_slug: str) -> HttpResponse:
    try:
        found, _members, members_version = territory.region_members(slug=region_slug)
    except NotFound as error:
        raise Http404(str(error)) from None
    user = request.user
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if holds_any_staff_role(user) and not has_mfa(user):
        return redirect(f"{reverse('mfa_activate_totp')}?next={request.path}")
    if not user.has_perm("network.view_region_plans", found):
        raise DjangoPermissionDenied
    # The same for everyone allowed to see it, until a member's plan or diagnostic changes:
    # kept rendered (`core.pagecache`) under the region's plans version.
    return pagecache.render_page(
        request,
        "network/plan_region.html",
        lambda: {
            "region": found,
            "plans": selectors_plans.region_plans(region=found),
            "statuses": PlanStatus.choices,
        },
        vary=(found.pk, members_version, versions.region_plans(found.pk)),
    )
