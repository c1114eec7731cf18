"""Every write of the events app: events and their dates, registrations and the waiting list,
check-in at the door, attractions, and the private calendar token.

Values arrive as a dict of plain values (from a form's `cleaned_data` or an API payload) and are
checked here, so that the pages and the API refuse the same things with the same messages
(`field_error`, code `validation`). A refused write leaves the database as it was.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from milieu.core import geo, ratelimit
from milieu.core.errors import ApplicationError, Conflict, NotFound, field_error
from milieu.core.permissions import require
from milieu.core.ratelimit import Limit
from milieu.notifications.services import notify_after_commit

from . import recurrence
from .models import (
    ALL_ACCESS,
    LANGUAGE_CODES,
    Attraction,
    AttractionKind,
    CalendarToken,
    Category,
    Event,
    EventStatus,
    Occurrence,
    OccurrenceStatus,
    Publisher,
    Registration,
    RegistrationStatus,
)
from .permissions import publishing_merchants, publishing_organisations

TOPIC = "events"
logger = logging.getLogger("milieu.events")
CHECK_IN_MARGIN = timedelta(hours=3)  # the door opens this long before the start, and after
MAX_DURATION = timedelta(days=31)
FIRST_YEAR, LAST_YEAR = 2000, 2100
LIMITS = {
    "event": [Limit(30, 3600), Limit(100, 86_400)],
    "register": [Limit(30, 3600), Limit(100, 86_400)],
}


@dataclass(frozen=True)
class CheckIn:
    registration: Registration
    points: int  # what the person earned now (0 when already checked in, or no rule applies)
    already: bool


# --- Checking values ----------------------------------------------------------------------------


def _text(values: dict[str, Any], field: str, limit: int) -> str:
    value = str(values.get(field) or "").strip()
    if "\x00" in value:
        raise field_error(field, _("This text contains a character that cannot be stored."))
    if len(value) > limit:
        raise field_error(field, _("At most %(limit)s characters.") % {"limit": limit})
    return value


def _url(values: dict[str, Any], field: str) -> str:
    value = _text(values, field, 200)
    if value:
        try:
            URLValidator(schemes=["http", "https"])(value)
        except ValidationError:
            raise field_error(field, _("Enter a web address starting with https://.")) from None
    return value


def _moment(values: dict[str, Any], field: str, tz) -> datetime:
    value = values.get(field)
    if isinstance(value, str):
        try:
            value = parse_datetime(value.strip())
        except ValueError:
            value = None
    if not isinstance(value, datetime):
        raise field_error(field, _("Enter a date and time."))
    if timezone.is_naive(value):
        value = value.replace(tzinfo=tz)
    if not FIRST_YEAR <= value.year <= LAST_YEAR:  # nor beyond what a calendar can compute
        raise field_error(
            field,
            _("Enter a date between %(first)s and %(last)s.")
            % {"first": FIRST_YEAR, "last": LAST_YEAR},
        )
    return value


def _translations(values: dict[str, Any], field: str, limit: int) -> dict[str, str]:
    return {f"{field}_{code}": _text(values, f"{field}_{code}", limit) for code in LANGUAGE_CODES}


def _original_language(values: dict[str, Any], titles: dict[str, str], field: str) -> str:
    written = [code for code in LANGUAGE_CODES if titles[f"{field}_{code}"]]
    if not written:
        raise field_error(f"{field}_fr", _("Give a title in at least one language."))
    chosen = str(values.get("original_language") or "")
    if chosen and chosen not in LANGUAGE_CODES:
        raise field_error("original_language", _("Choose among French, English and Spanish."))
    return chosen if chosen in written else written[0]


def _accessibility(values: dict[str, Any]) -> int:
    value = values.get("accessibility") or 0
    if isinstance(value, (list, tuple, set)):
        try:
            mask = 0
            for item in value:
                mask |= int(item)
        except (TypeError, ValueError):
            raise field_error("accessibility", _("Choose among the listed features.")) from None
    else:
        try:
            mask = int(value)
        except (TypeError, ValueError):
            raise field_error("accessibility", _("Choose among the listed features.")) from None
    if mask < 0 or mask & ~ALL_ACCESS:
        raise field_error("accessibility", _("Choose among the listed features."))
    return mask


def _place(values: dict[str, Any], municipality) -> dict[str, Any]:
    place: dict[str, Any] = {
        "place_name": _text(values, "place_name", 200),
        "address": _text(values, "address", 300),
        "latitude": None,
        "longitude": None,
    }
    latitude, longitude = values.get("latitude"), values.get("longitude")
    if latitude in (None, "") and longitude in (None, ""):
        cell = geo.cell_at(municipality.latitude, municipality.longitude)
    else:
        try:
            lat, lng = float(latitude), float(longitude)  # type: ignore[arg-type]
            cell = geo.cell_at(lat, lng)
            place["latitude"], place["longitude"] = lat, lng
        except (TypeError, ValueError):
            raise field_error(
                "latitude", _("Give both the latitude and the longitude of the place.")
            ) from None
        if geo.distance_km(cell, geo.cell_at(municipality.latitude, municipality.longitude)) > 60:
            raise field_error("latitude", _("This point is far from the municipality."))
    place.update(geo.cell_columns(cell))
    return place


def _publisher(values: dict[str, Any], actor, municipality) -> dict[str, Any]:
    from .permissions import is_city_staff

    kind = str(values.get("publisher") or Publisher.CITY)
    if kind == Publisher.CITY:
        if not is_city_staff(actor, municipality):
            raise field_error("publisher", _("Only the municipality's staff publish in its name."))
        return {"publisher": kind, "organisation": None, "merchant": None}
    if kind == Publisher.ORGANISATION:
        wanted = values.get("organisation")
        for organisation in publishing_organisations(actor, municipality):
            if str(organisation.pk) == str(getattr(wanted, "pk", wanted)):
                return {"publisher": kind, "organisation": organisation, "merchant": None}
        raise field_error(
            "organisation", _("Choose a verified organisation of yours that serves this town.")
        )
    if kind == Publisher.MERCHANT:
        wanted = values.get("merchant")
        for merchant in publishing_merchants(actor, municipality):
            if str(merchant.pk) == str(getattr(wanted, "pk", wanted)):
                return {"publisher": kind, "organisation": None, "merchant": merchant}
        raise field_error("merchant", _("Choose a verified business of yours in this town."))
    raise field_error("publisher", _("Choose who publishes the event."))


def _validate_event(values: dict[str, Any], municipality) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    clean.update(_translations(values, "title", 200))
    clean.update(_translations(values, "description", 5000))
    clean["original_language"] = _original_language(values, clean, "title")
    category = str(values.get("category") or "")
    if category not in Category.values:
        raise field_error("category", _("Choose a category."))
    clean["category"] = category
    time_zone = str(values.get("time_zone") or "America/Toronto")
    if not recurrence.is_zone(time_zone):
        raise field_error("time_zone", _("Unknown time zone."))
    clean["time_zone"] = time_zone
    tz = recurrence.zone(time_zone)
    starts_at = _moment(values, "starts_at", tz)
    ends_at = _moment(values, "ends_at", tz)
    if ends_at <= starts_at:
        raise field_error("ends_at", _("The end must come after the start."))
    if ends_at - starts_at > MAX_DURATION:
        raise field_error("ends_at", _("An event lasts at most 31 days; repeat it instead."))
    clean["starts_at"], clean["ends_at"] = starts_at.astimezone(UTC), ends_at.astimezone(UTC)
    try:
        clean["rrule"] = recurrence.clean_rrule(
            str(values.get("rrule") or ""), starts_at.astimezone(tz)
        )
    except recurrence.RuleError as error:
        raise field_error("rrule", str(error)) from None
    try:
        price = Decimal(str(values.get("price") or 0)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise field_error("price", _("Enter a price in dollars, 0 when free.")) from None
    if price < 0 or price >= Decimal("100000"):
        raise field_error("price", _("Enter a price in dollars, 0 when free."))
    clean["price"] = price
    clean["price_note"] = _text(values, "price_note", 200)
    clean["accessibility"] = _accessibility(values)
    clean["accessibility_note"] = _text(values, "accessibility_note", 500)
    for field in ("ticket_url", "audio_guide_url", "ar_url"):
        clean[field] = _url(values, field)
    clean["registration_required"] = bool(values.get("registration_required"))
    capacity = values.get("capacity")
    if capacity in (None, ""):
        clean["capacity"] = None
    else:
        try:
            clean["capacity"] = int(capacity)
        except (TypeError, ValueError):
            raise field_error("capacity", _("Enter a number of places.")) from None
        if not 1 <= clean["capacity"] <= 100_000:
            raise field_error("capacity", _("Enter a number of places between 1 and 100,000."))
    if not clean["registration_required"]:
        clean["capacity"] = None
    clean.update(_place(values, municipality))
    return clean


def event_values(event: Event) -> dict[str, Any]:
    """An event's current values, in the shape the services take (for a partial update)."""
    values = {
        field: getattr(event, field)
        for field in (
            *(f"{name}_{code}" for name in ("title", "description") for code in LANGUAGE_CODES),
            "original_language",
            "category",
            "time_zone",
            "starts_at",
            "ends_at",
            "rrule",
            "price",
            "price_note",
            "accessibility",
            "accessibility_note",
            "ticket_url",
            "audio_guide_url",
            "ar_url",
            "registration_required",
            "capacity",
            "place_name",
            "address",
            "latitude",
            "longitude",
            "publisher",
        )
    }
    values["organisation"] = event.organisation_id
    values["merchant"] = event.merchant_id
    return values


# --- Events -------------------------------------------------------------------------------------


@transaction.atomic
def event_create(*, actor, municipality, values: dict[str, Any]) -> Event:
    """A draft event in `municipality`, published in the name of the city, an organisation or a
    merchant the actor speaks for."""
    require(
        actor,
        "events.publish_in",
        municipality,
        _("Only the municipality, its verified organisations and merchants publish events."),
    )
    publisher = _publisher(values, actor, municipality)
    clean = _validate_event(values, municipality)
    ratelimit.hit("events.event", actor.pk, limits=LIMITS["event"])
    event = Event(municipality=municipality, created_by=actor, **publisher, **clean)
    event.save()
    return event


@transaction.atomic
def event_update(*, actor, event: Event, values: dict[str, Any]) -> Event:
    """Change an event; its dates follow its schedule (`_sync_occurrences`)."""
    require(actor, "events.manage_event", event)
    event = Event.objects.select_for_update().select_related("municipality").get(pk=event.pk)
    merged = {**event_values(event), **values}
    if {"publisher", "organisation", "merchant"} & set(values):
        publisher = _publisher(merged, actor, event.municipality)
    else:
        publisher = {}
    clean = _validate_event(merged, event.municipality)
    for field, value in {**clean, **publisher}.items():
        setattr(event, field, value)
    event.updated_at = timezone.now()
    event.save()
    if event.status != EventStatus.DRAFT:
        _sync_occurrences(event)
    return event


@transaction.atomic
def event_publish(*, actor, event: Event) -> Event:
    require(actor, "events.manage_event", event)
    event = Event.objects.select_for_update().select_related("municipality").get(pk=event.pk)
    if event.status != EventStatus.DRAFT:
        raise Conflict(_("This event is already published."), code="wrong_state")
    event.status = EventStatus.PUBLISHED
    event.published_at = event.updated_at = timezone.now()
    event.save(update_fields=["status", "published_at", "updated_at"])
    _sync_occurrences(event)
    return event


@transaction.atomic
def event_cancel(*, actor, event: Event, reason: str = "") -> Event:
    """Cancel the whole event; everyone registered is told."""
    require(actor, "events.manage_event", event)
    event = Event.objects.select_for_update().select_related("municipality").get(pk=event.pk)
    if event.status == EventStatus.CANCELLED:
        raise Conflict(_("This event is already cancelled."), code="wrong_state")
    reason = _text({"reason": reason}, "reason", 500)
    was_draft = event.status == EventStatus.DRAFT
    event.status = EventStatus.CANCELLED
    event.cancel_reason = reason
    event.updated_at = timezone.now()
    event.save(update_fields=["status", "cancel_reason", "updated_at"])
    if not was_draft:
        upcoming = event.occurrences.filter(
            status=OccurrenceStatus.SCHEDULED, ends_at__gt=timezone.now()
        )
        for occurrence in upcoming:
            _cancel_occurrence(occurrence)
    return event


@transaction.atomic
def occurrence_cancel(*, actor, occurrence: Occurrence) -> Occurrence:
    """Cancel one date of an event; the people registered for it are told."""
    require(actor, "events.manage_event", occurrence.event)
    occurrence = Occurrence.objects.select_for_update().get(pk=occurrence.pk)
    if occurrence.status == OccurrenceStatus.CANCELLED:
        raise Conflict(_("This date is already cancelled."), code="wrong_state")
    _cancel_occurrence(occurrence)
    # The event changed (a calendar feed lists the date as an exception): its revision moves.
    Event.objects.filter(pk=occurrence.event_id).update(updated_at=timezone.now())
    return occurrence


def _cancel_occurrence(occurrence: Occurrence) -> None:
    Occurrence.objects.filter(pk=occurrence.pk).update(status=OccurrenceStatus.CANCELLED)
    occurrence.status = OccurrenceStatus.CANCELLED
    event = occurrence.event
    for user_id, registration_id in occurrence.registrations.exclude(
        status=RegistrationStatus.CANCELLED
    ).values_list("user_id", "pk"):
        _tell(
            user_id=user_id,
            key=f"events:cancelled:{registration_id}",
            title=lambda: (
                _("“%(title)s” is cancelled on %(date)s.")
                % {"title": event.title, "date": _local_date(occurrence)}
            ),
            event=event,
        )


def _local_date(occurrence: Occurrence) -> str:
    from django.utils.formats import date_format

    tz = recurrence.zone(occurrence.event.time_zone)
    return date_format(occurrence.starts_at.astimezone(tz), "DATETIME_FORMAT")


def _sync_occurrences(event: Event, *, now: datetime | None = None) -> None:
    """Make the event's dates match its schedule up to the horizon: new dates are added, dates
    no longer in the schedule are deleted (or cancelled, and their registrants told, when
    someone registered), and kept dates take the event's capacity."""
    now = now or timezone.now()
    horizon = now + recurrence.HORIZON
    wanted = dict(
        recurrence.expand(
            starts_at=event.starts_at,
            ends_at=event.ends_at,
            time_zone=event.time_zone,
            rule=event.rrule,
            until=horizon,
            since=now,  # the dates over are kept as they are (below)
        )
    )
    existing = {occurrence.starts_at: occurrence for occurrence in event.occurrences.all()}
    scheduled = event.status == EventStatus.PUBLISHED
    for start, occurrence in existing.items():
        if start in wanted:
            changes: dict[str, Any] = {}
            if occurrence.ends_at != wanted[start]:
                changes["ends_at"] = wanted[start]
            if occurrence.municipality_id != event.municipality_id:
                changes["municipality_id"] = event.municipality_id
            if occurrence.capacity != event.capacity:
                changes["capacity"] = event.capacity
            if changes:
                if event.capacity is not None and occurrence.confirmed_count > event.capacity:
                    raise field_error(
                        "capacity",
                        _("%(count)s people already hold a place on %(date)s.")
                        % {"count": occurrence.confirmed_count, "date": _local_date(occurrence)},
                    )
                Occurrence.objects.filter(pk=occurrence.pk).update(**changes)
                if "capacity" in changes:
                    occurrence.capacity = event.capacity
                    _promote(occurrence)
        elif occurrence.ends_at > now:
            if occurrence.registrations.exists():
                if occurrence.status != OccurrenceStatus.CANCELLED:
                    _cancel_occurrence(occurrence)
            else:
                occurrence.delete()
    Occurrence.objects.bulk_create(
        [
            Occurrence(
                event=event,
                municipality_id=event.municipality_id,
                starts_at=start,
                ends_at=end,
                capacity=event.capacity,
                status=OccurrenceStatus.SCHEDULED if scheduled else OccurrenceStatus.CANCELLED,
            )
            for start, end in wanted.items()
            if start not in existing
        ]
    )
    Event.objects.filter(pk=event.pk).update(expanded_until=horizon)


def occurrences_extend(*, now: datetime | None = None, batch: int = 500) -> int:
    """Move every repeating published event's dates up to the horizon (a daily task)."""
    now = now or timezone.now()
    due = Event.objects.filter(status=EventStatus.PUBLISHED).exclude(rrule="")
    due = due.filter(
        Q(expanded_until__isnull=True) | Q(expanded_until__lt=now + timedelta(days=370))
    )
    done = 0
    for event in due.select_related("municipality").order_by("pk")[:batch]:
        try:
            with transaction.atomic():
                _sync_occurrences(event, now=now)
        except (ApplicationError, DatabaseError):
            # One event that cannot be brought up to date must not stop the others: it is
            # logged, and tried again tomorrow (not due before then).
            logger.exception("events: the dates of event %s could not be extended", event.pk)
            Event.objects.filter(pk=event.pk).update(expanded_until=now + timedelta(days=370))
        done += 1
    return done


# --- Registrations ------------------------------------------------------------------------------


def registration_create(*, actor, occurrence: Occurrence) -> Registration:
    """Take a place at a date, or a place on its waiting list when none is left. The place is
    taken by one conditional UPDATE under the occurrence's CHECK, so two people can never take
    the last place together."""
    require(actor, "events.register", occurrence, _("Registration is not open for this date."))
    ratelimit.hit("events.register", actor.pk, limits=LIMITS["register"])
    try:
        return _register(actor, occurrence)
    except IntegrityError:  # the same person, twice at once
        raise Conflict(_("You are already registered."), code="already_registered") from None


@transaction.atomic
def _register(actor, occurrence: Occurrence) -> Registration:
    # One write at a time per date, as `registration_cancel` does: without the lock, a place
    # freed between "it is full" and "join the queue" leaves people waiting beside a free place.
    list(Occurrence.objects.select_for_update().filter(pk=occurrence.pk).values_list("pk"))
    existing = (
        Registration.objects.select_for_update().filter(occurrence=occurrence, user=actor).first()
    )
    if existing is not None and existing.is_active:
        raise Conflict(_("You are already registered."), code="already_registered")
    took = (
        Occurrence.objects.filter(pk=occurrence.pk, status=OccurrenceStatus.SCHEDULED)
        .filter(Q(capacity__isnull=True) | Q(confirmed_count__lt=F("capacity")), waiting_count=0)
        .update(confirmed_count=F("confirmed_count") + 1)
    )
    if not took and not Occurrence.objects.filter(
        pk=occurrence.pk, status=OccurrenceStatus.SCHEDULED
    ).update(waiting_count=F("waiting_count") + 1):
        raise Conflict(_("This date is cancelled."), code="cancelled")
    now = timezone.now()
    status = RegistrationStatus.CONFIRMED if took else RegistrationStatus.WAITLISTED
    if existing is None:
        registration = Registration.objects.create(
            occurrence=occurrence,
            user=actor,
            status=status,
            ticket=secrets.token_urlsafe(18),
            created_at=now,
            queued_at=now,
        )
    else:
        registration = existing
        registration.status = status
        registration.queued_at = now
        registration.cancelled_at = None
        registration.promoted_at = None
        registration.save(update_fields=["status", "queued_at", "cancelled_at", "promoted_at"])
    registration.occurrence = occurrence
    return registration


@transaction.atomic
def registration_cancel(*, actor, registration: Registration) -> Registration:
    """Give up a place (the first person waiting takes it, and is told) or leave the waiting
    list."""
    require(actor, "events.cancel_registration", registration)
    occurrence = Occurrence.objects.select_for_update().get(pk=registration.occurrence_id)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status == RegistrationStatus.CANCELLED:
        raise Conflict(_("This registration is already cancelled."), code="wrong_state")
    if registration.checked_in_at is not None:
        raise Conflict(_("You were already checked in."), code="checked_in")
    was = registration.status
    registration.status = RegistrationStatus.CANCELLED
    registration.cancelled_at = timezone.now()
    registration.save(update_fields=["status", "cancelled_at"])
    if was == RegistrationStatus.CONFIRMED:
        Occurrence.objects.filter(pk=occurrence.pk).update(confirmed_count=F("confirmed_count") - 1)
        occurrence.confirmed_count -= 1
        _promote(occurrence)
    else:
        Occurrence.objects.filter(pk=occurrence.pk).update(waiting_count=F("waiting_count") - 1)
    registration.occurrence = occurrence
    return registration


def _promote(occurrence: Occurrence) -> None:
    """Give the free places of a date to the people waiting, first come first served."""
    occurrence.refresh_from_db(fields=["capacity", "confirmed_count", "waiting_count", "status"])
    if occurrence.status != OccurrenceStatus.SCHEDULED or occurrence.ends_at <= timezone.now():
        return
    free = None if occurrence.capacity is None else occurrence.capacity - occurrence.confirmed_count
    if free is not None and free <= 0:
        return
    waiting = (
        occurrence.registrations.select_for_update()
        .filter(status=RegistrationStatus.WAITLISTED)
        .order_by("queued_at", "pk")
    )
    promoted = list(waiting if free is None else waiting[:free])
    if not promoted:
        return
    now = timezone.now()
    Registration.objects.filter(pk__in=[r.pk for r in promoted]).update(
        status=RegistrationStatus.CONFIRMED, promoted_at=now
    )
    Occurrence.objects.filter(pk=occurrence.pk).update(
        confirmed_count=F("confirmed_count") + len(promoted),
        waiting_count=F("waiting_count") - len(promoted),
    )
    event = occurrence.event
    for registration in promoted:
        _tell(
            user_id=registration.user_id,
            key=f"events:promoted:{registration.pk}:{now.timestamp():.0f}",
            title=lambda: (
                _("A place freed up: you are registered for “%(title)s” on %(date)s.")
                % {"title": event.title, "date": _local_date(occurrence)}
            ),
            event=event,
        )


def _tell(*, user_id: int, key: str, title, event: Event) -> None:
    notify_after_commit(
        user_id=user_id,
        topic=TOPIC,
        key=key,
        title=title,
        url_name="events:event",
        url_kwargs={"municipality_slug": event.municipality.slug, "event_id": event.pk},
        municipality=event.municipality,
    )


# --- Check-in -----------------------------------------------------------------------------------


def check_in(*, actor, ticket: str, event: Event | None = None, now=None) -> CheckIn:
    """Check a person in at the door from the ticket their QR code carries, and award the
    program's attendance points once. Only those who manage the event scan its tickets, and
    only around the date (`CHECK_IN_MARGIN`)."""
    now = now or timezone.now()
    ticket = str(ticket or "").strip()
    registration = (
        Registration.objects.select_related(
            "user",
            "occurrence__event__municipality",
            "occurrence__event__organisation",
            "occurrence__event__merchant",
        )
        .filter(ticket=ticket)
        .first()
        if 10 <= len(ticket) <= 40
        else None
    )
    if registration is None:
        raise NotFound(_("This ticket is not valid."), code="unknown_ticket")
    occurrence = registration.occurrence
    require(
        actor,
        "events.manage_event",
        occurrence.event,
        _("Only the event's organisers check people in."),
    )
    if event is not None and occurrence.event_id != event.pk:
        raise Conflict(_("This ticket is for another event."), code="other_event")
    if registration.status != RegistrationStatus.CONFIRMED:
        raise Conflict(
            _("This person has no confirmed place (waiting list or cancelled)."),
            code="not_confirmed",
        )
    if not (occurrence.starts_at - CHECK_IN_MARGIN <= now <= occurrence.ends_at + CHECK_IN_MARGIN):
        raise Conflict(_("This ticket is for another date."), code="other_date")
    with transaction.atomic():
        marked = Registration.objects.filter(
            pk=registration.pk, checked_in_at__isnull=True, status=RegistrationStatus.CONFIRMED
        ).update(checked_in_at=now, checked_in_by=actor)
        if not marked:
            registration.refresh_from_db(fields=["checked_in_at", "status"])
            return CheckIn(registration=registration, points=0, already=True)
        registration.checked_in_at, registration.checked_in_by = now, actor
        points = _award_attendance(registration)
    return CheckIn(registration=registration, points=points, already=False)


def _award_attendance(registration: Registration) -> int:
    from milieu.rewards import services as rewards
    from milieu.rewards.models import EarningRule

    municipality = registration.occurrence.event.municipality
    with suppress(ApplicationError):
        award = rewards.points_award(
            program=rewards.program_for(municipality),
            user=registration.user,
            action=EarningRule.Action.EVENT_ATTENDED,
            key=f"event-attended:{registration.pk}",
        )
        return award.points
    return 0


# --- Attractions --------------------------------------------------------------------------------

DAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _hours(values: dict[str, Any]) -> dict[str, list[list[str]]]:
    raw = values.get("hours") or {}
    if not isinstance(raw, dict):
        raise field_error("hours", _("Give the opening hours day by day."))
    clean: dict[str, list[list[str]]] = {}
    for day, spans in raw.items():
        if day not in DAY_KEYS or not isinstance(spans, list) or len(spans) > 4:
            raise field_error("hours", _("Give the opening hours day by day."))
        day_spans = []
        for span in spans:
            if not (isinstance(span, (list, tuple)) and len(span) == 2):
                raise field_error("hours", _("Give each opening as a start and an end (09:00)."))
            opens, closes = (str(part) for part in span)
            if not (_is_hhmm(opens) and _is_hhmm(closes)) or closes <= opens:
                raise field_error(
                    "hours", _("Give each opening as a start and an end (09:00), end after start.")
                )
            day_spans.append([opens, closes])
        if day_spans:
            clean[day] = sorted(day_spans)
    return clean


def _is_hhmm(value: str) -> bool:
    return (
        len(value) == 5
        and value[2] == ":"
        and value[:2].isdigit()
        and value[3:].isdigit()
        and int(value[:2]) <= 24
        and int(value[3:]) < 60
        and (value[:2] != "24" or value[3:] == "00")
    )


def _validate_attraction(values: dict[str, Any], municipality) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    clean.update(_translations(values, "name", 200))
    clean.update(_translations(values, "description", 5000))
    written = [code for code in LANGUAGE_CODES if clean[f"name_{code}"]]
    if not written:
        raise field_error("name_fr", _("Give a name in at least one language."))
    chosen = str(values.get("original_language") or "")
    clean["original_language"] = chosen if chosen in written else written[0]
    kind = str(values.get("kind") or "")
    if kind not in AttractionKind.values:
        raise field_error("kind", _("Choose a kind of place."))
    clean["kind"] = kind
    clean["hours"] = _hours(values)
    clean["hours_note"] = _text(values, "hours_note", 300)
    for field in ("website", "audio_guide_url", "ar_url"):
        clean[field] = _url(values, field)
    clean["is_free"] = bool(values.get("is_free", True))
    clean["accessibility"] = _accessibility(values)
    clean["accessibility_note"] = _text(values, "accessibility_note", 500)
    clean["published"] = bool(values.get("published"))
    clean.update(_place(values, municipality))
    return clean


def attraction_values(attraction: Attraction) -> dict[str, Any]:
    fields = [
        *(f"{name}_{code}" for name in ("name", "description") for code in LANGUAGE_CODES),
        "original_language",
        "kind",
        "hours",
        "hours_note",
        "website",
        "audio_guide_url",
        "ar_url",
        "is_free",
        "accessibility",
        "accessibility_note",
        "published",
        "place_name",
        "address",
        "latitude",
        "longitude",
    ]
    return {field: getattr(attraction, field) for field in fields}


@transaction.atomic
def attraction_create(*, actor, municipality, values: dict[str, Any]) -> Attraction:
    require(actor, "events.manage_attractions", municipality)
    clean = _validate_attraction(values, municipality)
    return Attraction.objects.create(municipality=municipality, created_by=actor, **clean)


@transaction.atomic
def attraction_update(*, actor, attraction: Attraction, values: dict[str, Any]) -> Attraction:
    require(actor, "events.manage_attractions", attraction.municipality)
    attraction = Attraction.objects.select_for_update().get(pk=attraction.pk)
    clean = _validate_attraction(
        {**attraction_values(attraction), **values}, attraction.municipality
    )
    for field, value in clean.items():
        setattr(attraction, field, value)
    attraction.updated_at = timezone.now()
    attraction.save()
    return attraction


# --- The private calendar feed ------------------------------------------------------------------


def _signature(nonce: str) -> str:
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"events-calendar:{nonce}".encode(), hashlib.sha256
    ).hexdigest()
    return digest[:32]


def calendar_token(*, actor) -> str:
    """The token of the actor's private feed of registrations (made on first use)."""
    token = CalendarToken.objects.filter(user=actor).first()
    if token is None:
        with suppress(IntegrityError), transaction.atomic():
            token = CalendarToken.objects.create(user=actor, nonce=secrets.token_hex(12))
        token = token or CalendarToken.objects.get(user=actor)
    return f"{token.nonce}{_signature(token.nonce)}"


@transaction.atomic
def calendar_token_rotate(*, actor) -> str:
    """A new token; calendars subscribed with the old one stop receiving the feed."""
    CalendarToken.objects.update_or_create(
        user=actor, defaults={"nonce": secrets.token_hex(12), "created_at": timezone.now()}
    )
    return calendar_token(actor=actor)


def calendar_user(token: str):
    """The person whose feed `token` opens, or `None`."""
    token = str(token or "")
    if len(token) != 56:
        return None
    nonce, signature = token[:24], token[24:]
    if not hmac.compare_digest(signature, _signature(nonce)):
        return None
    found = CalendarToken.objects.select_related("user").filter(nonce=nonce).first()
    if found is None or not found.user.is_active:
        return None
    return found.user
