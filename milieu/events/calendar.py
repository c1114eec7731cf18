"""iCalendar (RFC 5545) feeds of events: a city's or a region's agenda, and a person's own
registrations.

A public feed has one VEVENT per event: its first date with its time zone (DTSTART/DTEND carry a
TZID and the local wall time, each TZID used gets its VTIMEZONE), its rule (RRULE, UNTIL in UTC)
and the dates cancelled since (EXDATE), so that a calendar application expands it as the site
does, at 19:00 every week whatever the clocks do. A private feed has one VEVENT per date the
person registered for, marked TENTATIVE while they wait for a place.

The feed is a function of the data only: DTSTAMP is the event's last change (the feed is
published, METHOD:PUBLISH, as of the data it shows), and the VTIMEZONE span is counted in whole
years, so that the same data gives the same bytes and the views can answer a conditional request
with 304 from a hash of the body. Nothing about a person is written in a public feed (no
ORGANIZER: RFC 5545 wants an address there, and the publisher is a city, a team or a shop whose
page is the event's URL).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar, vDuration, vRecur
from icalendar import Event as VEvent

from . import recurrence
from .models import (
    DEFAULT_TIMEZONE,
    Category,
    Event,
    EventStatus,
    OccurrenceStatus,
    Registration,
    RegistrationStatus,
)

REFRESH = timedelta(hours=1)  # how often a calendar application should fetch the feed again
TIMEZONE_YEARS_AHEAD = 3  # a VTIMEZONE covers the dates shown, and this many years further


def uid_host() -> str:
    """The host named in every UID: the site's, whatever host a request came by, so that an
    event keeps its UID."""
    return urlsplit(settings.SITE_URL).hostname or "milieu.local"


def event_uid(event: Event) -> str:
    return f"event-{event.pk}@{uid_host()}"


def registration_uid(registration: Registration) -> str:
    return f"registration-{registration.pk}@{uid_host()}"


def sequence(event: Event) -> int:
    """The revision of an event: the seconds from its publication to its last change, which
    only grows."""
    if event.published_at is None:
        return 0
    return max(0, int((event.updated_at - event.published_at).total_seconds()))


def event_path(event: Event, language: str) -> str:
    with translation.override(language):
        return reverse(
            "events:event",
            kwargs={"municipality_slug": event.municipality.slug, "event_id": event.pk},
        )


def _calendar(*, name: str, language: str, time_zone: str = DEFAULT_TIMEZONE) -> Calendar:
    calendar = Calendar()
    calendar.add("version", "2.0")
    calendar.add("prodid", f"-//Milieu//Events//{language.upper()}")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("name", name)
    calendar.add("x-wr-timezone", time_zone)
    calendar.add("refresh-interval", vDuration(REFRESH), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(REFRESH))
    return calendar


def _local(moment: datetime, time_zone: str) -> datetime:
    return moment.astimezone(recurrence.zone(time_zone))


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


def _location(event: Event) -> str:
    parts = [part for part in (event.place_name, event.address) if part]
    if not event.address:
        parts.append(event.municipality.name)
    return ", ".join(parts)


def _describe(event: Event, language: str, url: str) -> str:
    text = event.translated("description", language)
    return f"{text}\n\n{url}" if text else url


def _common(vevent: VEvent, event: Event, *, language: str, url: str) -> None:
    """What an event's VEVENT and the VEVENT of a registration for one of its dates share."""
    vevent.add("created", _utc(event.created_at))
    vevent.add("last-modified", _utc(event.updated_at))
    vevent.add("sequence", sequence(event))
    vevent.add("description", _describe(event, language, url))
    vevent.add("location", _location(event))
    if event.latitude is not None and event.longitude is not None:
        vevent.add("geo", (round(event.latitude, 6), round(event.longitude, 6)))
    vevent.add("url", url)
    with translation.override(language):
        vevent.add("categories", [str(Category(event.category).label)])
    vevent.add("class", "PUBLIC")


def event_component(event: Event, *, language: str, base_url: str) -> VEvent:
    """The VEVENT of an event: its first date, its rule and its cancelled dates."""
    url = base_url + event_path(event, language)
    vevent = VEvent()
    vevent.add("uid", event_uid(event))
    vevent.add("dtstamp", _utc(event.updated_at))
    vevent.add("dtstart", _local(event.starts_at, event.time_zone))
    vevent.add("dtend", _local(event.ends_at, event.time_zone))
    vevent.add("summary", event.translated("title", language))
    if event.rrule:
        vevent.add("rrule", vRecur.from_ical(event.rrule))
        cancelled = getattr(event, "cancelled_dates", [])
        if cancelled and event.status != EventStatus.CANCELLED:
            vevent.add("exdate", [_local(start, event.time_zone) for start in cancelled])
    cancelled_event = event.status == EventStatus.CANCELLED
    vevent.add("status", "CANCELLED" if cancelled_event else "CONFIRMED")
    _common(vevent, event, language=language, url=url)
    return vevent


def registration_component(registration: Registration, *, language: str, base_url: str) -> VEvent:
    """The VEVENT of one registration: its date, tentative while on the waiting list."""
    occurrence = registration.occurrence
    event = occurrence.event
    url = base_url + event_path(event, language)
    title = event.translated("title", language)
    waiting = registration.status == RegistrationStatus.WAITLISTED
    if waiting:
        with translation.override(language):
            # Translators: the title of an event in a person's calendar while they wait.
            title = _("Waiting list: %(title)s") % {"title": title}
    if occurrence.status == OccurrenceStatus.CANCELLED or event.status == EventStatus.CANCELLED:
        status = "CANCELLED"
    else:
        status = "TENTATIVE" if waiting else "CONFIRMED"
    changed = max(
        moment
        for moment in (
            event.updated_at,
            registration.created_at,
            registration.queued_at,
            registration.promoted_at,
        )
        if moment is not None
    )
    vevent = VEvent()
    vevent.add("uid", registration_uid(registration))
    vevent.add("dtstamp", _utc(changed))
    vevent.add("dtstart", _local(occurrence.starts_at, event.time_zone))
    vevent.add("dtend", _local(occurrence.ends_at, event.time_zone))
    vevent.add("summary", title)
    vevent.add("status", status)
    _common(vevent, event, language=language, url=url)
    return vevent


def _finish(calendar: Calendar, moments: Iterable[datetime]) -> bytes:
    """Add the VTIMEZONE of each TZID used, over whole years around `moments`."""
    years = [moment.year for moment in moments]
    this_year = timezone.now().year
    first = date(min(years, default=this_year), 1, 1)
    last = date(max([*years, this_year]) + TIMEZONE_YEARS_AHEAD, 1, 1)
    calendar.add_missing_timezones(first_date=first, last_date=last)
    return calendar.to_ical()


def events_feed(
    events: Sequence[Event],
    *,
    name: str,
    language: str,
    base_url: str,
    time_zone: str = DEFAULT_TIMEZONE,
) -> bytes:
    """A public feed: `events` as `selectors.feed_events` gives them (with `cancelled_dates`)."""
    calendar = _calendar(name=name, language=language, time_zone=time_zone)
    for event in events:
        calendar.add_component(event_component(event, language=language, base_url=base_url))
    return _finish(
        calendar,
        [moment for event in events for moment in (event.starts_at, event.ends_at)],
    )


def registrations_feed(
    registrations: Sequence[Registration], *, name: str, language: str, base_url: str
) -> bytes:
    """A person's private feed: `registrations` as `selectors.feed_registrations` gives them."""
    calendar = _calendar(name=name, language=language)
    for registration in registrations:
        calendar.add_component(
            registration_component(registration, language=language, base_url=base_url)
        )
    return _finish(
        calendar,
        [
            moment
            for registration in registrations
            for moment in (registration.occurrence.starts_at, registration.occurrence.ends_at)
        ],
    )
