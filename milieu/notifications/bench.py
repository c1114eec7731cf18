"""Benchmark data for notifications: preferences, a year of municipal alerts, and what the
fan-out of the latest ones wrote.

People (residents, from `ctx.state["residents"]` and `ctx.state["people"]`):
- `DeliverySettings` for 20 % of residents: half with quiet hours, a quarter with a daily and a
  tenth with a weekly email digest, 15 % with a mobile number;
- `Preference` rows (one to three each) for 30 %: mostly topics turned on by email, some
  non-urgent topics turned off in the notification centre, a few text-message choices (for those
  with a number) and account emails turned off. Only boxes that differ from the topic's default
  are written, as `services.preferences_update` does;
- `DistrictFollow` for 5 % (one or two other districts of their home municipality); every sample
  resident (`ctx.state["sample_residents"]`) follows every other district of their
  municipality, so that they are in the audience of every alert (and turns no topic off).

Alerts, per municipality: about 30 sent over the past year (two or three a month: snow removal
in winter, waste collection, registrations, municipal news; half of the snow-removal and
waste-collection ones target one to three districts) plus two or three urgent advisories
targeting districts, all in French and English, half of them in Spanish too; a draft or two, one
alert scheduled in the coming days and now and then a cancelled one.

Notifications and deliveries, as `alerts.fan_out` writes them (key `alert:<id>`, text in the
person's language or French, deliveries planned by `delivery.plan_channels` from the person's
preferences and settings at the time of sending): for the three most recent city-wide alerts of
every municipality, its whole audience (every member whose home it is, roles included); for
every other sent alert, only the sample residents. Deliveries then moved on as the delivery task
and the digests would have moved them: in-app ones are sent, emails mostly sent (a few failed
after five attempts, a few bounced), held ones sent when the quiet hours ended, digests sent at
the next daily (07:00) or weekly (Monday 07:00) run unless it is still to come. About 70 % of
notifications are read. Every sample resident has at least 30 notifications.

Leaves nothing in `ctx.state` or the manifest but its counts.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings

from milieu.core.bench import BenchContext
from milieu.territory.models import District, Municipality

from . import registry
from .alerts import alert_key
from .delivery import LOCAL_TZ, plan_channels, wanted
from .models import Alert, Delivery, DeliverySettings, DistrictFollow, Notification, Preference

SETTINGS_SHARE = 0.20
PREFERENCE_SHARE = 0.30
FOLLOW_SHARE = 0.05
READ_SHARE = 0.70
FULL_FAN_OUTS = 3  # the most recent city-wide alerts written for their whole audience
REGULAR_ALERTS = 30  # sent over the past year, per municipality (besides urgent ones)
QUIET_HOURS = [
    (time(21), time(7)),
    (time(22), time(6)),
    (time(22, 30), time(7, 30)),
    (time(23), time(7)),
]
PHONE_AREAS = ("450", "514", "438", "819")
EMAIL_TOPICS = (
    "snow_removal",
    "waste_collection",
    "registrations",
    "municipal_news",
    "consultations",
    "rewards",
    "my_exchanges",
)
MUTED_TOPICS = ("municipal_news", "registrations", "rewards", "my_groups", "consultations")
WINTER = {11, 12, 1, 2, 3}
FAILED_SHARE, BOUNCED_SHARE = 0.015, 0.02
EMAIL_ERRORS = (
    "[Errno 111] Connection refused",
    "(451, b'4.7.1 Try again later')",
    "timed out",
)
BOUNCES = (
    "550 5.1.1 The email account that you tried to reach does not exist",
    "552 5.2.2 Mailbox full",
    "550 5.7.1 Message rejected as spam",
)
SMS_ERRORS = ("SMS provider: HTTP 503", "SMS provider unreachable: timed out")

# (title, body) in French, English and Spanish; `{where}` is the districts or the municipality.
TEXTS: dict[str, list[tuple[str, str, str, str, str, str]]] = {
    "snow_removal": [
        (
            "Opération de déneigement",
            "Le chargement de la neige commence ce soir à 19 h ({where}). Stationnement interdit "
            "dans les rues signalées jusqu'à 7 h; les véhicules seront remorqués.",
            "Snow removal operation",
            "Snow loading starts tonight at 7 p.m. ({where}). No parking on signposted streets "
            "until 7 a.m.; vehicles will be towed.",
            "Operación de remoción de nieve",
            "La carga de nieve comienza esta noche a las 19 h ({where}). Prohibido estacionar en "
            "las calles señalizadas hasta las 7 h; los vehículos serán remolcados.",
        ),
        (
            "Fin des opérations de déneigement",
            "Les opérations de déneigement sont terminées ({where}). Le stationnement est de "
            "nouveau permis. Merci de votre collaboration.",
            "Snow removal completed",
            "Snow removal is over ({where}). Parking is allowed again. Thank you for your "
            "cooperation.",
            "Fin de la remoción de nieve",
            "La remoción de nieve terminó ({where}). Se puede estacionar de nuevo. Gracias por su "
            "colaboración.",
        ),
    ],
    "waste_collection": [
        (
            "Collecte reportée",
            "En raison du jour férié, la collecte des ordures est reportée au lendemain "
            "({where}). Sortez votre bac la veille au soir.",
            "Collection postponed",
            "Because of the holiday, garbage collection moves to the next day ({where}). Put "
            "your bin out the evening before.",
            "Recolección aplazada",
            "Debido al día feriado, la recolección de basura se aplaza al día siguiente "
            "({where}). Saque su contenedor la noche anterior.",
        ),
        (
            "Collecte des feuilles mortes",
            "La collecte des résidus verts a lieu lundi ({where}). Utilisez des sacs de papier; "
            "les sacs de plastique ne seront pas ramassés.",
            "Leaf collection",
            "Yard waste is collected on Monday ({where}). Use paper bags; plastic bags will not "
            "be picked up.",
            "Recolección de hojas",
            "Los residuos verdes se recogen el lunes ({where}). Use bolsas de papel; las bolsas "
            "de plástico no se recogerán.",
        ),
        (
            "Collecte des encombrants",
            "Les objets volumineux seront ramassés jeudi ({where}). Déposez-les en bordure de "
            "rue après 19 h mercredi.",
            "Bulky item collection",
            "Bulky items will be picked up on Thursday ({where}). Leave them at the curb after "
            "7 p.m. on Wednesday.",
            "Recolección de objetos voluminosos",
            "Los objetos voluminosos se recogerán el jueves ({where}). Déjelos en la acera "
            "después de las 19 h del miércoles.",
        ),
    ],
    "registrations": [
        (
            "Inscriptions aux activités de loisirs",
            "Les inscriptions aux activités de la saison ({where}) ouvrent mardi à 19 h, en "
            "ligne et au comptoir de la bibliothèque.",
            "Recreation activity registrations",
            "Registrations for the season's activities ({where}) open Tuesday at 7 p.m., online "
            "and at the library counter.",
            "Inscripciones a las actividades recreativas",
            "Las inscripciones a las actividades de la temporada ({where}) abren el martes a las "
            "19 h, en línea y en el mostrador de la biblioteca.",
        ),
        (
            "Camp de jour : dernière semaine d'inscription",
            "Il reste des places au camp de jour ({where}). Les inscriptions ferment vendredi à "
            "midi.",
            "Day camp: last week to register",
            "Places are left at the day camp ({where}). Registrations close Friday at noon.",
            "Campamento de día: última semana de inscripción",
            "Quedan plazas en el campamento de día ({where}). Las inscripciones cierran el "
            "viernes al mediodía.",
        ),
    ],
    "municipal_news": [
        (
            "Séance du conseil municipal",
            "La prochaine séance publique du conseil ({where}) aura lieu mardi à 19 h 30 à "
            "l'hôtel de ville. L'ordre du jour est en ligne.",
            "Council meeting",
            "The next public council meeting ({where}) is on Tuesday at 7:30 p.m. at city "
            "hall. The agenda is online.",
            "Sesión del concejo municipal",
            "La próxima sesión pública del concejo ({where}) será el martes a las 19:30 en el "
            "ayuntamiento. El orden del día está en línea.",
        ),
        (
            "Fermeture des bureaux municipaux",
            "Les bureaux municipaux ({where}) seront fermés lundi pour le congé. Les services "
            "d'urgence restent joignables au 911.",
            "Municipal offices closed",
            "Municipal offices ({where}) will be closed on Monday for the holiday. Emergency "
            "services remain available at 911.",
            "Oficinas municipales cerradas",
            "Las oficinas municipales ({where}) estarán cerradas el lunes por el feriado. Los "
            "servicios de emergencia siguen disponibles en el 911.",
        ),
        (
            "Travaux de réfection de la chaussée",
            "Des travaux de pavage auront lieu toute la semaine ({where}). Prévoyez des "
            "détours et ralentissez près des chantiers.",
            "Road resurfacing work",
            "Paving work will take place all week ({where}). Expect detours and slow down near "
            "work sites.",
            "Obras de repavimentación",
            "Habrá obras de pavimentación toda la semana ({where}). Prevea desvíos y reduzca la "
            "velocidad cerca de las obras.",
        ),
    ],
    "urgent": [
        (
            "Avis d'ébullition préventif",
            "Par mesure préventive, faites bouillir l'eau du robinet au moins une minute avant "
            "de la boire ({where}), jusqu'à nouvel ordre.",
            "Precautionary boil-water advisory",
            "As a precaution, boil tap water for at least one minute before drinking it "
            "({where}) until further notice.",
            "Aviso preventivo de hervir el agua",
            "Como precaución, hierva el agua del grifo al menos un minuto antes de beberla "
            "({where}) hasta nuevo aviso.",
        ),
        (
            "Fermeture de rue : bris d'aqueduc",
            "Un bris d'aqueduc oblige à fermer la rue à la circulation ({where}). L'eau pourrait "
            "être coupée quelques heures.",
            "Street closed: water main break",
            "A water main break closes the street to traffic ({where}). Water may be cut for a "
            "few hours.",
            "Calle cerrada: rotura de acueducto",
            "Una rotura de acueducto obliga a cerrar la calle ({where}). El agua podría cortarse "
            "unas horas.",
        ),
    ],
}


def _local(day: datetime, hour: int, minute: int) -> datetime:
    """That local day's hour, in UTC."""
    local = day.astimezone(LOCAL_TZ)
    return datetime(local.year, local.month, local.day, hour, minute, tzinfo=LOCAL_TZ).astimezone(
        UTC
    )


def _next_digest(moment: datetime, digest: str) -> datetime:
    """When the digest run (07:00 local, Mondays for the weekly one) sends what waits at
    `moment`."""
    run = _local(moment, 7, 0)
    if run <= moment:
        run = _local(moment + timedelta(days=1), 7, 0)
    if digest == DeliverySettings.Digest.WEEKLY:
        while run.astimezone(LOCAL_TZ).weekday() != 0:
            run = _local(run + timedelta(days=1), 7, 0)
    return run


class _People:
    """Who lives where: members (home memberships) of each municipality with their home
    district and language, their preferences, settings and follows."""

    def __init__(self, ctx: BenchContext) -> None:
        state = ctx.state
        people = state["people"]
        self.first_id: int = people["first_id"]
        self.languages: list[str] = people["language"]
        self.districts: list[int | None] = people["district"]
        self.residents: dict[int, range] = state["residents"]
        self.samples: dict[int, list[int]] = state["sample_residents"]
        self.holders: dict[int, list[tuple[int, int]]] = {}
        for municipality in state["municipalities"]:
            home = municipality["districts"][0]
            ids = sorted(
                {
                    user_id
                    for key in ("staff", "admins", "merchant_owners", "organisation_managers")
                    for user_id in state.get(key, {}).get(municipality["id"], [])
                }
            )
            self.holders[municipality["id"]] = [(user_id, home) for user_id in ids]
        self.settings: dict[int, tuple[time | None, time | None, str, str]] = {}
        self.preferences: dict[int, tuple[tuple[str, str, bool], ...]] = {}
        self.follows: dict[int, list[int]] = {}
        self._excluded: dict[str, set[int]] = {}
        self._home_counts: dict[int, dict[int | None, int]] = {}

    def language(self, user_id: int) -> str:
        index = user_id - self.first_id
        return self.languages[index] if index < len(self.languages) else "fr"

    def home(self, user_id: int) -> int | None:
        return self.districts[user_id - self.first_id]

    def home_counts(self, municipality_id: int) -> dict[int | None, int]:
        counts = self._home_counts.get(municipality_id)
        if counts is None:
            counts = self._home_counts[municipality_id] = {}
            for _user_id, home in self.members(municipality_id):
                counts[home] = counts.get(home, 0) + 1
        return counts

    def members(self, municipality_id: int) -> Iterator[tuple[int, int | None]]:
        """(user id, home district) of everyone whose home is the municipality, by id."""
        for user_id in self.residents[municipality_id]:
            yield user_id, self.districts[user_id - self.first_id]
        yield from self.holders[municipality_id]

    def excluded(self, topic: registry.Topic) -> set[int]:
        """People who turned `topic` off on every channel: never in its audience (what
        `alerts._wants_topic` says in SQL)."""
        found = self._excluded.get(topic.key)
        if found is None:
            found = set()
            decided: dict[tuple[tuple[str, bool], ...], bool] = {}
            for user_id, rows in self.preferences.items():
                choices = tuple((c, enabled) for t, c, enabled in rows if t == topic.key)
                if not choices:
                    continue
                wants = decided.get(choices)
                if wants is None:
                    wants = decided[choices] = any(
                        wanted(topic, channel.key, {(topic.key, c): e for c, e in choices})
                        for channel in registry.channels()
                    )
                if not wants:
                    found.add(user_id)
            self._excluded[topic.key] = found
        return found


def _choose_people(ctx: BenchContext, crowd: _People) -> dict[str, int]:
    """Delivery settings, preferences and follows; written, and kept on `crowd`."""
    rng = ctx.rng("notifications:people")
    writer = ctx.writer
    sample_ids = {user_id for ids in crowd.samples.values() for user_id in ids}
    follows: list[tuple[int, int]] = []
    for municipality in ctx.state["municipalities"]:
        districts = municipality["districts"]
        for user_id in crowd.residents[municipality["id"]]:
            sms = ""
            if rng.random() < SETTINGS_SHARE:
                quiet: tuple[time | None, time | None] = (
                    rng.choice(QUIET_HOURS) if rng.random() < 0.5 else (None, None)
                )
                draw = rng.random()
                digest = (
                    DeliverySettings.Digest.DAILY
                    if draw < 0.25
                    else DeliverySettings.Digest.WEEKLY
                    if draw < 0.35
                    else DeliverySettings.Digest.NONE
                )
                if rng.random() < 0.15:
                    sms = f"+1{rng.choice(PHONE_AREAS)}555{rng.randrange(10_000):04d}"
                crowd.settings[user_id] = (quiet[0], quiet[1], str(digest), sms)
            sample = user_id in sample_ids
            if rng.random() < PREFERENCE_SHARE:
                choices: dict[tuple[str, str], bool] = {}
                for _ in range(rng.choice((1, 1, 2, 3))):
                    draw = rng.random()
                    if draw < 0.70:
                        choices[(rng.choice(EMAIL_TOPICS), registry.EMAIL)] = True
                    elif draw < 0.85 and not sample:  # samples stay in every audience
                        choices[(rng.choice(MUTED_TOPICS), registry.IN_APP)] = False
                    elif draw < 0.92:
                        choices[("account", registry.EMAIL)] = False
                    elif sms:
                        choices[(rng.choice(("urgent", "snow_removal")), registry.SMS)] = True
                    else:
                        choices[(rng.choice(EMAIL_TOPICS), registry.EMAIL)] = True
                crowd.preferences[user_id] = tuple(
                    (topic, channel, enabled) for (topic, channel), enabled in choices.items()
                )
            home = crowd.districts[user_id - crowd.first_id]
            others = [d for d in districts if d != home]
            if sample:
                followed = others
            elif others and rng.random() < FOLLOW_SHARE:
                followed = sorted(rng.sample(others, min(len(others), rng.choice((1, 1, 2)))))
            else:
                followed = []
            if followed:
                crowd.follows[user_id] = followed
                follows.extend((user_id, district) for district in followed)

    settings_first = writer.reserve(DeliverySettings, len(crowd.settings))
    writer.insert(
        DeliverySettings,
        ["id", "user_id", "quiet_start", "quiet_end", "digest", "sms_number"],
        (
            (settings_first + i, user_id, *values)
            for i, (user_id, values) in enumerate(crowd.settings.items())
        ),
    )
    preference_count = sum(len(rows) for rows in crowd.preferences.values())
    preference_first = writer.reserve(Preference, preference_count)

    def preference_rows():
        pk = preference_first
        for user_id, rows in crowd.preferences.items():
            for topic, channel, enabled in rows:
                yield (pk, user_id, topic, channel, enabled)
                pk += 1

    writer.insert(Preference, ["id", "user_id", "topic", "channel", "enabled"], preference_rows())
    follow_first = writer.reserve(DistrictFollow, len(follows))
    writer.insert(
        DistrictFollow,
        ["id", "user_id", "district_id"],
        ((follow_first + i, *row) for i, row in enumerate(follows)),
    )
    return {
        "delivery settings": len(crowd.settings),
        "preferences": preference_count,
        "district follows": len(follows),
    }


def _alert(
    rng: random.Random,
    place: dict[str, Any],
    topic: str,
    moment: datetime,
    *,
    targeted: bool,
    status: str,
) -> dict[str, Any]:
    """One alert of `place` (a municipality: `id`, `name`, `districts` {id: name},
    `authors`), in French and English, and half the time in Spanish."""
    districts = list(place["districts"])
    chosen = (
        sorted(rng.sample(districts, min(len(districts), rng.choice((1, 1, 2, 3)))))
        if targeted
        else []
    )
    where = ", ".join(place["districts"][d] for d in chosen) or place["name"]
    texts = rng.choice(TEXTS[topic])
    spanish = rng.random() < 0.5
    return {
        "municipality": place["id"],
        "topic": topic,
        "urgent": topic == "urgent",
        "title_fr": texts[0],
        "body_fr": texts[1].format(where=where),
        "title_en": texts[2],
        "body_en": texts[3].format(where=where),
        "title_es": texts[4] if spanish else "",
        "body_es": texts[5].format(where=where) if spanish else "",
        "districts": chosen,
        "status": status,
        "created_by": rng.choice(place["authors"]) if place["authors"] else None,
        "moment": moment,
        "scheduled_for": None,
        "sent_at": None,
        "audience_size": None,
    }


def _plan_alerts(ctx: BenchContext) -> list[dict[str, Any]]:
    """Every municipality's alerts (not yet numbered), oldest first."""
    rng = ctx.rng("notifications:alerts")
    now = ctx.now
    names = dict(Municipality.objects.values_list("pk", "name"))
    district_names = dict(District.objects.values_list("pk", "name"))
    alerts: list[dict[str, Any]] = []
    for municipality in ctx.state["municipalities"]:
        mid = municipality["id"]
        place = {
            "id": mid,
            "name": names[mid],
            "districts": {d: district_names[d] for d in municipality["districts"]},
            "authors": ctx.state["staff"].get(mid, []) + ctx.state["admins"].get(mid, []),
        }

        moments = []
        for index in range(REGULAR_ALERTS + rng.randint(0, 3)):
            days_ago = 365 * (index + rng.random()) / (REGULAR_ALERTS + 3)
            moments.append(("regular", now - timedelta(days=days_ago + 1)))
        for _ in range(rng.randint(2, 3)):
            moments.append(("urgent", now - timedelta(days=rng.uniform(2, 360))))
        for kind, day in moments:
            month = day.astimezone(LOCAL_TZ).month
            if kind == "urgent":
                topic = "urgent"
            elif month in WINTER and rng.random() < 0.5:
                topic = "snow_removal"
            else:
                topic = rng.choice(("waste_collection", "registrations", "municipal_news"))
            evening = topic == "snow_removal" and rng.random() < 0.4
            start = _local(day, rng.randint(16, 21) if evening else rng.randint(8, 16), 0)
            start += timedelta(minutes=rng.randint(0, 59), seconds=rng.randint(0, 59))
            targeted = topic == "urgent" or (
                registry.topic(topic).geotargeted and rng.random() < 0.5
            )
            item = _alert(rng, place, topic, start, targeted=targeted, status=Alert.Status.SENT)
            item["started"] = start
            if rng.random() < 0.3:  # scheduled a day or two ahead, started by the sweep
                item["scheduled_for"] = start
                item["created_at"] = start - timedelta(days=rng.randint(1, 3), hours=rng.random())
            else:
                item["created_at"] = start - timedelta(minutes=rng.randint(5, 90))
            alerts.append(item)
        for _ in range(rng.randint(1, 2)):
            draft = _alert(
                rng,
                place,
                rng.choice(("registrations", "municipal_news", "waste_collection")),
                now - timedelta(days=rng.uniform(0.1, 6)),
                targeted=False,
                status=Alert.Status.DRAFT,
            )
            draft["created_at"] = draft["moment"]
            alerts.append(draft)
        scheduled = _alert(
            rng,
            place,
            "municipal_news",
            _local(now + timedelta(days=rng.randint(2, 9)), 9, 0),
            targeted=False,
            status=Alert.Status.SCHEDULED,
        )
        scheduled["scheduled_for"] = scheduled["moment"]
        scheduled["created_at"] = now - timedelta(days=rng.uniform(0.1, 3))
        alerts.append(scheduled)
        if rng.random() < 0.3:
            cancelled = _alert(
                rng,
                place,
                "registrations",
                now - timedelta(days=rng.uniform(10, 60)),
                targeted=False,
                status=Alert.Status.CANCELLED,
            )
            cancelled["scheduled_for"] = cancelled["moment"]
            cancelled["created_at"] = cancelled["moment"] - timedelta(days=2)
            alerts.append(cancelled)
    alerts.sort(key=lambda a: (a["created_at"], a["municipality"]))
    return alerts


def _audience_size(crowd: _People, municipality_id: int, alert: dict[str, Any]) -> int:
    """What `alerts.audience_queryset` would count for this alert: the members whose home
    district is targeted (every member for a city-wide alert) and the followers of a targeted
    district, less those who turned the topic off."""
    residents = crowd.residents[municipality_id]
    excluded = [u for u in crowd.excluded(registry.topic(alert["topic"])) if u in residents]
    homes = crowd.home_counts(municipality_id)
    chosen = set(alert["districts"])
    if not chosen:
        return sum(homes.values()) - len(excluded)

    def reached(user_id: int, home: int | None) -> bool:
        return home in chosen or not chosen.isdisjoint(crowd.follows.get(user_id, ()))

    followers = sum(
        1
        for user_id in crowd.follows
        if user_id in residents
        and crowd.home(user_id) not in chosen
        and not chosen.isdisjoint(crowd.follows[user_id])
    )
    return (
        sum(homes.get(d, 0) for d in chosen)
        + followers
        - sum(1 for user_id in excluded if reached(user_id, crowd.home(user_id)))
    )


class _Deliveries:
    """Turns what `plan_channels` planned at sending time into the row the delivery task and
    the digests left behind."""

    def __init__(self, ctx: BenchContext, crowd: _People) -> None:
        self.rng = ctx.rng("notifications:deliveries")
        self.now = ctx.now
        self.crowd = crowd
        self.domain = urlsplit(settings.SITE_URL).hostname or "milieu.local"
        self._plans: dict[tuple[Any, ...], list[Any]] = {}
        self._digest_ids: dict[tuple[int, datetime], str] = {}
        self._settings_objects: dict[tuple[Any, ...], DeliverySettings] = {}

    def _message_id(self, moment: datetime) -> str:
        stamp = int(moment.timestamp() * 100)
        return f"<{stamp}.{self.rng.randint(1000, 60000)}.{self.rng.getrandbits(64)}@{self.domain}>"

    def plans(self, alert: dict[str, Any], topic: registry.Topic, user_id: int) -> list[Any]:
        crowd = self.crowd
        choices = tuple(
            (channel, enabled)
            for t, channel, enabled in crowd.preferences.get(user_id, ())
            if t == topic.key
        )
        values = crowd.settings.get(user_id)
        key = (alert["id"], choices, values)
        plans = self._plans.get(key)
        if plans is None:
            settings_obj = None
            if values is not None:
                settings_obj = self._settings_objects.get(values)
                if settings_obj is None:
                    settings_obj = DeliverySettings(
                        quiet_start=values[0],
                        quiet_end=values[1],
                        digest=values[2],
                        sms_number=values[3],
                    )
                    self._settings_objects[values] = settings_obj
            person = SimpleNamespace(
                email=f"bench-{user_id}@example.org", delivery_settings=settings_obj
            )
            plans = plan_channels(
                user=person,
                topic=topic,
                urgent=alert["urgent"],
                now=alert["started"],
                preferences={(topic.key, channel): enabled for channel, enabled in choices},
                delivery_settings=settings_obj,
            )
            self._plans[key] = plans
        return plans

    def row(self, plan: Any, user_id: int, created: datetime) -> tuple[Any, ...]:
        """(channel, status, attempts, not_before, last_error, provider_id, sent_at,
        updated_at)."""
        rng = self.rng
        if plan.channel == registry.IN_APP:
            return (plan.channel, plan.status, 0, None, "", "", created, created)
        if plan.status == Delivery.Status.DIGEST:
            digest = self.crowd.settings[user_id][2]
            run = _next_digest(created, digest)
            if run > self.now:
                return (plan.channel, plan.status, 0, None, "", "", None, created)
            provider = self._digest_ids.get((user_id, run))
            if provider is None:
                provider = self._digest_ids[(user_id, run)] = self._message_id(run)
            return (plan.channel, Delivery.Status.SENT, 1, None, "", provider, run, run)
        due = plan.not_before or created
        sent = due + timedelta(seconds=rng.uniform(1, 240))
        draw = rng.random()
        if draw < FAILED_SHARE:
            last_try = due + timedelta(minutes=15, seconds=rng.uniform(0, 60))
            errors = SMS_ERRORS if plan.channel == registry.SMS else EMAIL_ERRORS
            return (
                plan.channel,
                Delivery.Status.FAILED,
                5,
                due + timedelta(minutes=15),
                rng.choice(errors),
                "",
                None,
                last_try,
            )
        if plan.channel == registry.SMS:
            provider = f"SM{rng.getrandbits(128):032x}"
        else:
            provider = self._message_id(sent)
        if draw < FAILED_SHARE + BOUNCED_SHARE:
            bounced = min(sent + timedelta(minutes=rng.uniform(1, 600)), self.now)
            return (
                plan.channel,
                Delivery.Status.BOUNCED,
                1,
                plan.not_before,
                rng.choice(BOUNCES),
                provider,
                sent,
                bounced,
            )
        return (plan.channel, Delivery.Status.SENT, 1, plan.not_before, "", provider, sent, sent)


def generate(ctx: BenchContext) -> dict[str, int]:
    writer, now = ctx.writer, ctx.now
    crowd = _People(ctx)
    counts = _choose_people(ctx, crowd)

    alerts = _plan_alerts(ctx)
    alert_first = writer.reserve(Alert, len(alerts))
    sent: list[dict[str, Any]] = []
    for offset, alert in enumerate(alerts):
        alert["id"] = alert_first + offset
        if alert["status"] == Alert.Status.SENT:
            alert["audience_size"] = _audience_size(crowd, alert["municipality"], alert)
            # The fan-out writes 1,000 people per transaction, about 0.2 s each.
            alert["sent_at"] = alert["started"] + timedelta(
                seconds=0.2 * (alert["audience_size"] // 1000 + 1)
            )
            sent.append(alert)
    sent.sort(key=lambda a: (a["started"], a["id"]))
    writer.insert(
        Alert,
        [
            "id",
            "municipality_id",
            "topic",
            "urgent",
            "title_fr",
            "title_en",
            "title_es",
            "body_fr",
            "body_en",
            "body_es",
            "scheduled_for",
            "status",
            "audience_size",
            "created_by_id",
            "created_at",
            "sent_at",
        ],
        (
            (
                a["id"],
                a["municipality"],
                a["topic"],
                a["urgent"],
                a["title_fr"],
                a["title_en"],
                a["title_es"],
                a["body_fr"],
                a["body_en"],
                a["body_es"],
                a["scheduled_for"],
                a["status"],
                a["audience_size"],
                a["created_by"],
                a["created_at"],
                a["sent_at"],
            )
            for a in alerts
        ),
    )
    targets = [(a["id"], d) for a in alerts for d in a["districts"]]
    through = Alert.districts.through
    target_first = writer.reserve(through, len(targets))
    writer.insert(
        through,
        ["id", "alert_id", "district_id"],
        ((target_first + i, *row) for i, row in enumerate(targets)),
    )

    # The latest city-wide alerts reach their whole audience; the others, the sample residents.
    full: set[int] = set()
    for municipality in ctx.state["municipalities"]:
        city_wide = [
            a for a in sent if a["municipality"] == municipality["id"] and not a["districts"]
        ]
        full.update(a["id"] for a in city_wide[-FULL_FAN_OUTS:])

    rng = ctx.rng("notifications:read")
    deliveries = _Deliveries(ctx, crowd)
    notification_count = delivery_count = 0
    for alert in sent:
        mid = alert["municipality"]
        topic = registry.topic(alert["topic"])
        if alert["id"] in full:
            excluded = crowd.excluded(topic)
            recipients = [
                user_id for user_id, _home in crowd.members(mid) if user_id not in excluded
            ]
        else:
            recipients = list(crowd.samples[mid])
        texts = {
            language: (
                alert[f"title_{language}"] or alert["title_fr"],
                alert[f"body_{language}"] or alert["body_fr"],
            )
            for language in ("fr", "en", "es")
        }
        first_member = crowd.residents[mid].start
        key = alert_key(alert["id"])
        notification_first = writer.reserve(Notification, len(recipients))
        notifications: list[tuple[Any, ...]] = []
        planned: list[tuple[Any, ...]] = []
        for offset, user_id in enumerate(recipients):
            pk = notification_first + offset
            rank = offset if alert["id"] in full else max(0, user_id - first_member)
            created = alert["started"] + timedelta(seconds=0.2 * (rank // 1000))
            read_at = None
            if rng.random() < READ_SHARE:
                read_at = created + timedelta(seconds=rng.expovariate(1 / 21_600) + 5)
                if read_at >= now:
                    read_at = None
            title, body = texts.get(crowd.language(user_id), texts["fr"])
            notifications.append(
                (
                    pk,
                    user_id,
                    topic.key,
                    mid,
                    alert["id"],
                    key,
                    title,
                    body,
                    "",
                    alert["urgent"],
                    created,
                    read_at,
                )
            )
            for plan in deliveries.plans(alert, topic, user_id):
                planned.append((pk, *deliveries.row(plan, user_id, created)))
        writer.insert(
            Notification,
            [
                "id",
                "user_id",
                "topic",
                "municipality_id",
                "alert_id",
                "key",
                "title",
                "body",
                "url",
                "urgent",
                "created_at",
                "read_at",
            ],
            notifications,
        )
        delivery_first = writer.reserve(Delivery, len(planned))
        writer.insert(
            Delivery,
            [
                "id",
                "notification_id",
                "channel",
                "status",
                "attempts",
                "not_before",
                "last_error",
                "provider_id",
                "sent_at",
                "updated_at",
            ],
            ((delivery_first + i, *row) for i, row in enumerate(planned)),
        )
        notification_count += len(notifications)
        delivery_count += len(planned)
    counts.update(alerts=len(alerts), notifications=notification_count, deliveries=delivery_count)
    return counts
