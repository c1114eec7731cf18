"""The Redis cache backend against the Redis server of the machine (127.0.0.1:6379)."""

import uuid

import pytest
from django.core.cache.backends.redis import RedisCacheClient

from milieu.core.cache import PooledRedisCacheClient, RedisCache

REDIS_URL = "redis://127.0.0.1:6379/14"


@pytest.fixture
def redis_cache():
    cache = RedisCache(REDIS_URL, {"KEY_PREFIX": f"test-{uuid.uuid4().hex}"})
    try:
        cache.get("ping")
    except Exception as error:  # pragma: no cover - the machine's Redis is part of the setup
        pytest.fail(f"Redis does not answer on {REDIS_URL}: {error}")
    yield cache
    cache.clear()


def test_values_round_trip_and_expire_through_the_pooled_client(redis_cache):
    redis_cache.set("answer", {"value": 42}, 60)
    assert redis_cache.get("answer") == {"value": 42}
    redis_cache.set_many({"a": 1, "b": 2})
    assert redis_cache.get_many(["a", "b", "c"]) == {"a": 1, "b": 2}
    assert redis_cache.incr("a") == 2
    redis_cache.delete("answer")
    assert redis_cache.get("answer") is None


def test_one_client_object_serves_every_call(redis_cache):
    client = redis_cache._cache
    assert isinstance(client, PooledRedisCacheClient)
    assert isinstance(client, RedisCacheClient)
    assert client.get_client() is client.get_client(write=True)
