"""The dashboard's downloads: each table as CSV and XLSX with the filters behind it, every row (the page shows
the first contracts at red or amber), and a 404 for an unknown table or format."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from knowsley_sv import caching
from procurement import delivery
from procurement.models import DeliveryLine
from reporting import dashboard
from reporting.selectors.contracts import ContractStatus
from reporting.tables import dashboard as tables

pytestmark = pytest.mark.django_db

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
        reverse("reporting:dashboard_export", kwargs={"table": "social_value", "fmt": "csv"}),
        {"year": "2025"},
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
        reverse("reporting:dashboard_export", kwargs={"table": "weighting", "fmt": "csv"}),
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
        reverse("reporting:dashboard_export", kwargs={"table": "social_value", "fmt": "xlsx"}),
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
            url = reverse("reporting:dashboard_export", kwargs={"table": key, "fmt": fmt})
            assert board_client.get(url).status_code == 200, (key, fmt)
    rag = board_client.get(
        reverse("reporting:dashboard_export", kwargs={"table": "rag_contracts", "fmt": "csv"})
    )
    assert list(csv.reader(io.StringIO(rag.content.decode())))[1:] == [  # after the filters
        ["contract", "supplier", "status"],
        ["DASH-001: Service DASH-001", "Merseyside Care Trust", "Amber"],
    ]


def test_the_page_lists_the_first_contracts_at_red_or_amber_and_the_download_all(
    data, board_client, monkeypatch
):
    DeliveryLine.objects.filter(kpi=data.b2).update(status="queried", question="Evidence?")  # B goes red
    caching.changed(DeliveryLine)  # an update() sends no post_save
    monkeypatch.setattr(tables, "RAG_CONTRACTS_SHOWN", 1)
    page = board_client.get(reverse("reporting:dashboard")).content.decode()
    listed = page.split('id="table-rag_contracts"', 1)[1].split("</table>", 1)[0]
    assert "DASH-002: Service DASH-002" in listed and "DASH-001" not in listed  # red first
    assert "The first 1 of 2 are shown here. The download below has all 2." in page
    assert f'href="{reverse("procurement:contract_list")}?status=amber"' in page
    rag = board_client.get(
        reverse("reporting:dashboard_export", kwargs={"table": "rag_contracts", "fmt": "csv"})
    )
    assert [row[0] for row in csv.reader(io.StringIO(rag.content.decode()))][1:] == [
        "contract",
        "DASH-002: Service DASH-002",
        "DASH-001: Service DASH-001",
    ]


def test_a_table_shows_every_row_unless_told():
    contracts = [ContractStatus(n, f"REF-{n}", "Title", "Supplier", delivery.RED) for n in range(30)]
    table = tables.rag_contracts_table(contracts)
    assert len(table.body) == tables.RAG_CONTRACTS_SHOWN == 25 and table.not_shown == 5
    assert len(table.export_rows()) == 30
    assert tables.rag_table(contracts).not_shown == 0 and len(tables.rag_table(contracts).body) == 4


@pytest.mark.parametrize(
    ("table", "fmt"), [("nonsense", "csv"), ("social_value", "pdf"), ("social_value", "CSV")]
)
def test_an_unknown_table_or_format_is_not_found(adopted_model, board_client, table, fmt):
    assert board_client.get(f"/dashboard/{table}.{fmt}").status_code == 404
