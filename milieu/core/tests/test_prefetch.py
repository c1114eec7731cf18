"""The logged-in user's cache entries come in one round trip, and are never used stale."""

import pytest
from django.core.cache import cache
from django.test import Client

from milieu.accounts.access import access_cache_key
from milieu.accounts.backends import user_cache_key
from milieu.accounts.tests.factories import citizen_of
from milieu.core import prefetch
from milieu.notifications import services as notification_services
from milieu.notifications.models import Notification
from milieu.notifications.selectors import (
    UnreadState,
    notification_unread_count,
    unread_cache_key,
)
from milieu.territory.tests.factories import MunicipalityFactory

pytestmark = pytest.mark.django_db


class Reads:
    """Every key the cache is asked for, one list per round trip (the test cache's `get_many`
    calls its own `get` for each key: those are not counted again)."""

    def __init__(self, monkeypatch):
        self.calls: list[list[str]] = []
        self.inside = False
        get, get_many = cache.get, cache.get_many

        def one(key, *args, **kwargs):
            if not self.inside:
                self.calls.append([key])
            return get(key, *args, **kwargs)

        def many(keys, *args, **kwargs):
            self.calls.append(list(keys))
            self.inside = True
            try:
                return get_many(keys, *args, **kwargs)
            finally:
                self.inside = False

        monkeypatch.setattr(cache, "get", one)
        monkeypatch.setattr(cache, "get_many", many)


def test_a_page_reads_the_user_facts_and_unread_count_in_one_round_trip(monkeypatch):
    brossard = MunicipalityFactory()
    person = citizen_of(brossard)
    client = Client()
    client.force_login(person)
    assert client.get(f"/en/{brossard.slug}/").status_code == 200  # fills the cache

    reads = Reads(monkeypatch)
    assert client.get(f"/en/{brossard.slug}/").status_code == 200

    mine = {user_cache_key(person.pk), access_cache_key(person.pk), unread_cache_key(person.pk)}
    together = [keys for keys in reads.calls if mine & set(keys)]
    assert together == [[user_cache_key(person.pk), *prefetch.keys_for(person.pk)]]
    assert mine <= set(together[0])


def test_a_stashed_value_is_not_used_after_a_forget(monkeypatch):
    person = citizen_of(MunicipalityFactory())
    key = unread_cache_key(person.pk)
    prefetch.stash(person, {key: UnreadState(count=7, version="stashed")})
    assert notification_unread_count(user=person) == 7

    Notification.objects.create(user=person, topic="account", key="a", title="Nouveau")
    notification_services.notification_mark_read(actor=person, notification_ids=None)

    assert prefetch.take(person, key) is None
    assert notification_unread_count(user=person) == 0  # from the database, not the stash
