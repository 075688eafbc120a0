"""The one cache mechanism (knowsley_sv.caching): topics, one read, bumps named by the models written."""

from datetime import datetime, timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from knowsley_sv import caching

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry(monkeypatch):
    """An empty registry for the test's own topics (the apps' topics are left as they were)."""
    monkeypatch.setattr(caching, "_TOPICS", {})
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def counter():
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    return compute


def test_an_entry_is_worked_out_once_until_a_model_it_reads_changes(registry, counter):
    tenders = caching.topic("test.tenders", reads=["procurement.tender", "procurement.bid"])

    def read():
        return caching.cached("test:entry", [tenders], counter)

    assert [read(), read()] == [1, 1]
    caching.changed("procurement.bid")
    assert [read(), read()] == [2, 2]
    caching.changed("consultation.response")  # read by no topic of this entry
    assert read() == 2
    cache.delete("topic:test.tenders")  # a version lost from the cache (evicted, Redis restarted)
    assert [read(), read()] == [3, 3]


def test_a_change_bumps_every_topic_that_reads_the_model_and_no_other(registry, counter):
    a = caching.topic("test.a", reads=["outcomes.outcome"])
    b = caching.topic("test.b", reads=["outcomes.outcome", "procurement.tender"])
    c = caching.topic("test.c", reads=["procurement.tender"])
    assert caching.reading("outcomes.outcome") == [a, b]
    before = {t.name: caching.cached(f"test:{t.name}", [t], counter) for t in (a, b, c)}
    caching.changed("outcomes.outcome")
    after = {t.name: caching.cached(f"test:{t.name}", [t], counter) for t in (a, b, c)}
    assert [name for name in before if before[name] != after[name]] == ["test.a", "test.b"]


def test_a_scoped_topic_is_stale_for_one_object_or_for_all(registry, counter):
    results = caching.topic(
        "test.results", reads=["consultation.response", "consultation.wardpopulation"], scoped=True
    )

    def read(pk):
        return caching.cached(f"test:results:{pk}", [results.of(pk)], counter)

    one, two = read(1), read(2)
    caching.changed("consultation.response", scope=1)
    assert read(1) != one and read(2) == two
    one, two = read(1), read(2)
    caching.changed("consultation.wardpopulation")  # no scope: every consultation's results
    assert read(1) != one and read(2) != two


def test_a_scoped_topic_cannot_be_read_for_everything_by_mistake(registry):
    results = caching.topic("test.results", reads=["consultation.response"], scoped=True)
    with pytest.raises(ValueError, match="scoped"):
        caching.cached("test:all", [results], object)
    plain = caching.topic("test.plain", reads=["consultation.response"])
    with pytest.raises(ValueError, match="not scoped"):
        plain.of(1)


def test_a_topic_is_declared_once(registry):
    first = caching.topic("test.once", reads=["outcomes.outcome"])
    assert caching.topic("test.once", reads=["outcomes.outcome"]) is first
    with pytest.raises(ValueError, match="declared twice"):
        caching.topic("test.once", reads=["procurement.tender"])
    assert caching.topics() == {"test.once": first}


def test_a_reader_before_the_commit_never_serves_what_it_read(registry, django_capture_on_commit_callbacks):
    """A reader between a write's first bump and its commit stores the old figures under a version that the
    commit replaces."""
    figures = caching.topic("test.figures", reads=["outcomes.outcome"])
    value = {"now": "old"}

    def read():
        return caching.cached("test:figures", [figures], lambda: value["now"])

    assert read() == "old"
    with django_capture_on_commit_callbacks(execute=True):
        caching.changed("outcomes.outcome")  # inside the write's transaction
        assert read() == "old"  # another reader, before the commit: the database still says "old"
        value["now"] = "new"  # the commit
    assert read() == "new"


def test_a_hit_is_one_round_trip_and_reads_no_database(registry, counter, monkeypatch):
    topics = [
        caching.topic("test.x", reads=["outcomes.outcome"]),
        caching.topic("test.y", reads=["outcomes.ward"]),
    ]
    caching.cached_many({"test:1": (topics, counter), "test:2": (topics[:1], counter)})
    calls = []
    monkeypatch.setattr(
        cache, "get_many", lambda keys, get_many=cache.get_many: calls.append(keys) or get_many(keys)
    )
    with CaptureQueriesContext(connection) as queries:
        found = caching.cached_many({"test:1": (topics, counter), "test:2": (topics[:1], counter)})
    assert found == {"test:1": 1, "test:2": 2}
    assert len(calls) == 1 and len(queries) == 0


def test_until_works_an_entry_out_again_from_its_moment(registry, counter):
    topic = caching.topic("test.until", reads=["consultation.consultation"])
    noon = datetime(2026, 12, 2, 12, 0)

    def read(now):
        return caching.cached("test:until", [topic], lambda: caching.Until(counter(), noon), now=now)

    assert read(noon - timedelta(minutes=1)) == 1
    assert read(noon - timedelta(seconds=1)) == 1
    assert read(noon) == 2
