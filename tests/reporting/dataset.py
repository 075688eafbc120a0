"""The data set every test of the board's dashboard and the recognition pages (DESIGN §6–7) works its figures
out from by hand, and the helpers those tests share (bulk contracts for query counts, a page's cells).

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

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from consultation.models import Allocation, Consultation, Response
from knowsley_sv.roles import Role
from outcomes.models import Indicator, ModelReview, Organisation, SocialValueModel
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
from reporting.selectors.common import outcome_titles

from ..factories import UserFactory
from ..procurement.helpers import first_indicators

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


def add_kpi(contract, indicator, committed, proxy):
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


def build(adopted_model) -> Data:
    """The data set above, on version 1 of the model (the `data` fixture, tests/reporting/conftest.py)."""
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
    a1 = add_kpi(d.a, indicators[1], 10, "1000.00")
    a6 = add_kpi(d.a, indicators[6], 4, "250.00")
    a3 = add_kpi(d.a, indicators[3], 2, None)
    b1 = add_kpi(d.b, indicators[1], 2, "1000.00")
    d.b2 = add_kpi(d.b, indicators[2], 100, "12.50")
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
    d.titles = outcome_titles()
    return d


def illustrative_a6(data) -> None:
    """A6's indicator (outcome 6's first) gets an illustrative proxy; A3's too, but A3 has no proxy."""
    indicators = first_indicators(data.model)
    Indicator.objects.filter(pk__in=[indicators[6].pk, indicators[3].pk]).update(proxy_illustrative=True)


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


def cells(html_table):
    return [[c.text for c in row] for row in html_table]
