"""The consultations and surveys API: the same rules, errors and results as the pages."""

from datetime import timedelta

import pytest
from django.utils import timezone

from milieu.core.testing import client_for

from .. import services_consultations, services_surveys
from ..models import Ballot, Consultation, ConsultationStatus, Question, SurveyResponse
from . import factories as f

pytestmark = pytest.mark.django_db
DAY = timedelta(days=1)
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def api(slug: str, rest: str = "") -> str:
    return f"/api/v1/municipalities/{slug}/consultations{rest}"


def payload(**extra) -> dict:
    now = timezone.now()
    return {
        "kind": "survey",
        "title_fr": "Bibliothèque",
        "phases": [
            {
                "kind": "answering",
                "starts_at": (now - DAY).isoformat(),
                "ends_at": (now + DAY).isoformat(),
            }
        ],
        **extra,
    }


def test_list_and_get_are_public_and_hide_drafts():
    town = f.town()
    staff = f.staff(town)
    published = f.consultation(town, actor=staff, title_fr="Publiée", title_en="Published")
    draft = f.consultation(town, actor=staff, publish=False)
    response = client_for().get(api(town.slug), **EN)
    assert response.status_code == 200
    items = response.json()["items"]
    assert [item["id"] for item in items] == [published.pk]
    assert items[0]["title"] == "Published"
    assert items[0]["language"] == "en"
    assert [p["kind"] for p in items[0]["phases"]] == ["information", "answering", "results"]
    assert [p["current"] for p in items[0]["phases"]] == [False, True, False]
    assert client_for().get(api(town.slug, f"/{draft.pk}")).status_code == 404
    assert client_for(staff).get(api(town.slug, f"/{draft.pk}")).status_code == 200
    assert [i["id"] for i in client_for(staff).get(api(town.slug)).json()["items"]] == [
        draft.pk,
        published.pk,
    ]
    other = f.town()
    assert client_for().get(api(other.slug, f"/{published.pk}")).status_code == 404
    bad = client_for().get(api(town.slug) + "?cursor=@@", **EN)
    assert bad.status_code == 400
    assert bad.json()["error"]["fields"] == {"cursor": ["Invalid cursor."]}


def test_staff_create_update_publish_close():
    town = f.town()
    client = client_for(f.staff(town))
    created = client.post(api(town.slug), payload(), content_type="application/json")
    assert created.status_code == 201, created.content
    consultation_id = created.json()["id"]
    assert created.json()["status"] == "draft"
    changed = client.patch(
        api(town.slug, f"/{consultation_id}"),
        {"title_en": "Library"},
        content_type="application/json",
    )
    assert changed.json()["title"] in ("Bibliothèque", "Library")
    empty = client.post(api(town.slug, f"/{consultation_id}/publish"), **EN)
    assert empty.status_code == 400
    assert empty.json()["error"]["fields"] == {
        "questions": ["Add at least one question before publishing the survey."]
    }
    question = client.post(
        api(town.slug, f"/{consultation_id}/survey/questions"),
        {"kind": "single", "text_fr": "Le dimanche ?", "choices": [{"label_fr": "Oui"}] * 2},
        content_type="application/json",
    )
    assert question.status_code == 201, question.content
    question_id = question.json()["id"]
    changed_question = client.patch(
        api(town.slug, f"/{consultation_id}/survey/questions/{question_id}"),
        {"choices": [{"label_fr": "Oui"}, {"label_fr": "Non"}], "required": True},
        content_type="application/json",
    )
    assert changed_question.status_code == 200, changed_question.content
    assert [c["label"] for c in changed_question.json()["choices"]] == ["Oui", "Non"]
    assert changed_question.json()["required"] is True
    assert (
        client.post(api(town.slug, f"/{consultation_id}/publish")).json()["status"] == "published"
    )
    again = client.post(api(town.slug, f"/{consultation_id}/publish"), **EN)
    assert again.status_code == 409
    assert again.json()["error"]["message"] == "This consultation is already published."
    closed = client.post(api(town.slug, f"/{consultation_id}/close"))
    assert closed.json()["status"] == "closed"
    assert Consultation.objects.get().results["responses"] == 0


def test_a_bad_phase_is_a_400_with_the_field_and_saves_nothing():
    town = f.town()
    now = timezone.now()
    response = client_for(f.staff(town)).post(
        api(town.slug),
        payload(
            phases=[
                {"kind": "voting", "starts_at": now.isoformat(), "ends_at": (now + DAY).isoformat()}
            ]
        ),
        content_type="application/json",
        **EN,
    )
    assert response.status_code == 400
    assert response.json()["error"] == {
        "code": "validation",
        "message": "Please correct the form.",
        "fields": {"phases": ["A consultation of this kind has no phase “voting”."]},
    }
    assert Consultation.objects.count() == 0


@pytest.mark.parametrize("who", ["anonymous", "resident", "other_staff"])
def test_writes_are_refused_to_others_and_change_nothing(who):
    town, other = f.town(), f.town()
    consultation = f.consultation(town)
    client = {
        "anonymous": lambda: client_for(),
        "resident": lambda: client_for(f.resident(town)),
        "other_staff": lambda: client_for(f.staff(other)),
    }[who]()
    expected = 401 if who == "anonymous" else 403
    assert (
        client.post(api(town.slug), payload(), content_type="application/json").status_code
        == expected
    )
    assert (
        client.patch(
            api(town.slug, f"/{consultation.pk}"),
            {"title_fr": "X"},
            content_type="application/json",
        ).status_code
        == expected
    )
    assert client.post(api(town.slug, f"/{consultation.pk}/close")).status_code == expected
    consultation.refresh_from_db()
    assert Consultation.objects.count() == 1
    assert consultation.title_fr != "X"
    assert consultation.status == ConsultationStatus.PUBLISHED


def test_a_resident_reads_the_questions_answers_once_and_sees_the_status():
    town = f.town()
    survey = f.survey(town)
    person = f.resident(town)
    client = client_for(person)
    questions = client.get(api(town.slug, f"/{survey.pk}/survey/questions")).json()
    assert [q["kind"] for q in questions] == ["single", "text", "scale", "ranking", "multiple"]
    assert questions[1]["show_if_question"] == questions[0]["id"]
    status = client.get(api(town.slug, f"/{survey.pk}/participation")).json()
    assert status == {"taken_part": False, "may_take_part": True, "refusal": None}
    answers = {"answers": f.answers_for(survey)}
    first = client.post(
        api(town.slug, f"/{survey.pk}/survey/answers"), answers, content_type="application/json"
    )
    assert first.status_code == 201
    assert first.json() == {"answered": True}
    second = client.post(
        api(town.slug, f"/{survey.pk}/survey/answers"),
        answers,
        content_type="application/json",
        **EN,
    )
    assert second.status_code == 409
    assert second.json()["error"]["code"] == "already_answered"
    assert second.json()["error"]["message"] == "You have already answered."
    status = client.get(api(town.slug, f"/{survey.pk}/participation")).json()
    assert status["taken_part"] is True and status["may_take_part"] is False
    assert SurveyResponse.objects.count() == Ballot.objects.count() == 1


def test_an_invalid_answer_is_a_400_and_saves_nothing():
    town = f.town()
    survey = f.survey(town)
    scale = Question.objects.get(consultation=survey, kind="scale")
    answers = {**f.answers_for(survey), f"q{scale.pk}": 9}
    response = client_for(f.resident(town)).post(
        api(town.slug, f"/{survey.pk}/survey/answers"),
        {"answers": answers},
        content_type="application/json",
        **EN,
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {f"q{scale.pk}": ["Choose a value from 1 to 5."]}
    assert Ballot.objects.count() == SurveyResponse.objects.count() == 0


def test_a_visitor_cannot_answer_and_learns_why():
    town = f.town()
    survey = f.survey(town)
    member = f.member(town)
    response = client_for(member).post(
        api(town.slug, f"/{survey.pk}/survey/answers"),
        {"answers": f.answers_for(survey)},
        content_type="application/json",
        **EN,
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "not_eligible"
    assert response.json()["error"]["message"].startswith(
        "This consultation is for verified residents"
    )
    assert Ballot.objects.count() == 0


def test_results_and_export_follow_the_close():
    town = f.town()
    staff = f.staff(town)
    survey = f.survey(town, actor=staff)
    services_surveys.survey_answer(
        actor=f.resident(town), consultation=survey, answers=f.answers_for(survey)
    )
    assert client_for().get(api(town.slug, f"/{survey.pk}/results")).status_code == 403
    assert client_for().get(api(town.slug, f"/{survey.pk}/results.csv")).status_code == 404
    provisional = client_for(staff).get(api(town.slug, f"/{survey.pk}/results")).json()
    assert provisional["final"] is False and provisional["participants"] == 1
    assert client_for(staff).get(api(town.slug, f"/{survey.pk}/results.csv")).status_code == 200
    services_consultations.consultation_close(actor=staff, consultation=survey)
    final = client_for().get(api(town.slug, f"/{survey.pk}/results")).json()
    assert final["final"] is True
    assert final["results"]["responses"] == 1
    csv = client_for().get(api(town.slug, f"/{survey.pk}/results.csv"))
    assert csv.status_code == 200
    assert csv.content.decode().count("\n") == 2


@pytest.mark.parametrize(
    ("who", "expected"), [("anonymous", 401), ("resident", 404), ("other_staff", 404)]
)
def test_question_writes_are_refused_to_others_and_change_nothing(who, expected):
    town, other = f.town(), f.town()
    draft = f.consultation(town, publish=False)
    question = services_surveys.question_create(
        actor=f.staff(town), consultation=draft, values={"kind": "text", "text_fr": "Avis ?"}
    )
    client = {
        "anonymous": lambda: client_for(),
        "resident": lambda: client_for(f.resident(town)),
        "other_staff": lambda: client_for(f.staff(other)),
    }[who]()
    questions = api(town.slug, f"/{draft.pk}/survey/questions")
    new = {"kind": "text", "text_fr": "Autre ?"}
    assert client.post(questions, new, content_type="application/json").status_code == expected
    one = f"{questions}/{question.pk}"
    patched = client.patch(one, {"text_fr": "X"}, content_type="application/json")
    assert patched.status_code == expected
    assert client.delete(one).status_code == expected
    assert list(Question.objects.values_list("text_fr", flat=True)) == ["Avis ?"]


def test_a_question_of_a_published_survey_cannot_change_through_the_api():
    town = f.town()
    survey = f.survey(town)
    client = client_for(f.staff(town))
    question = survey.questions.order_by("position").first()
    before = list(Question.objects.values_list("pk", "text_fr").order_by("pk"))
    url = api(town.slug, f"/{survey.pk}/survey/questions")
    added = client.post(url, {"kind": "text", "text_fr": "Plus ?"}, content_type="application/json")
    assert added.status_code == 409
    changed = client.patch(
        f"{url}/{question.pk}", {"text_fr": "X"}, content_type="application/json"
    )
    assert changed.status_code == 409
    assert client.delete(f"{url}/{question.pk}").status_code == 409
    assert list(Question.objects.values_list("pk", "text_fr").order_by("pk")) == before
