"""Writes of the digital plan: add an action (by hand, or from a diagnostic's recommendation,
prefilled), change it (status, owner, dates, notes, linked practices), remove it."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from milieu.core.errors import ApplicationError, NotFound, PermissionDenied, field_error

from . import versions
from .dimensions import Dimension
from .models import Diagnostic, DiagnosticStatus, PlanAction, PlanStatus, Practice, PracticeStatus
from .questions import RECOMMENDATIONS

FIELDS = ("title", "dimension", "owner", "start", "due", "status", "notes")


def _check(actor, municipality) -> None:
    if not actor.has_perm("network.manage_plan", municipality):
        raise PermissionDenied(_("Only the municipality's staff write its digital plan."))


def _practices(municipality, ids) -> list[Practice]:
    """Published practices, or the municipality's own drafts; anything else is refused."""
    ids = sorted(set(ids or []))
    found = list(
        Practice.objects.filter(pk__in=ids).filter(
            Q(status=PracticeStatus.PUBLISHED) | Q(municipality=municipality)
        )
    )
    if len(found) != len(ids):
        raise field_error("practices", _("Choose published practices."))
    return found


def _clean(values: dict[str, Any], *, partial: bool) -> dict[str, Any]:
    cleaned = {key: values[key] for key in FIELDS if key in values}
    if not partial or "title" in cleaned:
        title = str(cleaned.get("title") or "").strip()
        if not title:
            raise field_error("title", _("Give the action a title."))
        cleaned["title"] = title[:200]
    if (not partial or "dimension" in cleaned) and cleaned.get("dimension") not in Dimension.values:
        raise field_error("dimension", _("Choose a dimension."))
    if "status" in cleaned and cleaned["status"] not in PlanStatus.values:
        raise field_error("status", _("Choose a status."))
    for key in ("owner", "notes"):
        if key in cleaned:
            cleaned[key] = str(cleaned[key] or "").strip()
    if "owner" in cleaned and len(cleaned["owner"]) > 120:
        raise field_error("owner", _("At most 120 characters."))
    for key in ("start", "due"):
        if key in cleaned and cleaned[key] is not None and not isinstance(cleaned[key], date):
            raise field_error(key, _("Enter a valid date."))
    return cleaned


def _check_dates(action: PlanAction) -> None:
    if action.start and action.due and action.due < action.start:
        raise field_error("due", _("The due date comes after the start."))


@transaction.atomic
def plan_action_create(
    *, actor, municipality, values: dict[str, Any], diagnostic: Diagnostic | None = None
) -> PlanAction:
    _check(actor, municipality)
    cleaned = _clean(values, partial=False)
    if diagnostic is not None and diagnostic.municipality_id != municipality.pk:
        raise NotFound(_("This diagnostic does not exist."))
    practices = _practices(municipality, values.get("practices"))
    action = PlanAction(
        municipality=municipality, diagnostic=diagnostic, created_by=actor, **cleaned
    )
    _check_dates(action)
    action.save()
    if practices:
        action.practices.set(practices)
    versions.renew_region_plans(municipality.region_id)
    return action


@transaction.atomic
def plan_action_from_recommendation(*, actor, diagnostic: Diagnostic, dimension: str) -> PlanAction:
    """ "Add to my plan": an action prefilled from the recommendation of one of the diagnostic's
    weakest dimensions (title, dimension, the suggested first actions as notes), planned."""
    _check(actor, diagnostic.municipality)
    if diagnostic.status != DiagnosticStatus.COMPLETED:
        raise ApplicationError(_("Complete the diagnostic first."), code="incomplete")
    from .questions import weakest

    if dimension not in {r.dimension for r in weakest(diagnostic.scores)}:
        raise field_error("dimension", _("This dimension is not among the recommendations."))
    recommendation = RECOMMENDATIONS[dimension]
    notes = "\n".join(f"- {action}" for action in recommendation.actions)
    return plan_action_create(
        actor=actor,
        municipality=diagnostic.municipality,
        diagnostic=diagnostic,
        values={"title": str(recommendation.text), "dimension": dimension, "notes": notes},
    )


@transaction.atomic
def plan_action_update(*, actor, action: PlanAction, values: dict[str, Any]) -> PlanAction:
    _check(actor, action.municipality)
    cleaned = _clean(values, partial=True)
    for key, value in cleaned.items():
        setattr(action, key, value)
    _check_dates(action)
    action.updated_at = timezone.now()
    action.save()
    if "practices" in values:
        action.practices.set(_practices(action.municipality, values["practices"]))
    versions.renew_region_plans(action.municipality.region_id)
    return action


@transaction.atomic
def plan_action_delete(*, actor, action: PlanAction) -> None:
    _check(actor, action.municipality)
    action.delete()
    versions.renew_region_plans(action.municipality.region_id)
