"""Benchmark data for the events module: events and their dates, registrations, attractions.

Per municipality, one event per `RESIDENTS_PER_EVENT` residents (at least `MIN_EVENTS`), in the
proportions of `CATEGORIES`, `PUBLISHERS` and `STATUSES`: published by the city (created by one
of its staff or administrators), by one of its verified organisations (by the organisation's
manager) or by one of its verified merchants (by the owner). `REPEATING_SHARE` of them repeat by
an RRULE (weekly on one or two days, every other week, or monthly), and their dates are expanded
from the rule in the event's wall time up to the horizon, as `services._sync_occurrences` does
(`recurrence.expand`); the others have one date, from two months ago to four months ahead. The
first two events of each municipality repeat every week since two months ago: a free family
outing on Saturday mornings (so that every weekend has a family event in every town) and a sport
session with a few places and a waiting list. Venues lie within about 1.5 km of a district's
centre; draft events have no date yet; a cancelled event's coming dates are cancelled.

`REGISTRATIONS` registrations at scale 1, on the dates of events that take them, from two months
ago to three months ahead (fewer for distant dates), from residents of the event's town and of
the other towns of its region, spread in proportion to each date's places and popularity. Each
date's queue is played in arrival order as the services would: the first `capacity` active
registrations are confirmed, the others wait; a few were cancelled; most confirmed people of
past dates were checked in. `confirmed_count` and `waiting_count` are those of the rows
written. The sample residents (the accounts the harness logs in as) are left out of the random
draws and each hold `SAMPLE_UPCOMING` coming dates and `SAMPLE_PAST` past ones in their region.
`ATTRACTIONS_PER_TOWN` attractions per municipality (parks and trails without hours, museums and
sports centres with weekly hours), most published.

Not written: the attendance points of check-ins (the rewards generator's ledger is left as it
is), calendar tokens and notifications.

Leaves in the manifest, under `events`: `region` (the slug of the region the agenda scenarios
read), and per municipality slug its `region`, `near` (the H3 cell of its centre), `events`
(published events with a coming date, for the event page) and `registered` (sample residents'
emails with a coming registration).
"""

from __future__ import annotations

import base64
import math
import random
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from milieu.core import geo
from milieu.core.bench import BenchContext
from milieu.territory.models import District, Municipality, Region

from . import recurrence
from .models import (
    ALL_ACCESS,
    Attraction,
    Category,
    Event,
    EventStatus,
    Occurrence,
    OccurrenceStatus,
    Publisher,
    Registration,
    RegistrationStatus,
)
from .permissions import MODULE

RESIDENTS_PER_EVENT = 300
MIN_EVENTS = 3  # per municipality: the two weekly anchors and one more
REPEATING_SHARE = 0.4
REGISTRATION_SHARE = 0.4
REGISTRATIONS = 100_000  # at scale 1
REGISTRATION_PAST = timedelta(days=60)
REGISTRATION_AHEAD = timedelta(days=90)
CANCELLED_SHARE = 0.08  # of registrations
CHECKED_IN_SHARE = 0.75  # of confirmed registrations at past dates
SAMPLE_UPCOMING = 4
SAMPLE_PAST = 2
ATTRACTIONS_PER_TOWN = 5
MANIFEST_EVENTS = 40
AGENDA_REGION = "idees-collectives"
TIME_ZONE = "America/Toronto"
CATEGORIES = {
    Category.CULTURE: 30,
    Category.SPORT: 25,
    Category.FAMILY: 25,
    Category.TOURISM: 10,
    Category.MUNICIPAL: 10,
}
PUBLISHERS = {Publisher.CITY: 70, Publisher.ORGANISATION: 20, Publisher.MERCHANT: 10}
STATUSES = {EventStatus.PUBLISHED: 92, EventStatus.DRAFT: 4, EventStatus.CANCELLED: 4}
CAPACITIES = [12, 15, 20, 25, 30, 40, 50, 80, 150, None]
PRICES = ["5.00", "10.00", "15.00", "20.00", "25.00", "40.00"]
# category: (local start hours, duration in minutes)
SCHEDULES = {
    Category.CULTURE: ([14, 19, 19, 20], [90, 120, 150]),
    Category.SPORT: ([7, 9, 18, 19], [60, 90]),
    Category.FAMILY: ([10, 10, 13, 14], [90, 120, 180]),
    Category.TOURISM: ([10, 13], [120, 180, 240]),
    Category.MUNICIPAL: ([18, 19], [90, 120]),
}
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
# (fr, en, es or ""): what each category's events are called
TITLES = {
    Category.CULTURE: [
        ("Concert au parc", "Concert in the park", "Concierto en el parque"),
        ("Soirée de contes", "Storytelling evening", ""),
        ("Exposition d'artistes locaux", "Local artists' exhibition", "Exposición de artistas"),
        ("Cinéma en plein air", "Outdoor movie night", "Cine al aire libre"),
        ("Club de lecture", "Book club", ""),
        ("Théâtre de quartier", "Neighbourhood theatre", ""),
    ],
    Category.SPORT: [
        ("Course à pied en groupe", "Group run", "Carrera en grupo"),
        ("Yoga au parc", "Yoga in the park", "Yoga en el parque"),
        ("Badminton libre", "Drop-in badminton", ""),
        ("Initiation au pickleball", "Pickleball for beginners", ""),
        ("Patin libre", "Public skating", "Patinaje libre"),
    ],
    Category.FAMILY: [
        ("Heure du conte", "Story time", "Hora del cuento"),
        ("Atelier de bricolage", "Crafts workshop", "Taller de manualidades"),
        ("Fête de quartier", "Block party", "Fiesta de barrio"),
        ("Chasse au trésor", "Treasure hunt", ""),
        ("Matinée jeux de société", "Board games morning", ""),
    ],
    Category.TOURISM: [
        ("Visite guidée du vieux quartier", "Guided tour of the old town", "Visita guiada"),
        ("Croisière découverte", "Discovery cruise", ""),
        ("Circuit des producteurs", "Local producers' tour", "Ruta de productores"),
    ],
    Category.MUNICIPAL: [
        ("Séance d'information publique", "Public information session", ""),
        ("Portes ouvertes de l'hôtel de ville", "City hall open house", "Puertas abiertas"),
        ("Collecte de résidus dangereux", "Household hazardous waste drop-off", ""),
    ],
}
VENUES = {
    Category.CULTURE: ["Bibliothèque municipale", "Centre culturel", "Parc central"],
    Category.SPORT: ["Centre sportif", "Parc des Sports", "Aréna municipal"],
    Category.FAMILY: ["Bibliothèque municipale", "Parc du Ruisseau", "Centre communautaire"],
    Category.TOURISM: ["Bureau d'accueil touristique", "Quai municipal", "Place du Marché"],
    Category.MUNICIPAL: ["Hôtel de ville", "Salle du conseil", "Écocentre"],
}
DESCRIPTION = (
    "Une activité ouverte à toutes et à tous, dans une ambiance conviviale.",
    "An activity open to everyone, in a friendly atmosphere.",
    "Una actividad abierta a todos, en un ambiente acogedor.",
)
# kind: (fr, en, hours, hours note)
ATTRACTIONS = [
    ("park", "Parc riverain", "Riverside park", {}, ""),
    (
        "museum",
        "Musée régional",
        "Regional museum",
        {day: [["10:00", "17:00"]] for day in ("tue", "wed", "thu", "fri", "sat", "sun")},
        "",
    ),
    ("trail", "Sentier du boisé", "Woodland trail", {}, "Du lever au coucher du soleil."),
    (
        "sports",
        "Centre aquatique",
        "Aquatic centre",
        {day: [["06:00", "21:00"]] for day in ("mon", "tue", "wed", "thu", "fri")}
        | {day: [["08:00", "17:00"]] for day in ("sat", "sun")},
        "",
    ),
    (
        "heritage",
        "Maison patrimoniale",
        "Heritage house",
        {day: [["11:00", "16:00"]] for day in ("fri", "sat", "sun")},
        "De la Saint-Jean à la fête du Travail.",
    ),
    ("beach", "Plage municipale", "Town beach", {}, "Surveillée en juillet et en août."),
]


def _weighted(rng: random.Random, weights: dict) -> Any:
    return rng.choices(list(weights), list(weights.values()))[0]


def _nearby(rng: random.Random, latitude: float, longitude: float, km: float) -> tuple:
    """A point within about `km` of a point."""
    distance = km * math.sqrt(rng.random())
    angle = 2 * math.pi * rng.random()
    return (
        round(latitude + distance / 111.32 * math.sin(angle), 5),
        round(
            longitude + distance / (111.32 * math.cos(math.radians(latitude))) * math.cos(angle), 5
        ),
    )


def _utc(day: date, hour: int, minute: int = 0) -> datetime:
    return (
        datetime.combine(day, time(hour, minute))
        .replace(tzinfo=recurrence.zone(TIME_ZONE))
        .astimezone(UTC)
    )


def _ticket(rng: random.Random) -> str:
    """As `secrets.token_urlsafe(18)` writes one, but from the seeded source."""
    return base64.urlsafe_b64encode(rng.getrandbits(144).to_bytes(18, "big")).decode()


def _switch_module_on(municipalities: list[dict]) -> None:
    """The module on in every municipality (the territory generator switches on the registered
    modules; this keeps the dataset whole whatever the order of registration)."""
    for municipality in Municipality.objects.filter(pk__in=[m["id"] for m in municipalities]):
        enabled = list(municipality.enabled_modules or [])
        if MODULE not in enabled:
            Municipality.objects.filter(pk=municipality.pk).update(
                enabled_modules=[*enabled, MODULE]
            )


def _publishers(municipality_ids: list[int]) -> tuple[dict, dict]:
    """The verified organisations (with a manager) and merchants of each municipality, as
    (id, the user who publishes for it)."""
    from milieu.rewards.models import Merchant
    from milieu.volunteering.models import MemberRole, OrganisationMember, OrganisationStatus

    organisations: dict[int, list[tuple[int, int]]] = defaultdict(list)
    seen: set[int] = set()
    for organisation_id, municipality_id, user_id in (
        OrganisationMember.objects.filter(
            role=MemberRole.MANAGER,
            organisation__status=OrganisationStatus.VERIFIED,
            organisation__municipality_id__in=municipality_ids,
        )
        .order_by("organisation_id", "pk")
        .values_list("organisation_id", "organisation__municipality_id", "user_id")
    ):
        if organisation_id not in seen:
            seen.add(organisation_id)
            organisations[municipality_id].append((organisation_id, user_id))
    merchants: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for merchant_id, municipality_id, owner_id in (
        Merchant.objects.filter(verified_at__isnull=False, municipality_id__in=municipality_ids)
        .order_by("pk")
        .values_list("pk", "municipality_id", "owner_id")
    ):
        merchants[municipality_id].append((merchant_id, owner_id))
    return organisations, merchants


def _demands(capacities: list[int | None], weights: list[float], total: int) -> list[int]:
    """How many people ask for each date: `total` shared in proportion to the weights, a date
    with places drawing at most 1.6 times its places (a waiting list, not a crowd); what the cap
    leaves over goes to the others, in a few rounds."""
    factor = total / sum(weights) if weights else 0.0
    demands: list[int] = []
    for _round in range(4):
        demands = [
            round(w * factor) if c is None else min(round(w * factor), round(c * 1.6) + 3)
            for c, w in zip(capacities, weights, strict=True)
        ]
        given = sum(demands)
        if not given or given >= 0.98 * total:
            break
        factor *= total / given
    return demands


def generate(ctx: BenchContext) -> dict[str, int]:
    rng = ctx.rng("events")
    writer, now = ctx.writer, ctx.now
    tz = recurrence.zone(TIME_ZONE)
    today = now.astimezone(tz).date()
    horizon = now + recurrence.HORIZON
    municipalities = ctx.state["municipalities"]
    _switch_module_on(municipalities)
    ids = [m["id"] for m in municipalities]
    centres = {
        pk: (lat, lng)
        for pk, lat, lng in Municipality.objects.filter(pk__in=ids).values_list(
            "pk", "latitude", "longitude"
        )
    }
    district_points: dict[int, list[tuple[float, float]]] = defaultdict(list)
    for municipality_id, lat, lng in (
        District.objects.filter(
            municipality_id__in=ids, latitude__isnull=False, longitude__isnull=False
        )
        .order_by("pk")
        .values_list("municipality_id", "latitude", "longitude")
    ):
        if lat is not None and lng is not None:
            district_points[municipality_id].append((lat, lng))
    organisations, merchants = _publishers(ids)
    staff = {
        m["id"]: ctx.state["staff"].get(m["id"], []) + ctx.state["admins"].get(m["id"], [])
        for m in municipalities
    }
    by_region: dict[int, list[dict]] = defaultdict(list)
    for municipality in municipalities:
        by_region[municipality["region_id"]].append(municipality)
    region_of = {m["id"]: m["region_id"] for m in municipalities}
    samples = {user_id for users in ctx.state["sample_residents"].values() for user_id in users}

    # --- Events and their dates ----------------------------------------------------------------
    events: list[tuple[Any, ...]] = []
    # Per occurrence: [event index, municipality id, starts, ends, status, capacity]
    occurrences: list[list[Any]] = []
    # Per event index: (registration required, status, creator, municipality id, popularity)
    plans: list[tuple[bool, str, int | None, int, float]] = []
    for municipality in municipalities:
        mid = municipality["id"]
        residents = ctx.state["residents"][mid]
        count = max(MIN_EVENTS, len(residents) // RESIDENTS_PER_EVENT)
        points = district_points.get(mid) or [centres[mid]]
        for number in range(count):
            category = _weighted(rng, CATEGORIES)
            status = _weighted(rng, STATUSES)
            registration = rng.random() < REGISTRATION_SHARE
            capacity = rng.choice(CAPACITIES)
            price = Decimal("0.00") if rng.random() < 0.6 else Decimal(rng.choice(PRICES))
            hours, durations = SCHEDULES[category]
            hour, minutes = rng.choice(hours), rng.choice(durations)
            rule = ""
            if number == 0:  # every Saturday morning, a free family outing
                category, status, registration, price = (
                    Category.FAMILY,
                    EventStatus.PUBLISHED,
                    False,
                    Decimal("0.00"),
                )
                hour, minutes = 10, 120
                first_day = today - timedelta(days=(today.weekday() - 5) % 7 + 56)
                rule = "FREQ=WEEKLY;BYDAY=SA"
            elif number == 1:  # every Tuesday evening, a sport session with a few places
                category, status, registration, capacity = (
                    Category.SPORT,
                    EventStatus.PUBLISHED,
                    True,
                    12,
                )
                hour, minutes = 19, 90
                first_day = today - timedelta(days=(today.weekday() - 1) % 7 + 56)
                rule = "FREQ=WEEKLY;BYDAY=TU"
            elif rng.random() < REPEATING_SHARE:
                first_day = today + timedelta(days=rng.randint(-120, 30))
                weekday = WEEKDAYS[first_day.weekday()]
                rule = rng.choice(
                    [
                        f"FREQ=WEEKLY;BYDAY={weekday}",
                        f"FREQ=WEEKLY;BYDAY={weekday}",
                        f"FREQ=WEEKLY;BYDAY={weekday},{WEEKDAYS[(first_day.weekday() + 2) % 7]}",
                        f"FREQ=WEEKLY;INTERVAL=2;BYDAY={weekday}",
                        f"FREQ=WEEKLY;BYDAY={weekday};COUNT={rng.randint(6, 20)}",
                        f"FREQ=MONTHLY;BYDAY=1{weekday}",
                    ]
                )
            else:
                first_day = today + timedelta(days=rng.randint(-60, 120))
            if not registration:
                capacity = None
            starts_at = _utc(first_day, hour, rng.choice([0, 0, 30]))
            local_start = starts_at.astimezone(tz)
            ends_at = (
                (local_start.replace(tzinfo=None) + timedelta(minutes=minutes))
                .replace(tzinfo=tz)
                .astimezone(UTC)
            )
            publisher = _weighted(rng, PUBLISHERS) if number > 1 else Publisher.CITY
            organisation = merchant = None
            creator = rng.choice(staff[mid]) if staff[mid] else None
            if publisher == Publisher.ORGANISATION and organisations.get(mid):
                organisation, creator = rng.choice(organisations[mid])
            elif publisher == Publisher.MERCHANT and merchants.get(mid):
                merchant, creator = rng.choice(merchants[mid])
            else:
                publisher = Publisher.CITY
            created = min(starts_at, now) - timedelta(
                days=rng.randint(1, 45), minutes=rng.randint(0, 1440)
            )
            published = created + timedelta(hours=1) if status != EventStatus.DRAFT else None
            titles = rng.choice(TITLES[category])
            spanish = bool(titles[2]) and rng.random() < 0.4
            latitude, longitude = _nearby(rng, *rng.choice(points), 1.5)
            venue = rng.choice(VENUES[category])
            mask = 0
            for feature in (1, 2, 4, 8, 16, 32):
                if rng.random() < 0.35:
                    mask |= feature
            index = len(events)
            events.append(
                (
                    mid,
                    publisher,
                    organisation,
                    merchant,
                    f"{titles[0]} ({number + 1})",
                    titles[1] if rng.random() < 0.7 else "",
                    titles[2] if spanish else "",
                    DESCRIPTION[0],
                    DESCRIPTION[1],
                    DESCRIPTION[2] if spanish else "",
                    "fr",
                    category,
                    TIME_ZONE,
                    starts_at,
                    ends_at,
                    rule,
                    price,
                    "" if price == 0 else "Gratuit pour les moins de 12 ans.",
                    mask & ALL_ACCESS,
                    "Accès par l'entrée principale." if mask & 1 else "",
                    f"https://billets.example/evenements/{index}"
                    if price and rng.random() < 0.5
                    else "",
                    registration,
                    capacity,
                    status,
                    published,
                    None if status == EventStatus.DRAFT else horizon,
                    creator,
                    created,
                    created,
                    venue,
                    f"{rng.randint(10, 9999)} rue Principale",
                    latitude,
                    longitude,
                    *geo.cell_columns(geo.cell_at(latitude, longitude)).values(),
                )
            )
            plans.append(
                (
                    registration,
                    status,
                    creator,
                    mid,
                    rng.uniform(0.15, 0.8) if rng.random() < 0.75 else rng.uniform(1.0, 1.6),
                )
            )
            if status == EventStatus.DRAFT:
                continue
            for start, end in recurrence.expand(
                starts_at=starts_at, ends_at=ends_at, time_zone=TIME_ZONE, rule=rule, until=horizon
            ):
                state = OccurrenceStatus.SCHEDULED
                if end > now and (
                    status == EventStatus.CANCELLED or (not registration and rng.random() < 0.01)
                ):
                    state = OccurrenceStatus.CANCELLED
                occurrences.append([index, mid, start, end, state, capacity])

    # --- Registrations: each date's queue played in arrival order -------------------------------
    candidates: list[int] = []  # occurrences that take registrations in the window
    weights: list[float] = []
    for position, (index, _mid, start, _end, state, capacity) in enumerate(occurrences):
        registration, status, _creator, _m, popularity = plans[index]
        if (
            not registration
            or status != EventStatus.PUBLISHED
            or state != OccurrenceStatus.SCHEDULED
            or not (now - REGISTRATION_PAST <= start <= now + REGISTRATION_AHEAD)
        ):
            continue
        weight = (capacity or rng.randint(10, 60)) * popularity
        if start > now + timedelta(days=30):
            weight *= 0.4
        candidates.append(position)
        weights.append(weight)
    demands = _demands([occurrences[p][5] for p in candidates], weights, ctx.scaled(REGISTRATIONS))
    wanted: dict[int, set[int]] = {}
    for position, demand in zip(candidates, demands, strict=True):
        mid = occurrences[position][1]
        people: set[int] = set()
        own = ctx.state["residents"][mid]
        away = round(demand * 0.15)
        if len(own):
            people.update(rng.sample(own, min(len(own), demand - away)))
        neighbours = [m for m in by_region[region_of[mid]] if m["id"] != mid]
        for _ in range(away if neighbours else 0):
            pool = ctx.state["residents"][rng.choice(neighbours)["id"]]
            if len(pool):
                people.add(pool[rng.randrange(len(pool))])
        wanted[position] = people - samples
    # The sample residents: coming dates and past ones in their region.
    by_municipality: dict[int, list[int]] = defaultdict(list)
    for position in candidates:
        by_municipality[occurrences[position][1]].append(position)
    for municipality in municipalities:
        region_dates = [
            p for m in by_region[municipality["region_id"]] for p in by_municipality[m["id"]]
        ]
        coming = [p for p in region_dates if occurrences[p][3] > now]
        past = [p for p in region_dates if occurrences[p][3] <= now]
        for user_id in ctx.state["sample_residents"].get(municipality["id"], []):
            for pool, count in ((coming, SAMPLE_UPCOMING), (past, SAMPLE_PAST)):
                for position in rng.sample(pool, min(count, len(pool))):
                    wanted[position].add(user_id)

    registrations: list[tuple[Any, ...]] = []
    for position in candidates:
        index, _mid, start, end, _state, capacity = occurrences[position]
        creator = plans[index][2]
        queue = sorted(
            (
                min(start, now) - timedelta(minutes=rng.randint(30, 30 * 1440)),
                user_id,
            )
            for user_id in sorted(wanted[position])
        )
        confirmed = waiting = 0
        for queued, user_id in queue:
            checked_in = cancelled = None
            standing: str
            if rng.random() < CANCELLED_SHARE:
                standing = RegistrationStatus.CANCELLED
                cancelled = min(queued + timedelta(hours=rng.randint(1, 96)), now, start)
            elif capacity is None or confirmed < capacity:
                standing = RegistrationStatus.CONFIRMED
                confirmed += 1
                if end <= now and rng.random() < CHECKED_IN_SHARE:
                    checked_in = start + timedelta(minutes=rng.randint(-20, 30))
            else:
                standing = RegistrationStatus.WAITLISTED
                waiting += 1
            registrations.append(
                (
                    position,
                    user_id,
                    standing,
                    _ticket(rng),
                    queued,
                    queued,
                    cancelled,
                    checked_in,
                    creator if checked_in else None,
                )
            )
        occurrences[position].extend([confirmed, waiting])

    # --- Writing --------------------------------------------------------------------------------
    first_event = writer.reserve(Event, len(events))
    writer.insert(
        Event,
        [
            "id",
            "municipality_id",
            "publisher",
            "organisation_id",
            "merchant_id",
            "title_fr",
            "title_en",
            "title_es",
            "description_fr",
            "description_en",
            "description_es",
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
            "registration_required",
            "capacity",
            "status",
            "published_at",
            "expanded_until",
            "created_by_id",
            "created_at",
            "updated_at",
            "place_name",
            "address",
            "latitude",
            "longitude",
            "cell",
            "cell_r7",
            "cell_r6",
            "cell_r5",
        ],
        ((first_event + i, *row) for i, row in enumerate(events)),
    )
    first_occurrence = writer.reserve(Occurrence, len(occurrences))
    writer.insert(
        Occurrence,
        [
            "id",
            "event_id",
            "municipality_id",
            "starts_at",
            "ends_at",
            "status",
            "capacity",
            "confirmed_count",
            "waiting_count",
        ],
        (
            (first_occurrence + i, first_event + row[0], *row[1:6], *(row[6:8] or [0, 0]))
            for i, row in enumerate(occurrences)
        ),
    )
    first_registration = writer.reserve(Registration, len(registrations))
    writer.insert(
        Registration,
        [
            "id",
            "occurrence_id",
            "user_id",
            "status",
            "ticket",
            "created_at",
            "queued_at",
            "cancelled_at",
            "checked_in_at",
            "checked_in_by_id",
        ],
        (
            (first_registration + i, first_occurrence + row[0], *row[1:])
            for i, row in enumerate(registrations)
        ),
    )

    # --- Attractions ----------------------------------------------------------------------------
    attractions: list[tuple[Any, ...]] = []
    for municipality in municipalities:
        mid = municipality["id"]
        points = district_points.get(mid) or [centres[mid]]
        for number, (kind, name_fr, name_en, opening, note) in enumerate(
            rng.sample(ATTRACTIONS, ATTRACTIONS_PER_TOWN)
        ):
            latitude, longitude = _nearby(rng, *rng.choice(points), 2.0)
            created = now - timedelta(days=rng.randint(30, 700))
            attractions.append(
                (
                    mid,
                    kind,
                    f"{name_fr} {number + 1}",
                    f"{name_en} {number + 1}",
                    "",
                    "Un lieu à découvrir en toute saison.",
                    "A place to discover in every season.",
                    "",
                    "fr",
                    opening,
                    note,
                    kind in ("park", "trail", "beach"),
                    rng.choice([0, 1, 3, 17, 33]),
                    rng.random() < 0.9,
                    rng.choice(staff[mid]) if staff[mid] else None,
                    created,
                    created,
                    "",
                    "",
                    latitude,
                    longitude,
                    *geo.cell_columns(geo.cell_at(latitude, longitude)).values(),
                )
            )
    first_attraction = writer.reserve(Attraction, len(attractions))
    writer.insert(
        Attraction,
        [
            "id",
            "municipality_id",
            "kind",
            "name_fr",
            "name_en",
            "name_es",
            "description_fr",
            "description_en",
            "description_es",
            "original_language",
            "hours",
            "hours_note",
            "is_free",
            "accessibility",
            "published",
            "created_by_id",
            "created_at",
            "updated_at",
            "place_name",
            "address",
            "latitude",
            "longitude",
            "cell",
            "cell_r7",
            "cell_r6",
            "cell_r5",
        ],
        ((first_attraction + i, *row) for i, row in enumerate(attractions)),
    )

    # --- The manifest ---------------------------------------------------------------------------
    slugs = {m["id"]: m["slug"] for m in municipalities}
    regions = dict(
        Region.objects.filter(pk__in={m["region_id"] for m in municipalities}).values_list(
            "pk", "slug"
        )
    )
    towns: dict[str, dict[str, Any]] = {
        m["slug"]: {
            "region": regions.get(m["region_id"], ""),
            "near": geo.cell_at(*centres[m["id"]]),
            "events": [],
            "registered": [],
        }
        for m in municipalities
    }
    listed: set[int] = set()
    for index, mid, _start, end, state, *_rest in occurrences:
        if (
            end > now
            and state == OccurrenceStatus.SCHEDULED
            and plans[index][1] == EventStatus.PUBLISHED
            and index not in listed
            and len(towns[slugs[mid]]["events"]) < MANIFEST_EVENTS
        ):
            listed.add(index)
            towns[slugs[mid]]["events"].append(first_event + index)
    holders = {
        row[1]
        for row in registrations
        if row[2] != RegistrationStatus.CANCELLED and occurrences[row[0]][3] > now
    }
    for municipality in municipalities:
        emails = ctx.manifest.get("accounts", {}).get("residents", {}).get(municipality["slug"], [])
        users = ctx.state["sample_residents"].get(municipality["id"], [])
        towns[municipality["slug"]]["registered"] = [
            email for user_id, email in zip(users, emails, strict=False) if user_id in holders
        ]
    slugs_of_regions = set(regions.values()) or {""}
    ctx.manifest["events"] = {
        "region": AGENDA_REGION if AGENDA_REGION in slugs_of_regions else min(slugs_of_regions),
        "towns": dict(sorted(towns.items())),
    }
    return {
        "events": len(events),
        "occurrences": len(occurrences),
        "registrations": len(registrations),
        "attractions": len(attractions),
    }


# --- In-process scenarios (`bench/in_process.py`, declared in `bench/harness.py`) ---------------


def region_agenda(manifest: dict[str, Any]) -> Callable[[int], Callable[[], int]]:
    """`selectors.agenda` over the region of the manifest, as its agenda page asks for it: the
    first page of 20 dates of the coming 60 days, from today or one of the next 13 days (the
    region's municipalities are read before the clock starts, as the page's cache keeps them)."""
    from django.utils import timezone

    from . import selectors

    region = Region.objects.get(slug=manifest["events"]["region"])
    municipalities = selectors.region_municipalities(region)

    def make(i: int) -> Callable[[], int]:
        start, end = selectors.default_range(now=timezone.now() + timedelta(days=i % 14))
        filters = selectors.AgendaFilters(start=start, end=end)

        def call() -> int:
            return len(selectors.agenda(municipalities=municipalities, filters=filters)[0])

        return call

    return make


def city_agenda(manifest: dict[str, Any]) -> Callable[[int], Callable[[], int]]:
    """`selectors.agenda` for one town of the manifest's region at a time, as its agenda page
    asks for it with a visitor's filters: the family events of the coming weekend within 20 km
    of the town's centre (the first page of 20)."""
    from django.utils import timezone

    from . import selectors

    region = Region.objects.get(slug=manifest["events"]["region"])
    municipalities = selectors.region_municipalities(region)
    towns = manifest["events"]["towns"]
    order = [m for m in municipalities if m.slug in towns]
    random.Random(MANIFEST_EVENTS).shuffle(order)  # noqa: S311 - a load pattern
    order.sort(key=lambda m: m.slug != "brossard")  # the first call: the largest town

    def make(i: int) -> Callable[[], int]:
        town = order[i % len(order)]
        saturday, sunday = selectors.weekend(now=timezone.now())
        start, end = selectors.day_range(saturday, sunday)
        filters = selectors.AgendaFilters(
            start=start,
            end=end,
            categories=[Category.FAMILY],
            near=towns[town.slug]["near"],
            km=20,
        )

        def call() -> int:
            return len(selectors.agenda(municipalities=[town], filters=filters)[0])

        return call

    return make
