"""The consultations API (tag `consultations`): a municipality's consultations, one with its
phases, the reader's participation status, results and their CSV export; and, for the staff
with MFA, create, change, publish and close — with the selectors, services, rules and errors
the pages use.

Published and closed consultations are public in a municipality that has the module on; drafts
are its staff's; anything else is *not found*. Results: once closed (or in the results phase),
and always for the staff; the CSV export after closing, and always for the staff. Refusals have
the shared body `{"error": {"code", "message", "fields"}}`, and a refused write changes nothing.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.security import django_auth

from milieu.core.errors import NotFound, PermissionDenied
from milieu.core.http import AuthenticatedRequest
from milieu.core.schemas import ErrorOut
from milieu.territory import selectors as territory_selectors

from . import selectors_consultations as selectors
from . import services_consultations as services
from .eligibility import refusal
from .models import Consultation, ConsultationStatus, PhaseKind
from .permissions import MODULE
from .schemas_consultations import (
    ConsultationIn,
    ConsultationOut,
    ConsultationPageOut,
    ConsultationPatch,
    ParticipationOut,
    ResultsOut,
)

router = Router(tags=["consultations"], auth=django_auth)
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}
MUNICIPAL = "/municipalities/{slug}/consultations"
ONE = MUNICIPAL + "/{consultation_id}"


def municipality_for(slug: str):
    return territory_selectors.municipality_get(slug=slug, module=MODULE)


def consultation_for(request: HttpRequest, slug: str, consultation_id: int) -> Consultation:
    return selectors.consultation_get_for(
        actor=request.user, municipality=municipality_for(slug), consultation_id=consultation_id
    )


def consultation_out(consultation: Consultation) -> dict:
    now = timezone.now()
    names = dict(PhaseKind.choices)
    language = (get_language() or "fr")[:2]
    return {
        "id": consultation.pk,
        "municipality": consultation.municipality.slug,
        "kind": consultation.kind,
        "status": consultation.status,
        "title": consultation.translated("title"),
        "description": consultation.translated("description"),
        "language": language
        if getattr(consultation, f"title_{language}", "")
        else consultation.original_language,
        "district": consultation.district.name if consultation.district else None,
        "ballot_mode": consultation.ballot_mode,
        "min_trust": consultation.min_trust,
        "min_age": consultation.min_age,
        "support_threshold": consultation.support_threshold,
        "budget_amount": consultation.budget_amount,
        "phases": [
            {
                "kind": phase.kind,
                "name": str(names.get(phase.kind, phase.kind)),
                "starts_at": phase.starts_at,
                "ends_at": phase.ends_at,
                "current": phase.starts_at <= now < phase.ends_at,
            }
            for phase in consultation.phases.all()
        ],
        "published_at": consultation.published_at,
        "closed_at": consultation.closed_at,
        "url": reverse(
            "participation:consultation", args=[consultation.municipality.slug, consultation.pk]
        ),
    }


def _fresh(consultation: Consultation) -> Consultation:
    return (
        Consultation.objects.select_related("municipality", "district")
        .prefetch_related("phases")
        .get(pk=consultation.pk)
    )


def _values(payload) -> dict:
    values = payload.dict(exclude_unset=True)
    if "phases" in values and values["phases"] is not None:
        values["phases"] = [dict(phase) for phase in values["phases"]]
    return values


@router.get(MUNICIPAL, response={200: ConsultationPageOut, **ERRORS}, auth=None)
def consultations_list(
    request: HttpRequest, slug: str, status: str | None = None, cursor: str | None = None
):
    """The municipality's consultations, newest first (drafts for its staff only). `status`:
    draft, published, closed, or open (a phase under way), upcoming, past."""
    items, next_cursor = selectors.consultation_list(
        municipality=municipality_for(slug), visible_to=request.user, status=status, cursor=cursor
    )
    return {"items": [consultation_out(c) for c in items], "next_cursor": next_cursor}


@router.post(MUNICIPAL, response={201: ConsultationOut, **ERRORS})
def consultations_create(request: AuthenticatedRequest, slug: str, payload: ConsultationIn):
    """A draft consultation (staff with MFA)."""
    created = services.consultation_create(
        actor=request.user, municipality=municipality_for(slug), values=_values(payload)
    )
    return Status(201, consultation_out(_fresh(created)))


@router.get(ONE, response={200: ConsultationOut, **ERRORS}, auth=None)
def consultations_get(request: HttpRequest, slug: str, consultation_id: int):
    return consultation_out(consultation_for(request, slug, consultation_id))


@router.patch(ONE, response={200: ConsultationOut, **ERRORS})
def consultations_update(
    request: AuthenticatedRequest, slug: str, consultation_id: int, payload: ConsultationPatch
):
    """Change a consultation; who may take part and the ballot mode are frozen once anyone
    took part."""
    consultation = consultation_for(request, slug, consultation_id)
    updated = services.consultation_update(
        actor=request.user, consultation=consultation, values=_values(payload)
    )
    return consultation_out(_fresh(updated))


@router.post(ONE + "/publish", response={200: ConsultationOut, **ERRORS})
def consultations_publish(request: AuthenticatedRequest, slug: str, consultation_id: int):
    consultation = consultation_for(request, slug, consultation_id)
    published = services.consultation_publish(actor=request.user, consultation=consultation)
    return consultation_out(_fresh(published))


@router.post(ONE + "/close", response={200: ConsultationOut, **ERRORS})
def consultations_close(request: AuthenticatedRequest, slug: str, consultation_id: int):
    """Close it and compute its results (kept with it)."""
    consultation = consultation_for(request, slug, consultation_id)
    closed = services.consultation_close(actor=request.user, consultation=consultation)
    return consultation_out(_fresh(closed))


@router.get(ONE + "/participation", response={200: ParticipationOut, **ERRORS}, auth=None)
def consultations_participation(request: HttpRequest, slug: str, consultation_id: int):
    """Whether the reader took part, and may take part now (else why not)."""
    consultation = consultation_for(request, slug, consultation_id)
    taken = selectors.has_taken_part(user=request.user, consultation=consultation)
    reason = refusal(request.user, consultation)
    return {"taken_part": taken, "may_take_part": reason is None and not taken, "refusal": reason}


@router.get(ONE + "/results", response={200: ResultsOut, **ERRORS}, auth=None)
def consultations_results(request: HttpRequest, slug: str, consultation_id: int):
    """The results as the kind computes them (ids as keys): final once closed."""
    consultation = consultation_for(request, slug, consultation_id)
    if not request.user.has_perm("participation.view_results", consultation):
        raise PermissionDenied(
            _("The results are published when the consultation closes."), code="not_yet"
        )
    final = consultation.status == ConsultationStatus.CLOSED
    return {
        "consultation_id": consultation.pk,
        "final": final,
        "computed_at": consultation.results_computed_at if final else None,
        "participants": selectors.participant_count(consultation),
        "results": selectors.results_for(consultation),
    }


@router.get(
    ONE + "/results.csv",
    response={200: str, **ERRORS},
    auth=None,
    openapi_extra={"responses": {200: {"content": {"text/csv": {"schema": {"type": "string"}}}}}},
)
def consultations_results_csv(request: HttpRequest, slug: str, consultation_id: int):
    """The CSV export (one row per participation; in a secret ballot, in random order and
    naming nobody): after closing, and always for the staff."""
    consultation = consultation_for(request, slug, consultation_id)
    if not request.user.has_perm("participation.export_results", consultation):
        raise NotFound(_("This export does not exist yet."))
    response = HttpResponse(
        selectors.results_csv(consultation), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="consultation-{consultation.pk}-results.csv"'
    )
    return response
