"""The production cache backend (knowsley_sv.redis_cache.RedisCache) against the Redis this machine runs."""

import uuid

import pytest

from knowsley_sv.redis_cache import RedisCache

from ..local_services import REDIS, needs_redis

pytestmark = needs_redis


@pytest.fixture
def redis_cache():
    cache = RedisCache(f"redis://{REDIS[0]}:{REDIS[1]}/15", {"KEY_PREFIX": f"test-{uuid.uuid4().hex}"})
    yield cache
    cache.clear()


def test_it_is_djangos_cache_with_one_client_a_pool(redis_cache):
    assert redis_cache.set("a", {"n": 1}) is None
    assert redis_cache.get("a") == {"n": 1}
    assert redis_cache.add("a", 2) is False
    assert redis_cache.add("b", 2) is True
    redis_cache.set_many({"c": 3, "d": 4})
    assert redis_cache.get_many(["a", "b", "c", "d", "missing"]) == {"a": {"n": 1}, "b": 2, "c": 3, "d": 4}
    assert redis_cache.incr("b") == 3
    redis_cache.delete("a")
    assert redis_cache.get("a") is None
    client = redis_cache._cache.get_client("a")
    assert redis_cache._cache.get_client("b") is client
    assert redis_cache._cache.get_client("b", write=True) is client  # one server: one pool, one client
