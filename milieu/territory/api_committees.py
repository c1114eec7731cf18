"""The inter-municipal committees API (tag `committees`): a region's committees and their seats,
motions, votes, rounds and results — with the selectors, services, permissions and errors the
pages use.

Reading is public (no account needed): committees, seats (delegates by display name), motions and
results are the votes of municipalities, published for accountability; while a round is open,
only which municipalities voted is shown, not how. Writing needs a session: the region's
consortium administrator (with MFA) creates committees and assigns or ends seats; a seated
delegate proposes motions, votes for their municipality and asks for the weighted vote; the
administrator or the proposer closes a round. A refusal has the shared body
`{"error": {"code", "message", "fields"}}` and changes nothing.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.security import django_auth

from milieu.core.errors import ApplicationError
from milieu.core.http import AuthenticatedRequest, MilieuRequest
from milieu.core.schemas import ErrorOut

from . import selectors
from . import selectors_committees as committees
from . import services_committees as services
from .models import Municipality
from .models_committees import Committee, CommitteeSeat, Motion, MotionVote
from .schemas_committees import (
    CommitteeIn,
    CommitteeOut,
    MotionDetailOut,
    MotionIn,
    MotionPageOut,
    RoundOut,
    SeatIn,
    SeatOut,
    VoteIn,
    VoteOut,
    WeightedIn,
)

router = Router(tags=["committees"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}
BASE = "/regions/{region}/committees"
COMMITTEE = BASE + "/{slug}"
MOTION = COMMITTEE + "/motions/{number}"


# --- Lookups and shapes -------------------------------------------------------------------------


def _committee(region: str, slug: str) -> Committee:
    return committees.committee_get(region=selectors.region_get(slug=region), slug=slug)


def _motion(region: str, slug: str, number: int) -> Motion:
    return committees.motion_get(committee=_committee(region, slug), number=number)


def _town(municipality: Municipality | None) -> dict | None:
    if municipality is None:
        return None
    return {"slug": municipality.slug, "name": municipality.name}


def _seat(seat: CommitteeSeat) -> dict:
    return {
        "id": seat.pk,
        "municipality": _town(seat.municipality),
        "delegate": seat.delegate.display_name,
        "since": seat.since,
        "until": seat.until,
    }


def _committee_out(committee: Committee, seats: list[CommitteeSeat]) -> dict:
    return {
        "region": committee.region.slug,
        "slug": committee.slug,
        "name": committee.name,
        "purpose": committee.purpose,
        "language": committee.language,
        "created_at": committee.created_at,
        "seats": [_seat(seat) for seat in seats],
    }


def _motion_out(motion: Motion) -> dict:
    return {
        "number": motion.number,
        "title": motion.title,
        "text": motion.text,
        "language": motion.language,
        "status": motion.status,
        "round": motion.stage,
        "proposed_by": motion.proposed_by.display_name if motion.proposed_by else "",
        "proposed_by_municipality": _town(motion.proposed_by_municipality),
        "created_at": motion.created_at,
        "closed_at": motion.closed_at,
    }


def _rounds(motion: Motion) -> list[dict]:
    rounds = []
    for result in committees.motion_results(motion=motion):
        vote_round = result.round
        rounds.append(
            {
                "kind": vote_round.kind,
                "opened_at": vote_round.opened_at,
                "closed_at": vote_round.closed_at,
                "is_open": vote_round.is_open,
                "outcome": vote_round.outcome,
                "contested": vote_round.contested,
                "yes": vote_round.yes,
                "no": vote_round.no,
                "abstain": vote_round.abstain,
                "population_yes": vote_round.population_yes,
                "population_no": vote_round.population_no,
                "population_abstain": vote_round.population_abstain,
                "called_by_municipality": _town(vote_round.called_by_municipality),
                "reason": vote_round.reason,
                "votes": [
                    {
                        "municipality": _town(row.municipality),
                        "choice": row.choice,
                        "population": row.population,
                        "share": row.share,
                        "cast_by": row.cast_by,
                    }
                    for row in result.votes
                ],
                "waiting": [_town(municipality) for municipality in result.waiting],
            }
        )
    return rounds


def _motion_detail(motion: Motion) -> dict:
    return {**_motion_out(motion), "rounds": _rounds(motion)}


def _fresh(motion: Motion) -> Motion:
    return committees.motion_get(committee=motion.committee, number=motion.number)


# --- Committees and seats -----------------------------------------------------------------------


@router.get(BASE, response={200: list[CommitteeOut], **ERRORS})
def list_committees(request: MilieuRequest, region: str):
    """The region's committees, by name, with their open seats."""
    found = committees.committee_list(region=selectors.region_get(slug=region))
    return [_committee_out(committee, committee.open_seats) for committee in found]  # type: ignore[attr-defined]


@router.post(BASE, response={201: CommitteeOut, **ERRORS}, auth=django_auth)
def create_committee(request: AuthenticatedRequest, region: str, payload: CommitteeIn):
    """Create a committee (the region's consortium administrator)."""
    committee = services.committee_create(
        actor=request.user, region=selectors.region_get(slug=region), values=payload.dict()
    )
    return Status(201, _committee_out(committee, []))


@router.get(COMMITTEE, response={200: CommitteeOut, **ERRORS})
def get_committee(request: MilieuRequest, region: str, slug: str):
    committee = _committee(region, slug)
    return _committee_out(committee, committees.seat_list(committee=committee))


@router.get(COMMITTEE + "/seats", response={200: list[SeatOut], **ERRORS})
def list_seats(request: MilieuRequest, region: str, slug: str, ended: bool = False):
    """The open seats by municipality; with `ended=true`, the ended ones too (the history)."""
    committee = _committee(region, slug)
    return [_seat(seat) for seat in committees.seat_list(committee=committee, ended=ended)]


@router.post(COMMITTEE + "/seats", response={201: SeatOut, **ERRORS}, auth=django_auth)
def assign_seat(request: AuthenticatedRequest, region: str, slug: str, payload: SeatIn):
    """Give a member municipality its seat, held by one of its staff or administrators (the
    consortium administrator). One open seat per municipality: end the current one first."""
    from milieu.accounts.models import User

    committee = _committee(region, slug)
    municipality = Municipality.objects.filter(
        region=committee.region, slug=payload.municipality
    ).first()
    delegate = User.objects.filter(pk=payload.delegate).first()
    if municipality is None and request.user.has_perm("territory.manage_seats", committee):
        raise ApplicationError(
            _("Please correct the form."),
            code="validation",
            extra={"fields": {"municipality": [_("Choose a member municipality of the region.")]}},
        )
    seat = services.seat_assign(
        actor=request.user, committee=committee, municipality=municipality, delegate=delegate
    )
    return Status(201, _seat(seat))


@router.post(
    COMMITTEE + "/seats/{seat_id}/end", response={200: SeatOut, **ERRORS}, auth=django_auth
)
def end_seat(request: AuthenticatedRequest, region: str, slug: str, seat_id: int):
    committee = _committee(region, slug)
    seat = committees.seat_get(committee=committee, seat_id=seat_id)
    services.seat_end(actor=request.user, seat=seat)
    return _seat(committees.seat_get(committee=committee, seat_id=seat_id))


# --- Motions --------------------------------------------------------------------------------------


@router.get(COMMITTEE + "/motions", response={200: MotionPageOut, **ERRORS})
def list_motions(request: MilieuRequest, region: str, slug: str, page: int = 1):
    """The committee's motions, newest first, by pages of 20."""
    page = max(1, min(page, 10_000))
    motions, more = committees.motion_page(committee=_committee(region, slug), page=page)
    return {
        "items": [_motion_out(motion) for motion in motions],
        "next_page": page + 1 if more else None,
    }


@router.post(COMMITTEE + "/motions", response={201: MotionDetailOut, **ERRORS}, auth=django_auth)
def create_motion(request: AuthenticatedRequest, region: str, slug: str, payload: MotionIn):
    """Propose a motion (a seated delegate): its equal vote opens at once."""
    motion = services.motion_propose(
        actor=request.user, committee=_committee(region, slug), values=payload.dict()
    )
    return Status(201, _motion_detail(_fresh(motion)))


@router.get(MOTION, response={200: MotionDetailOut, **ERRORS})
def get_motion(request: MilieuRequest, region: str, slug: str, number: int):
    return _motion_detail(_motion(region, slug, number))


@router.get(MOTION + "/results", response={200: list[RoundOut], **ERRORS})
def motion_results(request: MilieuRequest, region: str, slug: str, number: int):
    """Each round: counts, population sums, outcome and each municipality's vote and weight
    (published once the round is closed)."""
    return _rounds(_motion(region, slug, number))


@router.post(MOTION + "/votes", response={201: VoteOut, **ERRORS}, auth=django_auth)
def vote(request: AuthenticatedRequest, region: str, slug: str, number: int, payload: VoteIn):
    """The vote of the delegate's municipality in the open round; once per round (409
    `already_voted` for a second one)."""
    cast: MotionVote = services.motion_vote(
        actor=request.user, motion=_motion(region, slug, number), choice=payload.choice
    )
    return Status(
        201,
        {
            "municipality": _town(cast.municipality),
            "round": cast.round,
            "choice": cast.choice,
            "population": cast.population,
            "cast_at": cast.cast_at,
        },
    )


@router.post(MOTION + "/close", response={200: MotionDetailOut, **ERRORS}, auth=django_auth)
def close_round(request: AuthenticatedRequest, region: str, slug: str, number: int):
    """Close the open round (the consortium administrator or the proposer)."""
    motion = _motion(region, slug, number)
    services.motion_close_round(actor=request.user, motion=motion)
    return _motion_detail(_fresh(motion))


@router.post(MOTION + "/weighted", response={201: MotionDetailOut, **ERRORS}, auth=django_auth)
def call_weighted_vote(
    request: AuthenticatedRequest, region: str, slug: str, number: int, payload: WeightedIn
):
    """Ask for the vote weighted by population (a seated delegate, with a reason): once per
    motion, after a contested equal vote is closed (409 `equal_open`, `not_contested`,
    `weighted_already` otherwise)."""
    motion = _motion(region, slug, number)
    services.motion_call_weighted(actor=request.user, motion=motion, reason=payload.reason)
    return Status(201, _motion_detail(_fresh(motion)))


@router.post(MOTION + "/withdraw", response={200: MotionDetailOut, **ERRORS}, auth=django_auth)
def withdraw_motion(request: AuthenticatedRequest, region: str, slug: str, number: int):
    motion = _motion(region, slug, number)
    services.motion_withdraw(actor=request.user, motion=motion)
    return _motion_detail(_fresh(motion))
