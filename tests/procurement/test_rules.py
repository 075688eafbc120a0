"""The rules of a tender, a bid, moderation and the award (DESIGN §5.1–5.3, §5.5): worked examples with
their figures, and properties."""

import ast
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import holidays
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from procurement import rules

NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
VALID_TENDER = {
    "price": 50,
    "quality": 30,
    "social_value": 20,
    "justification": "",
    "criterion_weights": [20, 10],
    "shares": {1: 50, 3: 30, 6: 20},
    "indicators_offered": {1: 2, 3: 1, 6: 1},
    "deadline": NOW + timedelta(days=30),
    "now": NOW,
    "minimum_days": 25,
}


# --- purity -----------------------------------------------------------------------------------------
def test_the_rules_import_nothing_from_django():
    tree = ast.parse(Path(rules.__file__).read_text())
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert imported and not any(name.split(".")[0] == "django" for name in imported)


# --- weights ----------------------------------------------------------------------------------------
def test_weights_adding_up_to_95_name_the_total():
    assert rules.weight_problems(price=50, quality=30, social_value=15, justification="") == [
        "The price, quality and social value weights add up to 95, not 100."
    ]


def test_weights_adding_up_to_110_name_the_total():
    assert rules.weight_problems(price=60, quality=30, social_value=20, justification="") == [
        "The price, quality and social value weights add up to 110, not 100."
    ]


def test_weights_adding_up_to_100_with_10_percent_social_value_pass():
    assert rules.weight_problems(price=60, quality=30, social_value=10, justification="") == []


@pytest.mark.parametrize("justification", ["", "   ", "\n\t"])
def test_social_value_under_10_percent_without_a_justification_names_the_weight(justification):
    assert rules.weight_problems(price=55, quality=40, social_value=5, justification=justification) == [
        "Social value is 5%, under the 10% minimum: give a justification."
    ]


def test_social_value_of_0_percent_needs_a_justification_too():
    assert rules.weight_problems(price=70, quality=30, social_value=0, justification="") == [
        rules.SOCIAL_VALUE_UNDER_MINIMUM.format(weight=0)
    ]


def test_a_justification_allows_social_value_under_10_percent():
    assert (
        rules.weight_problems(price=55, quality=40, social_value=5, justification="A one-off purchase") == []
    )


def test_every_weight_problem_is_named_at_once_total_first():
    assert rules.weight_problems(price=60, quality=35, social_value=4, justification="") == [
        "The price, quality and social value weights add up to 99, not 100.",
        "Social value is 4%, under the 10% minimum: give a justification.",
    ]


def test_a_weight_outside_0_to_100_is_refused_even_when_the_total_is_100():
    assert rules.weight_problems(price=110, quality=-10, social_value=0, justification="Equipment") == [
        "The price weight is 110%. Enter a whole number from 0 to 100.",
        "The quality weight is -10%. Enter a whole number from 0 to 100.",
    ]
    assert rules.weight_problems(price=60, quality=50, social_value=-10, justification="") == [
        "The social value weight is -10%. Enter a whole number from 0 to 100."
    ]


# --- quality criteria -------------------------------------------------------------------------------
def test_criteria_adding_up_to_25_against_a_quality_weight_of_30_name_both():
    assert rules.criteria_problems(quality_weight=30, criterion_weights=[20, 5]) == [
        "The quality criteria weights add up to 25, not the quality weight of 30."
    ]


def test_criteria_adding_up_to_the_quality_weight_pass():
    assert rules.criteria_problems(quality_weight=30, criterion_weights=[20, 10]) == []


def test_a_weighted_quality_needs_at_least_one_criterion():
    assert rules.criteria_problems(quality_weight=30, criterion_weights=[]) == [
        "Add at least one quality criterion, or set the quality weight to 0."
    ]


def test_a_quality_weight_of_0_needs_no_criteria_and_accepts_none():
    assert rules.criteria_problems(quality_weight=0, criterion_weights=[]) == []
    assert rules.criteria_problems(quality_weight=0, criterion_weights=[10]) == [
        "The quality criteria weights add up to 10, not the quality weight of 0."
    ]


def test_a_criterion_weight_outside_1_to_100_is_named_by_its_position():
    assert rules.criteria_problems(quality_weight=30, criterion_weights=[30, 0]) == [
        "Quality criterion 2 has a weight of 0. Enter a whole number from 1 to 100."
    ]
    assert rules.criteria_problems(quality_weight=30, criterion_weights=[40, -10]) == [
        rules.CRITERION_WEIGHT_OUT_OF_RANGE.format(number=2, weight=-10)
    ]


# --- the social value split -------------------------------------------------------------------------
def test_a_split_of_50_30_10_names_its_total_of_90():
    assert rules.split_problems(shares={1: 50, 3: 30, 6: 10}, indicators_offered={1: 2, 3: 1, 6: 1}) == [
        "The social value split adds up to 90%, not 100%."
    ]


def test_a_split_over_100_names_its_total():
    assert rules.split_problems(shares={1: 60, 2: 50}, indicators_offered={1: 1, 2: 1}) == [
        rules.SPLIT_MUST_TOTAL_100.format(total=110)
    ]


def test_an_outcome_with_a_share_and_no_indicator_is_named_with_its_share():
    expected = ["Outcome 3 has a 30% share but offers no indicator."]
    shares = {1: 50, 3: 30, 6: 20}
    assert rules.split_problems(shares=shares, indicators_offered={1: 2, 6: 1}) == expected
    assert rules.split_problems(shares=shares, indicators_offered={1: 2, 3: 0, 6: 1}) == expected


def test_an_outcome_at_0_percent_needs_no_indicator():
    assert rules.split_problems(shares={1: 100, 2: 0}, indicators_offered={1: 1}) == []


def test_split_problems_come_total_first_then_by_outcome_number():
    assert rules.split_problems(shares={6: 20, 1: 60, 2: 10}, indicators_offered={}) == [
        "The social value split adds up to 90%, not 100%.",
        "Outcome 1 has a 60% share but offers no indicator.",
        "Outcome 2 has a 10% share but offers no indicator.",
        "Outcome 6 has a 20% share but offers no indicator.",
    ]


def test_a_share_outside_0_to_100_is_refused_even_when_the_total_is_100():
    assert rules.split_problems(shares={1: 120, 2: -20}, indicators_offered={1: 1, 2: 1}) == [
        "Outcome 1 has a 120% share. Enter a whole number from 0 to 100.",
        "Outcome 2 has a -20% share. Enter a whole number from 0 to 100.",
    ]


# --- publication ------------------------------------------------------------------------------------
def test_a_complete_tender_with_a_future_deadline_can_be_published():
    assert rules.publication_problems(**VALID_TENDER) == []


def test_a_passed_deadline_is_named_in_uk_time():
    deadline = datetime(2027, 3, 3, 12, 0, tzinfo=UTC)  # GMT: the same clock time
    later = NOW + timedelta(days=5)
    problems = rules.publication_problems(**VALID_TENDER | {"deadline": deadline, "now": later})
    assert problems == [
        "The deadline, midday on 3 March 2027, has passed. Set a later deadline before publishing."
    ]


def test_a_deadline_of_exactly_now_has_passed():
    assert rules.publication_problems(**VALID_TENDER | {"deadline": NOW}) == [
        rules.DEADLINE_PASSED.format(deadline="9am on 1 March 2027")
    ]


def test_publication_names_every_problem_in_the_order_a_tender_is_built():
    tender = VALID_TENDER | {
        "social_value": 15,
        "criterion_weights": [20, 5],
        "shares": {1: 50, 3: 30, 6: 10},
        "indicators_offered": {1: 1, 6: 1},
        "deadline": NOW - timedelta(minutes=30),
    }
    assert rules.publication_problems(**tender) == [
        "The price, quality and social value weights add up to 95, not 100.",
        "The quality criteria weights add up to 25, not the quality weight of 30.",
        "The social value split adds up to 90%, not 100%.",
        "Outcome 3 has a 30% share but offers no indicator.",
        "The deadline, 8:30am on 1 March 2027, has passed. Set a later deadline before publishing.",
    ]


# --- the tendering period and moving a deadline (Procurement Act 2023 s.54) ----------------------------
PUBLISHED = datetime(2027, 3, 1, 15, 25, tzinfo=UTC)  # 3:25pm on Monday 1 March 2027, GMT


@pytest.mark.parametrize(
    ("deadline", "allowed"),
    [
        (datetime(2027, 3, 26, 12, 0, tzinfo=UTC), True),  # 25 days after the day of publication
        (datetime(2027, 3, 26, 9, 0, tzinfo=UTC), True),  # the time of day does not count
        (datetime(2027, 4, 30, 12, 0, tzinfo=UTC), True),
        (datetime(2027, 3, 25, 23, 59, tzinfo=UTC), False),  # 24 days
        (datetime(2027, 3, 2, 12, 0, tzinfo=UTC), False),
    ],
)
def test_the_deadline_is_at_least_25_days_after_the_day_of_publication(deadline, allowed):
    problems = rules.tender_period_problems(published=PUBLISHED, deadline=deadline, minimum_days=25)
    assert problems == (
        []
        if allowed
        else [
            "The deadline for bids must be at least 25 days after the tender is published. "
            "Published on 1 March 2027, its deadline can be 26 March 2027 or later."
        ]
    )


def test_the_tendering_period_counts_days_in_uk_time():
    """11:30pm GMT on 31 May 2027 is already 1 June in UK summer time: the count starts on 1 June."""
    published = datetime(2027, 5, 31, 23, 30, tzinfo=UTC)
    assert rules.tender_period_problems(
        published=published, deadline=datetime(2027, 6, 25, 11, 0, tzinfo=UTC), minimum_days=25
    ) == [
        "The deadline for bids must be at least 25 days after the tender is published. "
        "Published on 1 June 2027, its deadline can be 26 June 2027 or later."
    ]


def test_publication_refuses_too_short_a_tendering_period_and_names_a_passed_deadline_only_once():
    short = VALID_TENDER | {"deadline": NOW + timedelta(days=14)}
    assert rules.publication_problems(**short) == [
        "The deadline for bids must be at least 25 days after the tender is published. "
        "Published on 1 March 2027, its deadline can be 26 March 2027 or later."
    ]
    assert rules.publication_problems(**short | {"minimum_days": 10}) == []
    assert len(rules.publication_problems(**VALID_TENDER | {"deadline": NOW - timedelta(days=1)})) == 1


@pytest.mark.parametrize(
    ("after", "ever_published", "allowed"),
    [
        (datetime(2027, 4, 2, 12, 0, tzinfo=UTC), True, True),  # later
        (datetime(2027, 3, 26, 12, 0, tzinfo=UTC), True, True),  # unchanged
        (datetime(2027, 3, 25, 12, 0, tzinfo=UTC), True, False),  # earlier, after publication
        (datetime(2027, 3, 2, 12, 0, tzinfo=UTC), False, True),  # never published: still free
    ],
)
def test_a_published_tenders_deadline_only_moves_later(after, ever_published, allowed):
    before = datetime(2027, 3, 26, 12, 0, tzinfo=UTC)
    problems = rules.deadline_change_problems(before=before, after=after, ever_published=ever_published)
    assert problems == (
        []
        if allowed
        else [
            "The tender has been published, so its deadline for bids cannot move earlier than "
            "midday on 26 March 2027. Suppliers are working to it."
        ]
    )


@given(
    published=st.datetimes(
        min_value=datetime(2025, 1, 1), max_value=datetime(2035, 1, 1), timezones=st.just(UTC)
    ),
    hours=st.integers(min_value=0, max_value=24 * 60),
    minimum=st.integers(min_value=1, max_value=40),
)
def test_a_deadline_allowed_once_stays_allowed_when_it_moves_later(published, hours, minimum):
    """Monotone: if a deadline satisfies the minimum period, so does every later one; and nothing earlier
    than `minimum` whole days after publication ever does."""
    deadline = published + timedelta(hours=hours)
    if not rules.tender_period_problems(published=published, deadline=deadline, minimum_days=minimum):
        later = deadline + timedelta(hours=1)
        assert rules.tender_period_problems(published=published, deadline=later, minimum_days=minimum) == []
        assert deadline - published > timedelta(days=minimum - 1, hours=-1)  # a day of 23 hours in March


def test_a_revision_records_only_what_changed():
    before = {"price": "1000.00", "answers": {"Q1": "A", "Q2": "B"}, "commitments": {"1.1": "2.00"}}
    after = {"price": "950.00", "answers": {"Q1": "A", "Q2": "C"}, "commitments": {"6.3": "1.00"}}
    assert rules.revision_changes(before, after) == (
        {"price": "1000.00", "answers": {"Q2": "B"}, "commitments": {"1.1": "2.00", "6.3": None}},
        {"price": "950.00", "answers": {"Q2": "C"}, "commitments": {"1.1": None, "6.3": "1.00"}},
    )
    assert rules.revision_changes(before, before) == ({}, {})


def test_without_social_value_no_split_is_needed():
    tender = VALID_TENDER | {
        "price": 70,
        "social_value": 0,
        "justification": "A one-off purchase of equipment",
        "shares": {},
        "indicators_offered": {},
    }
    assert rules.publication_problems(**tender) == []


def test_with_social_value_an_empty_split_is_refused():
    problems = rules.publication_problems(**VALID_TENDER | {"shares": {}, "indicators_offered": {}})
    assert problems == ["The social value split adds up to 0%, not 100%."]


# --- committed social value -------------------------------------------------------------------------
def test_committed_value_rounds_half_up_to_the_penny():
    # 3 × £0.125 = £0.375 → £0.38
    assert rules.committed_value(commitments=[(Decimal("3"), Decimal("0.125"))]) == Decimal("0.38")
    # half up, not to even: £0.125 → £0.13 (banker's rounding would give £0.12)
    assert rules.committed_value(commitments=[(Decimal("1"), Decimal("0.125"))]) == Decimal("0.13")
    assert rules.committed_value(commitments=[(Decimal("1"), Decimal("0.0049"))]) == Decimal("0.00")


def test_committed_value_counts_an_indicator_without_a_proxy_as_0():
    # 2.5 × £245.00 + 10 × (no proxy) = £612.50
    commitments = [(Decimal("2.5"), Decimal("245.00")), (Decimal("10"), None)]
    assert rules.committed_value(commitments=commitments) == Decimal("612.50")


def test_committed_value_rounds_only_at_the_end():
    # £0.335 + £0.335 = £0.67; rounding each first would give £0.34 + £0.34 = £0.68
    third = Decimal("0.335")
    assert rules.committed_value(commitments=[(Decimal(1), third), (Decimal(1), third)]) == Decimal("0.67")


def test_committed_value_is_exact_even_beyond_28_digits():
    # 28 significant digits (Decimal's default) would round 10²⁵ + £0.005 to 10²⁵ before the penny rounding
    commitments = [(Decimal(10) ** 25, Decimal("1")), (Decimal("1"), Decimal("0.005"))]
    assert rules.committed_value(commitments=commitments) == Decimal(10) ** 25 + Decimal("0.01")


def test_committed_value_of_nothing_is_0_pounds_and_0_pence():
    value = rules.committed_value(commitments=[])
    assert value == 0 and str(value) == "0.00"
    assert str(rules.committed_value(commitments=[(Decimal("4"), Decimal("12"))])) == "48.00"


def test_committed_value_accepts_a_generator():
    pairs = ((Decimal(n), Decimal("1.5")) for n in range(3))
    assert rules.committed_value(commitments=pairs) == Decimal("4.50")


# --- a bid ------------------------------------------------------------------------------------------
OFFERED = {"1.1", "3.2", "6.3"}


@pytest.mark.parametrize("price", [None, Decimal("0"), Decimal("0.00"), Decimal("-1"), Decimal("NaN")])
def test_a_missing_zero_or_negative_price_is_refused(price):
    assert rules.bid_problems(price=price, commitments=[], offered_codes=OFFERED) == {
        "price": ["Enter a price of more than £0."]
    }


def test_a_positive_price_with_offered_commitments_passes():
    commitments = [("1.1", Decimal("12")), ("6.3", Decimal("0"))]
    assert rules.bid_problems(price=Decimal("0.01"), commitments=commitments, offered_codes=OFFERED) == {}


def test_a_negative_quantity_is_refused_naming_the_indicator():
    commitments = [("1.1", Decimal("4")), ("3.2", Decimal("-0.5"))]
    assert rules.bid_problems(price=Decimal("100"), commitments=commitments, offered_codes=OFFERED) == {
        "commitments": ["The quantity for 3.2 cannot be negative."]
    }


def test_an_indicator_not_offered_is_refused_whatever_its_quantity():
    commitments = [("9.9", Decimal("1")), ("8.1", Decimal("-1"))]
    assert rules.bid_problems(price=Decimal("100"), commitments=commitments, offered_codes=OFFERED) == {
        "commitments": [
            "Indicator 9.9 is not offered by this tender.",
            "Indicator 8.1 is not offered by this tender.",
        ]
    }


def test_a_quantity_that_is_not_a_number_is_refused():
    commitments = [("1.1", Decimal("NaN")), ("3.2", Decimal("Infinity"))]
    assert rules.bid_problems(price=Decimal("100"), commitments=commitments, offered_codes=OFFERED) == {
        "commitments": ["Enter the quantity for 1.1 as a number.", "Enter the quantity for 3.2 as a number."]
    }


def test_price_and_commitment_problems_are_reported_together_in_order():
    commitments = [("1.1", Decimal("-2")), ("9.9", Decimal("1"))]
    assert rules.bid_problems(price=Decimal("-5"), commitments=commitments, offered_codes=OFFERED) == {
        "price": [rules.PRICE_MUST_BE_POSITIVE],
        "commitments": [
            rules.QUANTITY_NOT_NEGATIVE.format(code="1.1"),
            rules.INDICATOR_NOT_OFFERED.format(code="9.9"),
        ],
    }


# --- the scoring scale ------------------------------------------------------------------------------
def test_the_default_scale_is_design_5_3():
    scale = rules.default_scoring_scale()
    assert [(value, label) for value, label, _ in scale] == [
        (0, "Unacceptable"),
        (20, "Poor"),
        (40, "Limited"),
        (60, "Satisfactory"),
        (80, "Good"),
        (100, "Excellent"),
    ]
    descriptors = {value: descriptor for value, _, descriptor in scale}
    assert descriptors[0] == "No response, or the response is unacceptable"
    assert descriptors[60] == "Meets the requirement"
    assert descriptors[100] == "Exceeds the requirement with strong evidence"
    assert all(descriptor.strip() for descriptor in descriptors.values())


def test_each_call_gives_a_fresh_scale():
    rules.default_scoring_scale().clear()
    assert len(rules.default_scoring_scale()) == 6


def test_the_scales_on_offer_run_from_0_to_100_and_the_default_comes_first():
    assert next(iter(rules.SCORING_SCALES.values()))[1] is rules.default_scoring_scale
    for _label, scale in rules.SCORING_SCALES.values():
        values = [value for value, _, _ in scale()]
        assert values[0] == 0 and values[-1] == 100 and values == sorted(set(values))


# --- moderation -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("scores", "flagged"),
    [([60, 80, 90], False), ([40, 60, 80], True), ([20, 60], True), ([60], False), ([0, 100, 20], True)],
)
def test_rows_40_or_more_apart_are_flagged(scores, flagged):
    assert rules.spread_flagged(scores) is flagged


# --- the standstill ---------------------------------------------------------------------------------
ENGLAND_AND_WALES = holidays.country_holidays("GB", subdiv="ENG", years=range(2026, 2028))


@pytest.mark.parametrize(
    ("published", "last_day"),
    [
        (date(2026, 11, 25), date(2026, 12, 4)),  # Wednesday: Wed–Fri, Mon–Fri = 8
        (date(2026, 11, 28), date(2026, 12, 9)),  # a Saturday: counting starts on Monday 30th
        (date(2026, 12, 21), date(2027, 1, 4)),  # Christmas, Boxing Day (Mon 28th) and New Year skipped
        (date(2027, 3, 24), date(2027, 4, 6)),  # Good Friday 26 March and Easter Monday 29 March skipped
    ],
)
def test_standstill_is_8_working_days_beginning_with_publication(published, last_day):
    assert rules.standstill_end(published, ENGLAND_AND_WALES) == last_day


# --- properties -------------------------------------------------------------------------------------
percent = st.integers(min_value=0, max_value=100)
justifications = st.one_of(st.sampled_from(["", " ", "\t\n", "Emergency works"]), st.text(max_size=5))


@settings(max_examples=200)
@given(percent, percent, percent, justifications)
def test_weights_pass_exactly_when_they_total_100_and_low_social_value_is_justified(p, q, s, why):
    problems = rules.weight_problems(price=p, quality=q, social_value=s, justification=why)
    assert (problems == []) == (p + q + s == 100 and (s >= 10 or bool(why.strip())))
    total_named = rules.WEIGHTS_MUST_TOTAL_100.format(total=p + q + s) in problems
    assert total_named == (p + q + s != 100)


@given(st.integers(-1000, 1000), st.integers(-1000, 1000), st.integers(-1000, 1000))
def test_a_weight_outside_0_to_100_is_never_accepted(p, q, s):
    assume(not all(0 <= w <= 100 for w in (p, q, s)))
    assert rules.weight_problems(price=p, quality=q, social_value=s, justification="A reason") != []


@given(percent, st.lists(st.integers(-5, 105), max_size=6))
def test_criteria_pass_exactly_when_their_points_make_the_quality_weight(quality, weights):
    passes = rules.criteria_problems(quality_weight=quality, criterion_weights=weights) == []
    in_range = all(1 <= w <= 100 for w in weights)
    assert passes == (sum(weights) == quality and in_range)


outcome = st.integers(min_value=1, max_value=8)


@given(st.dictionaries(outcome, percent, max_size=8), st.dictionaries(outcome, st.integers(0, 3)))
def test_a_split_passes_exactly_when_it_totals_100_and_each_share_offers_an_indicator(shares, offered):
    passes = rules.split_problems(shares=shares, indicators_offered=offered) == []
    covered = all(offered.get(number, 0) > 0 for number, share in shares.items() if share > 0)
    assert passes == (sum(shares.values()) == 100 and covered)


quantities = st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False, allow_infinity=False)
proxies = st.one_of(
    st.none(), st.decimals(min_value=0, max_value=10**5, places=3, allow_nan=False, allow_infinity=False)
)
commitment_lists = st.lists(st.tuples(quantities, proxies), max_size=8)
HALF_PENNY = Decimal("0.005")


def _exact(commitments):
    return sum((q * p for q, p in commitments if p is not None), Decimal(0))


@settings(max_examples=200)
@given(commitment_lists)
def test_committed_value_is_never_negative_and_within_half_a_penny_of_the_exact_sum(commitments):
    value = rules.committed_value(commitments=commitments)
    assert value >= 0
    assert abs(value - _exact(commitments)) <= HALF_PENNY
    assert value.as_tuple().exponent == -2  # whole pence


@given(commitment_lists)
def test_committed_value_is_within_rounding_of_the_sum_of_each_commitments_value(commitments):
    value = rules.committed_value(commitments=commitments)
    one_by_one = sum((rules.committed_value(commitments=[c]) for c in commitments), Decimal(0))
    assert abs(value - one_by_one) <= HALF_PENNY * (len(commitments) + 1)


@settings(max_examples=200)
@given(commitment_lists, commitment_lists)
def test_committed_value_is_additive_to_within_a_penny(first, second):
    together = rules.committed_value(commitments=first + second)
    apart = rules.committed_value(commitments=first) + rules.committed_value(commitments=second)
    assert abs(together - apart) <= Decimal("0.01")


@given(commitment_lists)
def test_committed_value_does_not_depend_on_the_order_of_the_commitments(commitments):
    forwards = rules.committed_value(commitments=commitments)
    assert rules.committed_value(commitments=list(reversed(commitments))) == forwards


codes = st.sampled_from(["1.1", "3.2", "6.3", "9.9"])


@given(
    st.one_of(st.none(), st.decimals(min_value=-1000, max_value=1000, places=2)),
    st.lists(st.tuples(codes, st.decimals(min_value=-100, max_value=100, places=2))),
)
def test_a_bid_passes_exactly_when_its_price_is_positive_and_its_commitments_are_offered_and_not_negative(
    price, commitments
):
    problems = rules.bid_problems(price=price, commitments=commitments, offered_codes=OFFERED)
    assert ("price" in problems) == (price is None or price <= 0)
    sound = all(code in OFFERED and quantity >= 0 for code, quantity in commitments)
    assert ("commitments" in problems) == (not sound)


@pytest.mark.parametrize(
    "bid_status, tender_status, won, deadline_passed, outcome",
    [
        ("withdrawn", "awarded", False, True, rules.BID_WITHDRAWN),
        ("withdrawn", "published", False, False, rules.BID_WITHDRAWN),
        ("submitted", "cancelled", False, True, rules.TENDER_CANCELLED),
        ("draft", "published", False, False, rules.BID_STILL_OPEN),
        ("draft", "closed", False, True, rules.BID_NOT_SUBMITTED),
        ("draft", "awarded", False, True, rules.BID_NOT_SUBMITTED),
        ("submitted", "published", False, False, rules.BID_STILL_OPEN),
        ("submitted", "evaluating", False, True, rules.BID_STILL_OPEN),
        ("submitted", "awarded", True, True, rules.BID_WON),
        ("submitted", "awarded", False, True, rules.BID_NOT_SUCCESSFUL),
    ],
)
def test_a_bids_outcome_in_the_suppliers_words(bid_status, tender_status, won, deadline_passed, outcome):
    assert (
        rules.bid_outcome(
            bid_status=bid_status, tender_status=tender_status, won=won, deadline_passed=deadline_passed
        )
        == outcome
    )
