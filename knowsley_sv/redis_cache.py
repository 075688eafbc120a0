"""Django's built-in Redis cache backend, with one client object a connection pool instead of one a call.

Django's RedisCacheClient.get_client() builds a new `redis.Redis` for every cache operation, and redis-py's
constructor sets up its table of about 200 response callbacks each time: 0.2 ms of CPU an operation, measured
with cProfile on a submission (13 operations, 2.6 ms of a 11 ms request; bench/README.md). A `redis.Redis`
is safe to share between threads (each command takes a connection from the pool), so one a pool is kept.
Everything else, connection pools included, is Django's.
"""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class ReusedRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedRedisCacheClient
