"""Versions for entries in the shared cache: an entry's key names the versions of what it was worked out from,
and a write bumps a version, so nobody reads the old entry again and nothing needs deleting (every app server
sees the same versions in the shared cache, Redis in production).

A version is a random value, never a counter: a version lost from the cache (evicted, Redis restarted) can
never name an entry worked out before. A write bumps its version at once, inside its transaction (so the
process that wrote, and a test that never commits, read fresh figures) and again when the transaction
commits: a reader that worked figures out from the data as it was before the commit, between the two bumps,
stored them under a version nobody uses any more. A rolled-back write only costs a cache entry.
"""

import uuid
from collections.abc import Sequence

from django.core.cache import cache
from django.db import transaction


def current(keys: Sequence[str]) -> tuple[str, ...]:
    """The versions named by `keys`, in order: one round trip to the cache when they all exist."""
    found = cache.get_many(keys)
    versions = []
    for key in keys:
        version = found.get(key)
        if version is None:
            cache.add(key, uuid.uuid4().hex, None)  # another process may have set it first: theirs wins
            version = cache.get(key) or uuid.uuid4().hex
        versions.append(version)
    return tuple(versions)


def _set(keys: Sequence[str]) -> None:
    cache.set_many({key: uuid.uuid4().hex for key in keys}, None)  # one round trip


def bump(*keys: str) -> None:
    """Call inside the transaction that changes what the versions stand for (or outside any)."""
    _set(keys)
    transaction.on_commit(lambda: _set(keys))
