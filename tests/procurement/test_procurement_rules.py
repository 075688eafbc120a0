from datetime import datetime, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from procurement import rules

NOW = datetime(2026, 11, 25, 12, 0)


def test_weights_name_their_total_and_low_social_value_needs_a_reason():
    assert rules.weight_problems(price=50, quality=30, social_value=15, justification="") == [
        "The price, quality and social value weights add up to 95, not 100."
    ]
    assert rules.weight_problems(price=60, quality=35, social_value=5, justification=" ") == [
        "Social value is 5%, under the 10% minimum: give a justification."
    ]
    assert rules.weight_problems(price=60, quality=35, social_value=5, justification="Emergency works") == []


def test_criteria_must_add_up_to_the_quality_weight():
    assert rules.criteria_problems(quality_weight=30, criterion_weights=[20, 5]) == [
        "The quality criteria weights add up to 25, not the quality weight of 30."
    ]
    assert rules.criteria_problems(quality_weight=30, criterion_weights=[]) == [rules.NO_CRITERIA]
    assert rules.criteria_problems(quality_weight=0, criterion_weights=[]) == []


def test_the_split_totals_100_and_every_outcome_with_a_share_offers_an_indicator():
    problems = rules.split_problems(shares={1: 50, 3: 30, 6: 10}, indicators_offered={1: 2, 6: 1})
    assert problems == [
        "The social value split adds up to 90%, not 100%.",
        "Outcome 3 has a 30% share but offers no indicator.",
    ]
    assert rules.split_problems(shares={1: 100, 2: 0}, indicators_offered={1: 1}) == []


def test_a_past_deadline_cannot_be_published_and_the_message_shows_it():
    problems = rules.publication_problems(
        price=50,
        quality=30,
        social_value=20,
        justification="",
        criterion_weights=[20, 10],
        shares={1: 100},
        indicators_offered={1: 1},
        deadline=NOW - timedelta(days=1),
        now=NOW,
    )
    assert problems == [
        "The deadline, 24 November 2026 at 12:00pm, has passed. Set a later deadline before publishing."
    ]


def test_without_social_value_no_split_is_needed():
    assert (
        rules.publication_problems(
            price=70,
            quality=30,
            social_value=0,
            justification="A one-off purchase of equipment",
            criterion_weights=[30],
            shares={},
            indicators_offered={},
            deadline=NOW + timedelta(days=1),
            now=NOW,
        )
        == []
    )


def test_committed_value_is_exact_and_rounds_half_up_only_at_the_end():
    # 3 × £0.125 = £0.375 → £0.38; 2.5 × £245.00 = £612.50; an indicator without a proxy counts £0
    assert rules.committed_value(commitments=[(Decimal("3"), Decimal("0.125"))]) == Decimal("0.38")
    assert rules.committed_value(
        commitments=[(Decimal("2.5"), Decimal("245.00")), (Decimal("10"), None)]
    ) == Decimal("612.50")
    # rounded one by one: £0.34 + £0.34 = £0.68; summed first, as the design says: £0.67
    third = Decimal("0.335")
    assert rules.committed_value(commitments=[(Decimal(1), third), (Decimal(1), third)]) == Decimal("0.67")


def test_bid_problems():
    offered = {"1.1", "6.3"}
    assert rules.bid_problems(price=Decimal("0"), commitments=[], offered_codes=offered) == {
        "price": [rules.PRICE_MUST_BE_POSITIVE]
    }
    assert rules.bid_problems(
        price=Decimal("10"),
        commitments=[("1.1", Decimal("-1")), ("9.9", Decimal("1"))],
        offered_codes=offered,
    ) == {
        "commitments": [
            "The quantity for 1.1 cannot be negative.",
            "Indicator 9.9 is not offered by this tender.",
        ]
    }
    assert (
        rules.bid_problems(price=Decimal("10"), commitments=[("6.3", Decimal("4"))], offered_codes=offered)
        == {}
    )


def test_the_default_scale_is_design_5_3():
    assert [v for v, _, _ in rules.default_scoring_scale()] == [0, 20, 40, 60, 80, 100]


weights = st.integers(min_value=0, max_value=100)


@given(weights, weights, weights, st.sampled_from(["", "  ", "A reason"]))
def test_weights_are_accepted_exactly_when_they_total_100_and_social_value_is_justified(p, q, s, why):
    accepted = rules.weight_problems(price=p, quality=q, social_value=s, justification=why) == []
    assert accepted == (p + q + s == 100 and (s >= 10 or bool(why.strip())))


money = st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False, allow_infinity=False)


@given(st.lists(st.tuples(money, st.one_of(st.none(), money)), max_size=8))
def test_committed_value_is_never_negative_and_within_a_penny_of_the_exact_sum(commitments):
    value = rules.committed_value(commitments=commitments)
    exact = sum((q * p for q, p in commitments if p is not None), Decimal(0))
    assert value >= 0 and abs(value - exact) <= Decimal("0.005")
