from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from consultation import services
from consultation.models import Allocation, Comment, Consultation, ContactRecord, Response, WardPopulation
from knowsley_sv.models import AuditEvent
from knowsley_sv.roles import Role
from outcomes.models import Outcome, SocialValueModel, Ward

from ..factories import UserFactory
from .helpers import SPLIT, answers, make_consultation

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()


@pytest.fixture
def board(db):
    return UserFactory(username="board", roles=[Role.BOARD_MEMBER])


def test_a_response_stores_six_allocations_and_comments_and_no_personal_data():
    consultation = make_consultation()
    ward = Ward.objects.first()
    response = services.response_submit(
        consultation=consultation,
        answers=answers(
            comments={1: "More jobs", 2: "  "}, missing="Buses", ward_id=ward.pk, consent_to_quote=True
        ),
        email="Resident@Example.org",
    )
    assert dict(response.allocations.values_list("outcome__number", "points")) == SPLIT
    assert sorted((c.outcome.number if c.outcome else 0, c.text) for c in response.comments.all()) == [
        (0, "Buses"),
        (1, "More jobs"),
    ]
    field_names = {f.name for f in Response._meta.get_fields()}
    assert not {"email", "ip", "ip_address", "name"} & field_names
    contact = ContactRecord.objects.get()
    assert contact.email == "resident@example.org"
    assert len(response.receipt_code) == 10


def test_online_answers_only_while_open():
    upcoming = make_consultation(slug="later", open_now=False)
    with pytest.raises(ValidationError, match="This consultation opens at"):
        services.response_submit(consultation=upcoming, answers=answers())
    closed = make_consultation(slug="done", closed=True)
    with pytest.raises(ValidationError, match="This consultation closed at"):
        services.response_submit(consultation=closed, answers=answers())


def test_officers_key_paper_answers_after_close_until_the_board_responds(board):
    closed = make_consultation(slug="done", closed=True)
    officer = UserFactory(username="officer", roles=[Role.COMMISSIONER])
    paper = services.response_submit(
        consultation=closed, answers=answers(), channel=Response.Channel.PAPER, entered_by=officer
    )
    assert (paper.channel, paper.entered_by) == ("paper", officer)
    assert AuditEvent.objects.filter(action="response.enter", actor=officer).exists()
    services.board_response_publish(consultation=closed, text="We heard you", by=board)
    closed.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        services.response_submit(
            consultation=closed, answers=answers(), channel=Response.Channel.PAPER, entered_by=officer
        )
    assert error.value.messages == [services.RESPONSE_PUBLISHED]


def test_bad_allocations_are_refused_on_the_fields_they_concern():
    consultation = make_consultation()
    with pytest.raises(ValidationError) as error:
        services.response_submit(consultation=consultation, answers=answers({1: 50, 2: 40}))
    assert error.value.message_dict == {
        "__all__": ["Your points must add up to 100. At the moment they add up to 90."]
    }
    with pytest.raises(ValidationError) as error:
        services.response_submit(consultation=consultation, answers=answers({1: 150, 2: -50}))
    assert set(error.value.message_dict) == {"points_1", "points_2"}
    assert not Response.objects.exists()


def test_the_same_answers_from_the_same_client_are_accepted_once():
    consultation = make_consultation()
    first = services.response_submit(consultation=consultation, answers=answers(), client="client-a")
    again = services.response_submit(consultation=consultation, answers=answers(), client="client-a")
    assert again.pk == first.pk
    assert Response.objects.count() == 1


def test_the_same_answers_later_in_the_day_are_kept_but_flagged():
    consultation = make_consultation()
    first = services.response_submit(consultation=consultation, answers=answers(), client="client-a")
    cache.delete(f"consultation:{consultation.pk}:once:client-a:{_fp()}")  # ten minutes later
    later = services.response_submit(consultation=consultation, answers=answers(), client="client-a")
    other = services.response_submit(consultation=consultation, answers=answers(), client="client-b")
    assert later.pk != first.pk
    assert (first.is_suspected_duplicate, later.is_suspected_duplicate, other.is_suspected_duplicate) == (
        False,
        True,
        False,
    )


def _fp():
    from consultation import rules

    return rules.answers_fingerprint(answers().as_dict())


def test_withdrawal_deletes_everything_while_open_and_is_refused_after():
    consultation = make_consultation()
    response = services.response_submit(consultation=consultation, answers=answers(comments={1: "x"}))
    services.response_withdraw(response=response)
    assert not Response.objects.exists() and not Allocation.objects.exists() and not Comment.objects.exists()
    closed = make_consultation(slug="done", closed=True)
    officer = UserFactory(username="officer", roles=[Role.COMMISSIONER])
    late = services.response_submit(
        consultation=closed, answers=answers(), channel=Response.Channel.PAPER, entered_by=officer
    )
    with pytest.raises(ValidationError) as error:
        services.response_withdraw(response=late)
    assert error.value.messages == [services.WITHDRAW_CLOSED]


def test_receipt_codes_are_found_whatever_the_case_and_spaces():
    consultation = make_consultation()
    response = services.response_submit(consultation=consultation, answers=answers())
    code = response.receipt_code
    spaced = f" {code[:5].lower()} {code[5:].lower()} "
    assert services.response_find(consultation=consultation, receipt_code=spaced) == response
    with pytest.raises(ValidationError) as error:
        services.response_find(consultation=consultation, receipt_code="NOPE")
    assert error.value.message_dict == {"receipt_code": [services.NO_SUCH_RECEIPT]}


def test_moderation_publishes_redacted_text_or_hides_with_a_reason(board):
    consultation = make_consultation()
    response = services.response_submit(
        consultation=consultation, answers=answers(comments={1: "John Smith wants jobs", 2: "Rude words"})
    )
    first, second = response.comments.order_by("outcome__number")
    services.comment_publish(comment=first, published_text="[name removed] wants jobs", by=board)
    services.comment_hide(comment=second, reason="Offensive", by=board)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.published_text, first.moderated_by) == (
        "published",
        "[name removed] wants jobs",
        board,
    )
    assert (second.status, second.hidden_reason, second.published_text) == ("hidden", "Offensive", "")
    assert set(AuditEvent.objects.values_list("action", flat=True)) >= {"comment.publish", "comment.hide"}


def test_the_board_responds_and_adopts_the_split_only_after_close(board):
    consultation = make_consultation()
    with pytest.raises(ValidationError, match="still open"):
        services.board_response_publish(consultation=consultation, text="x", by=board)
    with pytest.raises(ValidationError, match="still open"):
        services.split_adopt(consultation=consultation, split=SPLIT, by=board)
    Consultation.objects.filter(pk=consultation.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    consultation.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        services.split_adopt(consultation=consultation, split={1: 50, 2: 40}, by=board)
    assert error.value.messages == [services.NOTHING_TO_ADOPT]
    draft = services.split_adopt(consultation=consultation, split=SPLIT, by=board)
    assert draft.status == "draft" and draft.version == 2
    assert dict(Outcome.objects.filter(model=draft).values_list("number", "default_share")) == SPLIT
    consultation.refresh_from_db()
    assert (consultation.split_adopted_into, consultation.split_adopted_by) == (draft, board)
    assert consultation.adopted_split == {str(k): v for k, v in SPLIT.items()}
    with pytest.raises(ValidationError, match="already adopted into version 2"):
        services.split_adopt(consultation=consultation, split=SPLIT, by=board)
    assert SocialValueModel.objects.get(version=1).status == "adopted"


def test_ward_population_figures_are_cited_and_positive(board):
    figure = WardPopulation.objects.select_related("ward").first()
    services.ward_population_update(figure=figure, by=board, population=9800, year=2024, source="ONS")
    assert WardPopulation.objects.get(pk=figure.pk).population == 9800
    with pytest.raises(IntegrityError), transaction.atomic():
        WardPopulation.objects.filter(pk=figure.pk).update(source="")
    with pytest.raises(IntegrityError), transaction.atomic():
        WardPopulation.objects.filter(pk=figure.pk).update(population=0)


def test_database_constraints_hold_whatever_the_forms_do():
    consultation = make_consultation()
    response = services.response_submit(consultation=consultation, answers=answers(comments={1: "x"}))
    with pytest.raises(IntegrityError), transaction.atomic():
        Allocation.objects.filter(response=response).update(points=101)
    with pytest.raises(IntegrityError), transaction.atomic():
        Comment.objects.filter(response=response).update(status="published", published_text="")
    with pytest.raises(IntegrityError), transaction.atomic():
        Response.objects.create(consultation=consultation, channel="paper")
    with pytest.raises(IntegrityError), transaction.atomic():
        Consultation.objects.filter(pk=consultation.pk).update(closes_at=consultation.opens_at)


def test_sending_the_same_answers_again_after_withdrawing_is_a_fresh_response():
    consultation = make_consultation()
    first = services.response_submit(consultation=consultation, answers=answers(), client="client-a")
    services.response_withdraw(response=first)
    again = services.response_submit(consultation=consultation, answers=answers(), client="client-a")
    assert again.receipt_code != first.receipt_code
    assert not again.is_suspected_duplicate
    assert Response.objects.count() == 1
