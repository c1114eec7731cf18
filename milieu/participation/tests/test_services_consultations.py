from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone, translation

from milieu.accounts.models import Membership
from milieu.core.errors import ApplicationError, Conflict, PermissionDenied

from .. import services_consultations as services
from .. import services_surveys
from ..eligibility import refusal
from ..models import Ballot, Consultation, ConsultationStatus, Phase
from . import factories as f

pytestmark = pytest.mark.django_db
DAY = timedelta(days=1)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def values(**extra):
    now = timezone.now()
    return {
        "kind": "survey",
        "title_fr": "Heures de la bibliothèque",
        "phases": [
            {"kind": "information", "starts_at": now, "ends_at": now + DAY},
            {"kind": "answering", "starts_at": now + DAY, "ends_at": now + 8 * DAY},
        ],
        **extra,
    }


def fields_of(error: ApplicationError) -> dict:
    return error.extra.get("fields", {})


def test_create_keeps_the_phases_in_the_kinds_order():
    town = f.town()
    now = timezone.now()
    phases = [
        {"kind": "answering", "starts_at": now + DAY, "ends_at": now + 2 * DAY},
        {"kind": "information", "starts_at": now, "ends_at": now + DAY},
    ]
    created = services.consultation_create(
        actor=f.staff(town), municipality=town, values=values(phases=phases)
    )
    assert created.status == ConsultationStatus.DRAFT
    assert list(created.phases.values_list("kind", "position")) == [
        ("information", 0),
        ("answering", 1),
    ]
    assert created.original_language == "fr"
    assert created.min_trust == 2


@pytest.mark.parametrize(
    ("phases", "field", "message"),
    [
        ("no", "phases", "Give the consultation's phases."),
        (
            [{"kind": "voting", "starts_at": "2030-01-01T10:00", "ends_at": "2030-01-02T10:00"}],
            "phases",
            "A consultation of this kind has no phase “voting”.",
        ),
        (
            [
                {
                    "kind": "information",
                    "starts_at": "2030-01-01T10:00",
                    "ends_at": "2030-01-02T10:00",
                }
            ],
            "phases",
            "The consultation needs its phase for taking part.",
        ),
        (
            [{"kind": "answering", "starts_at": "2030-01-02T10:00", "ends_at": "2030-01-01T10:00"}],
            "phases.0.ends_at",
            "A phase ends after it starts.",
        ),
        (
            [{"kind": "answering", "starts_at": "soon", "ends_at": "2030-01-01T10:00"}],
            "phases.0.starts_at",
            "Enter a date and time.",
        ),
        (
            [
                {
                    "kind": "answering",
                    "starts_at": "2030-01-01T10:00",
                    "ends_at": "2030-01-03T10:00",
                },
                {
                    "kind": "answering",
                    "starts_at": "2030-01-04T10:00",
                    "ends_at": "2030-01-05T10:00",
                },
            ],
            "phases",
            "Each phase comes once.",
        ),
        (
            [
                {
                    "kind": "information",
                    "starts_at": "2030-01-01T10:00",
                    "ends_at": "2030-01-03T10:00",
                },
                {
                    "kind": "answering",
                    "starts_at": "2030-01-02T10:00",
                    "ends_at": "2030-01-05T10:00",
                },
            ],
            "phases",
            "The phases follow one another in order, without overlapping.",
        ),
    ],
)
def test_create_refuses_bad_phases_and_saves_nothing(phases, field, message):
    town = f.town()
    with pytest.raises(ApplicationError) as caught:
        services.consultation_create(
            actor=f.staff(town), municipality=town, values=values(phases=phases)
        )
    assert fields_of(caught.value) == {field: [message]}
    assert Consultation.objects.count() == 0
    assert Phase.objects.count() == 0


def test_create_refuses_an_unknown_kind_a_missing_title_and_another_towns_district():
    town, other = f.town(), f.town()
    staff = f.staff(town)
    for bad, field in (
        ({"kind": "petition"}, "kind"),
        ({"title_fr": ""}, "title_fr"),
        ({"district": f.district(other).pk}, "district"),
        ({"ballot_mode": "anonymous"}, "ballot_mode"),
        ({"min_trust": 0}, "min_trust"),
        ({"min_age": 200}, "min_age"),
    ):
        with pytest.raises(ApplicationError) as caught:
            services.consultation_create(actor=staff, municipality=town, values=values(**bad))
        assert list(fields_of(caught.value)) == [field]
    assert Consultation.objects.count() == 0


@pytest.mark.parametrize("who", ["anonymous", "resident", "other_staff", "staff_without_mfa"])
def test_only_the_towns_staff_with_mfa_create(who):
    from django.contrib.auth.models import AnonymousUser

    from milieu.accounts.models import Role
    from milieu.accounts.tests.factories import with_role

    town, other = f.town(), f.town()
    actor = {
        "anonymous": lambda: AnonymousUser(),
        "resident": lambda: f.resident(town),
        "other_staff": lambda: f.staff(other),
        "staff_without_mfa": lambda: with_role(town, Role.STAFF, mfa=False),
    }[who]()
    with pytest.raises(PermissionDenied):
        services.consultation_create(actor=actor, municipality=town, values=values())
    assert Consultation.objects.count() == 0


def test_a_town_without_the_module_has_no_consultations():
    town = f.town(modules=())
    with pytest.raises(PermissionDenied):
        services.consultation_create(actor=f.staff(town), municipality=town, values=values())


def test_publish_once():
    town = f.town()
    staff = f.staff(town)
    draft = f.consultation(town, actor=staff, publish=False)
    with pytest.raises(ApplicationError) as refused:  # a survey without a question
        services.consultation_publish(actor=staff, consultation=draft)
    assert list(refused.value.extra["fields"]) == ["questions"]
    draft.refresh_from_db()
    assert draft.status == ConsultationStatus.DRAFT
    services_surveys.question_create(
        actor=staff, consultation=draft, values={"kind": "text", "text_fr": "Pourquoi ?"}
    )
    published = services.consultation_publish(actor=staff, consultation=draft)
    assert published.status == ConsultationStatus.PUBLISHED
    assert published.published_at is not None
    with pytest.raises(Conflict):
        services.consultation_publish(actor=staff, consultation=published)


def test_update_changes_texts_and_phases_but_not_the_kind():
    town = f.town()
    staff = f.staff(town)
    consultation = f.consultation(town, actor=staff)
    now = timezone.now()
    updated = services.consultation_update(
        actor=staff,
        consultation=consultation,
        values={
            "title_en": "Library hours",
            "phases": [{"kind": "answering", "starts_at": now - DAY, "ends_at": now + DAY}],
        },
    )
    assert updated.title_en == "Library hours"
    assert list(updated.phases.values_list("kind", flat=True)) == ["answering"]
    with pytest.raises(ApplicationError) as caught:
        services.consultation_update(
            actor=staff, consultation=consultation, values={"kind": "proposal"}
        )
    assert list(fields_of(caught.value)) == ["kind"]


def test_ballot_mode_and_eligibility_are_frozen_once_someone_took_part():
    town = f.town()
    staff = f.staff(town)
    consultation = f.consultation(town, actor=staff)
    Ballot.objects.create(consultation=consultation, user=f.resident(town))
    for change in ({"ballot_mode": "secret"}, {"min_trust": 1}, {"min_age": 16}):
        with pytest.raises(ApplicationError) as caught:
            services.consultation_update(actor=staff, consultation=consultation, values=change)
        assert fields_of(caught.value) == {
            next(iter(change)): ["People have taken part already: this no longer changes."]
        }
    consultation.refresh_from_db()
    assert (consultation.ballot_mode, consultation.min_trust, consultation.min_age) == (
        "open",
        2,
        None,
    )
    services.consultation_update(
        actor=staff, consultation=consultation, values={"title_fr": "Nouveau"}
    )
    consultation.refresh_from_db()
    assert consultation.title_fr == "Nouveau"


def test_close_computes_the_results_once_and_refuses_twice():
    town = f.town()
    staff = f.staff(town)
    consultation = f.survey(town, actor=staff)
    from .. import services_surveys

    services_surveys.survey_answer(
        actor=f.resident(town), consultation=consultation, answers=f.answers_for(consultation)
    )
    moment = timezone.now()
    closed = services.consultation_close(actor=staff, consultation=consultation, now=moment)
    assert closed.status == ConsultationStatus.CLOSED
    assert closed.closed_at == closed.results_computed_at == moment
    assert closed.results["responses"] == 1
    with pytest.raises(Conflict):
        services.consultation_close(actor=staff, consultation=closed)
    with pytest.raises(Conflict):
        services.consultation_update(actor=staff, consultation=closed, values={"title_fr": "X"})


def test_close_refuses_a_resident_and_changes_nothing():
    town = f.town()
    consultation = f.consultation(town)
    with pytest.raises(PermissionDenied):
        services.consultation_close(actor=f.resident(town), consultation=consultation)
    consultation.refresh_from_db()
    assert consultation.status == ConsultationStatus.PUBLISHED
    assert consultation.results is None


def test_the_command_closes_those_whose_answering_phase_ended():
    town = f.town()
    now = timezone.now()
    ended = f.consultation(
        town,
        phases=[
            {"kind": "answering", "starts_at": now - 9 * DAY, "ends_at": now - DAY},
            {"kind": "results", "starts_at": now - DAY, "ends_at": now + 30 * DAY},
        ],
    )
    running = f.consultation(town)
    call_command("close_consultations", stdout=open("/dev/null", "w"))  # noqa: SIM115
    ended.refresh_from_db()
    running.refresh_from_db()
    assert ended.status == ConsultationStatus.CLOSED
    assert ended.results["responses"] == 0
    assert running.status == ConsultationStatus.PUBLISHED
    assert services.consultations_close_due() == 0


# --- Eligibility --------------------------------------------------------------------------------


def test_eligibility_matrix():
    from django.contrib.auth.models import AnonymousUser

    town, other = f.town(), f.town()
    north, south = f.district(town), f.district(town)
    consultation = f.consultation(town)
    for_north = f.consultation(town, district=north.pk)
    for_members = f.consultation(town, min_trust=1)
    visitor = AnonymousUser()
    member = f.member(town)
    resident = f.resident(town, district=north)
    southerner = f.resident(town, district=south)
    elsewhere = f.resident(other)
    assert refusal(visitor, consultation) == "Log in to take part."
    assert refusal(member, consultation).startswith("This consultation is for verified residents")
    assert refusal(member, for_members) is None
    assert refusal(resident, consultation) is None
    assert refusal(elsewhere, consultation).startswith(
        "This consultation is for verified residents"
    )
    assert refusal(resident, for_north) is None
    assert (
        refusal(southerner, for_north) == f"This consultation is for the residents of {north.name}."
    )
    assert Membership.objects.filter(user=southerner, district=south).exists()


def test_eligibility_follows_the_phases_and_the_status():
    town = f.town()
    now = timezone.now()
    resident = f.resident(town)
    later = f.consultation(
        town,
        phases=[{"kind": "answering", "starts_at": now + DAY, "ends_at": now + 2 * DAY}],
    )
    over = f.consultation(
        town,
        phases=[{"kind": "answering", "starts_at": now - 2 * DAY, "ends_at": now - DAY}],
    )
    draft = f.consultation(town, publish=False)
    assert refusal(resident, later) == "This consultation is not open yet."
    assert refusal(resident, over) == "This consultation is over."
    assert refusal(resident, draft) == "This consultation is not open."


def test_min_age_needs_the_persons_declaration():
    from .. import services_surveys

    town = f.town()
    consultation = f.survey(town, min_age=16)
    person = f.resident(town)
    with pytest.raises(ApplicationError) as caught:
        services_surveys.survey_answer(
            actor=person, consultation=consultation, answers=f.answers_for(consultation)
        )
    assert fields_of(caught.value) == {
        "age_confirmed": ["Confirm that you are at least 16 years old."]
    }
    assert Ballot.objects.count() == 0
    services_surveys.survey_answer(
        actor=person,
        consultation=consultation,
        answers=f.answers_for(consultation),
        age_confirmed=True,
    )
    assert Ballot.objects.get().age_confirmed is True
