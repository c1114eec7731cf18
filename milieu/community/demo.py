"""Demo community: neighbourhood posts in Brossard and Ville-Marie, two groups (one official,
one on request), a conversation, a newcomer who reads English and a buddy, and a directory of
services for newcomers. Idempotent: what exists is left as it is.

Everything a person could do goes through the services (so the demo shows what the code does);
what needs a staff member with MFA (an official group, the directory), which demo staff enrol
only at their first visit, is written directly.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from milieu.accounts.demo import DEMO_PASSWORD, _account
from milieu.accounts.models import Membership, User
from milieu.territory.models import District, Municipality

from . import handles, search
from .models import (
    BuddyProfile,
    Conversation,
    Group,
    GroupMembership,
    NewcomerProfile,
    NewcomerResource,
    Post,
)
from .services import conversations, moderation, newcomers, social

CITIZEN = "citoyenne@demo.milieu.test"
RESIDENT = "resident@demo.milieu.test"
ORGANISATION = "organisme@demo.milieu.test"
NEWCOMER = ("newcomer@demo.milieu.test", "Amal (newcomer)")

POSTS = [
    (
        CITIZEN,
        "brossard",
        "centre",
        "fr",
        "Bonjour le quartier! Corvée de nettoyage du parc samedi à 10 h, "
        "gants et sacs fournis. Qui se joint à nous?",
    ),
    (
        ORGANISATION,
        "brossard",
        "centre",
        "fr",
        "Entraide Brossard cherche des bénévoles pour la distribution alimentaire du jeudi. "
        "Écrivez-nous!",
    ),
    (
        RESIDENT,
        "ville-marie",
        "centre",
        "fr",
        "Le marché public reprend dimanche au quai. Producteurs du Témiscamingue bienvenus.",
    ),
]

RESOURCES = {
    "brossard": [
        (
            NewcomerResource.Category.WELCOME,
            "Accueil des nouveaux arrivants de Brossard",
            "Rencontres d'accueil, aide aux démarches et visite de la ville.",
            "Welcome meetings, help with paperwork and a tour of the city.",
            "Reuniones de bienvenida, ayuda con los trámites y visita de la ciudad.",
            ["fr", "en", "es", "ar"],
        ),
        (
            NewcomerResource.Category.LANGUAGE,
            "Francisation Québec — cours à Brossard",
            "Cours de français gratuits, le jour ou le soir, à temps plein ou partiel.",
            "Free French courses, day or evening, full or part time.",
            "Cursos de francés gratuitos, de día o de noche, a tiempo completo o parcial.",
            ["fr", "en", "es"],
        ),
        (
            NewcomerResource.Category.EMPLOYMENT,
            "Carrefour jeunesse-emploi",
            "Aide à la recherche d'emploi, curriculum vitæ et entrevues.",
            "Help finding work, with your résumé and with interviews.",
            "Ayuda para buscar empleo, con el currículum y las entrevistas.",
            ["fr", "en"],
        ),
        (
            NewcomerResource.Category.HOUSING,
            "Comité logement Rive-Sud",
            "Information sur les baux, les droits des locataires et la recherche de logement.",
            "Information on leases, tenants' rights and finding a home.",
            "Información sobre contratos de alquiler, derechos de inquilinos y vivienda.",
            ["fr", "en", "es"],
        ),
    ],
    "ville-marie": [
        (
            NewcomerResource.Category.WELCOME,
            "Accueil Témiscamingue",
            "Accueil et intégration des personnes qui s'installent dans la MRC.",
            "Welcome and integration for people settling in the MRC.",
            "Acogida e integración de las personas que se instalan en la MRC.",
            ["fr", "en"],
        ),
    ],
}


def _district(municipality: Municipality, slug: str) -> District | None:
    return District.objects.filter(municipality=municipality, slug=slug).first()


def _accept(user: User, municipality: Municipality) -> None:
    moderation.netiquette_accept(actor=user, municipality=municipality)


def _posts(lines: list[str]) -> None:
    made = 0
    for email, town_slug, district_slug, language, body in POSTS:
        author = User.objects.get(email=email)
        town = Municipality.objects.get(slug=town_slug)
        if Post.objects.filter(author=author, body=body).exists():
            continue
        _accept(author, town)
        social.post_create(
            actor=author,
            municipality=town,
            district=_district(town, district_slug),
            body=body,
            language=language,
        )
        made += 1
    if made:
        lines.append(f"  {made} neighbourhood posts")


def _groups(lines: list[str]) -> None:
    brossard = Municipality.objects.get(slug="brossard")
    citizen = User.objects.get(email=CITIZEN)
    organisation = User.objects.get(email=ORGANISATION)
    if not Group.objects.filter(municipality=brossard, slug="jardins-communautaires").exists():
        staff = User.objects.get(email="employe.brossard@demo.milieu.test")
        group = Group.objects.create(
            municipality=brossard,
            slug="jardins-communautaires",
            name="Jardins communautaires de Brossard",
            description="Inscriptions, entraide et échange de semis entre jardiniers.",
            interest="gardening",
            official=True,
            created_by=staff,
            member_count=1,
        )
        GroupMembership.objects.create(
            group=group,
            user=staff,
            role=GroupMembership.Role.ADMIN,
            joined_at=timezone.now(),
        )
        search.index_group(group)
        social.group_join(actor=citizen, group=group)
        social.post_create(
            actor=citizen,
            municipality=brossard,
            group=group,
            body="J'ai trop de plants de tomates: qui en veut? @entraide-brossard peut-être?",
            language="fr",
        )
        lines.append("  the official group Jardins communautaires de Brossard")
    if not Group.objects.filter(municipality=brossard, slug="parents-de-brossard").exists():
        group = social.group_create(
            actor=citizen,
            municipality=brossard,
            name="Parents de Brossard",
            description="Entre parents du quartier: gardiennage, sorties, école.",
            interest="family",
            visibility=Group.Visibility.ON_REQUEST,
        )
        social.group_join(actor=organisation, group=group)  # a request, waiting for Camille
        lines.append("  the group on request Parents de Brossard (one request waiting)")


def _conversation(lines: list[str]) -> None:
    citizen = User.objects.get(email=CITIZEN)
    organisation = User.objects.get(email=ORGANISATION)
    pair = ":".join(str(pk) for pk in sorted([citizen.pk, organisation.pk]))
    if Conversation.objects.filter(pair_key=pair).exists():
        return
    sent = conversations.conversation_start(
        actor=organisation,
        handles=[handles.profile_ensure(citizen).handle],
        body="Bonjour Camille, merci pour la corvée! Seriez-vous disponible jeudi pour la "
        "distribution?",
    )
    conversations.message_send(
        actor=citizen, conversation=sent.conversation, body="Avec plaisir, à jeudi!"
    )
    lines.append("  a conversation between Camille and Entraide Brossard")


def _newcomers(lines: list[str]) -> None:
    brossard = Municipality.objects.get(slug="brossard")
    email, name = NEWCOMER
    newcomer = _account(email, name, preferred_language="en")
    if not Membership.objects.filter(user=newcomer, is_home=True).exists():
        Membership.objects.update_or_create(
            user=newcomer,
            municipality=brossard,
            defaults={"is_home": True, "district": _district(brossard, "secteur-nord")},
        )
    if not NewcomerProfile.objects.filter(user=newcomer, municipality=brossard).exists():
        _accept(newcomer, brossard)
        newcomers.newcomer_profile_save(
            actor=newcomer,
            municipality=brossard,
            arrival_date=timezone.localdate() - timedelta(days=40),
            languages_spoken=["ar", "en"],
            languages_wanted=["fr"],
            needs=["french", "employment", "friends"],
            interests=["cooking", "family"],
            availability=["weekday_evening", "weekend_morning"],
            district_id=getattr(_district(brossard, "secteur-nord"), "pk", None),
            about="Arrived with my husband and two children; I was a nurse in Lebanon.",
        )
        lines.append(f"  {email:<40} newcomer in Brossard (English pages)")
    citizen = User.objects.get(email=CITIZEN)
    if not BuddyProfile.objects.filter(user=citizen, municipality=brossard).exists():
        newcomers.buddy_profile_save(
            actor=citizen,
            municipality=brossard,
            languages=["fr", "en"],
            interests=["cooking", "gardening", "family"],
            availability=["weekday_evening", "weekend_morning", "weekend_afternoon"],
            district_id=getattr(_district(brossard, "centre"), "pk", None),
            capacity=2,
            about="Maman de deux enfants, j'aime faire découvrir Brossard.",
        )
        lines.append("  Camille volunteers as a buddy")


def _resources(lines: list[str]) -> None:
    made = 0
    for slug, rows in RESOURCES.items():
        town = Municipality.objects.get(slug=slug)
        for category, name, text_fr, text_en, text_es, languages in rows:
            _resource, created = NewcomerResource.objects.get_or_create(
                municipality=town,
                name=name,
                defaults={
                    "category": category,
                    "description_fr": text_fr,
                    "description_en": text_en,
                    "description_es": text_es,
                    "languages": languages,
                },
            )
            made += created
    if made:
        lines.append(f"  {made} services in the newcomers' directories")


@transaction.atomic
def load() -> list[str]:
    lines = ["Community:"]
    _posts(lines)
    _groups(lines)
    _conversation(lines)
    _newcomers(lines)
    _resources(lines)
    if len(lines) == 1:
        lines.append("  already loaded")
    lines.append(f"  (the newcomer's password is the demo password, {DEMO_PASSWORD})")
    return lines
