"""consultation.services: writes, their refusals, the accept-once cache and the database constraints."""

import itertools
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from consultation import services
from consultation.models import (
    Allocation,
    Comment,
    Consultation,
    ContactRecord,
    Response,
    WardPopulation,
)
from consultation.rules import AT_MOST_100, ENTER_WHOLE_NUMBER, MUST_TOTAL_100, NOT_NEGATIVE
from consultation.services import Answers
from knowsley_sv import formatting
from knowsley_sv.models import AuditEvent
from knowsley_sv.roles import Role
from outcomes.models import Outcome, SocialValueModel, Ward
from outcomes.services import model_start_draft

from ..factories import UserFactory

pytestmark = pytest.mark.django_db

SPLIT = {1: 30, 2: 20, 3: 15, 4: 10, 5: 10, 6: 15}
CLIENT = "client-key-a"
_slugs = itertools.count(1)


# --- Builders -----------------------------------------------------------------------------------------------
def make_consultation(opens_at, closes_at, **fields) -> Consultation:
    return Consultation.objects.create(
        title=fields.pop("title", "What matters most to you"),
        slug=fields.pop("slug", f"services-{next(_slugs)}"),
        summary="What is proposed, and why.",
        how_answers_are_used="The board sets the default split from the answers.",
        model=SocialValueModel.objects.get(version=1),
        opens_at=opens_at,
        closes_at=closes_at,
        created_by=UserFactory(username="consultation-creator", roles=[Role.BOARD_MEMBER]),
        **fields,
    )


def answers(points=None, **fields) -> Answers:
    return Answers(points=dict(SPLIT if points is None else points), **fields)


def stored_response(consultation, points=None, *, comments=None, missing="", consent=True) -> Response:
    """A response written straight to the database (for tests of moderation and withdrawal)."""
    response = Response.objects.create(consultation=consultation, consent_to_quote=consent)
    outcomes = {o.number: o for o in consultation.model.outcomes.all()}
    Allocation.objects.bulk_create(
        Allocation(response=response, outcome=outcomes[n], points=p) for n, p in (points or SPLIT).items()
    )
    for number, text in (comments or {}).items():
        Comment.objects.create(response=response, outcome=outcomes[number], text=text)
    if missing:
        Comment.objects.create(response=response, outcome=None, text=missing)
    return response


@pytest.fixture
def now():
    return timezone.now()


@pytest.fixture
def open_consultation(now):
    return make_consultation(now - timedelta(days=1), now + timedelta(days=20), slug="open-one")


@pytest.fixture
def closed_consultation(now):
    return make_consultation(now - timedelta(days=40), now - timedelta(days=2), slug="closed-one")


@pytest.fixture
def upcoming_consultation(now):
    return make_consultation(now + timedelta(days=3), now + timedelta(days=30), slug="upcoming-one")


@pytest.fixture
def board():
    return UserFactory(username="board-services", roles=[Role.BOARD_MEMBER])


@pytest.fixture
def commissioner():
    return UserFactory(username="commissioner-services", roles=[Role.COMMISSIONER])


def messages_of(excinfo) -> dict:
    return excinfo.value.message_dict


# --- response_submit ----------------------------------------------------------------------------------------
def test_submit_stores_six_allocations_and_the_comments(open_consultation):
    ward = Ward.objects.order_by("name").first()
    response = services.response_submit(
        consultation=open_consultation,
        answers=answers(
            comments={1: "  More apprenticeships  ", 2: "", 3: "   "},
            missing="Green spaces",
            ward_id=ward.pk,
            age_band=Response.AgeBand.AGE_35_49,
            lives_in_borough=True,
            volunteers_in_borough=True,
            consent_to_quote=True,
        ),
        client=CLIENT,
    )
    response.refresh_from_db()
    assert response.channel == Response.Channel.ONLINE
    assert response.entered_by is None
    assert response.ward == ward
    assert response.age_band == "35_49"
    assert (response.lives_in_borough, response.works_in_borough) == (True, False)
    assert (response.runs_business_in_borough, response.volunteers_in_borough) == (False, True)
    assert response.consent_to_quote is True
    assert response.is_suspected_duplicate is False
    assert len(response.receipt_code) == 10
    assert dict(response.allocations.values_list("outcome__number", "points")) == SPLIT
    assert response.allocations.count() == 6
    comments = {
        c.outcome.number if c.outcome else None: c for c in response.comments.select_related("outcome")
    }
    assert set(comments) == {1, None}
    assert comments[1].text == "More apprenticeships"
    assert comments[None].text == "Green spaces"
    assert all(c.status == Comment.Status.PENDING for c in comments.values())


def test_blank_outcomes_are_stored_as_zero_points(open_consultation):
    response = services.response_submit(consultation=open_consultation, answers=answers({1: 60, 4: 40}))
    assert dict(response.allocations.values_list("outcome__number", "points")) == {
        1: 60,
        2: 0,
        3: 0,
        4: 40,
        5: 0,
        6: 0,
    }


def test_a_response_holds_no_personal_data():
    names = {f.name for f in Response._meta.get_fields()}
    for personal in (
        "email",
        "ip",
        "ip_address",
        "remote_addr",
        "user_agent",
        "name",
        "client",
        "client_key",
    ):
        assert personal not in names
    assert not any("email" in name or "address" in name for name in names)


def test_an_email_goes_into_a_separate_contact_record(open_consultation):
    response = services.response_submit(
        consultation=open_consultation, answers=answers(), email=" Resident@Example.org "
    )
    contact = ContactRecord.objects.get()
    assert contact.consultation == open_consultation
    assert contact.email == "resident@example.org"
    # nothing ties the two together
    assert not any(f.related_model is ContactRecord for f in Response._meta.get_fields())
    assert response.receipt_code not in contact.email


def test_no_email_no_contact_record(open_consultation):
    services.response_submit(consultation=open_consultation, answers=answers())
    assert not ContactRecord.objects.exists()


def test_submit_refuses_before_opening(upcoming_consultation):
    with pytest.raises(ValidationError) as excinfo:
        services.response_submit(consultation=upcoming_consultation, answers=answers())
    expected = services.NOT_OPEN_YET.format(opens=formatting.moment(upcoming_consultation.opens_at))
    assert excinfo.value.messages == [expected]
    assert excinfo.value.code == "not_open"
    assert not Response.objects.exists()


def test_paper_entry_also_refuses_before_opening(upcoming_consultation, commissioner):
    with pytest.raises(ValidationError, match="This consultation opens at"):
        services.response_submit(
            consultation=upcoming_consultation,
            answers=answers(),
            channel=Response.Channel.PAPER,
            entered_by=commissioner,
        )


def test_online_submit_refuses_after_closing(closed_consultation):
    with pytest.raises(ValidationError) as excinfo:
        services.response_submit(consultation=closed_consultation, answers=answers())
    expected = services.CLOSED.format(closes=formatting.moment(closed_consultation.closes_at))
    assert excinfo.value.messages == [expected]
    assert excinfo.value.code == "closed"
    assert not Response.objects.exists()


@pytest.mark.parametrize("channel", [Response.Channel.PAPER, Response.Channel.EVENT])
def test_paper_and_event_entry_is_accepted_after_close(closed_consultation, commissioner, channel):
    received = closed_consultation.closes_at - timedelta(days=3)
    response = services.response_submit(
        consultation=closed_consultation,
        answers=answers(),
        channel=channel,
        entered_by=commissioner,
        submitted_at=received,
    )
    response.refresh_from_db()
    assert response.channel == channel
    assert response.entered_by == commissioner
    assert response.submitted_at == received
    event = AuditEvent.objects.get(action="response.enter")
    assert event.actor == commissioner
    assert event.target_id == str(response.pk)


def test_paper_entry_stops_once_the_board_has_responded(closed_consultation, commissioner, board):
    services.board_response_publish(consultation=closed_consultation, text="We heard you.", by=board)
    closed_consultation.refresh_from_db()
    with pytest.raises(ValidationError) as excinfo:
        services.response_submit(
            consultation=closed_consultation,
            answers=answers(),
            channel=Response.Channel.PAPER,
            entered_by=commissioner,
        )
    assert excinfo.value.messages == [services.RESPONSE_PUBLISHED]
    assert not Response.objects.exists()


@pytest.mark.parametrize(
    ("points", "expected"),
    [
        ({1: "12.5", 2: 88}, {"points_1": [ENTER_WHOLE_NUMBER.format(number=1)]}),
        ({1: "ten", 2: 90}, {"points_1": [ENTER_WHOLE_NUMBER.format(number=1)]}),
        (
            {1: 103, 2: -3},
            {"points_1": [AT_MOST_100.format(number=1)], "points_2": [NOT_NEGATIVE.format(number=2)]},
        ),
        ({3: 150}, {"points_3": [AT_MOST_100.format(number=3)]}),
        (
            {1: 150, 2: -50},
            {"points_1": [AT_MOST_100.format(number=1)], "points_2": [NOT_NEGATIVE.format(number=2)]},
        ),
        ({1: 50, 2: 40}, {"__all__": [MUST_TOTAL_100.format(total=90)]}),
        ({}, {"__all__": [MUST_TOTAL_100.format(total=0)]}),
    ],
)
def test_bad_allocations_are_refused_by_field(open_consultation, points, expected):
    with pytest.raises(ValidationError) as excinfo:
        services.response_submit(consultation=open_consultation, answers=answers(points))
    assert messages_of(excinfo) == expected
    assert not Response.objects.exists()
    assert not Allocation.objects.exists()


def test_an_outcome_outside_the_model_is_refused(open_consultation):
    with pytest.raises(ValidationError, match="not part of this consultation"):
        services.response_submit(consultation=open_consultation, answers=answers({**SPLIT, 7: 0}))


def test_an_unknown_ward_is_refused(open_consultation):
    with pytest.raises(ValidationError) as excinfo:
        services.response_submit(consultation=open_consultation, answers=answers(ward_id=999_999))
    assert "ward" in messages_of(excinfo)
    assert not Response.objects.exists()


# --- Accept once, then flag ---------------------------------------------------------------------------------
def test_the_same_answers_from_the_same_client_are_accepted_once(open_consultation):
    first = services.response_submit(consultation=open_consultation, answers=answers(), client=CLIENT)
    second = services.response_submit(consultation=open_consultation, answers=answers(), client=CLIENT)
    assert second.pk == first.pk
    assert second.receipt_code == first.receipt_code
    assert Response.objects.count() == 1
    assert Allocation.objects.count() == 6
    assert first.is_suspected_duplicate is False


def test_the_same_answers_later_are_stored_but_flagged(open_consultation):
    first = services.response_submit(consultation=open_consultation, answers=answers(), client=CLIENT)
    # the accept-once window has passed (its key expires after ACCEPT_ONCE_SECONDS); the day-long key remains
    once_keys = [k for k in _cache_keys() if ":once:" in k]
    assert len(once_keys) == 1
    cache.delete(once_keys[0])
    second = services.response_submit(consultation=open_consultation, answers=answers(), client=CLIENT)
    assert second.pk != first.pk
    assert second.receipt_code != first.receipt_code
    assert second.is_suspected_duplicate is True
    first.refresh_from_db()
    assert first.is_suspected_duplicate is False
    assert Response.objects.count() == 2


def _cache_keys() -> list[str]:
    """The keys in the LocMem test cache, as services named them (without Django's key prefix)."""
    return [key.split(":", 2)[2] for key in cache._cache]


def test_the_accept_once_key_is_the_one_services_name(open_consultation):
    from consultation import rules

    services.response_submit(consultation=open_consultation, answers=answers(), client=CLIENT)
    fingerprint = rules.answers_fingerprint(answers().as_dict())
    once_key = f"consultation:{open_consultation.pk}:once:{CLIENT}:{fingerprint}"
    assert cache.get(once_key)
    cache.delete(once_key)
    again = services.response_submit(consultation=open_consultation, answers=answers(), client=CLIENT)
    assert again.is_suspected_duplicate is True


def test_the_same_answers_from_another_client_are_not_flagged(open_consultation):
    first = services.response_submit(consultation=open_consultation, answers=answers(), client=CLIENT)
    second = services.response_submit(
        consultation=open_consultation, answers=answers(), client="client-key-b"
    )
    assert second.pk != first.pk
    assert second.is_suspected_duplicate is False
    assert Response.objects.count() == 2


def test_different_answers_from_the_same_client_are_not_flagged(open_consultation):
    first = services.response_submit(consultation=open_consultation, answers=answers(), client=CLIENT)
    second = services.response_submit(
        consultation=open_consultation, answers=answers({1: 100}), client=CLIENT
    )
    assert second.pk != first.pk
    assert second.is_suspected_duplicate is False


def test_sending_the_same_answers_again_after_withdrawing_is_a_fresh_response(open_consultation):
    first = services.response_submit(consultation=open_consultation, answers=answers(), client=CLIENT)
    services.response_withdraw(response=first)
    again = services.response_submit(consultation=open_consultation, answers=answers(), client=CLIENT)
    assert again.receipt_code != first.receipt_code
    assert not again.is_suspected_duplicate
    assert Response.objects.count() == 1


def test_without_a_client_key_nothing_is_deduplicated(open_consultation):
    first = services.response_submit(consultation=open_consultation, answers=answers())
    second = services.response_submit(consultation=open_consultation, answers=answers())
    assert first.pk != second.pk
    assert not second.is_suspected_duplicate


def test_a_refused_submission_leaves_no_accept_once_key(open_consultation):
    with pytest.raises(ValidationError):
        services.response_submit(consultation=open_consultation, answers=answers({1: 90}), client=CLIENT)
    assert [key for key in _cache_keys() if ":once:" in key or ":seen:" in key] == []
    response = services.response_submit(consultation=open_consultation, answers=answers(), client=CLIENT)
    assert not response.is_suspected_duplicate


def test_the_client_key_is_never_stored(open_consultation):
    response = services.response_submit(consultation=open_consultation, answers=answers(), client=CLIENT)
    values = Response.objects.filter(pk=response.pk).values().get()
    assert CLIENT not in {str(v) for v in values.values()}


# --- Receipt codes and withdrawal ---------------------------------------------------------------------------
def test_response_find_normalises_case_spaces_and_dashes(open_consultation):
    response = services.response_submit(consultation=open_consultation, answers=answers())
    code = response.receipt_code
    for typed in (
        code,
        code.lower(),
        f"  {code[:5].lower()} {code[5:]}  ",
        f" {code[:5].lower()} {code[5:].lower()} ",
        f"{code[:5]}-{code[5:]}",
    ):
        assert services.response_find(consultation=open_consultation, receipt_code=typed) == response


@pytest.mark.parametrize("code", ["ABCDEFGHJK", "NOPE"])
def test_response_find_refuses_an_unknown_code(open_consultation, code):
    with pytest.raises(ValidationError) as excinfo:
        services.response_find(consultation=open_consultation, receipt_code=code)
    assert messages_of(excinfo) == {"receipt_code": [services.NO_SUCH_RECEIPT]}


def test_response_find_does_not_find_another_consultations_response(open_consultation, now):
    other = make_consultation(now - timedelta(days=1), now + timedelta(days=5), slug="other")
    response = services.response_submit(consultation=other, answers=answers())
    with pytest.raises(ValidationError, match="could not find"):
        services.response_find(consultation=open_consultation, receipt_code=response.receipt_code)


def test_withdraw_deletes_the_response_its_allocations_and_comments(open_consultation):
    kept = stored_response(open_consultation, comments={2: "Keep me"})
    response = services.response_submit(
        consultation=open_consultation,
        answers=answers(comments={1: "Parks"}, missing="Buses"),
    )
    assert Comment.objects.filter(response=response).count() == 2
    services.response_withdraw(response=response)
    assert not Response.objects.filter(pk=response.pk).exists()
    assert not Allocation.objects.filter(response_id=response.pk).exists()
    assert not Comment.objects.filter(response_id=response.pk).exists()
    assert list(Response.objects.all()) == [kept]
    assert Allocation.objects.count() == 6
    assert Comment.objects.count() == 1


def test_withdraw_is_refused_after_close(now):
    consultation = make_consultation(now - timedelta(days=10), now + timedelta(days=10))
    response = services.response_submit(consultation=consultation, answers=answers())
    Consultation.objects.filter(pk=consultation.pk).update(closes_at=now - timedelta(minutes=1))
    response = Response.objects.select_related("consultation").get(pk=response.pk)
    with pytest.raises(ValidationError) as excinfo:
        services.response_withdraw(response=response)
    assert excinfo.value.messages == [services.WITHDRAW_CLOSED]
    assert Response.objects.filter(pk=response.pk).exists()
    assert Allocation.objects.filter(response=response).count() == 6


def test_withdraw_of_a_paper_response_entered_after_close_is_refused(closed_consultation, commissioner):
    late = services.response_submit(
        consultation=closed_consultation,
        answers=answers(),
        channel=Response.Channel.PAPER,
        entered_by=commissioner,
    )
    with pytest.raises(ValidationError) as excinfo:
        services.response_withdraw(response=late)
    assert excinfo.value.messages == [services.WITHDRAW_CLOSED]
    assert Response.objects.filter(pk=late.pk).exists()


# --- Moderation ---------------------------------------------------------------------------------------------
def test_comment_publish_records_the_redacted_text_and_who(open_consultation, board):
    response = stored_response(open_consultation, comments={1: "Ask Jane Smith at 12 Acacia Road"})
    comment = response.comments.get()
    services.comment_publish(comment=comment, published_text="  Ask [name] at [address]  ", by=board)
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PUBLISHED
    assert comment.published_text == "Ask [name] at [address]"
    assert comment.text == "Ask Jane Smith at 12 Acacia Road"  # stored as typed
    assert comment.moderated_by == board
    assert comment.moderated_at is not None
    assert comment.hidden_reason == ""
    event = AuditEvent.objects.get(action="comment.publish")
    assert event.actor == board
    assert event.target_id == str(comment.pk)
    assert event.before == {"status": "pending"}
    assert event.after == {"redacted": True}


def test_comment_publish_unchanged_is_not_recorded_as_redacted(open_consultation, board):
    comment = stored_response(open_consultation, comments={1: "More parks"}).comments.get()
    services.comment_publish(comment=comment, published_text="More parks", by=board)
    assert AuditEvent.objects.get(action="comment.publish").after == {"redacted": False}


def test_comment_publish_needs_text(open_consultation, board):
    comment = stored_response(open_consultation, comments={1: "More parks"}).comments.get()
    with pytest.raises(ValidationError):
        services.comment_publish(comment=comment, published_text="   ", by=board)
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING
    assert not AuditEvent.objects.filter(action="comment.publish").exists()


@pytest.mark.parametrize("was", [Comment.Status.PUBLISHED, Comment.Status.PENDING])
def test_comment_hide_records_the_reason_and_who(open_consultation, board, was):
    comment = stored_response(open_consultation, comments={3: "Names a neighbour"}).comments.get()
    if was == Comment.Status.PUBLISHED:
        services.comment_publish(comment=comment, published_text="Names a [neighbour]", by=board)
    services.comment_hide(comment=comment, reason="  Identifies a person  ", by=board)
    comment.refresh_from_db()
    assert comment.status == Comment.Status.HIDDEN
    assert comment.hidden_reason == "Identifies a person"
    assert comment.published_text == ""
    assert comment.moderated_by == board
    event = AuditEvent.objects.get(action="comment.hide")
    assert event.actor == board
    assert event.target_id == str(comment.pk)
    assert event.before == {"status": was}


def test_comment_hide_needs_a_reason(open_consultation, board):
    comment = stored_response(open_consultation, comments={3: "Text"}).comments.get()
    with pytest.raises(ValidationError):
        services.comment_hide(comment=comment, reason=" ", by=board)
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING
    assert not AuditEvent.objects.filter(action="comment.hide").exists()


# --- The board's response and the split ---------------------------------------------------------------------
def test_board_response_publish_refuses_while_open(open_consultation, board):
    with pytest.raises(ValidationError) as excinfo:
        services.board_response_publish(consultation=open_consultation, text="Too soon", by=board)
    expected = services.NOT_CLOSED_YET.format(closes=formatting.moment(open_consultation.closes_at))
    assert excinfo.value.messages == [expected]
    open_consultation.refresh_from_db()
    assert open_consultation.board_response_published_at is None


def test_board_response_publish_after_close(closed_consultation, board):
    result = services.board_response_publish(
        consultation=closed_consultation, text="  We heard you.  ", by=board
    )
    closed_consultation.refresh_from_db()
    assert closed_consultation.board_response == "We heard you."
    assert closed_consultation.board_response_published_at is not None
    assert result.pk == closed_consultation.pk
    assert AuditEvent.objects.get(action="consultation.respond").actor == board


def test_split_adopt_starts_a_draft_and_records_the_adoption(closed_consultation, board):
    assert not SocialValueModel.objects.filter(status=SocialValueModel.Status.DRAFT).exists()
    adopted = SocialValueModel.objects.get(version=1)
    adopted_shares = dict(adopted.outcomes.values_list("number", "default_share"))
    split = {1: 25, 2: 20, 3: 20, 4: 15, 5: 10, 6: 10}
    draft = services.split_adopt(consultation=closed_consultation, split=split, by=board)
    assert draft.status == SocialValueModel.Status.DRAFT
    assert draft.version == 2
    assert dict(Outcome.objects.filter(model=draft).values_list("number", "default_share")) == split
    # the adopted version itself is untouched
    assert dict(adopted.outcomes.values_list("number", "default_share")) == adopted_shares
    closed_consultation.refresh_from_db()
    assert closed_consultation.split_adopted_into == draft
    assert closed_consultation.split_adopted_by == board
    assert closed_consultation.split_adopted_at is not None
    assert closed_consultation.adopted_split == {str(k): v for k, v in split.items()}
    assert AuditEvent.objects.filter(action="consultation.adopt_split").count() == 1
    assert SocialValueModel.objects.get(version=1).status == SocialValueModel.Status.ADOPTED


def test_split_adopt_uses_an_existing_draft(closed_consultation, board):
    existing = model_start_draft(by=board)
    split = {1: 10, 2: 10, 3: 20, 4: 20, 5: 20, 6: 20}
    draft = services.split_adopt(consultation=closed_consultation, split=split, by=board)
    assert draft.pk == existing.pk
    assert SocialValueModel.objects.filter(status=SocialValueModel.Status.DRAFT).count() == 1
    assert dict(Outcome.objects.filter(model=draft).values_list("number", "default_share")) == split


def test_split_adopt_refuses_a_second_time(closed_consultation, board):
    draft = services.split_adopt(consultation=closed_consultation, split=SPLIT, by=board)
    closed_consultation.refresh_from_db()
    with pytest.raises(ValidationError) as excinfo:
        services.split_adopt(consultation=closed_consultation, split={1: 100}, by=board)
    expected = services.SPLIT_ALREADY_ADOPTED.format(
        version=draft.version, on=timezone.localtime(closed_consultation.split_adopted_at)
    )
    assert excinfo.value.messages == [expected]
    assert dict(Outcome.objects.filter(model=draft).values_list("number", "default_share")) == SPLIT


@pytest.mark.parametrize("split", [{}, {1: 50, 2: 40}, {1: 60, 2: 60}])
def test_split_adopt_refuses_a_split_not_totalling_100(closed_consultation, board, split):
    with pytest.raises(ValidationError) as excinfo:
        services.split_adopt(consultation=closed_consultation, split=split, by=board)
    assert excinfo.value.messages == [services.NOTHING_TO_ADOPT]
    assert not SocialValueModel.objects.filter(status=SocialValueModel.Status.DRAFT).exists()
    closed_consultation.refresh_from_db()
    assert closed_consultation.split_adopted_at is None


def test_split_adopt_refuses_while_open(open_consultation, board):
    with pytest.raises(ValidationError, match="still open"):
        services.split_adopt(consultation=open_consultation, split=SPLIT, by=board)
    assert not SocialValueModel.objects.filter(status=SocialValueModel.Status.DRAFT).exists()


# --- Ward populations and contacts --------------------------------------------------------------------------
def test_ward_population_update(board):
    figure = WardPopulation.objects.select_related("ward").order_by("ward__name").first()
    assert figure.population is None
    services.ward_population_update(
        figure=figure, by=board, population=11_250, year=2023, source="ONS mid-year estimates"
    )
    figure.refresh_from_db()
    assert (figure.population, figure.year, figure.source) == (11_250, 2023, "ONS mid-year estimates")
    event = AuditEvent.objects.get(action="ward_population.update")
    assert event.actor == board
    assert event.before == {"population": None, "year": None, "source": ""}


def test_ward_population_update_needs_a_cited_positive_figure(board):
    figure = WardPopulation.objects.order_by("pk").first()
    with pytest.raises(ValidationError):
        services.ward_population_update(figure=figure, by=board, population=5000, year=None, source="")
    with pytest.raises(ValidationError):
        services.ward_population_update(figure=figure, by=board, population=0, year=2023, source="ONS")
    figure.refresh_from_db()
    assert figure.population is None
    assert not AuditEvent.objects.filter(action="ward_population.update").exists()


def test_contacts_erase_by_the_board(open_consultation, board):
    a = services.contact_add(consultation=open_consultation, email="a@example.org")
    services.contact_add(consultation=open_consultation, email="b@example.org")
    assert services.contacts_erase(consultation=open_consultation, ids=[a.pk], by=board) == 1
    assert services.contacts_erase(consultation=open_consultation, ids=None, by=board) == 1
    assert not ContactRecord.objects.exists()
    assert AuditEvent.objects.filter(action="contacts.erase").count() == 2


# --- The database's own constraints -------------------------------------------------------------------------
def _violates(make) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        make()


def test_allocation_over_100_is_refused_by_the_database(open_consultation):
    response = Response.objects.create(consultation=open_consultation)
    outcome = open_consultation.model.outcomes.get(number=1)
    _violates(lambda: Allocation.objects.create(response=response, outcome=outcome, points=101))
    Allocation.objects.create(response=response, outcome=outcome, points=100)
    _violates(lambda: Allocation.objects.filter(response=response).update(points=101))


def test_one_allocation_per_outcome(open_consultation):
    response = Response.objects.create(consultation=open_consultation)
    outcome = open_consultation.model.outcomes.get(number=1)
    Allocation.objects.create(response=response, outcome=outcome, points=50)
    _violates(lambda: Allocation.objects.create(response=response, outcome=outcome, points=50))


def test_published_comment_without_text_is_refused_by_the_database(open_consultation):
    response = Response.objects.create(consultation=open_consultation)
    _violates(
        lambda: Comment.objects.create(
            response=response, text="Typed", status=Comment.Status.PUBLISHED, published_text=""
        )
    )
    Comment.objects.create(response=response, text="Typed")
    _violates(
        lambda: Comment.objects.filter(response=response).update(
            status=Comment.Status.PUBLISHED, published_text=""
        )
    )


def test_hidden_comment_without_reason_is_refused_by_the_database(open_consultation):
    response = Response.objects.create(consultation=open_consultation)
    _violates(lambda: Comment.objects.create(response=response, text="Typed", status=Comment.Status.HIDDEN))


@pytest.mark.parametrize("channel", [Response.Channel.PAPER, Response.Channel.EVENT])
def test_offline_response_without_an_officer_is_refused_by_the_database(open_consultation, channel):
    _violates(lambda: Response.objects.create(consultation=open_consultation, channel=channel))


def test_duplicate_receipt_code_is_refused_by_the_database(open_consultation):
    Response.objects.create(consultation=open_consultation, receipt_code="ABCDEFGHJK")
    _violates(lambda: Response.objects.create(consultation=open_consultation, receipt_code="ABCDEFGHJK"))


def test_ward_population_without_a_source_is_refused_by_the_database():
    figure = WardPopulation.objects.order_by("pk").first()
    _violates(
        lambda: WardPopulation.objects.filter(pk=figure.pk).update(population=5000, year=2023, source="")
    )
    _violates(lambda: WardPopulation.objects.filter(pk=figure.pk).update(population=5000, source="ONS"))


def test_ward_population_of_zero_is_refused_by_the_database():
    figure = WardPopulation.objects.order_by("pk").first()
    _violates(
        lambda: WardPopulation.objects.filter(pk=figure.pk).update(population=0, year=2023, source="ONS")
    )
    WardPopulation.objects.filter(pk=figure.pk).update(population=1, year=2023, source="ONS")


def test_consultation_must_close_after_it_opens(now, open_consultation):
    _violates(lambda: make_consultation(now, now))
    _violates(
        lambda: Consultation.objects.filter(pk=open_consultation.pk).update(
            closes_at=open_consultation.opens_at
        )
    )
