"""schema.org JSON-LD for the event and attraction pages, for search engines and the apps that
read them.

`event_json_ld(event, *, occurrences, url)` describes an event as a schema.org `Event` at its next
date (the coming `occurrences` of the page, cancelled ones included), with its place, its
publisher as organiser, its price as an `Offer`, and for a repeating event its `Schedule` read from
the RRULE. `attraction_json_ld(attraction, *, url)` describes an attraction as a
`TouristAttraction` with its opening hours. Both return the JSON text ready to write inside
`<script type="application/ld+json">`: `<`, `>` and `&` are escaped as Django's `json_script`
does, so that no text of the event can close the element. Nothing about a person is written.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from contextlib import suppress
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from . import recurrence
from .models import Access, Attraction, Event, EventStatus, Occurrence, OccurrenceStatus

SCHEMA = "https://schema.org"
REGION = "QC"
COUNTRY = "CA"
CURRENCY = "CAD"
DAYS = {
    "MO": "Monday",
    "TU": "Tuesday",
    "WE": "Wednesday",
    "TH": "Thursday",
    "FR": "Friday",
    "SA": "Saturday",
    "SU": "Sunday",
}
ATTRACTION_DAYS = {
    "mon": "Monday",
    "tue": "Tuesday",
    "wed": "Wednesday",
    "thu": "Thursday",
    "fri": "Friday",
    "sat": "Saturday",
    "sun": "Sunday",
}
FREQUENCIES = {"DAILY": "D", "WEEKLY": "W", "MONTHLY": "M", "YEARLY": "Y"}
_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def script_json(data: dict[str, Any]) -> SafeString:
    """`data` as JSON that is safe inside a `<script>` element."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return mark_safe(text.translate(_ESCAPES))  # noqa: S308 - <, > and & are escaped above


def _language() -> str:
    return (get_language() or "fr")[:2]


def _written_in(thing: Event | Attraction, field: str, language: str) -> str:
    return language if getattr(thing, f"{field}_{language}", "") else thing.original_language


def _day(name: str) -> str:
    return f"{SCHEMA}/{name}"


def _address(thing: Event | Attraction) -> dict[str, Any]:
    address: dict[str, Any] = {"@type": "PostalAddress"}
    if thing.address:
        address["streetAddress"] = thing.address
    address.update(
        addressLocality=thing.municipality.name, addressRegion=REGION, addressCountry=COUNTRY
    )
    return address


def _geo(thing: Event | Attraction) -> dict[str, Any] | None:
    if not thing.has_point:
        return None
    return {"@type": "GeoCoordinates", "latitude": thing.latitude, "longitude": thing.longitude}


def _features(mask: int) -> list[dict[str, Any]]:
    return [
        {"@type": "LocationFeatureSpecification", "name": str(feature.label), "value": True}
        for feature in Access
        if mask & feature.value
    ]


def _place(thing: Event | Attraction, **extra: Any) -> dict[str, Any]:
    place: dict[str, Any] = {"address": _address(thing)}
    geo = _geo(thing)
    if geo:
        place["geo"] = geo
    features = _features(thing.accessibility)
    if features:
        place["amenityFeature"] = features
    place.update(extra)
    return place


def _moment(moment: datetime, time_zone: str) -> str:
    return moment.astimezone(recurrence.zone(time_zone)).isoformat(timespec="seconds")


def _duration(length: timedelta) -> str:
    """An ISO 8601 duration: P1DT2H30M, PT45M."""
    seconds = int(length.total_seconds())
    days, seconds = divmod(seconds, 86_400)
    hours, seconds = divmod(seconds, 3600)
    minutes = seconds // 60
    clock = "".join(f"{value}{unit}" for value, unit in ((hours, "H"), (minutes, "M")) if value)
    if not days and not clock:
        return "PT0M"
    return "P" + (f"{days}D" if days else "") + (f"T{clock}" if clock else "")


def _price(price: Decimal) -> str:
    return f"{price:.2f}"


def _next(event: Event, occurrences: list[Occurrence]) -> tuple[datetime, datetime, bool]:
    """The start and end of the date to show, and whether it happens: the next scheduled date,
    else the next date (cancelled), else the event's first."""
    scheduled = [o for o in occurrences if o.status == OccurrenceStatus.SCHEDULED]
    if scheduled:
        return scheduled[0].starts_at, scheduled[0].ends_at, True
    if occurrences:
        return occurrences[0].starts_at, occurrences[0].ends_at, False
    return event.starts_at, event.ends_at, True


def _schedule(event: Event, occurrences: list[Occurrence]) -> dict[str, Any]:
    """The schema.org `Schedule` of a repeating event, from its rule (RRULE terms that
    schema.org has no word for, such as BYSETPOS, are left out)."""
    parts = recurrence.describe(event.rrule)
    tz = recurrence.zone(event.time_zone)
    local_start = event.starts_at.astimezone(tz)
    local_end = event.ends_at.astimezone(tz)
    interval = str(parts.get("INTERVAL") or "1")
    schedule: dict[str, Any] = {
        "@type": "Schedule",
        "repeatFrequency": f"P{interval}{FREQUENCIES.get(str(parts.get('FREQ')), 'D')}",
        "startDate": local_start.date().isoformat(),
        "startTime": local_start.strftime("%H:%M"),
        "endTime": local_end.strftime("%H:%M"),
        "duration": _duration(event.ends_at - event.starts_at),
        "scheduleTimezone": event.time_zone,
    }
    if parts.get("BYDAY"):
        # A plain day is a schema.org DayOfWeek; "1SA" (the first Saturday) stays in iCal's
        # syntax, which schema.org also accepts.
        schedule["byDay"] = [
            _day(DAYS[day]) if day in DAYS else day for day in str(parts["BYDAY"]).split(",")
        ]
    for term, key in (("BYMONTHDAY", "byMonthDay"), ("BYMONTH", "byMonth")):
        if parts.get(term):
            with suppress(ValueError):
                schedule[key] = [int(value) for value in str(parts[term]).split(",")]
    if parts.get("COUNT"):
        schedule["repeatCount"] = int(str(parts["COUNT"]))
    if parts.get("UNTIL"):
        with suppress(ValueError):  # always so (`clean_rrule`), but a page must not fail
            until = datetime.strptime(str(parts["UNTIL"]), "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
            schedule["endDate"] = until.astimezone(tz).date().isoformat()
    cancelled = [o for o in occurrences if o.status == OccurrenceStatus.CANCELLED]
    if cancelled:
        schedule["exceptDate"] = [_moment(o.starts_at, event.time_zone) for o in cancelled]
    return schedule


def event_data(event: Event, *, occurrences: Iterable[Occurrence], url: str) -> dict[str, Any]:
    """The schema.org `Event` of an event page, as a dict."""
    dates = sorted(occurrences, key=lambda o: (o.starts_at, o.pk))
    language = _language()
    starts_at, ends_at, happens = _next(event, dates)
    cancelled = event.status == EventStatus.CANCELLED or not happens
    next_date = next((o for o in dates if o.starts_at == starts_at), None)
    data: dict[str, Any] = {
        "@context": SCHEMA,
        "@type": "Event",
        "name": event.translated("title", language),
    }
    description = event.translated("description", language)
    if description:
        data["description"] = description
    data.update(
        startDate=_moment(starts_at, event.time_zone),
        endDate=_moment(ends_at, event.time_zone),
        eventStatus=f"{SCHEMA}/{'EventCancelled' if cancelled else 'EventScheduled'}",
        eventAttendanceMode=f"{SCHEMA}/OfflineEventAttendanceMode",
        location=_place(
            event, **{"@type": "Place", "name": event.place_name or event.municipality.name}
        ),
        organizer={"@type": "Organization", "name": event.publisher_name},
    )
    offer: dict[str, Any] = {
        "@type": "Offer",
        "price": _price(event.price),
        "priceCurrency": CURRENCY,
        "url": event.ticket_url or url,
    }
    if not cancelled:
        full = next_date is not None and event.registration_required and next_date.is_full
        offer["availability"] = f"{SCHEMA}/{'SoldOut' if full else 'InStock'}"
    if event.published_at:
        offer["validFrom"] = _moment(event.published_at, event.time_zone)
    data.update(
        offers=offer,
        isAccessibleForFree=event.is_free,
        inLanguage=_written_in(event, "title", language),
        url=url,
    )
    if event.rrule:
        data["eventSchedule"] = _schedule(event, dates)
    return data


def event_json_ld(event: Event, *, occurrences: Iterable[Occurrence], url: str) -> SafeString:
    """The schema.org `Event` JSON-LD of an event page (see the module's docstring)."""
    return script_json(event_data(event, occurrences=occurrences, url=url))


def _closing(value: str) -> str:
    return "23:59" if value == "24:00" else value


def _opening_hours(hours: dict[str, list[list[str]]]) -> list[dict[str, Any]]:
    """One `OpeningHoursSpecification` per opening span, with the days that share it; empty
    hours are every day, all day."""
    if not hours:
        return [
            {
                "@type": "OpeningHoursSpecification",
                "dayOfWeek": [_day(name) for name in ATTRACTION_DAYS.values()],
                "opens": "00:00",
                "closes": "23:59",
            }
        ]
    spans: dict[tuple[str, str], list[str]] = {}
    for key, name in ATTRACTION_DAYS.items():
        for opens, closes in hours.get(key, []):
            spans.setdefault((opens, _closing(closes)), []).append(_day(name))
    return [
        {"@type": "OpeningHoursSpecification", "dayOfWeek": days, "opens": opens, "closes": closes}
        for (opens, closes), days in sorted(spans.items())
    ]


def attraction_data(attraction: Attraction, *, url: str) -> dict[str, Any]:
    language = _language()
    data: dict[str, Any] = {
        "@context": SCHEMA,
        "@type": "TouristAttraction",
        "name": attraction.translated("name", language),
    }
    description = attraction.translated("description", language)
    if description:
        data["description"] = description
    data.update(_place(attraction))
    data.update(
        url=url,
        isAccessibleForFree=attraction.is_free,
        publicAccess=True,
        openingHoursSpecification=_opening_hours(attraction.hours),
    )
    if attraction.website:
        data["sameAs"] = [attraction.website]
    return data


def attraction_json_ld(attraction: Attraction, *, url: str) -> SafeString:
    """The schema.org `TouristAttraction` JSON-LD of an attraction page."""
    return script_json(attraction_data(attraction, url=url))
