"""Fixtures shared by the evaluation, award and delivery tests."""

import pytest

from knowsley_sv.roles import Role

from ..factories import UserFactory
from .helpers import worked_example_tender


@pytest.fixture
def commissioner(adopted_model):
    return UserFactory(username="commissioner", roles=[Role.COMMISSIONER])


@pytest.fixture
def tender(commissioner):
    """DESIGN §5.4's worked example: three bids, deadline passed, bids opened."""
    return worked_example_tender(commissioner)
