import pytest

from .dataset import build


@pytest.fixture
def data(adopted_model):
    """The fixed data set of tests/reporting/dataset.py."""
    return build(adopted_model)
