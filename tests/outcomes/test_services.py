"""Versioning, cloning, adoption and reviews through the services, with their audit rows."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from knowsley_sv.models import AuditEvent
from knowsley_sv.roles import Role
from outcomes import rules, selectors, services
from outcomes.models import Indicator, ModelReview, SocialValueModel

from ..factories import UserFactory, complete_draft

pytestmark = pytest.mark.django_db


@pytest.fixture
def board(db):
    return UserFactory(username="board", roles=[Role.BOARD_MEMBER])


def test_starting_a_draft_clones_the_adopted_version(adopted_model, board):
    draft = services.model_start_draft(by=board)
    assert (draft.version, draft.status, draft.based_on) == (2, "draft", adopted_model)
    assert draft.statement == adopted_model.statement
    assert selectors.model_snapshot(
        selectors.model_version(version=2, user=board)
    ) == selectors.model_snapshot(selectors.model_version(version=1, user=board))
    assert Indicator.objects.filter(outcome__model=draft).count() == 24
    assert AuditEvent.objects.filter(action="model.draft_start", target_id=str(draft.pk)).exists()


def test_a_second_draft_is_refused_while_one_is_open(adopted_model, board):
    services.model_start_draft(by=board)
    with pytest.raises(ValidationError) as error:
        services.model_start_draft(by=board)
    assert error.value.messages == [services.DRAFT_EXISTS.format(version=2)]


def test_editing_the_draft_leaves_the_adopted_version_alone(adopted_model, board):
    draft = services.model_start_draft(by=board)
    services.model_update(model=draft, by=board, statement="A new statement")
    outcome = draft.outcomes.get(number=1)
    services.outcome_update(outcome=outcome, by=board, title="Better jobs")
    indicator = Indicator.objects.get(outcome=outcome, code="1.1")
    services.indicator_update(indicator=indicator, by=board, unit="jobs")
    adopted_model.refresh_from_db()
    assert adopted_model.statement != "A new statement"
    assert adopted_model.outcomes.get(number=1).title.startswith("An increase in community resilience")
    assert (
        Indicator.objects.get(outcome__model=adopted_model, code="1.1").unit == "full-time equivalent years"
    )
    update = AuditEvent.objects.get(action="indicator.update")
    assert (update.before["unit"], update.after["unit"]) == ("full-time equivalent years", "jobs")


@pytest.mark.parametrize("status", ["adopted", "superseded"])
def test_adopted_and_superseded_versions_cannot_be_changed(adopted_model, board, status):
    if status == "superseded":
        draft = services.model_start_draft(by=board)
        services.model_adopt(model=draft, change_summary="Next", by=board)
        adopted_model.refresh_from_db()
    assert adopted_model.status == status
    expected = services.NOT_A_DRAFT.format(version=1, status=status)
    outcome = adopted_model.outcomes.get(number=1)
    indicator = outcome.indicators.first()
    attempts = [
        lambda: services.model_update(model=adopted_model, by=board, statement="x"),
        lambda: services.outcome_update(outcome=outcome, by=board, title="x"),
        lambda: services.indicator_create(
            outcome=outcome, by=board, code="9.9", name="x", unit="x", evidence="x"
        ),
        lambda: services.indicator_update(indicator=indicator, by=board, name="x"),
        lambda: services.indicator_delete(indicator=indicator, by=board),
        lambda: services.model_adopt(model=adopted_model, change_summary="x", by=board),
    ]
    for attempt in attempts:
        with pytest.raises(ValidationError) as error:
            attempt()
        assert error.value.messages == [expected]
    assert Indicator.objects.filter(pk=indicator.pk, name=indicator.name).exists()


def test_adopting_supersedes_the_old_version_with_a_date(adopted_model, board):
    draft = services.model_start_draft(by=board)
    services.model_adopt(model=draft, change_summary="Clearer statement", by=board)
    adopted_model.refresh_from_db()
    draft.refresh_from_db()
    assert adopted_model.status == "superseded" and adopted_model.superseded_at is not None
    assert (
        draft.status == "adopted"
        and draft.adopted_by == board
        and draft.change_summary == "Clearer statement"
    )
    assert SocialValueModel.objects.adopted().get() == draft
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"model.adopt", "model.supersede"} <= actions


def test_a_draft_with_an_outcome_without_indicators_cannot_be_adopted(adopted_model, board):
    draft = services.model_start_draft(by=board)
    Indicator.objects.filter(outcome__model=draft, outcome__number=4).delete()
    with pytest.raises(ValidationError) as error:
        services.model_adopt(model=draft, change_summary="x", by=board)
    assert error.value.messages == [rules.OUTCOME_HAS_NO_INDICATOR.format(number=4)]
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_a_draft_whose_shares_do_not_total_100_cannot_be_adopted(db, board):
    draft = complete_draft(shares=(20, 20, 20, 20, 10, 5))
    with pytest.raises(ValidationError) as error:
        services.model_adopt(model=draft, change_summary="x", by=board)
    assert error.value.messages == [rules.SPLIT_MUST_TOTAL_100.format(total=95)]


def test_indicator_validation_runs_in_the_service(adopted_model, board):
    draft = services.model_start_draft(by=board)
    outcome = draft.outcomes.get(number=6)
    with pytest.raises(ValidationError):
        services.indicator_create(
            outcome=outcome, by=board, code="6.9", name="x", unit="x", evidence="x", proxy_value=Decimal("-5")
        )
    created = services.indicator_create(
        outcome=outcome, by=board, code="6.9", name="Trees", unit="trees", evidence="x"
    )
    assert created.outcome.model == draft


def test_review_due_date_follows_adoption_then_reviews(adopted_model, board):
    adopted_on = timezone.localdate()
    assert selectors.review_status().due_on == rules.one_year_after(adopted_on)
    held = adopted_on + timedelta(days=30)
    services.review_record(
        model=adopted_model,
        held_on=held,
        attendees=[board],
        evidence="e",
        findings="f",
        decisions="d",
        result=ModelReview.Result.KEPT,
        by=board,
    )
    status = selectors.review_status()
    assert status.due_on == rules.one_year_after(held)
    assert not status.overdue
    assert selectors.review_status(today=rules.one_year_after(held) + timedelta(days=1)).overdue


def test_review_is_overdue_13_months_after_adoption(adopted_model):
    adopted_model.adopted_at = timezone.now() - timedelta(days=400)
    adopted_model.save()
    assert selectors.review_status().overdue


def test_a_review_that_starts_a_new_draft_starts_it(adopted_model, board):
    review = services.review_record(
        model=adopted_model,
        held_on=date.today(),
        attendees=[board],
        evidence="e",
        findings="f",
        decisions="d",
        result=ModelReview.Result.NEW_DRAFT,
        by=board,
    )
    assert list(review.attendees.all()) == [board]
    assert SocialValueModel.objects.get(status="draft").based_on == adopted_model


def test_clone_copies_proxies_with_their_citations(adopted_model, board):
    draft = services.model_start_draft(by=board)
    carbon = Indicator.objects.get(outcome__model=draft, code="6.3")
    assert (carbon.proxy_value, carbon.proxy_year, carbon.proxy_licence) == (
        Decimal("245.00"),
        2021,
        "Open Government Licence v3.0",
    )


def test_deleting_an_indicator_is_recorded_with_what_it_was(adopted_model, board):
    draft = services.model_start_draft(by=board)
    target = Indicator.objects.get(outcome__model=draft, code="2.4")
    services.indicator_delete(indicator=target, by=board)
    event = AuditEvent.objects.get(action="indicator.delete")
    assert event.before["name"] == "Households helped to cut energy costs"
    assert not Indicator.objects.filter(outcome__model=draft, code="2.4").exists()
