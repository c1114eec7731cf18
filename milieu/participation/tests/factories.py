"""Test data of the participation module: towns with the module on, their staff (with MFA)
and verified residents, and consultations of any registered kind, published with the kind's
action phase open now (or closed, with their results computed)."""

from datetime import timedelta
from itertools import count

from django.utils import timezone

from milieu.accounts.models import Membership, Role
from milieu.accounts.tests.factories import citizen_of, with_role
from milieu.accounts.tests.factories_card import CitizenIdFactory
from milieu.territory.tests.factories import DistrictFactory, MunicipalityFactory

from .. import registry, services_consultations
from ..models import Consultation

_numbers = count(1)
DAY = timedelta(days=1)


def town(*, modules=("participation",), **kwargs):
    number = next(_numbers)
    return MunicipalityFactory(
        slug=kwargs.pop("slug", f"ville-consultation-{number}"),
        name=kwargs.pop("name", f"Ville consultation {number}"),
        enabled_modules=list(modules),
        **kwargs,
    )


def district(municipality, **kwargs):
    return DistrictFactory(municipality=municipality, **kwargs)


def staff(municipality, **kwargs):
    """Municipal staff of `municipality`, with MFA."""
    return with_role(municipality, Role.STAFF, **kwargs)


def resident(municipality, *, district=None, **kwargs):
    """A verified resident of `municipality` (a valid citizen id there), living in `district`
    when one is given."""
    user = citizen_of(municipality, **kwargs)
    CitizenIdFactory(user=user, municipality=municipality)
    if district is not None:
        Membership.objects.filter(user=user, municipality=municipality).update(district=district)
    return user


def member(municipality, **kwargs):
    """A person of `municipality` with a confirmed email, not verified as a resident."""
    return citizen_of(municipality, **kwargs)


def phases_around(kind_key: str, now=None, *, action_days: int = 7) -> list[dict]:
    """The kind's phases with its action phase open now: earlier phases before it, later ones
    after it, one week each."""
    now = now or timezone.now()
    kind = registry.get(kind_key)
    action = kind.phases.index(kind.action_phase)
    phases = []
    for index, phase in enumerate(kind.phases):
        if index < action:
            ends = now - DAY * (action - index - 1) - DAY
            phases.append({"kind": phase, "starts_at": ends - 7 * DAY, "ends_at": ends})
        elif index == action:
            phases.append(
                {"kind": phase, "starts_at": now - DAY, "ends_at": now + action_days * DAY}
            )
        else:
            starts = now + action_days * DAY + (index - action - 1) * 30 * DAY
            phases.append({"kind": phase, "starts_at": starts, "ends_at": starts + 30 * DAY})
    return phases


def consultation(
    municipality, *, kind="survey", phases=None, actor=None, publish: bool = True, **values
) -> Consultation:
    """A consultation of the city by its staff, published with the kind's action phase open
    now unless told otherwise (`phases`: a list of {kind, starts_at, ends_at})."""
    actor = actor or staff(municipality)
    values = {
        "kind": kind,
        "title_fr": f"Consultation {next(_numbers)}",
        "description_fr": "Donnez votre avis.",
        "phases": phases if phases is not None else phases_around(kind),
        **values,
    }
    created = services_consultations.consultation_create(
        actor=actor, municipality=municipality, values=values
    )
    if publish:
        if kind == "survey":  # a survey is published with at least one question
            from .. import services_surveys

            services_surveys.question_create(
                actor=actor,
                consultation=created,
                values={"kind": "text", "text_fr": "Votre avis ?"},
            )
        created = services_consultations.consultation_publish(actor=actor, consultation=created)
    return (
        Consultation.objects.prefetch_related("phases")
        .select_related("municipality")
        .get(pk=created.pk)
    )


def closed_consultation(municipality, *, kind="survey", actor=None, before_close=None, **values):
    """A consultation that took part and closed: `before_close(consultation)` may add its
    participation first; its results are computed by its kind."""
    actor = actor or staff(municipality)
    created = consultation(municipality, kind=kind, actor=actor, **values)
    if before_close is not None:
        before_close(created)
    services_consultations.consultation_close(actor=actor, consultation=created)
    return (
        Consultation.objects.prefetch_related("phases")
        .select_related("municipality")
        .get(pk=created.pk)
    )


def choices(*labels: str) -> list[dict]:
    return [{"label_fr": label} for label in labels]


def survey(municipality, *, questions=None, actor=None, publish: bool = True, **values):
    """A survey with its questions (a list of question values; by default: one choice, a
    text shown only after "Oui", a scale, a ranking, several choices), published with its
    answering phase open now unless told otherwise."""
    from .. import services_surveys

    actor = actor or staff(municipality)
    created = consultation(municipality, kind="survey", actor=actor, publish=False, **values)
    if questions is None:
        first = services_surveys.question_create(
            actor=actor,
            consultation=created,
            values={
                "kind": "single",
                "text_fr": "Faut-il ouvrir la bibliothèque le dimanche ?",
                "required": True,
                "choices": choices("Oui", "Non"),
            },
        )
        yes = first.choices.get(position=0)
        questions = [
            {"kind": "text", "text_fr": "Quelles heures ?", "show_if_choice": yes.pk},
            {"kind": "scale", "text_fr": "Votre satisfaction", "scale_min": 1, "scale_max": 5},
            {"kind": "ranking", "text_fr": "Vos priorités", "choices": choices("A", "B", "C")},
            {"kind": "multiple", "text_fr": "Vos usages", "choices": choices("Livres", "Films")},
        ]
    for question in questions:
        services_surveys.question_create(actor=actor, consultation=created, values=question)
    if publish:
        services_consultations.consultation_publish(actor=actor, consultation=created)
    return (
        Consultation.objects.prefetch_related("phases")
        .select_related("municipality")
        .get(pk=created.pk)
    )


def answers_for(
    consultation, *, first="Oui", text="Le dimanche matin", scale=4, ranking=None, uses=("Livres",)
) -> dict:
    """Answers to the default survey of `survey()`, by choice labels."""
    from ..models import Question

    qs = list(Question.objects.filter(consultation=consultation).order_by("position"))
    by_label = {q.pk: {c.label_fr: c.pk for c in q.choices.all()} for q in qs}
    single, texts, scale_q, rank_q, multiple = qs
    answers = {
        f"q{single.pk}": by_label[single.pk][first],
        f"q{texts.pk}": text,
        f"q{scale_q.pk}": scale,
        f"q{rank_q.pk}": [by_label[rank_q.pk][label] for label in (ranking or ("A", "B", "C"))],
        f"q{multiple.pk}": [by_label[multiple.pk][label] for label in uses],
    }
    return answers
