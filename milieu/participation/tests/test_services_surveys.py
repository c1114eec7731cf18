import pytest
from django.utils import translation

from milieu.core.errors import ApplicationError, Conflict, PermissionDenied

from .. import results_surveys, services_surveys
from ..models import Answer, Ballot, Question, SurveyResponse
from ..selectors_consultations import results_csv
from . import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def questions_of(consultation):
    return list(Question.objects.filter(consultation=consultation).order_by("position"))


def refused(consultation, person, answers) -> dict:
    with pytest.raises(ApplicationError) as caught:
        services_surveys.survey_answer(actor=person, consultation=consultation, answers=answers)
    assert Ballot.objects.count() == 0
    assert SurveyResponse.objects.count() == 0
    assert Answer.objects.count() == 0
    return caught.value.extra.get("fields", {})


def test_an_open_ballot_keeps_the_author_and_the_time():
    town = f.town()
    survey = f.survey(town)
    person = f.resident(town)
    response = services_surveys.survey_answer(
        actor=person, consultation=survey, answers=f.answers_for(survey)
    )
    assert response.user == person
    assert response.submitted_at is not None
    single, text, scale, ranking, multiple = questions_of(survey)
    rows = {
        (a.question_id, a.choice.label_fr if a.choice else None, a.value_int, a.value_text)
        for a in response.answers.select_related("choice")
    }
    assert rows == {
        (single.pk, "Oui", None, ""),
        (text.pk, None, None, "Le dimanche matin"),
        (scale.pk, None, 4, ""),
        (ranking.pk, "A", 1, ""),
        (ranking.pk, "B", 2, ""),
        (ranking.pk, "C", 3, ""),
        (multiple.pk, "Livres", None, ""),
    }


def test_a_secret_ballot_keeps_neither_the_author_nor_the_time():
    town = f.town()
    survey = f.survey(town, ballot_mode="secret")
    people = [f.resident(town) for _ in range(6)]
    for person in people:
        services_surveys.survey_answer(
            actor=person, consultation=survey, answers=f.answers_for(survey)
        )
    assert SurveyResponse.objects.filter(user__isnull=False).count() == 0
    assert SurveyResponse.objects.filter(submitted_at__isnull=False).count() == 0
    assert Ballot.objects.filter(consultation=survey).count() == 6
    field_names = {field.name for field in SurveyResponse._meta.get_fields()}
    assert not {"created_at", "updated_at"} & field_names
    # The export is ordered by the random keys and names nobody.
    rows = list(results_surveys.csv_rows(survey))
    assert rows[0][:2] == ["response", "Faut-il ouvrir la bibliothèque le dimanche ?"]
    keys = [row[0] for row in rows[1:]]
    assert keys == sorted(keys)
    names = {person.display_name for person in people} | {person.email for person in people}
    text = results_csv(survey)
    assert not any(name in text for name in names)


def test_secret_keys_say_nothing_of_the_order_of_arrival():
    town = f.town()
    survey = f.survey(town, ballot_mode="secret")
    for _ in range(12):
        services_surveys.survey_answer(
            actor=f.resident(town), consultation=survey, answers=f.answers_for(survey)
        )
    ballots = list(Ballot.objects.filter(consultation=survey).order_by("pk"))
    assert len(ballots) == 12
    responses = [
        str(pk) for pk in SurveyResponse.objects.order_by("id").values_list("id", flat=True)
    ]
    # Random UUID4 keys: twelve in arrival order would sort the same way once in 12! times.
    assert all(len(key) == 36 and key[14] == "4" for key in responses)


def test_answering_twice_is_a_conflict_and_keeps_the_first_answers():
    town = f.town()
    survey = f.survey(town)
    person = f.resident(town)
    services_surveys.survey_answer(actor=person, consultation=survey, answers=f.answers_for(survey))
    with pytest.raises(Conflict) as caught:
        services_surveys.survey_answer(
            actor=person, consultation=survey, answers=f.answers_for(survey, first="Non")
        )
    assert str(caught.value.message) == "You have already answered."
    assert SurveyResponse.objects.count() == 1
    assert Answer.objects.filter(choice__label_fr="Non").count() == 0


def test_required_scale_ranking_text_and_choices_are_checked():
    town = f.town()
    survey = f.survey(town)
    person = f.resident(town)
    single, text, scale, ranking, multiple = questions_of(survey)
    good = f.answers_for(survey)
    assert refused(survey, person, {**good, f"q{single.pk}": ""}) == {
        f"q{single.pk}": ["This question needs an answer."]
    }
    assert refused(survey, person, {**good, f"q{single.pk}": 999999}) == {
        f"q{single.pk}": ["Choose one of the answers."]
    }
    assert refused(survey, person, {**good, f"q{scale.pk}": 6}) == {
        f"q{scale.pk}": ["Choose a value from 1 to 5."]
    }
    order = good[f"q{ranking.pk}"]
    assert refused(survey, person, {**good, f"q{ranking.pk}": order[:2]}) == {
        f"q{ranking.pk}": ["Put every choice in order, each once."]
    }
    assert refused(survey, person, {**good, f"q{ranking.pk}": [order[0], order[0], order[1]]}) == {
        f"q{ranking.pk}": ["Put every choice in order, each once."]
    }
    assert refused(
        survey,
        person,
        {**good, f"q{ranking.pk}": {str(order[0]): 1, str(order[1]): 1, str(order[2]): 2}},
    ) == {f"q{ranking.pk}": ["Give each choice its own rank."]}
    assert refused(survey, person, {**good, f"q{text.pk}": "x" * 2001}) == {
        f"q{text.pk}": ["At most 2000 characters."]
    }
    assert refused(survey, person, {**good, f"q{multiple.pk}": [999999]}) == {
        f"q{multiple.pk}": ["Choose among the answers."]
    }


def test_a_hidden_conditional_question_is_ignored():
    town = f.town()
    survey = f.survey(town)
    person = f.resident(town)
    response = services_surveys.survey_answer(
        actor=person, consultation=survey, answers=f.answers_for(survey, first="Non", text="Ignoré")
    )
    assert not response.answers.filter(value_text="Ignoré").exists()


def test_a_ranking_given_as_ranks():
    town = f.town()
    survey = f.survey(town)
    _single, _text, _scale, ranking, _multiple = questions_of(survey)
    ids = {c.label_fr: c.pk for c in ranking.choices.all()}
    answers = {
        **f.answers_for(survey),
        f"q{ranking.pk}": {str(ids["C"]): "1", str(ids["A"]): "2", str(ids["B"]): "3"},
    }
    response = services_surveys.survey_answer(
        actor=f.resident(town), consultation=survey, answers=answers
    )
    assert list(
        response.answers.filter(question=ranking)
        .order_by("value_int")
        .values_list("choice__label_fr", flat=True)
    ) == ["C", "A", "B"]


def test_who_may_not_answer_changes_nothing():
    from django.contrib.auth.models import AnonymousUser

    town, other = f.town(), f.town()
    survey = f.survey(town)
    for person in (AnonymousUser(), f.member(town), f.resident(other), f.staff(other)):
        with pytest.raises(PermissionDenied):
            services_surveys.survey_answer(
                actor=person, consultation=survey, answers=f.answers_for(survey)
            )
    assert Ballot.objects.count() == SurveyResponse.objects.count() == Answer.objects.count() == 0


def test_results_count_choices_scales_rankings_and_answers():
    town = f.town()
    staff = f.staff(town)
    survey = f.survey(town, actor=staff)
    for first, scale, ranking, uses in (
        ("Oui", 5, ("A", "B", "C"), ("Livres", "Films")),
        ("Oui", 4, ("B", "A", "C"), ("Livres",)),
        ("Non", 1, ("A", "C", "B"), ()),
    ):
        services_surveys.survey_answer(
            actor=f.resident(town),
            consultation=survey,
            answers=f.answers_for(survey, first=first, scale=scale, ranking=ranking, uses=uses),
        )
    results = results_surveys.compute(survey)
    single, text, scale_q, ranking_q, multiple = questions_of(survey)
    ids = {c.label_fr: str(c.pk) for q in (single, ranking_q, multiple) for c in q.choices.all()}
    assert results["responses"] == 3
    entries = results["questions"]
    assert entries[str(single.pk)] == {
        "kind": "single",
        "answered": 3,
        "counts": {ids["Oui"]: 2, ids["Non"]: 1},
    }
    assert entries[str(text.pk)] == {"kind": "text", "answered": 2}
    assert entries[str(scale_q.pk)] == {
        "kind": "scale",
        "answered": 3,
        "distribution": {"1": 1, "2": 0, "3": 0, "4": 1, "5": 1},
        "mean": 3.33,
    }
    # Borda with three choices: first 2 points, second 1, last 0.
    assert entries[str(ranking_q.pk)]["borda"] == {ids["A"]: 5, ids["B"]: 3, ids["C"]: 1}
    assert entries[str(ranking_q.pk)]["first"] == {ids["A"]: 2, ids["B"]: 1, ids["C"]: 0}
    assert entries[str(multiple.pk)] == {
        "kind": "multiple",
        "answered": 2,
        "counts": {ids["Livres"]: 2, ids["Films"]: 1},
    }


def test_the_open_export_names_the_author_and_lists_texts():
    town = f.town()
    survey = f.survey(town)
    person = f.resident(town, display_name="Ana")
    services_surveys.survey_answer(actor=person, consultation=survey, answers=f.answers_for(survey))
    rows = list(results_surveys.csv_rows(survey))
    assert rows[0][:3] == ["response", "participant", "submitted at"]
    assert rows[1][1] == "Ana"
    assert rows[1][3:] == ["Oui", "Le dimanche matin", "4", "A > B > C", "Livres"]


def test_the_question_editor_works_only_on_drafts():
    town = f.town()
    staff = f.staff(town)
    draft = f.survey(town, actor=staff, publish=False)
    single, text, *_ = questions_of(draft)
    assert text.show_if_question == single
    moved = services_surveys.question_move(actor=staff, question=questions_of(draft)[2], offset=-1)
    assert moved.position == 1
    assert services_surveys.question_move(actor=staff, question=text, offset=-1).position == 1
    with pytest.raises(Conflict):  # the text depends on the first question: it stays after it
        services_surveys.question_move(actor=staff, question=text, offset=-1)
    services_surveys.question_update(
        actor=staff, question=single, values={"kind": "scale", "scale_min": 0, "scale_max": 10}
    )
    text.refresh_from_db()
    assert text.show_if_question is None and text.show_if_choice is None
    services_surveys.question_delete(actor=staff, question=single)
    assert [q.position for q in questions_of(draft)] == [0, 1, 2, 3]
    published = f.survey(town, actor=staff)
    with pytest.raises(Conflict):
        services_surveys.question_create(
            actor=staff, consultation=published, values={"kind": "text", "text_fr": "Autre ?"}
        )
    with pytest.raises(PermissionDenied):
        services_surveys.question_create(
            actor=f.resident(town), consultation=draft, values={"kind": "text", "text_fr": "?"}
        )
    assert Question.objects.filter(consultation=published).count() == 5


def test_a_question_needs_two_choices_and_a_condition_on_an_earlier_choice():
    town = f.town()
    staff = f.staff(town)
    draft = f.survey(town, actor=staff, publish=False, questions=[])
    with pytest.raises(ApplicationError) as caught:
        services_surveys.question_create(
            actor=staff,
            consultation=draft,
            values={"kind": "single", "text_fr": "?", "choices": f.choices("Seul")},
        )
    assert caught.value.extra["fields"] == {"choices": ["Give at least two choices."]}
    scale = services_surveys.question_create(
        actor=staff, consultation=draft, values={"kind": "scale", "text_fr": "Note"}
    )
    assert (scale.scale_min, scale.scale_max) == (1, 5)
    other = f.survey(town, actor=staff, publish=False)
    foreign_choice = questions_of(other)[0].choices.first()
    with pytest.raises(ApplicationError) as caught:
        services_surveys.question_create(
            actor=staff,
            consultation=draft,
            values={"kind": "text", "text_fr": "?", "show_if_choice": foreign_choice.pk},
        )
    assert list(caught.value.extra["fields"]) == ["show_if_choice"]
    assert Question.objects.filter(consultation=draft).count() == 1
