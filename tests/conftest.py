import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import connection

from knowsley_sv.roles import Role
from outcomes.models import SocialValueModel

from .factories import UserFactory


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (local memory in tests): no figures, versions or rate-limit
    counts carried over from a test whose database was rolled back."""
    cache.clear()


@pytest.fixture
def adopted_model(db) -> SocialValueModel:
    """Version 1 as the data migration loads it."""
    return SocialValueModel.objects.get(version=1)


def _client_for(client, role: Role | None, username: str):
    if role is None:
        return client
    user = UserFactory(username=username, roles=[role])
    client.force_login(user)
    client.user = user
    return client


@pytest.fixture
def board_user(db):
    return UserFactory(username="board-user", roles=[Role.BOARD_MEMBER])


@pytest.fixture
def board_client(client, board_user):
    client.force_login(board_user)
    client.user = board_user
    return client


@pytest.fixture
def commissioner_client(client, db):
    return _client_for(client, Role.COMMISSIONER, "commissioner-user")


@pytest.fixture
def role_client(client, db):
    """Call with a Role (or None for anonymous) to get a client signed in with that role."""

    def make(role: Role | None):
        return _client_for(client, role, f"user-{role.value.replace(' ', '-').lower()}" if role else "")

    return make


@pytest.fixture(scope="session")
def baseline_data(django_db_setup, django_db_blocker) -> str:
    """What the migrations loaded (model v1, wards, roles), captured before any live-server test flushes it.

    Transactional tests empty the database afterwards. Django's serialized_rollback would restore it, but the
    copy it keeps sits on a database connection that Playwright's greenlets do not always see, so the tests
    that need it restore it themselves (`restore_baseline`).
    """
    with django_db_blocker.unblock():
        return connection.creation.serialize_db_to_string()


def restore_baseline(baseline_data: str) -> None:
    """Put back what the migrations loaded, if a transactional test's flush emptied the database."""
    if not Group.objects.exists():
        # The flush re-created content types and permissions under new ids: put back the originals.
        Permission.objects.all().delete()
        ContentType.objects.all().delete()
        ContentType.objects.clear_cache()
        connection.creation.deserialize_db_from_string(baseline_data)
