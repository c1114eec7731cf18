"""Schemas of the events API: the agenda, events and their dates, registrations and check-in,
attractions, and the private calendar feed.

An event's venue and an attraction are public places: their point is sent (for a map). A person
is shown to the organisers of an event by their display name only, never their email address;
a ticket is sent to its holder only.
"""

from datetime import date, datetime
from decimal import Decimal

from ninja import Field, Schema

from .models import (
    Access,
    AttractionKind,
    Category,
    EventStatus,
    OccurrenceStatus,
    Publisher,
    RegistrationStatus,
)

MAX_PAGE_SIZE = 50
ACCESS_CODES: dict[str, Access] = {feature.name.lower(): feature for feature in Access}
ACCESS = "Accessibility features: " + ", ".join(ACCESS_CODES) + "."
CATEGORIES = ", ".join(Category.values)
PUBLISHERS = ", ".join(Publisher.values)
KINDS = ", ".join(AttractionKind.values)
LANGUAGES = "fr, en or es"
NEXT_CURSOR = "Pass it as `cursor` for the next page; none at the end."
TRANSLATED = "In the request's language (`Accept-Language`) when written in it, else the original."
WHEN = (
    "ISO 8601. With an offset, that moment; without one, the wall time in the event's `time_zone`."
)
HOURS = (
    'The weekly opening hours in local time, by day (mon … sun): {"mon": [["09:00", "17:00"]]}; '
    "a day left out is closed; none at all means always open (a park, a trail)."
)


# --- Shared references ----------------------------------------------------------------------------


class MunicipalityRefOut(Schema):
    slug: str
    name: str


class NamedRefOut(Schema):
    id: int
    name: str


class EventPersonOut(Schema):
    display_name: str = Field(..., description="What the person chose to be called; may be empty.")


class PublisherOut(Schema):
    kind: str = Field(..., description=PUBLISHERS)
    name: str = Field(..., description="The municipality's, the organisation's or the business's.")
    organisation_id: int | None
    merchant_id: int | None


class RegistrationRefOut(Schema):
    """My registration for a date."""

    id: int
    status: str = Field(..., description="confirmed or waitlisted.")


# --- The agenda -----------------------------------------------------------------------------------


class EventSummaryOut(Schema):
    id: int
    title: str = Field(..., description=TRANSLATED)
    language: str = Field(..., description=f"The language of `title`: {LANGUAGES}.")
    category: str = Field(..., description=CATEGORIES)
    municipality: MunicipalityRefOut
    publisher: PublisherOut
    place_name: str
    price: Decimal = Field(..., description="In dollars; 0 when free.")
    is_free: bool
    accessibility: list[str] = Field(..., description=ACCESS)
    registration_required: bool
    status: str = Field(..., description=", ".join(EventStatus.values))
    url: str = Field(..., description="The event's page, in the request's language.")


class AgendaItemOut(Schema):
    """A date of an event."""

    id: int = Field(..., description="The date's (occurrence's) id: register with it.")
    starts_at: datetime
    ends_at: datetime
    status: str = Field(..., description=", ".join(OccurrenceStatus.values))
    capacity: int | None = Field(..., description="Places; none when unlimited.")
    places_left: int | None = Field(..., description="None when unlimited.")
    is_full: bool
    distance_km: int | None = Field(
        ..., description="From `near` (or `lat`, `lng`), in whole km; none without them."
    )
    event: EventSummaryOut
    my_registration: RegistrationRefOut | None


class AgendaPageOut(Schema):
    items: list[AgendaItemOut]
    next_cursor: str | None = Field(..., description=NEXT_CURSOR)


class AgendaQuery(Schema):
    region: str | None = Field(None, description="A region's slug: its member municipalities.")
    municipality: list[str] = Field(
        [],
        description=(
            "Municipalities' slugs (repeat the parameter; at most 50); within `region` when both "
            "are given. Without either, every municipality whose agenda is public."
        ),
    )
    from_: date | None = Field(
        None, alias="from", description="The first local day; today by default."
    )
    to: date | None = Field(
        None, description="The last local day; 60 days after `from` by default, at most a year."
    )
    category: list[str] = Field([], description=f"Categories (repeat the parameter): {CATEGORIES}.")
    near: str | None = Field(
        None, description="A municipality's slug: distances are measured from its centre."
    )
    lat: float | None = Field(
        None,
        ge=-90,
        le=90,
        description=(
            "With `lng`: measure distances from this position instead. It is turned into a "
            "neighbourhood-sized cell at once, and neither stored nor sent back."
        ),
    )
    lng: float | None = Field(None, ge=-180, le=180)
    km: int | None = Field(
        None, ge=1, le=50, description="Only venues within this distance of `near` or `lat`/`lng`."
    )
    free: bool | None = Field(None, description="Only free events (true) or paid ones (false).")
    accessibility: list[str] = Field(
        [], description="Only events with every one of these features. " + ACCESS
    )
    cursor: str | None = None
    limit: int = Field(20, ge=1, le=MAX_PAGE_SIZE)


# --- Events ---------------------------------------------------------------------------------------


class OccurrenceOut(Schema):
    id: int
    event_id: int
    starts_at: datetime
    ends_at: datetime
    status: str = Field(..., description=", ".join(OccurrenceStatus.values))
    capacity: int | None = Field(..., description="Places; none when unlimited.")
    places_left: int | None = Field(..., description="None when unlimited.")
    is_full: bool
    waiting_count: int = Field(..., description="How many people wait for a place.")
    my_registration: RegistrationRefOut | None


class OccurrencePageOut(Schema):
    items: list[OccurrenceOut]
    next_cursor: str | None = Field(..., description=NEXT_CURSOR)


class EventOut(Schema):
    id: int
    municipality: MunicipalityRefOut
    publisher: PublisherOut
    status: str = Field(..., description=", ".join(EventStatus.values))
    published_at: datetime | None
    cancel_reason: str
    title: str = Field(..., description=TRANSLATED)
    description: str = Field(..., description=TRANSLATED)
    language: str = Field(..., description=f"The language of `title`: {LANGUAGES}.")
    original_language: str = Field(..., description=LANGUAGES)
    title_fr: str
    title_en: str
    title_es: str
    description_fr: str
    description_en: str
    description_es: str
    category: str = Field(..., description=CATEGORIES)
    time_zone: str = Field(..., description="An IANA time zone, e.g. America/Toronto.")
    starts_at: datetime = Field(..., description="The first date's start.")
    ends_at: datetime = Field(..., description="The first date's end.")
    rrule: str = Field(..., description="How it repeats (RFC 5545 RRULE); empty for one date.")
    price: Decimal = Field(..., description="In dollars; 0 when free.")
    price_note: str
    is_free: bool
    accessibility: list[str] = Field(..., description=ACCESS)
    accessibility_note: str
    ticket_url: str
    audio_guide_url: str
    ar_url: str = Field(..., description="Augmented-reality content.")
    registration_required: bool
    capacity: int | None = Field(..., description="Places per date; none when unlimited.")
    place_name: str
    address: str
    latitude: float | None = Field(..., description="The venue's (a public place).")
    longitude: float | None
    url: str = Field(..., description="The event's page, in the request's language.")
    may_manage: bool = Field(..., description="Whether I may edit it and see who registered.")
    next_occurrences: list[OccurrenceOut] = Field(..., description="Its next 10 dates.")


class EventIn(Schema):
    """A new event, saved as a draft. Its venue is placed at `latitude`, `longitude` (within 60
    km of the municipality), or at the municipality's centre without them."""

    publisher: str = Field(
        Publisher.CITY,
        description=(
            f"{PUBLISHERS}: in the municipality's name (its staff), an organisation's "
            "(`organisation`) or a business's (`merchant`); see `event-publishers`."
        ),
    )
    organisation: int | None = Field(None, description="The organisation's id, for `organisation`.")
    merchant: int | None = Field(None, description="The business's id, for `merchant`.")
    title_fr: str = Field(
        "", description="At most 200 characters; a title in one language at least."
    )
    title_en: str = ""
    title_es: str = ""
    description_fr: str = Field("", description="At most 5,000 characters.")
    description_en: str = ""
    description_es: str = ""
    original_language: str | None = Field(
        None, description=f"{LANGUAGES}; by default the first language with a title."
    )
    category: str = Field(..., description=CATEGORIES)
    time_zone: str = Field("America/Toronto", description="An IANA time zone.")
    starts_at: datetime = Field(..., description="The first date's start. " + WHEN)
    ends_at: datetime = Field(..., description="After the start, at most 31 days later. " + WHEN)
    rrule: str = Field(
        "",
        description=(
            "How it repeats, as an RFC 5545 RRULE (FREQ=WEEKLY;BYDAY=SA;COUNT=10), at most "
            "daily; the dates keep their local time across daylight-saving changes."
        ),
    )
    price: Decimal = Field(Decimal(0), description="In dollars; 0 when free.")
    price_note: str = Field("", description="At most 200 characters.")
    accessibility: list[str] = Field([], description=ACCESS)
    accessibility_note: str = Field("", description="At most 500 characters.")
    ticket_url: str = Field("", description="An http(s) address.")
    audio_guide_url: str = Field("", description="An http(s) address.")
    ar_url: str = Field("", description="Augmented-reality content: an http(s) address.")
    registration_required: bool = False
    capacity: int | None = Field(
        None, description="Places per date (1 to 100,000) when registration is required."
    )
    place_name: str = Field("", description="At most 200 characters.")
    address: str = Field("", description="At most 300 characters.")
    latitude: float | None = None
    longitude: float | None = None


class EventPatch(Schema):
    """Only the fields given change; `organisation`, `merchant`, `capacity`, `latitude` and
    `longitude` may be set to null. A published event's dates follow its new schedule."""

    publisher: str | None = None
    organisation: int | None = None
    merchant: int | None = None
    title_fr: str | None = None
    title_en: str | None = None
    title_es: str | None = None
    description_fr: str | None = None
    description_en: str | None = None
    description_es: str | None = None
    original_language: str | None = None
    category: str | None = None
    time_zone: str | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    rrule: str | None = None
    price: Decimal | None = None
    price_note: str | None = None
    accessibility: list[str] | None = None
    accessibility_note: str | None = None
    ticket_url: str | None = None
    audio_guide_url: str | None = None
    ar_url: str | None = None
    registration_required: bool | None = None
    capacity: int | None = None
    place_name: str | None = None
    address: str | None = None
    latitude: float | None = None
    longitude: float | None = None


class EventCancelIn(Schema):
    reason: str = Field("", description="Shown with the event; at most 500 characters.")


class PublishersOut(Schema):
    """In whose name I may publish events in a municipality."""

    city: bool = Field(..., description="In the municipality's (I am its staff, with MFA).")
    organisations: list[NamedRefOut] = Field(
        ..., description="My verified organisations of or serving the municipality."
    )
    merchants: list[NamedRefOut] = Field(
        ..., description="My verified businesses in the municipality."
    )


class ManagedEventOut(EventSummaryOut):
    starts_at: datetime
    ends_at: datetime
    rrule: str


# --- Registrations --------------------------------------------------------------------------------


class RegistrationDateOut(Schema):
    id: int
    starts_at: datetime
    ends_at: datetime
    status: str = Field(..., description=", ".join(OccurrenceStatus.values))


class RegistrationEventOut(Schema):
    id: int
    title: str = Field(..., description=TRANSLATED)
    language: str
    category: str
    municipality: MunicipalityRefOut
    place_name: str
    address: str
    time_zone: str
    url: str


class RegistrationOut(Schema):
    id: int
    status: str = Field(..., description=", ".join(RegistrationStatus.values))
    queue_position: int | None = Field(
        ..., description="On the waiting list, my place in it (1: the next to get a place)."
    )
    ticket: str | None = Field(
        ...,
        description=(
            "For its holder, while the place is confirmed: what the QR code shown at the door "
            "carries."
        ),
    )
    is_mine: bool
    person: EventPersonOut
    created_at: datetime
    promoted_at: datetime | None = Field(..., description="When a freed place came to me.")
    cancelled_at: datetime | None
    checked_in_at: datetime | None
    occurrence: RegistrationDateOut
    event: RegistrationEventOut


class RegistrantOut(Schema):
    """A person registered for a date, as its organisers see them."""

    id: int
    display_name: str
    status: str = Field(..., description="confirmed or waitlisted.")
    queue_position: int | None = Field(..., description="On the waiting list, their place in it.")
    checked_in_at: datetime | None


class CheckInIn(Schema):
    ticket: str = Field(..., description="What the person's QR code carries.")
    event_id: int | None = Field(None, description="Refuse tickets of any other event.")


class CheckInOut(Schema):
    registration: RegistrationOut
    points: int = Field(..., description="The attendance points the person earned now.")
    already: bool = Field(..., description="Whether they had already been checked in.")


class CalendarFeedOut(Schema):
    url: str = Field(
        ...,
        description=(
            "My private iCalendar feed of my registrations, to subscribe to from a calendar "
            "application; anyone with it reads them, so rotate it if it leaks."
        ),
    )


# --- Attractions ----------------------------------------------------------------------------------


class AttractionOut(Schema):
    id: int
    municipality: MunicipalityRefOut
    kind: str = Field(..., description=KINDS)
    name: str = Field(..., description=TRANSLATED)
    description: str = Field(..., description=TRANSLATED)
    language: str = Field(..., description=f"The language of `name`: {LANGUAGES}.")
    original_language: str
    name_fr: str
    name_en: str
    name_es: str
    description_fr: str
    description_en: str
    description_es: str
    hours: dict[str, list[list[str]]] = Field(..., description=HOURS)
    hours_note: str
    website: str
    is_free: bool
    accessibility: list[str] = Field(..., description=ACCESS)
    accessibility_note: str
    audio_guide_url: str
    ar_url: str
    published: bool
    place_name: str
    address: str
    latitude: float | None
    longitude: float | None
    url: str = Field(..., description="Its page, in the request's language.")
    may_manage: bool


class AttractionsQuery(Schema):
    region: str | None = Field(None, description="A region's slug: its member municipalities.")
    municipality: list[str] = Field(
        [], description="Municipalities' slugs (repeat the parameter); within `region` if given."
    )
    kind: str | None = Field(None, description=KINDS)


class AttractionIn(Schema):
    """A new attraction; the public sees it once `published`. Placed like an event's venue."""

    name_fr: str = Field("", description="At most 200 characters; a name in one language at least.")
    name_en: str = ""
    name_es: str = ""
    description_fr: str = Field("", description="At most 5,000 characters.")
    description_en: str = ""
    description_es: str = ""
    original_language: str | None = None
    kind: str = Field(..., description=KINDS)
    hours: dict[str, list[list[str]]] = Field({}, description=HOURS)
    hours_note: str = Field("", description="At most 300 characters.")
    website: str = ""
    is_free: bool = True
    accessibility: list[str] = Field([], description=ACCESS)
    accessibility_note: str = ""
    audio_guide_url: str = ""
    ar_url: str = ""
    published: bool = False
    place_name: str = ""
    address: str = ""
    latitude: float | None = None
    longitude: float | None = None


class AttractionPatch(Schema):
    """Only the fields given change; `latitude` and `longitude` may be set to null."""

    name_fr: str | None = None
    name_en: str | None = None
    name_es: str | None = None
    description_fr: str | None = None
    description_en: str | None = None
    description_es: str | None = None
    original_language: str | None = None
    kind: str | None = None
    hours: dict[str, list[list[str]]] | None = None
    hours_note: str | None = None
    website: str | None = None
    is_free: bool | None = None
    accessibility: list[str] | None = None
    accessibility_note: str | None = None
    audio_guide_url: str | None = None
    ar_url: str | None = None
    published: bool | None = None
    place_name: str | None = None
    address: str | None = None
    latitude: float | None = None
    longitude: float | None = None
