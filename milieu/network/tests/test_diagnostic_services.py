"""The diagnostic's and the plan's services and selectors: scoring, one draft at a time,
answers saved as the team goes, completion only when every question is answered, the weakest
dimensions as recommendations, the anonymous comparison by population band (shown only from 5
municipalities), plan actions from recommendations, progress and the region's plans."""

from datetime import date

import pytest
from django.utils import translation

from milieu.core.errors import ApplicationError, Conflict, NotFound
from milieu.network import selectors_diagnostic as selectors
from milieu.network import selectors_plans, services_plans
from milieu.network import services_diagnostic as services
from milieu.network.models import Diagnostic, DiagnosticStatus, PlanAction, PlanStatus
from milieu.network.questions import QUESTIONS, score, weakest

from . import diagnostic_factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """These tests read the English messages (pages under /en/, errors in English)."""
    with translation.override("en"):
        yield


def test_a_dimension_scores_the_mean_of_its_questions_and_overall_the_mean_of_dimensions():
    answers = {q.key: 5 for q in QUESTIONS}
    answers |= {"strategy_plan": 0, "strategy_owner": 1, "strategy_budget": 2}
    scores, overall = score(answers)
    assert scores["strategy"] == 1.0
    assert scores["security"] == 5.0
    assert overall == round((1 + 5 * 6) / 7, 2)


def test_unanswered_questions_are_left_out_of_the_score():
    scores, overall = score({"data_open": 4})
    assert scores == {"data": 4.0}
    assert overall == 4.0


def test_every_dimension_has_three_to_five_questions():
    from milieu.network.dimensions import Dimension
    from milieu.network.questions import questions_of

    assert {d: len(questions_of(d)) for d in Dimension.values} == dict.fromkeys(Dimension.values, 3)


def test_the_weakest_are_at_most_three_under_three_lowest_first():
    scores = {
        "strategy": 2.0,
        "connectivity": 1.0,
        "services": 2.5,
        "data": 0.5,
        "participation": 3.0,
        "skills": 4.0,
        "security": 2.0,
    }
    assert [r.dimension for r in weakest(scores)] == ["data", "connectivity", "strategy"]
    assert weakest(dict.fromkeys(scores, 3.0)) == []


def test_starting_twice_is_refused_and_keeps_one_draft():
    town = f.town()
    officer = f.staff(town)
    first = services.diagnostic_start(actor=officer, municipality=town)
    with pytest.raises(Conflict):
        services.diagnostic_start(actor=officer, municipality=town)
    assert list(Diagnostic.objects.values_list("pk", "status")) == [(first.pk, "draft")]


def test_answers_are_saved_as_you_go_and_can_be_changed():
    town = f.town()
    officer = f.staff(town)
    diagnostic = services.diagnostic_start(actor=officer, municipality=town)
    services.diagnostic_answer(actor=officer, diagnostic=diagnostic, answers={"data_open": 1})
    services.diagnostic_answer(
        actor=officer, diagnostic=diagnostic, answers={"data_open": 4, "skills_staff": 0}
    )
    assert selectors.answers_of(diagnostic) == {"data_open": 4, "skills_staff": 0}
    assert diagnostic.answers.get(question="data_open").answered_by == officer


@pytest.mark.parametrize(
    "answers", [{"data_open": 6}, {"data_open": -1}, {"nope": 2, "data_open": 3}]
)
def test_a_bad_answer_refuses_the_whole_batch(answers):
    town = f.town()
    officer = f.staff(town)
    diagnostic = services.diagnostic_start(actor=officer, municipality=town)
    with pytest.raises(ApplicationError) as refused:
        services.diagnostic_answer(actor=officer, diagnostic=diagnostic, answers=answers)
    assert refused.value.code == "validation"
    assert diagnostic.answers.count() == 0


def test_completion_needs_every_question_and_then_fixes_the_scores():
    town = f.town()
    officer = f.staff(town)
    diagnostic = services.diagnostic_start(actor=officer, municipality=town)
    given = f.levels({"data": 1, "skills": 2})
    del given["security_training"]
    services.diagnostic_answer(actor=officer, diagnostic=diagnostic, answers=given)
    with pytest.raises(ApplicationError) as refused:
        services.diagnostic_complete(actor=officer, diagnostic=diagnostic)
    assert refused.value.code == "incomplete"
    assert list(refused.value.extra["fields"]) == ["security_training"]
    diagnostic.refresh_from_db()
    assert (diagnostic.status, diagnostic.scores, diagnostic.overall) == ("draft", {}, None)

    services.diagnostic_answer(
        actor=officer, diagnostic=diagnostic, answers={"security_training": 3}
    )
    done = services.diagnostic_complete(actor=officer, diagnostic=diagnostic)
    assert done.status == DiagnosticStatus.COMPLETED
    assert done.completed_at is not None
    assert done.scores["data"] == 1.0
    assert done.scores["skills"] == 2.0
    assert done.overall == round((1 + 2 + 3 * 5) / 7, 2)
    # Then a new draft may be started, and the completed one no longer takes answers.
    with pytest.raises(Conflict):
        services.diagnostic_answer(actor=officer, diagnostic=done, answers={"data_open": 5})
    assert services.diagnostic_start(actor=officer, municipality=town).status == "draft"


def test_the_history_lists_completed_diagnostics_latest_first():
    town = f.town()
    old = f.completed(town, 1, days_ago=400)
    new = f.completed(town, 3, days_ago=10)
    f.draft(town)
    assert selectors.diagnostic_history(municipality=town) == [new, old]
    assert selectors.diagnostic_latest(municipality=town) == new


def test_a_diagnostic_of_another_town_is_not_found():
    here, there = f.town(), f.town()
    theirs = f.completed(there)
    with pytest.raises(NotFound):
        selectors.diagnostic_get_for(municipality=here, diagnostic_id=theirs.pk)


def _band_of_small_towns(count: int, level: int = 2):
    """`count` other towns under 2,000 residents with a completed diagnostic."""
    others = [f.town(population=500 + 100 * i) for i in range(count)]
    for other in others:
        f.completed(other, 4, days_ago=300)  # superseded by the latest below
        f.completed(other, level, days_ago=5)
    return others


def test_the_comparison_waits_for_five_other_municipalities_of_the_band():
    here = f.town(population=1_200)
    f.completed(here, 5)
    _band_of_small_towns(4)
    f.completed(f.town(population=20_000), 0)  # another band
    shown = selectors.comparison(municipality=here)
    assert (shown.contributors, shown.means, shown.overall, shown.shown) == (4, None, None, False)
    assert str(shown.band) == "under 2,000 residents"


def test_the_comparison_is_the_mean_of_the_latest_diagnostics_of_five_others():
    here = f.town(population=1_200)
    f.completed(here, 5)
    others = _band_of_small_towns(4, level=2)
    f.completed(f.town(population=1_999), 1)
    f.completed(f.town(population=2_000), 0)  # the next band
    assert len(others) == 4
    shown = selectors.comparison(municipality=here)
    assert shown.contributors == 5
    assert shown.means == dict.fromkeys(shown.means, round((2 * 4 + 1) / 5, 2))
    assert len(shown.means) == 7
    assert shown.overall == 1.8


@pytest.mark.parametrize(
    ("population", "band"),
    [(0, 0), (1_999, 0), (2_000, 2_000), (9_999, 2_000), (10_000, 10_000), (50_000, 50_000)],
)
def test_population_bands(population, band):
    assert selectors.band_of(population)[0] == band


def test_add_to_my_plan_prefills_an_action_from_a_recommendation():
    town = f.town()
    officer = f.staff(town)
    diagnostic = f.completed(town, {"connectivity": 1, "data": 2})
    action = services_plans.plan_action_from_recommendation(
        actor=officer, diagnostic=diagnostic, dimension="connectivity"
    )
    assert (action.title, action.dimension, action.diagnostic, action.status) == (
        "Make sure residents and staff can get online.",
        "connectivity",
        diagnostic,
        PlanStatus.PLANNED,
    )
    assert action.notes.startswith("- Map the homes without high-speed internet.")
    with pytest.raises(ApplicationError):
        services_plans.plan_action_from_recommendation(
            actor=officer, diagnostic=diagnostic, dimension="security"
        )
    assert PlanAction.objects.count() == 1


def test_a_draft_has_no_recommendation_to_add():
    town = f.town()
    officer = f.staff(town)
    with pytest.raises(ApplicationError):
        services_plans.plan_action_from_recommendation(
            actor=officer, diagnostic=f.draft(town), dimension="data"
        )
    assert PlanAction.objects.count() == 0


def test_a_plan_action_is_due_after_its_start():
    town = f.town()
    officer = f.staff(town)
    with pytest.raises(ApplicationError) as refused:
        services_plans.plan_action_create(
            actor=officer,
            municipality=town,
            values={
                "title": "X",
                "dimension": "data",
                "start": date(2026, 5, 1),
                "due": date(2026, 4, 1),
            },
        )
    assert list(refused.value.extra["fields"]) == ["due"]
    assert PlanAction.objects.count() == 0


def test_a_plan_action_links_published_practices_and_the_towns_own_drafts_only():
    town, other = f.town(), f.town()
    officer = f.staff(town)
    published = f.practice(other)
    own_draft = f.practice(town, published=False, title="Brouillon")
    their_draft = f.practice(other, published=False, title="Le leur")
    action = services_plans.plan_action_create(
        actor=officer,
        municipality=town,
        values={"title": "X", "dimension": "data", "practices": [published.pk, own_draft.pk]},
    )
    assert set(action.practices.all()) == {published, own_draft}
    with pytest.raises(ApplicationError):
        services_plans.plan_action_update(
            actor=officer, action=action, values={"practices": [their_draft.pk]}
        )
    assert set(action.practices.all()) == {published, own_draft}


def test_updating_changes_only_what_is_given():
    town = f.town()
    officer = f.staff(town)
    action = f.action(town, owner="Greffière", notes="n")
    services_plans.plan_action_update(actor=officer, action=action, values={"status": "done"})
    action.refresh_from_db()
    assert (action.status, action.owner, action.notes) == ("done", "Greffière", "n")


def test_progress_counts_done_out_of_the_actions_not_dropped():
    town = f.town()
    f.action(town, dimension="data", status="done")
    f.action(town, dimension="data", status="planned")
    f.action(town, dimension="data", status="dropped")
    f.action(town, dimension="skills", status="in_progress")
    progress = selectors_plans.plan_progress(selectors_plans.plan_actions(municipality=town))
    assert [(p.dimension, p.done, p.total, p.percent) for p in progress] == [
        ("data", 1, 2, 50),
        ("skills", 0, 1, 0),
    ]


def test_the_regions_plans_side_by_side():
    region = f.RegionFactory()
    alpha = f.town(region=region, name="Alpha")
    beta = f.town(region=region, name="Beta")
    f.town(name="Elsewhere")
    f.action(alpha, status="done")
    f.action(alpha, status="planned")
    f.action(alpha, status="dropped")
    f.completed(alpha, 2, days_ago=300)
    f.completed(alpha, 4, days_ago=3)
    plans = selectors_plans.region_plans(region=region)
    assert [p.municipality for p in plans] == [alpha, beta]
    assert (plans[0].by_status, plans[0].percent_done, plans[0].latest_overall) == (
        {"done": 1, "planned": 1, "dropped": 1},
        50,
        4.0,
    )
    assert (plans[1].by_status, plans[1].total, plans[1].latest_overall) == ({}, 0, None)
