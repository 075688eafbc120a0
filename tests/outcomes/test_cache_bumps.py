"""Every outcomes service names what it writes to caching.changed (tests/cache_bumps.py), each called once
with real data: the models some topic reads today (the harness), and every other model of the domain apps it
writes (the reporting app's topics will read them)."""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone

from consultation.models import Consultation
from knowsley_sv.models import User
from knowsley_sv.roles import Role
from outcomes import services
from outcomes.models import (
    BoardMembership,
    Indicator,
    ModelReview,
    Organisation,
    ReviewAction,
    SocialValueModel,
)

from ..cache_bumps import run_table_entry
from ..consultation.helpers import make_consultation
from ..factories import BoardMembershipFactory, UserFactory, complete_draft

pytestmark = pytest.mark.django_db


@dataclass
class World:
    board: User
    adopted: SocialValueModel  # version 1, as the migrations load it
    draft: SocialValueModel | None  # complete: six outcomes with an indicator each, adoptable
    indicator: Indicator | None  # of the draft
    consultation: Consultation  # closed, for the review to name
    membership: BoardMembership


# Starting a draft needs none open; every other write to the model needs one.
STARTS_THE_DRAFT = "outcomes.services.model_start_draft"


@pytest.fixture
def world(request) -> World:
    draft = None if request.node.callspec.params["service"] == STARTS_THE_DRAFT else complete_draft(version=2)
    return World(
        board=UserFactory(username="board-member", roles=[Role.BOARD_MEMBER]),
        adopted=SocialValueModel.objects.get(version=1),
        draft=draft,
        indicator=draft and Indicator.objects.filter(outcome__model=draft).order_by("code").first(),
        consultation=make_consultation(slug="reviewed", closed=True),
        membership=BoardMembershipFactory(),
    )


def _review(w: World) -> ModelReview:
    return services.review_record(
        model=w.adopted,
        held_on=timezone.localdate(),
        attendees=[w.board],
        evidence="Consultation results",
        findings="The model works",
        decisions="Keep it",
        result=ModelReview.Result.KEPT,
        by=w.board,
        consultations=[w.consultation],
    )


SERVICES = {
    STARTS_THE_DRAFT: lambda w: services.model_start_draft(by=w.board),
    "outcomes.services.model_update": lambda w: services.model_update(
        model=w.draft, by=w.board, title="Knowsley Social Value Model 2027"
    ),
    "outcomes.services.outcome_update": lambda w: services.outcome_update(
        outcome=w.draft.outcomes.get(number=1), by=w.board, title="Jobs for Knowsley people"
    ),
    "outcomes.services.indicator_create": lambda w: services.indicator_create(
        outcome=w.draft.outcomes.get(number=1),
        by=w.board,
        code="1.9",
        name="Apprentices",
        unit="people",
        evidence="Registers",
    ),
    "outcomes.services.indicator_update": lambda w: services.indicator_update(
        indicator=w.indicator, by=w.board, name="Local people employed"
    ),
    "outcomes.services.indicator_delete": lambda w: services.indicator_delete(
        indicator=w.indicator, by=w.board
    ),
    "outcomes.services.model_adopt": lambda w: services.model_adopt(
        model=w.draft, change_summary="Shares from the 2026 consultation", by=w.board
    ),
    "outcomes.services.review_record": _review,
    "outcomes.services.organisation_save": lambda w: services.organisation_save(
        organisation=Organisation(name="Halewood Kitchens", sector="private", size="micro"), by=w.board
    ),
    "outcomes.services.board_membership_add": lambda w: services.board_membership_add(
        membership=BoardMembership(
            person=w.board,
            organisation=w.membership.organisation,
            started_on=timezone.localdate() - timedelta(days=1),
        ),
        by=w.board,
    ),
    "outcomes.services.board_membership_end": lambda w: services.board_membership_end(
        membership=w.membership, ended_on=timezone.localdate(), by=w.board
    ),
    "outcomes.services.review_action_save": lambda w: services.review_action_save(
        action=ReviewAction(
            review=_review(w),
            action="Ask residents in Halewood again",
            owner=w.membership.organisation,
            due_on=timezone.localdate() + timedelta(days=90),
        ),
        by=w.board,
    ),
}

READS_ONLY = {
    "outcomes.services.model_adoption_problems": lambda w: services.model_adoption_problems(w.draft),
}


@pytest.mark.parametrize("service", [*SERVICES, *READS_ONLY])
def test_each_service_announces_what_it_writes(world, service):
    run_table_entry(service, world, services=SERVICES, reads_only=READS_ONLY)
