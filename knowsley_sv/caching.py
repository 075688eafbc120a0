"""The one cache mechanism (docs/decisions/0006): named topics, one read, bumps from the services that write.

- A **topic** names what a cached figure is worked out from, as the models it reads: `consultation.results`
  reads responses and allocations, `reporting.procurement` reads tenders, bids and contracts. Each app
  declares the topics of the figures it caches, in its own `topics.py`, with `topic(name, reads=[...])`.
- `cached(key, topics, compute)` is the one read: compute(), kept in the shared cache under `key` with the
  versions of its topics as they were before it was worked out. An entry whose versions are not the current
  ones is never read again, so nothing needs deleting.
- `changed(*models)` is the one write: a service calls it in its transaction, naming the models whose rows
  it inserted, updated or deleted, and every topic that reads one of them gets a new version. The service
  does not know which topics there are (they may belong to an app above it); the registry does. No signal
  does this: a bulk write or a deletion bumps exactly as a save does, because the service says so.

A topic can be **scoped**: a consultation's results have a version of their own as well as the topic's, so
`changed(Response, scope=consultation.pk)` makes that consultation's results stale and leaves the others
cached; `changed(WardPopulation)` (no scope) makes every consultation's results stale.

A version is a random value, never a counter: a version lost from the cache (evicted, Redis restarted) can
never name an entry worked out before. A write bumps its topics at once, inside its transaction (so the
process that wrote, and a test that never commits, read fresh figures) and again when the transaction
commits: a reader that worked figures out from the data as it was before the commit, between the two bumps,
stored them under a version nobody uses any more. A rolled-back write only costs a cache entry.
"""

import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.core.cache import cache
from django.db import models, transaction

DEFAULT_SECONDS = 10 * 60  # only bounds what a write outside the services (a shell) could leave stale


def _label(model: type[models.Model] | str) -> str:
    return model if isinstance(model, str) else model._meta.label_lower


@dataclass(frozen=True)
class Topic:
    name: str
    reads: frozenset[str]  # model labels, "app_label.modelname"
    scoped: bool = False

    def version_keys(self, scope: object = None) -> list[str]:
        keys = [f"topic:{self.name}"]
        if scope is not None:
            keys.append(f"topic:{self.name}:{scope}")
        return keys

    def of(self, scope: object) -> "Scoped":
        """This topic for one object (a scoped topic's entries for one consultation, say)."""
        if not self.scoped:
            raise ValueError(f"The topic {self.name} is not scoped.")
        return Scoped(self, scope)


@dataclass(frozen=True)
class Scoped:
    topic: Topic
    scope: object

    def version_keys(self) -> list[str]:
        return self.topic.version_keys(self.scope)


_TOPICS: dict[str, Topic] = {}


def topic(name: str, *, reads: Iterable[type[models.Model] | str], scoped: bool = False) -> Topic:
    """Declare a topic (once, at import of the app's topics.py); declaring the same one again returns it."""
    declared = Topic(name, frozenset(_label(model) for model in reads), scoped)
    if _TOPICS.setdefault(name, declared) != declared:
        raise ValueError(f"The topic {name} is declared twice with different models.")
    return _TOPICS[name]


def topics() -> dict[str, Topic]:
    """Every declared topic by name."""
    return dict(_TOPICS)


def reading(*models_written: type[models.Model] | str) -> list[Topic]:
    """The topics that read any of these models, in name order."""
    labels = {_label(model) for model in models_written}
    return sorted((t for t in _TOPICS.values() if t.reads & labels), key=lambda t: t.name)


def _keys(topics_read: Sequence[Topic | Scoped]) -> list[str]:
    for t in topics_read:
        if isinstance(t, Topic) and t.scoped:
            raise ValueError(f"The topic {t.name} is scoped: read it for one object, {t.name}.of(...).")
    return [key for t in topics_read for key in t.version_keys()]


def _current(keys: Sequence[str], found: Mapping[str, str]) -> tuple[str, ...]:
    """The versions named by `keys`, making any that is missing (another process may make it first: theirs
    wins)."""
    versions = []
    for key in keys:
        version = found.get(key)
        if version is None:
            cache.add(key, uuid.uuid4().hex, None)
            version = cache.get(key) or uuid.uuid4().hex
        versions.append(version)
    return tuple(versions)


@dataclass(frozen=True)
class Until:
    """A value that is worked out again from `at`, whatever the versions say (the dashboard's priorities,
    which change when a consultation closes). Return it from compute(); readers get `value`."""

    value: object
    at: datetime | None


def _fresh(entry: object, versions: tuple[str, ...], now: datetime | None) -> bool:
    if entry is None or entry[0] != versions:
        return False
    value = entry[1]
    return not (isinstance(value, Until) and value.at is not None and now is not None and now >= value.at)


def _unwrap(value: object) -> object:
    return value.value if isinstance(value, Until) else value


def cached(
    key: str,
    topics_read: Sequence[Topic | Scoped],
    compute: Callable[[], object],
    *,
    timeout: int = DEFAULT_SECONDS,
    now: datetime | None = None,
) -> object:
    """compute(), from the shared cache when none of `topics_read` changed since it was worked out: one round
    trip on a hit (the entry and its topics' versions in one read)."""
    return cached_many({key: (topics_read, compute)}, timeout=timeout, now=now)[key]


def cached_many(
    entries: Mapping[str, tuple[Sequence[Topic | Scoped], Callable[[], object]]],
    *,
    timeout: int = DEFAULT_SECONDS,
    now: datetime | None = None,
) -> dict[str, object]:
    """key -> value for each entry (key -> (topics it reads, compute)): one round trip when every entry is
    there, compute() for each that is not (then one more to store them)."""
    version_keys = sorted({k for topics_read, _ in entries.values() for k in _keys(topics_read)})
    found = cache.get_many([*version_keys, *entries])
    if any(k not in found for k in version_keys):
        found.update(zip(version_keys, _current(version_keys, found), strict=True))
    values, fresh = {}, {}
    for key, (topics_read, compute) in entries.items():
        versions = tuple(found[k] for k in _keys(topics_read))
        entry = found.get(key)
        if not _fresh(entry, versions, now):
            entry = fresh[key] = (versions, compute())
        values[key] = _unwrap(entry[1])
    if fresh:
        cache.set_many(fresh, timeout)
    return values


def _bump(keys: Sequence[str]) -> None:
    if keys:
        cache.set_many({key: uuid.uuid4().hex for key in keys}, None)  # one round trip


def changed(*models_written: type[models.Model] | str, scope: object = None) -> None:
    """Call in the transaction that inserted, updated or deleted rows of these models (or outside any): every
    topic that reads one of them is stale. With `scope`, a scoped topic is stale for that object only."""
    keys = sorted(
        {k for t in reading(*models_written) for k in t.version_keys(scope if t.scoped else None)[-1:]}
    )
    _bump(keys)
    transaction.on_commit(lambda: _bump(keys))
