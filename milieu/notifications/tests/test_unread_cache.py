"""The unread count of every page's badge comes from the cache and follows every change."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from milieu.accounts.models import Role
from milieu.accounts.tests.factories import with_role
from milieu.notifications import alerts, selectors, services
from milieu.notifications.tests.factories_alerts import draft, resident
from milieu.territory.tests.factories import MunicipalityFactory

pytestmark = pytest.mark.django_db


def unread(user) -> int:
    return selectors.notification_unread_count(user=user)


def test_the_count_is_counted_once_then_read_from_the_cache():
    person = resident(MunicipalityFactory())
    services.notify(user=person, topic="account", key="k1", title="Bonjour")

    with CaptureQueriesContext(connection) as cold:
        assert unread(person) == 1
    with CaptureQueriesContext(connection) as warm:
        assert unread(person) == 1

    assert (len(cold), len(warm)) == (1, 0)
    assert cache.get(selectors.unread_cache_key(person.pk)).count == 1


def test_a_new_notification_and_marking_read_change_the_cached_count():
    person = resident(MunicipalityFactory())
    assert unread(person) == 0

    first = services.notify(user=person, topic="account", key="k1", title="Un")
    services.notify(user=person, topic="account", key="k2", title="Deux")
    assert unread(person) == 2

    services.notification_mark_read(actor=person, notification_ids=[first.pk])
    assert unread(person) == 1
    services.notification_mark_read(actor=person)
    assert unread(person) == 0


def test_an_alert_fanned_out_to_the_city_raises_every_cached_count():
    city = MunicipalityFactory()
    staff = with_role(city, Role.STAFF)
    people = [resident(city) for _ in range(3)]
    assert [unread(p) for p in people] == [0, 0, 0]  # now cached

    alerts.alert_send(actor=staff, alert=draft(city))  # the tasks run at once in tests

    assert [unread(p) for p in people] == [1, 1, 1]
