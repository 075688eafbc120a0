"""The review pack's "How the model was applied", worked by hand from the data set of
tests/reporting/dataset.py for financial year 2025 (1 April 2025 to 31 March 2026)."""

import statistics
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from procurement.models import Tender
from reporting.pack.period import Period
from reporting.pack.sections import application
from reporting.pack.sections.application import Weights, median, weights_of
from reporting.pack.words import plural

from ..dataset import aware, bulk_contracts

D = Decimal
FY2025 = Period.financial_year(2025)
TODAY = date(2026, 6, 1)
NOW = aware(2026, 6, 1, 12)


# --- Pure ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        ({20: 1}, D("20.0")),
        ({0: 1, 10: 1, 20: 1}, D("10.0")),  # odd: the middle one
        ({10: 1, 15: 1}, D("12.5")),  # even: the mean of the middle two
        ({5: 1, 10: 2, 30: 1}, D("10.0")),  # 5, 10, 10, 30: (10 + 10) / 2
        ({0: 2, 15: 1, 20: 1}, D("7.5")),  # 0, 0, 15, 20: (0 + 15) / 2
        ({20: 3, 10: 1}, D("20.0")),  # 10, 20, 20, 20: order of the mapping does not matter
        ({10: 0, 11: 1, 12: 1}, D("11.5")),  # a value given no times is not counted
        ({}, None),
    ],
)
def test_median_of_weights(counts, expected):
    assert median(counts) == expected


@given(st.lists(st.integers(min_value=0, max_value=100), min_size=1, max_size=60))
def test_median_agrees_with_the_statistics_module(weights):
    counts = {w: weights.count(w) for w in set(weights)}
    assert median(counts) == D(str(statistics.median(weights))).quantize(D("0.1"))
    summary = weights_of(counts)
    assert (summary.lowest, summary.highest) == (min(weights), max(weights))
    assert summary.lowest <= summary.median <= summary.highest


def test_no_weights():
    assert weights_of({}) == Weights(None, None, None)
    assert [
        plural(0, "tender", "tenders", no_for_zero=True),
        plural(1, "tender", "tenders"),
        plural(1200, "a", "b"),
    ] == [
        "No tenders",
        "1 tender",
        "1,200 b",
    ]


# --- The data set -------------------------------------------------------------------------------------------
pytestmark = pytest.mark.django_db


def _cancel_after_publishing(data):
    """DASH-004: published 1 July 2025 (£999,999, weight 90%) and cancelled: left out, and counted apart.
    DASH-005: published 2 July 2025, then withdrawn to draft: not published."""
    for reference, status, day in (("DASH-004", Tender.Status.CANCELLED, 1), ("DASH-005", "draft", 2)):
        Tender.objects.create(
            reference=reference,
            title=f"Service {reference}",
            specification="Work",
            service_area="Services",
            estimated_value=D(999_999),
            model=data.model,
            deadline=aware(2025, 8, 1, 12),
            status=status,
            price_weight=0,
            quality_weight=10,
            social_value_weight=90,
            published_at=aware(2025, 7, day, 9),
            cancelled_at=aware(2025, 7, 20, 9) if status == Tender.Status.CANCELLED else None,
        )


def test_application_worked_example(data):
    _cancel_after_publishing(data)
    section = application.section(FY2025, today=TODAY, now=NOW)
    assert (section.key, section.title) == ("application", "How the model was applied")
    tables = {t.key: t for t in section.tables}
    assert list(tables) == [
        "application-weights",
        "application-low_weights",
        "application-priorities",
        "application-service_areas",
    ]
    # Published in the year: DASH-001 (£200,000, 20%), DASH-002 (£50,000, 0%), DASH-003 (£100,000, 10%);
    # DASH-000 was published in March 2025, DASH-004 was cancelled, DASH-005 is back in draft.
    # Weights 0, 10, 20: lowest 0, median 10.0, highest 20.
    assert tables["application-weights"].rows == [["Lowest", 0], ["Median", D("10.0")], ["Highest", 20]]
    assert tables["application-low_weights"].rows == [
        ["DASH-002", "Service DASH-002", 0, "Supplies only: little room for social value."]
    ]
    # One service area: 3 tenders, £350,000, average weight (20 + 0 + 10) / 3 = 10.0
    assert tables["application-service_areas"].rows == [["Services", 3, D("350000.00"), D("10.0")]]
    # Tenders with a weight: DASH-001 (£200,000: 1 50, 3 30, 6 20) and DASH-003 (£100,000: 1 20, 2 40, 4 40).
    # 1: (50 × 200,000 + 20 × 100,000) / 300,000 = 40.0, residents 30 -> +10.0; 2: 40 × 100,000 / 300,000 =
    # 13.3, residents 10 -> +3.3; 3: 20.0 against 20 -> 0.0; 4: 13.3 against 10 -> +3.3; 5: 0.0 against 10
    # -> -10.0; 6: 20 × 200,000 / 300,000 = 13.33… against 20 -> -6.7.
    priorities = tables["application-priorities"]
    assert [row[:1] + row[2:] for row in priorities.rows] == [
        [1, 30, D("40.0"), D("10.0")],
        [2, 10, D("13.3"), D("3.3")],
        [3, 20, D("20.0"), D("0.0")],
        [4, 10, D("13.3"), D("3.3")],
        [5, 10, D("0.0"), D("-10.0")],
        [6, 20, D("13.3"), D("-6.7")],
    ]
    assert (priorities.chart, priorities.chart_columns, priorities.public) == ("bar", (2, 3), True)
    assert priorities.note == (
        "Residents: the proposed split of Priorities 2025 (closed 30 April 2025, 10 responses). "
        "Tenders: the 2 tenders published in the period with a social value weight, each counting in "
        "proportion to its estimated value (£300,000 in all)."
    )
    assert section.summary == [
        "3 tenders were published in this period, with a total estimated value of £350,000. Social value "
        "weights ran from 0.0% to 20.0%; the median was 10.0%.",
        "1 tender weighted social value under 10%; the table gives the reasons recorded.",
        "1 more tender was published and later cancelled; it is left out of these figures.",
        "The widest gap from residents' priorities is outcome 1: tenders gave it 10.0 points more of the "
        "social value weight than residents proposed.",
    ]
    assert [(h.key, h.label, h.kind, h.value) for h in application.headlines(FY2025, today=TODAY)] == [
        ("tenders_published", "Tenders published", "count", 3),
        ("tenders_published_value", "Estimated value of tenders published", "money", D("350000.00")),
        ("median_social_value_weight", "Median social value weight", "percent", D("10.0")),
    ]


def test_residents_split_is_the_latest_closed_by_the_end_of_the_period(data):
    # Financial year 2024 (to 31 March 2025): Priorities 2025 closed on 30 April 2025, after it; Priorities
    # 2024 had no responses, so there is no residents' split. DASH-000 (published 3 March 2025, outcome 5
    # 100%) is the only tender.
    fy2024 = Period.financial_year(2024)
    tables = {t.key: t for t in application.section(fy2024, today=TODAY, now=NOW).tables}
    priorities = tables["application-priorities"]
    assert [(row[0], row[2], row[3], row[4]) for row in priorities.rows if row[3]] == [
        (5, None, D("100.0"), None)
    ]
    assert priorities.note.startswith(
        "Priorities 2024, the latest consultation closed by the end of the period, had too few responses"
    )
    # The same year seen before Priorities 2024 closed: no consultation at all
    early = application.section(fy2024, today=date(2024, 9, 20), now=aware(2024, 9, 20, 12))
    note = {t.key: t for t in early.tables}["application-priorities"].note
    assert note.startswith("No consultation had closed by the end of the period")
    # A period before Priorities 2025 closed, seen from later: the split is not one from after the period
    april = Period(date(2025, 4, 1), date(2025, 4, 29), "April 2025")
    tables = {t.key: t for t in application.section(april, today=TODAY, now=NOW).tables}
    assert "Priorities 2024" in tables["application-priorities"].note


def test_a_period_with_nothing_in_it(data):
    fy2023 = Period.financial_year(2023)
    section = application.section(fy2023, today=TODAY, now=NOW)
    assert section.summary == ["No tenders were published in this period."]
    assert [(t.key, t.rows) for t in section.tables] == [
        ("application-weights", []),
        ("application-low_weights", []),
        ("application-priorities", []),
        ("application-service_areas", []),
    ]
    assert [h.value for h in application.headlines(fy2023, today=TODAY)] == [0, D("0.00"), None]


def test_query_counts_do_not_grow(data, django_assert_max_num_queries):
    application.section(FY2025, today=TODAY, now=NOW)  # the consultation's results into the cache
    with django_assert_max_num_queries(8):
        application.section(FY2025, today=TODAY, now=NOW)
    with django_assert_max_num_queries(2):
        application.headlines(FY2025, today=TODAY)
    # 40 more tenders in another service area, each with a weight and a split
    bulk_contracts(
        40, model=data.model, by=data.commissioner, reviewer=data.supplier_user, suppliers=[data.charity]
    )
    Tender.objects.filter(reference__startswith="BULK").update(
        social_value_weight=5, quality_weight=30, price_weight=65, social_value_justification="Small"
    )
    with django_assert_max_num_queries(8):
        section = application.section(FY2025, today=TODAY, now=NOW)
    with django_assert_max_num_queries(2):
        application.headlines(FY2025, today=TODAY)
    tables = {t.key: t for t in section.tables}
    assert len(tables["application-low_weights"].rows) == 41
    assert [row[:2] for row in tables["application-service_areas"].rows] == [["Bulk", 40], ["Services", 3]]
    # 43 weights: 40 at 5, then 0, 10, 20: the 22nd is 5
    assert tables["application-weights"].rows[1] == ["Median", D("5.0")]
