import pytest

from knowsley_sv.roles import Role
from outcomes.models import SocialValueModel

from .factories import UserFactory


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
