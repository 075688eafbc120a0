import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _empty_cache():
    """Rate limits, the accept-once keys and the cached results live in the (LocMem) cache: every test of
    this folder starts with it empty and leaves it empty."""
    cache.clear()
    yield
    cache.clear()
