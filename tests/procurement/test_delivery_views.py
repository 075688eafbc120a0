"""Contract and delivery pages (DESIGN §6): who may see and do what, a quarter reported with evidence,
checked, queried and answered, the figures and RAG the contract page shows, refusals shown in the error
summary, the evidence download, and page queries that do not grow with the data.

Dates: "today" is the real date, so the contracts here run from 200 days ago to 165 days ahead (366 days,
quarterly): three periods have started and, on every day, 201/366 of each commitment is expected by now.
"""

import re
from datetime import timedelta
from decimal import Decimal
from html import unescape

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from knowsley_sv.models import User
from knowsley_sv.roles import Role
from procurement import delivery
from procurement.forms import delivery as delivery_forms
from procurement.models import (
    Award,
    DeliveryLine,
    DeliveryReport,
    Evidence,
    PerformanceRating,
)
from procurement.services import contracts as contract_services
from procurement.services import delivery as delivery_services
from procurement.services.delivery import LineEntry
from procurement.views import contracts as contract_views
from procurement.views import delivery as delivery_views

from ..factories import UserFactory
from .helpers import WORKED_EXAMPLE, contracted_tender, worked_example_tender

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4 delivery evidence"


def running_contract(commissioner, months=3, days_ago=200, days_ahead=165):
    today = timezone.localdate()
    return contracted_tender(
        commissioner,
        start=today - timedelta(days=days_ago),
        end=today + timedelta(days=days_ahead),
        months=months,
    )


@pytest.fixture
def contract(commissioner):
    return running_contract(commissioner)


@pytest.fixture
def supplier(contract):
    return User.objects.get(username="supplier-gamma-works")


@pytest.fixture
def loser(contract):
    return User.objects.get(username="supplier-alpha-services")  # bid, but did not win


def kpis(contract):
    """Outcome number -> KPI: 1 is 1.1 (10 full-time equivalent years), 6 is 6.1 (2 people)."""
    return {k.outcome_number: k for k in contract.kpis.all()}


def pdf(name="evidence.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def urls(contract, line=None, queried=None, evidence=None):
    start = contract.start_date.isoformat()
    return {
        "contract_list": reverse("procurement:contract_list"),
        "contract_detail": reverse("procurement:contract_detail", args=[contract.pk]),
        "delivery_report": reverse("procurement:delivery_report", args=[contract.pk, start]),
        "line_review": reverse("procurement:line_review", args=[contract.pk, line.pk]) if line else "",
        "line_answer": reverse("procurement:line_answer", args=[contract.pk, queried.pk]) if queried else "",
        "rating": reverse("procurement:rating", args=[contract.pk]),
        "evidence": reverse("procurement:evidence", args=[evidence.pk]) if evidence else "",
    }


def report_url(contract, start=None):
    start = start or contract.start_date
    return reverse("procurement:delivery_report", args=[contract.pk, start.isoformat()])


def report_as(client, user, contract, o1="3", o6="0.5", files=None, notes="Payroll extract"):
    k = kpis(contract)
    client.force_login(user)
    data = {
        f"quantity-{k[1].pk}": o1,
        f"notes-{k[1].pk}": notes,
        f"quantity-{k[6].pk}": o6,
        f"notes-{k[6].pk}": "",
    }
    if files is not None:
        data[f"evidence-{k[1].pk}"] = files
    return client.post(report_url(contract), data)


def text_of(html: str) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip())


def row_text(html: str, row_id: str) -> str:
    match = re.search(rf'<tr class="govuk-table__row" id="{row_id}">(.*?)</tr>', html, re.S)
    assert match, f"no row {row_id}"
    return text_of(match.group(1))


def error_summary(html: str) -> str:
    match = re.search(r'<div class="govuk-error-summary".*?</ul>', html, re.S)
    return text_of(match.group(0)) if match else ""


# --- Who may see and do what ------------------------------------------------------------------------------
@pytest.fixture
def reported(contract, supplier, commissioner):
    """Gamma Works reported the first quarter with a PDF; the council queried 6.1; 1.1 waits for checks."""
    k = kpis(contract)
    report = delivery_services.delivery_report_save(
        contract=contract,
        period_start=contract.start_date,
        by=supplier,
        lines={
            k[1].pk: LineEntry(Decimal(3), "Payroll extract", [pdf()]),
            k[6].pk: LineEntry(Decimal("0.5")),
        },
    )
    o6 = report.lines.get(kpi=k[6])
    delivery_services.line_query(line=o6, by=commissioner, question="Where is the sign-in sheet?")
    return {
        "line": report.lines.get(kpi=k[1]),
        "queried": o6,
        "evidence": Evidence.objects.get(),
    }


LOGIN, OK, FORBIDDEN, NOT_FOUND = 302, 200, 403, 404
PAGES = [
    "contract_list",
    "contract_detail",
    "delivery_report",
    "line_review",
    "line_answer",
    "rating",
    "evidence",
]
MATRIX = {
    # who: status per page, in PAGES' order
    "anonymous": [LOGIN] * 7,
    "no role": [FORBIDDEN] * 7,
    "resident": [FORBIDDEN] * 7,
    "evaluator": [FORBIDDEN] * 7,
    "holding supplier": [OK, OK, OK, FORBIDDEN, OK, FORBIDDEN, OK],
    "other supplier": [OK, NOT_FOUND, NOT_FOUND, FORBIDDEN, NOT_FOUND, FORBIDDEN, NOT_FOUND],
    "tender commissioner": [OK, OK, OK, OK, FORBIDDEN, OK, OK],
    "other commissioner": [OK, OK, OK, NOT_FOUND, FORBIDDEN, NOT_FOUND, OK],
    "board member": [OK, OK, OK, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK],
}


def user_for(who, commissioner):
    return {
        "anonymous": None,
        "no role": lambda: UserFactory(username="nobody", roles=[]),
        "resident": lambda: UserFactory(username="resident", roles=[Role.RESIDENT]),
        "evaluator": lambda: User.objects.get(username="evaluator1"),
        "holding supplier": lambda: User.objects.get(username="supplier-gamma-works"),
        "other supplier": lambda: User.objects.get(username="supplier-alpha-services"),
        "tender commissioner": lambda: commissioner,
        "other commissioner": lambda: UserFactory(username="other-commissioner", roles=[Role.COMMISSIONER]),
        "board member": lambda: UserFactory(username="board", roles=[Role.BOARD_MEMBER]),
    }[who]


@pytest.mark.parametrize("who", list(MATRIX))
def test_who_may_see_each_page(client, contract, commissioner, reported, who):
    make = user_for(who, commissioner)
    if make is not None:
        client.force_login(make())
    addresses = urls(contract, **reported)
    got = [client.get(addresses[page]).status_code for page in PAGES]
    assert dict(zip(PAGES, got, strict=True)) == dict(zip(PAGES, MATRIX[who], strict=True))
    if who == "anonymous":
        assert client.get(addresses["contract_detail"])["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    ("who", "report", "review", "rating"),
    [
        ("board member", FORBIDDEN, FORBIDDEN, FORBIDDEN),
        ("other commissioner", FORBIDDEN, NOT_FOUND, NOT_FOUND),
        ("other supplier", NOT_FOUND, FORBIDDEN, FORBIDDEN),
        ("evaluator", FORBIDDEN, FORBIDDEN, FORBIDDEN),
    ],
)
def test_read_only_users_cannot_post(client, contract, commissioner, reported, who, report, review, rating):
    client.force_login(user_for(who, commissioner)())
    addresses = urls(contract, **reported)
    k = kpis(contract)
    assert client.post(addresses["delivery_report"], {f"quantity-{k[1].pk}": "9"}).status_code == report
    assert client.post(addresses["line_review"], {"decision": "verify"}).status_code == review
    assert (
        client.post(
            addresses["rating"],
            {
                "period_end_0": "31",
                "period_end_1": "3",
                "period_end_2": "2030",
                "rating": "good",
                "notes": "x",
            },
        ).status_code
        == rating
    )
    line = DeliveryLine.objects.get(pk=reported["line"].pk)
    assert (line.quantity, line.status) == (Decimal(3), "pending") and not PerformanceRating.objects.exists()


def test_board_members_see_reports_read_only(client, contract, reported):
    client.force_login(UserFactory(username="board", roles=[Role.BOARD_MEMBER]))
    html = client.get(urls(contract)["delivery_report"]).content.decode()
    assert delivery_views.READ_ONLY in text_of(html)
    assert "<form" not in html.split('id="main-content"')[1] and 'name="quantity-' not in html
    assert "Check this line" not in html and "Where is the sign-in sheet?" in html
    assert "evidence.pdf" in html


def test_a_period_that_is_not_one_of_the_contracts_is_a_404(client, contract, supplier):
    client.force_login(supplier)
    for start in ["2027-13-01", "yesterday", (contract.start_date + timedelta(days=1)).isoformat()]:
        url = reverse("procurement:delivery_report", args=[contract.pk, start])
        assert client.get(url).status_code == 404
    assert client.get(report_url(contract)).status_code == 200


def test_a_period_not_started_has_no_form(client, contract, supplier):
    client.force_login(supplier)
    assert 'name="quantity-' in client.get(report_url(contract)).content.decode()  # the first period is open
    last_start, _ = delivery.reporting_periods(contract.start_date, contract.end_date, 3)[-1]
    html = client.get(report_url(contract, last_start)).content.decode()
    assert "has not started yet, so there is nothing to report" in html and 'name="quantity-' not in html
    k = kpis(contract)
    response = client.post(report_url(contract, last_start), {f"quantity-{k[1].pk}": "1"})
    assert "has not started yet" in error_summary(response.content.decode())
    assert not DeliveryReport.objects.exists()


# --- The journey: report, check, query, answer, and the contract page -----------------------------------
def test_a_quarter_reported_checked_queried_answered_and_shown(client, contract, supplier, commissioner):
    k = kpis(contract)
    response = report_as(client, supplier, contract, files=[pdf()])
    assert response.status_code == 302 and response["Location"] == report_url(contract)
    report = DeliveryReport.objects.get()
    assert report.period_start == contract.start_date
    o1, o6 = report.lines.get(kpi=k[1]), report.lines.get(kpi=k[6])
    assert (o1.quantity, o1.notes, o1.status, o6.quantity) == (
        Decimal(3),
        "Payroll extract",
        "pending",
        Decimal("0.5"),
    )
    evidence = Evidence.objects.get()
    assert (evidence.line, evidence.name, evidence.size) == (o1, "evidence.pdf", len(PDF))
    page = client.get(report_url(contract)).content.decode()
    assert "The report for" in page and "is saved" in page
    assert 'value="3"' in page and 'value="0.5"' in page and "Waiting for the council to check" in page

    # The commissioner checks both lines: verifies 1.1, queries 6.1.
    client.force_login(commissioner)
    page = client.get(report_url(contract)).content.decode()
    review_1 = reverse("procurement:line_review", args=[contract.pk, o1.pk])
    review_6 = reverse("procurement:line_review", args=[contract.pk, o6.pk])
    assert page.count("Check this line") == 2 and review_1 in page and review_6 in page
    assert reverse("procurement:evidence", args=[evidence.pk]) in page
    review = client.get(review_1).content.decode()
    assert "Payroll extract" in review and 'value="verify"' in review and 'value="query"' in review
    assert client.post(review_1, {"decision": "verify"})["Location"] == report_url(contract)
    response = client.post(review_6, {"decision": "query", "question": ""})
    assert response.status_code == 200 and delivery_services.QUESTION_REQUIRED in error_summary(
        response.content.decode()
    )
    client.post(review_6, {"decision": "query", "question": "Where is the sign-in sheet?"})
    o1.refresh_from_db(), o6.refresh_from_db()
    assert (o1.status, o1.reviewed_by, o6.status, o6.question) == (
        "verified",
        commissioner,
        "queried",
        "Where is the sign-in sheet?",
    )

    # The supplier sees the question, answers it and corrects the figure; the verified line is read-only.
    client.force_login(supplier)
    page = client.get(report_url(contract)).content.decode()
    answer_url = reverse("procurement:line_answer", args=[contract.pk, o6.pk])
    assert "Where is the sign-in sheet?" in page and answer_url in page
    assert f'name="quantity-{k[1].pk}"' not in page and f'name="quantity-{k[6].pk}"' in page
    form = client.get(answer_url).content.decode()
    assert 'value="0.5"' in form and 'type="file"' in form and "multiple" in form
    response = client.post(
        answer_url,
        {
            "answer": "Sheet attached; 1.2 in fact.",
            "quantity": "1.2",
            "notes": "Sign-in sheet",
            "evidence": [pdf("sheet.pdf")],
        },
    )
    assert response.status_code == 302
    o6.refresh_from_db()
    assert (o6.status, o6.quantity, o6.answer, o6.evidence.get().name) == (
        "pending",
        Decimal("1.2"),
        "Sheet attached; 1.2 in fact.",
        "sheet.pdf",
    )
    assert client.get(answer_url).status_code == 302  # no longer queried: back to the report

    # The commissioner verifies the corrected line.
    client.force_login(commissioner)
    client.post(review_6, {"decision": "verify"})
    o6.refresh_from_db()
    assert o6.status == "verified"

    # The contract page: 10 × 201/366 = 5.49 expected of 1.1, 3 verified: 54.63%, red, 2.49 behind.
    # 2 × 201/366 = 1.10 expected of 6.1, 1.2 verified: 109.25%, green.
    html = client.get(reverse("procurement:contract_detail", args=[contract.pk])).content.decode()
    assert row_text(html, f"kpi-{k[1].pk}") == (
        "1.1 Knowsley residents employed on the contract full-time equivalent years "
        "10 5.49 3 0 54.6% Red: well behind"
    )
    assert row_text(html, f"kpi-{k[6].pk}").endswith("people 2 1.1 1.2 0 109.3% Green: on track")
    assert (
        'class="govuk-tag govuk-tag--red">Red: well behind<' in html
        and 'class="govuk-tag govuk-tag--green">Green: on track<' in html
    )
    recovery = contract_views.RECOVERY.format(code="1.1", shortfall="2.49", unit="full-time equivalent years")
    assert recovery.startswith(
        "Agree a recovery plan with the supplier: 1.1 is 2.49"
    ) and recovery in text_of(html)
    assert "Agree a recovery plan with the supplier: 6.1" not in html
    assert "2 verified" in html and "View report" in html


def test_the_contract_page_shows_pounds_where_there_is_a_proxy(client, contract, supplier, commissioner):
    k = kpis(contract)
    k[1].__class__.objects.filter(pk=k[1].pk).update(proxy_value=Decimal("1000.00"))
    report_as(client, supplier, contract)
    line = DeliveryLine.objects.get(kpi=k[1])
    delivery_services.line_verify(line=line, by=commissioner)
    client.force_login(supplier)
    html = client.get(reverse("procurement:contract_detail", args=[contract.pk])).content.decode()
    # committed £10,000; expected 5.49 (£5,491.80); delivered 3 (£3,000); 0.5 of 6.1 waits for checks
    assert "10 £10,000 5.49 £5,491.80 3 £3,000 0 54.6% Red: well behind" in row_text(html, f"kpi-{k[1].pk}")
    assert row_text(html, f"kpi-{k[6].pk}").endswith("people 2 1.1 0 0.5 0.0% Red: well behind")


def test_the_contract_page_lists_periods_with_the_right_links(client, contract, supplier):
    report_as(client, supplier, contract)
    html = client.get(reverse("procurement:contract_detail", args=[contract.pk])).content.decode()
    text = text_of(html)
    assert "2 waiting for checks" in text and "No report yet" in text and "Not started yet" in text
    assert text.count("View report for") == 1 and text.count("Report for") == 2  # 3 periods have started
    assert "Record a performance rating" not in text and "Reporting Every 3 months (quarterly)" in text


# --- Refusals shown in the error summary, nothing saved ----------------------------------------------------
@pytest.mark.parametrize(
    ("o1", "upload", "message", "field"),
    [
        (
            "3",
            SimpleUploadedFile("run.exe", b"MZ....", content_type="application/octet-stream"),
            "run.exe is not a file type we accept. Upload a PDF, PNG, JPEG, CSV, text, Word or Excel file.",
            "evidence",
        ),
        ("-1", None, "1.1: the quantity delivered cannot be negative.", "quantity"),
        ("three", None, "Enter the quantity for 1.1 as a number, like 12 or 2.5", "quantity"),
        ("1.234", None, "Enter the quantity for 1.1 to no more than 2 decimal places", "quantity"),
        ("", pdf(), "Enter the quantity delivered for 1.1 to go with its notes and files", "quantity"),
    ],
)
def test_a_bad_report_shows_the_error_summary_and_saves_nothing(
    client, contract, supplier, o1, upload, message, field
):
    k = kpis(contract)
    response = report_as(client, supplier, contract, o1=o1, o6="0.75", files=[upload] if upload else None)
    html = response.content.decode()
    assert response.status_code == 200 and "<title>Error: Delivery report" in html
    summary = error_summary(html)
    assert message in summary and f'href="#{field}-{k[1].pk}"' in html.split("govuk-error-summary__list")[1]
    assert f'id="{field}-{k[1].pk}-error"' in html
    assert 'value="0.75"' in html and "Payroll extract</textarea>" in html  # what was typed is kept
    assert not DeliveryReport.objects.exists() and not DeliveryLine.objects.exists()
    assert not Evidence.objects.exists()


def test_the_services_problems_reach_the_fields_they_are_keyed_by(client, contract, supplier, monkeypatch):
    """The first problem under a row's field key goes on that field, linked from the summary; the rest, and
    the page's own, go in the summary only. No message text is read to place it."""
    k = kpis(contract)
    keyed = {
        delivery_services.quantity_field(k[6].pk): ["First about 6.1", "Second about 6.1"],
        delivery_services.evidence_field(k[1].pk): ["About 1.1's files"],
        "__all__": ["About the page"],
    }

    def refuse(**kwargs):
        raise ValidationError(keyed)

    monkeypatch.setattr(delivery_services, "delivery_report_save", refuse)
    html = report_as(client, supplier, contract, o1="3", o6="0.75").content.decode()
    summary = html.split("govuk-error-summary__list")[1]
    assert f'<a href="#quantity-{k[6].pk}">First about 6.1</a>' in summary
    assert f'<a href="#evidence-{k[1].pk}">About 1.1&#x27;s files</a>' in summary
    assert "<li>Second about 6.1</li>" in summary and "<li>About the page</li>" in summary
    assert f'id="quantity-{k[6].pk}-error"' in html and f'id="evidence-{k[1].pk}-error"' in html


def test_an_empty_report_is_refused(client, contract, supplier):
    response = report_as(client, supplier, contract, o1="", o6="", notes="")
    assert delivery_views.NOTHING_ENTERED in error_summary(response.content.decode())
    assert not DeliveryReport.objects.exists()


def test_verifying_ones_own_report_is_refused_with_the_message(client, contract, commissioner):
    k = kpis(contract)
    response = report_as(client, commissioner, contract)  # on the supplier's behalf
    assert response.status_code == 302
    line = DeliveryLine.objects.get(kpi=k[1])
    assert line.reported_by == commissioner
    page = client.get(report_url(contract)).content.decode()
    assert "Check this line" not in page and "You entered this line, so someone else must check it." in page
    review = reverse("procurement:line_review", args=[contract.pk, line.pk])
    response = client.post(review, {"decision": "verify"})
    assert response.status_code == 200
    assert delivery_services.OWN_REPORT in error_summary(response.content.decode())
    line.refresh_from_db()
    assert line.status == "pending" and line.reviewed_by is None
    colleague = UserFactory(username="colleague", roles=[Role.COMMISSIONER])
    contract.award.tender.commissioners.add(colleague)
    client.force_login(colleague)
    assert "Check this line" in client.get(report_url(contract)).content.decode()
    assert client.post(review, {"decision": "verify"}).status_code == 302
    line.refresh_from_db()
    assert (line.status, line.reviewed_by) == ("verified", colleague)


def test_reviewing_needs_a_decision(client, contract, commissioner, reported):
    client.force_login(commissioner)
    url = urls(contract, **reported)["line_review"]
    response = client.post(url, {})
    assert delivery_forms.CHOOSE_DECISION in error_summary(response.content.decode())


def test_an_answer_is_required(client, contract, supplier, reported):
    client.force_login(supplier)
    url = urls(contract, **reported)["line_answer"]
    html = client.get(url).content.decode()
    assert "Where is the sign-in sheet?" in html
    response = client.post(url, {"answer": " ", "quantity": "0.5"})
    assert delivery_services.ANSWER_REQUIRED in error_summary(response.content.decode())
    response = client.post(url, {"answer": "Here", "quantity": "-2"})
    assert "6.1: the quantity delivered cannot be negative." in error_summary(response.content.decode())
    assert DeliveryLine.objects.get(pk=reported["queried"].pk).status == "queried"


# --- Ratings ------------------------------------------------------------------------------------------------
def test_the_commissioner_records_a_rating(client, contract, commissioner):
    client.force_login(commissioner)
    detail = reverse("procurement:contract_detail", args=[contract.pk])
    assert "Record a performance rating" in client.get(detail).content.decode()
    url = reverse("procurement:rating", args=[contract.pk])
    form = client.get(url).content.decode()
    # proposed: the last day of the contract's first year
    year_end = delivery.add_months(contract.start_date, 12) - timedelta(days=1)
    assert contract.end_date - timedelta(days=1) <= year_end <= contract.end_date
    for n, part in enumerate([year_end.day, year_end.month, year_end.year]):
        assert f'name="period_end_{n}" value="{part}"' in form
    assert "Approaching target" in form and "Requires improvement" in form
    response = client.post(
        url, {"period_end_0": "31", "period_end_1": "2", "period_end_2": "2030", "notes": ""}
    )
    summary = error_summary(response.content.decode())
    assert delivery_services.RATING_REQUIRED in summary and delivery_services.RATING_NOTES_REQUIRED in summary
    assert delivery_forms.PERIOD_END_NOT_REAL in summary
    response = client.post(
        url,
        {
            "period_end_0": str(year_end.day),
            "period_end_1": str(year_end.month),
            "period_end_2": str(year_end.year),
            "rating": "approaching",
            "notes": "Local jobs behind plan.",
        },
    )
    assert response["Location"] == detail
    rating = PerformanceRating.objects.get()
    assert (rating.period_end, rating.rating, rating.recorded_by) == (year_end, "approaching", commissioner)
    html = client.get(detail).content.decode()
    assert "Approaching target" in html and "Local jobs behind plan." in html


# --- Evidence download ---------------------------------------------------------------------------------
def test_evidence_downloads_for_those_who_may_see_the_contract(client, contract, supplier, loser, reported):
    url = urls(contract, **reported)["evidence"]
    client.force_login(supplier)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="evidence.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    client.force_login(loser)
    assert client.get(url).status_code == 404
    assert (
        client.get(reverse("procurement:evidence", args=[reported["evidence"].pk + 1000])).status_code == 404
    )


# --- The contract list ---------------------------------------------------------------------------------
def another_contract(commissioner, name, days_ago=200, days_ahead=165):
    """A second contract, awarded directly to a single bid (the evaluation is not what is tested here)."""
    tender = worked_example_tender(commissioner, suppliers={name: WORKED_EXAMPLE["Gamma Works"]})
    now = timezone.now()
    Award.objects.create(
        tender=tender,
        bid=tender.bids.get(),
        results={},
        awarded_by=commissioner,
        awarded_at=now,
        notice_published_at=now,
        standstill_ends=timezone.localdate() - timedelta(days=1),
    )
    today = timezone.localdate()
    return contract_services.contract_enter(
        tender=tender,
        by=commissioner,
        start_date=today - timedelta(days=days_ago),
        end_date=today + timedelta(days=days_ahead),
        value=Decimal("50000"),
    )


def verified_report(contract, supplier, commissioner, o1, o6, start=None):
    k = kpis(contract)
    report = delivery_services.delivery_report_save(
        contract=contract,
        period_start=start or contract.start_date,
        by=supplier,
        lines={k[1].pk: LineEntry(Decimal(o1)), k[6].pk: LineEntry(Decimal(o6))},
    )
    for line in report.lines.all():
        delivery_services.line_verify(line=line, by=commissioner)
    return report


def test_the_list_shows_each_contracts_worst_status_and_filters_by_it(
    client, contract, supplier, commissioner
):
    report_as(client, supplier, contract)  # nothing verified: red, 2 lines waiting
    green = another_contract(commissioner, "Delta Green")
    delta = User.objects.get(username="supplier-delta-green")
    verified_report(green, delta, commissioner, o1="6", o6="2")  # 6 of 5.49 and 2 of 1.10: green
    client.force_login(commissioner)
    html = client.get(reverse("procurement:contract_list")).content.decode()
    text = text_of(html)
    assert "2 contracts" in text
    assert "Gamma Works" in text and "Delta Green" in text and "£125,000" in text and "£50,000" in text
    rows = re.findall(r'<tr class="govuk-table__row">(.*?)</tr>', html, re.S)[1:]
    by_supplier = {("Gamma" if "Gamma" in r else "Delta"): text_of(r) for r in rows}
    assert by_supplier["Gamma"].endswith("Red: well behind 2") and by_supplier["Delta"].endswith(
        "Green: on track 0"
    )

    html = client.get(reverse("procurement:contract_list"), {"status": "green"}).content.decode()
    assert (
        "Delta Green" in html
        and "Gamma Works" not in html
        and "1 contract with status green" in text_of(html)
    )
    html = client.get(reverse("procurement:contract_list"), {"status": "amber"}).content.decode()
    assert "No contracts have this status." in html
    html = client.get(reverse("procurement:contract_list"), {"status": "purple"}).content.decode()
    assert "There is no status called “purple”. Showing all contracts." in html
    assert "Delta Green" in html and "Gamma Works" in html

    client.force_login(delta)  # a supplier sees only its own contracts
    text = text_of(client.get(reverse("procurement:contract_list")).content.decode())
    assert "1 contract" in text and "Delta Green" in text and "Gamma Works" not in text
    assert "Your contracts" in text


# --- Queries do not grow with the data -----------------------------------------------------------------
def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_list_runs_a_fixed_number_of_queries(
    client, contract, supplier, commissioner, django_assert_max_num_queries
):
    client.force_login(commissioner)
    url = reverse("procurement:contract_list")
    small = count_queries(client, url)
    small_filtered = count_queries(client, url + "?status=red")
    assert small <= 10 and small_filtered <= 10
    verified_report(contract, supplier, commissioner, o1="1", o6="1")
    for n in range(4):
        other = another_contract(commissioner, f"Delta {n}")
        verified_report(other, User.objects.get(username=f"supplier-delta-{n}"), commissioner, o1="6", o6="2")
    client.force_login(commissioner)
    with django_assert_max_num_queries(small):
        html = client.get(url).content.decode()
    assert "5 contracts" in html
    with django_assert_max_num_queries(small_filtered):
        html = client.get(url + "?status=green").content.decode()
    assert "4 contracts with status green" in text_of(html)


def test_the_contract_page_runs_a_fixed_number_of_queries(
    client, commissioner, django_assert_max_num_queries
):
    # Monthly over a year, started 300 days ago: 10 periods have started.
    contract = running_contract(commissioner, months=1, days_ago=300, days_ahead=65)
    supplier = User.objects.get(username="supplier-gamma-works")
    starts = [s for s, _ in delivery.reporting_periods(contract.start_date, contract.end_date, 1)]
    verified_report(contract, supplier, commissioner, o1="1", o6="0.2", start=starts[0])
    detail = reverse("procurement:contract_detail", args=[contract.pk])
    client.force_login(commissioner)
    small = count_queries(client, detail)
    small_report = count_queries(client, report_url(contract, starts[0]))
    assert small <= 12 and small_report <= 14
    for start in starts[1:8]:
        verified_report(contract, supplier, commissioner, o1="1", o6="0.2", start=start)
    assert DeliveryReport.objects.filter(contract=contract).count() == 8
    client.force_login(commissioner)
    with django_assert_max_num_queries(small):
        html = client.get(detail).content.decode()
    assert text_of(html).count("2 verified") == 8
    with django_assert_max_num_queries(small_report):
        client.get(report_url(contract, starts[7]))
