"""Monthly active residents without browsing history: the middleware records the day at most
once a day per person, and counts a person once per month in their home municipality's
counter; nothing else is stored about them."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from milieu.accounts.models import User
from milieu.accounts.tests.factories import UserFactory, citizen_of
from milieu.core.testing import client_for

from ..models import ActiveResidentsCount
from ..services_indicators import activity_record
from .factories_indicators import town

pytestmark = pytest.mark.django_db


def _counts(municipality) -> dict[date, int]:
    return dict(
        ActiveResidentsCount.objects.filter(municipality=municipality).values_list("month", "count")
    )


def test_the_first_visit_of_a_month_counts_the_resident_once_in_their_home_town(
    django_capture_on_commit_callbacks,
):
    home = town()
    person = citizen_of(home)
    client = client_for(person)
    url = reverse("territory:municipality_home", args=[home.slug])

    with django_capture_on_commit_callbacks(execute=True):
        client.get(url)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        client.get(url)
    assert callbacks == []  # the second visit of the day records nothing

    person.refresh_from_db()
    from django.utils import timezone

    today = timezone.localdate()
    assert person.last_active_on == today
    assert _counts(home) == {today.replace(day=1): 1}


def test_a_second_visit_the_same_day_writes_nothing(django_capture_on_commit_callbacks):
    home = town()
    person = citizen_of(home)
    client = client_for(person)
    url = reverse("territory:municipality_home", args=[home.slug])
    with django_capture_on_commit_callbacks(execute=True):
        client.get(url)
    client.get(url)  # the user cached again, with today's date

    with (
        CaptureQueriesContext(connection) as captured,
        django_capture_on_commit_callbacks(execute=True),
    ):
        client.get(url)

    writes = [q["sql"] for q in captured.captured_queries if q["sql"].startswith("UPDATE")]
    assert writes == []


def test_a_new_day_of_the_same_month_moves_the_date_without_counting_again():
    home = town()
    person = citizen_of(home)
    assert activity_record(user=person, today=date(2026, 5, 3)) is True
    assert activity_record(user=person, today=date(2026, 5, 20)) is False
    assert User.objects.get(pk=person.pk).last_active_on == date(2026, 5, 20)
    assert _counts(home) == {date(2026, 5, 1): 1}


def test_a_new_month_counts_the_resident_again():
    home = town()
    person, neighbour = citizen_of(home), citizen_of(home)
    activity_record(user=person, today=date(2026, 5, 30))
    activity_record(user=neighbour, today=date(2026, 5, 31))
    activity_record(user=person, today=date(2026, 6, 1))
    assert _counts(home) == {date(2026, 5, 1): 2, date(2026, 6, 1): 1}


def test_a_stale_copy_of_the_user_does_not_count_twice():
    home = town()
    person = citizen_of(home)
    stale = User.objects.get(pk=person.pk)
    activity_record(user=person, today=date(2026, 5, 3))
    # Another request still holding the user as it was before (last_active_on None).
    assert activity_record(user=stale, today=date(2026, 5, 3)) is False
    assert _counts(home) == {date(2026, 5, 1): 1}


def test_someone_without_a_home_municipality_is_not_counted_anywhere():
    person = UserFactory()
    assert activity_record(user=person, today=date(2026, 5, 3)) is False
    assert User.objects.get(pk=person.pk).last_active_on == date(2026, 5, 3)
    assert ActiveResidentsCount.objects.count() == 0


def test_anonymous_visits_count_nothing(django_capture_on_commit_callbacks):
    home = town()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        client_for().get(reverse("territory:municipality_home", args=[home.slug]))
    assert callbacks == []
    assert ActiveResidentsCount.objects.count() == 0
