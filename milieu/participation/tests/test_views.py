"""The consultation and survey pages: lists with constant queries, the consultation page and
its eligibility message, answering without JavaScript, results with charts and tables, the CSV
export, and the staff's back office and question editor."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from milieu.core.testing import assert_constant_queries, client_for

from .. import services_surveys
from ..models import Ballot, Consultation, ConsultationStatus, Question, SurveyResponse
from . import factories as f

pytestmark = pytest.mark.django_db
DAY = timedelta(days=1)


def url(name: str, *args, language: str = "en", query: str = "") -> str:
    with translation.override(language):
        found = reverse(name, args=list(args))
    return f"{found}?{query}" if query else found


def body(response) -> str:
    return response.content.decode()


def form_answers(survey, **kwargs) -> dict:
    """The survey's default answers as the form posts them."""
    answers = f.answers_for(survey, **kwargs)
    single, text, scale, ranking, multiple = Question.objects.filter(consultation=survey).order_by(
        "position"
    )
    data = {
        f"q{single.pk}": answers[f"q{single.pk}"],
        f"q{text.pk}": answers[f"q{text.pk}"],
        f"q{scale.pk}": answers[f"q{scale.pk}"],
        f"q{multiple.pk}": answers[f"q{multiple.pk}"],
    }
    for rank, choice_id in enumerate(answers[f"q{ranking.pk}"], start=1):
        data[f"q{ranking.pk}_rank_{choice_id}"] = rank
    return data


def test_the_list_sorts_consultations_and_keeps_its_queries_constant():
    town = f.town()
    staff = f.staff(town)
    now = timezone.now()
    f.consultation(town, actor=staff, title_fr="En cours")
    f.consultation(
        town,
        actor=staff,
        title_fr="Bientôt",
        phases=[{"kind": "answering", "starts_at": now + DAY, "ends_at": now + 2 * DAY}],
    )
    f.closed_consultation(town, actor=staff, title_fr="Fermée")
    f.consultation(town, actor=staff, publish=False, title_fr="Brouillon")
    page = body(client_for().get(url("participation:list", town.slug)))
    assert page.index("En cours") < page.index("Bientôt") < page.index("Fermée")
    assert "Brouillon" not in page
    assert "Brouillon" in body(client_for(staff).get(url("participation_staff:list", town.slug)))

    def add(n):
        return [
            f.consultation(town, actor=staff, title_fr=f"Sondage {i}").title_fr for i in range(n)
        ]

    assert_constant_queries(
        client_for(f.resident(town)), url("participation:list", town.slug), add, few=2, many=8
    )


def test_the_list_pages_a_section_with_a_cursor():
    town = f.town()
    staff = f.staff(town)
    for i in range(22):
        f.consultation(town, actor=staff, title_fr=f"Sondage {i:02}")
    first = client_for().get(url("participation:list", town.slug))
    page = body(first)
    assert "Sondage 21" in page and "Sondage 02" in page and "Sondage 01" not in page
    cursor = first.context["sections"][0]["next"]
    more = body(
        client_for().get(url("participation:list", town.slug, query=f"show=open&cursor={cursor}"))
    )
    assert "Sondage 01" in more and "Sondage 00" in more and "Sondage 21" not in more
    assert (
        client_for().get(url("participation:list", town.slug, query="show=nope")).status_code == 404
    )
    assert (
        client_for()
        .get(url("participation:list", town.slug, query="show=open&cursor=@@"))
        .status_code
        == 404
    )


def test_a_town_without_the_module_has_no_pages():
    town = f.town(modules=())
    assert client_for().get(url("participation:list", town.slug)).status_code == 404


def test_the_page_shows_phases_and_why_one_cannot_answer():
    town = f.town()
    survey = f.survey(town, title_fr="Heures de la bibliothèque")
    page = body(client_for().get(url("participation:consultation", town.slug, survey.pk)))
    assert "Heures de la bibliothèque" in page
    assert 'aria-current="step"' in page
    assert "Log in to take part." in page
    assert 'id="survey-form"' not in page
    page = body(
        client_for(f.member(town)).get(url("participation:consultation", town.slug, survey.pk))
    )
    assert "This consultation is for verified residents of" in page
    page = body(
        client_for(f.resident(town)).get(url("participation:consultation", town.slug, survey.pk))
    )
    assert 'id="survey-form"' in page
    assert "Answer only if you chose “Oui” at question 1." in page


def test_a_resident_answers_without_javascript_then_cannot_answer_again():
    town = f.town()
    survey = f.survey(town)
    person = f.resident(town)
    client = client_for(person)
    answer_url = url("participation:survey_answer", town.slug, survey.pk)
    response = client.post(answer_url, form_answers(survey))
    assert response.status_code == 302
    assert response["Location"] == url("participation:consultation", town.slug, survey.pk)
    assert SurveyResponse.objects.filter(consultation=survey, user=person).count() == 1
    page = body(client.get(url("participation:consultation", town.slug, survey.pk)))
    assert "You have already answered this survey." in page
    assert 'id="survey-form"' not in page
    again = client.post(answer_url, form_answers(survey, first="Non"))
    assert again.status_code == 409
    assert "You have already answered." in body(again)
    assert "You have already answered this survey." in body(again)
    assert SurveyResponse.objects.count() == Ballot.objects.count() == 1


def test_a_wrong_answer_shows_the_form_again_with_the_error_and_saves_nothing():
    town = f.town()
    survey = f.survey(town)
    single = Question.objects.get(consultation=survey, position=0)
    data = {**form_answers(survey)}
    del data[f"q{single.pk}"]
    response = client_for(f.resident(town)).post(
        url("participation:survey_answer", town.slug, survey.pk), data
    )
    assert response.status_code == 400
    page = body(response)
    assert "This question needs an answer." in page
    assert "Le dimanche matin" in page  # what was typed stays
    assert SurveyResponse.objects.count() == Ballot.objects.count() == 0


def test_anonymous_answers_are_sent_to_log_in():
    town = f.town()
    survey = f.survey(town)
    response = client_for().post(url("participation:survey_answer", town.slug, survey.pk), {})
    assert response.status_code == 302
    assert "/login/" in response["Location"] or "accounts" in response["Location"]
    assert Ballot.objects.count() == 0


def test_results_show_charts_and_tables_once_closed():
    town = f.town()
    staff = f.staff(town)

    def answer(survey):
        for first in ("Oui", "Oui", "Non"):
            services_surveys.survey_answer(
                actor=f.resident(town),
                consultation=survey,
                answers=f.answers_for(survey, first=first),
            )

    survey = f.survey(town, actor=staff)
    answer(survey)
    results_url = url("participation:results", town.slug, survey.pk)
    assert client_for().get(results_url).status_code == 403
    assert (
        client_for().get(url("participation:results_csv", town.slug, survey.pk)).status_code == 404
    )
    staff_page = body(client_for(staff).get(results_url))
    assert "Provisional results" in staff_page
    assert "Le dimanche matin" in staff_page  # the texts, for the staff
    from .. import services_consultations

    services_consultations.consultation_close(actor=staff, consultation=survey)
    response = client_for().get(results_url)
    assert response.status_code == 200
    page = body(response)
    assert 'role="img"' in page and "<title id=" in page and "<desc id=" in page
    assert "Oui: 2; Non: 1" in page
    assert '<th scope="row">Oui</th><td class="number">2</td>' in page
    assert "3 people took part." in page
    assert "Le dimanche matin" not in page  # free texts are not public
    csv = client_for().get(url("participation:results_csv", town.slug, survey.pk))
    assert csv.status_code == 200
    assert csv["Content-Type"] == "text/csv; charset=utf-8"
    assert csv.content.decode().count("\n") == 4


def test_results_page_queries_do_not_grow_with_responses():
    from milieu.core.testing import BUDGET, measure

    from .. import services_consultations

    town = f.town()
    staff = f.staff(town)
    counts = []
    for people in (1, 6):
        survey = f.survey(town, actor=staff)
        for _ in range(people):
            services_surveys.survey_answer(
                actor=f.resident(town), consultation=survey, answers=f.answers_for(survey)
            )
        services_consultations.consultation_close(actor=staff, consultation=survey)
        client = client_for(f.resident(town))
        results_url = url("participation:results", town.slug, survey.pk)
        client.get(results_url)
        page, queries = measure(client, results_url)
        assert f"{people} " in page
        counts.append(len(queries))
    assert counts[0] == counts[1] <= BUDGET


def test_staff_create_publish_and_close_through_the_pages():
    town = f.town()
    staff = f.staff(town)
    client = client_for(staff)
    assert "Survey" in body(client.get(url("participation_staff:create_pick", town.slug)))
    now = timezone.localtime()
    response = client.post(
        url("participation_staff:create", town.slug, "survey"),
        {
            "title_fr": "Parc canin",
            "original_language": "fr",
            "ballot_mode": "secret",
            "min_trust": 2,
            "answering_starts_at": (now - DAY).strftime("%Y-%m-%dT%H:%M"),
            "answering_ends_at": (now + DAY).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    created = Consultation.objects.get()
    assert response.status_code == 302
    assert (created.title_fr, created.ballot_mode, created.status) == (
        "Parc canin",
        "secret",
        "draft",
    )
    detail = url("participation_staff:consultation", town.slug, created.pk)
    assert "Questions" in body(client.get(detail))
    client.post(
        url("participation_staff:survey_question_create", town.slug, created.pk),
        {
            "kind": "single",
            "text_fr": "Pour ?",
            "original_language": "fr",
            "choices_fr": "Oui\nNon",
        },
    )
    question = Question.objects.get()
    assert [c.label_fr for c in question.choices.all()] == ["Oui", "Non"]
    client.post(
        url("participation_staff:survey_question_edit", town.slug, created.pk, question.pk),
        {
            "kind": "single",
            "text_fr": "Pour ?",
            "original_language": "fr",
            "choices_fr": "Non\nOui\nPeut-être",
        },
    )
    assert [c.label_fr for c in question.choices.all()] == ["Non", "Oui", "Peut-être"]
    client.post(url("participation_staff:publish", town.slug, created.pk))
    created.refresh_from_db()
    assert created.status == ConsultationStatus.PUBLISHED
    client.post(url("participation_staff:close", town.slug, created.pk))
    created.refresh_from_db()
    assert created.status == ConsultationStatus.CLOSED
    assert created.results["responses"] == 0


def test_the_staff_form_shows_the_services_error_on_the_field():
    town = f.town()
    staff = f.staff(town)
    now = timezone.localtime()
    response = client_for(staff).post(
        url("participation_staff:create", town.slug, "survey"),
        {
            "title_fr": "Parc canin",
            "original_language": "fr",
            "ballot_mode": "open",
            "min_trust": 2,
            "information_starts_at": (now - DAY).strftime("%Y-%m-%dT%H:%M"),
            "information_ends_at": (now + DAY).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 400
    assert "The consultation needs its phase for taking part." in body(response)
    assert Consultation.objects.count() == 0


def test_the_pages_speak_french_and_spanish():
    town = f.town()
    survey = f.survey(town)
    fr = body(
        client_for().get(url("participation:consultation", town.slug, survey.pk, language="fr"))
    )
    assert "Phases" in fr
    es = client_for().get(url("participation:consultation", town.slug, survey.pk, language="es"))
    assert es.status_code == 200


def test_a_phase_without_its_end_is_refused_on_that_field():
    town = f.town()
    now = timezone.localtime()
    response = client_for(f.staff(town)).post(
        url("participation_staff:create", town.slug, "survey"),
        {
            "title_fr": "Parc canin",
            "original_language": "fr",
            "ballot_mode": "open",
            "min_trust": 2,
            "answering_starts_at": (now - DAY).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 400
    assert response.context["form"].errors["answering_ends_at"] == ["Enter a date and time."]
    assert Consultation.objects.count() == 0
