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
from collections.abc import Callable, Sequence

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


def read_through(key: str, versions: Sequence[str], compute: Callable[[], object], timeout: int) -> object:
    """compute(), kept under `key` with the versions (named by `versions`) current before it was worked out:
    one round trip to the cache on a hit (the entry and the versions in one read), as the entry carries its
    versions rather than its key naming them."""
    found = cache.get_many([*versions, key])
    entry = found.get(key)
    current_versions = tuple(found.get(name) for name in versions)
    if entry is not None and None not in current_versions and entry[0] == current_versions:
        return entry[1]
    if None in current_versions:
        current_versions = current(versions)
    value = compute()
    cache.set(key, (current_versions, value), timeout)
    return value


def _set(keys: Sequence[str]) -> None:
    cache.set_many({key: uuid.uuid4().hex for key in keys}, None)  # one round trip


def bump(*keys: str) -> None:
    """Call inside the transaction that changes what the versions stand for (or outside any)."""
    _set(keys)
    transaction.on_commit(lambda: _set(keys))
