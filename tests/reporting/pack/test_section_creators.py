"""The review pack's "Who created social value", worked by hand from the data set of
tests/reporting/dataset.py: contract A (Merseyside Care Trust, voluntary, 1 July 2025 to 31 March 2026) and B
(Kirkby Kitchens Ltd, private, 1 September 2025 to 31 March 2026)."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from outcomes.models import Organisation
from reporting.pack.period import Period
from reporting.pack.sections import creators

from ..dataset import aware, bulk_contracts

pytestmark = pytest.mark.django_db
D = Decimal
FY2025 = Period.financial_year(2025)
AFTER = date(2026, 6, 1)
NOW = aware(2026, 6, 1, 12)


def figures(rows):
    return [(str(row[0]), *row[1:]) for row in rows]


def test_creators_worked_example(data):
    section = creators.section(FY2025, today=AFTER, now=NOW)
    assert (section.key, section.title) == ("creators", "Who created social value")
    organisations, sectors = section.tables
    assert (organisations.key, sectors.key) == ("creators-organisations", "creators-sectors")
    assert organisations.public and sectors.public  # the recognition pages are public
    # Both contracts ended by 31 March 2026, so expected = committed.
    # Kirkby Kitchens: committed B1 2,000 + B2 1,250 = 3,250; delivered 2,000 + 96 × 12.50 = 3,200.
    # Merseyside Care Trust: A1 10,000 + A6 1,000 (A3 has no proxy) = 11,000; delivered 8 × 1,000 + 3 × 250.
    # Idle Partners has no contract, so it is not listed.
    assert figures(organisations.rows) == [
        ("Kirkby Kitchens Ltd", "Private sector", True, 1, D("3250.00"), D("3250.00"), D("3200.00")),
        (
            "Merseyside Care Trust",
            "Voluntary and community sector",
            True,
            1,
            D("11000.00"),
            D("11000.00"),
            D("8750.00"),
        ),
    ]
    assert organisations.rows[0][0].url == reverse(
        "reporting:organisation_recognition", kwargs={"pk": data.kitchens.pk}
    )
    assert sectors.rows == [
        ["Private sector", 1, 1, D("3250.00"), D("3250.00"), D("3200.00")],
        ["Voluntary and community sector", 1, 1, D("11000.00"), D("11000.00"), D("8750.00")],
    ]
    assert sectors.foot == [["All sectors", 2, 2, D("14250.00"), D("14250.00"), D("11950.00")]]
    assert (sectors.chart, sectors.chart_columns) == ("bar", (3, 4, 5))
    assert section.summary == [
        "2 organisations held contracts running in this period, from 2 sectors. 2 of them had verified "
        "delivery reported for periods ending in it.",
        "Merseyside Care Trust delivered the most social value in £: £8,750 verified, against £11,000 "
        "expected by 31 March 2026.",
    ]
    assert [(h.key, h.label, h.kind, h.value) for h in creators.headlines(FY2025, today=AFTER)] == [
        ("organisations_delivering", "Organisations delivering social value", "count", 2)
    ]


def test_expected_to_date_while_the_year_runs(data):
    # 14 November 2025: day 137 of A's 274 (half: 5,500) and day 75 of B's 212 (3,250 × 75/212 = 1,149.76)
    organisations, _sectors = creators.section(FY2025, today=date(2025, 11, 14), now=NOW).tables
    assert [row[5] for row in organisations.rows] == [D("1149.76"), D("5500.00")]
    assert "the part due by 14 November 2025" in organisations.note


def test_only_delivery_reported_for_periods_ending_in_the_period_counts(data):
    # October to December 2025: R2 (to 31 December: A1 4 verified, A6 queried, A3 pending) and R3 (to 30
    # November: B1 2, B2 96); R1 (to 30 September) is outside it
    autumn = Period(date(2025, 10, 1), date(2025, 12, 31), "October to December 2025")
    organisations, _sectors = creators.section(autumn, today=AFTER, now=NOW).tables
    assert [(str(row[0]), row[6]) for row in organisations.rows] == [
        ("Kirkby Kitchens Ltd", D("3200.00")),
        ("Merseyside Care Trust", D("4000.00")),
    ]
    # January to December 2026: both contracts run until 31 March, but no report ends in it
    year = Period(date(2026, 1, 1), date(2026, 12, 31), "2026")
    section = creators.section(year, today=AFTER, now=NOW)
    assert [row[6] for row in section.tables[0].rows] == [D("0.00"), D("0.00")]
    assert section.summary == [
        "2 organisations held contracts running in this period, from 2 sectors. Not one of them had verified "
        "delivery reported for periods ending in it."
    ]
    assert creators.headlines(year, today=AFTER)[0].value == 0
    # A verified line of quantity 0 is not delivery
    bulk_contracts(
        1, model=data.model, by=data.supplier_user, reviewer=data.commissioner, suppliers=[data.charity]
    )
    summer = Period(date(2025, 6, 1), date(2025, 8, 31), "Summer 2025")  # BULK-00000 delivered 0 to 31 August
    assert creators.headlines(summer, today=AFTER)[0].value == 0


def test_only_contracts_running_in_the_period_count(data):
    # A contract of Merseyside Care Trust running 1 June 2025 to 31 May 2026 (£900; 10 at £5 = £50 committed)
    bulk_contracts(
        1, model=data.model, by=data.supplier_user, reviewer=data.commissioner, suppliers=[data.charity]
    )
    # July and August 2025: A and the new contract run; B starts on 1 September. Expected by 31 August:
    # A 11,000 × 62/274 = 2,489.05… and the new one 50 × 92/365 = 12.60…: 2,501.65
    summer = Period(date(2025, 7, 1), date(2025, 8, 31), "July and August 2025")
    organisations, sectors = creators.section(summer, today=AFTER, now=NOW).tables
    assert figures(organisations.rows) == [
        (
            "Merseyside Care Trust",
            "Voluntary and community sector",
            True,
            2,
            D("11050.00"),
            D("2501.65"),
            D("0.00"),
        )
    ]
    assert sectors.foot == []  # one sector: no total row
    # April and May 2026: only the new contract runs
    spring = Period(date(2026, 4, 1), date(2026, 5, 31), "April and May 2026")
    rows = creators.figures(spring, today=AFTER)
    assert [(r.name, r.contracts, r.contract_value, r.committed) for r in rows] == [
        ("Merseyside Care Trust", 1, D("900.00"), D("50.00"))
    ]


def test_a_period_with_nothing_in_it(data):
    section = creators.section(Period.financial_year(2023), today=AFTER, now=NOW)
    assert section.summary == [
        "No contract was running in this period, so no organisation created social value through one."
    ]
    assert [(t.rows, t.foot) for t in section.tables] == [([], []), ([], [])]
    assert creators.headlines(Period.financial_year(2023), today=AFTER)[0].value == 0


def test_query_counts_do_not_grow(data, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        creators.section(FY2025, today=AFTER, now=NOW)
    with django_assert_max_num_queries(1):
        creators.headlines(FY2025, today=AFTER)
    suppliers = Organisation.objects.bulk_create(
        Organisation(name=f"Supplier {i:02d}", sector=sector, size="small")
        for i, sector in enumerate(["private", "public", "housing", "social_enterprise"] * 10)
    )
    bulk_contracts(
        80, model=data.model, by=data.supplier_user, reviewer=data.commissioner, suppliers=suppliers
    )
    with django_assert_max_num_queries(4):
        section = creators.section(FY2025, today=AFTER, now=NOW)
    with django_assert_max_num_queries(1):
        headline = creators.headlines(FY2025, today=AFTER)[0]
    assert len(section.tables[0].rows) == 42 and len(section.tables[1].rows) == 5
    # each new supplier has two contracts, delivering i % 12 and (i + 40) % 12: both 0 only for none
    assert headline.value == 42
