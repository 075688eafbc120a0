"""Delivery and the board dashboard in the browser (issue 7): a supplier reports a quarter with evidence, the
commissioner verifies one line and queries the other, the supplier answers; the board filters the dashboard
by year and outcome and downloads a table. axe-core on every page."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from knowsley_sv.roles import Role
from procurement.models import DeliveryLine
from procurement.services import delivery as delivery_services
from tests.factories import PASSWORD, UserFactory
from tests.procurement.helpers import contracted_tender

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in_as(browser, browser_context_args, live_server, username) -> Page:
    page = browser.new_context(**browser_context_args).new_page()
    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    return page


def running_contract(commissioner):
    today = timezone.localdate()
    return contracted_tender(commissioner, start=today - timedelta(days=200), end=today + timedelta(days=165))


def test_a_quarter_reported_checked_queried_and_answered(
    live_server, browser, browser_context_args, assert_accessible
):
    commissioner = UserFactory(username="commissioner", roles=[Role.COMMISSIONER])
    contract = running_contract(commissioner)
    first, second = contract.kpis.order_by("outcome_number")

    supplier = sign_in_as(browser, browser_context_args, live_server, "supplier-gamma-works")
    supplier.get_by_role("link", name="Contracts").click()
    assert_accessible(supplier)
    supplier.get_by_role("link", name="Home care").click()
    assert_accessible(supplier)
    supplier.get_by_role("link", name="Report").first.click()
    supplier.locator(f"#quantity-{first.pk}").fill("-2")
    supplier.get_by_role("button", name="Send the report").click()
    expect(supplier.locator(".govuk-error-summary")).to_contain_text("cannot be negative")
    assert_accessible(supplier)
    supplier.locator(f"#quantity-{first.pk}").fill("3")
    supplier.locator(f"#notes-{first.pk}").fill("Payroll extract for the quarter.")
    supplier.locator(f"#evidence-{first.pk}").set_input_files(
        {"name": "payroll.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 payroll"}
    )
    supplier.locator(f"#quantity-{second.pk}").fill("0.5")
    supplier.get_by_role("button", name="Send the report").click()
    expect(supplier.locator("main")).to_contain_text("payroll.pdf")
    assert_accessible(supplier)

    council = sign_in_as(browser, browser_context_args, live_server, "commissioner")
    council.goto(f"{live_server.url}/contracts/{contract.pk}/")
    council.get_by_role("link", name="View report").first.click()
    council.locator("a", has_text="Check this line").filter(has_text=first.code).click()
    assert_accessible(council)
    council.get_by_label("Verify: the evidence supports the quantity").check()
    council.get_by_role("button", name="Save the check").click()
    council.locator("a", has_text="Check this line").filter(has_text=second.code).click()
    council.get_by_label("Query: ask the supplier a question").check()
    council.get_by_role("button", name="Save the check").click()
    expect(council.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(council)
    council.get_by_label("Question for the supplier").fill("Where is the carbon calculation?")
    council.get_by_role("button", name="Save the check").click()
    assert dict(DeliveryLine.objects.values_list("kpi__code", "status")) == {
        first.code: "verified",
        second.code: "queried",
    }

    supplier.reload()
    expect(supplier.locator("main")).to_contain_text("Where is the carbon calculation?")
    supplier.get_by_role("link", name="Answer the council's question").click()
    assert_accessible(supplier)
    supplier.get_by_label("Your answer to the council's question").fill("Attached; it was 0.4 in fact.")
    supplier.get_by_label("Quantity delivered this period").fill("0.4")
    supplier.get_by_role("button", name="Send your answer").click()
    line = DeliveryLine.objects.get(kpi=second)
    assert (line.status, line.quantity, line.answer) == (
        "pending",
        Decimal("0.4"),
        "Attached; it was 0.4 in fact.",
    )

    council.goto(f"{live_server.url}/contracts/{contract.pk}/")
    expect(council.locator("main")).to_contain_text("3")
    assert_accessible(council)


def test_the_board_filters_the_dashboard_and_downloads_a_table(
    live_server, browser, browser_context_args, assert_accessible
):
    commissioner = UserFactory(username="commissioner", roles=[Role.COMMISSIONER])
    contract = running_contract(commissioner)
    kpi = contract.kpis.order_by("outcome_number").first()
    contract.kpis.update(proxy_value=Decimal("1000"))
    supplier = UserFactory._meta.model.objects.get(username="supplier-gamma-works")
    report = delivery_services.delivery_report_save(
        contract=contract,
        period_start=contract.start_date,
        by=supplier,
        lines={kpi.pk: delivery_services.LineEntry(Decimal(2))},
    )
    delivery_services.line_verify(line=report.lines.get(), by=commissioner)
    UserFactory(username="board", roles=[Role.BOARD_MEMBER])

    board = sign_in_as(browser, browser_context_args, live_server, "board")
    board.get_by_role("link", name="Dashboard").click()
    expect(board.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(board)
    board.get_by_label("Financial year").select_option(index=1)
    board.get_by_label("Outcome", exact=True).select_option(value="1")
    board.get_by_role("button", name="Apply filters").click()
    expect(board).to_have_url(re.compile(r"outcome=1"))
    expect(board.locator("main")).to_contain_text("£2,000")  # 2 verified × £1,000
    assert_accessible(board)
    with board.expect_download() as download:
        board.locator("a[href*='social_value.csv']").first.click()
    with open(download.value.path(), encoding="utf-8") as downloaded:
        body = downloaded.read()
    assert "2000.00" in body or "2,000.00" in body
    assert body.startswith("Filters,Financial year: April ")  # the filters that produced it, first

    # The charts: each bar chart's axes titled, the value axis with its unit.
    expect(board.locator(".app-chart canvas").first).to_be_visible()
    axes = board.evaluate(
        "() => { const s = Chart.getChart(document.querySelector('.app-chart canvas')).options.scales;"
        " return [s.x.title.text, s.y.title.text]; }"
    )
    assert axes == ["Outcome", "Pounds (£)"]
    # The contents list leads to each section.
    board.get_by_role("navigation", name="Contents").get_by_role("link", name="Model review").click()
    expect(board).to_have_url(re.compile(r"#review$"))

    # Without JavaScript: no chart, and the intro promises none.
    plain = browser.new_context(**browser_context_args, java_script_enabled=False).new_page()
    plain.context.add_cookies(board.context.cookies())
    plain.goto(board.url)
    intro = "Where your browser runs JavaScript, a chart of the same figures"
    expect(plain.get_by_text(intro)).to_be_visible()
    expect(plain.locator(".app-chart")).to_have_count(0)
    expect(plain.locator("#table-social_value")).to_be_visible()

    # Recognition is in the main navigation, comparing delivery with what is expected by today.
    board.locator(".govuk-service-navigation").get_by_role("link", name="Who creates social value").click()
    expect(board.get_by_role("heading", level=1)).to_have_text("Recognising social value")
    expect(board.locator("#table-recognition")).to_contain_text("Expected to date")
    assert_accessible(board)
