"""Supports at the same moment, on PostgreSQL's concurrent writers: many people supporting an
idea one short of its threshold tell the city once, and one person supporting twice at once
counts once."""

import pytest
from django.db import connection

from milieu.events.tests.test_concurrency import at_once
from milieu.notifications.models import Notification

from .. import services_proposals as services
from ..models import Support
from .factories_proposals import call, proposal, resident, staff, supported, town

PEOPLE = 6


def needs_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "Concurrent writers are PostgreSQL's; SQLite serialises them (IMMEDIATE), and "
            "test_proposals_services covers the rules there. The PostgreSQL leg of CI runs this "
            "test."
        )


def _support(person, idea):
    return lambda: str(services.support_add(actor=person, proposal=idea).support_count)


@pytest.mark.django_db(transaction=True)
def test_people_supporting_at_once_past_the_threshold_tell_the_city_once(still_clock):
    needs_postgresql()
    city = town()
    clerk = staff(city)
    idea = proposal(call(city, threshold=3))
    supported(idea, 2)
    people = [resident(city) for _ in range(PEOPLE)]

    outcomes = at_once([_support(person, idea) for person in people])

    assert sorted(int(outcome) for outcome in outcomes) == list(range(3, 3 + PEOPLE))
    idea.refresh_from_db()
    assert idea.support_count == 2 + PEOPLE == Support.objects.filter(proposal=idea).count()
    assert idea.threshold_reached_at is not None
    told = Notification.objects.filter(key=f"proposals:threshold:{idea.pk}")
    assert sorted(told.values_list("user_id", flat=True)) == sorted([clerk.pk, idea.author_id])


@pytest.mark.django_db(transaction=True)
def test_one_person_supporting_twice_at_once_counts_once(still_clock):
    needs_postgresql()
    city = town()
    idea = proposal(call(city))
    person = resident(city)

    outcomes = at_once([_support(person, idea) for _ in range(4)])

    assert sorted(outcomes) == ["1", "Conflict", "Conflict", "Conflict"]
    idea.refresh_from_db()
    assert idea.support_count == 1 == Support.objects.filter(proposal=idea).count()
