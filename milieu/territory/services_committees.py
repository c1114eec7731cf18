"""Every write on inter-municipal committees: committees, seats, motions, votes, rounds.

The rules (see `models_committees` for the shapes):

- The region's consortium administrator creates a committee and gives each member municipality
  its seat, held by a delegate who holds a staff or administrator role in that municipality; one
  open seat per municipality and per person on a committee (database constraints).
- A delegate proposes a motion: its equal round opens at once and the other delegates are told.
- A delegate votes for their municipality while the round is open: one municipality, one vote
  per round (a UNIQUE constraint; a second vote is refused and changes nothing). The vote keeps
  the municipality's population of the moment.
- The consortium administrator or the proposer closes a round; it closes by itself once every
  seated municipality has voted. Equal round: adopted when yes > no (abstentions do not count),
  rejected when no > yes, tied otherwise. It is *contested* when tied or close: the losing side
  holds at least `CONTESTED_SHARE` of the yes and no votes.
- Once a contested equal round is closed, any delegate of the committee may ask, once per motion
  and with a reason, for a vote weighted by population: a new round opens, each municipality
  votes again and weighs its population; adopted when the population for exceeds the population
  against. Its result is the motion's, respected by the whole group.

Values arrive as plain dicts or keyword arguments (from a form or an API payload) and are checked
here, so that pages and API refuse the same things with the same messages. A refused write
leaves the database as it was.
"""

from __future__ import annotations

from collections.abc import Iterable
from fractions import Fraction
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Sum
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from milieu.core.errors import Conflict, PermissionDenied, field_error
from milieu.core.mixins import LANGUAGE_CODES
from milieu.core.permissions import require
from milieu.notifications.services import notify_after_commit

from .models import Municipality, Region
from .models_committees import (
    Committee,
    CommitteeSeat,
    Motion,
    MotionRound,
    MotionStatus,
    MotionVote,
    RoundKind,
    RoundOutcome,
    VoteChoice,
)
from .permissions_committees import active_seat

TOPIC = "committees"
# An equal vote is contested when the losing side holds at least this share of yes and no votes.
CONTESTED_SHARE = Fraction(1, 4)


# --- Checking values ----------------------------------------------------------------------------


def _text(values: dict[str, Any], field: str, limit: int, *, required: bool = False) -> str:
    value = str(values.get(field) or "").strip()
    if "\x00" in value:
        raise field_error(field, _("This text contains a character that cannot be stored."))
    if len(value) > limit:
        raise field_error(field, _("At most %(limit)s characters.") % {"limit": limit})
    if required and not value:
        raise field_error(field, _("This field is required."))
    return value


def _language(values: dict[str, Any]) -> str:
    language = str(values.get("language") or "fr")
    if language not in LANGUAGE_CODES:
        raise field_error("language", _("Choose among French, English and Spanish."))
    return language


# --- Committees and seats -----------------------------------------------------------------------


@transaction.atomic
def committee_create(*, actor, region: Region, values: dict[str, Any]) -> Committee:
    """A new committee of `region`, by its consortium administrator."""
    require(
        actor,
        "territory.create_committee",
        region,
        _("Only the region's consortium administrator creates committees."),
    )
    name = _text(values, "name", 200, required=True)
    slug = slugify(_text(values, "slug", 80) or name)[:80].strip("-")
    if not slug:
        raise field_error("slug", _("Give a web address made of letters, digits and dashes."))
    purpose = _text(values, "purpose", 2000)
    language = _language(values)
    if Committee.objects.filter(region=region, slug=slug).exists():
        raise field_error("slug", _("Another committee of the region has this web address."))
    try:
        with transaction.atomic():
            return Committee.objects.create(
                region=region,
                slug=slug,
                name=name,
                purpose=purpose,
                language=language,
                created_by=actor,
            )
    except IntegrityError:  # created at the same time by someone else
        raise field_error(
            "slug", _("Another committee of the region has this web address.")
        ) from None


def holds_delegate_role(user, municipality: Municipality) -> bool:
    """Whether `user` holds a staff or administrator role in `municipality` (who may sit)."""
    from milieu.accounts.models import STAFF_ROLES, RoleAssignment

    return (
        RoleAssignment.objects.active()
        .filter(user=user, municipality=municipality, role__in=STAFF_ROLES)
        .exists()
    )


@transaction.atomic
def seat_assign(*, actor, committee: Committee, municipality, delegate) -> CommitteeSeat:
    """Give `municipality` its seat on `committee`, held by `delegate` (a staff member or
    administrator of that municipality). A municipality with an open seat must have it ended
    first: one representative per city per committee."""
    require(
        actor,
        "territory.manage_seats",
        committee,
        _("Only the region's consortium administrator assigns seats."),
    )
    if not isinstance(municipality, Municipality) or municipality.region_id != committee.region_id:
        raise field_error("municipality", _("Choose a member municipality of the region."))
    if delegate is None or not getattr(delegate, "is_active", False):
        raise field_error("delegate", _("Choose the person who will sit for the municipality."))
    if not holds_delegate_role(delegate, municipality):
        raise field_error(
            "delegate",
            _("The delegate must be a staff member or administrator of %(municipality)s.")
            % {"municipality": municipality.name},
        )
    open_seats = CommitteeSeat.objects.select_for_update().filter(
        committee=committee, until__isnull=True
    )
    if open_seats.filter(municipality=municipality).exists():
        raise field_error(
            "municipality",
            _(
                "%(municipality)s already has a delegate on this committee: end that seat "
                "first (one representative per municipality)."
            )
            % {"municipality": municipality.name},
        )
    if open_seats.filter(delegate=delegate).exists():
        raise field_error("delegate", _("This person already sits on this committee."))
    try:
        with transaction.atomic():
            return CommitteeSeat.objects.create(
                committee=committee, municipality=municipality, delegate=delegate
            )
    except IntegrityError:  # assigned at the same time by someone else
        raise Conflict(
            _("This seat was just assigned; reload the page."), code="seat_taken"
        ) from None


@transaction.atomic
def seat_end(*, actor, seat: CommitteeSeat) -> CommitteeSeat:
    """End a seat (the delegate leaves the committee; their votes stay)."""
    require(
        actor,
        "territory.manage_seats",
        seat.committee,
        _("Only the region's consortium administrator ends seats."),
    )
    seat = CommitteeSeat.objects.select_for_update().get(pk=seat.pk)
    if seat.until is not None:
        raise Conflict(_("This seat has already ended."), code="wrong_state")
    seat.until = timezone.now()
    seat.save(update_fields=["until"])
    return seat


# --- Motions ------------------------------------------------------------------------------------


def _seat_or_refuse(actor, committee: Committee) -> CommitteeSeat:
    seat = active_seat(actor, committee)
    if seat is None:
        raise PermissionDenied(_("Only the delegates seated on this committee may do this."))
    return seat


@transaction.atomic
def motion_propose(*, actor, committee: Committee, values: dict[str, Any]) -> Motion:
    """A delegate's motion, put at once to the equal vote; the other delegates are told."""
    require(
        actor,
        "territory.propose_motion",
        committee,
        _("Only the delegates seated on this committee propose motions."),
    )
    seat = _seat_or_refuse(actor, committee)
    title = _text(values, "title", 200, required=True)
    text = _text(values, "text", 10_000)
    language = _language(values)
    # The committee's row is the lock under which motion numbers are taken.
    Committee.objects.select_for_update().filter(pk=committee.pk).values_list("pk").first()
    number = (committee.motions.aggregate(last=Max("number"))["last"] or 0) + 1
    now = timezone.now()
    motion = Motion.objects.create(
        committee=committee,
        number=number,
        title=title,
        text=text,
        language=language,
        proposed_by=actor,
        proposed_by_municipality=seat.municipality,
        created_at=now,
    )
    MotionRound.objects.create(motion=motion, kind=RoundKind.EQUAL, opened_at=now)
    _tell_delegates(
        committee,
        motion,
        exclude=actor.pk,
        key=f"committees:motion:{motion.pk}:opened",
        title=lambda: (
            _("%(committee)s: motion %(number)s, “%(title)s”, is open for your vote.")
            % {"committee": committee.name, "number": motion.number, "title": motion.title}
        ),
    )
    return motion


def _locked(motion: Motion) -> Motion:
    """The motion as it is now, locked: every write on a motion starts here, and its permission
    is checked on what it reads."""
    return (
        Motion.objects.select_for_update(of=("self",))
        .select_related("committee__region")
        .get(pk=motion.pk)
    )


def _current_round(motion: Motion) -> MotionRound:
    return MotionRound.objects.select_for_update().get(motion=motion, kind=motion.stage)


@transaction.atomic
def motion_vote(*, actor, motion: Motion, choice: str) -> MotionVote:
    """The actor's municipality's vote in the motion's open round. A municipality votes once
    per round: a second vote is refused (`already_voted`) and changes nothing."""
    motion = _locked(motion)
    require(
        actor,
        "territory.vote_motion",
        motion,
        _("Only the delegates seated on this committee vote, while the vote is open."),
    )
    if choice not in VoteChoice.values:
        raise field_error("choice", _("Choose yes, no or abstain."))
    seat = _seat_or_refuse(actor, motion.committee)
    kind = motion.stage
    if MotionVote.objects.filter(
        motion=motion, round=kind, municipality=seat.municipality
    ).exists():
        raise Conflict(_already_voted(seat.municipality), code="already_voted")
    try:
        with transaction.atomic():
            vote = MotionVote.objects.create(
                motion=motion,
                round=kind,
                municipality=seat.municipality,
                cast_by=actor,
                choice=choice,
                population=seat.municipality.population,
            )
    except IntegrityError:  # the same municipality, at the same time
        raise Conflict(_already_voted(seat.municipality), code="already_voted") from None
    waiting = (
        CommitteeSeat.objects.filter(committee=motion.committee, until__isnull=True)
        .exclude(
            municipality__in=MotionVote.objects.filter(motion=motion, round=kind).values(
                "municipality"
            )
        )
        .exists()
    )
    if not waiting:
        _close(motion, closed_by=None)
    return vote


def _already_voted(municipality) -> str:
    return _("%(municipality)s has already voted in this round; a vote cannot be changed.") % {
        "municipality": municipality.name
    }


@transaction.atomic
def motion_close_round(*, actor, motion: Motion) -> Motion:
    """Close the open round (the consortium administrator or the proposer) and record its
    result."""
    motion = _locked(motion)
    require(
        actor,
        "territory.close_motion_round",
        motion,
        _("Only the consortium administrator or the motion's proposer closes an open vote."),
    )
    _close(motion, closed_by=actor)
    return motion


def tally(motion: Motion, kind: str) -> dict[str, int]:
    """Counts and population sums of a round's votes, by choice (from the votes' snapshots)."""
    result = {f"{prefix}{choice}": 0 for choice in VoteChoice.values for prefix in ("", "pop_")}
    rows = (
        MotionVote.objects.filter(motion=motion, round=kind)
        .values("choice")
        .annotate(count=Count("pk"), population=Sum("population"))
        .order_by()
    )
    for row in rows:
        result[row["choice"]] = row["count"]
        result[f"pop_{row['choice']}"] = row["population"] or 0
    return result


def outcome_of(yes: int, no: int) -> str:
    if yes > no:
        return RoundOutcome.ADOPTED
    if no > yes:
        return RoundOutcome.REJECTED
    return RoundOutcome.TIED


def is_contested(yes: int, no: int) -> bool:
    """A tie, or a close result: the losing side holds at least CONTESTED_SHARE of yes + no."""
    if yes == no:
        return True
    return Fraction(min(yes, no), yes + no) >= CONTESTED_SHARE


def _close(motion: Motion, *, closed_by) -> None:
    vote_round = _current_round(motion)
    counts = tally(motion, vote_round.kind)
    vote_round.yes, vote_round.no, vote_round.abstain = (
        counts["yes"],
        counts["no"],
        counts["abstain"],
    )
    vote_round.population_yes = counts["pop_yes"]
    vote_round.population_no = counts["pop_no"]
    vote_round.population_abstain = counts["pop_abstain"]
    if vote_round.is_weighted:
        vote_round.outcome = outcome_of(vote_round.population_yes, vote_round.population_no)
        vote_round.contested = False
    else:
        vote_round.outcome = outcome_of(vote_round.yes, vote_round.no)
        vote_round.contested = is_contested(vote_round.yes, vote_round.no)
    now = timezone.now()
    vote_round.closed_at = now
    vote_round.closed_by = closed_by
    vote_round.save()
    motion.status = vote_round.outcome  # the outcomes are statuses too
    motion.closed_at = now
    motion.save(update_fields=["status", "closed_at"])


@transaction.atomic
def motion_call_weighted(*, actor, motion: Motion, reason: str) -> MotionRound:
    """Ask for the vote weighted by population, once per motion, after a contested equal vote;
    any delegate of the committee may, with a reason. The other delegates are told."""
    motion = _locked(motion)
    require(
        actor,
        "territory.call_weighted_vote",
        motion,
        _("Only the delegates seated on this committee may ask for a weighted vote."),
    )
    reason = _text({"reason": reason}, "reason", 2000, required=True)
    seat = _seat_or_refuse(actor, motion.committee)
    if motion.status == MotionStatus.WITHDRAWN:
        raise Conflict(_("This motion was withdrawn."), code="withdrawn")
    if motion.stage == RoundKind.WEIGHTED:
        raise Conflict(
            _("A weighted vote has already been asked for on this motion; it is held once."),
            code="weighted_already",
        )
    if motion.is_open:
        raise Conflict(
            _("The equal vote is still open: a weighted vote may be asked for once it is closed."),
            code="equal_open",
        )
    equal = MotionRound.objects.get(motion=motion, kind=RoundKind.EQUAL)
    if not equal.contested:
        raise Conflict(
            _("The equal vote was not contested (a tie or a close result): its result stands."),
            code="not_contested",
        )
    now = timezone.now()
    try:
        with transaction.atomic():
            weighted = MotionRound.objects.create(
                motion=motion,
                kind=RoundKind.WEIGHTED,
                opened_at=now,
                called_by=actor,
                called_by_municipality=seat.municipality,
                reason=reason,
            )
    except IntegrityError:  # asked for at the same time by another delegate
        raise Conflict(
            _("A weighted vote has already been asked for on this motion; it is held once."),
            code="weighted_already",
        ) from None
    motion.status = MotionStatus.OPEN
    motion.stage = RoundKind.WEIGHTED
    motion.closed_at = None
    motion.save(update_fields=["status", "stage", "closed_at"])
    committee = motion.committee
    _tell_delegates(
        committee,
        motion,
        exclude=actor.pk,
        key=f"committees:motion:{motion.pk}:weighted",
        title=lambda: (
            _(
                "%(committee)s: %(municipality)s asks for a vote weighted by population on "
                "motion %(number)s, “%(title)s”."
            )
            % {
                "committee": committee.name,
                "municipality": seat.municipality.name,
                "number": motion.number,
                "title": motion.title,
            }
        ),
    )
    return weighted


@transaction.atomic
def motion_withdraw(*, actor, motion: Motion) -> Motion:
    """Withdraw a motion while its equal vote is open (its proposer or the administrator)."""
    motion = _locked(motion)
    require(
        actor,
        "territory.withdraw_motion",
        motion,
        _("Only the proposer or the consortium administrator withdraws a motion during its vote."),
    )
    now = timezone.now()
    motion.status = MotionStatus.WITHDRAWN
    motion.closed_at = now
    motion.save(update_fields=["status", "closed_at"])
    MotionRound.objects.filter(motion=motion, closed_at__isnull=True).update(
        closed_at=now, closed_by=actor
    )
    return motion


# --- Notifications ------------------------------------------------------------------------------


def _tell_delegates(committee: Committee, motion: Motion, *, exclude: int, key: str, title):
    delegates: Iterable[tuple[int, int]] = CommitteeSeat.objects.filter(
        committee=committee, until__isnull=True
    ).values_list("delegate_id", "municipality_id")
    for user_id, _municipality_id in delegates:
        if user_id == exclude:
            continue
        notify_after_commit(
            user_id=user_id,
            topic=TOPIC,
            key=key,
            title=title,
            url_name="committees:motion",
            url_kwargs={
                "region_slug": committee.region.slug,
                "slug": committee.slug,
                "number": motion.number,
            },
        )
