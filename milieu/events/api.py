"""The events API (tag `events`): the agendas, events and their dates, registrations, check-in
at the door, attractions, and the private calendar feed's address — with the selectors,
services, permissions and errors the pages use.

Who sees what. Published events, their dates and published attractions are public: anyone
browses the agenda of every municipality that has the module on, logged in or not. A draft is
seen by those who may manage it: its publisher's team (the municipality's staff, with MFA, for
the city's events; the members of a verified organisation; the owner of a verified business)
and the municipality's staff; anything else is *not found*. Anyone with an account registers for
a published event's coming date, whichever municipality they live in. A registration is seen by
its holder and the event's organisers; organisers see people by their display name only, and a
ticket goes to its holder only.

Places. An event's venue and an attraction are public places, sent with their point for a map.
A position given to the agenda (`lat`, `lng`) is turned into a neighbourhood-sized cell for the
request and forgotten; distances are sent in whole kilometres.

Errors. Refusals have the shared body `{"error": {"code", "message", "fields"}}`; input that
cannot be used (a field, a filter, a cursor) is answered 422 with the fields to correct, and a
refused write changes nothing. Texts are in the request's language (`Accept-Language`).
"""

from collections.abc import Callable, Iterable
from datetime import date, timedelta
from functools import wraps
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.security import django_auth

from milieu.core import geo
from milieu.core.cursor import keyset_page
from milieu.core.errors import ApplicationError, NotFound
from milieu.core.http import AuthenticatedRequest
from milieu.core.permissions import require
from milieu.core.schemas import ErrorOut
from milieu.territory import selectors as territory_selectors

from . import selectors, services
from .models import (
    DEFAULT_TIMEZONE,
    LANGUAGE_CODES,
    Attraction,
    AttractionKind,
    Category,
    Event,
    Occurrence,
    Registration,
    RegistrationStatus,
)
from .permissions import (
    MODULE,
    is_city_staff,
    publishing_merchants,
    publishing_organisations,
)
from .recurrence import zone
from .schemas import (
    ACCESS_CODES,
    AgendaPageOut,
    AgendaQuery,
    AttractionIn,
    AttractionOut,
    AttractionPatch,
    AttractionsQuery,
    CalendarFeedOut,
    CheckInIn,
    CheckInOut,
    EventCancelIn,
    EventIn,
    EventOut,
    EventPatch,
    ManagedEventOut,
    OccurrenceOut,
    OccurrencePageOut,
    PublishersOut,
    RegistrantOut,
    RegistrationOut,
)

router = Router(tags=["events"], auth=django_auth)
ERRORS = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ErrorOut,
    429: ErrorOut,
}
MUNICIPAL = "/municipalities/{slug}"
EVENT = "/events/{event_id}"
OCCURRENCE = "/occurrences/{occurrence_id}"
REGISTRATION = "/event-registrations/{registration_id}"
ATTRACTION = "/attractions/{attraction_id}"
MAX_MUNICIPALITIES = 50
MAX_RANGE = timedelta(days=366)
EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)
NEXT_DATES = 10


# --- Edge validation ------------------------------------------------------------------------------


class Unprocessable(ApplicationError):
    """Input that cannot be used, with the fields to correct (code `validation`)."""

    status_code = 422
    code = "validation"


def _invalid(fields: dict[str, str]) -> Unprocessable:
    return Unprocessable(
        _("Some fields need correcting."),
        extra={"fields": {name: [message] for name, message in fields.items()}},
    )


def _unprocessable(view: Callable) -> Callable:
    """Every operation of this router answers a `validation` refusal of the services or the
    cursor (400 elsewhere) with 422, like the schemas' own."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        try:
            return view(*args, **kwargs)
        except ApplicationError as error:
            if error.code != "validation" or isinstance(error, Unprocessable):
                raise
            raise Unprocessable(_("Some fields need correcting."), extra=error.extra) from None

    return wrapped


router.add_decorator(_unprocessable)


def _municipality(slug: str):
    return territory_selectors.municipality_get(slug=slug, module=MODULE)


def _municipalities(region: str | None, slugs: list[str]) -> list:
    """The municipalities a list asks for: those named (within `region` if given), else the
    region's, else every one whose agenda is public."""
    found = None
    if region:
        try:
            found = territory_selectors.region_get(slug=region)
        except NotFound:
            raise _invalid({"region": _("Unknown region.")}) from None
    if len(slugs) > MAX_MUNICIPALITIES:
        raise _invalid(
            {"municipality": _("At most %(count)s municipalities.") % {"count": MAX_MUNICIPALITIES}}
        )
    if slugs:
        chosen = []
        for slug in dict.fromkeys(slugs):
            try:
                municipality = _municipality(slug)
            except NotFound:
                raise _invalid(
                    {"municipality": _("No public agenda in “%(slug)s”.") % {"slug": slug}}
                ) from None
            if found is not None and municipality.region_id != found.pk:
                raise _invalid(
                    {"municipality": _("“%(slug)s” is not in this region.") % {"slug": slug}}
                )
            chosen.append(municipality)
        return chosen
    if found is not None:
        return selectors.region_municipalities(found)
    return selectors.agenda_municipalities(territory_selectors.municipality_list())


def _categories(values: list[str]) -> list[str]:
    unknown = [value for value in values if value not in Category.values]
    if unknown:
        raise _invalid({"category": _("Unknown category: %(value)s.") % {"value": unknown[0]}})
    return list(dict.fromkeys(values))


def _access_mask(codes: Iterable[str]) -> int:
    """The bits of accessibility features given by their codes (`step_free`...)."""
    mask = 0
    for code in codes:
        feature = ACCESS_CODES.get(code)
        if feature is None:
            raise _invalid(
                {"accessibility": _("Unknown accessibility feature: %(value)s.") % {"value": code}}
            )
        mask |= feature.value
    return mask


def _today() -> date:
    return timezone.now().astimezone(zone(DEFAULT_TIMEZONE)).date()


def _range(first: date | None, last: date | None):
    for name, day in (("from", first), ("to", last)):
        if day is not None and not EARLIEST <= day <= LATEST:
            raise _invalid(
                {
                    name: _("Choose a day between %(first)s and %(last)s.")
                    % {"first": EARLIEST.year, "last": LATEST.year}
                }
            )
    first = first or _today()
    last = last or first + timedelta(days=selectors.AGENDA_DAYS)
    if last < first:
        raise _invalid({"to": _("The last day comes before the first.")})
    if last - first > MAX_RANGE:
        raise _invalid({"to": _("At most a year at once.")})
    return selectors.day_range(first, last, time_zone=DEFAULT_TIMEZONE)


def _origin(query: AgendaQuery) -> str:
    """The cell distances are measured from (a municipality's centre, or a position given for
    this request and then forgotten), or "" without one."""
    position = query.lat is not None or query.lng is not None
    if query.near and position:
        raise _invalid({"near": _("Give a municipality or a position, not both.")})
    if query.near:
        try:
            municipality = territory_selectors.municipality_get(slug=query.near)
        except NotFound:
            raise _invalid({"near": _("Unknown municipality.")}) from None
        return geo.cell_at(municipality.latitude, municipality.longitude)
    if position:
        if query.lat is None or query.lng is None:
            missing = "lat" if query.lat is None else "lng"
            raise _invalid({missing: _("Give both the latitude and the longitude.")})
        return geo.cell_at(query.lat, query.lng)
    if query.km is not None:
        raise _invalid({"km": _("Say where from: `near`, or `lat` and `lng`.")})
    return ""


# --- Shapes ---------------------------------------------------------------------------------------


def _language(obj, field: str) -> str:
    """The language `obj.translated(field)` is read in now."""
    language = (get_language() or "fr")[:2]
    return language if language in obj.languages_written(field) else obj.original_language


def _town(municipality) -> dict:
    return {"slug": municipality.slug, "name": municipality.name}


def _codes(mask: int) -> list[str]:
    return [code for code, feature in ACCESS_CODES.items() if mask & feature.value]


def _publisher(event: Event) -> dict:
    return {
        "kind": event.publisher,
        "name": event.publisher_name,
        "organisation_id": event.organisation_id,
        "merchant_id": event.merchant_id,
    }


def _event_url(request: HttpRequest, event: Event) -> str:
    return request.build_absolute_uri(
        reverse(
            "events:event",
            kwargs={"municipality_slug": event.municipality.slug, "event_id": event.pk},
        )
    )


def _summary(request: HttpRequest, event: Event) -> dict:
    return {
        "id": event.pk,
        "title": event.title,
        "language": _language(event, "title"),
        "category": event.category,
        "municipality": _town(event.municipality),
        "publisher": _publisher(event),
        "place_name": event.place_name,
        "price": event.price,
        "is_free": event.is_free,
        "accessibility": _codes(event.accessibility),
        "registration_required": event.registration_required,
        "status": event.status,
        "url": _event_url(request, event),
    }


def _mine(registration: Registration | None) -> dict | None:
    if registration is None:
        return None
    return {"id": registration.pk, "status": registration.status}


def _occurrence(occurrence: Occurrence, mine: dict[int, Registration]) -> dict:
    return {
        "id": occurrence.pk,
        "event_id": occurrence.event_id,
        "starts_at": occurrence.starts_at,
        "ends_at": occurrence.ends_at,
        "status": occurrence.status,
        "capacity": occurrence.capacity,
        "places_left": occurrence.places_left,
        "is_full": occurrence.is_full,
        "waiting_count": occurrence.waiting_count,
        "my_registration": _mine(mine.get(occurrence.pk)),
    }


def _event(request: HttpRequest, event: Event) -> dict:
    dates = selectors.event_occurrences(event, limit=NEXT_DATES)
    mine = selectors.registration_states(request.user, [o.pk for o in dates])
    return {
        "id": event.pk,
        "municipality": _town(event.municipality),
        "publisher": _publisher(event),
        "status": event.status,
        "published_at": event.published_at,
        "cancel_reason": event.cancel_reason,
        "title": event.title,
        "description": event.description,
        "language": _language(event, "title"),
        **{
            f"{field}_{code}": getattr(event, f"{field}_{code}")
            for field in ("title", "description")
            for code in LANGUAGE_CODES
        },
        **{
            field: getattr(event, field)
            for field in (
                "original_language",
                "category",
                "time_zone",
                "starts_at",
                "ends_at",
                "rrule",
                "price",
                "price_note",
                "is_free",
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
            )
        },
        "accessibility": _codes(event.accessibility),
        "url": _event_url(request, event),
        "may_manage": request.user.has_perm("events.manage_event", event),
        "next_occurrences": [_occurrence(o, mine) for o in dates],
    }


def _registration(
    request: HttpRequest, registration: Registration, positions: dict[int, int]
) -> dict:
    occurrence = registration.occurrence
    event = occurrence.event
    mine = registration.user_id == request.user.pk
    return {
        "id": registration.pk,
        "status": registration.status,
        "queue_position": positions.get(registration.pk),
        "ticket": (
            registration.ticket
            if mine and registration.status == RegistrationStatus.CONFIRMED
            else None
        ),
        "is_mine": mine,
        "person": {"display_name": registration.user.display_name},
        "created_at": registration.created_at,
        "promoted_at": registration.promoted_at,
        "cancelled_at": registration.cancelled_at,
        "checked_in_at": registration.checked_in_at,
        "occurrence": {
            "id": occurrence.pk,
            "starts_at": occurrence.starts_at,
            "ends_at": occurrence.ends_at,
            "status": occurrence.status,
        },
        "event": {
            "id": event.pk,
            "title": event.title,
            "language": _language(event, "title"),
            "category": event.category,
            "municipality": _town(event.municipality),
            "place_name": event.place_name,
            "address": event.address,
            "time_zone": event.time_zone,
            "url": _event_url(request, event),
        },
    }


def _attraction(request: HttpRequest, attraction: Attraction) -> dict:
    return {
        "id": attraction.pk,
        "municipality": _town(attraction.municipality),
        "name": attraction.name,
        "description": attraction.description,
        "language": _language(attraction, "name"),
        **{
            f"{field}_{code}": getattr(attraction, f"{field}_{code}")
            for field in ("name", "description")
            for code in LANGUAGE_CODES
        },
        **{
            field: getattr(attraction, field)
            for field in (
                "original_language",
                "kind",
                "hours",
                "hours_note",
                "website",
                "is_free",
                "accessibility_note",
                "audio_guide_url",
                "ar_url",
                "published",
                "place_name",
                "address",
                "latitude",
                "longitude",
            )
        },
        "accessibility": _codes(attraction.accessibility),
        "url": request.build_absolute_uri(
            reverse(
                "events:attraction",
                kwargs={
                    "municipality_slug": attraction.municipality.slug,
                    "attraction_id": attraction.pk,
                },
            )
        ),
        "may_manage": request.user.has_perm("events.manage_attractions", attraction.municipality),
    }


def _values(payload, *, patch: bool = False, nullable: Iterable[str] = ()) -> dict[str, Any]:
    """What a body gives, for a service, with accessibility codes as their bits: a patch gives
    only the fields sent, and null only for the fields it may empty (`nullable`)."""
    values = {
        name: value
        for name, value in payload.dict(exclude_unset=patch).items()
        if value is not None or name in nullable
    }
    if "accessibility" in values:
        values["accessibility"] = _access_mask(values["accessibility"])
    return values


# --- Scoped lookups -------------------------------------------------------------------------------


def _event_by_id(request: HttpRequest, event_id: int) -> Event:
    return selectors.event_get(visible_to=request.user, event_id=event_id)


def _occurrence_by_id(request: HttpRequest, occurrence_id: int) -> Occurrence:
    return selectors.occurrence_get(visible_to=request.user, occurrence_id=occurrence_id)


def _registration_by_id(request: HttpRequest, registration_id: int) -> Registration:
    return selectors.registration_get(visible_to=request.user, registration_id=registration_id)


def _attraction_by_id(request: HttpRequest, attraction_id: int) -> Attraction:
    return selectors.attraction_get(visible_to=request.user, attraction_id=attraction_id)


def _registration_shown(request: HttpRequest, registration_id: int) -> dict:
    registration = _registration_by_id(request, registration_id)
    return _registration(request, registration, selectors.queue_positions([registration]))


# --- The agenda -----------------------------------------------------------------------------------


@router.get("/events", response={200: AgendaPageOut, **ERRORS}, auth=None)
def agenda(request, query: Query[AgendaQuery]):
    """The dates of published events, soonest first, across municipalities (public): a
    region's (`region`), some municipalities' (`municipality`, repeated), or every one whose
    agenda is public. Filters: local days `from` … `to` (today and the next 60 by default),
    `category` (repeated), within `km` of `near` (a municipality's centre) or of `lat`, `lng`
    (a position, forgotten after the request), `free`, and `accessibility` features (repeated,
    all required). Titles are in the request's language."""
    municipalities = _municipalities(query.region, query.municipality)
    start, end = _range(query.from_, query.to)
    origin = _origin(query)
    filters = selectors.AgendaFilters(
        start=start,
        end=end,
        categories=_categories(query.category),
        near=origin,
        km=query.km,
        free=query.free,
        accessibility=_access_mask(query.accessibility),
    )
    items, next_cursor = selectors.agenda(
        municipalities=municipalities, filters=filters, cursor=query.cursor, limit=query.limit
    )
    distances = selectors.distances(items, origin)
    mine = selectors.registration_states(request.user, [o.pk for o in items])
    return {
        "items": [
            {
                "id": occurrence.pk,
                "starts_at": occurrence.starts_at,
                "ends_at": occurrence.ends_at,
                "status": occurrence.status,
                "capacity": occurrence.capacity,
                "places_left": occurrence.places_left,
                "is_full": occurrence.is_full,
                "distance_km": distances.get(occurrence.pk),
                "event": _summary(request, occurrence.event),
                "my_registration": _mine(mine.get(occurrence.pk)),
            }
            for occurrence in items
        ],
        "next_cursor": next_cursor,
    }


# --- Events ---------------------------------------------------------------------------------------


# Before `/events/{event_id}`, whose pattern would take this path.
@router.post("/events/check-in", response={200: CheckInOut, **ERRORS})
def check_in(request: AuthenticatedRequest, payload: CheckInIn):
    """Check a person in at the door from the ticket their QR code carries (the event's
    managers), from three hours before the date to three hours after; the program's attendance
    points are awarded once. 404 `unknown_ticket`; 409 `not_confirmed`, `other_date`,
    `other_event`."""
    event = _event_by_id(request, payload.event_id) if payload.event_id is not None else None
    done = services.check_in(actor=request.user, ticket=payload.ticket, event=event)
    registration = done.registration
    return {
        "registration": _registration(
            request, registration, selectors.queue_positions([registration])
        ),
        "points": done.points,
        "already": done.already,
    }


@router.get(f"{MUNICIPAL}/event-publishers", response={200: PublishersOut, **ERRORS})
def publisher_list(request: AuthenticatedRequest, slug: str):
    """In whose name I may publish events in the municipality: its own (its staff, with MFA),
    my verified organisations that are of it or serve it, my verified businesses in it."""
    municipality = _municipality(slug)
    return {
        "city": bool(is_city_staff(request.user, municipality)),
        "organisations": [
            {"id": o.pk, "name": o.name}
            for o in publishing_organisations(request.user, municipality)
        ],
        "merchants": [
            {"id": m.pk, "name": m.name} for m in publishing_merchants(request.user, municipality)
        ],
    }


@router.post(f"{MUNICIPAL}/events", response={201: EventOut, **ERRORS})
def event_create(request: AuthenticatedRequest, slug: str, payload: EventIn):
    """Write an event in the municipality, as a draft that only its publishers see until it is
    published: in the municipality's name (its staff, with MFA), a verified organisation's or
    a verified business's (`publisher`; see `event-publishers`). 429 `rate_limited`."""
    municipality = _municipality(slug)
    values = _values(payload)
    event = services.event_create(actor=request.user, municipality=municipality, values=values)
    return Status(201, _event(request, _event_by_id(request, event.pk)))


@router.get(f"{MUNICIPAL}/managed-events", response={200: list[ManagedEventOut], **ERRORS})
def managed_event_list(request: AuthenticatedRequest, slug: str):
    """The events of the municipality I manage, drafts included, latest first (at most 100):
    all of them for its staff, my organisations' and businesses' for others."""
    municipality = _municipality(slug)
    return [
        {
            **_summary(request, event),
            "starts_at": event.starts_at,
            "ends_at": event.ends_at,
            "rrule": event.rrule,
        }
        for event in selectors.managed_events(request.user, municipality)
    ]


@router.get(EVENT, response={200: EventOut, **ERRORS}, auth=None)
def event_get(request, event_id: int):
    """An event with its texts in every language, its accessibility, links and schedule, and
    its next dates (public once published; a draft, its managers only)."""
    return _event(request, _event_by_id(request, event_id))


@router.patch(EVENT, response={200: EventOut, **ERRORS})
def event_update(request: AuthenticatedRequest, event_id: int, payload: EventPatch):
    """Change an event (its managers); only the fields given change. A published event's dates
    follow the new schedule: dates dropped are deleted, or cancelled (and their people told)
    when someone registered; its capacity cannot drop below the places taken."""
    event = _event_by_id(request, event_id)
    values = _values(
        payload,
        patch=True,
        nullable={"organisation", "merchant", "capacity", "latitude", "longitude"},
    )
    services.event_update(actor=request.user, event=event, values=values)
    return _event(request, _event_by_id(request, event_id))


@router.post(f"{EVENT}/publish", response={200: EventOut, **ERRORS})
def event_publish(request: AuthenticatedRequest, event_id: int):
    """Publish a draft (its managers): its dates appear in the agendas and feeds. 409
    `wrong_state`."""
    event = _event_by_id(request, event_id)
    services.event_publish(actor=request.user, event=event)
    return _event(request, _event_by_id(request, event_id))


@router.post(f"{EVENT}/cancel", response={200: EventOut, **ERRORS})
def event_cancel(
    request: AuthenticatedRequest, event_id: int, payload: EventCancelIn | None = None
):
    """Cancel an event and its coming dates (its managers); the people registered are told.
    409 `wrong_state`."""
    event = _event_by_id(request, event_id)
    services.event_cancel(actor=request.user, event=event, reason=payload.reason if payload else "")
    return _event(request, _event_by_id(request, event_id))


@router.get(f"{EVENT}/occurrences", response={200: OccurrencePageOut, **ERRORS}, auth=None)
def occurrence_list(
    request, event_id: int, cursor: str | None = None, limit: int = Query(20, ge=1, le=50)
):
    """The event's coming dates (and the one under way), soonest first, cancelled ones
    included."""
    event = _event_by_id(request, event_id)
    items, next_cursor = keyset_page(
        selectors.upcoming_dates(event), ("starts_at", "pk"), cursor, limit
    )
    mine = selectors.registration_states(request.user, [o.pk for o in items])
    return {"items": [_occurrence(o, mine) for o in items], "next_cursor": next_cursor}


@router.post(f"{OCCURRENCE}/cancel", response={200: OccurrenceOut, **ERRORS})
def occurrence_cancel(request: AuthenticatedRequest, occurrence_id: int):
    """Cancel one date of an event (its managers); the people registered for it are told. 409
    `wrong_state`."""
    occurrence = _occurrence_by_id(request, occurrence_id)
    services.occurrence_cancel(actor=request.user, occurrence=occurrence)
    shown = _occurrence_by_id(request, occurrence_id)
    mine = selectors.registration_states(request.user, [shown.pk])
    return _occurrence(shown, mine)


# --- Registrations --------------------------------------------------------------------------------


@router.post(f"{OCCURRENCE}/registrations", response={201: RegistrationOut, **ERRORS})
def registration_create(request: AuthenticatedRequest, occurrence_id: int):
    """Take a place at a date of an event that takes registrations (anyone with an account,
    from any municipality), or a place on its waiting list when none is left: `status` says
    which. Whoever waits gets the first place that frees, in order, and is told. 403 when the
    date takes no registration (or is past); 409 `already_registered`, `cancelled`; 429
    `rate_limited`."""
    occurrence = _occurrence_by_id(request, occurrence_id)
    registration = services.registration_create(actor=request.user, occurrence=occurrence)
    return Status(201, _registration_shown(request, registration.pk))


@router.get(f"{OCCURRENCE}/registrations", response={200: list[RegistrantOut], **ERRORS})
def registrant_list(request: AuthenticatedRequest, occurrence_id: int):
    """Who holds a place at the date, then who waits, in order (the event's managers), by
    their display names only."""
    occurrence = _occurrence_by_id(request, occurrence_id)
    require(
        request.user,
        "events.manage_event",
        occurrence.event,
        _("Only the event's organisers see who registered."),
    )
    registrations = selectors.occurrence_registrations(occurrence)
    position = 0
    shown = []
    for registration in registrations:
        if registration.status == RegistrationStatus.WAITLISTED:
            position += 1
        shown.append(
            {
                "id": registration.pk,
                "display_name": registration.user.display_name,
                "status": registration.status,
                "queue_position": (
                    position if registration.status == RegistrationStatus.WAITLISTED else None
                ),
                "checked_in_at": registration.checked_in_at,
            }
        )
    return shown


@router.get("/me/event-registrations", response={200: list[RegistrationOut], **ERRORS})
def my_registration_list(request: AuthenticatedRequest, past: bool = False):
    """My registrations, confirmed or waiting, in every municipality: coming dates soonest
    first, or `past` ones latest first (at most 100), each with its ticket while confirmed."""
    registrations = selectors.my_registrations(request.user, upcoming=not past)
    for registration in registrations:
        registration.user = request.user
    positions = selectors.queue_positions(registrations)
    return [_registration(request, r, positions) for r in registrations]


@router.get(REGISTRATION, response={200: RegistrationOut, **ERRORS})
def registration_get(request: AuthenticatedRequest, registration_id: int):
    """A registration (its holder, and the event's managers, who see no ticket)."""
    return _registration_shown(request, registration_id)


@router.post(f"{REGISTRATION}/cancel", response={200: RegistrationOut, **ERRORS})
def registration_cancel(request: AuthenticatedRequest, registration_id: int):
    """Give up a place, which goes to the first person waiting (who is told), or leave the
    waiting list (its holder, or the event's managers). 409 `wrong_state`, `checked_in`."""
    registration = _registration_by_id(request, registration_id)
    services.registration_cancel(actor=request.user, registration=registration)
    return _registration_shown(request, registration_id)


# --- The private calendar feed --------------------------------------------------------------------


def _feed(request: HttpRequest, token: str) -> dict:
    return {"url": request.build_absolute_uri(reverse("events_me:feed", kwargs={"token": token}))}


@router.get("/me/calendar-feed", response={200: CalendarFeedOut, **ERRORS})
def calendar_feed(request: AuthenticatedRequest):
    """The address of my private iCalendar feed of my registrations (made on first use), in
    the request's language."""
    return _feed(request, services.calendar_token(actor=request.user))


@router.post("/me/calendar-feed/rotate", response={200: CalendarFeedOut, **ERRORS})
def calendar_feed_rotate(request: AuthenticatedRequest):
    """A new address for my private feed; calendars subscribed to the old one stop receiving
    it."""
    return _feed(request, services.calendar_token_rotate(actor=request.user))


# --- Attractions ----------------------------------------------------------------------------------


@router.get("/attractions", response={200: list[AttractionOut], **ERRORS}, auth=None)
def attraction_list(request, query: Query[AttractionsQuery]):
    """The published attractions of a region (`region`), some municipalities (`municipality`,
    repeated) or every one whose agenda is public, by municipality then name (at most 200;
    public). Filter: `kind`."""
    if query.kind and query.kind not in AttractionKind.values:
        raise _invalid({"kind": _("Unknown kind of place.")})
    municipalities = _municipalities(query.region, query.municipality)
    attractions = selectors.attraction_list(municipalities=municipalities, kind=query.kind or "")
    return [_attraction(request, attraction) for attraction in attractions]


@router.post(f"{MUNICIPAL}/attractions", response={201: AttractionOut, **ERRORS})
def attraction_create(request: AuthenticatedRequest, slug: str, payload: AttractionIn):
    """Add an attraction of the municipality (its staff, with MFA); the public sees it once
    `published`."""
    municipality = _municipality(slug)
    attraction = services.attraction_create(
        actor=request.user, municipality=municipality, values=_values(payload)
    )
    return Status(201, _attraction(request, _attraction_by_id(request, attraction.pk)))


@router.get(ATTRACTION, response={200: AttractionOut, **ERRORS}, auth=None)
def attraction_get(request, attraction_id: int):
    """An attraction (public once published; before, the municipality's staff only)."""
    return _attraction(request, _attraction_by_id(request, attraction_id))


@router.patch(ATTRACTION, response={200: AttractionOut, **ERRORS})
def attraction_update(request: AuthenticatedRequest, attraction_id: int, payload: AttractionPatch):
    """Change an attraction (the municipality's staff, with MFA); only the fields given
    change."""
    attraction = _attraction_by_id(request, attraction_id)
    services.attraction_update(
        actor=request.user,
        attraction=attraction,
        values=_values(payload, patch=True, nullable={"latitude", "longitude"}),
    )
    return _attraction(request, _attraction_by_id(request, attraction_id))
