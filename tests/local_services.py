"""The local services some tests need beyond the database (CI runs them; .ci/run starts Redis if it can)."""

import socket

import pytest

REDIS = ("127.0.0.1", 6379)


def _redis_running() -> bool:
    try:
        socket.create_connection(REDIS, timeout=0.5).close()
    except OSError:
        return False
    return True


needs_redis = pytest.mark.skipif(not _redis_running(), reason="needs Redis on 127.0.0.1:6379 (CI runs it)")
