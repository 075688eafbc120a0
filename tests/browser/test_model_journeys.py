"""A resident reads the model; a board member takes a draft from clone to adoption and records a review."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from knowsley_sv.roles import Role
from outcomes.models import Indicator, ModelReview, SocialValueModel

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OUTCOME_TITLES = [
    "An increase in community resilience including the development of local skills and jobs",
    "A reduction in the demand for public services",
    "An increase in the number of, and impact volunteers make in communities",
    "An increase in the number of new community businesses developed and the impact they have in communities",
    "An increase in the level of private sector investment and the impact this has in communities",
    "An increase in the quality, amount and type of socially responsible decisions that residents make that "
    "have a positive impact in their community",
]


def test_a_resident_reads_the_model_and_cannot_reach_board_pages(live_server, page: Page, assert_accessible):
    page.goto(live_server.url)
    assert_accessible(page)
    page.get_by_role("link", name="The Knowsley Social Value Model").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Knowsley Social Value Model")
    for title in OUTCOME_TITLES:
        expect(page.get_by_role("heading", name=title)).to_be_visible()
    expect(page.get_by_role("cell", name="Greenhouse gas emissions avoided on the contract")).to_be_visible()
    expect(page.locator("table.govuk-table")).to_have_count(6)
    assert_accessible(page)

    page.get_by_role("link", name="Past versions of the model").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Versions")
    expect(page.get_by_role("button", name="Start a new draft")).to_have_count(0)
    assert_accessible(page)
    page.get_by_role("link", name="Version 1").click()
    expect(page.get_by_text("Statement on social value")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Accessibility statement").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Accessibility statement")
    assert_accessible(page)
    page.get_by_role("link", name="Privacy notice").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Privacy notice")
    assert_accessible(page)

    page.goto(f"{live_server.url}/model/reviews/")
    expect(page).to_have_url(re.compile(r"/sign-in/\?next=/model/reviews/$"))
    assert_accessible(page)
    page.goto(f"{live_server.url}/no-such-page/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    assert_accessible(page)


def test_the_skip_link_is_the_first_thing_the_keyboard_reaches(live_server, page: Page):
    page.goto(f"{live_server.url}/model/")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main-content$"))


def test_a_board_member_drafts_compares_adopts_and_reviews(
    live_server, page: Page, assert_accessible, sign_in
):
    sign_in(page, Role.BOARD_MEMBER, "board.member")
    page.get_by_role("link", name="Versions", exact=True).click()
    assert_accessible(page)
    page.get_by_role("button", name="Start a new draft").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Draft version 2")
    assert_accessible(page)

    # The statement
    page.get_by_role("link", name="Change the title or statement").click()
    page.get_by_label("Statement on social value").fill(
        "Every pound spent in Knowsley should do more for Knowsley."
    )
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Statement saved.")).to_be_visible()

    # An outcome: a bad share first, then a good one
    page.get_by_role("link", name="Change outcome 1").click()
    share = page.get_by_label("Default share of the social value weight (%)")
    share.fill("abc")
    page.get_by_role("button", name="Save outcome").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter the default share as a whole number, like 17")
    expect(summary).to_be_focused()  # GOV.UK Frontend's JavaScript is running
    expect(share).to_have_value("abc")
    assert_accessible(page)
    share.fill("18")
    page.get_by_role("button", name="Save outcome").click()
    expect(page.get_by_text("Default shares add up to 101%")).to_be_visible()

    # An indicator: errors, then a good one
    page.get_by_role("link", name="Add an indicator to outcome 3").click()
    page.get_by_role("button", name="Save indicator").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a code for the indicator")
    assert_accessible(page)
    page.get_by_label("Code", exact=True).fill("3.5")
    page.get_by_label("Indicator", exact=True).fill("Community events hosted by the supplier")
    page.get_by_label("Unit", exact=True).fill("events")
    page.get_by_label("Evidence a supplier keeps").fill("Event registers")
    page.get_by_label("Financial proxy (£ per unit), optional").fill("50")
    page.get_by_role("button", name="Save indicator").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter where the proxy value comes from")
    expect(page.get_by_label("Code", exact=True)).to_have_value("3.5")
    page.get_by_label("Financial proxy (£ per unit), optional").fill("")
    page.get_by_role("button", name="Save indicator").click()
    expect(page.get_by_text("Indicator added.")).to_be_visible()

    # Remove one
    page.get_by_role("link", name="Remove indicator 2.4").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Remove indicator 2.4?")
    assert_accessible(page)
    page.get_by_role("button", name="Remove indicator").click()
    expect(page.get_by_text("Indicator 2.4 removed from the draft.")).to_be_visible()
    assert_accessible(page)

    # Compare
    page.get_by_role("link", name="Compare with the adopted version").click()
    main = page.locator("main")
    expect(main).to_contain_text("Statement on social value")
    expect(main).to_contain_text("Default share (%)")
    expect(main).to_contain_text("3.5 Community events hosted by the supplier")
    expect(main).to_contain_text("2.4 Households helped to cut energy costs")
    assert_accessible(page)

    # Adopting is refused while the shares total 101
    page.get_by_role("link", name="Go on to adopt this version").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("They add up to 101%")
    assert_accessible(page)
    page.get_by_role("link", name="Change outcome 1").click()
    page.get_by_label("Default share of the social value weight (%)").fill("17")
    page.get_by_role("button", name="Save outcome").click()
    page.get_by_role("link", name="Adopt this version").click()
    page.get_by_role("button", name="Adopt this version").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Confirm that the board agreed")
    assert_accessible(page)
    page.get_by_label("What changed from the adopted version, and why").fill("A shorter statement; events.")
    page.get_by_label("I confirm the board agreed to adopt this version").check()
    page.get_by_role("button", name="Adopt this version").click()
    expect(page.get_by_text("Version 2 is now the adopted Social Value Model.")).to_be_visible()
    expect(page.get_by_text("Version 2, adopted")).to_be_visible()
    assert_accessible(page)
    assert SocialValueModel.objects.get(version=1).status == "superseded"
    assert Indicator.objects.filter(outcome__model__version=2, code="3.5").exists()

    # An adopted version cannot be edited
    page.goto(f"{live_server.url}/model/drafts/2/statement/")
    expect(page.locator("main")).to_contain_text("Version 2 is adopted, so it cannot be changed.")
    assert_accessible(page)

    # The annual review
    page.goto(f"{live_server.url}/model/reviews/")
    page.get_by_role("link", name="Record a review").click()
    page.get_by_role("button", name="Record review").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the date of the review meeting")
    assert_accessible(page)
    today = timezone.localdate()
    page.get_by_label("Day").fill(str(today.day))
    page.get_by_label("Month").fill(str(today.month))
    page.get_by_label("Year").fill(str(today.year))
    page.get_by_label("Test Board member").check()
    page.get_by_label("Evidence considered").fill("The 2026 consultation results.")
    page.get_by_label("Findings").fill("Residents value local jobs most.")
    page.get_by_label("Decisions").fill("Keep the model.")
    page.get_by_label("Model kept as it is").check()
    page.get_by_role("button", name="Record review").click()
    expect(page.get_by_text("Review recorded.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Review held on")
    assert_accessible(page)
    page.get_by_role("link", name="All reviews").click()
    expect(page.get_by_role("cell", name="Model kept as it is")).to_be_visible()
    assert_accessible(page)
    assert ModelReview.objects.count() == 1


def test_board_members_see_review_overdue_wherever_they_look(
    live_server, page: Page, assert_accessible, sign_in
):
    SocialValueModel.objects.filter(version=1).update(adopted_at=timezone.now() - timedelta(days=400))
    sign_in(page, Role.BOARD_MEMBER, "late.board")
    for path in ("/", "/model/", "/organisations/"):
        page.goto(f"{live_server.url}{path}")
        expect(page.get_by_role("region", name="Review overdue")).to_contain_text("Record a review")
    assert_accessible(page)
    page.goto(f"{live_server.url}/sign-in/")
