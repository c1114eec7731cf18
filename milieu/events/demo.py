"""Demo events in the Idées collectives region (`make run`), dated from today so that the agenda
always looks alive.

The module is switched on in Brossard, La Prairie, Saint-Lambert and Magog. This weekend, two
family outings: story time at Brossard's library (registration, 12 places; Camille holds one)
and a free picnic with giant games in a park of La Prairie, 5 km away; every Saturday morning,
a running club in Saint-Lambert (a weekly RRULE); this Saturday, a paid cruise on Lake
Memphremagog in Magog, 100 km away, with a ticket link; next Wednesday, the council's open house
at Brossard's city hall; next Friday, an evening of world tales by Entraide Brossard (the
volunteering demo's organisation), and, when the rewards demo's merchant exists (Café du
Quartier, verified), a jazz evening at the café. Titles and descriptions in French and English,
some in Spanish; venues with their points and accessibility. Attractions: a park without hours in
Brossard, a museum with weekly hours in La Prairie, a lakeside trail and a park in Magog. Brossard's
points program gets an attendance rule (`event_attended`) when it has none.

Idempotent: an event or an attraction that exists (by its town and French title) is left as it
is, except that a one-off event whose date has passed moves to its date of this run (the past
date stays, as it happened), and Camille is registered again when she holds no coming place.
The events of organisations and merchants go through the services, as their teams would publish
them. What needs the city's staff with MFA is written directly, as the other demos do (staff
enrol their authenticator on their first visit): switching the module on, the city's events and
attractions (checked by the same validation as the services), and the earning rule.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from milieu.accounts.models import User
from milieu.core import modules
from milieu.core.errors import ApplicationError
from milieu.territory.models import Municipality
from milieu.territory.signals import municipality_forget

from . import recurrence, services
from .models import (
    Access,
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
from .selectors import weekend

TOWNS = ("brossard", "la-prairie", "saint-lambert", "magog")
STAFF = "employe.brossard@demo.milieu.test"
MANAGER = "organisme@demo.milieu.test"
MERCHANT_OWNER = "commerce@demo.milieu.test"
CITIZEN = "citoyenne@demo.milieu.test"
ORGANISATION = "Entraide Brossard"
TIME_ZONE = "America/Toronto"
ATTENDANCE_POINTS = 20


@dataclass(frozen=True)
class DemoEvent:
    town: str
    day: Callable[[date], date]  # the local day of the (first) date, from this Saturday
    start: time
    minutes: int
    values: dict[str, Any]
    publisher: str = Publisher.CITY


STORY_TIME = "Heure du conte bilingue"
EVENTS = [
    DemoEvent(
        town="brossard",
        day=lambda saturday: saturday,
        start=time(10, 0),
        minutes=60,
        values={
            "title_fr": STORY_TIME,
            "title_en": "Bilingual story time",
            "title_es": "Hora del cuento bilingüe",
            "description_fr": "Des histoires en français et en anglais pour les 3 à 6 ans et "
            "leurs parents, suivies d'un petit bricolage. Places limitées : inscrivez-vous.",
            "description_en": "Stories in French and English for children aged 3 to 6 and their "
            "parents, followed by a small craft. Limited places: register.",
            "description_es": "Cuentos en francés y en inglés para niños de 3 a 6 años y sus "
            "padres, seguidos de una manualidad. Plazas limitadas: inscríbase.",
            "category": Category.FAMILY,
            "registration_required": True,
            "capacity": 12,
            "accessibility": [Access.STEP_FREE, Access.ADAPTED_TOILETS, Access.QUIET_SPACE],
            "accessibility_note": "Ascenseur à l'entrée principale; coin calme avec coussins.",
            "place_name": "Bibliothèque de Brossard Georgette-Lepage",
            "address": "7855, avenue San Francisco, Brossard",
            "latitude": 45.4497,
            "longitude": -73.4646,
        },
    ),
    DemoEvent(
        town="la-prairie",
        day=lambda saturday: saturday + timedelta(days=1),
        start=time(13, 0),
        minutes=180,
        values={
            "title_fr": "Pique-nique et jeux géants au parc",
            "title_en": "Picnic and giant games in the park",
            "title_es": "Picnic y juegos gigantes en el parque",
            "description_fr": "Apportez votre lunch : jeux géants, maquillage et musique pour "
            "toute la famille, au bord du fleuve. Gratuit, sans inscription.",
            "description_en": "Bring your lunch: giant games, face painting and music for the "
            "whole family, by the river. Free, no registration.",
            "description_es": "Traiga su almuerzo: juegos gigantes, maquillaje y música para "
            "toda la familia, junto al río. Gratis, sin inscripción.",
            "category": Category.FAMILY,
            "accessibility": [Access.STEP_FREE, Access.ADAPTED_TOILETS],
            "accessibility_note": "Sentiers asphaltés; toilettes adaptées au chalet du parc.",
            "place_name": "Parc du Bassin-de-La Prairie",
            "address": "Boulevard Taschereau, La Prairie",
            "latitude": 45.4214,
            "longitude": -73.4986,
        },
    ),
    DemoEvent(
        town="saint-lambert",
        day=lambda saturday: saturday - timedelta(days=28),
        start=time(8, 30),
        minutes=60,
        values={
            "title_fr": "Club de course du samedi matin",
            "title_en": "Saturday morning running club",
            "description_fr": "Cinq kilomètres au bord du fleuve, à votre rythme, avec des "
            "coureurs bénévoles. Tous les samedis, beau temps, mauvais temps.",
            "description_en": "Five kilometres along the river, at your own pace, with volunteer "
            "pacers. Every Saturday, rain or shine.",
            "category": Category.SPORT,
            "rrule": "FREQ=WEEKLY;BYDAY=SA",
            "accessibility": [Access.STEP_FREE],
            "place_name": "Parc Riverside",
            "address": "Avenue Riverside, Saint-Lambert",
            "latitude": 45.5036,
            "longitude": -73.5121,
        },
    ),
    DemoEvent(
        town="magog",
        day=lambda saturday: saturday,
        start=time(14, 0),
        minutes=120,
        values={
            "title_fr": "Croisière découverte sur le lac Memphrémagog",
            "title_en": "Discovery cruise on Lake Memphremagog",
            "title_es": "Crucero por el lago Memphremagog",
            "description_fr": "Deux heures sur le lac, entre les monts Orford et Owl's Head, "
            "avec l'histoire des villégiateurs et des légendes du lac racontées à bord.",
            "description_en": "Two hours on the lake between Mount Orford and Owl's Head, with "
            "the history of its resorts and the lake's legends told on board.",
            "description_es": "Dos horas en el lago entre los montes Orford y Owl's Head, con la "
            "historia y las leyendas del lago contadas a bordo.",
            "category": Category.TOURISM,
            "price": "39.00",
            "price_note": "Enfants de 5 à 12 ans : 19 $.",
            "ticket_url": "https://croisieres-memphremagog.example/billets",
            "accessibility": [Access.STEP_FREE, Access.FREE_COMPANION],
            "accessibility_note": "Passerelle d'embarquement accessible en fauteuil roulant.",
            "place_name": "Quai MacPherson",
            "address": "Rue Merry Sud, Magog",
            "latitude": 45.2638,
            "longitude": -72.1455,
        },
    ),
    DemoEvent(
        town="brossard",
        day=lambda saturday: saturday + timedelta(days=4),
        start=time(18, 30),
        minutes=120,
        values={
            "title_fr": "Portes ouvertes du conseil municipal",
            "title_en": "City council open house",
            "title_es": "Puertas abiertas del concejo municipal",
            "description_fr": "Rencontrez les élus et les équipes de la Ville, visitez la salle "
            "du conseil et posez vos questions sur les projets de votre quartier.",
            "description_en": "Meet your elected officials and the City's teams, visit the "
            "council chamber and ask about the projects in your neighbourhood.",
            "description_es": "Conozca a los concejales y a los equipos de la Ciudad y haga sus "
            "preguntas sobre los proyectos de su barrio.",
            "category": Category.MUNICIPAL,
            "accessibility": [Access.STEP_FREE, Access.HEARING_LOOP, Access.SIGN_LANGUAGE],
            "accessibility_note": "Interprétation en LSQ; boucle magnétique dans la salle.",
            "place_name": "Hôtel de ville de Brossard",
            "address": "2001, boulevard de Rome, Brossard",
            "latitude": 45.4473,
            "longitude": -73.4659,
        },
    ),
    DemoEvent(
        town="brossard",
        day=lambda saturday: saturday + timedelta(days=6),
        start=time(19, 0),
        minutes=120,
        publisher=Publisher.ORGANISATION,
        values={
            "title_fr": "Soirée contes et musiques du monde",
            "title_en": "World tales and music evening",
            "title_es": "Velada de cuentos y música del mundo",
            "description_fr": "Des voisins venus d'ailleurs racontent les contes de leur enfance, "
            "accompagnés de musiciens. Collation offerte par Entraide Brossard.",
            "description_en": "Neighbours from elsewhere tell the tales of their childhood, with "
            "musicians. Snacks offered by Entraide Brossard.",
            "description_es": "Vecinos venidos de otros países cuentan los cuentos de su "
            "infancia, con músicos. Merienda ofrecida por Entraide Brossard.",
            "category": Category.CULTURE,
            "registration_required": True,
            "capacity": 40,
            "accessibility": [Access.STEP_FREE, Access.ADAPTED_TOILETS],
            "place_name": "Centre communautaire",
            "address": "7905, avenue San Francisco, Brossard",
            "latitude": 45.4502,
            "longitude": -73.4633,
        },
    ),
    DemoEvent(
        town="brossard",
        day=lambda saturday: saturday + timedelta(days=5),
        start=time(19, 30),
        minutes=120,
        publisher=Publisher.MERCHANT,
        values={
            "title_fr": "Jazz au Café du Quartier",
            "title_en": "Jazz at Café du Quartier",
            "description_fr": "Un trio jazz du Vieux-Brossard, des desserts maison et la "
            "meilleure ambiance du quartier.",
            "description_en": "A jazz trio from Old Brossard, home-made desserts and the best "
            "atmosphere in the neighbourhood.",
            "category": Category.CULTURE,
            "price": "10.00",
            "price_note": "Une consommation incluse.",
            "accessibility": [Access.STEP_FREE],
            "place_name": "Café du Quartier",
            "address": "5800, boulevard Taschereau, Brossard",
            "latitude": 45.4590,
            "longitude": -73.4670,
        },
    ),
]
# Whom Camille registers for, the first with a coming date that takes registrations.
REGISTER_FOR = [STORY_TIME, "Soirée contes et musiques du monde"]

ATTRACTIONS = [
    (
        "brossard",
        {
            "name_fr": "Parc de la Cité",
            "name_en": "Parc de la Cité",
            "description_fr": "Le grand parc de Brossard : un lac, des sentiers, des aires de "
            "jeux et des terrains de sport, ouvert en toute saison.",
            "description_en": "Brossard's great park: a lake, paths, playgrounds and sports "
            "fields, open in every season.",
            "description_es": "El gran parque de Brossard: un lago, senderos, juegos infantiles "
            "y canchas deportivas, abierto todo el año.",
            "kind": "park",
            "is_free": True,
            "accessibility": [Access.STEP_FREE, Access.ADAPTED_TOILETS],
            "place_name": "Parc de la Cité",
            "address": "Boulevard de Rome, Brossard",
            "latitude": 45.4438,
            "longitude": -73.4602,
        },
    ),
    (
        "la-prairie",
        {
            "name_fr": "Musée d'archéologie de Roussillon",
            "name_en": "Roussillon Archaeology Museum",
            "description_fr": "Huit mille ans d'histoire du territoire, des premiers peuples au "
            "Vieux-La Prairie, racontés par les objets des fouilles.",
            "description_en": "Eight thousand years of history, from the first peoples to "
            "Old La Prairie, told by the objects found in digs.",
            "kind": "museum",
            "hours": {day: [["10:00", "16:00"]] for day in ("wed", "thu", "fri", "sat", "sun")},
            "hours_note": "Fermé les jours fériés.",
            "is_free": False,
            "accessibility": [Access.STEP_FREE, Access.FREE_COMPANION],
            "audio_guide_url": "https://musee-roussillon.example/audioguide",
            "place_name": "Musée d'archéologie de Roussillon",
            "address": "214, rue Saint-Ignace, La Prairie",
            "latitude": 45.4170,
            "longitude": -73.4995,
        },
    ),
    (
        "magog",
        {
            "name_fr": "Promenade Memphrémagog",
            "name_en": "Memphremagog promenade",
            "name_es": "Paseo Memphremagog",
            "description_fr": "Trois kilomètres de sentier au bord du lac, de la plage des "
            "Cantons à la baie de Magog, avec vue sur le mont Orford.",
            "description_en": "Three kilometres of lakeside trail, from the town beach to Magog "
            "bay, with a view of Mount Orford.",
            "kind": "trail",
            "hours_note": "Ouverte en tout temps; une partie est déneigée l'hiver.",
            "is_free": True,
            "accessibility": [Access.STEP_FREE],
            "ar_url": "https://magog-tourisme.example/promenade/realite-augmentee",
            "place_name": "Promenade Memphrémagog",
            "address": "Rue Merry Sud, Magog",
            "latitude": 45.2631,
            "longitude": -72.1436,
        },
    ),
    (
        "magog",
        {
            "name_fr": "Parc de la Baie-de-Magog",
            "name_en": "Baie-de-Magog park",
            "description_fr": "Pelouses, jeux d'eau et quais au fond de la baie, le cœur des "
            "festivals de l'été.",
            "description_en": "Lawns, splash pad and docks at the end of the bay, the heart of "
            "the summer festivals.",
            "kind": "park",
            "is_free": True,
            "accessibility": [Access.STEP_FREE, Access.ADAPTED_TOILETS],
            "place_name": "Parc de la Baie-de-Magog",
            "address": "Rue Principale Ouest, Magog",
            "latitude": 45.2656,
            "longitude": -72.1487,
        },
    ),
]


def _switch_on(town: Municipality) -> bool:
    enabled = set(town.enabled_modules or [])
    if MODULE in enabled:
        return False
    enabled.add(MODULE)
    known = [module.key for module in modules.all_modules()]
    ordered = [key for key in known if key in enabled] + sorted(enabled - set(known))
    Municipality.objects.filter(pk=town.pk).update(enabled_modules=ordered)
    municipality_forget(town.slug)
    town.enabled_modules = ordered
    return True


def _local(day: date, at: time) -> datetime:
    return datetime.combine(day, at).replace(tzinfo=recurrence.zone(TIME_ZONE))


def _dates(spec: DemoEvent, saturday: date) -> tuple[datetime, datetime]:
    starts_at = _local(spec.day(saturday), spec.start)
    ends_at = _local(spec.day(saturday), spec.start) + timedelta(minutes=spec.minutes)
    return starts_at, ends_at


def _city_event(town: Municipality, values: dict[str, Any], staff: User | None) -> Event:
    """An event of the city, published now (written directly: see the module's docstring)."""
    clean = services._validate_event(values, town)
    event = Event.objects.create(
        municipality=town,
        publisher=Publisher.CITY,
        status=EventStatus.PUBLISHED,
        published_at=timezone.now(),
        created_by=staff if staff is not None and town.slug == "brossard" else None,
        **clean,
    )
    services._sync_occurrences(event)
    return event


def _team_event(spec: DemoEvent, town: Municipality, values: dict[str, Any]) -> Event | None:
    """An event of Entraide Brossard or of the Café du Quartier, through the services, when the
    other demos have made them."""
    if spec.publisher == Publisher.ORGANISATION:
        from milieu.volunteering.models import Organisation, OrganisationStatus

        organisation = Organisation.objects.filter(
            municipality=town, name=ORGANISATION, status=OrganisationStatus.VERIFIED
        ).first()
        actor = User.objects.filter(email=MANAGER).first()
        if organisation is None or actor is None:
            return None
        values = {**values, "publisher": Publisher.ORGANISATION, "organisation": organisation.pk}
    else:
        from milieu.rewards.models import Merchant

        merchant = (
            Merchant.objects.filter(
                municipality=town, owner__email=MERCHANT_OWNER, verified_at__isnull=False
            )
            .select_related("owner")
            .first()
        )
        if merchant is None:
            return None
        actor = merchant.owner
        values = {**values, "publisher": Publisher.MERCHANT, "merchant": merchant.pk}
    event = services.event_create(actor=actor, municipality=town, values=values)
    return services.event_publish(actor=actor, event=event)


def _keep_alive(event: Event, starts_at: datetime, ends_at: datetime) -> bool:
    """Move a one-off event whose date has passed to its date of this run."""
    if event.rrule or event.ends_at > timezone.now() or starts_at <= event.starts_at:
        return False
    Event.objects.filter(pk=event.pk).update(
        starts_at=starts_at, ends_at=ends_at, updated_at=timezone.now()
    )
    event.refresh_from_db()
    if event.status == EventStatus.PUBLISHED:
        services._sync_occurrences(event)
    return True


def _register(citizen: User) -> str | None:
    now = timezone.now()
    titles = REGISTER_FOR
    holds = Registration.objects.filter(
        user=citizen,
        occurrence__ends_at__gt=now,
        occurrence__event__title_fr__in=titles,
    ).exclude(status=RegistrationStatus.CANCELLED)
    if holds.exists():
        return None
    for title in titles:
        occurrence = (
            Occurrence.objects.filter(
                event__title_fr=title,
                event__status=EventStatus.PUBLISHED,
                status=OccurrenceStatus.SCHEDULED,
                ends_at__gt=now,
            )
            .select_related("event__municipality")
            .order_by("starts_at")
            .first()
        )
        if occurrence is None:
            continue
        try:
            services.registration_create(actor=citizen, occurrence=occurrence)
        except ApplicationError:
            continue
        return title
    return None


def _earning_rule(town: Municipality) -> bool:
    """Attendance points in the town's program, when it has no rule for them (written directly:
    `rewards.services.earning_rule_set` asks for staff with MFA)."""
    from milieu.rewards.models import EarningRule
    from milieu.rewards.services import program_for

    _rule, created = EarningRule.objects.get_or_create(
        program=program_for(town),
        action=EarningRule.Action.EVENT_ATTENDED,
        defaults={"points": ATTENDANCE_POINTS, "daily_cap": 2 * ATTENDANCE_POINTS},
    )
    return created


@transaction.atomic
def load() -> list[str]:
    lines = ["Events:"]
    towns = {town.slug: town for town in Municipality.objects.filter(slug__in=TOWNS)}
    switched = [towns[slug].name for slug in TOWNS if slug in towns and _switch_on(towns[slug])]
    if switched:
        lines.append(f"  module switched on in {', '.join(switched)}")
    staff = User.objects.filter(email=STAFF).first()
    saturday, _sunday = weekend()
    made, moved = [], []
    for spec in EVENTS:
        town = towns.get(spec.town)
        if town is None:
            continue
        starts_at, ends_at = _dates(spec, saturday)
        existing = Event.objects.filter(municipality=town, title_fr=spec.values["title_fr"]).first()
        if existing is not None:
            if _keep_alive(existing, starts_at, ends_at):
                moved.append(existing.title_fr)
            continue
        values = {
            **spec.values,
            "time_zone": TIME_ZONE,
            "original_language": "fr",
            "starts_at": starts_at,
            "ends_at": ends_at,
        }
        event: Event | None
        if spec.publisher == Publisher.CITY:
            event = _city_event(town, values, staff)
        else:
            event = _team_event(spec, town, values)
        if event is not None:
            made.append(f"{event.title_fr} ({town.name})")
    if made:
        lines.append(f"  {len(made)} events published: " + "; ".join(made))
    if moved:
        lines.append("  moved to their date of this week: " + "; ".join(moved))
    citizen = User.objects.filter(email=CITIZEN).first()
    if citizen is not None and (title := _register(citizen)):
        lines.append(f"  {CITIZEN} is registered for {title}")
    attractions = 0
    for slug, values in ATTRACTIONS:
        town = towns.get(slug)
        if (
            town is None
            or Attraction.objects.filter(municipality=town, name_fr=values["name_fr"]).exists()
        ):
            continue
        clean = services._validate_attraction({**values, "published": True}, town)
        Attraction.objects.create(
            municipality=town, created_by=staff if slug == "brossard" else None, **clean
        )
        attractions += 1
    if attractions:
        lines.append(f"  {attractions} attractions (parks, a museum, a trail)")
    if "brossard" in towns and _earning_rule(towns["brossard"]):
        lines.append(f"  {ATTENDANCE_POINTS} points for checking in at an event in Brossard")
    if len(lines) == 1:
        lines.append("  already loaded")
    return lines
