"""`core.caching`'s version counters: read in one call, started when missing, renewed now and
again after the commit."""

import pytest
from django.core.cache import cache

from milieu.core import caching


def test_a_missing_counter_starts_once_and_then_holds():
    cache.delete_many(["t:a", "t:b"])
    first = caching.versions(["t:a", "t:b"])
    assert set(first) == {"t:a", "t:b"}
    assert caching.versions(["t:b", "t:a"]) == first


@pytest.mark.django_db(transaction=True)
def test_renew_gives_a_new_value_now_and_again_after_the_commit():
    from django.db import transaction

    before = caching.versions(["t:c"])["t:c"]
    with transaction.atomic():
        caching.renew(["t:c", "t:c"])
        inside = caching.versions(["t:c"])["t:c"]
        assert inside != before
    assert caching.versions(["t:c"])["t:c"] not in (before, inside)
