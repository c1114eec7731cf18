"""Writes of the newcomers part: newcomer and buddy profiles, pairings and their workflow,
check-in reminders, feedback, and the municipality's resource directory.

A pairing goes proposed → active (both accepted) → completed or ended (early, with a reason), or
proposed → declined (by either person). Any other move is refused with `Conflict` (409). One
pairing in progress (proposed or active) per newcomer is a database constraint.

Who: members who may take part (`community.take_part`) keep their own profiles; the
municipality's pairing coordinators (`community.coordinate_pairing`: staff or organisation
managers, with MFA) propose; the pairing's two people accept, decline and leave feedback
(`community.respond_to_pairing`); they and the coordinators end or complete an active pairing
(`community.close_pairing`); resources are managed with `community.manage_resources`.
Everyone concerned hears of each step through the `newcomer_pairing` topic, after the commit.
"""

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from milieu.core.errors import ApplicationError, Conflict, NotFound
from milieu.core.permissions import require
from milieu.notifications.services import in_every_language
from milieu.territory.models import District, Municipality

from .. import choices, handles, matching
from ..models import (
    Block,
    BuddyProfile,
    NewcomerProfile,
    NewcomerResource,
    Pairing,
    PairingFeedback,
)
from ..selectors.newcomers import require_module

CHECKIN_EVERY = dt.timedelta(days=14)
MAX_ABOUT = 1000
MAX_NOTE = 1000
MAX_REASON = 500
MAX_COMMENT = 1000
MAX_FUTURE_ARRIVAL = dt.timedelta(days=366)
TOPIC = "newcomer_pairing"
State = Pairing.State


# --- Validation ---------------------------------------------------------------------------------


def _invalid(fields: dict[str, list[str]]) -> ApplicationError:
    return ApplicationError(
        _("Some fields need correcting."), code="validation", extra={"fields": fields}
    )


def _keys(values: Iterable[str] | None, allowed: set[str], field: str, errors: dict) -> list[str]:
    """Known keys, each once, in the given order; unknown ones are an error on `field`."""
    found = list(dict.fromkeys(str(v) for v in (values or [])))
    unknown = [v for v in found if v not in allowed]
    if unknown:
        errors[field] = [_("Unknown choice: %(values)s.") % {"values": ", ".join(unknown)}]
    return found


def _text(value: str | None, limit: int, field: str, errors: dict) -> str:
    text = (value or "").strip()
    if len(text) > limit:
        errors[field] = [_("At most %(limit)d characters.") % {"limit": limit}]
    return text


def _district(municipality: Municipality, district_id: int | None, errors: dict):
    if district_id in (None, ""):
        return None
    district = District.objects.filter(municipality=municipality, pk=district_id).first()
    if district is None:
        errors["district"] = [_("Choose a district of %(name)s.") % {"name": municipality.name}]
    return district


# --- Profiles -----------------------------------------------------------------------------------


@transaction.atomic
def newcomer_profile_save(
    *,
    actor,
    municipality: Municipality,
    arrival_date: dt.date,
    languages_spoken: Iterable[str],
    languages_wanted: Iterable[str] = (),
    needs: Iterable[str] = (),
    interests: Iterable[str] = (),
    availability: Iterable[str] = (),
    district_id: int | None = None,
    about: str = "",
    seeking: bool = True,
) -> NewcomerProfile:
    """Create or update the actor's newcomer profile in the municipality ("I am new here")."""
    require_module(municipality)
    require(
        actor,
        "community.take_part",
        municipality,
        _("Only members of %(name)s can ask for a buddy here.") % {"name": municipality.name},
    )
    errors: dict[str, list[str]] = {}
    spoken = _keys(languages_spoken, choices.LANGUAGE_CODES, "languages_spoken", errors)
    if not spoken and "languages_spoken" not in errors:
        errors["languages_spoken"] = [_("Choose at least one language you speak.")]
    values: dict[str, Any] = {
        "languages_spoken": spoken,
        "languages_wanted": _keys(
            languages_wanted, choices.LANGUAGE_CODES, "languages_wanted", errors
        ),
        "needs": _keys(needs, choices.NEED_KEYS, "needs", errors),
        "interests": _keys(interests, choices.INTEREST_KEYS, "interests", errors),
        "availability": _keys(availability, choices.AVAILABILITY_KEYS, "availability", errors),
        "district": _district(municipality, district_id, errors),
        "about": _text(about, MAX_ABOUT, "about", errors),
        "seeking": bool(seeking),
        "arrival_date": arrival_date,
    }
    if not isinstance(arrival_date, dt.date):
        errors["arrival_date"] = [_("Enter the date of your arrival.")]
    elif arrival_date > timezone.localdate() + MAX_FUTURE_ARRIVAL:
        errors["arrival_date"] = [_("Enter a date within the coming year.")]
    elif arrival_date.year < 1900:
        errors["arrival_date"] = [_("Enter a real date.")]
    if errors:
        raise _invalid(errors)
    profile, _created = NewcomerProfile.objects.update_or_create(
        user=actor,
        municipality=municipality,
        defaults={**values, "updated_at": timezone.now()},
    )
    matching.buddies_changed(profile.municipality_id)
    return profile


@transaction.atomic
def buddy_profile_save(
    *,
    actor,
    municipality: Municipality,
    languages: Iterable[str],
    interests: Iterable[str] = (),
    availability: Iterable[str] = (),
    district_id: int | None = None,
    capacity: int = 1,
    about: str = "",
    active: bool = True,
) -> BuddyProfile:
    """Create or update the actor's buddy profile ("I want to welcome newcomers"). Lowering the
    capacity or pausing keeps the pairings in progress; it only stops new proposals."""
    require_module(municipality)
    require(
        actor,
        "community.take_part",
        municipality,
        _("Only members of %(name)s can welcome newcomers here.") % {"name": municipality.name},
    )
    errors: dict[str, list[str]] = {}
    spoken = _keys(languages, choices.LANGUAGE_CODES, "languages", errors)
    if not spoken and "languages" not in errors:
        errors["languages"] = [_("Choose at least one language you speak.")]
    if not isinstance(capacity, int) or not 1 <= capacity <= 5:
        errors["capacity"] = [_("Choose between 1 and 5 newcomers at a time.")]
    values: dict[str, Any] = {
        "languages": spoken,
        "interests": _keys(interests, choices.INTEREST_KEYS, "interests", errors),
        "availability": _keys(availability, choices.AVAILABILITY_KEYS, "availability", errors),
        "district": _district(municipality, district_id, errors),
        "about": _text(about, MAX_ABOUT, "about", errors),
        "capacity": capacity,
        "active": bool(active),
    }
    if errors:
        raise _invalid(errors)
    profile, _created = BuddyProfile.objects.update_or_create(
        user=actor,
        municipality=municipality,
        defaults={**values, "updated_at": timezone.now()},
    )
    matching.buddies_changed(profile.municipality_id)
    return profile


# --- Notifications ------------------------------------------------------------------------------


def _url(user, name: str, **kwargs) -> str:
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        return reverse(name, kwargs=kwargs)


def _pairing_url(user, pairing: Pairing, *, staff: bool = False) -> str:
    return _url(
        user,
        "newcomers_staff:pairing" if staff else "newcomers:pairing",
        municipality_slug=pairing.municipality.slug,
        pairing_id=pairing.pk,
    )


def _tell(
    users: Iterable, pairing: Pairing, step: str, title: Callable[[], str], body: Callable[[], str]
) -> None:
    """Notify each of `users` (after the commit) about `step` of the pairing; the coordinator
    who proposed it gets the back-office page, its two people their own."""
    from milieu.notifications.services import notify

    titles, bodies = in_every_language(title), in_every_language(body)
    party_ids = {pairing.newcomer.user_id, pairing.buddy.user_id}
    recipients = list({user.pk: user for user in users if user is not None}.values())

    def send() -> None:
        for user in recipients:
            notify(
                user=user,
                topic=TOPIC,
                key=f"pairing:{pairing.pk}:{step}",
                title=titles,
                body=bodies,
                url=_pairing_url(user, pairing, staff=user.pk not in party_ids),
                municipality=pairing.municipality,
            )

    transaction.on_commit(send)


def _others(actor, pairing: Pairing, *, coordinator: bool = True) -> list:
    people = [pairing.newcomer.user, pairing.buddy.user]
    if coordinator and pairing.proposed_by is not None:
        people.append(pairing.proposed_by)
    return [person for person in people if person.pk != actor.pk]


# --- Pairings -----------------------------------------------------------------------------------


def _locked(pairing: Pairing) -> Pairing:
    """The pairing's row, locked and read again (its state may have changed meanwhile); the
    related objects already loaded are kept."""
    fresh = Pairing.objects.select_for_update().get(pk=pairing.pk)
    for name in ("municipality", "newcomer", "buddy", "proposed_by"):
        if name in pairing._state.fields_cache:
            setattr(fresh, name, getattr(pairing, name))
    return fresh


def _side(actor, pairing: Pairing) -> str:
    return "newcomer" if actor.pk == pairing.newcomer.user_id else "buddy"


def _refuse(pairing: Pairing, doing: str) -> Conflict:
    state = pairing.get_state_display()
    messages = {
        "accept": _("This pairing can no longer be accepted: it is %(state)s."),
        "decline": _("This pairing can no longer be declined: it is %(state)s."),
        "end": _("Only an active pairing can be ended; this one is %(state)s."),
        "complete": _("Only an active pairing can be completed; this one is %(state)s."),
        "feedback": _("Feedback comes once the pairing is over; this one is %(state)s."),
    }
    return Conflict(messages[doing] % {"state": str(state).lower()}, code="invalid_state")


def why_not_proposable(newcomer: NewcomerProfile, buddy: BuddyProfile) -> str:
    """Why `buddy` cannot be proposed to `newcomer` (the error path of `pairing_propose`)."""
    if buddy.user_id == newcomer.user_id:
        return _("A person cannot be their own buddy.")
    if not buddy.active or not buddy.user.is_active:
        return _("This buddy is not available for new pairings.")
    if Block.objects.filter(
        blocker_id__in=[buddy.user_id, newcomer.user_id],
        blocked_id__in=[buddy.user_id, newcomer.user_id],
    ).exists():
        return _("This buddy cannot be proposed to this newcomer.")
    if Pairing.objects.filter(
        newcomer=newcomer, buddy=buddy, state__in=matching.NOT_AGAIN
    ).exists():
        return _("These two people were already paired, and it was declined or ended.")
    return _("This buddy already welcomes as many newcomers as they offered.")


@transaction.atomic
def pairing_propose(
    *, actor, newcomer: NewcomerProfile, buddy: BuddyProfile, note: str = ""
) -> Pairing:
    """A coordinator proposes `buddy` to `newcomer`, with the matching's score and reasons
    stored and an optional note to both. Both are notified; each then accepts or declines."""
    require(actor, "community.coordinate_pairing", newcomer.municipality)
    require_module(newcomer.municipality)
    if buddy.municipality_id != newcomer.municipality_id:
        raise NotFound(_("This buddy does not exist."))
    errors: dict[str, list[str]] = {}
    note = _text(note, MAX_NOTE, "note", errors)
    if errors:
        raise _invalid(errors)
    # The buddy's row is locked: two proposals at once cannot go past their capacity.
    BuddyProfile.objects.select_for_update().filter(pk=buddy.pk).first()
    NewcomerProfile.objects.select_for_update().filter(pk=newcomer.pk).first()
    newcomer.refresh_from_db(fields=["seeking"])
    if not newcomer.seeking:
        raise Conflict(_("This newcomer is not looking for a buddy at the moment."))
    if Pairing.objects.filter(newcomer=newcomer, state__in=Pairing.OPEN_STATES).exists():
        raise Conflict(
            _("This newcomer already has a pairing in progress."), code="pairing_in_progress"
        )
    match = matching.match_for(newcomer=newcomer, buddy=buddy)
    if match is None:
        raise Conflict(why_not_proposable(newcomer, buddy), code="buddy_unavailable")
    pairing = Pairing(
        municipality=newcomer.municipality,
        newcomer=newcomer,
        buddy=match.buddy,
        proposed_by=actor,
        note=note,
        score=match.score,
        explanation=match.explanation,
    )
    try:
        with transaction.atomic():
            pairing.save()
    except IntegrityError:  # another coordinator proposed someone meanwhile
        raise Conflict(
            _("This newcomer already has a pairing in progress."), code="pairing_in_progress"
        ) from None
    municipality = newcomer.municipality.name
    _tell(
        [newcomer.user],
        pairing,
        "proposed",
        lambda: _("A buddy is proposed to you"),
        lambda: (
            _(
                "A coordinator of %(municipality)s proposes a resident to welcome you. Read why, then "
                "accept or decline."
            )
            % {"municipality": municipality}
        ),
    )
    _tell(
        [match.buddy.user],
        pairing,
        "proposed",
        lambda: _("A newcomer is proposed to you"),
        lambda: (
            _(
                "A coordinator of %(municipality)s proposes that you welcome a newcomer. Read why, "
                "then accept or decline."
            )
            % {"municipality": municipality}
        ),
    )
    matching.buddies_changed(pairing.municipality_id)
    return pairing


@transaction.atomic
def pairing_accept(*, actor, pairing: Pairing) -> Pairing:
    """One side accepts. Once both have, the pairing is active: it starts now, the first
    check-in is in 14 days, and each sees the other's name and handle."""
    require(actor, "community.respond_to_pairing", pairing)
    pairing = _locked(pairing)
    if pairing.state != State.PROPOSED:
        raise _refuse(pairing, "accept")
    now = timezone.now()
    field = f"{_side(actor, pairing)}_accepted_at"
    if getattr(pairing, field) is not None:
        raise Conflict(_("You already accepted this pairing."), code="already_accepted")
    setattr(pairing, field, now)
    if pairing.newcomer_accepted_at and pairing.buddy_accepted_at:
        pairing.state = State.ACTIVE
        pairing.started_at = now
        pairing.next_checkin_at = now + CHECKIN_EVERY
        pairing.save(
            update_fields=[field, "state", "started_at", "next_checkin_at"],
        )
        for person in (pairing.newcomer.user, pairing.buddy.user):
            handles.profile_ensure(person)  # the other sees their handle from now on
        _tell(
            [pairing.newcomer.user, pairing.buddy.user, pairing.proposed_by],
            pairing,
            "active",
            lambda: _("Your pairing has started"),
            lambda: _("You both accepted. Say hello and plan a first meeting."),
        )
    else:
        pairing.save(update_fields=[field])
        _tell(
            _others(actor, pairing, coordinator=False),
            pairing,
            f"accepted:{_side(actor, pairing)}",
            lambda: _("The other person accepted the pairing"),
            lambda: _("Your answer is awaited: accept or decline the proposed pairing."),
        )
    matching.buddies_changed(pairing.municipality_id)
    return pairing


@transaction.atomic
def pairing_decline(*, actor, pairing: Pairing) -> Pairing:
    """One side declines a proposal (even after accepting it): the pairing is closed as
    declined; the other side and the coordinator are told."""
    require(actor, "community.respond_to_pairing", pairing)
    pairing = _locked(pairing)
    if pairing.state != State.PROPOSED:
        raise _refuse(pairing, "decline")
    pairing.state = State.DECLINED
    pairing.declined_by = actor
    pairing.ended_at = timezone.now()
    pairing.save(update_fields=["state", "declined_by", "ended_at"])
    _tell(
        _others(actor, pairing),
        pairing,
        "declined",
        lambda: _("A proposed pairing was declined"),
        lambda: _("The proposed pairing will not go ahead. A coordinator may propose another."),
    )
    matching.buddies_changed(pairing.municipality_id)
    return pairing


@transaction.atomic
def pairing_end(*, actor, pairing: Pairing, reason: str) -> Pairing:
    """Either side or a coordinator ends an active pairing early, saying why."""
    require(actor, "community.close_pairing", pairing)
    errors: dict[str, list[str]] = {}
    reason = _text(reason, MAX_REASON, "reason", errors)
    if not reason and not errors:
        errors["reason"] = [_("Say in a few words why the pairing ends.")]
    if errors:
        raise _invalid(errors)
    pairing = _locked(pairing)
    if pairing.state != State.ACTIVE:
        raise _refuse(pairing, "end")
    pairing.state = State.ENDED
    pairing.ended_at = timezone.now()
    pairing.end_reason = reason
    pairing.next_checkin_at = None
    pairing.save(update_fields=["state", "ended_at", "end_reason", "next_checkin_at"])
    _tell(
        _others(actor, pairing),
        pairing,
        "ended",
        lambda: _("A pairing ended early"),
        lambda: _("The pairing has ended. You may leave a short feedback about it."),
    )
    matching.buddies_changed(pairing.municipality_id)
    return pairing


@transaction.atomic
def pairing_complete(*, actor, pairing: Pairing) -> Pairing:
    """Either side or a coordinator marks an active pairing completed."""
    require(actor, "community.close_pairing", pairing)
    pairing = _locked(pairing)
    if pairing.state != State.ACTIVE:
        raise _refuse(pairing, "complete")
    pairing.state = State.COMPLETED
    pairing.ended_at = timezone.now()
    pairing.next_checkin_at = None
    pairing.save(update_fields=["state", "ended_at", "next_checkin_at"])
    _tell(
        _others(actor, pairing),
        pairing,
        "completed",
        lambda: _("A pairing is completed"),
        lambda: _("Thank you for taking part. You may leave a short feedback about it."),
    )
    matching.buddies_changed(pairing.municipality_id)
    return pairing


@transaction.atomic
def pairing_feedback(*, actor, pairing: Pairing, rating: int, comment: str = "") -> PairingFeedback:
    """Once a pairing is completed or ended, each of its two people may rate it once (1 to 5)
    with a short comment; the coordinators read it."""
    require(actor, "community.respond_to_pairing", pairing)
    errors: dict[str, list[str]] = {}
    if not isinstance(rating, int) or isinstance(rating, bool) or not 1 <= rating <= 5:
        errors["rating"] = [_("Choose a rating from 1 to 5.")]
    comment = _text(comment, MAX_COMMENT, "comment", errors)
    if errors:
        raise _invalid(errors)
    if pairing.state not in (State.COMPLETED, State.ENDED):
        raise _refuse(pairing, "feedback")
    feedback = PairingFeedback(pairing=pairing, author=actor, rating=rating, comment=comment)
    try:
        with transaction.atomic():
            feedback.save()
    except IntegrityError:
        raise Conflict(
            _("You already left feedback on this pairing."), code="feedback_given"
        ) from None
    return feedback


def allowed_actions(user, pairing: Pairing) -> list[str]:
    """What `user` may do with the pairing now: accept, decline, end, complete, feedback.
    (`has_feedback` on the pairing, when set, says whether the user already left feedback.)"""
    if not user.is_authenticated:
        return []
    party = user.pk in (pairing.newcomer.user_id, pairing.buddy.user_id)
    actions: list[str] = []
    if party and pairing.state == State.PROPOSED:
        if getattr(pairing, f"{_side(user, pairing)}_accepted_at") is None:
            actions.append("accept")
        actions.append("decline")
    if pairing.state == State.ACTIVE and user.has_perm("community.close_pairing", pairing):
        actions += ["complete", "end"]
    if party and pairing.state in (State.COMPLETED, State.ENDED):
        given = getattr(pairing, "has_feedback", None)
        if given is None:
            given = pairing.feedback.filter(author=user).exists()
        if not given:
            actions.append("feedback")
    return actions


# --- Check-ins ----------------------------------------------------------------------------------


def pairing_send_checkins(*, now: dt.datetime | None = None, batch: int = 500) -> int:
    """Remind both people of every active pairing whose check-in is due, and move the next
    check-in 14 days on (past `now`, if the sweep was not run for a while). Each reminder is
    one conditional UPDATE plus notifications keyed by the due date, in one transaction: a
    second or concurrent run sends nothing twice. Returns the number of pairings reminded."""
    now = now or timezone.now()
    reminded = 0
    last_pk = 0
    while True:
        due = list(
            Pairing.objects.filter(state=State.ACTIVE, next_checkin_at__lte=now, pk__gt=last_pk)
            .select_related("municipality", "newcomer__user", "buddy__user")
            .order_by("pk")[:batch]
        )
        if not due:
            return reminded
        for pairing in due:
            last_pk = pairing.pk
            if _checkin(pairing, now):
                reminded += 1


def _checkin(pairing: Pairing, now: dt.datetime) -> bool:
    from milieu.notifications.services import notify

    due_at = pairing.next_checkin_at
    assert due_at is not None
    next_at = due_at + CHECKIN_EVERY
    while next_at <= now:
        next_at += CHECKIN_EVERY
    with transaction.atomic():
        moved = Pairing.objects.filter(
            pk=pairing.pk, state=State.ACTIVE, next_checkin_at=due_at
        ).update(next_checkin_at=next_at, checkins_sent=F("checkins_sent") + 1)
        if not moved:  # ended, or reminded by a concurrent run
            return False
        titles = in_every_language(lambda: _("How is your pairing going?"))
        bodies = in_every_language(
            lambda: _(
                "It is time for a check-in: meet or write to each other. If something is wrong, "
                "you can end the pairing or tell the coordinator."
            )
        )
        for user in (pairing.newcomer.user, pairing.buddy.user):
            notify(
                user=user,
                topic=TOPIC,
                key=f"pairing:{pairing.pk}:checkin:{due_at.isoformat()}",
                title=titles,
                body=bodies,
                url=_pairing_url(user, pairing),
                municipality=pairing.municipality,
            )
    return True


# --- Resource directory -------------------------------------------------------------------------

RESOURCE_FIELDS = (
    "category",
    "name",
    "description_fr",
    "description_en",
    "description_es",
    "url",
    "phone",
    "email",
    "address",
    "languages",
    "published",
)


def _resource_values(values: dict[str, Any], *, partial: bool) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    clean: dict[str, Any] = {}
    limits = {
        "name": 200,
        "description_fr": 2000,
        "description_en": 2000,
        "description_es": 2000,
        "phone": 30,
        "address": 300,
        "url": 200,
        "email": 254,
    }
    for name, value in values.items():
        if name not in RESOURCE_FIELDS:
            continue
        if name == "category":
            if value not in NewcomerResource.Category.values:
                errors[name] = [_("Choose a category.")]
            clean[name] = value
        elif name == "languages":
            clean[name] = _keys(value, choices.LANGUAGE_CODES, name, errors)
        elif name == "published":
            clean[name] = bool(value)
        else:
            clean[name] = _text(value, limits[name], name, errors)
    for name in ("name", "description_fr"):
        if (name in clean or not partial) and not clean.get(name) and name not in errors:
            errors[name] = [_("This field is required.")]
    if not partial and "category" not in clean:
        errors["category"] = [_("Choose a category.")]
    validators: dict[str, Callable] = {
        "url": URLValidator(schemes=["http", "https"]),
        "email": EmailValidator(),
    }
    for name, validator in validators.items():
        if clean.get(name) and name not in errors:
            try:
                validator(clean[name])
            except DjangoValidationError:
                errors[name] = [
                    _("Enter a valid web address.") if name == "url" else _("Enter a valid email.")
                ]
    if errors:
        raise _invalid(errors)
    return clean


@transaction.atomic
def resource_create(*, actor, municipality: Municipality, **values: Any) -> NewcomerResource:
    """Add an organisation or service to the municipality's directory (French required)."""
    require(actor, "community.manage_resources", municipality)
    clean = _resource_values(values, partial=False)
    return NewcomerResource.objects.create(municipality=municipality, **clean)


@transaction.atomic
def resource_update(*, actor, resource: NewcomerResource, **values: Any) -> NewcomerResource:
    """Change some fields of a resource (those given); `published=False` unpublishes it."""
    require(actor, "community.manage_resources", resource.municipality)
    clean = _resource_values(values, partial=True)
    for name, value in clean.items():
        setattr(resource, name, value)
    resource.updated_at = timezone.now()
    resource.save(update_fields=[*clean, "updated_at"])
    return resource


@transaction.atomic
def resource_delete(*, actor, resource: NewcomerResource) -> None:
    require(actor, "community.manage_resources", resource.municipality)
    resource.delete()
