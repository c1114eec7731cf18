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


def test_a_first_request_asks_the_cache_once_and_writes_what_it_computed_together(monkeypatch):
    brossard = MunicipalityFactory()
    person = citizen_of(brossard)
    client = Client()
    client.force_login(person)
    cache.delete_many([*prefetch.keys_for(person.pk), user_cache_key(person.pk)])
    reads = Reads(monkeypatch)
    writes: list[list[str]] = []
    inside = []
    set_one, set_many = cache.set, cache.set_many

    def one(key, *args, **kwargs):
        if not inside:  # the test cache's set_many calls its own set for each key
            writes.append([key])
        return set_one(key, *args, **kwargs)

    def many(values, *args, **kwargs):
        writes.append(sorted(values))
        inside.append(True)
        try:
            return set_many(values, *args, **kwargs)
        finally:
            inside.pop()

    monkeypatch.setattr(cache, "set", one)
    monkeypatch.setattr(cache, "set_many", many)
    assert client.get(f"/en/{brossard.slug}/").status_code == 200

    mine = {user_cache_key(person.pk), access_cache_key(person.pk), unread_cache_key(person.pk)}
    assert sum(1 for keys in reads.calls if mine & set(keys)) == 1  # absent once, known absent
    assert [user_cache_key(person.pk)] not in writes
    # (the layout's kept parts, rendered for this first page, are written together as well)
    together = [keys for keys in writes if len(keys) > 1 and not keys[0].startswith("fragments:")]
    assert together == [sorted([user_cache_key(person.pk), access_cache_key(person.pk)])]
    assert [unread_cache_key(person.pk)] in writes  # at once: the centre is kept under it
    assert cache.get(user_cache_key(person.pk)).pk == person.pk


def test_an_entry_computed_before_a_forget_in_the_same_request_is_not_written():
    person = citizen_of(MunicipalityFactory())
    key = access_cache_key(person.pk)
    with prefetch.batch():
        prefetch.put(person, key, "computed before the change", 60)
        prefetch.forget([key])  # a write in the same request
    assert cache.get(key) is None


def test_outside_a_request_an_entry_is_written_at_once():
    person = citizen_of(MunicipalityFactory())
    prefetch.put(person, "test:entry", 42, 60)
    assert cache.get("test:entry") == 42


def test_a_user_goes_to_the_cache_without_what_a_request_memoised_on_it():
    import pickle

    person = citizen_of(MunicipalityFactory())
    prefetch.stash(person, {"x": 1})
    person._milieu_access = "facts"
    copy = pickle.loads(pickle.dumps(person))  # noqa: S301 - our own bytes
    assert copy.pk == person.pk and copy.email == person.email
    assert not [name for name in vars(copy) if name.startswith("_milieu_")]


def test_the_compiled_user_row_is_the_orms():
    from milieu.accounts.backends import user_row
    from milieu.accounts.models import User

    person = citizen_of(MunicipalityFactory(), display_name="Élise Tremblay")
    compiled, orm = user_row(person.pk), User.objects.get(pk=person.pk)
    for field in User._meta.concrete_fields:
        assert getattr(compiled, field.attname) == getattr(orm, field.attname), field.name
    assert compiled._state.adding is False and compiled._state.db == "default"
    assert user_row(-1) is None
