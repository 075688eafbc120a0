"""Every consultation service names what it writes to caching.changed (tests/cache_bumps.py): each is called
once with real data, and the harness sees every table it writes in the SQL.

Beyond the harness (which asks only for the models some topic reads today), every model of the domain apps a
service writes must be named: the reporting app's topics will read more of them."""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone

from consultation import retention, services
from consultation.models import Comment, Consultation, Response, WardPopulation
from knowsley_sv.models import User
from knowsley_sv.roles import Role
from outcomes import services as outcome_services

from ..cache_bumps import run_table_entry
from ..factories import UserFactory, complete_draft
from .helpers import SPLIT, answers, make_consultation

pytestmark = pytest.mark.django_db


@dataclass
class World:
    board: User
    open: Consultation  # open now: a resident's response with a comment and an email address
    closed: Consultation  # closed and answered by the board: a paper response, its comment published
    response: Response  # the resident's, on the open consultation
    published: Comment  # on the closed consultation
    figure: WardPopulation


@pytest.fixture
def world() -> World:
    board = UserFactory(username="board-member", roles=[Role.BOARD_MEMBER])
    open_, closed = make_consultation(slug="open"), make_consultation(slug="closed", closed=True)
    quoted = answers(comments={1: "More buses to Kirkby"}, consent_to_quote=True)
    response = services.response_submit(consultation=open_, answers=quoted, email="resident@example.org")
    paper = services.response_submit(
        consultation=closed,
        answers=quoted,
        channel=Response.Channel.PAPER,
        entered_by=board,
        submitted_at=closed.opens_at + timedelta(hours=1),
        email="paper@example.org",
    )
    published = services.comment_publish(comment=paper.comments.get(), published_text="More buses", by=board)
    services.board_response_publish(consultation=closed, text="We heard you.", by=board)
    # A successor adopted: the model both consultations asked about is superseded (their comments' end).
    outcome_services.model_adopt(model=complete_draft(version=2), change_summary="Reviewed", by=board)
    figure = WardPopulation.objects.order_by("pk").first()
    return World(board, open_, closed, response, published, figure)


def later() -> dict:
    """A retention job's arguments: every record is past its date."""
    return {"cutoff": timezone.now() + timedelta(days=1), "now": timezone.now(), "dry_run": False}


def _saved(w: World) -> Consultation:
    w.open.title = "Our priorities for 2027"
    return services.consultation_save(consultation=w.open, by=w.board)


SERVICES = {
    "consultation.services.response_submit": lambda w: services.response_submit(
        consultation=w.open, answers=answers(comments={2: "A youth club"}), email="another@example.org"
    ),
    "consultation.services.contact_add": lambda w: services.contact_add(
        consultation=w.open, email="contact@example.org"
    ),
    "consultation.services.contacts_erase": lambda w: services.contacts_erase(
        consultation=w.open, ids=None, by=w.board
    ),
    "consultation.services.response_withdraw": lambda w: services.response_withdraw(response=w.response),
    "consultation.services.consultation_save": _saved,
    "consultation.services.comment_publish": lambda w: services.comment_publish(
        comment=w.response.comments.get(), published_text="More buses", by=w.board
    ),
    "consultation.services.comment_hide": lambda w: services.comment_hide(
        comment=w.published, reason="Off topic", by=w.board
    ),
    "consultation.services.board_response_publish": lambda w: services.board_response_publish(
        consultation=w.closed, text="We heard you, and changed the split.", by=w.board
    ),
    "consultation.services.split_adopt": lambda w: services.split_adopt(
        consultation=w.closed, split=SPLIT, by=w.board
    ),
    "consultation.services.ward_population_update": lambda w: services.ward_population_update(
        figure=w.figure, by=w.board, population=12_000, year=2023, source="ONS", illustrative=False
    ),
    "consultation.retention.contacts_after_response": lambda w: retention.contacts_after_response(**later()),
    "consultation.retention.contacts_at_the_latest": lambda w: retention.contacts_at_the_latest(**later()),
    "consultation.retention.comments_after_model": lambda w: retention.comments_after_model(**later()),
}

READS_ONLY = {
    "consultation.services.check_accepting": lambda w: services.check_accepting(w.open, channel="online"),
    "consultation.services.response_find": lambda w: services.response_find(
        consultation=w.open, receipt_code=w.response.receipt_code
    ),
}


@pytest.mark.parametrize("service", [*SERVICES, *READS_ONLY])
def test_each_service_announces_what_it_writes(world, service):
    run_table_entry(service, world, services=SERVICES, reads_only=READS_ONLY)
