"""Demo consultations (`make run`): surveys in Brossard (Idées collectives) and Ville-Marie
(Témiscamingue), dated from today so that one is always open.

The module "participation" is switched on in both towns. Brossard asks about the library's new
hours (open now, open ballot, for verified residents: Camille may answer; a question about the
Sunday hours appears when one answers "Oui" to opening on Sundays), and shows the results of a
closed survey on the dog park (secret ballot, answered by 24 demo neighbours). Ville-Marie asks
about public transport to Rouyn-Noranda (open now, secret ballot, open to members with a
confirmed email: Gabriel may answer).

Idempotent: a consultation that exists (by its town and French title) is left as it is, but
an open survey whose answering phase has ended gets its phases moved to this run. What needs
the city's staff with MFA is written directly, as the other demos do, after the same checks as
the services (`clean_phases`).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from milieu.accounts.models import Membership, User
from milieu.core import modules
from milieu.territory.models import Municipality
from milieu.territory.signals import municipality_forget

from . import registry
from .models import (
    Answer,
    Ballot,
    BallotMode,
    Choice,
    Consultation,
    ConsultationStatus,
    Phase,
    Question,
    SurveyResponse,
)
from .permissions import MODULE
from .results_surveys import compute
from .services_consultations import clean_phases

DAY = timedelta(days=1)
STAFF = "employe.brossard@demo.milieu.test"
NEIGHBOURS = 24

LIBRARY: dict[str, Any] = {
    "town": "brossard",
    "title_fr": "Nouvelles heures de la bibliothèque",
    "title_en": "The library's new hours",
    "title_es": "Nuevo horario de la biblioteca",
    "description_fr": (
        "La bibliothèque de Brossard revoit ses heures d'ouverture pour 2027. Dites-nous quand "
        "vous la fréquentez et ce qui compte pour vous."
    ),
    "description_en": (
        "Brossard's library is reviewing its opening hours for 2027. Tell us when you visit "
        "and what matters to you."
    ),
    "ballot_mode": BallotMode.OPEN,
    "min_trust": 2,
    "questions": [
        {
            "kind": "single",
            "text_fr": "Faut-il ouvrir la bibliothèque le dimanche ?",
            "text_en": "Should the library open on Sundays?",
            "required": True,
            "choices": [("Oui", "Yes"), ("Non", "No")],
        },
        {
            "kind": "single",
            "text_fr": "Quelles heures le dimanche ?",
            "text_en": "Which hours on Sundays?",
            "choices": [("Le matin", "Mornings"), ("L'après-midi", "Afternoons")],
            "show_if": (0, 0),
        },
        {
            "kind": "scale",
            "text_fr": "Les heures actuelles vous conviennent-elles ?",
            "text_en": "Do the current hours suit you?",
            "scale": (1, 5, ("Pas du tout", "Not at all"), ("Tout à fait", "Completely")),
        },
        {
            "kind": "ranking",
            "text_fr": "Classez vos priorités",
            "text_en": "Rank your priorities",
            "choices": [
                ("Ouvrir plus tard le soir", "Open later in the evening"),
                ("Ouvrir le dimanche", "Open on Sundays"),
                ("Ouvrir plus tôt le matin", "Open earlier in the morning"),
            ],
        },
        {
            "kind": "multiple",
            "text_fr": "Qu'y faites-vous ?",
            "text_en": "What do you do there?",
            "choices": [
                ("Emprunter des livres", "Borrow books"),
                ("Travailler ou étudier", "Work or study"),
                ("Activités pour enfants", "Children's activities"),
            ],
        },
        {
            "kind": "text",
            "text_fr": "Autre chose à nous dire ?",
            "text_en": "Anything else to tell us?",
        },
    ],
}
DOG_PARK: dict[str, Any] = {
    "town": "brossard",
    "title_fr": "Aménagement du parc canin",
    "title_en": "The dog park's layout",
    "description_fr": "Où et comment aménager le nouveau parc canin du secteur L ?",
    "description_en": "Where and how to lay out the new dog park of sector L?",
    "ballot_mode": BallotMode.SECRET,
    "min_trust": 2,
    "closed": True,
    "questions": [
        {
            "kind": "single",
            "text_fr": "Quel emplacement préférez-vous ?",
            "text_en": "Which site do you prefer?",
            "required": True,
            "choices": [
                ("Parc Sorbonne", "Sorbonne park"),
                ("Boisé du Tremblay", "Tremblay woods"),
                ("Près de l'aréna", "Near the arena"),
            ],
        },
        {
            "kind": "scale",
            "text_fr": "Importance d'un espace séparé pour les petits chiens",
            "text_en": "How important is a separate area for small dogs",
            "scale": (1, 5, ("Aucune", "None"), ("Très grande", "Very")),
        },
        {
            "kind": "ranking",
            "text_fr": "Classez les équipements",
            "text_en": "Rank the equipment",
            "choices": [
                ("Fontaine", "Water fountain"),
                ("Éclairage", "Lighting"),
                ("Bancs à l'ombre", "Shaded benches"),
            ],
        },
    ],
}
TRANSPORT: dict[str, Any] = {
    "town": "ville-marie",
    "title_fr": "Transport collectif vers Rouyn-Noranda",
    "title_en": "Public transport to Rouyn-Noranda",
    "description_fr": (
        "La MRC étudie une navette vers Rouyn-Noranda. Votre avis aide à en fixer les horaires."
    ),
    "description_en": "The MRC is studying a shuttle to Rouyn-Noranda. Help us set its times.",
    "ballot_mode": BallotMode.SECRET,
    "min_trust": 1,
    "questions": [
        {
            "kind": "single",
            "text_fr": "Utiliseriez-vous une navette vers Rouyn-Noranda ?",
            "text_en": "Would you take a shuttle to Rouyn-Noranda?",
            "required": True,
            "choices": [
                ("Oui, chaque semaine", "Yes, weekly"),
                ("Parfois", "Sometimes"),
                ("Non", "No"),
            ],
        },
        {
            "kind": "multiple",
            "text_fr": "Pour quoi faire ?",
            "text_en": "What for?",
            "choices": [
                ("Rendez-vous médicaux", "Medical appointments"),
                ("Études", "Studies"),
                ("Travail", "Work"),
                ("Magasinage", "Shopping"),
            ],
            "show_if": (0, 0),
        },
        {
            "kind": "scale",
            "text_fr": "Combien seriez-vous prêt à payer l'aller-retour ($) ?",
            "text_en": "How much would you pay for a return trip ($)?",
            "scale": (0, 10, ("0 $", "$0"), ("50 $ et plus", "$50 or more")),
        },
    ],
}
SURVEYS: tuple[dict[str, Any], ...] = (LIBRARY, DOG_PARK, TRANSPORT)


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


def _phases(closed: bool) -> list[dict[str, Any]]:
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    if closed:
        return [
            {"kind": "information", "starts_at": now - 60 * DAY, "ends_at": now - 45 * DAY},
            {"kind": "answering", "starts_at": now - 45 * DAY, "ends_at": now - 15 * DAY},
            {"kind": "results", "starts_at": now - 15 * DAY, "ends_at": now + 90 * DAY},
        ]
    return [
        {"kind": "information", "starts_at": now - 14 * DAY, "ends_at": now - 7 * DAY},
        {"kind": "answering", "starts_at": now - 7 * DAY, "ends_at": now + 21 * DAY},
        {"kind": "results", "starts_at": now + 21 * DAY, "ends_at": now + 111 * DAY},
    ]


def _save_phases(consultation: Consultation, phases: list[dict[str, Any]]) -> None:
    consultation.phases.all().delete()
    Phase.objects.bulk_create(
        Phase(consultation=consultation, position=i, **phase) for i, phase in enumerate(phases)
    )


def _questions(consultation: Consultation, specs: list[dict[str, Any]]) -> list[Question]:
    made: list[Question] = []
    for position, spec in enumerate(specs):
        scale = spec.get("scale")
        question = Question(
            consultation=consultation,
            position=position,
            kind=spec["kind"],
            text_fr=spec["text_fr"],
            text_en=spec.get("text_en", ""),
            required=spec.get("required", False),
            original_language="fr",
        )
        if scale:
            question.scale_min, question.scale_max = scale[0], scale[1]
            question.min_label_fr, question.min_label_en = scale[2]
            question.max_label_fr, question.max_label_en = scale[3]
        if "show_if" in spec:
            source, choice_index = spec["show_if"]
            question.show_if_question = made[source]
            question.show_if_choice = list(made[source].choices.order_by("position"))[choice_index]
        question.save()
        for index, (label_fr, label_en) in enumerate(spec.get("choices", [])):
            Choice.objects.create(
                question=question, position=index, label_fr=label_fr, label_en=label_en
            )
        made.append(question)
    return made


def _neighbours(town: Municipality) -> list[User]:
    people = []
    for index in range(1, NEIGHBOURS + 1):
        email = f"voisin{index}.{town.slug}@demo.milieu.test"
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create(email=email, display_name=f"Voisin {index}")
            user.set_unusable_password()
            user.save(update_fields=["password"])
            Membership.objects.get_or_create(
                user=user, municipality=town, defaults={"is_home": True}
            )
        people.append(user)
    return people


def _answer_all(consultation: Consultation, questions: list[Question], town: Municipality) -> int:
    """The 24 neighbours' answers, varied but fixed (the demo gives the same results)."""
    made = 0
    for index, person in enumerate(_neighbours(town)):
        if Ballot.objects.filter(consultation=consultation, user=person).exists():
            continue
        Ballot.objects.create(consultation=consultation, user=person)
        response = SurveyResponse.objects.create(consultation=consultation)
        rows = []
        for number, question in enumerate(questions):
            choices = list(question.choices.order_by("position"))
            if question.kind == "single":
                rows.append(
                    Answer(
                        response=response,
                        question=question,
                        choice=choices[(index * (number + 1)) % 5 % len(choices)],
                    )
                )
            elif question.kind == "scale":
                low, high = question.scale_min or 0, question.scale_max or 0
                rows.append(
                    Answer(
                        response=response,
                        question=question,
                        value_int=low + (index * 7) % (high - low + 1),
                    )
                )
            elif question.kind == "ranking":
                shift = index % len(choices)
                order = choices[shift:] + choices[:shift]
                rows.extend(
                    Answer(response=response, question=question, choice=choice, value_int=rank)
                    for rank, choice in enumerate(order, start=1)
                )
        Answer.objects.bulk_create(rows)
        made += 1
    return made


@transaction.atomic
def load() -> list[str]:
    lines = ["Consultations (surveys):"]
    towns = {t.slug: t for t in Municipality.objects.filter(slug__in={s["town"] for s in SURVEYS})}
    for each in towns.values():
        if _switch_on(each):
            lines.append(f"  module switched on in {each.name}")
    staff = User.objects.filter(email=STAFF).first()
    kind = registry.get("survey")
    for spec in SURVEYS:
        town = towns.get(spec["town"])
        if town is None:
            continue
        closed = bool(spec.get("closed"))
        existing = Consultation.objects.filter(municipality=town, title_fr=spec["title_fr"]).first()
        if existing is not None:
            answering = existing.phases.filter(kind="answering").first()
            if (
                not closed
                and existing.status == ConsultationStatus.PUBLISHED
                and answering is not None
                and answering.ends_at <= timezone.now()
            ):
                _save_phases(existing, clean_phases(kind, _phases(False)))
                lines.append(f"  moved to this week: {existing.title_fr} ({town.name})")
            continue
        now = timezone.now()
        consultation = Consultation.objects.create(
            municipality=town,
            kind="survey",
            status=ConsultationStatus.PUBLISHED,
            published_at=now - (60 if closed else 14) * DAY,
            created_by=staff if town.slug == "brossard" else None,
            original_language="fr",
            **{
                key: value
                for key, value in spec.items()
                if key.startswith(("title_", "description_")) or key in ("ballot_mode", "min_trust")
            },
        )
        _save_phases(consultation, clean_phases(kind, _phases(closed)))
        questions = _questions(consultation, spec["questions"])
        if closed:
            answered = _answer_all(consultation, questions, town)
            consultation.results = compute(consultation)
            consultation.status = ConsultationStatus.CLOSED
            consultation.closed_at = consultation.results_computed_at = now - 15 * DAY
            consultation.save(
                update_fields=["results", "status", "closed_at", "results_computed_at"]
            )
            lines.append(f"  closed, with {answered} answers: {spec['title_fr']} ({town.name})")
        else:
            lines.append(f"  open now: {spec['title_fr']} ({town.name})")
    return lines
