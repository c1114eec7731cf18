"""Reads of inter-municipal committees. Everything here is public (the votes of municipalities,
published for accountability), and names people by their display name only.

While a round is open, its votes are not shown (only which municipalities have voted), so that
no delegate votes after reading the others; once it is closed, each municipality's vote, its
weight and the sums are published, and never move again: they are read from the snapshots kept
in the votes and the round.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, QuerySet
from django.utils.translation import gettext as _

from milieu.core.errors import NotFound

from .models import Municipality, Region
from .models_committees import (
    Committee,
    CommitteeSeat,
    Motion,
    MotionRound,
    MotionVote,
    RoundKind,
    VoteChoice,
)

MOTIONS_PER_PAGE = 20


def _open_seats() -> QuerySet[CommitteeSeat]:
    return (
        CommitteeSeat.objects.filter(until__isnull=True)
        .select_related("municipality", "delegate")
        .order_by("municipality__name")
    )


def committee_list(*, region: Region) -> list[Committee]:
    """The region's committees, by name, each with its open seats and its number of motions."""
    return list(
        Committee.objects.filter(region=region)
        .annotate(motion_count=Count("motions"))
        .prefetch_related(Prefetch("seats", queryset=_open_seats(), to_attr="open_seats"))
        .order_by("name")
    )


def committee_get(*, region: Region, slug: str) -> Committee:
    """A committee of *this* region; another region's is simply not found."""
    committee = Committee.objects.filter(region=region, slug=slug).first()
    if committee is None:
        raise NotFound(_("This committee does not exist."))
    committee.region = region
    return committee


def seat_list(*, committee: Committee, ended: bool = False) -> list[CommitteeSeat]:
    """The committee's open seats by municipality (with the ended ones, latest first, on
    request)."""
    seats = CommitteeSeat.objects.filter(committee=committee).select_related(
        "municipality", "delegate"
    )
    if not ended:
        seats = seats.filter(until__isnull=True)
    return list(seats.order_by("until", "municipality__name", "-since"))


def seat_get(*, committee: Committee, seat_id: int) -> CommitteeSeat:
    seat = (
        CommitteeSeat.objects.select_related("municipality", "delegate")
        .filter(committee=committee, pk=seat_id)
        .first()
    )
    if seat is None:
        raise NotFound(_("This seat does not exist."))
    seat.committee = committee
    return seat


def motion_page(*, committee: Committee, page: int = 1) -> tuple[list[Motion], bool]:
    """One page of the committee's motions, newest first, and whether another page follows."""
    page = max(1, page)
    start = (page - 1) * MOTIONS_PER_PAGE
    rows = list(
        Motion.objects.filter(committee=committee)
        .select_related("proposed_by_municipality", "proposed_by")
        .order_by("-number")[start : start + MOTIONS_PER_PAGE + 1]
    )
    for motion in rows:
        motion.committee = committee
    return rows[:MOTIONS_PER_PAGE], len(rows) > MOTIONS_PER_PAGE


def motion_get(*, committee: Committee, number: int) -> Motion:
    motion = (
        Motion.objects.select_related("proposed_by", "proposed_by_municipality")
        .filter(committee=committee, number=number)
        .first()
    )
    if motion is None:
        raise NotFound(_("This motion does not exist."))
    motion.committee = committee
    return motion


@dataclass
class VoteRow:
    municipality: Municipality
    choice: str | None  # None while the round is open
    choice_label: str
    population: int
    cast_by: str
    share: float  # the vote's share of the weighted votes cast (percent), 0 for the equal round


@dataclass
class Bar:
    """One choice's part of a round's bar: its share (percent) and where it starts."""

    choice: str
    label: str
    percent: float
    offset: float

    @property
    def colour(self) -> str:
        """Green for, red against, grey abstaining (the legend says it in words too)."""
        return {"yes": "#1a7f37", "no": "#b3261e"}.get(self.choice, "#767676")


@dataclass
class RoundResult:
    round: MotionRound
    votes: list[VoteRow]
    waiting: list[Municipality] = field(default_factory=list)  # seated, not voted (open round)
    bars: list[Bar] = field(default_factory=list)

    @property
    def is_open(self) -> bool:
        return self.round.is_open


def _percent(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


def motion_results(*, motion: Motion) -> list[RoundResult]:
    """Each round of the motion, first to last: its votes (published once it is closed), who is
    still to vote while it is open, and the shares for a bar (of population for the weighted
    round, of votes for the equal one). Three queries, whatever the number of votes."""
    rounds = list(
        MotionRound.objects.filter(motion=motion)
        .select_related("called_by", "called_by_municipality")
        .order_by("opened_at", "pk")
    )
    votes = list(
        MotionVote.objects.filter(motion=motion)
        .select_related("municipality", "cast_by")
        .order_by("municipality__name")
    )
    labels = dict(VoteChoice.choices)
    results = []
    for vote_round in rounds:
        mine = [vote for vote in votes if vote.round == vote_round.kind]
        weighted = vote_round.kind == RoundKind.WEIGHTED
        total = sum(vote.population for vote in mine)
        rows = [
            VoteRow(
                municipality=vote.municipality,
                choice=None if vote_round.is_open else vote.choice,
                choice_label="" if vote_round.is_open else str(labels[vote.choice]),
                population=vote.population,
                cast_by=vote.cast_by.display_name if vote.cast_by else "",
                share=_percent(vote.population, total) if weighted else 0.0,
            )
            for vote in mine
        ]
        result = RoundResult(round=vote_round, votes=rows)
        if not vote_round.is_open:
            if weighted:
                parts = {
                    "yes": vote_round.population_yes,
                    "no": vote_round.population_no,
                    "abstain": vote_round.population_abstain,
                }
                whole = vote_round.population_voted
            else:
                parts = {"yes": vote_round.yes, "no": vote_round.no, "abstain": vote_round.abstain}
                whole = vote_round.voted
            offset = 0.0
            for choice in VoteChoice.values:
                percent = _percent(parts[choice], whole)
                result.bars.append(Bar(choice, str(labels[choice]), percent, round(offset, 1)))
                offset += percent
        results.append(result)
    if results and results[-1].is_open:
        voted = {row.municipality.pk for row in results[-1].votes}
        results[-1].waiting = [
            seat.municipality
            for seat in _open_seats().filter(committee_id=motion.committee_id)
            if seat.municipality.pk not in voted
        ]
    return results


def my_vote(*, motion: Motion, municipality: Municipality | None) -> MotionVote | None:
    """The vote of `municipality` in the motion's current round, if cast."""
    if municipality is None:
        return None
    return MotionVote.objects.filter(
        motion=motion, round=motion.stage, municipality=municipality
    ).first()


def delegate_candidates(*, region: Region) -> list[tuple[Municipality, object]]:
    """Who may sit for a member municipality of the region: its staff and administrators, as
    (municipality, person) pairs by municipality and name."""
    from milieu.accounts.models import STAFF_ROLES, RoleAssignment

    roles = (
        RoleAssignment.objects.active()
        .filter(municipality__region=region, role__in=STAFF_ROLES, user__is_active=True)
        .select_related("municipality", "user")
        .order_by("municipality__name", "user__display_name", "user_id")
    )
    pairs: list[tuple[Municipality, object]] = []
    seen: set[tuple[int, int]] = set()
    for role in roles:
        assert role.municipality is not None
        key = (role.municipality.pk, role.user_id)
        if key not in seen:
            seen.add(key)
            pairs.append((role.municipality, role.user))
    return pairs
