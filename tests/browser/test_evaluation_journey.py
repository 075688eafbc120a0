"""A full evaluation in the browser (issue 6): three evaluators declare and score three bids blind, the
commissioner moderates (one row flagged), reads the report, awards and publishes the notice; bidders read
their assessment summaries. The report equals DESIGN §5.4's table to the penny; axe on every page."""

import pytest
from playwright.sync_api import Page, expect

from knowsley_sv.roles import Role
from procurement.models import Award, ModeratedScore, Score
from tests.factories import PASSWORD, UserFactory
from tests.procurement.helpers import WORKED_EXAMPLE, WORKED_EXAMPLE_TABLE, line_keys, worked_example_tender

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EVALUATORS = [("eval.ann", "Ann", "Shaw"), ("eval.ben", "Ben", "Yusuf"), ("eval.cat", "Cat", "Moore")]
FLAGGED = ("Alpha Services", "Q1")  # the third evaluator gives 100 where the others give 60


def sign_in_as(browser, browser_context_args, live_server, username) -> Page:
    page = browser.new_context(**browser_context_args).new_page()
    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    return page


def test_a_full_evaluation_with_three_evaluators_and_three_bids(
    live_server, browser, browser_context_args, assert_accessible
):
    commissioner = UserFactory(
        username="commissioner", first_name="Chris", last_name="Lowe", roles=[Role.COMMISSIONER]
    )
    tender = worked_example_tender(commissioner)
    for username, first, last in EVALUATORS:
        UserFactory(username=username, first_name=first, last_name=last, roles=[Role.EVALUATOR])
    keys = line_keys(tender)

    # The commissioner sets up the panel
    council = sign_in_as(browser, browser_context_args, live_server, "commissioner")
    council.goto(f"{live_server.url}{tender.get_absolute_url()}")
    council.get_by_role("link", name="Evaluation panel").click()
    assert_accessible(council)
    for username, first, last in EVALUATORS:
        council.get_by_label("Evaluator", exact=True).select_option(label=f"{first} {last} ({username})")
        council.get_by_role("button", name="Add to the panel").click()
    for _username, first, last in EVALUATORS:
        expect(council.locator("main")).to_contain_text(f"{first} {last}")
    assert_accessible(council)

    # Each evaluator declares, then scores every bid blind; the third differs by 40 on one row
    for n, (username, _first, _last) in enumerate(EVALUATORS):
        page = sign_in_as(browser, browser_context_args, live_server, username)
        page.get_by_role("link", name="Evaluations").click()
        if n == 0:
            assert_accessible(page)
        page.get_by_role("link", name=tender.title).click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("conflict")
        expect(page.locator("main")).not_to_contain_text("£")
        if n == 0:
            assert_accessible(page)
            # the details box is revealed by "I have a conflict" and hidden again by "no"
            expect(page.get_by_label("Describe the conflict")).to_be_hidden()
            page.get_by_label("I have a conflict of interest").check()
            expect(page.get_by_label("Describe the conflict")).to_be_visible()
            expect(page.get_by_label("I have a conflict of interest")).to_have_attribute(
                "aria-expanded", "true"
            )
            assert_accessible(page)
        page.get_by_label("I have no conflict of interest").check()
        expect(page.get_by_label("Describe the conflict")).to_be_hidden()
        page.get_by_role("button", name="Make your declaration").click()
        if n == 0:
            assert_accessible(page)
        page.get_by_role("link", name="Score").first.click()
        for supplier, (_price, scores) in WORKED_EXAMPLE.items():
            expect(page.locator("main")).to_contain_text(supplier)
            expect(page.locator("main")).not_to_contain_text("£")  # evaluators never see prices
            for line, value in scores.items():
                if n == 2 and (supplier, line) == FLAGGED:
                    value = 100
                page.locator(f'input[name="score_{keys[line]}"][value="{value}"]').check()
                page.locator(f'textarea[name="justification_{keys[line]}"]').fill(
                    f"{username}: {supplier} {line}"
                )
            if n == 0 and supplier == "Alpha Services":
                assert_accessible(page)
            page.locator('button[name="next"]').click()
        expect(page.locator("main")).to_contain_text("5 of 5")
        page.get_by_role("button", name="Submit all your scores").click()
        page.get_by_role("link", name="panel").first.click()
        expect(page.locator("main")).to_contain_text(f"{username}: Gamma Works O6")
        if n == 0:
            assert_accessible(page)
        page.context.close()
    assert Score.objects.count() == 3 * 3 * 5

    # Moderation: every evaluator's justification, the flagged row, a consensus per line
    council.goto(f"{live_server.url}{tender.get_absolute_url()}")
    council.get_by_role("link", name="Moderation").click()
    assert_accessible(council)
    council.get_by_role("link", name="Moderate").first.click()
    for supplier, (_price, scores) in WORKED_EXAMPLE.items():
        expect(council.locator("main")).to_contain_text(supplier)
        if supplier == "Alpha Services":
            expect(council.get_by_text("Scores differ by 40 or more")).to_have_count(1)
            expect(council.locator("main")).to_contain_text("eval.cat: Alpha Services Q1")
            council.locator(f'input[name="score_{keys["Q1"]}"][value="60"]').check()  # no rationale yet
            council.get_by_role("button", name="Save consensus scores").click()
            expect(council.locator(".govuk-error-summary")).to_contain_text("enter the rationale")
            assert_accessible(council)
        for line, value in scores.items():
            council.locator(f'input[name="score_{keys[line]}"][value="{value}"]').check()
            council.locator(f'textarea[name="rationale_{keys[line]}"]').fill(f"Panel agreed {value}.")
        council.get_by_role("button", name="Save consensus scores").click()
    assert ModeratedScore.objects.filter(flagged=True).count() == 1

    # The report equals DESIGN §5.4 to the penny, in rank order
    council.goto(f"{live_server.url}{tender.get_absolute_url()}")
    council.get_by_role("link", name="Evaluation report").click()
    assert_accessible(council)
    for supplier, (price_score, quality, social_value, total, rank) in WORKED_EXAMPLE_TABLE.items():
        row = council.locator("#results tbody tr").filter(has=council.locator("th", has_text=supplier))
        cells = [text.split()[0] for text in row.locator("td").all_inner_texts()]
        assert cells[1:6] == [price_score, quality, social_value, total, str(rank)], supplier
    # At 1280 px the results table fits without scrolling. On a phone the line-by-line table scrolls
    # sideways, and scrolled to its end it still shows the suppliers' names
    council.set_viewport_size({"width": 1280, "height": 900})
    fits = "r => r.scrollWidth <= r.clientWidth"
    assert council.locator("[aria-labelledby=results-caption]").evaluate(fits)
    council.set_viewport_size({"width": 320, "height": 900})
    breakdown = council.locator("[aria-labelledby=breakdown-caption]")
    assert breakdown.evaluate("r => { r.scrollLeft = r.scrollWidth; return r.scrollLeft; }") > 0
    name = council.locator("#breakdown tbody th").first
    assert name.evaluate(
        "(th, r) => th.getBoundingClientRect().left >= r.getBoundingClientRect().left - 1",
        breakdown.element_handle(),
    )
    council.set_viewport_size({"width": 1280, "height": 900})
    suppliers_in_order = council.locator("#results tbody tr th[scope=row]").all_inner_texts()
    assert [s for s in suppliers_in_order if s in WORKED_EXAMPLE] == [
        "Gamma Works",
        "Alpha Services",
        "Beta Care",
    ]

    # Award the top-ranked bid, publish the notice: the standstill starts
    council.get_by_role("link", name="Award").first.click()
    assert_accessible(council)
    council.get_by_role("button", name="Continue").click()
    expect(council.locator("h1")).to_have_text("Check your award")  # nothing is awarded until confirmed
    assert_accessible(council)
    assert not Award.objects.exists()
    council.get_by_role("button", name="Award the contract").click()
    expect(council.locator("main")).to_contain_text("Gamma Works")
    assert_accessible(council)
    council.get_by_role("button", name="Publish the award notice").click()
    expect(council.locator("main")).to_contain_text("Standstill ends at the end of")
    assert Award.objects.get().bid.supplier.name == "Gamma Works"

    # Bidders read their own assessment summary, with the winner's scores beside theirs
    beta = sign_in_as(browser, browser_context_args, live_server, "supplier-beta-care")
    beta.get_by_role("link", name="Your bids").click()
    beta.get_by_role("link", name="Assessment summary").click()
    main = beta.locator("main")
    expect(main).to_contain_text("69.20")  # Beta Care's total
    expect(main).to_contain_text("78.80")  # the winner's
    expect(main).to_contain_text("Panel agreed 20.")  # the reasons
    assert_accessible(beta)
