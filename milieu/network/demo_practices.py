"""Demo best practices (order 230). Idempotent: a practice is found again by its town and title.

Ville-Marie (Témiscamingue) publishes two practices: free public Wi-Fi in the town hall and a
printed edition of the digital newsletter for residents without internet. Brossard publishes its
online problem reports with follow-up. Brossard adopted Ville-Marie's printed newsletter, and its
staff commented on the Wi-Fi practice.
"""

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from milieu.accounts.models import User
from milieu.territory.models import Municipality

from .models import Adoption, Practice, PracticeComment, PracticeStatus, PracticeTag

PRACTICES: list[dict[str, Any]] = [
    {
        "town": "ville-marie",
        "title": "Wi-Fi public gratuit à l'hôtel de ville",
        "dimension": "connectivity",
        "problem": (
            "Une partie des résidents n'a pas de connexion fiable à la maison; ils ne pouvaient "
            "ni remplir les formulaires en ligne ni suivre les consultations."
        ),
        "solution": (
            "Un réseau Wi-Fi public gratuit dans la salle d'accueil de l'hôtel de ville, ouvert "
            "aux heures de bureau, avec un poste de consultation et l'aide d'une employée le "
            "mardi après-midi."
        ),
        "technology": "Deux bornes Wi-Fi gérées, portail captif sans collecte de données.",
        "cost": "2 400 $ la première année, 600 $ par année ensuite",
        "results": "Environ 40 visites par mois; 12 personnes ont créé leur compte Milieu sur place.",
        "contact": "Direction générale, Ville de Ville-Marie",
        "tags": ["wi-fi", "accès", "aînés"],
        "days_ago": 60,
    },
    {
        "town": "ville-marie",
        "title": "Infolettre numérique imprimée pour les résidents sans internet",
        "dimension": "participation",
        "problem": (
            "Les nouvelles de la municipalité et les consultations ne rejoignaient pas les "
            "résidents sans internet, surtout les aînés."
        ),
        "solution": (
            "L'infolettre mensuelle publiée sur Milieu est aussi imprimée et déposée au bureau de "
            "poste, à l'épicerie et à la bibliothèque, avec un numéro de téléphone pour répondre "
            "aux consultations."
        ),
        "technology": "Gabarit d'impression tiré de l'infolettre; aucune nouvelle technologie.",
        "cost": "150 $ par mois (impression)",
        "results": "Les réponses aux consultations des 65 ans et plus ont doublé en six mois.",
        "contact": "Service des communications, Ville de Ville-Marie",
        "tags": ["infolettre", "aînés", "inclusion numérique"],
        "days_ago": 30,
    },
    {
        "town": "brossard",
        "title": "Signalements en ligne avec suivi pour le résident",
        "dimension": "services",
        "problem": "Les appels pour les nids-de-poule et les lampadaires saturaient le 311.",
        "solution": (
            "Les signalements se font en ligne avec une photo et un point sur la carte; le "
            "résident suit chaque étape et reçoit un avis à la fermeture."
        ),
        "technology": "Module de signalements de Milieu, API Open311 vers le logiciel des travaux publics.",
        "cost": "Temps du personnel : deux semaines de configuration",
        "results": "Délai médian de fermeture passé de 12 à 5 jours.",
        "contact": "Travaux publics, Ville de Brossard",
        "tags": ["signalements", "services en ligne"],
        "days_ago": 90,
    },
]
ADOPTIONS = [
    (
        "brossard",
        "Infolettre numérique imprimée pour les résidents sans internet",
        "Imprimée dans nos trois bibliothèques.",
    )
]
COMMENTS = [
    (
        "brossard",
        "employe.brossard@demo.milieu.test",
        "Wi-Fi public gratuit à l'hôtel de ville",
        "Bonne idée : combien de personnes l'aide du mardi rejoint-elle?",
    )
]


def _staff(town: Municipality) -> User | None:
    from milieu.accounts.models import STAFF_ROLES

    return (
        User.objects.filter(
            roles__municipality=town,
            roles__role__in=STAFF_ROLES,
            roles__revoked_at__isnull=True,
        )
        .order_by("pk")
        .first()
    )


@transaction.atomic
def load() -> list[str]:
    towns = {m.slug: m for m in Municipality.objects.filter(slug__in=["ville-marie", "brossard"])}
    if len(towns) < 2:
        return []
    now = timezone.now()
    practices = {}
    for row in PRACTICES:
        town = towns[row["town"]]
        practice, created = Practice.objects.get_or_create(
            municipality=town,
            title=row["title"],
            defaults={
                "language": "fr",
                "dimension": row["dimension"],
                "problem": row["problem"],
                "solution": row["solution"],
                "technology": row["technology"],
                "cost": row["cost"],
                "results": row["results"],
                "contact": row["contact"],
                "status": PracticeStatus.PUBLISHED,
                "created_by": _staff(town),
                "created_at": now - timedelta(days=row["days_ago"] + 5),
                "published_at": now - timedelta(days=row["days_ago"]),
            },
        )
        if created:
            from .services_practices import _tags, parse_tags

            practice.tags.set(_tags(parse_tags(row["tags"])))
        practices[row["title"]] = practice
    for slug, title, note in ADOPTIONS:
        Adoption.objects.get_or_create(
            practice=practices[title],
            municipality=towns[slug],
            defaults={"note": note, "adopted_by": _staff(towns[slug])},
        )
    for slug, email, title, body in COMMENTS:
        PracticeComment.objects.get_or_create(
            practice=practices[title],
            municipality=towns[slug],
            body=body,
            defaults={"author": User.objects.filter(email=email).first()},
        )
    return [
        f"Best practices: {Practice.objects.count()} at /fr/practices/ "
        f"({PracticeTag.objects.count()} tags); Ville-Marie's staff write theirs at "
        "/fr/ville-marie/staff/practices/"
    ]
