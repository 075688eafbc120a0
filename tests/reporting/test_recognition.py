"""The public recognition pages: who commits and delivers social value, by organisation and sector, worked by
hand from the data set of tests/reporting/dataset.py, with query counts that do not grow."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from outcomes.models import Organisation
from procurement.models import Bid, Tender
from reporting.selectors.recognition import by_sector, recognition
from reporting.tables.recognition import sector_table

from .dataset import bulk_contracts, cells, count_queries, illustrative_a6

pytestmark = pytest.mark.django_db
D = Decimal


def test_recognition_figures(data):
    illustrative_a6(data)
    # 14 November 2025 is halfway through contract A (1 July 2025 to 31 March 2026: day 137 of 274) and day 75
    # of contract B's 212 (1 September 2025 to 31 March 2026).
    rows = recognition(today=date(2025, 11, 14))
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
    sectors = sector_table(by_sector(rows))
    assert sectors.rows == [
        ["Private sector", 1, 1, D("3250.00"), D("1149.76"), D("3200.00"), D("278.3"), 0],
        ["Voluntary and community sector", 1, 1, D("11000.00"), D("5500.00"), D("8750.00"), D("159.1"), 1],
    ]
    # 11,950 / 6,649.76 = 179.7%
    assert sectors.foot == [["All sectors", 2, 2, D("14250.00"), D("6649.76"), D("11950.00"), D("179.7"), 1]]
    assert [r.name for r in recognition(sector="voluntary")] == ["Merseyside Care Trust"]
    # Before any contract starts nothing is expected: no percentage, as on the contract page.
    assert {r.delivered_of_expected for r in recognition(today=date(2025, 6, 30))} == {None}
    # Every contract in the data set has ended by now: all that was committed is expected.
    assert [r.expected for r in recognition()] == [D("3250.00"), D("11000.00")]


def test_the_recognition_page_is_public(data, client):
    response = client.get(reverse("reporting:recognition"))
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
    url = reverse("reporting:organisation_recognition", kwargs={"pk": data.charity.pk})
    assert f'<a class="govuk-link" href="{url}">Merseyside Care Trust</a>' in html
    assert "Idle Partners" not in html
    assert "illustrative financial proxy" not in html
    # An illustrative proxy is flagged: a warning, and the count in the organisation's row
    illustrative_a6(data)
    response = client.get(reverse("reporting:recognition"))
    assert cells(response.context["organisations"].body)[1][-1] == "1"
    warning = (
        "1 commitment is priced with an illustrative financial proxy: a made-up figure for demonstrations"
    )
    assert warning in response.content.decode()


def test_recognition_filters_by_sector_and_falls_back(data, client):
    response = client.get(reverse("reporting:recognition"), {"sector": "private"})
    assert [row[0] for row in cells(response.context["organisations"].body)] == ["Kirkby Kitchens Ltd"]
    assert response.context["sectors"].foot == []
    response = client.get(reverse("reporting:recognition"), {"sector": "martians"})
    assert response.status_code == 200
    assert response.context["problems"] == [
        "There is no sector called martians, so the page shows all sectors."
    ]
    assert len(response.context["organisations"].rows) == 2
    assert "There is no sector called martians, so the page shows all sectors." in response.content.decode()


def test_an_organisations_recognition_page(data, client):
    response = client.get(reverse("reporting:organisation_recognition", kwargs={"pk": data.charity.pk}))
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
    response = client.get(reverse("reporting:organisation_recognition", kwargs={"pk": data.charity.pk}))
    assert cells(response.context["contracts"].body)[0][-1] == "1"
    assert "1 commitment is priced with an illustrative financial proxy" in response.content.decode()


def test_an_organisation_without_contracts_is_not_found(data, client):
    assert (
        client.get(reverse("reporting:organisation_recognition", kwargs={"pk": data.idle.pk})).status_code
        == 404
    )
    assert client.get(reverse("reporting:organisation_recognition", kwargs={"pk": 999999})).status_code == 404


def test_recognition_queries_do_not_grow(data, client):
    suppliers = [
        Organisation.objects.create(name=f"Bulk supplier {i}", sector="private", size="small")
        for i in range(40)
    ]
    by, reviewer = data.supplier_user, data.commissioner
    bulk_contracts(5, model=data.model, by=by, reviewer=reviewer, suppliers=suppliers[:5])
    list_url = reverse("reporting:recognition")
    detail_url = reverse("reporting:organisation_recognition", kwargs={"pk": suppliers[0].pk})
    small = (count_queries(client, list_url), count_queries(client, detail_url))
    bulk_contracts(200, model=data.model, by=by, reviewer=reviewer, suppliers=suppliers, offset=5)
    assert (count_queries(client, list_url), count_queries(client, detail_url)) == small
    # Bulk supplier 0 won bulk contract 0 and every 40th of the next 200: 1 + 5 = 6 contracts of £900, each
    # committing 10 × £5 = £50. A bid it did not win adds nothing.
    Bid.objects.create(tender=Tender.objects.get(reference="DASH-003"), supplier=suppliers[0], status="draft")
    row = next(r for r in recognition() if r.name == "Bulk supplier 0")
    assert (row.contracts, row.contract_value, row.committed) == (6, D("5400.00"), D("300.00"))
    # recognition: 3 (organisations, £ committed, £ delivered); organisation: 4 (+ outcome titles)
    assert small == (3, 4)
