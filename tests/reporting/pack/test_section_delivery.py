"""The review pack's "What was promised and delivered": its rules (quarter ends, recovery), and its figures
worked by hand from the data set of tests/reporting/dataset.py for financial year 2025 (1 April 2025 to
31 March 2026). Contract A runs 1 July 2025 to 31 March 2026 (274 days), B 1 September 2025 to 31 March 2026
(212 days)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from procurement.models import DeliveryLine, PerformanceRating
from reporting.pack.period import Period
from reporting.pack.sections import delivery
from reporting.pack.sections.delivery_rules import (
    FALLING_BEHIND,
    NO_CHANGE,
    QUARTER_ENDS,
    RECOVERING,
    TOO_NEW,
    Commitment,
    delivered_of_expected,
    indicator_keys,
    plain_quantity,
    quarter_before,
    quarter_ends,
    recovery_status,
    status_at,
)
from reporting.tables.base import COUNT, display

from ..dataset import aware, bulk_contracts

D = Decimal
FY2025 = Period.financial_year(2025)
AFTER = date(2026, 6, 1)  # the year is over: figures as at 31 March 2026
NOW = aware(2026, 6, 1, 12)


# --- Pure: quarter ends -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("first", "last", "ends"),
    [
        (date(2025, 7, 1), date(2026, 3, 31), [date(2025, 9, 30), date(2025, 12, 31), date(2026, 3, 31)]),
        (date(2025, 6, 30), date(2025, 6, 30), [date(2025, 6, 30)]),  # both ends included
        (date(2025, 1, 1), date(2025, 3, 30), []),
        (date(2024, 12, 31), date(2025, 7, 1), [date(2024, 12, 31), date(2025, 3, 31), date(2025, 6, 30)]),
        (date(2026, 1, 1), date(2025, 1, 1), []),  # the wrong way round: none
    ],
)
def test_quarter_ends(first, last, ends):
    assert quarter_ends(first, last) == ends


@given(st.dates(date(2020, 1, 1), date(2030, 12, 31)), st.integers(min_value=0, max_value=800))
def test_quarter_ends_are_every_quarter_end_between(first, days):
    last = first + timedelta(days=days)
    every_day = (first + timedelta(days=n) for n in range(days + 1))
    assert quarter_ends(first, last) == [d for d in every_day if (d.month, d.day) in QUARTER_ENDS]


@pytest.mark.parametrize(
    ("day", "before"),
    [
        (date(2026, 3, 31), date(2025, 12, 31)),
        (date(2025, 12, 31), date(2025, 9, 30)),
        (date(2025, 9, 30), date(2025, 6, 30)),
        (date(2025, 6, 30), date(2025, 3, 31)),  # a quarter end gives the quarter end before, not 30 March
        (date(2026, 5, 31), date(2026, 2, 28)),
        (date(2024, 5, 31), date(2024, 2, 29)),
        (date(2025, 11, 14), date(2025, 8, 14)),
        (date(2026, 2, 28), date(2025, 11, 30)),
    ],
)
def test_the_quarter_before(day, before):
    assert quarter_before(day) == before


# --- Pure: recovery -----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("now", "before", "status"),
    [
        (D(80), D(70), RECOVERING),  # up 10 points
        (D(75), D(70), RECOVERING),  # up exactly 5
        (D("74.99"), D(70), NO_CHANGE),  # up 4.99
        (D(70), D(70), NO_CHANGE),
        (D("65.01"), D(70), NO_CHANGE),  # down 4.99
        (D(65), D(70), FALLING_BEHIND),  # down exactly 5
        (D("61.538"), D("106.936"), FALLING_BEHIND),  # contract B below: down 45.4
        (D(50), None, TOO_NEW),  # nothing was expected a quarter before
        (None, None, TOO_NEW),
    ],
)
def test_recovery_status(now, before, status):
    assert recovery_status(now, before) == status


percentages = st.decimals(min_value=0, max_value=500, places=3)


@given(percentages, percentages)
def test_recovery_is_the_mirror_of_falling_behind(now, before):
    assert (recovery_status(now, before) == RECOVERING) == (recovery_status(before, now) == FALLING_BEHIND)
    assert (recovery_status(now, before) == NO_CHANGE) == (abs(now - before) < 5)


# Contract B's commitments: B1 2 at £1,000 a unit, B2 100 at £12.50; B1's 2 reported for the period ending
# 30 November 2025; B2's 96 queried, so not delivered.
B = [
    Commitment(1, D(2), D("1000.00"), date(2025, 9, 1), date(2026, 3, 31), ((date(2025, 11, 30), D(2)),)),
    Commitment(1, D(100), D("12.50"), date(2025, 9, 1), date(2026, 3, 31)),
]


def test_delivered_of_expected_in_pounds_where_priced():
    # 31 March 2026: delivered £2,000 of £2,000 + £1,250 = 61.538…%
    assert round(delivered_of_expected(B, date(2026, 3, 31)), 3) == D("61.538")
    # 31 December 2025, day 122 of 212: expected (2,000 + 1,250) × 122 / 212 = 1,870.28…; delivered £2,000:
    # 106.935…%
    assert round(delivered_of_expected(B, date(2025, 12, 31)), 3) == D("106.936")
    # 30 September 2025: expected 3,250 × 30 / 212 = 459.9…, nothing reported by then: 0%
    assert delivered_of_expected(B, date(2025, 9, 30)) == 0
    assert delivered_of_expected(B, date(2025, 8, 31)) is None  # not started
    # Without a proxy, a commitment counts in its own units: 1 of 2 hours by the end = 50%
    hours = Commitment(2, D(2), None, date(2025, 1, 1), date(2025, 1, 2), ((date(2025, 1, 2), D(1)),))
    assert delivered_of_expected([hours], date(2025, 1, 2)) == 50


def test_status_on_a_day():
    # 30 September: B1 expects 2 × 30/212 = 0.28, B2 14.15, nothing reported yet -> red
    # 31 December: B1 2 of 1.15 green; B2 0 of 57.55 red -> red. 31 August: not started
    assert [status_at(B, d) for d in (date(2025, 8, 31), date(2025, 9, 30), date(2025, 12, 31))] == [
        "not started",
        "red",
        "red",
    ]
    assert status_at([], date(2025, 12, 31)) == "not started"


def test_indicator_keys_and_quantities():
    # the same code in two units (a later model version changed the unit) is never added together
    assert indicator_keys([("1.1", "people"), ("1.1", "hours"), ("2.1", "people")]) == [
        "1.1 (people)",
        "1.1 (hours)",
        "2.1",
    ]
    assert [display(plain_quantity(D(v)), COUNT) for v in ("12.00", "2.50", "1200.00", "0.25", "0.00")] == [
        "12",
        "2.5",
        "1,200",
        "0.25",
        "0",
    ]


# --- The data set -------------------------------------------------------------------------------------------
pytestmark = pytest.mark.django_db


def tables_of(section):
    return {t.key: t for t in section.tables}


def test_delivery_worked_example(data):
    section = delivery.section(FY2025, today=AFTER, now=NOW)
    assert (section.key, section.title) == ("delivery", "What was promised and delivered")
    tables = tables_of(section)
    assert list(tables) == [
        "delivery-indicators",
        "delivery-outcomes",
        "delivery-sectors",
        "delivery-local_spend",
        "delivery-rag",
        "delivery-red_contracts",
    ]
    # Both contracts have ended by 31 March 2026, so expected = committed. Delivered: verified lines only.
    # 1.1: A1 10 + B1 2 = 12 committed at £1,000; delivered A1 4 + 4, B1 2 = 10 (£10,000)
    # 2.1: B2 100 at £12.50 = £1,250; delivered 96 (£1,200)
    # 3.1: A3 2 hours, no proxy: £ "—", counted; delivered 2 (R1; R2's 2 are pending)
    # 6.1: A6 4 at £250 = £1,000; delivered 3 (£750; R2's 2 are queried)
    assert [row[:1] + row[2:] for row in tables["delivery-indicators"].rows] == [
        [1, "full-time equivalent years", 12, 12, 10, D("12000.00"), D("12000.00"), D("10000.00"), 0],
        [2, "people", 100, 100, 96, D("1250.00"), D("1250.00"), D("1200.00"), 0],
        [3, "hours", 2, 2, 2, None, None, None, 1],
        [6, "people", 4, 4, 3, D("1000.00"), D("1000.00"), D("750.00"), 0],
    ]
    assert tables["delivery-indicators"].rows[0][1] == "1.1: Knowsley residents employed on the contract"
    assert [c.text for c in tables["delivery-indicators"].body[2]][6:] == ["—", "—", "—", "1"]
    outcomes = tables["delivery-outcomes"]
    assert [row[:1] + row[2:] for row in outcomes.rows] == [
        [1, D("12000.00"), D("12000.00"), D("10000.00"), 0],
        [2, D("1250.00"), D("1250.00"), D("1200.00"), 0],
        [3, None, None, None, 1],
        [6, D("1000.00"), D("1000.00"), D("750.00"), 0],
    ]
    assert outcomes.foot == [["All outcomes", "", D("14250.00"), D("14250.00"), D("11950.00"), 1]]
    assert (outcomes.chart, outcomes.chart_columns) == ("bar", (2, 3, 4))
    # Sectors: B (Kirkby Kitchens, private) 3,250 / 3,250 / 2,000 + 1,200; A (Merseyside Care Trust,
    # voluntary) 11,000 / 11,000 / 8,000 + 750
    assert tables["delivery-sectors"].rows == [
        ["Private sector", 1, 1, D("3250.00"), D("3250.00"), D("3200.00")],
        ["Voluntary and community sector", 1, 1, D("11000.00"), D("11000.00"), D("8750.00")],
    ]
    assert tables["delivery-sectors"].foot == [
        ["All sectors", 2, 2, D("14250.00"), D("14250.00"), D("11950.00")]
    ]
    # Both contracts start in the year; both suppliers are local: 100%; SME (Kirkby) 40,000 of 190,000 = 21.1%
    assert [row[1:] for row in tables["delivery-local_spend"].rows] == [
        [2, D("190000"), D("100.0")],
        [1, D("40000"), D("21.1")],
        [1, D("150000"), D("78.9")],
    ]
    # A: A1 8/10 amber, A6 3/4 amber, A3 2/2 green -> amber; B: 2/2, 96/100 green -> green
    assert [row[::2] for row in tables["delivery-rag"].rows] == [
        ["Red", 0],
        ["Amber", 1],
        ["Green", 1],
        ["Not started", 0],
    ]
    assert tables["delivery-rag"].caption == "Contracts by delivery status on 31 March 2026"
    assert tables["delivery-red_contracts"].rows == [] and tables["delivery-red_contracts"].public is False
    assert section.summary == [
        "2 contracts were running in this period, with figures as at 31 March 2026. Together they committed "
        "£14,250 of social value; £14,250 of it was expected by 31 March 2026, and £11,950 was delivered and "
        "verified in reports for periods ending in this period.",
        "1 commitment has no financial proxy, so it counts in its own units only.",
        "100.0% of the value of contracts starting in this period went to local organisations (£190,000 of "
        "£190,000).",
        "Delivery status on 31 March 2026: 0 at red, 1 at amber, 1 at green and 0 not started yet.",
    ]
    assert [(h.key, h.label, h.kind, h.value) for h in delivery.headlines(FY2025, today=AFTER)] == [
        ("social_value_committed", "Social value committed", "money", D("14250.00")),
        ("social_value_delivered", "Social value delivered, verified", "money", D("11950.00")),
        ("local_share", "Share of contract value with local organisations", "percent", D("100.0")),
        ("contracts_red", "Contracts at red", "count", 0),
    ]


def test_indicator_totals_while_the_year_runs(data):
    totals = delivery.indicator_totals(FY2025, today=date(2025, 12, 31))
    assert list(totals) == ["1.1", "2.1", "3.1", "6.1"]
    # 31 December 2025 is day 184 of A's 274 and day 122 of B's 212.
    # 1.1: expected A1 10 × 184/274 = 6.715… + B1 2 × 122/212 = 1.150… = 7.866… -> 7.87; £7,866.27
    # 2.1: B2 100 × 122/212 = 57.547… -> 57.55; £719.34 (57.547… × 12.50 = 719.339…)
    # 3.1: A3 2 × 184/274 = 1.343… -> 1.34, no £
    one = totals["1.1"]
    assert (one.committed, one.expected, one.delivered) == (D("12.00"), D("7.87"), D("10.00"))
    assert (one.committed_gbp, one.expected_gbp, one.delivered_gbp) == (
        D("12000.00"),
        D("7866.27"),
        D("10000.00"),
    )
    assert (totals["2.1"].expected, totals["2.1"].expected_gbp) == (D("57.55"), D("719.34"))
    three = totals["3.1"]
    assert (three.expected, three.expected_gbp, three.commitments, three.without_proxy) == (
        D("1.34"),
        None,
        1,
        1,
    )
    # Delivery counts by the period its report ends in: R1 (to 30 September 2025) is outside October to
    # December; R2 (A1 4 verified) and R3 (B1 2, B2 96) are in it
    autumn = Period(date(2025, 10, 1), date(2025, 12, 31), "October to December 2025")
    assert {k: t.delivered for k, t in delivery.indicator_totals(autumn, today=AFTER).items()} == {
        "1.1": D("6.00"),
        "2.1": D("96.00"),
        "3.1": D("0.00"),
        "6.1": D("0.00"),
    }


def test_rag_history_at_each_quarter_end(data):
    # A at 30 September 2025 (day 92 of 274): A1 4 of 3.36, A6 3 of 1.34, A3 2 of 0.67: green.
    #   31 December (day 184; R2 ends that day): A1 8 of 6.72, A6 3 of 2.69, A3 2 of 1.34: green.
    #   31 March 2026: A1 8 of 10 amber, A6 3 of 4 amber: amber.
    # B at 30 September (day 30 of 212): nothing reported yet (R3 ends 30 November): red.
    #   31 December: B1 2 of 1.15, B2 96 of 57.55: green. 31 March: 2 of 2, 96 of 100: green.
    assert delivery.rag_history(FY2025, today=AFTER) == {
        "DASH-001": ["green", "green", "amber"],
        "DASH-002": ["red", "green", "green"],
    }
    # Seen on 15 January 2026: the quarter ends up to 31 December only
    assert delivery.rag_history(FY2025, today=date(2026, 1, 15)) == {
        "DASH-001": ["green", "green"],
        "DASH-002": ["red", "green"],
    }
    # A verified line reported for a period ending after the as-at day does not count on it: on 31 October
    # 2025 R3 (to 30 November) is not in, so B was red at 30 September still, and A green
    assert delivery.rag_history(FY2025, today=date(2025, 10, 31)) == {
        "DASH-001": ["green"],
        "DASH-002": ["red"],
    }


def test_a_red_contract_with_its_recovery_and_latest_rating(data):
    DeliveryLine.objects.filter(kpi=data.b2).update(status="queried", question="Evidence?")
    for period_end, rating, notes in (
        (date(2025, 12, 31), "requires_improvement", "Early help sessions started late."),
        (date(2025, 9, 30), "good", "Mobilised on time."),
        (date(2026, 6, 30), "inadequate", "A rating after the as-at day is not shown."),
    ):
        PerformanceRating.objects.create(
            contract=data.b, period_end=period_end, rating=rating, notes=notes, recorded_by=data.commissioner
        )
    section = delivery.section(FY2025, today=AFTER, now=NOW)
    red = tables_of(section)["delivery-red_contracts"]
    # B: B2 0 of 100 -> red. Delivered of expected, in £: 2,000 of 3,250 = 61.5% on 31 March 2026; on
    # 31 December 2025 2,000 of 1,870.28 = 106.9%: down 45.4 points
    assert red.rows == [
        [
            "DASH-002: Service DASH-002",
            "Kirkby Kitchens Ltd",
            D("61.5"),
            D("106.9"),
            FALLING_BEHIND,
            "Requires improvement",
            date(2025, 12, 31),
            "Early help sessions started late.",
        ]
    ]
    assert red.public is False
    assert [c.label for c in red.columns][2:4] == [
        "Delivered of expected",
        "Delivered of expected, 31 December 2025",
    ]
    assert section.summary[-2:] == [
        "Delivery status on 31 March 2026: 1 at red, 1 at amber, 0 at green and 0 not started yet.",
        "Of those at red, 0 are recovering and 1 is falling further behind, compared with 31 December 2025.",
    ]
    assert delivery.headlines(FY2025, today=AFTER)[3].value == 1
    # Without any rating recorded
    PerformanceRating.objects.all().delete()
    red = tables_of(delivery.section(FY2025, today=AFTER, now=NOW))["delivery-red_contracts"]
    assert red.rows[0][5:] == ["No rating recorded", None, ""]


def test_status_on_a_day_counts_only_what_was_reported_by_then(data):
    # Seen on 31 October 2025: R3 (to 30 November) is not in yet, though verified since.
    # A (day 123 of 274): A1 4 of 10 × 123/274 = 4.49 amber; A6 3 of 1.80, A3 2 of 0.90 green -> amber.
    # B (day 61 of 212): nothing reported -> red; a quarter before (31 July) it had not started.
    october = date(2025, 10, 31)
    tables = tables_of(delivery.section(FY2025, today=october, now=NOW))
    assert [row[::2] for row in tables["delivery-rag"].rows][:3] == [["Red", 1], ["Amber", 1], ["Green", 0]]
    assert [row[2:5] for row in tables["delivery-red_contracts"].rows] == [[D("0.0"), None, TOO_NEW]]
    # The status on the last quarter end is the same as the RAG table's
    assert [h[-1] for h in delivery.rag_history(FY2025, today=AFTER).values()] == ["amber", "green"]


def test_a_period_with_nothing_in_it(data):
    fy2023 = Period.financial_year(2023)
    section = delivery.section(fy2023, today=AFTER, now=NOW)
    assert section.summary == ["No contract was running in this period."]
    tables = tables_of(section)
    assert [key for key, t in tables.items() if t.rows] == ["delivery-local_spend", "delivery-rag"]
    assert [row[1] for row in tables["delivery-local_spend"].rows + tables["delivery-rag"].foot] == [
        0,
        0,
        0,
        "",
    ]
    assert tables["delivery-outcomes"].foot == []
    assert [h.value for h in delivery.headlines(fy2023, today=AFTER)] == [D("0.00"), D("0.00"), None, 0]
    assert delivery.indicator_totals(fy2023, today=AFTER) == {}
    assert delivery.rag_history(fy2023, today=AFTER) == {}


def test_query_counts_do_not_grow(data, django_assert_max_num_queries):
    def counted():
        with django_assert_max_num_queries(12):
            section = delivery.section(FY2025, today=AFTER, now=NOW)
        with django_assert_max_num_queries(5):
            delivery.headlines(FY2025, today=AFTER)
        with django_assert_max_num_queries(3):
            history = delivery.rag_history(FY2025, today=AFTER)
        with django_assert_max_num_queries(2):
            delivery.indicator_totals(FY2025, today=AFTER)
        return section, history

    DeliveryLine.objects.filter(kpi=data.b2).update(status="queried", question="Evidence?")
    PerformanceRating.objects.create(
        contract=data.b,
        period_end=date(2025, 12, 31),
        rating="good",
        notes="Fine",
        recorded_by=data.commissioner,
    )
    section, history = counted()
    assert len(tables_of(section)["delivery-red_contracts"].rows) == 1 and len(history) == 2
    # 60 more contracts (1 June 2025 to 31 May 2026) for both suppliers, each committing 10 at £5 and with
    # 0 to 11 delivered by 31 August: expected by 31 March 2026 10 × 304/365 = 8.33, so those with under 6.25
    # delivered are red (0 to 6: 7 in every 12)
    bulk_contracts(
        60,
        model=data.model,
        by=data.supplier_user,
        reviewer=data.commissioner,
        suppliers=[data.charity, data.kitchens],
    )
    section, history = counted()
    assert len(tables_of(section)["delivery-red_contracts"].rows) == 1 + 35
    assert len(history) == 62 and history["BULK-00000"] == ["red", "red", "red", "red"]
