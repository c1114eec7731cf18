"""The diagnostic API (tag `diagnostic`): the questionnaire (public), and a municipality's
diagnostics for its staff with MFA — start, save answers, complete, list (history), get with
recommendations, and the anonymous comparison with municipalities of similar size (figures as
`Figure`, suppressed while fewer than 5 municipalities contribute). Same services, permissions
and errors as the pages; a refusal changes nothing."""

from __future__ import annotations

from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.security import django_auth

from milieu.core.errors import PermissionDenied
from milieu.core.http import AuthenticatedRequest, MilieuRequest
from milieu.core.schemas import ErrorOut
from milieu.core.smallnumbers import Figure
from milieu.territory.selectors import municipality_get

from . import selectors_diagnostic as selectors
from . import services_diagnostic as services
from .dimensions import Dimension
from .models import Diagnostic
from .questions import LEVELS, QUESTIONS, questions_of
from .schemas_diagnostic import (
    AnswersIn,
    ComparisonOut,
    DiagnosticDetailOut,
    DiagnosticPageOut,
    QuestionnaireOut,
    RecommendationOut,
)

router = Router(tags=["diagnostic"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}
BASE = "/municipalities/{slug}/diagnostics"


def town_for(request: AuthenticatedRequest, slug: str, perm: str = "network.run_diagnostic"):
    municipality = municipality_get(slug=slug)
    if not request.user.has_perm(perm, municipality):
        raise PermissionDenied(_("Only the municipality's staff run its diagnostic."))
    return municipality


def _out(diagnostic: Diagnostic) -> dict:
    return {
        "id": diagnostic.pk,
        "status": diagnostic.status,
        "started_at": diagnostic.started_at,
        "completed_at": diagnostic.completed_at,
        "scores": diagnostic.scores or {},
        "overall": diagnostic.overall,
    }


def recommendations_out(diagnostic: Diagnostic) -> list[dict]:
    return [
        {
            "dimension": r.dimension,
            "dimension_name": str(r.dimension_label),
            "score": diagnostic.scores[r.dimension],
            "text": str(r.text),
            "first_actions": [str(a) for a in r.actions],
        }
        for r in selectors.recommendations(diagnostic)
    ]


def _detail(diagnostic: Diagnostic) -> dict:
    answers = selectors.answers_of(diagnostic)
    return {
        **_out(diagnostic),
        "answers": answers,
        "answered": len(answers),
        "total": len(QUESTIONS),
        "recommendations": recommendations_out(diagnostic),
    }


def _diagnostic(request, slug: str, diagnostic_id: int) -> Diagnostic:
    return selectors.diagnostic_get_for(
        municipality=town_for(request, slug), diagnostic_id=diagnostic_id
    )


@router.get("/diagnostic/questionnaire", response={200: QuestionnaireOut})
def questionnaire(request: MilieuRequest):
    """The questions by dimension and the levels (0 to 5), in the reader's language."""
    return {
        "levels": [{"level": level, "label": str(label)} for level, label in LEVELS],
        "dimensions": [
            {
                "key": key,
                "name": str(label),
                "questions": [{"key": q.key, "text": str(q.text)} for q in questions_of(key)],
            }
            for key, label in Dimension.choices
        ],
    }


@router.get(BASE, response={200: DiagnosticPageOut, **ERRORS}, auth=django_auth)
def list_diagnostics(
    request: AuthenticatedRequest,
    slug: str,
    limit: int = Query(20, ge=1, le=100),
    offset: int = Query(0, ge=0),
):
    """The completed diagnostics, latest first (paginated: `limit`, `offset`), and the id of
    the one in progress."""
    municipality = town_for(request, slug)
    draft = selectors.diagnostic_draft(municipality=municipality)
    return {
        "count": selectors.diagnostic_count(municipality=municipality),
        "draft": draft.pk if draft else None,
        "items": [
            _out(d)
            for d in selectors.diagnostic_history(
                municipality=municipality, limit=limit, offset=offset
            )
        ],
    }


@router.post(BASE, response={201: DiagnosticDetailOut, **ERRORS}, auth=django_auth)
def start_diagnostic(request: AuthenticatedRequest, slug: str):
    """Start a diagnostic (409 while one is in progress)."""
    diagnostic = services.diagnostic_start(
        actor=request.user, municipality=municipality_get(slug=slug)
    )
    return Status(201, _detail(diagnostic))


@router.get(BASE + "/comparison", response={200: ComparisonOut, **ERRORS}, auth=django_auth)
def comparison(request: AuthenticatedRequest, slug: str):
    """The mean scores of the latest diagnostics of the other municipalities of the same
    population band, never named; suppressed while fewer than 5 contribute."""
    found = selectors.comparison(municipality=town_for(request, slug))
    count = found.contributors
    means = found.means or {}
    return {
        "band": str(found.band),
        "shown": found.shown,
        "contributors": Figure.of(count),
        "overall": Figure.of(found.overall, count=count),
        "dimensions": {key: Figure.of(means.get(key), count=count) for key in Dimension.values},
    }


@router.get(
    BASE + "/{diagnostic_id}", response={200: DiagnosticDetailOut, **ERRORS}, auth=django_auth
)
def get_diagnostic(request: AuthenticatedRequest, slug: str, diagnostic_id: int):
    return _detail(_diagnostic(request, slug, diagnostic_id))


@router.put(
    BASE + "/{diagnostic_id}/answers",
    response={200: DiagnosticDetailOut, **ERRORS},
    auth=django_auth,
)
def save_answers(request: AuthenticatedRequest, slug: str, diagnostic_id: int, payload: AnswersIn):
    """Save answers ({question key: level}) on the draft; the others stay as they were."""
    diagnostic = _diagnostic(request, slug, diagnostic_id)
    services.diagnostic_answer(actor=request.user, diagnostic=diagnostic, answers=payload.answers)
    return _detail(diagnostic)


@router.post(
    BASE + "/{diagnostic_id}/complete",
    response={200: DiagnosticDetailOut, **ERRORS},
    auth=django_auth,
)
def complete(request: AuthenticatedRequest, slug: str, diagnostic_id: int):
    """Complete the draft (400 `incomplete` naming the unanswered questions)."""
    diagnostic = services.diagnostic_complete(
        actor=request.user, diagnostic=_diagnostic(request, slug, diagnostic_id)
    )
    return _detail(diagnostic)


@router.get(
    BASE + "/{diagnostic_id}/recommendations",
    response={200: list[RecommendationOut], **ERRORS},
    auth=django_auth,
)
def recommendations(request: AuthenticatedRequest, slug: str, diagnostic_id: int):
    """The weakest dimensions (at most 3, under 3 out of 5) with what to do first."""
    return recommendations_out(_diagnostic(request, slug, diagnostic_id))
