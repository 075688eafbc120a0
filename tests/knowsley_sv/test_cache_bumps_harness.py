"""The harness the apps' bump tables run on (tests/cache_bumps.py) catches what it should."""

import pytest
from django.contrib.auth.models import Group

from knowsley_sv import caching
from knowsley_sv.models import User

from ..cache_bumps import announces_what_it_writes

pytestmark = pytest.mark.django_db


@pytest.fixture
def groups_topic(monkeypatch):
    monkeypatch.setattr(caching, "_TOPICS", {})
    return caching.topic("test.groups", reads=[Group])


def test_a_write_named_to_changed_passes(groups_topic):
    with announces_what_it_writes() as seen:
        Group.objects.create(name="Named")
        caching.changed(Group)
    assert seen.written == {"auth.group"} and seen.named == {"auth.group"}


@pytest.mark.parametrize(
    "write",
    [
        lambda: Group.objects.create(name="Saved"),
        lambda: Group.objects.bulk_create([Group(name="Bulk")]),
        lambda: Group.objects.filter(name="Existing").update(name="Renamed"),
        lambda: Group.objects.filter(name="Existing").delete(),
    ],
    ids=["save", "bulk_create", "update", "delete"],
)
def test_a_write_not_named_fails_however_it_was_made(groups_topic, write):
    Group.objects.create(name="Existing")
    missing = pytest.raises(AssertionError, match=r"wrote \['auth.group'\] without caching.changed")
    with missing, announces_what_it_writes():
        write()


def test_a_write_no_topic_reads_needs_no_bump(groups_topic):
    with announces_what_it_writes() as seen:
        User.objects.create(username="nobody-reads-users")
    assert seen.written == {"knowsley_sv.user"} and not seen.named
