"""The dashboard's figures (a–g), each worked by hand from the data set of tests/reporting/dataset.py, and its
tables as the selectors' figures fill them."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from knowsley_sv.models import User
from knowsley_sv.roles import Role
from procurement.models import Contract, ContractKPI, DeliveryLine, DeliveryReport
from procurement.services import delivery as delivery_services
from procurement.services.delivery import LineEntry
from reporting.filters import Filters
from reporting.selectors import review as review_figures
from reporting.selectors.common import year_choices
from reporting.selectors.consultations import NO_CONSULTATION, participation, priorities
from reporting.selectors.contracts import SpendGroup, local_spend, rag, weighting
from reporting.selectors.social_value import social_value
from reporting.tables import dashboard as tables

from ..factories import UserFactory
from ..procurement.helpers import contracted_tender
from .dataset import add_kpi, aware, illustrative_a6

pytestmark = pytest.mark.django_db
D = Decimal


# --- a. Social value committed and delivered --------------------------------------------------------------
def values(rows):
    return [(r.number, r.committed, r.delivered, r.delivered_percent, r.without_proxy) for r in rows]


def test_social_value_by_outcome(data):
    rows = social_value(Filters(), titles=data.titles)
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
    table = tables.social_value_table(rows)
    # totals: committed 12,000 + 1,250 + 1,000 = 14,250; delivered 10,000 + 1,200 + 750 = 11,950 (83.859…%);
    # no quantities: different indicators' units are not added across outcomes
    assert table.foot == [["All outcomes", "", D("14250.00"), "", D("11950.00"), "", D("83.9"), 1]]
    assert table.rows[0][3] == "12 full-time equivalent years" and table.rows[3][3] == "—"


def test_natural_units_are_totalled_per_unit_beside_pounds(data):
    # Contract B also commits 3 apprenticeship starts (1.2, no proxy) and 1.5 tonnes CO2e (6.3, £50 a tonne)
    indicators = {i.code: i for i in data.model.outcomes.get(number=1).indicators.all()}
    indicators |= {i.code: i for i in data.model.outcomes.get(number=6).indicators.all()}
    add_kpi(data.b, indicators["1.2"], 3, None)
    add_kpi(data.b, indicators["6.3"], "1.5", "50.00")
    rows = social_value(Filters(), titles=data.titles)
    assert tables.quantities_text(rows[0].committed_quantities) == (
        "3 apprenticeship starts, 12 full-time equivalent years"
    )
    assert (rows[0].committed, rows[0].without_proxy) == (D("12000.00"), 1)  # £ as before: no proxy for 1.2
    assert tables.quantities_text(rows[5].committed_quantities) == "4 people, 1.5 tonnes CO2e"
    assert rows[5].committed == D("1075.00")  # 1,000 + 1.5 × 50
    assert tables.quantities_text((("£", D("1234.5")), ("hours", D("1000")))) == "£1,234.50, 1,000 hours"
    assert tables.quantities_text(()) == "—"
    # A commitment priced with an illustrative proxy is flagged beside the £ it adds to (A6; A3 has no proxy).
    assert tables.social_value_table(rows).note == ""
    illustrative_a6(data)
    rows = social_value(Filters(), titles=data.titles)
    assert [r.illustrative for r in rows] == [0, 0, 0, 0, 0, 1]
    assert tables.social_value_table(rows).note == (
        "1 of the commitments counted here is priced with an illustrative financial proxy: a made-up figure "
        "for demonstrations, so the £ they add is not a real value."
    )
    assert tables.illustrative_note(1200).startswith("1,200 of the commitments counted here are priced")
    assert social_value(Filters(year=2024), titles=data.titles)[5].illustrative == 0


def test_a_year_beside_the_year_before(data):
    # Contract A starts in March 2025 (financial year 2024) and its first report ends 31 March 2025.
    Contract.objects.filter(pk=data.a.pk).update(start_date=date(2025, 3, 1))
    DeliveryReport.objects.filter(contract=data.a, period_start=date(2025, 7, 1)).update(
        period_start=date(2025, 3, 1), period_end=date(2025, 3, 31)
    )
    rows = social_value(Filters(year=2025), titles=data.titles)
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
    table = tables.social_value_table(rows, year=2025)
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
    assert "previous_year_committed_gbp" not in tables.social_value_table(rows).header


def test_social_value_filtered_by_sector_outcome_and_year(data):
    # private sector: contract B only: committed B1 2,000 and B2 1,250; delivered B1 2,000 and B2 1,200
    rows = social_value(Filters(sector="private"), titles=data.titles)
    assert [(r.number, r.committed, r.delivered) for r in rows if r.committed] == [
        (1, D("2000.00"), D("2000.00")),
        (2, D("1250.00"), D("1200.00")),
    ]
    # outcome 1 only: 12,000 committed, 10,000 delivered
    assert values(social_value(Filters(outcome=1), titles=data.titles)) == [
        (1, D("12000.00"), D("10000.00"), D("83.3"), 0)
    ]
    # financial year 2025: everything; 2024: no contract starts and no report ends in it
    assert values(social_value(Filters(year=2025), titles=data.titles)) == values(
        social_value(Filters(), titles=data.titles)
    )
    assert {(r.committed, r.delivered) for r in social_value(Filters(year=2024), titles=data.titles)} == {
        (D("0.00"), D("0.00"))
    }


def test_delivery_counts_in_the_year_its_period_ends(data):
    # Move R3 (B1 2 + B2 96 verified) to a period ending in April 2026: financial year 2026.
    DeliveryReport.objects.filter(contract=data.b).update(
        period_start=date(2026, 3, 1), period_end=date(2026, 4, 30)
    )
    fy2025 = social_value(Filters(year=2025), titles=data.titles)
    fy2026 = social_value(Filters(year=2026), titles=data.titles)
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
    table = tables.weighting_table(weighting(Filters()))
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
    private = tables.weighting_table(weighting(Filters(sector="private")))
    assert private.foot == [["All contracts let", 1, D("40000.00"), D("100.0"), D("0.0"), D("0.0")]]
    # no contract let in 2024: nothing to divide by
    assert tables.weighting_table(weighting(Filters(year=2024))).foot == [
        ["All contracts let", 0, D("0"), None, None, None]
    ]


def test_spend_with_local_organisations_smes_and_vcses(data):
    table = tables.local_spend_table(local_spend(Filters()))
    # local: both, 190,000 (100%); SMEs: Kirkby Kitchens (small) 40,000 = 21.052…% -> 21.1;
    # VCSEs: Merseyside Care Trust (voluntary) 150,000 = 78.947…% -> 78.9
    assert table.rows == [
        ["Local organisations", 2, D("190000.00"), D("100.0")],
        ["Small and medium-sized enterprises (SMEs)", 1, D("40000.00"), D("21.1")],
        ["Voluntary, community and social enterprises (VCSEs)", 1, D("150000.00"), D("78.9")],
    ]
    assert table.foot == [["All contracts let", 2, D("190000.00"), D("100.0")]]
    voluntary = tables.local_spend_table(local_spend(Filters(sector="voluntary")))
    assert [row[1:] for row in voluntary.rows] == [
        [1, D("150000.00"), D("100.0")],
        [0, D("0"), D("0.0")],
        [1, D("150000.00"), D("100.0")],
    ]


# --- d. RAG -------------------------------------------------------------------------------------------------
def statuses(filters=None, today=None):
    return {c.reference: c.status for c in rag(filters or Filters(), today=today)}


def test_contracts_by_delivery_status(data):
    # Both contracts have ended, so expected = committed.
    # A: A1 8/10 = 80% amber, A6 3/4 = 75% amber (the queried 2 do not count), A3 2/2 green -> amber.
    # B: B1 2/2 = 100% green, B2 96/100 = 96% green -> green.
    assert statuses() == {"DASH-001": "amber", "DASH-002": "green"}
    table = tables.rag_table(rag(Filters()))
    assert [row[::2] for row in table.rows] == [["Red", 0], ["Amber", 1], ["Green", 1], ["Not started", 0]]
    assert table.foot == [["All contracts", "", 2]]
    contracts = tables.rag_contracts_table(rag(Filters()))
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
            for r in social_value(fy2027, titles={})
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
    assert [c.status for c in rag(fy2027, today=date(2027, 6, 30))] == ["red"]
    assert local_spend(fy2027).total == SpendGroup("All contracts let", 1, D("125000.00"))


# --- e, f, g. Participation, priorities, review -------------------------------------------------------------
def test_consultation_participation(data):
    table = tables.participation_table(participation(Filters()))
    # the suspected duplicate is left out: 10 of 11
    assert table.rows == [
        ["Priorities 2024", date(2024, 9, 1), date(2024, 9, 30), 0],
        ["Priorities 2025", date(2025, 4, 1), date(2025, 4, 30), 10],
    ]
    assert table.foot == [["All consultations", "", "", 10]]
    assert [r.title for r in participation(Filters(year=2025))] == ["Priorities 2025"]
    assert [r.title for r in participation(Filters(year=2024))] == ["Priorities 2024"]


def test_residents_priorities_against_tender_weighting(data):
    figures = priorities(Filters(), titles=data.titles, now=aware(2026, 11, 1, 12))
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
    table = tables.priorities_table(figures)
    assert [c.text for c in table.body[5]] == ["Outcome 6", data.titles[6], "20.0%", "13.3%", "-6.7"]
    assert [c.text for c in table.body[0]][2:] == ["30.0%", "40.0%", "+10.0"]
    assert [(r.number, r.difference) for r in priorities(Filters(outcome=5), titles=data.titles).rows] == [
        (5, D("-10.0"))
    ]


def test_priorities_say_when_there_is_nothing_to_compare(data):
    # before Priorities 2025 closed, the latest closed one is Priorities 2024, without responses
    figures = priorities(Filters(), titles=data.titles, now=aware(2025, 4, 15, 12))
    assert figures.consultation.title == "Priorities 2024"
    assert [r.residents for r in figures.rows] == [None] * 6
    assert figures.note.startswith(
        "The latest closed consultation, Priorities 2024, had too few responses to publish a proposed split"
    )
    # before any closed
    figures = priorities(Filters(), titles=data.titles, now=aware(2024, 9, 15, 12))
    assert figures.consultation is None
    assert figures.note == NO_CONSULTATION
    assert tables.priorities_table(figures).rows == []


def test_model_review_status(data):
    # adopted 15 January 2025, reviewed 1 December 2025 -> due 1 December 2026
    review = review_figures.review(today=date(2026, 12, 1))
    assert (review.version, review.adopted_on, review.last_review_on, review.due_on, review.overdue) == (
        1,
        date(2025, 1, 15),
        date(2025, 12, 1),
        date(2026, 12, 1),
        False,
    )
    assert review_figures.review(today=date(2026, 12, 2)).overdue is True
    assert tables.review_table(review_figures.review(today=date(2026, 12, 2))).rows[0][4] == "Overdue"


def test_year_choices_come_from_the_data(data):
    # contracts start and reports end in 2025; consultations opened in 2024 and 2025
    assert year_choices() == [2025, 2024]
