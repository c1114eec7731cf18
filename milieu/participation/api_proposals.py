"""The API of calls for proposals (tag `proposals`): a call's ideas and one idea (public),
submitting, changing and withdrawing an idea, supporting it and taking the support back, and the
municipality's staff's answer, status and moderation — with the selectors, services,
permissions and errors the pages use.

Who sees what. The ideas of a published or closed call are public and name their authors by
display name only; a hidden idea is *not found* except for its author and the staff. Submitting
and supporting follow the consultation's eligibility (403 `not_eligible` with the reason); a
second support is 409 `already_supported`; one's own idea 403 `own_proposal`. Staff operations
need the municipality's staff with MFA.

Errors have the shared body `{"error": {"code", "message", "fields"}}`; a refused write changes
nothing. Lists of a call are paged by an opaque `cursor`; the staff's queue by page number.
"""

from django.core.paginator import Paginator
from ninja import Query, Router, Schema, Status
from ninja.security import django_auth

from milieu.core.cursor import keyset_page
from milieu.core.errors import ApplicationError
from milieu.core.http import AuthenticatedRequest
from milieu.core.permissions import require
from milieu.core.schemas import ErrorOut
from milieu.territory import selectors as territory_selectors

from . import selectors_proposals as selectors
from . import services_proposals as services
from .models import Proposal
from .permissions_proposals import MODULE
from .schemas_proposals import (
    MAX_PAGE_SIZE,
    STATUS_PATTERN,
    AnswerIn,
    HideIn,
    ProposalIn,
    ProposalOut,
    ProposalPageOut,
    ProposalPatch,
    StaffProposalPageOut,
    StatusIn,
)

router = Router(tags=["proposals"], auth=django_auth)
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 429: ErrorOut}
MUNICIPAL = "/municipalities/{slug}"
CALL = MUNICIPAL + "/consultations/{consultation_id}/proposals"
PROPOSAL = MUNICIPAL + "/proposals/{proposal_id}"


class ListQuery(Schema):
    sort: str = "support"
    status: str = ""
    cursor: str | None = None
    limit: int = 20


class QueueQuery(Schema):
    state: str = "awaiting"
    consultation: int | None = None
    status: str = ""
    page: int = 1


def _invalid(field: str, message: str) -> ApplicationError:
    from django.utils.translation import gettext as _

    return ApplicationError(
        _("Some fields need correcting."), code="validation", extra={"fields": {field: [message]}}
    )


def _municipality(slug: str):
    return territory_selectors.municipality_get(slug=slug, module=MODULE)


def _proposal(request, slug: str, proposal_id: int) -> Proposal:
    return selectors.proposal_get(
        visible_to=request.user, municipality=_municipality(slug), proposal_id=proposal_id
    )


def _shape(request, proposal: Proposal, supported: set[int]) -> dict:
    user = request.user
    mine = user.is_authenticated and proposal.author_id == user.pk
    privileged = mine or user.has_perm("participation.moderate_proposal", proposal)
    answer = None
    if proposal.answered_at is not None:
        answer = {
            "status": proposal.status,
            "text": proposal.answer,
            "language": proposal.answer_language,
            "answered_at": proposal.answered_at,
        }
    return {
        "id": proposal.pk,
        "consultation": proposal.consultation_id,
        "title": proposal.title,
        "body": proposal.body,
        "language": proposal.language,
        "author": {"display_name": proposal.author.display_name if proposal.author else ""},
        "district": proposal.district.slug if proposal.district is not None else None,
        "place_name": proposal.place_name,
        "status": proposal.status,
        "support_count": proposal.support_count,
        "support_threshold": proposal.consultation.support_threshold,
        "threshold_reached_at": proposal.threshold_reached_at,
        "city_committed": proposal.awaits_answer,
        "answer": answer,
        "created_at": proposal.created_at,
        "updated_at": proposal.updated_at,
        "is_mine": mine,
        "i_support": proposal.pk in supported,
        "hidden": proposal.hidden_at is not None,
        "hidden_reason": proposal.hidden_reason if privileged else "",
    }


def _one(request, slug: str, proposal_id: int) -> dict:
    proposal = _proposal(request, slug, proposal_id)
    return _shape(request, proposal, selectors.supported_ids(request.user, [proposal.pk]))


def _values(payload: Schema) -> dict:
    return payload.dict(exclude_unset=True)


# --- Reading ------------------------------------------------------------------------------------


@router.get(CALL, response={200: ProposalPageOut, **ERRORS}, auth=None)
def proposal_list(request, slug: str, consultation_id: int, query: Query[ListQuery]):
    """The visible ideas of a call, most supported first (`sort=support`) or newest first
    (`sort=newest`), optionally of one `status`; open to everyone."""
    import re

    if query.sort not in selectors.SORTS:
        raise _invalid("sort", "support, newest")
    if not re.match(STATUS_PATTERN, query.status):
        raise _invalid("status", STATUS_PATTERN)
    limit = max(1, min(query.limit, MAX_PAGE_SIZE))
    consultation = selectors.call_get(
        visible_to=request.user,
        municipality=_municipality(slug),
        consultation_id=consultation_id,
    )
    found = selectors.proposal_list(consultation=consultation, sort=query.sort, status=query.status)
    order = ("-created_at", "-id") if query.sort == "newest" else ("-support_count", "-id")
    items, next_cursor = keyset_page(found, order, query.cursor, limit)
    supported = selectors.supported_ids(request.user, [p.pk for p in items])
    for item in items:
        item.consultation = consultation
    return {"items": [_shape(request, p, supported) for p in items], "next_cursor": next_cursor}


@router.get(PROPOSAL, response={200: ProposalOut, **ERRORS}, auth=None)
def proposal_get(request, slug: str, proposal_id: int):
    """One idea, with its supports and the city's answer; open to everyone."""
    return _one(request, slug, proposal_id)


# --- Writing ------------------------------------------------------------------------------------


@router.post(CALL, response={201: ProposalOut, **ERRORS})
def proposal_submit(
    request: AuthenticatedRequest, slug: str, consultation_id: int, payload: ProposalIn
):
    """Submit an idea during the call's submission phase (eligible people; 429 when too
    many)."""
    consultation = selectors.call_get(
        visible_to=request.user,
        municipality=_municipality(slug),
        consultation_id=consultation_id,
    )
    proposal = services.proposal_submit(
        actor=request.user, consultation=consultation, values=_values(payload)
    )
    return Status(201, _one(request, slug, proposal.pk))


@router.patch(PROPOSAL, response={200: ProposalOut, **ERRORS})
def proposal_update(
    request: AuthenticatedRequest, slug: str, proposal_id: int, payload: ProposalPatch
):
    """The author changes the idea while the phase is open and nobody supports it yet (409
    `already_supported` after)."""
    proposal = _proposal(request, slug, proposal_id)
    services.proposal_update(actor=request.user, proposal=proposal, values=_values(payload))
    return _one(request, slug, proposal_id)


@router.post(f"{PROPOSAL}/withdraw", response={200: ProposalOut, **ERRORS})
def proposal_withdraw(request: AuthenticatedRequest, slug: str, proposal_id: int):
    """The author withdraws the idea, until the city answers it."""
    proposal = _proposal(request, slug, proposal_id)
    services.proposal_withdraw(actor=request.user, proposal=proposal)
    return _one(request, slug, proposal_id)


@router.post(f"{PROPOSAL}/support", response={200: ProposalOut, **ERRORS})
def support_add(request: AuthenticatedRequest, slug: str, proposal_id: int):
    """Support an idea, once (409 `already_supported`), not one's own (403 `own_proposal`),
    during the submission phase."""
    proposal = _proposal(request, slug, proposal_id)
    services.support_add(actor=request.user, proposal=proposal)
    return _one(request, slug, proposal_id)


@router.delete(f"{PROPOSAL}/support", response={200: ProposalOut, **ERRORS})
def support_remove(request: AuthenticatedRequest, slug: str, proposal_id: int):
    """Take one's support back while the submission phase is open (409 `not_supported`)."""
    proposal = _proposal(request, slug, proposal_id)
    services.support_remove(actor=request.user, proposal=proposal)
    return _one(request, slug, proposal_id)


# --- The municipality's staff -------------------------------------------------------------------


@router.get(f"{MUNICIPAL}/staff/proposals", response={200: StaffProposalPageOut, **ERRORS})
def staff_queue(request: AuthenticatedRequest, slug: str, query: Query[QueueQuery]):
    """The municipality's ideas for its staff: those over the threshold and unanswered first.
    `state`: awaiting (default), answered, below, all; `consultation`; `status`."""
    import re

    municipality = _municipality(slug)
    require(request.user, "participation.manage_proposals", municipality)
    if query.state not in selectors.QUEUE_STATES:
        raise _invalid("state", ", ".join(selectors.QUEUE_STATES))
    if not re.match(STATUS_PATTERN, query.status):
        raise _invalid("status", STATUS_PATTERN)
    found = selectors.staff_queue(
        municipality=municipality,
        filters=selectors.QueueFilters(
            state=query.state, consultation_id=query.consultation, status=query.status
        ),
    )
    page = Paginator(found, selectors.PAGE_SIZE).get_page(query.page)
    items = list(page)
    return {
        "items": [_shape(request, p, set()) for p in items],
        "count": page.paginator.count,
        "page": page.number,
        "pages": page.paginator.num_pages,
    }


@router.post(f"{PROPOSAL}/answer", response={200: ProposalOut, **ERRORS})
def proposal_answer(request: AuthenticatedRequest, slug: str, proposal_id: int, payload: AnswerIn):
    """Publish the city's official answer (status and text); the author and the supporters
    are told. Answering again replaces the answer."""
    proposal = _proposal(request, slug, proposal_id)
    services.proposal_answer(
        actor=request.user,
        proposal=proposal,
        status=payload.status,
        answer=payload.answer,
        language=payload.language,
    )
    return _one(request, slug, proposal_id)


@router.post(f"{PROPOSAL}/status", response={200: ProposalOut, **ERRORS})
def proposal_status(request: AuthenticatedRequest, slug: str, proposal_id: int, payload: StatusIn):
    """Move an idea to an official status without a new answer (an answered status needs an
    answer first); the author is told."""
    proposal = _proposal(request, slug, proposal_id)
    services.proposal_status_set(actor=request.user, proposal=proposal, status=payload.status)
    return _one(request, slug, proposal_id)


@router.post(f"{PROPOSAL}/hide", response={200: ProposalOut, **ERRORS})
def proposal_hide(request: AuthenticatedRequest, slug: str, proposal_id: int, payload: HideIn):
    """Hide an idea from the public, with a reason its author reads."""
    proposal = _proposal(request, slug, proposal_id)
    services.proposal_hide(actor=request.user, proposal=proposal, reason=payload.reason)
    return _one(request, slug, proposal_id)


@router.post(f"{PROPOSAL}/unhide", response={200: ProposalOut, **ERRORS})
def proposal_unhide(request: AuthenticatedRequest, slug: str, proposal_id: int):
    """Show a hidden idea again."""
    proposal = _proposal(request, slug, proposal_id)
    services.proposal_unhide(actor=request.user, proposal=proposal)
    return _one(request, slug, proposal_id)
