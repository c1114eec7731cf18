"""The plans API (tag `plans`): a municipality's digital plan for its staff with MFA — list
(with progress per dimension), create, "add to my plan" from a recommendation, get, change,
delete — and a region's members' plans side by side (its consortium administrator and the
member towns' staff). Same services, permissions and errors as the pages."""

from __future__ import annotations

from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.security import django_auth

from milieu.core.errors import PermissionDenied
from milieu.core.http import AuthenticatedRequest
from milieu.core.schemas import ErrorOut
from milieu.territory.selectors import municipality_get, region_get

from . import selectors_diagnostic, selectors_plans
from . import services_plans as services
from .api_diagnostic import town_for
from .models import PlanAction, PlanStatus
from .schemas_diagnostic import (
    FromRecommendationIn,
    MemberPlanOut,
    PlanActionIn,
    PlanActionOut,
    PlanActionPatch,
    PlanPageOut,
)

router = Router(tags=["plans"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}
BASE = "/municipalities/{slug}/plan/actions"
MANAGE = "network.manage_plan"


def _out(action: PlanAction) -> dict:
    return {
        "id": action.pk,
        "title": action.title,
        "dimension": action.dimension,
        "diagnostic": action.diagnostic_id,
        "owner": action.owner,
        "start": action.start,
        "due": action.due,
        "status": action.status,
        "notes": action.notes,
        "practices": [{"id": p.pk, "title": p.title} for p in action.practices.all()],
    }


def _action(request, slug: str, action_id: int) -> PlanAction:
    return selectors_plans.plan_action_get_for(
        municipality=town_for(request, slug, MANAGE), action_id=action_id
    )


@router.get(BASE, response={200: PlanPageOut, **ERRORS}, auth=django_auth)
def list_actions(
    request: AuthenticatedRequest,
    slug: str,
    limit: int = Query(50, ge=1, le=200),
    offset: int = Query(0, ge=0),
):
    """The plan's actions by dimension (paginated: `limit`, `offset`) and the progress per
    dimension (done out of the actions not dropped)."""
    municipality = town_for(request, slug, MANAGE)
    actions = selectors_plans.plan_actions(municipality=municipality)
    return {
        "count": len(actions),
        "items": [_out(a) for a in actions[offset : offset + limit]],
        "progress": [
            {"dimension": p.dimension, "done": p.done, "total": p.total}
            for p in selectors_plans.plan_progress(actions)
        ],
    }


@router.post(BASE, response={201: PlanActionOut, **ERRORS}, auth=django_auth)
def create_action(request: AuthenticatedRequest, slug: str, payload: PlanActionIn):
    action = services.plan_action_create(
        actor=request.user, municipality=municipality_get(slug=slug), values=payload.dict()
    )
    return Status(201, _out(action))


@router.post(
    BASE + "/from-recommendation", response={201: PlanActionOut, **ERRORS}, auth=django_auth
)
def from_recommendation(request: AuthenticatedRequest, slug: str, payload: FromRecommendationIn):
    """ "Add to my plan": an action prefilled from one of a completed diagnostic's
    recommendations (its dimension must be among them)."""
    diagnostic = selectors_diagnostic.diagnostic_get_for(
        municipality=town_for(request, slug, MANAGE), diagnostic_id=payload.diagnostic
    )
    action = services.plan_action_from_recommendation(
        actor=request.user, diagnostic=diagnostic, dimension=payload.dimension
    )
    return Status(201, _out(action))


@router.get(BASE + "/{action_id}", response={200: PlanActionOut, **ERRORS}, auth=django_auth)
def get_action(request: AuthenticatedRequest, slug: str, action_id: int):
    return _out(_action(request, slug, action_id))


@router.patch(BASE + "/{action_id}", response={200: PlanActionOut, **ERRORS}, auth=django_auth)
def update_action(
    request: AuthenticatedRequest, slug: str, action_id: int, payload: PlanActionPatch
):
    """Change what is given (status, owner, dates, notes, practices...)."""
    action = services.plan_action_update(
        actor=request.user,
        action=_action(request, slug, action_id),
        values=payload.dict(exclude_unset=True),
    )
    return _out(
        selectors_plans.plan_action_get_for(municipality=action.municipality, action_id=action.pk)
    )


@router.delete(BASE + "/{action_id}", response={204: None, **ERRORS}, auth=django_auth)
def delete_action(request: AuthenticatedRequest, slug: str, action_id: int):
    services.plan_action_delete(actor=request.user, action=_action(request, slug, action_id))
    return Status(204, None)


@router.get(
    "/regions/{slug}/plans", response={200: list[MemberPlanOut], **ERRORS}, auth=django_auth
)
def region_plans(request: AuthenticatedRequest, slug: str):
    """Each member municipality's plan: actions by status, % done (of the actions not dropped)
    and its latest overall maturity score."""
    region = region_get(slug=slug)
    if not request.user.has_perm("network.view_region_plans", region):
        raise PermissionDenied(_("Only the region's administrator and its towns' staff see this."))
    return [
        {
            "municipality": plan.municipality.slug,
            "name": plan.municipality.name,
            "by_status": {status: plan.count(status) for status in PlanStatus.values},
            "percent_done": plan.percent_done if plan.total else None,
            "latest_overall": plan.latest_overall,
        }
        for plan in selectors_plans.region_plans(region=region)
    ]
