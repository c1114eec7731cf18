"""Every non-trivial read of the events app: the agendas (one city's, a region's), an event and
its dates, registrations (mine, and an occurrence's for its organisers), attractions, and what
the iCalendar feeds list.

The agenda reads occurrences in a date range (indexed by start and municipality), joined to
their event for its filters and the page (one query per page of results, whatever its length,
plus one for the reader's own registrations among them).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from milieu.core import geo, modules
from milieu.core.cursor import keyset_page
from milieu.core.errors import NotFound

from .models import (
    Attraction,
    Event,
    EventStatus,
    Occurrence,
    OccurrenceStatus,
    Registration,
    RegistrationStatus,
)
from .permissions import MODULE, can_see_attraction, can_see_event
from .recurrence import zone

PAGE = 20
FEED_PAST = timedelta(days=31)
FEED_LIMIT = 1000
AGENDA_DAYS = 60
AGENDA_DEFERRED = (
    "event__description_fr",
    "event__description_en",
    "event__description_es",
    "event__organisation__mission",
    "event__organisation__services",
)  # what an agenda shows when no range is asked for


@dataclass
class AgendaFilters:
    start: datetime
    end: datetime
    categories: list[str] = field(default_factory=list)
    near: str = ""  # an H3 cell (core.geo.RESOLUTION)
    km: int | None = None
    free: bool | None = None  # True: free only; False: paid only
    accessibility: int = 0  # every feature of this mask


def default_range(*, now: datetime | None = None, time_zone: str = "America/Toronto"):
    """From the start of today (local) for `AGENDA_DAYS` days, in UTC."""
    now = now or timezone.now()
    today = now.astimezone(zone(time_zone)).date()
    return day_range(today, today + timedelta(days=AGENDA_DAYS), time_zone=time_zone)


def day_range(first: date, last: date, *, time_zone: str = "America/Toronto"):
    """From the start of `first` to the end of `last` (local days), in UTC."""
    tz = zone(time_zone)
    start = datetime.combine(first, time.min).replace(tzinfo=tz).astimezone(UTC)
    end = datetime.combine(last + timedelta(days=1), time.min).replace(tzinfo=tz).astimezone(UTC)
    return start, end


def weekend(
    *, now: datetime | None = None, time_zone: str = "America/Toronto"
) -> tuple[date, date]:
    """The coming weekend (this one, from Friday on): its Saturday and Sunday."""
    today = (now or timezone.now()).astimezone(zone(time_zone)).date()
    weekday = today.weekday()  # Monday 0
    if weekday == 6:
        return today - timedelta(days=1), today
    saturday = today + timedelta(days=5 - weekday)
    return saturday, saturday + timedelta(days=1)


def agenda_municipalities(municipalities: Iterable) -> list:
    """The municipalities among these whose agenda is public (the module is on)."""
    return [m for m in municipalities if modules.is_enabled(m, MODULE)]


def region_municipalities(region) -> list:
    from milieu.territory.models import Municipality

    return agenda_municipalities(Municipality.objects.filter(region=region).order_by("name"))


def _agenda_queryset(municipalities: Sequence, filters: AgendaFilters) -> QuerySet[Occurrence]:
    queryset = Occurrence.objects.filter(
        municipality__in=[m.pk for m in municipalities],
        starts_at__lt=filters.end,
        ends_at__gt=filters.start,
        status=OccurrenceStatus.SCHEDULED,
        event__status=EventStatus.PUBLISHED,
    )
    if filters.categories:
        queryset = queryset.filter(event__category__in=filters.categories)
    if filters.near and filters.km:
        queryset = queryset.filter(geo.within(filters.near, filters.km, prefix="event__"))
    if filters.free is True:
        queryset = queryset.filter(event__price=0)
    elif filters.free is False:
        queryset = queryset.filter(event__price__gt=0)
    if filters.accessibility:
        queryset = queryset.annotate(
            access_match=F("event__accessibility").bitand(filters.accessibility)
        ).filter(access_match=filters.accessibility)
    # The descriptions (up to 3 x 5,000 characters) are on the event's page, not in a list.
    return queryset.select_related(
        "event", "event__municipality", "event__organisation", "event__merchant"
    ).defer(*AGENDA_DEFERRED)


def agenda(
    *,
    municipalities: Sequence,
    filters: AgendaFilters,
    cursor: str | None = None,
    limit: int = PAGE,
) -> tuple[list[Occurrence], str | None]:
    """One page of the dates in `municipalities` that match `filters`, soonest first, and the
    cursor of the next page."""
    if not municipalities:
        return [], None
    return keyset_page(
        _agenda_queryset(municipalities, filters), ("starts_at", "pk"), cursor, limit
    )


def distances(occurrences: Iterable[Occurrence], near: str) -> dict[int, int]:
    """How far each date's venue is from `near`, in whole km, by occurrence pk."""
    if not near:
        return {}
    return {
        occurrence.pk: geo.rounded_km(near, occurrence.event.cell)
        for occurrence in occurrences
        if occurrence.event.cell
    }


def registration_states(user, occurrence_ids: Iterable[int]) -> dict[int, Registration]:
    """The reader's active registrations among these dates (one query)."""
    ids = list(occurrence_ids)
    if not user.is_authenticated or not ids:
        return {}
    return {
        registration.occurrence_id: registration
        for registration in Registration.objects.filter(user=user, occurrence_id__in=ids).exclude(
            status=RegistrationStatus.CANCELLED
        )
    }


def event_get(*, visible_to, event_id: int, municipality=None) -> Event:
    event = (
        Event.objects.select_related("municipality", "organisation", "merchant")
        .filter(pk=event_id)
        .first()
    )
    if (
        event is None
        or (municipality is not None and event.municipality_id != municipality.pk)
        or not can_see_event(visible_to, event)
    ):
        raise NotFound(_("This event does not exist."))
    return event


def event_occurrences(
    event: Event, *, now: datetime | None = None, limit: int = 60
) -> list[Occurrence]:
    """The event's coming dates (and the one under way), soonest first."""
    now = now or timezone.now()
    return list(event.occurrences.filter(ends_at__gt=now).order_by("starts_at", "pk")[:limit])


def upcoming_dates(event: Event, *, now: datetime | None = None) -> QuerySet[Occurrence]:
    """The event's coming dates (and the one under way), unordered, for a paged list."""
    return event.occurrences.filter(ends_at__gt=now or timezone.now())


def queue_positions(registrations: Iterable[Registration]) -> dict[int, int]:
    """Where each waiting registration among these stands in its date's waiting list (1: the
    next to be promoted), by pk, in one query."""
    waiting = [r.pk for r in registrations if r.status == RegistrationStatus.WAITLISTED]
    if not waiting:
        return {}
    ahead = (
        Registration.objects.filter(
            occurrence=OuterRef("occurrence"), status=RegistrationStatus.WAITLISTED
        )
        .filter(
            Q(queued_at__lt=OuterRef("queued_at"))
            | Q(queued_at=OuterRef("queued_at"), pk__lt=OuterRef("pk"))
        )
        .order_by()
        .values("occurrence")
        .annotate(count=Count("pk"))
        .values("count")
    )
    rows = (
        Registration.objects.filter(pk__in=waiting)
        .annotate(ahead=Coalesce(Subquery(ahead), 0))
        .values_list("pk", "ahead")
    )
    return {pk: ahead + 1 for pk, ahead in rows}


def occurrence_get(*, visible_to, occurrence_id: int) -> Occurrence:
    occurrence = (
        Occurrence.objects.select_related(
            "event", "event__municipality", "event__organisation", "event__merchant"
        )
        .filter(pk=occurrence_id)
        .first()
    )
    if occurrence is None or not can_see_event(visible_to, occurrence.event):
        raise NotFound(_("This date does not exist."))
    return occurrence


def registration_get(*, visible_to, registration_id: int) -> Registration:
    registration = (
        Registration.objects.select_related(
            "user",
            "occurrence",
            "occurrence__event",
            "occurrence__event__municipality",
            "occurrence__event__organisation",
            "occurrence__event__merchant",
        )
        .filter(pk=registration_id)
        .first()
    )
    if registration is None or not visible_to.has_perm("events.view_registration", registration):
        raise NotFound(_("This registration does not exist."))
    return registration


def my_registrations(
    user, *, upcoming: bool = True, now: datetime | None = None, limit: int = 100
) -> list[Registration]:
    """The reader's active registrations: coming dates soonest first, or past ones latest
    first."""
    now = now or timezone.now()
    queryset = (
        Registration.objects.filter(user=user)
        .exclude(status=RegistrationStatus.CANCELLED)
        .select_related("occurrence", "occurrence__event", "occurrence__event__municipality")
    )
    if upcoming:
        queryset = queryset.filter(occurrence__ends_at__gt=now).order_by(
            "occurrence__starts_at", "pk"
        )
    else:
        queryset = queryset.filter(occurrence__ends_at__lte=now).order_by(
            "-occurrence__starts_at", "-pk"
        )
    return list(queryset[:limit])


def occurrence_registrations(
    occurrence: Occurrence, *, status: str | None = None
) -> list[Registration]:
    """Who holds a place (and who waits, in order) at a date, for its organisers."""
    queryset = occurrence.registrations.select_related("user").exclude(
        status=RegistrationStatus.CANCELLED
    )
    if status:
        queryset = queryset.filter(status=status)
    return list(queryset.order_by("status", "queued_at", "pk")[:2000])


def managed_events(user, municipality, *, limit: int = 100) -> list[Event]:
    """The events of `municipality` the user manages: the city's staff see all of them; a team
    or a merchant sees its own."""
    from .permissions import is_city_staff

    if not user.is_authenticated:
        return []
    queryset = Event.objects.filter(municipality=municipality).select_related(
        "municipality", "organisation", "merchant"
    )
    if not is_city_staff(user, municipality):
        from milieu.volunteering.permissions import organisation_roles

        queryset = queryset.filter(
            Q(publisher="organisation", organisation__in=list(organisation_roles(user)))
            | Q(publisher="merchant", merchant__owner=user)
        )
    return list(queryset.order_by("-starts_at", "-pk")[:limit])


def attraction_list(
    *, municipalities: Sequence, kind: str = "", published: bool = True, limit: int = 200
):
    """The places shown to the public (`published=False`: those not shown yet, for the
    staff)."""
    queryset = Attraction.objects.filter(
        municipality__in=[m.pk for m in municipalities], published=published
    ).select_related("municipality")
    if kind:
        queryset = queryset.filter(kind=kind)
    return list(queryset.order_by("municipality__name", "name_fr", "pk")[:limit])


def attraction_get(*, visible_to, attraction_id: int, municipality=None) -> Attraction:
    attraction = Attraction.objects.select_related("municipality").filter(pk=attraction_id).first()
    if (
        attraction is None
        or (municipality is not None and attraction.municipality_id != municipality.pk)
        or not can_see_attraction(visible_to, attraction)
    ):
        raise NotFound(_("This attraction does not exist."))
    return attraction


def feed_events(
    *, municipalities: Sequence, category: str = "", now: datetime | None = None
) -> list[Event]:
    """What a public feed lists: published (and cancelled) events with a date from a month ago
    on, at most `FEED_LIMIT`."""
    now = now or timezone.now()
    queryset = Event.objects.filter(
        municipality__in=[m.pk for m in municipalities],
        status__in=[EventStatus.PUBLISHED, EventStatus.CANCELLED],
        published_at__isnull=False,
    ).filter(Q(ends_at__gt=now - FEED_PAST) | ~Q(rrule=""))
    if category:
        queryset = queryset.filter(category=category)
    events = list(
        queryset.select_related("municipality", "organisation", "merchant").order_by(
            "starts_at", "pk"
        )[:FEED_LIMIT]
    )
    cancelled: dict[int, list[datetime]] = {}
    for event_id, start in Occurrence.objects.filter(
        event__in=[e.pk for e in events if e.rrule], status=OccurrenceStatus.CANCELLED
    ).values_list("event_id", "starts_at"):
        cancelled.setdefault(event_id, []).append(start)
    for event in events:
        # The dates of a repeating event cancelled one by one (EXDATE in a feed).
        setattr(event, "cancelled_dates", sorted(cancelled.get(event.pk, [])))  # noqa: B010
    return events


def feed_registrations(user, *, now: datetime | None = None) -> list[Registration]:
    """What a person's private feed lists: their active registrations from a month ago on."""
    now = now or timezone.now()
    return list(
        Registration.objects.filter(user=user, occurrence__ends_at__gt=now - FEED_PAST)
        .exclude(status=RegistrationStatus.CANCELLED)
        .select_related("occurrence", "occurrence__event", "occurrence__event__municipality")
        .order_by("occurrence__starts_at", "pk")[:FEED_LIMIT]
    )
