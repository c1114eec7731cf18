"""A person answers a survey once, whatever races: fifty submissions of the same person's
answers at once on PostgreSQL's concurrent writers leave one response and one ballot, and the
forty-nine others get the clear `Conflict`."""

import threading
from collections.abc import Callable

import pytest
from django.db import connection, connections

from .. import services_surveys
from ..models import Answer, Ballot, SurveyResponse
from . import factories as f

THREADS = 50


def needs_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "Concurrent writers are PostgreSQL's; SQLite serialises them (IMMEDIATE), and "
            "test_answering_twice_is_a_conflict_and_keeps_the_first_answers covers the rule "
            "there. The PostgreSQL leg of CI runs this test."
        )


def at_once(actions: list[Callable[[], str]]) -> list[str]:
    """Run `actions` in threads released together by a barrier; what each returned (or the
    name of the error it raised, with its code)."""
    barrier = threading.Barrier(len(actions))
    outcomes: list[str] = []
    lock = threading.Lock()

    def run(action: Callable[[], str]) -> None:
        barrier.wait()
        try:
            outcome = action()
        except Exception as error:  # reported in the outcomes, which the test asserts
            outcome = f"{type(error).__name__}:{getattr(error, 'code', '')}"
        finally:
            connections.close_all()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=run, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_fifty_submissions_of_the_same_ballot_save_one():
    needs_postgresql()
    town = f.town()
    survey = f.survey(town, ballot_mode="secret")
    person = f.resident(town)
    answers = f.answers_for(survey)

    def answer() -> str:
        services_surveys.survey_answer(actor=person, consultation=survey, answers=answers)
        return "saved"

    outcomes = at_once([answer] * THREADS)
    assert sorted(outcomes) == ["Conflict:already_answered"] * (THREADS - 1) + ["saved"]
    assert Ballot.objects.filter(consultation=survey, user=person).count() == 1
    assert SurveyResponse.objects.filter(consultation=survey).count() == 1
    assert Answer.objects.count() == 7
