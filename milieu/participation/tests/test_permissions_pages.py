"""The consultation pages' permission matrix: every page and form, tried by every kind of actor
against one municipality's published survey and a draft, with one exact outcome per cell (a
status code, `login` for a redirect to log in, `mfa` for staff sent to enrol MFA, `done` for a
redirect after a write). Every refusal is proven to have changed no row of the module."""

from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation

from milieu.accounts.models import Role
from milieu.accounts.tests.factories import with_role
from milieu.core.testing import client_for

from ..models import Answer, Ballot, Choice, Consultation, Phase, Question, SurveyResponse
from . import factories as f

pytestmark = pytest.mark.django_db
ACTORS = ("anonymous", "resident", "resident_other", "staff", "staff_nomfa", "staff_other")
LOGIN, DONE, MFA = "login", "done", "mfa"


@dataclass
class World:
    here: Any
    actors: dict[str, Any]
    survey: Consultation
    draft: Consultation
    question: Question


@pytest.fixture
def world() -> World:
    here, there = f.town(), f.town()
    officer = f.staff(here)
    actors = {
        "anonymous": None,
        "resident": f.resident(here),
        "resident_other": f.resident(there),
        "staff": officer,
        "staff_nomfa": with_role(here, Role.STAFF, mfa=False),
        "staff_other": f.staff(there),
    }
    survey = f.survey(here, actor=officer)
    draft = f.survey(here, actor=officer, publish=False)
    return World(here, actors, survey, draft, draft.questions.first())


def snapshot() -> tuple:
    models = (Consultation, Phase, Question, Choice, Ballot, SurveyResponse, Answer)
    rows = [sorted(model.objects.values_list("pk", flat=True)) for model in models]
    states = list(Consultation.objects.order_by("pk").values_list("status", "title_fr"))
    return (*rows, states)


def outcome(response) -> Any:
    if response.status_code == 302:
        location = response["Location"]
        if "login" in location:
            return LOGIN
        if "mfa" in location or "totp" in location:
            return MFA
        return DONE
    return response.status_code


def go(world: World, actor: str, method: str, name: str, *args, data=None):
    with translation.override("en"):
        path = reverse(name, args=[world.here.slug, *args])
    client = client_for(world.actors[actor])
    return client.get(path) if method == "get" else client.post(path, data or {})


# (method, url name, args from the world, expected per actor in ACTORS order)
PAGES = [
    ("get", "participation:list", lambda w: [], (200, 200, 200, 200, 200, 200)),
    ("get", "participation:consultation", lambda w: [w.survey.pk], (200,) * 6),
    ("get", "participation:consultation", lambda w: [w.draft.pk], (404, 404, 404, 200, 404, 404)),
    ("get", "participation:results", lambda w: [w.survey.pk], (403, 403, 403, 200, 403, 403)),
    ("get", "participation:results_csv", lambda w: [w.survey.pk], (404, 404, 404, 200, 404, 404)),
    ("get", "participation_staff:list", lambda w: [], (LOGIN, 403, 403, 200, MFA, 403)),
    ("get", "participation_staff:create_pick", lambda w: [], (LOGIN, 403, 403, 200, MFA, 403)),
    ("get", "participation_staff:create", lambda w: ["survey"], (LOGIN, 403, 403, 200, MFA, 403)),
    (
        "get",
        "participation_staff:consultation",
        lambda w: [w.draft.pk],
        (LOGIN, 403, 403, 200, MFA, 403),
    ),
    ("get", "participation_staff:edit", lambda w: [w.draft.pk], (LOGIN, 403, 403, 200, MFA, 403)),
    (
        "get",
        "participation_staff:survey_questions",
        lambda w: [w.draft.pk],
        (LOGIN, 403, 403, 200, MFA, 403),
    ),
    (
        "get",
        "participation_staff:survey_question_edit",
        lambda w: [w.draft.pk, w.question.pk],
        (LOGIN, 403, 403, 200, MFA, 403),
    ),
]
WRITES = [
    ("participation_staff:publish", lambda w: [w.draft.pk]),
    ("participation_staff:close", lambda w: [w.survey.pk]),
    ("participation_staff:edit", lambda w: [w.draft.pk]),
    ("participation_staff:survey_question_delete", lambda w: [w.draft.pk, w.question.pk]),
    ("participation_staff:survey_question_move", lambda w: [w.draft.pk, w.question.pk]),
    ("participation_staff:survey_question_create", lambda w: [w.draft.pk]),
]


@pytest.mark.parametrize(("method", "name", "args", "expected"), PAGES)
def test_pages(world, method, name, args, expected):
    for actor, wanted in zip(ACTORS, expected, strict=True):
        before = snapshot()
        assert outcome(go(world, actor, method, name, *args(world))) == wanted, (actor, name)
        assert snapshot() == before


@pytest.mark.parametrize(("name", "args"), WRITES)
def test_staff_writes_are_refused_to_others_and_change_nothing(world, name, args):
    expected = {"anonymous": LOGIN, "staff_nomfa": MFA}
    for actor in ACTORS:
        if actor == "staff":
            continue
        before = snapshot()
        assert outcome(go(world, actor, "post", name, *args(world))) == expected.get(actor, 403)
        assert snapshot() == before


def test_staff_writes_work_for_the_towns_staff(world):
    assert (
        outcome(go(world, "staff", "post", "participation_staff:publish", world.draft.pk)) == DONE
    )
    world.draft.refresh_from_db()
    assert world.draft.status == "published"
    assert outcome(go(world, "staff", "post", "participation_staff:close", world.survey.pk)) == DONE
    world.survey.refresh_from_db()
    assert world.survey.status == "closed"


def test_answering_is_for_the_towns_verified_residents(world):
    answers = {}
    for actor in ("resident_other", "staff_other"):
        before = snapshot()
        response = go(
            world, actor, "post", "participation:survey_answer", world.survey.pk, data=answers
        )
        assert response.status_code == 403
        assert snapshot() == before
    before = snapshot()
    assert (
        outcome(go(world, "anonymous", "post", "participation:survey_answer", world.survey.pk))
        == LOGIN
    )
    assert snapshot() == before
