"""One person sending many questions at once still sends at most three: `question_submit` locks
the meeting's row, on PostgreSQL's concurrent writers (SQLite serialises writers itself)."""

import pytest
from django.db import connection

from milieu.events.tests.test_concurrency import at_once
from milieu.participation import services_council as services
from milieu.participation.models import CitizenQuestion

from .test_council_factories import meeting, resident, town

ATTEMPTS = 6


def needs_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "Concurrent writers are PostgreSQL's; SQLite serialises them (IMMEDIATE), and "
            "test_council_services covers the limit there. The PostgreSQL leg of CI runs this."
        )


@pytest.mark.django_db(transaction=True)
def test_six_questions_at_once_from_one_person_keep_three():
    needs_postgresql()
    here = town()
    sitting = meeting(here)
    person = resident(here)

    def ask(n: int):
        return lambda: (
            services.question_submit(actor=person, meeting=sitting, text=f"Question {n}").status
        )

    outcomes = at_once([ask(n) for n in range(ATTEMPTS)])
    assert sorted(outcomes) == ["Conflict"] * 3 + ["submitted"] * 3
    assert CitizenQuestion.objects.filter(author=person).count() == 3
