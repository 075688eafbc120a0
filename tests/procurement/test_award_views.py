"""The evaluation report and its downloads, the award, standstill and contract, and the assessment summaries
(DESIGN §5.4–5.5): who may see each page, the figures to the penny, and the fixed number of queries."""

import csv
import io
import re
from datetime import date, datetime, timedelta
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from knowsley_sv import formatting
from knowsley_sv.roles import Role
from outcomes.models import Organisation
from procurement import rules
from procurement.forms import award as award_forms
from procurement.forms import contracts as contract_forms
from procurement.models import Award, Bid, Contract, ModeratedScore, SupplierMember, Tender
from procurement.selectors import evaluation as evaluation_selectors
from procurement.services import award as award_services
from procurement.services import contracts as contract_services
from procurement.services import evaluation as evaluation_services
from procurement.views import award as award_views

from ..factories import UserFactory
from ..pdf import pdf_tags, tagged_pdf_ua
from .helpers import (
    WORKED_EXAMPLE,
    WORKED_EXAMPLE_TABLE,
    bids_by_supplier,
    moderate_all,
    panel_of,
    score_as,
    worked_example_tender,
)

pytestmark = pytest.mark.django_db

# supplier: (price, then score and weighted score on Q1, Q2, O1, O3, O6): DESIGN §5.4's example by hand
WORKED_LINES = {
    "Gamma Works": ("125000.00", "100", "20.00", "80", "8.00", "100", "10.00", "80", "4.80", "100", "4.00"),
    "Alpha Services": ("100000.00", "60", "12.00", "80", "8.00", "80", "8.00", "60", "3.60", "40", "1.60"),
    "Beta Care": ("80000.00", "40", "8.00", "60", "6.00", "20", "2.00", "40", "2.40", "20", "0.80"),
}
RANK_ORDER = ["Gamma Works", "Alpha Services", "Beta Care"]


def evaluate(tender, commissioner, adjust=None):
    for n, evaluator in enumerate(panel_of(tender, commissioner)):
        score_as(tender, evaluator, adjust=adjust if n == 2 else None)
    moderate_all(tender, commissioner)
    tender.refresh_from_db()
    return tender


@pytest.fixture
def evaluated(tender, commissioner):
    return evaluate(tender, commissioner)


@pytest.fixture
def awarded(evaluated, commissioner):
    award_services.award(tender=evaluated, bid=bids_by_supplier(evaluated)["Gamma Works"], by=commissioner)
    evaluated.refresh_from_db()
    return evaluated


def signed_in(client, user):
    client.force_login(user)
    return client


def url(name, tender, *args):
    return reverse(f"procurement:{name}", args=[tender.reference, *args])


def supplier_of_bid(tender, name):
    """The Supplier-role user the helpers made for `name`'s bid."""
    return SupplierMember.objects.select_related("user").get(organisation__name=name).user


class Tables(HTMLParser):
    """Each table's body rows by table id (or "" for tables without one), as lists of cell texts."""

    def __init__(self, html):
        super().__init__()
        self.tables, self.current, self.row, self.cell, self.in_body = {}, None, None, None, False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.current = dict(attrs).get("id", "")
            self.tables.setdefault(self.current, [])
        elif tag == "tbody":
            self.in_body = True
        elif tag == "tr" and self.in_body:
            self.row = []
        elif tag in ("td", "th") and self.row is not None:
            self.cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None:
            self.row.append(" ".join(" ".join(self.cell).split()))
            self.cell = None
        elif tag == "tr" and self.row is not None:
            self.tables[self.current].append(self.row)
            self.row = None
        elif tag == "tbody":
            self.in_body = False

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def results_rows(response):
    return Tables(response.content.decode()).tables["results"]


def page_text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


# --- Who may see what ------------------------------------------------------------------------------------
PAGES = [
    ("report", "get", 200),
    ("report_csv", "get", 200),
    ("report_xlsx", "get", 200),
    ("award", "get", 200),
    ("award_notice", "post", 302),
    ("contract", "get", 200),
    ("summary", "get", 200),
    ("summary_pdf", "get", 200),
]


@pytest.mark.parametrize(
    "who,expected",
    [
        ("anonymous", "login"),
        (Role.BOARD_MEMBER, 403),
        (Role.EVALUATOR, 403),
        (Role.RESIDENT, 403),
        (Role.SUPPLIER, 403),  # a supplier's own summary aside: see below
        ("other commissioner", 404),
        ("commissioner", "allowed"),
    ],
)
def test_only_the_tenders_commissioners_reach_its_award_pages(client, awarded, commissioner, who, expected):
    gamma = bids_by_supplier(awarded)["Gamma Works"]
    # the contract page needs a standstill that has ended
    award_services.award_notice_publish(
        tender=awarded, by=commissioner, now=timezone.now() - timedelta(days=30)
    )
    if who == "commissioner":
        signed_in(client, commissioner)
    elif who == "other commissioner":
        signed_in(client, UserFactory(username="someone-else", roles=[Role.COMMISSIONER]))
    elif who == Role.SUPPLIER:
        signed_in(client, supplier_of_bid(awarded, "Alpha Services"))
    elif who != "anonymous":
        signed_in(client, UserFactory(username="other-role", roles=[who]))
    for name, method, allowed in PAGES:
        target = url(name, awarded, gamma.pk) if name.startswith("summary") else url(name, awarded)
        response = getattr(client, method)(target)
        if expected == "login":
            assert response.status_code == 302 and response["Location"].startswith(reverse("login")), name
        elif who == Role.SUPPLIER and name.startswith("summary"):
            assert response.status_code == 404, name  # another bidder's summary
        else:
            assert response.status_code == (allowed if expected == "allowed" else expected), name


def test_the_award_notice_is_post_only(client, awarded, commissioner):
    signed_in(client, commissioner)
    assert client.get(url("award_notice", awarded)).status_code == 405
    assert not Award.objects.get().notice_published_at


@pytest.mark.parametrize("view_name", ["summary", "summary_pdf"])
def test_a_supplier_sees_only_its_own_bids_summary(client, awarded, view_name):
    bids = bids_by_supplier(awarded)
    signed_in(client, supplier_of_bid(awarded, "Alpha Services"))
    assert client.get(url(view_name, awarded, bids["Alpha Services"].pk)).status_code == 200
    assert client.get(url(view_name, awarded, bids["Beta Care"].pk)).status_code == 404
    assert client.get(url(view_name, awarded, bids["Gamma Works"].pk)).status_code == 404


def test_a_supplier_user_without_an_organisation_sees_no_summary(client, awarded):
    signed_in(client, UserFactory(username="lone-supplier", roles=[Role.SUPPLIER]))
    gamma = bids_by_supplier(awarded)["Gamma Works"]
    assert client.get(url("summary", awarded, gamma.pk)).status_code == 404


def test_summaries_exist_only_after_the_award(client, evaluated, commissioner):
    alpha = bids_by_supplier(evaluated)["Alpha Services"]
    signed_in(client, commissioner)
    assert client.get(url("summary", evaluated, alpha.pk)).status_code == 404
    signed_in(client, supplier_of_bid(evaluated, "Alpha Services"))
    assert client.get(url("summary", evaluated, alpha.pk)).status_code == 404


def test_a_summary_of_a_bid_that_was_not_assessed_is_a_404(client, awarded, commissioner):
    signed_in(client, commissioner)
    assert client.get(url("summary", awarded, 999999)).status_code == 404


# --- The report ----------------------------------------------------------------------------------------
def test_the_report_shows_designs_worked_example_to_the_penny_in_rank_order(client, evaluated, commissioner):
    response = signed_in(client, commissioner).get(url("report", evaluated))
    assert response.status_code == 200
    rows = results_rows(response)
    assert [row[0] for row in rows] == RANK_ORDER
    breakdown = Tables(response.content.decode()).tables["breakdown"]
    assert [row[0] for row in breakdown] == RANK_ORDER
    for row, lines_row in zip(rows, breakdown, strict=True):
        name = row[0]
        price, *lines = WORKED_LINES[name]
        assert row[1] == formatting.money(price)
        assert tuple(row[2:6]) == WORKED_EXAMPLE_TABLE[name][:4]
        assert row[6:] == [str(WORKED_EXAMPLE_TABLE[name][4])]
        assert lines_row[1:11] == list(lines)
        assert lines_row[11:] == ["£0"]  # the adopted model ships no proxy values for these indicators
    text = page_text(response)
    assert "Sub-totals and totals are worked out from the exact figures" in text
    assert "Tied:" not in text and "Flagged:" not in text  # legends only for what the tables show
    assert "Price 50, quality 30, social value 20 (points of 100)" in text
    assert "Relative to the lowest price: price weight × lowest compliant price ÷ bid price" in text
    assert 'abbr title="Q1 Delivery">Q1</abbr>' in response.content.decode()
    assert 'abbr title="Outcome 3: ' in response.content.decode()
    for name in ("report_csv", "report_xlsx", "award"):
        assert f'href="{url(name, evaluated)}"' in response.content.decode()


def test_the_report_prices_have_thousands_separators(client, evaluated, commissioner):
    rows = results_rows(signed_in(client, commissioner).get(url("report", evaluated)))
    assert [row[1] for row in rows] == ["£125,000", "£100,000", "£80,000"]


def test_the_report_marks_flagged_rows_and_bids_not_ranked(client, tender, commissioner):
    tender.criteria.filter(number=1).update(minimum_score=80)
    evaluate(tender, commissioner, adjust={("Alpha Services", "Q1"): 100})
    response = signed_in(client, commissioner).get(url("report", tender))
    rows = results_rows(response)
    by_name = {row[0]: row for row in rows}
    lines = {row[0]: row for row in Tables(response.content.decode()).tables["breakdown"]}
    assert [row[0] for row in rows] == ["Gamma Works", "Alpha Services", "Beta Care"]  # not ranked last
    assert lines["Alpha Services"][1] == "60 ⚑ (flagged)"
    assert lines["Beta Care"][1] == "40"
    assert "Flagged: the evaluators' scores differed by 40 or more" in page_text(response)
    assert by_name["Gamma Works"][6] == "1"
    assert by_name["Alpha Services"][6] == (
        "Not ranked Not compliant: Scored 60 on Q1 Delivery, below the minimum of 80."
    )
    assert by_name["Beta Care"][6].startswith("Not ranked Not compliant: Scored 40 on Q1 Delivery")
    # No total for a bid that is not compliant: Beta's would be 69.20, Alpha's above the winner's.
    assert [by_name[name][5] for name in ("Gamma Works", "Alpha Services", "Beta Care")] == [
        "96.80",  # Gamma's is the only compliant price, so the lowest: the full 50 points
        "None: not compliant",
        "None: not compliant",
    ]
    for name in ("report_csv", "report_xlsx"):
        response = client.get(url(name, tender))
        header, *rows = (
            list(load_workbook(io.BytesIO(response.content)).active.values)
            if name == "report_xlsx"
            else list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        )
        total = header.index("Total")
        assert [row[total] for row in rows][1:] == ([None, None] if name == "report_xlsx" else ["", ""])


def test_tied_bids_are_tagged_and_need_a_reason_to_award(client, commissioner, adopted_model):
    same = (Decimal("90000"), {"Q1": 60, "Q2": 60, "O1": 60, "O3": 60, "O6": 60})
    suppliers = {"Delta Ltd": same, "Echo Ltd": same}
    tender = worked_example_tender(commissioner, suppliers=suppliers)
    for evaluator in panel_of(tender, commissioner, count=1):
        score_as(tender, evaluator, scores=suppliers)
    moderate_all(tender, commissioner, scores=suppliers)
    signed_in(client, commissioner)
    report = client.get(url("report", tender))
    assert [row[6] for row in results_rows(report)] == ["1 Tied", "1 Tied"]
    assert "Tied: level on the total and on quality plus social value." in page_text(report)
    delta = bids_by_supplier(tender)["Delta Ltd"]
    response = client.post(url("award", tender), {"bid": delta.pk, "reason": ""})
    assert award_services.TIE_REASON_REQUIRED in page_text(response)
    assert not Award.objects.exists()
    client.post(url("award", tender), {"bid": delta.pk, "reason": "Local depot", "confirm": "yes"})
    echo = bids_by_supplier(tender)["Echo Ltd"]
    text = page_text(client.get(url("summary", tender, echo.pk)))
    assert (
        "Rank 1 of 2 bids ranked (tied) "
        + award_views.TIED_UNBROKEN.format(total="80.00", names="Delta Ltd", score="30.00")
        in text
    )
    assert "The reason recorded for the award: Local depot" in text


def test_a_tie_on_total_broken_by_quality_and_social_value_is_explained(client, commissioner, adopted_model):
    suppliers = {  # both total 80.00: 50 + 30 against 40 + 40
        "Cheap Ltd": (Decimal("100000"), {"Q1": 60, "Q2": 60, "O1": 60, "O3": 60, "O6": 60}),
        "Careful Ltd": (Decimal("125000"), {"Q1": 80, "Q2": 80, "O1": 80, "O3": 80, "O6": 80}),
    }
    tender = worked_example_tender(commissioner, suppliers=suppliers)
    for evaluator in panel_of(tender, commissioner, count=1):
        score_as(tender, evaluator, scores=suppliers)
    moderate_all(tender, commissioner, scores=suppliers)
    bids = bids_by_supplier(tender)
    award_services.award(tender=tender, bid=bids["Careful Ltd"], by=commissioner)
    signed_in(client, commissioner)
    text = page_text(client.get(url("summary", tender, bids["Cheap Ltd"].pk)))
    assert (
        "Rank 2 of 2 bids ranked "
        + award_views.TIE_BROKEN.format(total="80.00", names="Careful Ltd", score="30.00", theirs="40.00")
        in text
    )
    assert (
        award_views.TIE_BROKEN.format(total="80.00", names="Cheap Ltd", score="40.00", theirs="30.00") in text
    )  # the winner's part of the same summary


def test_before_moderation_is_complete_the_report_says_what_is_left(client, tender, commissioner):
    for evaluator in panel_of(tender, commissioner, count=1):
        score_as(tender, evaluator)
    gamma = bids_by_supplier(tender)["Gamma Works"]
    keys = {line.short: line.key for line in evaluation_selectors.evaluation_lines(tender)}
    evaluation_services.moderate(
        tender=tender, bid=gamma, by=commissioner, entries={keys["Q1"]: (100, "Clear")}
    )
    signed_in(client, commissioner)
    response = client.get(url("report", tender))
    assert "14 lines still to moderate." in page_text(response)
    assert f'href="{url("moderation", tender)}"' in response.content.decode()
    assert "results" not in Tables(response.content.decode()).tables
    download = client.get(url("report_csv", tender), follow=True)
    assert download.redirect_chain == [(url("report", tender), 302)]
    assert award_views.REPORT_NOT_READY.format(count=14) in page_text(download)


def test_the_csv_has_the_report_table(client, evaluated, commissioner):
    response = signed_in(client, commissioner).get(url("report_csv", evaluated))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert f'filename="{evaluated.reference}-evaluation.csv"' in response["Content-Disposition"]
    assert response.content.startswith("\ufeffSupplier,Price (£),".encode())  # Excel reads the £ as UTF-8
    header, *rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert header == [
        "Supplier",
        "Price (£)",
        "Q1 score",
        "Q1 weighted",
        "Q2 score",
        "Q2 weighted",
        "O1 score",
        "O1 weighted",
        "O3 score",
        "O3 weighted",
        "O6 score",
        "O6 weighted",
        "Price score",
        "Quality",
        "Social value",
        "Total",
        "Rank",
        "Tied",
        "Not compliant because",
        "Flagged lines",
        "Social value committed (£, not scored)",
    ]
    assert rows == [
        [name, *WORKED_LINES[name], *WORKED_EXAMPLE_TABLE[name][:4], str(WORKED_EXAMPLE_TABLE[name][4])]
        + ["No", "", "", "0.00"]
        for name in RANK_ORDER
    ]


def test_the_csv_keeps_a_suppliers_name_from_running_as_a_formula(client, commissioner, adopted_model):
    suppliers = {"=HYPERLINK(1)": WORKED_EXAMPLE["Gamma Works"]}
    tender = worked_example_tender(commissioner, suppliers=suppliers)
    for evaluator in panel_of(tender, commissioner, count=1):
        score_as(tender, evaluator, scores=suppliers)
    moderate_all(tender, commissioner, scores=suppliers)
    response = signed_in(client, commissioner).get(url("report_csv", tender))
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[1][0] == "'=HYPERLINK(1)"


WORKED_LINE_ORDER = ("Q1", "Q2", "O1", "O3", "O6")


def test_the_xlsx_opens_and_has_the_totals(client, evaluated, commissioner):
    response = signed_in(client, commissioner).get(url("report_xlsx", evaluated))
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(response.content)).active
    header, *rows = list(sheet.values)
    total, rank = header.index("Total"), header.index("Rank")
    assert [(row[0], row[total], row[rank]) for row in rows] == [
        ("Gamma Works", 78.8, 1),
        ("Alpha Services", 73.2, 2),
        ("Beta Care", 69.2, 3),
    ]
    assert [row[header.index("Price (£)")] for row in rows] == [125000, 100000, 80000]
    formats = {heading: cell.number_format for heading, cell in zip(header, list(sheet.rows)[1], strict=True)}
    assert formats == {
        "Supplier": "General",
        "Price (£)": '"£"#,##0.00',
        **{
            f"{line} {part}": ("0" if part == "score" else "0.00")
            for line in WORKED_LINE_ORDER
            for part in ("score", "weighted")
        },
        "Price score": "0.00",
        "Quality": "0.00",
        "Social value": "0.00",
        "Total": "0.00",
        "Rank": "0",
        "Tied": "General",
        "Not compliant because": "General",
        "Flagged lines": "General",
        "Social value committed (£, not scored)": '"£"#,##0.00',
    }


def _tender_with_bids(commissioner, prefix: str, count: int) -> Tender:
    """A tender with `count` opened bids, every line moderated: one bid through the services, the rest
    created in bulk (200 bids through the services would take minutes)."""
    first = {f"{prefix} first": WORKED_EXAMPLE["Gamma Works"]}
    tender = worked_example_tender(commissioner, suppliers=first)
    organisations = Organisation.objects.bulk_create(
        Organisation(
            name=f"{prefix} supplier {n:03d}",
            sector=Organisation.Sector.PRIVATE,
            size=Organisation.Size.SMALL,
        )
        for n in range(count - 1)
    )
    now = timezone.now()
    Bid.objects.bulk_create(
        Bid(
            tender=tender,
            supplier=organisation,
            status=Bid.Status.SUBMITTED,
            price=Decimal(90000 + n * 100),
            submitted_at=now - timedelta(hours=1),
        )
        for n, organisation in enumerate(organisations)
    )
    lines = evaluation_selectors.evaluation_lines(tender)
    ModeratedScore.objects.bulk_create(
        ModeratedScore(
            bid=bid,
            value=(20, 40, 60, 80, 100)[(bid.pk + i) % 5],
            rationale="Agreed by the panel",
            flagged=bid.pk % 7 == 0,
            moderated_by=commissioner,
            moderated_at=now,
            **line.ids,
        )
        for bid in tender.bids.all()
        for i, line in enumerate(lines)
    )
    assert evaluation_selectors.evaluation(tender).complete
    return tender


def test_the_report_runs_the_same_queries_for_10_and_200_bids(client, commissioner, adopted_model):
    small = _tender_with_bids(commissioner, "Small", 10)
    large = _tender_with_bids(commissioner, "Large", 200)
    signed_in(client, commissioner)
    counts = {}
    for tender, bids in ((small, 10), (large, 200)):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url("report", tender))
        assert response.status_code == 200
        assert len(results_rows(response)) == bids
        counts[bids] = len(queries)
    assert counts[10] == counts[200] <= 10
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url("report_csv", large)).status_code == 200
    assert len(queries) == counts[200]


# --- The award -------------------------------------------------------------------------------------------
def test_the_award_form_offers_the_compliant_bids_with_the_top_one_chosen(client, evaluated, commissioner):
    response = signed_in(client, commissioner).get(url("award", evaluated))
    html = response.content.decode()
    bids = bids_by_supplier(evaluated)
    labels = re.findall(r'class="govuk-label govuk-radios__label"[^>]*>\s*([^<]+?)\s*</label>', html)
    assert labels == [
        "Gamma Works — total 78.80, rank 1",
        "Alpha Services — total 73.20, rank 2",
        "Beta Care — total 69.20, rank 3",
    ]
    checked = re.findall(r'value="(\d+)"\s*checked', html)
    assert checked == [str(bids["Gamma Works"].pk)]
    assert "Needed when you do not award the top-ranked bid, or when the top bids are tied." in html


def test_awarding_another_bid_needs_a_reason(client, evaluated, commissioner):
    alpha = bids_by_supplier(evaluated)["Alpha Services"]
    signed_in(client, commissioner)
    response = client.post(url("award", evaluated), {"bid": alpha.pk, "reason": "  "})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Error: Award" in html
    assert 'class="govuk-error-summary"' in html and award_services.AWARD_REASON_REQUIRED in html
    assert not Award.objects.exists()
    choice = {"bid": alpha.pk, "reason": "Gamma Works withdrew before award."}
    check = page_text(client.post(url("award", evaluated), choice))
    assert "Check your award" in check and not Award.objects.exists()
    assert "Award the contract to Alpha Services" in check
    assert "Total score 73.20 of 100 Rank 2 of 3 bids ranked" in check
    assert "Reason Gamma Works withdrew before award." in check
    changing = client.post(url("award", evaluated), choice | {"change": "yes"})
    assert 'name="reason"' in changing.content.decode() and "Gamma Works withdrew" in page_text(changing)
    assert "Check your award" not in page_text(changing) and not Award.objects.exists()
    response = client.post(url("award", evaluated), choice | {"confirm": "yes"})
    assert response.status_code == 302 and response["Location"] == url("award", evaluated)
    award = Award.objects.get()
    assert (award.bid, award.reason) == (alpha, "Gamma Works withdrew before award.")
    page = page_text(client.get(url("award", evaluated)))
    assert "Awarded to Alpha Services" in page
    assert "Total score 73.20, rank 2" in page
    assert "Reason Gamma Works withdrew before award." in page


def test_awarding_twice_is_refused(client, evaluated, commissioner):
    bids = bids_by_supplier(evaluated)
    signed_in(client, commissioner)
    first = client.post(
        url("award", evaluated), {"bid": bids["Gamma Works"].pk, "reason": "", "confirm": "yes"}, follow=True
    )
    assert "The contract is awarded to Gamma Works." in page_text(first)
    again = client.post(
        url("award", evaluated), {"bid": bids["Alpha Services"].pk, "reason": "Second thoughts"}, follow=True
    )
    assert award_services.AWARDED_ALREADY in page_text(again)
    assert Award.objects.get().bid == bids["Gamma Works"]


def test_a_bid_that_is_not_offered_cannot_be_chosen(client, tender, commissioner):
    tender.criteria.filter(number=1).update(minimum_score=80)
    evaluate(tender, commissioner)
    alpha = bids_by_supplier(tender)["Alpha Services"]
    signed_in(client, commissioner)
    response = client.post(url("award", tender), {"bid": alpha.pk, "reason": "Cheaper"})
    assert award_forms.NOT_A_COMPLIANT_CHOICE in response.content.decode()
    response = client.post(url("award", tender), {"reason": "Cheaper"})
    assert award_forms.CHOOSE_BID in response.content.decode()
    assert not Award.objects.exists()


def test_before_moderation_is_complete_the_award_page_says_so(client, tender, commissioner):
    for evaluator in panel_of(tender, commissioner, count=1):
        score_as(tender, evaluator)
    signed_in(client, commissioner)
    response = client.get(url("award", tender))
    assert "15 lines still to moderate." in page_text(response)
    assert f'href="{url("moderation", tender)}"' in response.content.decode()
    assert "<form" not in response.content.decode().split('id="main-content"')[1]


def test_the_award_page_links_every_assessed_bidders_summary(client, awarded, commissioner):
    html = signed_in(client, commissioner).get(url("award", awarded)).content.decode()
    bids = bids_by_supplier(awarded)
    links = re.findall(r'href="([^"]+)">Assessment summary for ([^<]+)</a>', html)
    assert links == [(url("summary", awarded, bids[name].pk), name) for name in RANK_ORDER]
    assert (
        "8 working days beginning with the day of publication, excluding weekends and bank holidays" in html
    )
    assert f'action="{url("award_notice", awarded)}"' in html


# --- Standstill and contract ---------------------------------------------------------------------------
def test_publishing_the_notice_starts_the_standstill(client, awarded, commissioner):
    signed_in(client, commissioner)
    response = client.post(url("award_notice", awarded), follow=True)
    award = Award.objects.get()
    assert award.notice_published_at is not None
    ends = rules.standstill_end(timezone.localdate(), award_services.bank_holidays())
    assert award.standstill_ends == ends
    text = page_text(response)
    assert f"The award notice is published. The standstill ends at the end of {ends:%A %-d %B %Y}." in text
    assert f"Standstill ends at the end of {ends:%A %-d %B %Y}." in text
    assert "Publish the award notice" not in text
    again = client.post(url("award_notice", awarded), follow=True)
    assert "The award notice was published on" in page_text(again)


def test_the_standstill_end_skips_christmas_and_new_year(client, awarded, commissioner):
    published = timezone.make_aware(datetime(2026, 12, 21, 10, 0))
    award_services.award_notice_publish(tender=awarded, by=commissioner, now=published)
    text = page_text(signed_in(client, commissioner).get(url("award", awarded)))
    assert "Standstill ends at the end of Monday 4 January 2027." in text
    assert "The award notice was published on 21 December 2026." in text


CONTRACT = {
    "start_date_0": "1",
    "start_date_1": "2",
    "start_date_2": "2027",
    "end_date_0": "31",
    "end_date_1": "1",
    "end_date_2": "2028",
    "value": "£125,000",
}


def test_the_contract_is_refused_during_the_standstill(client, awarded, commissioner):
    award = award_services.award_notice_publish(tender=awarded, by=commissioner)
    signed_in(client, commissioner)
    page = page_text(client.get(url("award", awarded)))
    assert (
        "Enter the contract" not in page and "You can enter the contract after the standstill ends." in page
    )
    response = client.post(url("contract", awarded), CONTRACT)
    assert response.status_code == 200
    message = contract_services.IN_STANDSTILL.format(day=f"{award.standstill_ends:%A %-d %B %Y}")
    assert message in response.content.decode()
    assert "<title>Error: Enter the contract" in response.content.decode()
    assert 'value="£125,000"' in response.content.decode()  # what was typed is kept
    assert not Contract.objects.exists()


def test_the_contract_is_entered_after_the_standstill(client, awarded, commissioner):
    award_services.award_notice_publish(
        tender=awarded, by=commissioner, now=timezone.now() - timedelta(days=30)
    )
    signed_in(client, commissioner)
    assert f'href="{url("contract", awarded)}"' in client.get(url("award", awarded)).content.decode()
    form = client.get(url("contract", awarded)).content.decode()
    assert 'name="value" value="125000"' in form and 'inputmode="decimal"' in form
    assert 'name="start_date_0"' in form and 'name="start_date_2"' in form
    response = client.post(url("contract", awarded), CONTRACT, follow=True)
    assert response.redirect_chain == [(url("award", awarded), 302)]
    contract = Contract.objects.get()
    assert (contract.start_date, contract.end_date, contract.value) == (
        date(2027, 2, 1),
        date(2028, 1, 31),
        Decimal("125000.00"),
    )
    text = page_text(response)
    assert "The contract is entered: 1 February 2027 to 31 January 2028, £125,000." in text
    assert "Starts 1 February 2027 Ends 31 January 2028 Value £125,000" in text
    again = client.get(url("contract", awarded), follow=True)
    assert contract_services.CONTRACT_ALREADY in page_text(again)


def test_the_contract_form_explains_its_errors(client, awarded, commissioner):
    award_services.award_notice_publish(
        tender=awarded, by=commissioner, now=timezone.now() - timedelta(days=30)
    )
    signed_in(client, commissioner)
    html = client.post(
        url("contract", awarded), {**CONTRACT, "start_date_0": "31", "start_date_1": "2", "value": "lots"}
    ).content.decode()
    assert "The start date must be a real date" in html
    assert "Enter the contract value in pounds, like £125,000" in html
    html = client.post(url("contract", awarded), {**CONTRACT, "end_date_2": "2026"}).content.decode()
    assert contract_services.CONTRACT_DATES in html
    html = client.post(url("contract", awarded), {}).content.decode()
    assert contract_forms.START_DATE_REQUIRED in html and contract_forms.END_DATE_REQUIRED in html
    assert not Contract.objects.exists()


def test_no_contract_before_the_award(client, evaluated, commissioner):
    response = signed_in(client, commissioner).get(url("contract", evaluated), follow=True)
    assert response.redirect_chain == [(url("award", evaluated), 302)]
    assert award_services.NOT_AWARDED in page_text(response)


# --- Assessment summaries --------------------------------------------------------------------------------
def test_a_bidders_summary_shows_its_scores_and_reasons_and_the_winners(client, awarded):
    alpha = bids_by_supplier(awarded)["Alpha Services"]
    response = signed_in(client, supplier_of_bid(awarded, "Alpha Services")).get(
        url("summary", awarded, alpha.pk)
    )
    text = page_text(response)
    assert "Assessment summary" in text and "section 50 of the Procurement Act 2023" in text
    assert "regulation 31 of the Procurement Regulations 2024" in text
    assert "scored 0, 20, 40, 60, 80 or 100" in text
    assert "Relative to the lowest price: price weight × lowest compliant price ÷ bid price" in text
    tables = Tables(response.content.decode()).tables[""]
    criteria, scale, own, winner = tables[0:6], tables[6:12], tables[12:17], tables[17:22]
    assert criteria[0] == ["Price", "50", "No minimum"]
    assert criteria[1] == ["Q1 Delivery", "20", "No minimum"]
    assert scale[3] == ["60", "Satisfactory", "Meets the requirement"]
    assert own[0] == ["Q1 Delivery", "60", "12.00 of 20", "Panel agreed 60 for Alpha Services Q1"]
    assert own[4][1:] == ["40", "1.60 of 4", "Panel agreed 40 for Alpha Services O6"]
    assert winner[0] == ["Q1 Delivery", "100", "20.00 of 20", "Panel agreed 100 for Gamma Works Q1"]
    assert "The winning bid: Gamma Works" in text
    assert "total score of 78.80 out of 100" in text
    assert "Price £100,000, scoring 40.00 of 50 Quality 20.00 of 30 Social value 13.20 of 20" in text
    assert "Total 73.20 of 100 Rank 2 of 3 bids ranked" in text
    assert "Price £125,000, scoring 32.00 of 50 Quality 28.00 of 30 Social value 18.80 of 20" in text
    assert "Total 78.80 of 100 Rank 1 of 3 bids ranked" in text
    assert "Your bid was the successful one" not in text


def test_the_winner_is_told_its_bid_was_successful(client, awarded):
    gamma = bids_by_supplier(awarded)["Gamma Works"]
    text = page_text(
        signed_in(client, supplier_of_bid(awarded, "Gamma Works")).get(url("summary", awarded, gamma.pk))
    )
    assert "Your bid was the successful one." in text
    assert "The winning bid:" not in text
    assert "Total 78.80 of 100 Rank 1 of 3 bids ranked" in text


def test_a_non_compliant_bidder_is_told_why(client, tender, commissioner):
    tender.criteria.filter(number=1).update(minimum_score=80)
    evaluate(tender, commissioner)
    bids = bids_by_supplier(tender)
    award_services.award(tender=tender, bid=bids["Gamma Works"], by=commissioner)
    text = page_text(
        signed_in(client, supplier_of_bid(tender, "Beta Care")).get(
            url("summary", tender, bids["Beta Care"].pk)
        )
    )
    assert "Not compliant: Scored 40 on Q1 Delivery, below the minimum of 80." in text
    assert "Total None: a bid that is not compliant is not given a total" in text
    assert "Rank 1 of 1 bid ranked" in text  # the winner's: the bids not compliant are not ranked
    assert "Rank Not ranked: not compliant" in text


def test_the_summary_is_a_pdf_too(client, awarded):
    alpha = bids_by_supplier(awarded)["Alpha Services"]
    response = signed_in(client, supplier_of_bid(awarded, "Alpha Services")).get(
        url("summary_pdf", awarded, alpha.pk)
    )
    assert response["Content-Type"] == "application/pdf"
    assert (
        f'filename="{awarded.reference}-assessment-summary-{alpha.pk}.pdf"' in response["Content-Disposition"]
    )
    assert pdf_tags(response.content) == tagged_pdf_ua(
        title=f"Assessment summary: {awarded.reference}, Alpha Services"
    )


def test_the_summary_page_uses_no_inline_css(client, awarded, commissioner):
    gamma = bids_by_supplier(awarded)["Gamma Works"]
    html = signed_in(client, commissioner).get(url("summary", awarded, gamma.pk)).content.decode()
    assert "<style" not in html and "style=" not in html


def test_the_summary_runs_a_fixed_number_of_queries(client, awarded, django_assert_max_num_queries):
    alpha = bids_by_supplier(awarded)["Alpha Services"]
    signed_in(client, supplier_of_bid(awarded, "Alpha Services"))
    with django_assert_max_num_queries(8):
        assert client.get(url("summary", awarded, alpha.pk)).status_code == 200
