"""Delivery rules (DESIGN §6): periods, pro-rata expectation and RAG thresholds, with worked figures."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from procurement import delivery
from procurement.delivery import AMBER, GREEN, NOT_STARTED, RED

D = Decimal


def test_quarterly_periods_of_a_year_from_1_april():
    assert delivery.reporting_periods(date(2027, 4, 1), date(2028, 3, 31)) == [
        (date(2027, 4, 1), date(2027, 6, 30)),
        (date(2027, 7, 1), date(2027, 9, 30)),
        (date(2027, 10, 1), date(2027, 12, 31)),
        (date(2028, 1, 1), date(2028, 3, 31)),
    ]


def test_the_last_period_is_cut_at_the_contract_end_and_month_ends_hold():
    assert delivery.reporting_periods(date(2027, 1, 31), date(2027, 5, 15), months=1) == [
        (date(2027, 1, 31), date(2027, 2, 27)),
        (date(2027, 2, 28), date(2027, 3, 30)),
        (date(2027, 3, 31), date(2027, 4, 29)),
        (date(2027, 4, 30), date(2027, 5, 15)),
    ]


def test_bad_periods_are_refused():
    with pytest.raises(ValueError, match="ends before it starts"):
        delivery.reporting_periods(date(2027, 2, 1), date(2027, 1, 1))
    with pytest.raises(ValueError, match="at least a month"):
        delivery.reporting_periods(date(2027, 1, 1), date(2027, 2, 1), months=0)


def test_expected_to_date_is_pro_rata_by_days():
    # 365-day contract, 10 apprenticeships: after 73 days, 2 are expected.
    start, end = date(2027, 1, 1), date(2027, 12, 31)
    assert delivery.expected_to_date(D(10), start, end, date(2027, 3, 14)) == D(2)
    assert delivery.expected_to_date(D(10), start, end, date(2026, 12, 31)) == 0
    assert delivery.expected_to_date(D(10), start, end, date(2030, 1, 1)) == D(10)


@pytest.mark.parametrize(
    ("delivered", "expected", "status"),
    [("95", "100", GREEN), ("94.99", "100", AMBER), ("75", "100", AMBER), ("74.99", "100", RED),
     ("0", "0", NOT_STARTED), ("200", "100", GREEN), ("0", "1", RED)],
)  # fmt: skip
def test_rag_thresholds(delivered, expected, status):
    assert delivery.rag(D(delivered), D(expected)) == status


def test_percent_of_is_rounded_half_up_only_for_display():
    assert delivery.percent_of(D(2), D(3)) == D("66.67")
    assert delivery.percent_of(D(1), D(0)) is None


@given(
    st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 1, 1)),
    st.integers(0, 2000),
    st.sampled_from([1, 3, 6, 12]),
)
def test_periods_cover_the_contract_exactly_without_gaps(start, days, months):
    end = date.fromordinal(start.toordinal() + days)
    periods = delivery.reporting_periods(start, end, months)
    assert periods[0][0] == start and periods[-1][1] == end
    for (_a, last), (first, _b) in zip(periods, periods[1:], strict=False):
        assert first.toordinal() == last.toordinal() + 1
    assert all(a <= b for a, b in periods)
