"""The board's annual review pack in the browser (issue 16): a board member prepares the pack for last
financial year, reads it as a draft, approves it for the meeting, records the review's decisions and an
action, says which review the pack was for, publishes it, and downloads the PDF and every table; a resident
then opens the public version from the model's page. axe-core on every page."""

import csv
import io
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from knowsley_sv.roles import Role
from reporting.models import ReviewPack

from ..pdf import pdf_tags
from ..reporting.dataset import build

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

YEAR = "Financial year April 2025 to March 2026"


def test_a_board_member_prepares_approves_and_publishes_the_pack_and_a_resident_reads_it(
    live_server, page: Page, browser, browser_context_args, assert_accessible, sign_in, adopted_model
):
    data = build(adopted_model)
    sign_in(page, Role.BOARD_MEMBER, "board.member")

    # Prepare: the last complete financial year is offered first, and chosen
    page.goto(f"{live_server.url}/model/reviews/")
    page.get_by_role("link", name="Prepare the review pack").click()
    expect(page.get_by_label(YEAR)).to_be_checked()
    assert_accessible(page)
    page.get_by_role("button", name="Prepare the pack").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(YEAR)
    expect(page.get_by_text("These figures are live")).to_be_visible()
    for title in ("Actions from the last review", "What residents said", "Questions for the board"):
        expect(page.get_by_role("heading", name=re.compile(title))).to_be_visible()
    expect(page.get_by_role("table", name="Social value in £, by outcome")).to_be_visible()
    expect(page.locator("figure.app-pack-chart svg[role=img]").first).to_be_visible()
    assert_accessible(page)
    pack_url = page.url

    # Approve: frozen for the meeting
    page.get_by_role("link", name="Approve for the meeting").click()
    assert_accessible(page)
    page.get_by_role("button", name="Approve and freeze the pack").click()
    expect(page.get_by_text("The pack is approved")).to_be_visible()
    expect(page.get_by_text("Approved for the meeting on")).to_be_visible()
    assert_accessible(page)

    # The meeting: record the review, its decisions and an action
    page.goto(f"{live_server.url}/model/reviews/")
    page.locator("a.govuk-button", has_text="Record a review").click()
    today = timezone.localdate()
    page.get_by_label("Day").fill(str(today.day))
    page.get_by_label("Month").fill(str(today.month))
    page.get_by_label("Year").fill(str(today.year))
    page.get_by_label("Test Board member").check()
    page.get_by_label("Evidence considered").fill("The review pack for 2025 to 2026.")
    page.get_by_label("Findings").fill("Tenders weight outcome 2 less than residents do.")
    page.get_by_label("Decisions").fill("Keep the model; ask commissioners to weight outcome 2 more.")
    page.get_by_label("Model kept as it is").check()
    page.get_by_role("button", name="Record review").click()
    expect(page.get_by_text("Review recorded.")).to_be_visible()
    page.get_by_role("link", name="Add an action").click()
    page.get_by_role("button", name="Save the action").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the action the board agreed")
    assert_accessible(page)
    page.get_by_label("Action").fill("Brief commissioners on outcome 2")
    page.get_by_label("Organisation that owns it").select_option(label=data.charity.name)
    page.get_by_label("Day").fill("31")
    page.get_by_label("Month").fill("3")
    page.get_by_label("Year").fill(str(today.year + 1))
    page.get_by_label("Not started").check()
    page.get_by_role("button", name="Save the action").click()
    expect(page.get_by_text("Action added.")).to_be_visible()
    expect(page.get_by_role("cell", name="Brief commissioners on outcome 2")).to_be_visible()
    assert_accessible(page)

    # Say which review the pack was for, then publish
    page.goto(pack_url)
    page.get_by_role("link", name="Change the review meeting").click()
    page.get_by_label("Which review meeting was the pack for?").select_option(index=1)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("link", name=re.compile(r"^Review of version 1 on"))).to_be_visible()
    page.get_by_role("link", name="Publish the public version").click()
    assert_accessible(page)
    page.get_by_role("button", name="Publish the public version").click()
    expect(page.get_by_text("The pack's public version is published.")).to_be_visible()
    assert_accessible(page)

    # Download the PDF and every table
    pdf = page.request.get(
        live_server.url + page.get_by_role("link", name="Download the pack as a PDF").get_attribute("href")
    )
    assert pdf.headers["content-type"] == "application/pdf"
    tags = pdf_tags(pdf.body())
    assert tags.marked and tags.pdf_ua and tags.title == f"Review pack: {YEAR}"
    links = page.get_by_role("link", name=re.compile(r"^CSV of ")).all()
    assert len(links) >= 10
    with page.expect_download() as download:
        links[0].click()
    assert download.value.suggested_filename.endswith(".csv")
    for link in links:
        got = page.request.get(live_server.url + link.get_attribute("href"))
        assert got.status == 200
        rows = list(csv.reader(io.StringIO(got.text().lstrip("\ufeff"))))
        assert rows[0][:2] == ["Review pack", YEAR]
    for link in page.get_by_role("link", name=re.compile(r"^Excel of ")).all():
        assert page.request.get(live_server.url + link.get_attribute("href")).status == 200

    # A resident reads the public version from the model's page
    context = browser.new_context(**browser_context_args)  # nobody signed in
    resident = context.new_page()
    resident.goto(f"{live_server.url}/model/")
    resident.get_by_role("link", name="Annual reviews of the model").click()
    assert_accessible(resident)
    resident.get_by_role("link", name=YEAR).click()
    expect(resident.get_by_role("heading", level=1)).to_have_text(YEAR)
    expect(resident.get_by_text("This is the public version")).to_be_visible()
    expect(resident.get_by_role("table", name="Who joined and left the board in the period")).to_have_count(0)
    expect(resident.get_by_text("Test Board member")).to_have_count(0)
    assert_accessible(resident)
    pack = ReviewPack.objects.get()
    assert pack.is_published and pack.review is not None
    context.close()
