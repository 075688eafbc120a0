"""The pages issue 13 added, as people meet them: the sign-in lockout, the 400 page for a NUL and the privacy
notice with its retention schedule. Each passes axe, at 1280 px and at 320 px without sideways scrolling."""

import pytest
from playwright.sync_api import Page, expect

from knowsley_sv.roles import Role
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = [1280, 320]


def _fits(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.evaluate("window.innerWidth")
    assert width <= viewport, f"{page.url} is {width} px wide in a {viewport} px window"


@pytest.mark.parametrize("width", WIDTHS)
def test_wrong_passwords_end_at_the_lockout_page(live_server, page: Page, assert_accessible, settings, width):
    page.set_viewport_size({"width": width, "height": 900})
    UserFactory(username="officer", roles=[Role.COMMISSIONER])
    page.goto(f"{live_server.url}/sign-in/")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        page.get_by_label("Username").fill("officer")
        page.get_by_label("Password").fill("not-the-password")
        page.get_by_role("button", name="Sign in").click()
        expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a correct username and password")
    assert_accessible(page)
    _fits(page)

    page.get_by_label("Username").fill("officer")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator("main")).to_contain_text("Too many attempts. Try again in 15 minutes")
    assert_accessible(page)
    _fits(page)

    page.goto(f"{live_server.url}/sign-in/")  # the right password is refused until the cool-off ends
    page.get_by_label("Username").fill("officer")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("main")).to_contain_text("Too many attempts")


@pytest.mark.parametrize("width", WIDTHS)
def test_a_nul_in_the_address_gets_the_designed_400_page(live_server, page: Page, assert_accessible, width):
    page.set_viewport_size({"width": width, "height": 900})
    response = page.goto(f"{live_server.url}/tenders/?q=%00")
    assert response.status == 400
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page)
    _fits(page)


@pytest.mark.parametrize("width", WIDTHS)
def test_the_privacy_notice_shows_the_retention_schedule(live_server, page: Page, assert_accessible, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/privacy/")
    expect(page.locator("main")).to_contain_text("Data Protection Officer")
    expect(page.locator("main")).to_contain_text("90 days")
    assert_accessible(page)
    _fits(page)
