"""Every reporting service names what it writes to caching.changed (tests/cache_bumps.py): the review packs'
writes, each called once with real data."""

from dataclasses import dataclass

import pytest
from django.utils import timezone

from knowsley_sv.models import User
from knowsley_sv.roles import Role
from reporting import services
from reporting.models import ReviewPack
from reporting.pack.period import Period

from ..cache_bumps import run_table_entry
from ..factories import UserFactory

pytestmark = pytest.mark.django_db


@dataclass
class World:
    board: User
    draft: ReviewPack
    approved: ReviewPack


@pytest.fixture
def world() -> World:
    board = UserFactory(username="board-member", roles=[Role.BOARD_MEMBER])
    year = Period.financial_year(timezone.localdate().year - 2)
    draft = services.pack_prepare(period=year, review=None, by=board)
    approved = services.pack_approve(
        pack=services.pack_prepare(period=year.previous(), review=None, by=board), by=board
    )
    return World(board, draft, approved)


SERVICES = {
    "reporting.services.pack_prepare": lambda w: services.pack_prepare(
        period=Period.financial_year(2024), review=None, by=w.board
    ),
    "reporting.services.pack_approve": lambda w: services.pack_approve(pack=w.draft, by=w.board),
    "reporting.services.pack_publish": lambda w: services.pack_publish(pack=w.approved, by=w.board),
    "reporting.services.pack_supersede": lambda w: services.pack_supersede(
        pack=w.approved, reason="A late delivery report", by=w.board
    ),
    "reporting.services.pack_link_review": lambda w: services.pack_link_review(
        pack=w.draft, review=None, by=w.board
    ),
}

READS_ONLY = {
    "reporting.services.period_of": lambda w: services.period_of(w.draft),
}


@pytest.mark.parametrize("service", [*SERVICES, *READS_ONLY])
def test_each_service_announces_what_it_writes(world, service):
    run_table_entry(service, world, services=SERVICES, reads_only=READS_ONLY)
