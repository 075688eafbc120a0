"""Evaluation, moderation and award services (DESIGN §5.3–5.5): the rules, refusals and the audit trail."""

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from knowsley_sv.audit import audit_trail_for
from knowsley_sv.roles import Role
from procurement.models import Award, ModeratedScore, PanelMember, Score, Tender
from procurement.selectors import evaluation as evaluation_selectors
from procurement.services import award as award_services
from procurement.services import contracts as contract_services
from procurement.services import evaluation as evaluation_services

from ..factories import UserFactory
from .helpers import (
    WORKED_EXAMPLE_TABLE,
    bids_by_supplier,
    line_keys,
    moderate_all,
    panel_of,
    score_as,
    worked_example_tender,
)

pytestmark = pytest.mark.django_db


def _messages(excinfo) -> str:
    return " ".join(excinfo.value.messages)


def evaluated(tender, commissioner, adjust=None):
    evaluators = panel_of(tender, commissioner)
    for n, evaluator in enumerate(evaluators):
        score_as(tender, evaluator, adjust=adjust if n == 2 else None)
    moderate_all(tender, commissioner)
    return evaluators


def test_the_full_evaluation_gives_designs_table(tender, commissioner):
    evaluated(tender, commissioner, adjust={("Alpha Services", "Q1"): 100})
    result = evaluation_selectors.evaluation(tender)
    assert result.complete
    table = {
        b.supplier.name: (str(r.price_score), str(r.quality), str(r.social_value), str(r.total), r.rank)
        for b, r in result.ranked()
    }
    assert table == WORKED_EXAMPLE_TABLE
    assert [b.supplier.name for b, _ in result.ranked()] == ["Gamma Works", "Alpha Services", "Beta Care"]
    # 10 × the 1.1 proxy and 2 × the 6.x proxy of the adopted model: none are shipped for those, so £0
    assert set(result.committed.values()) == {Decimal("0.00")}


def test_a_row_40_apart_is_flagged(tender, commissioner):
    evaluated(tender, commissioner, adjust={("Alpha Services", "Q1"): 100})
    flagged = ModeratedScore.objects.filter(flagged=True)
    assert [(m.bid.supplier.name, m.value) for m in flagged] == [("Alpha Services", 60)]


def test_first_panel_member_starts_the_evaluation_and_is_recorded(tender, commissioner):
    evaluator = UserFactory(username="ev", roles=[Role.EVALUATOR])
    evaluation_services.panel_add(tender=tender, evaluator=evaluator, by=commissioner)
    tender.refresh_from_db()
    assert tender.status == Tender.Status.EVALUATING
    assert audit_trail_for(tender).filter(action="panel.add", after__evaluator="ev").exists()


def test_only_evaluators_join_a_panel_once(tender, commissioner):
    with pytest.raises(ValidationError, match="does not have the Evaluator role"):
        evaluation_services.panel_add(tender=tender, evaluator=commissioner, by=commissioner)
    evaluator = UserFactory(username="ev", roles=[Role.EVALUATOR])
    evaluation_services.panel_add(tender=tender, evaluator=evaluator, by=commissioner)
    with pytest.raises(ValidationError, match="already on the panel"):
        evaluation_services.panel_add(tender=tender, evaluator=evaluator, by=commissioner)


def test_a_panel_needs_opened_bids(commissioner):
    sealed = worked_example_tender(commissioner, open_bids=False)
    evaluator = UserFactory(username="ev", roles=[Role.EVALUATOR])
    with pytest.raises(ValidationError, match="The tender is published"):
        evaluation_services.panel_add(tender=sealed, evaluator=evaluator, by=commissioner)


def test_scoring_before_declaring_is_refused(tender, commissioner):
    evaluator = UserFactory(username="ev", roles=[Role.EVALUATOR])
    evaluation_services.panel_add(tender=tender, evaluator=evaluator, by=commissioner)
    bid = bids_by_supplier(tender)["Alpha Services"]
    with pytest.raises(ValidationError) as excinfo:
        evaluation_services.scores_save(
            tender=tender, bid=bid, by=evaluator, entries={line_keys(tender)["Q1"]: (60, "Good")}
        )
    assert _messages(excinfo) == evaluation_services.DECLARE_FIRST
    assert not Score.objects.exists()


def test_scoring_a_tender_one_is_not_on_the_panel_is_refused(tender, commissioner):
    panel_of(tender, commissioner, count=1)
    outsider = UserFactory(username="outsider", roles=[Role.EVALUATOR])
    bid = bids_by_supplier(tender)["Alpha Services"]
    with pytest.raises(ValidationError) as excinfo:
        evaluation_services.scores_save(
            tender=tender, bid=bid, by=outsider, entries={line_keys(tender)["Q1"]: (60, "Good")}
        )
    assert _messages(excinfo) == evaluation_services.NOT_ON_PANEL


def test_a_declared_conflict_takes_the_evaluator_off_the_tender(tender, commissioner):
    evaluator = UserFactory(username="ev", roles=[Role.EVALUATOR])
    evaluation_services.panel_add(tender=tender, evaluator=evaluator, by=commissioner)
    with pytest.raises(ValidationError, match="Describe the conflict"):
        evaluation_services.declare(tender=tender, by=evaluator, conflict=True, details="  ")
    evaluation_services.declare(
        tender=tender, by=evaluator, conflict=True, details="My sister runs Beta Care."
    )
    bid = bids_by_supplier(tender)["Beta Care"]
    with pytest.raises(ValidationError, match="declared a conflict"):
        evaluation_services.scores_save(tender=tender, bid=bid, by=evaluator, entries={})
    with pytest.raises(ValidationError, match="already made your declaration"):
        evaluation_services.declare(tender=tender, by=evaluator, conflict=False)
    event = audit_trail_for(tender).get(action="panel.declare")
    assert event.after == {
        "evaluator": "ev",
        "declaration": "conflict",
        "details": "My sister runs Beta Care.",
    }
    # A conflicted member is not waited for; with nobody else, moderation cannot start.
    assert evaluation_services.moderation_problems(tender) == [evaluation_services.NO_PANEL]


def test_off_scale_and_unjustified_scores_are_refused_and_nothing_is_saved(tender, commissioner):
    [evaluator] = panel_of(tender, commissioner, count=1)
    keys, bid = line_keys(tender), bids_by_supplier(tender)["Alpha Services"]
    with pytest.raises(ValidationError) as excinfo:
        evaluation_services.scores_save(
            tender=tender,
            bid=bid,
            by=evaluator,
            entries={
                keys["Q1"]: (50, "Half"),
                keys["Q2"]: (60, " "),
                keys["O1"]: (None, "Words but no score"),
            },
        )
    assert excinfo.value.messages == [
        "Q1 Delivery: 50 is not on this tender's scale. Choose one of 0, 20, 40, 60, 80, 100.",
        "Q2 Staffing: enter the justification for your score.",
        f"Outcome 1: {bid.tender.shares.get(outcome__number=1).outcome.title}: choose a score to go with the "
        "justification.",
    ]
    assert not Score.objects.exists()


def test_save_and_return_then_change_a_score_is_audited(tender, commissioner):
    [evaluator] = panel_of(tender, commissioner, count=1)
    keys, bid = line_keys(tender), bids_by_supplier(tender)["Alpha Services"]
    assert (
        evaluation_services.scores_save(
            tender=tender, bid=bid, by=evaluator, entries={keys["Q1"]: (60, "Sound")}
        )
        == 1
    )
    assert (
        evaluation_services.scores_save(
            tender=tender, bid=bid, by=evaluator, entries={keys["Q1"]: (60, "Sound")}
        )
        == 0
    )
    evaluation_services.scores_save(
        tender=tender, bid=bid, by=evaluator, entries={keys["Q1"]: (80, "Better than I thought")}
    )
    events = list(audit_trail_for(tender).filter(action="score.save").order_by("pk"))
    assert [(e.before, e.after["value"]) for e in events] == [
        (None, 60),
        ({"value": 60, "justification": "Sound"}, 80),
    ]
    assert Score.objects.get().value == 80


def test_submitting_needs_every_line_of_every_bid_and_then_fixes_the_scores(tender, commissioner):
    [evaluator] = panel_of(tender, commissioner, count=1)
    keys, bid = line_keys(tender), bids_by_supplier(tender)["Alpha Services"]
    evaluation_services.scores_save(tender=tender, bid=bid, by=evaluator, entries={keys["Q1"]: (60, "Sound")})
    with pytest.raises(ValidationError, match="14 still to score"):
        evaluation_services.scores_submit(tender=tender, by=evaluator)
    score_as(tender, evaluator)
    with pytest.raises(ValidationError, match="submitted your scores"):
        evaluation_services.scores_save(
            tender=tender, bid=bid, by=evaluator, entries={keys["Q1"]: (0, "Changed my mind")}
        )


def test_one_score_per_evaluator_bid_and_line_is_a_database_constraint(tender, commissioner):
    [evaluator] = panel_of(tender, commissioner, count=1)
    member = PanelMember.objects.get(evaluator=evaluator)
    bid = bids_by_supplier(tender)["Alpha Services"]
    criterion = tender.criteria.first()
    Score.objects.create(panel_member=member, bid=bid, criterion=criterion, value=60, justification="x")
    with pytest.raises(IntegrityError), transaction.atomic():
        Score.objects.create(panel_member=member, bid=bid, criterion=criterion, value=80, justification="y")


def test_moderating_before_everyone_has_submitted_is_refused(tender, commissioner):
    first, second, _third = panel_of(tender, commissioner)
    score_as(tender, first)
    score_as(tender, second, submit=False)
    with pytest.raises(ValidationError) as excinfo:
        moderate_all(tender, commissioner)
    assert (
        _messages(excinfo)
        == "Moderation starts when every evaluator has submitted their scores: "
        + ", ".join(e.get_full_name() for e in [second, _third])
        + "."
    )
    assert not ModeratedScore.objects.exists()


def test_moderation_needs_a_rationale_unless_it_keeps_the_score_every_evaluator_gave(tender, commissioner):
    for evaluator in panel_of(tender, commissioner, count=1):
        score_as(tender, evaluator)  # Alpha Services: Q1 60
    bid, q1 = bids_by_supplier(tender)["Alpha Services"], line_keys(tender)["Q1"]
    with pytest.raises(ValidationError, match="enter the rationale"):
        evaluation_services.moderate(tender=tender, bid=bid, by=commissioner, entries={q1: (80, "")})
    evaluation_services.moderate(tender=tender, bid=bid, by=commissioner, entries={q1: (60, " ")})
    assert ModeratedScore.objects.get(bid=bid).rationale == (
        "Every evaluator on the panel scored 60, and the panel kept that score."
    )


def test_awarding_before_moderation_is_complete_is_refused(tender, commissioner):
    for evaluator in panel_of(tender, commissioner, count=1):
        score_as(tender, evaluator)
    bid = bids_by_supplier(tender)["Gamma Works"]
    evaluation_services.moderate(
        tender=tender, bid=bid, by=commissioner, entries={line_keys(tender)["Q1"]: (100, "Clear")}
    )
    with pytest.raises(ValidationError, match="14 still to moderate"):
        award_services.award(tender=tender, bid=bid, by=commissioner)
    assert not Award.objects.exists()


def test_awarding_the_top_bid_then_twice_is_refused(tender, commissioner):
    evaluated(tender, commissioner)
    bids = bids_by_supplier(tender)
    award = award_services.award(tender=tender, bid=bids["Gamma Works"], by=commissioner)
    tender.refresh_from_db()
    assert tender.status == Tender.Status.AWARDED
    assert award.results["bids"][str(bids["Beta Care"].pk)]["total"] == "69.20"
    with pytest.raises(ValidationError) as excinfo:
        award_services.award(
            tender=tender, bid=bids["Alpha Services"], by=commissioner, reason="Second thoughts"
        )
    assert _messages(excinfo) == award_services.AWARDED_ALREADY
    assert Award.objects.get().bid == bids["Gamma Works"]


def test_awarding_another_bid_needs_a_reason(tender, commissioner):
    evaluated(tender, commissioner)
    alpha = bids_by_supplier(tender)["Alpha Services"]
    with pytest.raises(ValidationError, match="not the top-ranked one"):
        award_services.award(tender=tender, bid=alpha, by=commissioner)
    award_services.award(
        tender=tender, bid=alpha, by=commissioner, reason="Gamma Works withdrew before award."
    )
    event = audit_trail_for(tender).get(action="award.decide")
    assert event.after["rank"] == 2 and event.after["reason"] == "Gamma Works withdrew before award."


def test_a_non_compliant_bid_cannot_be_awarded(tender, commissioner):
    tender.criteria.filter(number=1).update(minimum_score=80)
    evaluated(tender, commissioner)
    alpha = bids_by_supplier(tender)["Alpha Services"]
    with pytest.raises(ValidationError, match="Scored 60 on Q1 Delivery, below the minimum of 80"):
        award_services.award(tender=tender, bid=alpha, by=commissioner, reason="Cheaper")


def test_standstill_then_contract(tender, commissioner):
    evaluated(tender, commissioner)
    award_services.award(tender=tender, bid=bids_by_supplier(tender)["Gamma Works"], by=commissioner)
    with pytest.raises(ValidationError, match="Publish the award notice first"):
        contract_services.contract_enter(
            tender=tender, by=commissioner, start_date=date(2027, 1, 1), end_date=date(2027, 12, 31), value=1
        )
    published = timezone.make_aware(datetime(2026, 12, 21, 10, 0))
    award = award_services.award_notice_publish(tender=tender, by=commissioner, now=published)
    assert award.standstill_ends == date(2027, 1, 4)  # Christmas, Boxing Day (28th) and New Year skipped
    with pytest.raises(ValidationError, match="published on 21 December 2026"):
        award_services.award_notice_publish(tender=tender, by=commissioner)
    last_day = timezone.make_aware(datetime(2027, 1, 4, 23, 0))
    with pytest.raises(ValidationError, match="runs until the end of Monday 4 January 2027"):
        contract_services.contract_enter(
            tender=tender,
            by=commissioner,
            start_date=date(2027, 2, 1),
            end_date=date(2028, 1, 31),
            value=Decimal("125000"),
            now=last_day,
        )
    with pytest.raises(ValidationError) as excinfo:
        contract_services.contract_enter(
            tender=tender,
            by=commissioner,
            start_date=date(2027, 2, 1),
            end_date=date(2027, 1, 31),
            value=Decimal("0"),
            now=last_day + timedelta(hours=2),
        )
    assert excinfo.value.message_dict == {
        "end_date": [contract_services.CONTRACT_DATES],
        "value": [contract_services.CONTRACT_VALUE],
    }
    contract = contract_services.contract_enter(
        tender=tender,
        by=commissioner,
        start_date=date(2027, 2, 1),
        end_date=date(2028, 1, 31),
        value=Decimal("125000"),
        now=last_day + timedelta(hours=2),
    )
    assert contract.award.bid.supplier.name == "Gamma Works"
    # The bid's commitments (10 of outcome 1's first indicator, 2 of outcome 6's), frozen as KPIs
    assert [(k.outcome_number, k.committed) for k in contract.kpis.all()] == [
        (1, Decimal(10)),
        (6, Decimal(2)),
    ]
    actions = list(audit_trail_for(tender).values_list("action", flat=True).order_by("pk"))
    assert actions[-3:] == ["award.decide", "award.notice", "contract.enter"]
    assert actions.count("score.save") == 3 * 3 * 5
    assert actions.count("moderation.save") == 3 * 5


def test_the_whole_history_is_in_the_audit_trail(tender, commissioner):
    evaluated(tender, commissioner)
    actions = set(audit_trail_for(tender).values_list("action", flat=True))
    assert {"tender.publish", "tender.open_bids", "panel.add", "panel.declare", "score.save", "score.submit",
            "moderation.save"} <= actions  # fmt: skip


def test_report_query_count_is_fixed(tender, commissioner, django_assert_num_queries):
    evaluated(tender, commissioner)
    with django_assert_num_queries(4):
        evaluation_selectors.evaluation(tender)
