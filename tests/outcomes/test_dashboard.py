"""The board's dashboard and the recognition pages (DESIGN §6–7): every figure of a small data set worked by
hand, the filters and their fallbacks, permissions, downloads, and query counts that do not grow.

The data set (financial year 2025 = 1 April 2025 to 31 March 2026; every contract has ended by the time these
tests run, so each KPI's expected-to-date is its whole commitment):

Organisations
  Merseyside Care Trust   voluntary, large, local (declared)
  Kirkby Kitchens Ltd     private,   small, local (postcode)       <- the local SME
  Idle Partners           public,    micro, not local, no contract
Tenders (estimated value, social value weight, published, split)
  DASH-000  £1,000,000  30%  3 Mar 2025   outcome 5: 100            (before the consultation closed)
  DASH-001    £200,000  20%  6 May 2025   1: 50, 3: 30, 6: 20       -> contract A, Merseyside Care Trust
  DASH-002     £50,000   0%  13 May 2025  1: 100                    -> contract B, Kirkby Kitchens Ltd
  DASH-003    £100,000  10%  2 Jun 2025   1: 20, 2: 40, 4: 40       (not awarded)
Contracts
  A: 1 Jul 2025 – 31 Mar 2026, £150,000     B: 1 Sep 2025 – 31 Mar 2026, £40,000
KPIs (committed × proxy = £ committed)
  A1 outcome 1: 10 × £1,000   = £10,000     B1 outcome 1:   2 × £1,000  = £2,000
  A6 outcome 6:  4 × £250     =  £1,000     B2 outcome 2: 100 × £12.50  = £1,250
  A3 outcome 3:  2 × no proxy =      £0
Delivery reports (lines: quantity, status)
  R1 A, 1 Jul – 30 Sep 2025: A1 4 verified, A6 3 verified, A3 2 verified
  R2 A, 1 Oct – 31 Dec 2025: A1 4 verified, A6 2 queried,  A3 2 pending
  R3 B, 1 Sep – 30 Nov 2025: B1 2 verified, B2 96 verified
Consultations
  Priorities 2024: opens 1 Sep 2024, closes 30 Sep 2024, no responses
  Priorities 2025: opens 1 Apr 2025, closes 30 Apr 2025, 10 responses all giving 30/10/20/10/10/20 to
                   outcomes 1–6, and 1 suspected duplicate
Model: version 1 adopted 15 Jan 2025, reviewed 1 Dec 2025 -> next review due 1 Dec 2026.
"""

import csv
import io
import re
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from consultation.models import Allocation, Consultation, Response
from consultation.selectors import results_changed
from knowsley_sv.models import User
from knowsley_sv.roles import Role
from outcomes import dashboard
from outcomes.dashboard import Filters
from outcomes.models import Indicator, ModelReview, Organisation, SocialValueModel
from procurement import delivery
from procurement.models import (
    Award,
    Bid,
    Contract,
    ContractKPI,
    DeliveryLine,
    DeliveryReport,
    OutcomeShare,
    Tender,
)
from procurement.services import delivery as delivery_services
from procurement.services.delivery import LineEntry

from ..factories import UserFactory
from ..procurement.helpers import contracted_tender, first_indicators

pytestmark = pytest.mark.django_db
D = Decimal


def aware(*args) -> datetime:
    return timezone.make_aware(datetime(*args))


# --- The data set ---------------------------------------------------------------------------------------
class Data:
    """Handles on the fixed data set's objects."""


def _tender(model, reference, value, sv_weight, published, shares, status=Tender.Status.AWARDED):
    quality = 30
    tender = Tender.objects.create(
        reference=reference,
        title=f"Service {reference}",
        specification="Work",
        service_area="Services",
        estimated_value=D(value),
        model=model,
        deadline=published + timedelta(days=30),
        status=status,
        price_weight=100 - quality - sv_weight,
        quality_weight=quality,
        social_value_weight=sv_weight,
        social_value_justification="" if sv_weight >= 10 else "Supplies only: little room for social value.",
        published_at=published,
    )
    outcomes = {o.number: o for o in model.outcomes.all()}
    OutcomeShare.objects.bulk_create(
        OutcomeShare(tender=tender, outcome=outcomes[n], share=shares.get(n, 0)) for n in range(1, 7)
    )
    return tender


def _contract(tender, supplier, by, start, end, value):
    bid = Bid.objects.create(
        tender=tender,
        supplier=supplier,
        status=Bid.Status.SUBMITTED,
        price=D(value),
        submitted_at=tender.deadline,
    )
    award = Award.objects.create(
        tender=tender, bid=bid, results={}, awarded_by=by, awarded_at=tender.deadline + timedelta(days=7)
    )
    return Contract.objects.create(
        award=award,
        start_date=start,
        end_date=end,
        value=D(value),
        entered_by=by,
        entered_at=tender.deadline + timedelta(days=30),
    )


def _kpi(contract, indicator, committed, proxy):
    return ContractKPI.objects.create(
        contract=contract,
        indicator=indicator,
        outcome_number=indicator.outcome.number,
        code=indicator.code,
        name=indicator.name,
        unit=indicator.unit,
        committed=D(committed),
        proxy_value=None if proxy is None else D(proxy),
    )


def _report(contract, start, end, by, reviewer, lines):
    report = DeliveryReport.objects.create(
        contract=contract,
        period_start=start,
        period_end=end,
        submitted_by=by,
        submitted_at=aware(2026, 1, 5, 9),
    )
    for kpi, quantity, status in lines:
        reviewed = status != DeliveryLine.Status.PENDING
        DeliveryLine.objects.create(
            report=report,
            kpi=kpi,
            quantity=D(quantity),
            status=status,
            question="Which payroll shows this?" if status == DeliveryLine.Status.QUERIED else "",
            reported_by=by,
            reviewed_by=reviewer if reviewed else None,
            reviewed_at=aware(2026, 1, 10, 9) if reviewed else None,
        )
    return report


@pytest.fixture
def data(adopted_model):
    d = Data()
    d.model = adopted_model
    SocialValueModel.objects.filter(pk=adopted_model.pk).update(adopted_at=aware(2025, 1, 15, 10))
    d.commissioner = UserFactory(username="dash-commissioner", roles=[Role.COMMISSIONER])
    d.supplier_user = UserFactory(username="dash-supplier", roles=[Role.SUPPLIER])
    ModelReview.objects.create(
        model=adopted_model,
        held_on=date(2025, 12, 1),
        evidence="Delivery figures",
        findings="Working",
        decisions="Keep",
        result=ModelReview.Result.KEPT,
        recorded_by=d.commissioner,
    )
    d.charity = Organisation.objects.create(
        name="Merseyside Care Trust",
        sector="voluntary",
        size="large",
        is_local=True,
        local_basis="declaration",
    )
    d.kitchens = Organisation.objects.create(
        name="Kirkby Kitchens Ltd",
        sector="private",
        size="small",
        is_local=True,
        local_basis="postcode",
        postcode="L32 8RR",
    )
    d.idle = Organisation.objects.create(name="Idle Partners", sector="public", size="micro")
    indicators = first_indicators(adopted_model)

    _tender(adopted_model, "DASH-000", 1_000_000, 30, aware(2025, 3, 3, 9), {5: 100}, Tender.Status.PUBLISHED)
    t1 = _tender(adopted_model, "DASH-001", 200_000, 20, aware(2025, 5, 6, 9), {1: 50, 3: 30, 6: 20})
    t2 = _tender(adopted_model, "DASH-002", 50_000, 0, aware(2025, 5, 13, 9), {1: 100})
    _tender(
        adopted_model,
        "DASH-003",
        100_000,
        10,
        aware(2025, 6, 2, 9),
        {1: 20, 2: 40, 4: 40},
        Tender.Status.PUBLISHED,
    )
    d.a = _contract(t1, d.charity, d.commissioner, date(2025, 7, 1), date(2026, 3, 31), 150_000)
    d.b = _contract(t2, d.kitchens, d.commissioner, date(2025, 9, 1), date(2026, 3, 31), 40_000)
    a1 = _kpi(d.a, indicators[1], 10, "1000.00")
    a6 = _kpi(d.a, indicators[6], 4, "250.00")
    a3 = _kpi(d.a, indicators[3], 2, None)
    b1 = _kpi(d.b, indicators[1], 2, "1000.00")
    d.b2 = _kpi(d.b, indicators[2], 100, "12.50")
    verified, queried, pending = "verified", "queried", "pending"
    by, reviewer = d.supplier_user, d.commissioner
    _report(
        d.a,
        date(2025, 7, 1),
        date(2025, 9, 30),
        by,
        reviewer,
        [(a1, 4, verified), (a6, 3, verified), (a3, 2, verified)],
    )
    _report(
        d.a,
        date(2025, 10, 1),
        date(2025, 12, 31),
        by,
        reviewer,
        [(a1, 4, verified), (a6, 2, queried), (a3, 2, pending)],
    )
    _report(
        d.b, date(2025, 9, 1), date(2025, 11, 30), by, reviewer, [(b1, 2, verified), (d.b2, 96, verified)]
    )

    outcomes = {o.number: o for o in adopted_model.outcomes.all()}
    Consultation.objects.create(
        title="Priorities 2024",
        slug="priorities-2024",
        summary="s",
        how_answers_are_used="h",
        model=adopted_model,
        opens_at=aware(2024, 9, 1, 9),
        closes_at=aware(2024, 9, 30, 17),
        created_by=d.commissioner,
    )
    d.consultation = Consultation.objects.create(
        title="Priorities 2025",
        slug="priorities-2025",
        summary="s",
        how_answers_are_used="h",
        model=adopted_model,
        opens_at=aware(2025, 4, 1, 9),
        closes_at=aware(2025, 4, 30, 17),
        created_by=d.commissioner,
    )
    points = {1: 30, 2: 10, 3: 20, 4: 10, 5: 10, 6: 20}
    for n in range(11):
        response = Response.objects.create(
            consultation=d.consultation,
            submitted_at=aware(2025, 4, 10, 12, n),
            is_suspected_duplicate=n == 10,
        )
        Allocation.objects.bulk_create(
            Allocation(response=response, outcome=outcomes[k], points=v) for k, v in points.items()
        )
    d.titles = dashboard.outcome_titles()
    return d


# --- Pure helpers -------------------------------------------------------------------------------------------
def test_financial_years_start_on_1_april():
    assert dashboard.financial_year_of(date(2026, 3, 31)) == 2025
    assert dashboard.financial_year_of(date(2026, 4, 1)) == 2026
    assert dashboard.financial_year_bounds(2027) == (date(2027, 4, 1), date(2028, 3, 31))
    assert dashboard.financial_year_label(2027) == "April 2027 to March 2028"
    assert dashboard.financial_years_spanning([date(2024, 9, 1), None, date(2026, 2, 1)]) == [2025, 2024]
    assert dashboard.financial_years_spanning([None]) == []


def test_filters_parse_and_fall_back_with_a_message():
    years = [2025, 2024]
    assert dashboard.parse_filters({"year": "2025", "outcome": "3", "sector": "private"}, years=years) == (
        Filters(year=2025, outcome=3, sector="private"),
        [],
    )
    assert dashboard.parse_filters({"year": "all", "outcome": "all", "sector": "all"}, years=years) == (
        Filters(),
        [],
    )
    assert dashboard.parse_filters({"year": "abc", "outcome": "7", "sector": "pirate"}, years=years) == (
        Filters(),
        [
            "There are no figures for a financial year called abc, so the dashboard shows all years.",
            dashboard.UNKNOWN_OUTCOME.format(value="7"),
            "There is no sector called pirate, so the page shows all sectors.",
        ],
    )
    # a year without data is unknown too; a long value is cut short in the message
    filters, problems = dashboard.parse_filters({"year": "2019", "sector": "x" * 40}, years=years)
    assert filters == Filters()
    assert problems[0].startswith("There are no figures for a financial year called 2019,")
    assert "x" * 29 + "…," in problems[1]


def test_a_contract_takes_the_worst_status_of_its_kpis():
    red, amber, green, not_started = delivery.RED, delivery.AMBER, delivery.GREEN, delivery.NOT_STARTED
    assert dashboard.contract_status([green, amber, red]) == red
    assert dashboard.contract_status([green, not_started, amber]) == amber
    assert dashboard.contract_status([green, not_started]) == green
    assert dashboard.contract_status([not_started]) == not_started
    assert dashboard.contract_status([]) == not_started


def test_percentages_round_half_up_to_a_tenth():
    assert dashboard.percent(D(11950), D(14250)) == D("83.9")  # 83.859…
    assert dashboard.percent(1, 8) == D("12.5")
    assert dashboard.percent(1, 0) is None


# --- a. Social value committed and delivered --------------------------------------------------------------
def values(rows):
    return [(r.number, r.committed, r.delivered, r.delivered_percent, r.without_proxy) for r in rows]


def test_social_value_by_outcome(data):
    rows = dashboard.social_value(Filters(), titles=data.titles)
    # committed: outcome 1 = A1 10 × 1,000 + B1 2 × 1,000 = 12,000; outcome 2 = B2 100 × 12.50 = 1,250;
    # outcome 3 = A3 without a proxy = 0 (1 commitment without a proxy); outcome 6 = A6 4 × 250 = 1,000.
    # delivered (verified only): outcome 1 = (A1 4 + 4) × 1,000 + B1 2 × 1,000 = 10,000 (83.3% of 12,000);
    # outcome 2 = B2 96 × 12.50 = 1,200 (96.0%); outcome 3 = A3 2 × no proxy = 0; outcome 6 = A6 3 × 250 = 750
    # (75.0%: the queried 2 do not count).
    assert values(rows) == [
        (1, D("12000.00"), D("10000.00"), D("83.3"), 0),
        (2, D("1250.00"), D("1200.00"), D("96.0"), 0),
        (3, D("0.00"), D("0.00"), None, 1),
        (4, D("0.00"), D("0.00"), None, 0),
        (5, D("0.00"), D("0.00"), None, 0),
        (6, D("1000.00"), D("750.00"), D("75.0"), 0),
    ]
    assert rows[0].title == data.titles[1]
    # In the indicators' own units: outcome 1 = 1.1 full-time equivalent years, committed 10 + 2, delivered
    # 4 + 4 + 2; outcome 3 counts its quantities though it has no proxy (2 committed, 2 verified).
    assert [
        (r.number, r.committed_quantities, r.delivered_quantities) for r in rows if r.committed_quantities
    ] == [
        (1, (("full-time equivalent years", D("12.00")),), (("full-time equivalent years", D("10.00")),)),
        (2, (("people", D("100.00")),), (("people", D("96.00")),)),
        (3, (("hours", D("2.00")),), (("hours", D("2.00")),)),
        (6, (("people", D("4.00")),), (("people", D("3.00")),)),
    ]
    table = dashboard.social_value_table(rows)
    # totals: committed 12,000 + 1,250 + 1,000 = 14,250; delivered 10,000 + 1,200 + 750 = 11,950 (83.859…%);
    # no quantities: different indicators' units are not added across outcomes
    assert table.foot == [["All outcomes", "", D("14250.00"), "", D("11950.00"), "", D("83.9"), 1]]
    assert table.rows[0][3] == "12 full-time equivalent years" and table.rows[3][3] == "—"


def test_natural_units_are_totalled_per_unit_beside_pounds(data):
    # Contract B also commits 3 apprenticeship starts (1.2, no proxy) and 1.5 tonnes CO2e (6.3, £50 a tonne)
    indicators = {i.code: i for i in data.model.outcomes.get(number=1).indicators.all()}
    indicators |= {i.code: i for i in data.model.outcomes.get(number=6).indicators.all()}
    _kpi(data.b, indicators["1.2"], 3, None)
    _kpi(data.b, indicators["6.3"], "1.5", "50.00")
    rows = dashboard.social_value(Filters(), titles=data.titles)
    assert dashboard.quantities_text(rows[0].committed_quantities) == (
        "3 apprenticeship starts, 12 full-time equivalent years"
    )
    assert (rows[0].committed, rows[0].without_proxy) == (D("12000.00"), 1)  # £ as before: no proxy for 1.2
    assert dashboard.quantities_text(rows[5].committed_quantities) == "4 people, 1.5 tonnes CO2e"
    assert rows[5].committed == D("1075.00")  # 1,000 + 1.5 × 50
    assert dashboard.quantities_text((("£", D("1234.5")), ("hours", D("1000")))) == "£1,234.50, 1,000 hours"
    assert dashboard.quantities_text(()) == "—"
    # A commitment priced with an illustrative proxy is flagged beside the £ it adds to (A6; A3 has no proxy).
    assert dashboard.social_value_table(rows).note == ""
    illustrative_a6(data)
    rows = dashboard.social_value(Filters(), titles=data.titles)
    assert [r.illustrative for r in rows] == [0, 0, 0, 0, 0, 1]
    assert dashboard.social_value_table(rows).note == (
        "1 of the commitments counted here is priced with an illustrative financial proxy: a made-up figure "
        "for demonstrations, so the £ they add is not a real value."
    )
    assert dashboard.illustrative_note(1200).startswith("1,200 of the commitments counted here are priced")
    assert dashboard.social_value(Filters(year=2024), titles=data.titles)[5].illustrative == 0


def test_a_year_beside_the_year_before(data):
    # Contract A starts in March 2025 (financial year 2024) and its first report ends 31 March 2025.
    Contract.objects.filter(pk=data.a.pk).update(start_date=date(2025, 3, 1))
    DeliveryReport.objects.filter(contract=data.a, period_start=date(2025, 7, 1)).update(
        period_start=date(2025, 3, 1), period_end=date(2025, 3, 31)
    )
    rows = dashboard.social_value(Filters(year=2025), titles=data.titles)
    # 2025: committed B1 2,000 and B2 1,250; delivered R2's A1 4,000 + R3's B1 2,000, B2 1,200.
    # 2024: committed A1 10,000 and A6 1,000; delivered R1's A1 4 × 1,000 and A6 3 × 250.
    assert [
        (r.number, r.committed, r.delivered, r.previous_committed, r.previous_delivered)
        for r in rows
        if r.committed or r.previous_committed
    ] == [
        (1, D("2000.00"), D("6000.00"), D("10000.00"), D("4000.00")),
        (2, D("1250.00"), D("1200.00"), D("0.00"), D("0.00")),
        (6, D("0.00"), D("0.00"), D("1000.00"), D("750.00")),
    ]
    assert rows[2].without_proxy == 0  # A3, without a proxy, was committed in 2024
    table = dashboard.social_value_table(rows, year=2025)
    assert [c.label for c in table.columns][2:9] == [
        "Committed, 2025 to 2026",
        "Committed, 2025 to 2026, in the indicators' units",
        "Delivered, verified, 2025 to 2026",
        "Delivered, verified, 2025 to 2026, in the indicators' units",
        "Delivered as % of committed",
        "Committed, 2024 to 2025",
        "Delivered, verified, 2024 to 2025",
    ]
    assert table.foot[0][7:] == [D("11000.00"), D("4750.00"), 0]
    assert table.chart_columns == (2, 4, 7, 8)
    # every year: no year before to compare with
    assert "previous_year_committed_gbp" not in dashboard.social_value_table(rows).header


def test_social_value_filtered_by_sector_outcome_and_year(data):
    # private sector: contract B only: committed B1 2,000 and B2 1,250; delivered B1 2,000 and B2 1,200
    rows = dashboard.social_value(Filters(sector="private"), titles=data.titles)
    assert [(r.number, r.committed, r.delivered) for r in rows if r.committed] == [
        (1, D("2000.00"), D("2000.00")),
        (2, D("1250.00"), D("1200.00")),
    ]
    # outcome 1 only: 12,000 committed, 10,000 delivered
    assert values(dashboard.social_value(Filters(outcome=1), titles=data.titles)) == [
        (1, D("12000.00"), D("10000.00"), D("83.3"), 0)
    ]
    # financial year 2025: everything; 2024: no contract starts and no report ends in it
    assert values(dashboard.social_value(Filters(year=2025), titles=data.titles)) == values(
        dashboard.social_value(Filters(), titles=data.titles)
    )
    assert {
        (r.committed, r.delivered) for r in dashboard.social_value(Filters(year=2024), titles=data.titles)
    } == {(D("0.00"), D("0.00"))}


def test_delivery_counts_in_the_year_its_period_ends(data):
    # Move R3 (B1 2 + B2 96 verified) to a period ending in April 2026: financial year 2026.
    DeliveryReport.objects.filter(contract=data.b).update(
        period_start=date(2026, 3, 1), period_end=date(2026, 4, 30)
    )
    fy2025 = dashboard.social_value(Filters(year=2025), titles=data.titles)
    fy2026 = dashboard.social_value(Filters(year=2026), titles=data.titles)
    # 2025: outcome 1 delivered (4 + 4) × 1,000 = 8,000; outcome 2 nothing. 2026: B1 2,000 and B2 1,200,
    # committed 0 (no contract starts in 2026)
    assert [(r.number, r.committed, r.delivered) for r in fy2025[:2]] == [
        (1, D("12000.00"), D("8000.00")),
        (2, D("1250.00"), D("0.00")),
    ]
    assert [(r.number, r.committed, r.delivered) for r in fy2026[:2]] == [
        (1, D("0.00"), D("2000.00")),
        (2, D("0.00"), D("1200.00")),
    ]


# --- b, c. Weighting and local spend ------------------------------------------------------------------------
def test_value_let_with_a_social_value_weight(data):
    table = dashboard.weighting_table(dashboard.weighting(Filters()))
    # A: £150,000 with weight 20; B: £40,000 with weight 0. Total £190,000.
    # share with a weight: 150,000 / 190,000 = 78.947…% -> 78.9; without: 40,000 / 190,000 = 21.052…% -> 21.1
    # simple average weight: (20 + 0) / 2 = 10.0;
    # by value: (20 × 150,000 + 0 × 40,000) / 190,000 = 15.789… -> 15.8
    assert table.rows == [
        ["With a social value weight", 1, D("150000.00"), D("78.9"), D("20.0"), D("20.0")],
        ["Without a social value weight", 1, D("40000.00"), D("21.1"), D("0.0"), D("0.0")],
    ]
    assert table.foot == [["All contracts let", 2, D("190000.00"), D("100.0"), D("10.0"), D("15.8")]]
    # private sector: B only, weight 0
    private = dashboard.weighting_table(dashboard.weighting(Filters(sector="private")))
    assert private.foot == [["All contracts let", 1, D("40000.00"), D("100.0"), D("0.0"), D("0.0")]]
    # no contract let in 2024: nothing to divide by
    assert dashboard.weighting_table(dashboard.weighting(Filters(year=2024))).foot == [
        ["All contracts let", 0, D("0"), None, None, None]
    ]


def test_spend_with_local_organisations_smes_and_vcses(data):
    table = dashboard.local_spend_table(dashboard.local_spend(Filters()))
    # local: both, 190,000 (100%); SMEs: Kirkby Kitchens (small) 40,000 = 21.052…% -> 21.1;
    # VCSEs: Merseyside Care Trust (voluntary) 150,000 = 78.947…% -> 78.9
    assert table.rows == [
        ["Local organisations", 2, D("190000.00"), D("100.0")],
        ["Small and medium-sized enterprises (SMEs)", 1, D("40000.00"), D("21.1")],
        ["Voluntary, community and social enterprises (VCSEs)", 1, D("150000.00"), D("78.9")],
    ]
    assert table.foot == [["All contracts let", 2, D("190000.00"), D("100.0")]]
    voluntary = dashboard.local_spend_table(dashboard.local_spend(Filters(sector="voluntary")))
    assert [row[1:] for row in voluntary.rows] == [
        [1, D("150000.00"), D("100.0")],
        [0, D("0"), D("0.0")],
        [1, D("150000.00"), D("100.0")],
    ]


# --- d. RAG -------------------------------------------------------------------------------------------------
def statuses(filters=None, today=None):
    return {c.reference: c.status for c in dashboard.rag(filters or Filters(), today=today)}


def test_contracts_by_delivery_status(data):
    # Both contracts have ended, so expected = committed.
    # A: A1 8/10 = 80% amber, A6 3/4 = 75% amber (the queried 2 do not count), A3 2/2 green -> amber.
    # B: B1 2/2 = 100% green, B2 96/100 = 96% green -> green.
    assert statuses() == {"DASH-001": "amber", "DASH-002": "green"}
    table = dashboard.rag_table(dashboard.rag(Filters()))
    assert [row[::2] for row in table.rows] == [["Red", 0], ["Amber", 1], ["Green", 1], ["Not started", 0]]
    assert table.foot == [["All contracts", "", 2]]
    contracts = dashboard.rag_contracts_table(dashboard.rag(Filters()))
    assert [[str(cell) for cell in row] for row in contracts.rows] == [
        ["DASH-001: Service DASH-001", "Merseyside Care Trust", "Amber"]
    ]
    assert contracts.rows[0][0].url == reverse("procurement:contract_detail", kwargs={"pk": data.a.pk})
    # sector: private -> B only
    assert statuses(Filters(sector="private")) == {"DASH-002": "green"}


def test_only_verified_delivery_counts_towards_status(data):
    DeliveryLine.objects.filter(kpi=data.b2).update(status="queried", question="Evidence?")
    # B2 now 0/100 delivered -> red, so B is red
    assert statuses() == {"DASH-001": "amber", "DASH-002": "red"}


def test_status_before_and_while_contracts_run(data):
    # 30 June 2025: neither has started
    assert statuses(today=date(2025, 6, 30)) == {"DASH-001": "not started", "DASH-002": "not started"}
    # 31 August 2025: A has run 62 of 274 days: A1 expects 10 × 62/274 = 2.26, A6 0.91, A3 0.45, all delivered
    # in full or more -> green; B starts on 1 September -> not started
    assert statuses(today=date(2025, 8, 31)) == {"DASH-001": "green", "DASH-002": "not started"}
    # contracts running in 2024: none; in 2026: none (both end 31 March 2026)
    assert statuses(Filters(year=2024)) == {}
    assert statuses(Filters(year=2025)) == {"DASH-001": "amber", "DASH-002": "green"}


def test_figures_from_the_services_journey(adopted_model):
    """The worked-example contract (Gamma Works, 1 April 2027 to 31 March 2028: 366 days) with a report made
    and checked through the services."""
    commissioner = UserFactory(username="commissioner", roles=[Role.COMMISSIONER])
    contract = contracted_tender(commissioner)  # KPIs: outcome 1 commits 10, outcome 6 commits 2
    supplier = User.objects.get(username="supplier-gamma-works")
    kpis = {k.outcome_number: k for k in contract.kpis.all()}
    july = aware(2027, 7, 5, 10)
    report = delivery_services.delivery_report_save(
        contract=contract,
        period_start=date(2027, 4, 1),
        by=supplier,
        lines={kpis[1].pk: LineEntry(D(3)), kpis[6].pk: LineEntry(D("0.5"))},
        now=july,
    )
    lines = {line.kpi.outcome_number: line for line in report.lines.select_related("kpi", "report__contract")}
    delivery_services.line_verify(line=lines[1], by=commissioner, now=july)
    delivery_services.line_query(line=lines[6], by=commissioner, question="Which sessions?", now=july)
    fy2027 = Filters(year=2027)

    def figures():
        return [
            (r.number, r.committed, r.delivered, r.without_proxy)
            for r in dashboard.social_value(fy2027, titles={})
            if r.number in (1, 6)
        ]

    # version 1's indicators have no financial proxy: £0, counted as commitments without one
    assert figures() == [(1, D("0.00"), D("0.00"), 1), (6, D("0.00"), D("0.00"), 1)]
    ContractKPI.objects.filter(pk=kpis[1].pk).update(proxy_value=D("100.00"))
    ContractKPI.objects.filter(pk=kpis[6].pk).update(proxy_value=D("40.00"))
    # outcome 1: 10 × 100 = 1,000 committed, 3 verified × 100 = 300 delivered;
    # outcome 6: 2 × 40 = 80 committed, the queried 0.5 not delivered
    assert figures() == [(1, D("1000.00"), D("300.00"), 0), (6, D("80.00"), D("0.00"), 0)]
    # 30 June 2027, day 91 of 366: outcome 1 expects 10 × 91/366 = 2.49, 3 delivered -> green;
    # outcome 6 expects 0.50, 0 verified -> red; so the contract is red
    assert [c.status for c in dashboard.rag(fy2027, today=date(2027, 6, 30))] == ["red"]
    assert dashboard.local_spend(fy2027).total == dashboard.SpendGroup("All contracts let", 1, D("125000.00"))


# --- e, f, g. Participation, priorities, review -------------------------------------------------------------
def test_consultation_participation(data):
    table = dashboard.participation_table(dashboard.participation(Filters()))
    # the suspected duplicate is left out: 10 of 11
    assert table.rows == [
        ["Priorities 2024", date(2024, 9, 1), date(2024, 9, 30), 0],
        ["Priorities 2025", date(2025, 4, 1), date(2025, 4, 30), 10],
    ]
    assert table.foot == [["All consultations", "", "", 10]]
    assert [r.title for r in dashboard.participation(Filters(year=2025))] == ["Priorities 2025"]
    assert [r.title for r in dashboard.participation(Filters(year=2024))] == ["Priorities 2024"]


def test_residents_priorities_against_tender_weighting(data):
    figures = dashboard.priorities(Filters(), titles=data.titles, now=aware(2026, 11, 1, 12))
    # Tenders published since 30 April 2025 with a weight: DASH-001 (£200,000) and DASH-003 (£100,000);
    # DASH-002 has weight 0 and DASH-000 came before. Σ value = 300,000.
    # 1: (50 × 200,000 + 20 × 100,000) / 300,000 = 40.0      residents 30 -> +10.0
    # 2: (40 × 100,000) / 300,000 = 13.33… -> 13.3             residents 10 -> +3.3
    # 3: (30 × 200,000) / 300,000 = 20.0                       residents 20 -> 0.0
    # 4: (40 × 100,000) / 300,000 = 13.3                       residents 10 -> +3.3
    # 5: 0                                                     residents 10 -> -10.0
    # 6: (20 × 200,000) / 300,000 = 13.3                       residents 20 -> -6.7 (13.33… − 20 = −6.67)
    assert [(r.number, r.residents, r.tenders, r.difference) for r in figures.rows] == [
        (1, 30, D("40.0"), D("10.0")),
        (2, 10, D("13.3"), D("3.3")),
        (3, 20, D("20.0"), D("0.0")),
        (4, 10, D("13.3"), D("3.3")),
        (5, 10, D("0.0"), D("-10.0")),
        (6, 20, D("13.3"), D("-6.7")),
    ]
    assert figures.note == (
        "Residents: the proposed split of Priorities 2025 (closed 30 April 2025, 10 responses). "
        "Tenders: 2 published since it closed with a social value weight, estimated value £300,000."
    )
    table = dashboard.priorities_table(figures)
    assert [c.text for c in table.body[5]] == ["Outcome 6", data.titles[6], "20.0%", "13.3%", "-6.7"]
    assert [c.text for c in table.body[0]][2:] == ["30.0%", "40.0%", "+10.0"]
    assert [
        (r.number, r.difference) for r in dashboard.priorities(Filters(outcome=5), titles=data.titles).rows
    ] == [(5, D("-10.0"))]


def test_priorities_say_when_there_is_nothing_to_compare(data):
    # before Priorities 2025 closed, the latest closed one is Priorities 2024, without responses
    figures = dashboard.priorities(Filters(), titles=data.titles, now=aware(2025, 4, 15, 12))
    assert figures.consultation.title == "Priorities 2024"
    assert [r.residents for r in figures.rows] == [None] * 6
    assert figures.note.startswith(
        "The latest closed consultation, Priorities 2024, had too few responses to publish a proposed split"
    )
    # before any closed
    figures = dashboard.priorities(Filters(), titles=data.titles, now=aware(2024, 9, 15, 12))
    assert figures.consultation is None
    assert figures.note == dashboard.NO_CONSULTATION
    assert dashboard.priorities_table(figures).rows == []


def test_model_review_status(data):
    # adopted 15 January 2025, reviewed 1 December 2025 -> due 1 December 2026
    review = dashboard.review(today=date(2026, 12, 1))
    assert (review.version, review.adopted_on, review.last_review_on, review.due_on, review.overdue) == (
        1,
        date(2025, 1, 15),
        date(2025, 12, 1),
        date(2026, 12, 1),
        False,
    )
    assert dashboard.review(today=date(2026, 12, 2)).overdue is True
    assert dashboard.review_table(dashboard.review(today=date(2026, 12, 2))).rows[0][4] == "Overdue"


def test_the_review_banner_comes_from_the_cache_until_a_review_is_recorded(data, django_assert_num_queries):
    day = date(2026, 12, 2)
    assert dashboard.cached_review_status(day).overdue is True  # due 1 December 2026
    with django_assert_num_queries(0):
        assert dashboard.cached_review_status(day).due_on == date(2026, 12, 1)
    ModelReview.objects.create(
        model=data.model,
        held_on=date(2026, 11, 30),
        evidence="A year of delivery",
        findings="Still working",
        decisions="Keep",
        result=ModelReview.Result.KEPT,
        recorded_by=data.commissioner,
    )
    status = dashboard.cached_review_status(day)
    assert (status.due_on, status.overdue) == (date(2027, 11, 30), False)


def test_year_choices_come_from_the_data(data):
    # contracts start and reports end in 2025; consultations opened in 2024 and 2025
    assert dashboard.year_choices() == [2025, 2024]


# --- The page -----------------------------------------------------------------------------------------------
def cells(html_table):
    return [[c.text for c in row] for row in html_table]


def test_the_dashboard_shows_every_figure(data, board_client):
    response = board_client.get(reverse("outcomes:dashboard"))
    assert response.status_code == 200
    tables = response.context["tables"]
    assert list(tables) == [
        "social_value",
        "weighting",
        "local_spend",
        "rag",
        "rag_contracts",
        "participation",
        "priorities",
        "review",
    ]
    assert cells(tables["social_value"].footer) == [
        ["All outcomes", "", "£14,250", "", "£11,950", "", "83.9%", "1"]
    ]
    assert cells(tables["social_value"].body)[0][2:] == [
        "£12,000",
        "12 full-time equivalent years",
        "£10,000",
        "10 full-time equivalent years",
        "83.3%",
        "0",
    ]
    assert cells(tables["weighting"].footer) == [
        ["All contracts let", "2", "£190,000", "100.0%", "10.0%", "15.8%"]
    ]
    assert cells(tables["local_spend"].body)[1] == [
        "Small and medium-sized enterprises (SMEs)",
        "1",
        "£40,000",
        "21.1%",
    ]
    assert [row[2] for row in cells(tables["rag"].body)] == ["0", "1", "1", "0"]
    assert cells(tables["participation"].body)[1] == [
        "Priorities 2025",
        "1 April 2025",
        "30 April 2025",
        "10",
    ]
    assert cells(tables["priorities"].body)[0][2:] == ["30.0%", "40.0%", "+10.0"]
    due = date(2026, 12, 1)
    status = "Overdue" if timezone.localdate() > due else "Not yet due"
    assert cells(tables["review"].body) == [
        ["Version 1", "15 January 2025", "1 December 2025", "1 December 2026", status]
    ]
    html = response.content.decode()
    # The table is the accessible source of the chart: caption, scope headers, numeric cells with raw values.
    table = 'id="table-social_value" data-chart="bar" data-chart-columns="2 4" data-chart-axis="Pounds (£)"'
    assert f'<table class="govuk-table app-table--small" {table}>' in html
    caption = "Social value committed and delivered, by outcome"
    caption_tag = (
        '<caption id="table-social_value-caption" class="govuk-table__caption govuk-table__caption--s">'
    )
    assert f"{caption_tag}{caption}</caption>" in html
    assert (
        'role="region" aria-labelledby="table-social_value-caption" tabindex="0">' in html
    )  # scrolls at 320 px
    assert (
        '<td class="govuk-table__cell govuk-table__cell--numeric" data-value="12000.00">£12,000</td>' in html
    )
    assert '<th scope="row" class="govuk-table__header app-nowrap">Outcome 1</th>' in html
    assert 'href="/dashboard/social_value.csv?year=all&amp;outcome=all&amp;sector=all"' in html
    assert '<script src="/static/js/charts.js" defer></script>' in html
    assert '<script src="/static/vendor/chartjs/chart.umd.min.js" defer></script>' in html
    assert "Filtered by year, outcome and the supplier's sector." in html
    assert 'id="filter-problems"' not in html
    # A contents list of every section, in order; the intro is true with JavaScript off (no chart yet).
    contents = re.search(r'<nav class="app-contents-list"[^>]*>(.*?)</nav>', html, re.S).group(1)
    sections = re.findall(r'<h2 class="govuk-heading-m" id="([a-z-]+)">([^<]+)</h2>', html)
    assert re.findall(r'<a class="govuk-link" href="#([a-z-]+)">([^<]+)</a>', contents) == sections
    assert len(sections) == 7
    assert "Where your browser runs JavaScript, a chart of the same figures is drawn above the table." in html
    assert "Every chart shows" not in html


def test_the_dashboard_filters(data, commissioner_client):
    response = commissioner_client.get(
        reverse("outcomes:dashboard"), {"year": "2025", "outcome": "1", "sector": "private"}
    )
    assert response.status_code == 200
    assert response.context["filters"] == Filters(year=2025, outcome=1, sector="private")
    tables = response.context["tables"]
    # 2025 beside 2024 (nothing then)
    assert cells(tables["social_value"].body) == [
        [
            "Outcome 1",
            data.titles[1],
            "£2,000",
            "2 full-time equivalent years",
            "£2,000",
            "2 full-time equivalent years",
            "100.0%",
            "£0",
            "£0",
            "0",
        ]
    ]
    assert tables["social_value"].foot == []
    assert cells(tables["weighting"].footer)[0][1:3] == ["1", "£40,000"]
    assert [row[0] for row in cells(tables["priorities"].body)] == ["Outcome 1"]
    html = response.content.decode()
    assert '<option value="2025" selected>April 2025 to March 2026</option>' in html
    assert '<option value="private" selected>Private sector</option>' in html
    assert 'href="/dashboard/weighting.xlsx?year=2025&amp;outcome=1&amp;sector=private"' in html
    assert "Partnership board: Financial year April 2025 to March 2026, outcome 1, private sector" in html


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (
            {"year": "abc"},
            "There are no figures for a financial year called abc, so the dashboard shows all years.",
        ),
        (
            {"year": "2019"},
            "There are no figures for a financial year called 2019, so the dashboard shows all years.",
        ),
        (
            {"outcome": "9"},
            dashboard.UNKNOWN_OUTCOME.format(value="9"),
        ),
        ({"sector": "pirates"}, "There is no sector called pirates, so the page shows all sectors."),
    ],
)
def test_unknown_filters_show_a_message_and_the_unfiltered_figures(data, board_client, params, message):
    response = board_client.get(reverse("outcomes:dashboard"), params)
    assert response.status_code == 200
    assert response.context["filters"] == Filters()
    assert response.context["problems"] == [message]
    assert f'<p class="govuk-body">{message}</p>' in response.content.decode()
    assert cells(response.context["tables"]["social_value"].footer)[0][4] == "£11,950"


def test_an_unknown_value_is_escaped_in_the_message(data, board_client):
    response = board_client.get(reverse("outcomes:dashboard"), {"sector": "<b>x</b>"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is no sector called &lt;b&gt;x&lt;/b&gt;, so the page shows all sectors." in html
    assert "<b>x</b>" not in html


def test_an_empty_dashboard_has_no_errors(adopted_model, board_client):
    response = board_client.get(reverse("outcomes:dashboard"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "No contract is at red or amber." in html
    assert dashboard.NO_CONSULTATION.replace("'", "&#x27;") in html


# --- Permissions --------------------------------------------------------------------------------------------
DASHBOARD_PAGES = [
    ("outcomes:dashboard", {}),
    ("outcomes:dashboard_export", {"table": "social_value", "fmt": "csv"}),
]


@pytest.mark.parametrize(("name", "kwargs"), DASHBOARD_PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(adopted_model, client, name, kwargs):
    url = reverse(name, kwargs=kwargs)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"


@pytest.mark.parametrize(("name", "kwargs"), DASHBOARD_PAGES)
@pytest.mark.parametrize("role", [Role.SUPPLIER, Role.EVALUATOR, Role.ADMINISTRATOR, Role.RESIDENT, None])
def test_other_roles_are_refused(adopted_model, client, name, kwargs, role):
    user = UserFactory(
        username=f"refused-{role or 'none'}".replace(" ", "-").lower(), roles=[role] if role else []
    )
    client.force_login(user)
    assert client.get(reverse(name, kwargs=kwargs)).status_code == 403


@pytest.mark.parametrize(("name", "kwargs"), DASHBOARD_PAGES)
@pytest.mark.parametrize("role", [Role.BOARD_MEMBER, Role.COMMISSIONER])
def test_board_members_and_commissioners_may_see_the_dashboard(
    adopted_model, role_client, name, kwargs, role
):
    assert role_client(role).get(reverse(name, kwargs=kwargs)).status_code == 200


# --- Downloads ----------------------------------------------------------------------------------------------
FTE = "full-time equivalent years"
# The social value table for financial year 2025 (everything in the data set) beside 2024 (nothing).
EXPECTED_SOCIAL_VALUE = [
    [
        "outcome",
        "title",
        "committed_gbp",
        "committed_quantities",
        "delivered_gbp",
        "delivered_quantities",
        "delivered_percent",
        "previous_year_committed_gbp",
        "previous_year_delivered_gbp",
        "commitments_without_proxy",
    ],
    ["1", "", "12000.00", f"12 {FTE}", "10000.00", f"10 {FTE}", "83.3", "0.00", "0.00", "0"],
    ["2", "", "1250.00", "100 people", "1200.00", "96 people", "96.0", "0.00", "0.00", "0"],
    ["3", "", "0.00", "2 hours", "0.00", "2 hours", "", "0.00", "0.00", "1"],
    ["4", "", "0.00", "—", "0.00", "—", "", "0.00", "0.00", "0"],
    ["5", "", "0.00", "—", "0.00", "—", "", "0.00", "0.00", "0"],
    ["6", "", "1000.00", "4 people", "750.00", "3 people", "75.0", "0.00", "0.00", "0"],
    ["All outcomes", "", "14250.00", "", "11950.00", "", "83.9", "0.00", "0.00", "1"],
]


def expected_social_value(titles):
    rows = [list(r) for r in EXPECTED_SOCIAL_VALUE]
    for row in rows[1:7]:
        row[1] = titles[int(row[0])]
    return rows


def test_a_table_as_csv(data, board_client):
    response = board_client.get(
        reverse("outcomes:dashboard_export", kwargs={"table": "social_value", "fmt": "csv"}), {"year": "2025"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="dashboard-social-value-fy2025.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    # The first row records the filters that produced the figures; the header follows.
    assert rows[0] == [
        "Filters",
        "Financial year: April 2025 to March 2026",
        "Outcome: All outcomes",
        "Supplier's sector: All sectors",
    ]
    assert rows[1:] == expected_social_value(data.titles)
    weighting = board_client.get(
        reverse("outcomes:dashboard_export", kwargs={"table": "weighting", "fmt": "csv"}),
        {"outcome": "3", "sector": "private"},
    )
    assert next(csv.reader(io.StringIO(weighting.content.decode()))) == [
        "Filters",
        "Financial year: All years",
        "Outcome: Outcome 3 (not applied to this table)",
        "Supplier's sector: Private sector",
    ]


def test_a_table_as_xlsx(data, board_client):
    response = board_client.get(
        reverse("outcomes:dashboard_export", kwargs={"table": "social_value", "fmt": "xlsx"}),
        {"sector": "voluntary"},
    )
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="dashboard-social-value-voluntary.xlsx"'
    workbook = load_workbook(io.BytesIO(response.content))
    table, about = ([list(row) for row in sheet.iter_rows(values_only=True)] for sheet in workbook.worksheets)
    # every year: no year before to compare with, so no previous-year columns
    header = [h for h in EXPECTED_SOCIAL_VALUE[0] if not h.startswith("previous_year")]
    assert table[0] == header
    assert table[1] == [1, data.titles[1], 10000, f"10 {FTE}", 8000, f"8 {FTE}", 80, 0]
    assert table[3] == [3, data.titles[3], 0, "2 hours", 0, "2 hours", None, 1]
    assert table[7] == ["All outcomes", None, 11000, None, 8750, None, 79.5, 1]
    # The second sheet records the filters that produced the figures.
    assert workbook.sheetnames[1] == "About"
    assert about == [
        ["Table", "Social value committed and delivered, by outcome", None],
        ["Filter", "Chosen", "Applied to this table"],
        ["Financial year", "All years", "Yes"],
        ["Outcome", "All outcomes", "Yes"],
        ["Supplier's sector", "Voluntary and community sector", "Yes"],
    ]


def test_every_dashboard_table_downloads(data, board_client):
    for key in dashboard.TABLE_KEYS:
        for fmt in ("csv", "xlsx"):
            url = reverse("outcomes:dashboard_export", kwargs={"table": key, "fmt": fmt})
            assert board_client.get(url).status_code == 200, (key, fmt)
    rag = board_client.get(
        reverse("outcomes:dashboard_export", kwargs={"table": "rag_contracts", "fmt": "csv"})
    )
    assert list(csv.reader(io.StringIO(rag.content.decode())))[1:] == [  # after the filters
        ["contract", "supplier", "status"],
        ["DASH-001: Service DASH-001", "Merseyside Care Trust", "Amber"],
    ]


def test_the_page_lists_the_first_contracts_at_red_or_amber_and_the_download_all(
    data, board_client, monkeypatch
):
    DeliveryLine.objects.filter(kpi=data.b2).update(status="queried", question="Evidence?")  # B goes red
    dashboard.data_changed()
    monkeypatch.setattr(dashboard, "RAG_CONTRACTS_SHOWN", 1)
    page = board_client.get(reverse("outcomes:dashboard")).content.decode()
    listed = page.split('id="table-rag_contracts"', 1)[1].split("</table>", 1)[0]
    assert "DASH-002: Service DASH-002" in listed and "DASH-001" not in listed  # red first
    assert "The first 1 of 2 are shown here. The download below has all 2." in page
    assert f'href="{reverse("procurement:contract_list")}?status=amber"' in page
    rag = board_client.get(
        reverse("outcomes:dashboard_export", kwargs={"table": "rag_contracts", "fmt": "csv"})
    )
    assert [row[0] for row in csv.reader(io.StringIO(rag.content.decode()))][1:] == [
        "contract",
        "DASH-002: Service DASH-002",
        "DASH-001: Service DASH-001",
    ]


def test_a_table_shows_every_row_unless_told():
    contracts = [
        dashboard.ContractStatus(n, f"REF-{n}", "Title", "Supplier", delivery.RED) for n in range(30)
    ]
    table = dashboard.rag_contracts_table(contracts)
    assert len(table.body) == dashboard.RAG_CONTRACTS_SHOWN == 25 and table.not_shown == 5
    assert len(table.export_rows()) == 30
    assert dashboard.rag_table(contracts).not_shown == 0 and len(dashboard.rag_table(contracts).body) == 4


@pytest.mark.parametrize(
    ("table", "fmt"), [("nonsense", "csv"), ("social_value", "pdf"), ("social_value", "CSV")]
)
def test_an_unknown_table_or_format_is_not_found(adopted_model, board_client, table, fmt):
    assert board_client.get(f"/dashboard/{table}.{fmt}").status_code == 404


# --- Query counts -------------------------------------------------------------------------------------------
def bulk_contracts(n, *, model, by, reviewer, suppliers, offset=0):
    """n contracts (tender, bid, award, contract, one KPI with a proxy, one report with a verified line),
    built with bulk_create; suppliers are used in turn."""
    indicator = first_indicators(model)[1]
    published = aware(2025, 5, 1, 9)
    tenders = Tender.objects.bulk_create(
        Tender(
            reference=f"BULK-{offset + i:05d}",
            title=f"Bulk {i}",
            specification="Work",
            service_area="Bulk",
            estimated_value=D(1000),
            model=model,
            deadline=published + timedelta(days=10),
            status=Tender.Status.AWARDED,
            published_at=published,
        )
        for i in range(n)
    )
    bids = Bid.objects.bulk_create(
        Bid(
            tender=t,
            supplier=suppliers[i % len(suppliers)],
            status="submitted",
            price=D(900),
            submitted_at=published,
        )
        for i, t in enumerate(tenders)
    )
    awards = Award.objects.bulk_create(
        Award(tender=t, bid=b, results={}, awarded_by=by, awarded_at=published)
        for t, b in zip(tenders, bids, strict=True)
    )
    contracts = Contract.objects.bulk_create(
        Contract(
            award=a,
            start_date=date(2025, 6, 1),
            end_date=date(2026, 5, 31),
            value=D(900),
            entered_by=by,
            entered_at=published,
        )
        for a in awards
    )
    kpis = ContractKPI.objects.bulk_create(
        ContractKPI(
            contract=c,
            indicator=indicator,
            outcome_number=1,
            code=indicator.code,
            name=indicator.name,
            unit=indicator.unit,
            committed=D(10),
            proxy_value=D(5),
        )
        for c in contracts
    )
    reports = DeliveryReport.objects.bulk_create(
        DeliveryReport(
            contract=c,
            period_start=date(2025, 6, 1),
            period_end=date(2025, 8, 31),
            submitted_by=by,
            submitted_at=published,
        )
        for c in contracts
    )
    DeliveryLine.objects.bulk_create(
        DeliveryLine(
            report=r,
            kpi=k,
            quantity=D(i % 12),
            status="verified",
            reported_by=by,
            reviewed_by=reviewer,
            reviewed_at=published,
        )
        for i, (r, k) in enumerate(zip(reports, kpis, strict=True))
    )


def count_queries(client, url, params=None):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(queries)


MAX_DASHBOARD_QUERIES = 30
# From the shared cache: the user, their roles and the review banner every board page shows; no figure.
WARM_DASHBOARD_QUERIES = 3


def test_dashboard_queries_do_not_grow_with_contracts(data, board_client, django_assert_max_num_queries):
    suppliers = [data.charity, data.kitchens]
    by, reviewer = data.supplier_user, data.commissioner
    bulk_contracts(10, model=data.model, by=by, reviewer=reviewer, suppliers=suppliers)
    url = reverse("outcomes:dashboard")
    filtered = {"year": "2025", "outcome": "1", "sector": "private"}
    cache.clear()  # cold: every figure worked out
    small = count_queries(board_client, url)
    cache.clear()
    small_filtered = count_queries(board_client, url, filtered)
    bulk_contracts(990, model=data.model, by=by, reviewer=reviewer, suppliers=suppliers, offset=10)
    dashboard.data_changed()  # bulk_create sends no post_save
    assert Contract.objects.count() == 1002
    cache.clear()
    with django_assert_max_num_queries(MAX_DASHBOARD_QUERIES) as cold:
        response = board_client.get(url)
    # 1,000 bulk contracts of £900 each with the 2 of the fixed set: 190,000 + 900,000
    assert cells(response.context["tables"]["local_spend"].footer) == [
        ["All contracts let", "1,002", "£1,090,000", "100.0%"]
    ]
    assert len(cold) == small
    # Again, from the shared cache: the same figures with fewer queries.
    with django_assert_max_num_queries(WARM_DASHBOARD_QUERIES):
        response = board_client.get(url)
    assert "£1,090,000" in response.content.decode()
    cache.clear()
    assert count_queries(board_client, url, filtered) == small_filtered
    export = reverse("outcomes:dashboard_export", kwargs={"table": "rag", "fmt": "xlsx"})
    with django_assert_max_num_queries(10):
        board_client.get(export)


# --- The shared cache ---------------------------------------------------------------------------------------
def local_spend_footer(board_client) -> list[list[str]]:
    """The local spend table's footer as the page shows it (a page from the cache has no table objects)."""
    page = board_client.get(reverse("outcomes:dashboard")).content.decode()
    table = page[page.index('id="table-local_spend"') :]
    foot = table[table.index("<tfoot") : table.index("</tfoot>")]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", foot, re.DOTALL)
    return [re.findall(r"<t[hd][^>]*>([^<]*)</t[hd]>", row) for row in rows]


def test_a_save_shows_on_the_cached_dashboard_at_once(data, board_client, django_capture_on_commit_callbacks):
    assert local_spend_footer(board_client) == [["All contracts let", "2", "£190,000", "100.0%"]]
    data.b.value = D("60000")
    with django_capture_on_commit_callbacks(execute=True):
        data.b.save()  # any save of the dashboard's data: the admin's, a service's
    assert local_spend_footer(board_client) == [["All contracts let", "2", "£210,000", "100.0%"]]


def test_a_bulk_write_shows_once_it_says_so(data, board_client):
    assert local_spend_footer(board_client)[0][1] == "2"
    Contract.objects.filter(pk=data.b.pk).update(value=D("60000"))  # no post_save
    assert local_spend_footer(board_client)[0][2] == "£190,000"  # the cached figure, until...
    dashboard.data_changed()
    assert local_spend_footer(board_client)[0][2] == "£210,000"


def test_a_response_leaves_the_contract_tables_in_the_cache(data, django_assert_num_queries):
    figures = dashboard.Figures(Filters(), today=date(2026, 1, 5), now=aware(2026, 1, 5, 12))
    figures.tables()
    Response.objects.create(consultation=data.consultation, submitted_at=aware(2025, 4, 11, 12))
    results_changed(data.consultation.pk)  # as every service that writes a response does
    day, now = date(2026, 1, 5), aware(2026, 1, 5, 12)
    again = dashboard.Figures(Filters(), today=day, now=now, titles=data.titles)
    with django_assert_num_queries(0):
        again.tables(["social_value", "weighting", "local_spend", "rag", "rag_contracts", "review"])
    participation = again.tables(["participation"])["participation"]
    assert [row[-1] for row in participation.rows] == [0, 11]  # worked out again: 10 + the new one


def test_priorities_change_when_the_next_consultation_closes_with_no_write(data):
    later = Consultation.objects.create(
        title="Priorities 2026",
        slug="priorities-2026",
        summary="s",
        how_answers_are_used="h",
        model=data.model,
        opens_at=aware(2026, 4, 1, 9),
        closes_at=aware(2026, 4, 30, 17),
        created_by=data.commissioner,
    )
    before = aware(2026, 4, 30, 16)
    note = dashboard.Figures(Filters(), now=before).tables(["priorities"])["priorities"].note
    assert note.startswith("Residents: the proposed split of Priorities 2025")
    cached = dashboard.Figures(Filters(), now=before).tables(["priorities"])["priorities"].note
    assert cached == note
    after = later.closes_at + timedelta(seconds=1)
    note = dashboard.Figures(Filters(), now=after).tables(["priorities"])["priorities"].note
    assert note.startswith(dashboard.NO_SPLIT.format(title="Priorities 2026"))


# --- Recognition --------------------------------------------------------------------------------------------
def illustrative_a6(data) -> None:
    """A6's indicator (outcome 6's first) gets an illustrative proxy; A3's too, but A3 has no proxy."""
    indicators = first_indicators(data.model)
    Indicator.objects.filter(pk__in=[indicators[6].pk, indicators[3].pk]).update(proxy_illustrative=True)


def test_recognition_figures(data):
    illustrative_a6(data)
    # 14 November 2025 is halfway through contract A (1 July 2025 to 31 March 2026: day 137 of 274) and day 75
    # of contract B's 212 (1 September 2025 to 31 March 2026).
    rows = dashboard.recognition(today=date(2025, 11, 14))
    # Merseyside Care Trust: committed A1 10,000 + A6 1,000 = 11,000 (A3 has no proxy); expected half of it,
    # 5,500; delivered 8,000 + 750 = 8,750, 159.1% of expected; 1 commitment (A6) with an illustrative proxy.
    # Kirkby Kitchens Ltd: committed B1 2,000 + B2 1,250 = 3,250; expected 3,250 × 75 / 212 = 1,149.764… ->
    # 1,149.76; delivered 2,000 + 1,200 = 3,200, 278.3% of expected.
    assert [
        (
            r.name,
            r.sector,
            r.is_local,
            r.contracts,
            r.contract_value,
            r.committed,
            r.expected,
            r.delivered,
            r.delivered_of_expected,
            r.without_proxy,
            r.illustrative,
        )
        for r in rows
    ] == [
        (
            "Kirkby Kitchens Ltd",
            "private",
            True,
            1,
            D("40000.00"),
            D("3250.00"),
            D("1149.76"),
            D("3200.00"),
            D("278.3"),
            0,
            0,
        ),
        (
            "Merseyside Care Trust",
            "voluntary",
            True,
            1,
            D("150000.00"),
            D("11000.00"),
            D("5500.00"),
            D("8750.00"),
            D("159.1"),
            1,
            1,
        ),
    ]
    sectors = dashboard.sector_table(dashboard.by_sector(rows))
    assert sectors.rows == [
        ["Private sector", 1, 1, D("3250.00"), D("1149.76"), D("3200.00"), D("278.3"), 0],
        ["Voluntary and community sector", 1, 1, D("11000.00"), D("5500.00"), D("8750.00"), D("159.1"), 1],
    ]
    # 11,950 / 6,649.76 = 179.7%
    assert sectors.foot == [["All sectors", 2, 2, D("14250.00"), D("6649.76"), D("11950.00"), D("179.7"), 1]]
    assert [r.name for r in dashboard.recognition(sector="voluntary")] == ["Merseyside Care Trust"]
    # Before any contract starts nothing is expected: no percentage, as on the contract page.
    assert {r.delivered_of_expected for r in dashboard.recognition(today=date(2025, 6, 30))} == {None}
    # Every contract in the data set has ended by now: all that was committed is expected.
    assert [r.expected for r in dashboard.recognition()] == [D("3250.00"), D("11000.00")]


def test_the_recognition_page_is_public(data, client):
    response = client.get(reverse("outcomes:recognition"))
    assert response.status_code == 200
    # every contract has ended: expected to date is all that was committed
    assert cells(response.context["organisations"].body) == [
        [
            "Kirkby Kitchens Ltd",
            "Private sector",
            "Yes",
            "1",
            "£3,250",
            "£3,250",
            "£3,200",
            "98.5%",
            "0",
        ],
        [
            "Merseyside Care Trust",
            "Voluntary and community sector",
            "Yes",
            "1",
            "£11,000",
            "£11,000",
            "£8,750",
            "79.5%",
            "0",
        ],
    ]
    assert cells(response.context["sectors"].footer) == [
        ["All sectors", "2", "2", "£14,250", "£14,250", "£11,950", "83.9%", "0"]
    ]
    html = response.content.decode()
    url = reverse("outcomes:organisation_recognition", kwargs={"pk": data.charity.pk})
    assert f'<a class="govuk-link" href="{url}">Merseyside Care Trust</a>' in html
    assert "Idle Partners" not in html
    assert "illustrative financial proxy" not in html
    # An illustrative proxy is flagged: a warning, and the count in the organisation's row
    illustrative_a6(data)
    response = client.get(reverse("outcomes:recognition"))
    assert cells(response.context["organisations"].body)[1][-1] == "1"
    warning = (
        "1 commitment is priced with an illustrative financial proxy: a made-up figure for demonstrations"
    )
    assert warning in response.content.decode()


def test_recognition_filters_by_sector_and_falls_back(data, client):
    response = client.get(reverse("outcomes:recognition"), {"sector": "private"})
    assert [row[0] for row in cells(response.context["organisations"].body)] == ["Kirkby Kitchens Ltd"]
    assert response.context["sectors"].foot == []
    response = client.get(reverse("outcomes:recognition"), {"sector": "martians"})
    assert response.status_code == 200
    assert response.context["problems"] == [
        "There is no sector called martians, so the page shows all sectors."
    ]
    assert len(response.context["organisations"].rows) == 2
    assert "There is no sector called martians, so the page shows all sectors." in response.content.decode()


def test_an_organisations_recognition_page(data, client):
    response = client.get(reverse("outcomes:organisation_recognition", kwargs={"pk": data.charity.pk}))
    assert response.status_code == 200
    # by outcome: 1 = A1 10,000 committed, (4 + 4) × 1,000 delivered; 3 = A3 no proxy; 6 = A6 1,000 / 3 × 250;
    # with the quantities in each indicator's unit (A3's 2 pending hours do not count)
    assert [row for row in response.context["outcomes"].rows if row[2] or row[-1]] == [
        [
            1,
            data.titles[1],
            D("10000.00"),
            "10 full-time equivalent years",
            D("8000.00"),
            "8 full-time equivalent years",
            D("80.0"),
            0,
        ],
        [3, data.titles[3], D("0.00"), "2 hours", D("0.00"), "2 hours", None, 1],
        [6, data.titles[6], D("1000.00"), "4 people", D("750.00"), "3 people", D("75.0"), 0],
    ]
    assert response.context["outcomes"].foot == [
        ["All outcomes", "", D("11000.00"), "", D("8750.00"), "", D("79.5"), 1]
    ]
    assert cells(response.context["contracts"].body) == [
        [
            "DASH-001: Service DASH-001",
            "1 July 2025",
            "31 March 2026",
            "£150,000",
            "£11,000",
            "£11,000",
            "£8,750",
            "79.5%",
            "0",
        ]
    ]
    html = response.content.decode()
    assert '<h1 class="govuk-heading-l">Merseyside Care Trust</h1>' in html
    assert "illustrative financial proxy" not in html
    illustrative_a6(data)
    response = client.get(reverse("outcomes:organisation_recognition", kwargs={"pk": data.charity.pk}))
    assert cells(response.context["contracts"].body)[0][-1] == "1"
    assert "1 commitment is priced with an illustrative financial proxy" in response.content.decode()


def test_an_organisation_without_contracts_is_not_found(data, client):
    assert (
        client.get(reverse("outcomes:organisation_recognition", kwargs={"pk": data.idle.pk})).status_code
        == 404
    )
    assert client.get(reverse("outcomes:organisation_recognition", kwargs={"pk": 999999})).status_code == 404


def test_recognition_queries_do_not_grow(data, client):
    suppliers = [
        Organisation.objects.create(name=f"Bulk supplier {i}", sector="private", size="small")
        for i in range(40)
    ]
    by, reviewer = data.supplier_user, data.commissioner
    bulk_contracts(5, model=data.model, by=by, reviewer=reviewer, suppliers=suppliers[:5])
    list_url = reverse("outcomes:recognition")
    detail_url = reverse("outcomes:organisation_recognition", kwargs={"pk": suppliers[0].pk})
    small = (count_queries(client, list_url), count_queries(client, detail_url))
    bulk_contracts(200, model=data.model, by=by, reviewer=reviewer, suppliers=suppliers, offset=5)
    assert (count_queries(client, list_url), count_queries(client, detail_url)) == small
    # Bulk supplier 0 won bulk contract 0 and every 40th of the next 200: 1 + 5 = 6 contracts of £900, each
    # committing 10 × £5 = £50. A bid it did not win adds nothing.
    Bid.objects.create(tender=Tender.objects.get(reference="DASH-003"), supplier=suppliers[0], status="draft")
    row = next(r for r in dashboard.recognition() if r.name == "Bulk supplier 0")
    assert (row.contracts, row.contract_value, row.committed) == (6, D("5400.00"), D("300.00"))
    # recognition: 3 (organisations, £ committed, £ delivered); organisation: 4 (+ outcome titles)
    assert small == (3, 4)
