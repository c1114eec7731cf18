"""Demo calls for proposals (`make run`), dated from today so that the submission phase is open.

Brossard: "Idées pour le parc riverain", 5 supports oblige the city to answer. Camille's idea
(shaded benches along the river) has 6 supports and the city's answer (accepted, signed by
Brossard's staff); the organisation manager's idea (a splash pad) has 5 supports and waits for
its answer (the staff's queue at /fr/brossard/staff/participation/proposals/ shows it first); two
neighbours' ideas have fewer supports, and Camille may still support the lit trail.
Ville-Marie (Témiscamingue): "Idées pour le quai municipal", 10 supports oblige an answer;
Gabriel's idea (a kayak launch) and a neighbour's.

The module is switched on in both towns. The supporters are a few demo neighbours (verified
residents without a password: they exist to support). Everything is written directly, as the
other demos do for what needs staff with MFA; the counts and the threshold dates match the
supports. Idempotent: a call that exists (by its town and French title) is left as it is, but
its phases move so that its submission phase stays open.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from milieu.accounts.models import Membership, User
from milieu.core import modules
from milieu.territory.models import Municipality
from milieu.territory.signals import municipality_forget

from .models import Consultation, ConsultationStatus, Phase, PhaseKind, Proposal, Support
from .permissions_proposals import KIND, MODULE

STAFF = "employe.brossard@demo.milieu.test"
CITIZEN = "citoyenne@demo.milieu.test"
MANAGER = "organisme@demo.milieu.test"
GABRIEL = "resident@demo.milieu.test"
DAY = timedelta(days=1)

CALLS = {
    "brossard": {
        "title_fr": "Idées pour le parc riverain",
        "title_en": "Ideas for the riverside park",
        "description_fr": (
            "Le parc riverain sera réaménagé l'an prochain. Proposez vos idées et appuyez celles "
            "de vos voisins : à partir de 5 appuis, la Ville publie une réponse."
        ),
        "description_en": (
            "The riverside park will be redesigned next year. Submit your ideas and support your "
            "neighbours': from 5 supports on, the city publishes an answer."
        ),
        "support_threshold": 5,
    },
    "ville-marie": {
        "title_fr": "Idées pour le quai municipal",
        "title_en": "Ideas for the town wharf",
        "description_fr": (
            "Comment animer le quai sur le lac Témiscamingue cet été ? À partir de 10 appuis, "
            "la municipalité répond publiquement."
        ),
        "description_en": (
            "How should the wharf on Lake Témiscamingue come alive this summer? From 10 "
            "supports on, the town answers publicly."
        ),
        "support_threshold": 10,
    },
}
# town, author (an email, or a neighbour's number), title, body, supports, the city's answer
IDEAS = [
    (
        "brossard",
        CITIZEN,
        "Des bancs à l'ombre le long de la rivière",
        "Il n'y a presque pas de bancs le long du sentier. Des bancs sous les arbres "
        "permettraient aux aînés et aux parents de s'arrêter.",
        6,
        (
            "accepted",
            "Bonne idée : huit bancs seront installés à l'ombre le long du sentier riverain "
            "au printemps, dans le cadre du réaménagement.",
        ),
    ),
    (
        "brossard",
        MANAGER,
        "Une aire de jeux d'eau pour les enfants",
        "Les familles du quartier vont loin pour se rafraîchir l'été. Des jeux d'eau près "
        "de l'aire de pique-nique seraient très utilisés.",
        5,
        None,
    ),
    (
        "brossard",
        1,
        "Des poubelles de tri à l'entrée du parc",
        "Ajouter des bacs de recyclage et de compost à côté des poubelles, avec une affiche.",
        2,
        None,
    ),
    (
        "brossard",
        2,
        "Un sentier éclairé le soir",
        "Un éclairage doux sur le sentier principal rendrait les promenades d'automne plus sûres.",
        0,
        None,
    ),
    (
        "ville-marie",
        GABRIEL,
        "Une rampe de mise à l'eau pour les kayaks",
        "Une petite rampe à côté du quai permettrait de mettre les kayaks à l'eau sans "
        "abîmer la berge.",
        1,
        None,
    ),
    (
        "ville-marie",
        7,
        "Des concerts au quai le vendredi soir",
        "Inviter des musiciens de la région sur le quai les vendredis de juillet.",
        0,
        None,
    ),
]
NEIGHBOURS = 8
PLACES = {"brossard": "Parc riverain", "ville-marie": "Quai municipal"}


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


def _neighbour(number: int, town: Municipality) -> User:
    """A demo neighbour of `town` who supports ideas (a verified resident, no password)."""
    from milieu.accounts.models import CitizenId, Verification
    from milieu.accounts.services.identity import citizen_id_number

    email = f"voisin{number}.{town.slug}@demo.milieu.test"
    user = User.objects.filter(email=email).first()
    if user is not None:
        return user
    user = User.objects.create(email=email, display_name=f"Voisin·e {number}")
    user.set_unusable_password()
    user.save(update_fields=["password"])
    Membership.objects.get_or_create(user=user, municipality=town, defaults={"is_home": True})
    now = timezone.now()
    verification = Verification.objects.create(
        user=user,
        municipality=town,
        method="counter",
        status=Verification.Status.APPROVED,
        decided_at=now,
    )
    serial = 900_000 + user.pk
    CitizenId.objects.create(
        user=user,
        municipality=town,
        verification=verification,
        issued_at=now,
        confirmed_at=now,
        expires_at=now + 365 * DAY,
        year=now.year,
        serial=serial,
        number=citizen_id_number(town.id_code, now.year, serial),
    )
    return user


def _phases(consultation: Consultation, now) -> None:
    spans = {
        PhaseKind.INFORMATION: (now - 21 * DAY, now - 14 * DAY),
        PhaseKind.SUBMISSION: (now - 14 * DAY, now + 30 * DAY),
        PhaseKind.RESULTS: (now + 30 * DAY, now + 60 * DAY),
    }
    for position, (kind, (starts_at, ends_at)) in enumerate(spans.items()):
        Phase.objects.update_or_create(
            consultation=consultation,
            kind=kind,
            defaults={"starts_at": starts_at, "ends_at": ends_at, "position": position},
        )


def _call(town: Municipality, values: dict, staff: User | None, now) -> tuple[Consultation, bool]:
    existing = Consultation.objects.filter(
        municipality=town, kind=KIND, title_fr=values["title_fr"]
    ).first()
    if existing is not None:
        _phases(existing, now)
        return existing, False
    consultation = Consultation.objects.create(
        municipality=town,
        kind=KIND,
        status=ConsultationStatus.PUBLISHED,
        original_language="fr",
        created_by=staff if town.slug == "brossard" else None,
        published_at=now - 21 * DAY,
        **values,
    )
    _phases(consultation, now)
    return consultation, True


@transaction.atomic
def load() -> list[str]:
    lines = ["Calls for proposals:"]
    towns = {town.slug: town for town in Municipality.objects.filter(slug__in=CALLS)}
    switched = [town.name for town in towns.values() if _switch_on(town)]
    if switched:
        lines.append(f"  module switched on in {', '.join(sorted(switched))}")
    staff = User.objects.filter(email=STAFF).first()
    now = timezone.now()
    calls = {}
    for slug, values in CALLS.items():
        if slug not in towns:
            continue
        calls[slug], created = _call(towns[slug], values, staff, now)
        if created:
            lines.append(f"  {values['title_fr']} ({towns[slug].name})")
    made = 0
    for slug, author_ref, title, body, supports, answer in IDEAS:
        consultation = calls.get(slug)
        if (
            consultation is None
            or Proposal.objects.filter(consultation=consultation, title=title).exists()
        ):
            continue
        town = towns[slug]
        if isinstance(author_ref, int):
            author = _neighbour(author_ref, town)
        else:
            author = User.objects.filter(email=author_ref).first() or _neighbour(9, town)
        created_at = now - (10 - made) * DAY
        proposal = Proposal.objects.create(
            consultation=consultation,
            municipality=town,
            author=author,
            title=title,
            body=body,
            language="fr",
            place_name=PLACES[slug],
            created_at=created_at,
            updated_at=created_at,
        )
        neighbours = [_neighbour(number, town) for number in range(1, NEIGHBOURS + 1)]
        supporters = [user for user in neighbours if user.pk != author.pk][:supports]
        Support.objects.bulk_create(
            [Support(proposal=proposal, user=user, created_at=created_at) for user in supporters]
        )
        proposal.support_count = len(supporters)
        threshold = consultation.support_threshold
        if threshold and proposal.support_count >= threshold:
            proposal.threshold_reached_at = created_at + 2 * DAY
        if answer is not None:
            proposal.status, proposal.answer = answer
            proposal.answer_language = "fr"
            proposal.answered_by = staff
            proposal.answered_at = created_at + 4 * DAY
        proposal.save()
        made += 1
    if made:
        lines.append(f"  {made} ideas with their supports; one answered by the city of Brossard")
    if len(lines) == 1:
        lines.append("  already loaded")
    return lines
