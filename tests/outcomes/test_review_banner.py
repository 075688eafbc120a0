"""The review-overdue banner's figures (outcomes.selectors.cached_review_status): from the shared cache,
until a write to the model or its reviews."""

from datetime import date, datetime

import pytest
from django.utils import timezone

from knowsley_sv.roles import Role
from outcomes import selectors
from outcomes.models import SocialValueModel

from ..factories import ModelReviewFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewed(adopted_model):
    """Version 1 adopted 15 January 2025 and reviewed 1 December 2025: the next review is due 1 December 2026
    (as in the dashboard's data set, tests/reporting/dataset.py)."""
    adopted = timezone.make_aware(datetime(2025, 1, 15, 10))
    SocialValueModel.objects.filter(pk=adopted_model.pk).update(adopted_at=adopted)
    commissioner = UserFactory(username="dash-commissioner", roles=[Role.COMMISSIONER])
    ModelReviewFactory(model=adopted_model, held_on=date(2025, 12, 1), recorded_by=commissioner)
    return adopted_model, commissioner


def test_the_review_banner_comes_from_the_cache_until_a_review_is_recorded(
    reviewed, django_assert_num_queries
):
    model, commissioner = reviewed
    day = date(2026, 12, 2)
    assert selectors.cached_review_status(day).overdue is True  # due 1 December 2026
    with django_assert_num_queries(0):
        assert selectors.cached_review_status(day).due_on == date(2026, 12, 1)
    ModelReviewFactory(model=model, held_on=date(2026, 11, 30), recorded_by=commissioner)  # a write: stale
    status = selectors.cached_review_status(day)
    assert (status.due_on, status.overdue) == (date(2027, 11, 30), False)
