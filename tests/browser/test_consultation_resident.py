"""A resident answers a consultation by keyboard alone, and again with JavaScript off; views and withdraws
their answers by receipt code; finds a closed consultation closed and reads its results. axe-core checks
every page, error states included."""

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from consultation import services
from consultation.models import Consultation, Response, WardPopulation
from outcomes.models import SocialValueModel, Ward
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Which outcomes matter most to you?"
RECEIPT = re.compile(r"^[A-HJ-NP-Z2-9]{10}$")  # the receipt alphabet has no 0, O, 1 or I


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate limits and the accept-once keys live in the (in-process) cache: start every test with none."""
    cache.clear()
    yield
    cache.clear()


def _consultation(slug: str) -> Consultation:
    now = timezone.now()
    return Consultation.objects.create(
        title=TITLE,
        slug=slug,
        summary="The partnership board proposes to share social value between the outcomes as residents do.",
        how_answers_are_used="The average points become the proposed default split of every tender.",
        model=SocialValueModel.objects.get(version=1),
        opens_at=now - timedelta(days=3),
        closes_at=now + timedelta(days=25),
        created_by=UserFactory(username=f"creator-{slug}"),
    )


def _points_field(page: Page, number: int) -> Locator:
    return page.get_by_label(re.compile(rf"^\s*Outcome {number}:"))


def _tab_to(page: Page, target: Locator, limit: int = 80) -> None:
    """Press Tab (and only Tab) until the target has the keyboard focus."""
    expect(target).to_be_visible()
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"{target} was not reached with {limit} presses of Tab on {page.url}")


def _type_points(page: Page, values: list[int]) -> None:
    """Tab into the first points field, then type each value and Tab on to the next field."""
    _tab_to(page, _points_field(page, 1))
    for number, value in enumerate(values, start=1):
        expect(_points_field(page, number)).to_be_focused()
        page.keyboard.press("Control+A")
        page.keyboard.type(str(value))
        if number < len(values):
            page.keyboard.press("Tab")


def _points_on_check_page(page: Page, number: int) -> Locator:
    return page.locator(".govuk-summary-list__row").filter(has_text=re.compile(rf"^\s*Outcome {number}:"))


def test_a_resident_answers_by_keyboard_alone(live_server, page: Page, assert_accessible):
    _consultation("keyboard")
    halewood_south = Ward.objects.get(name="Halewood South")

    page.goto(f"{live_server.url}/consultations/")
    assert_accessible(page)
    _tab_to(page, page.get_by_role("link", name=TITLE))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.get_by_role("heading", name="Your privacy")).to_be_visible()
    assert_accessible(page)
    _tab_to(page, page.get_by_role("button", name="Start now"))
    page.keyboard.press("Enter")

    # Points: 90 first, submitted with Enter from the last field.
    expect(page.get_by_role("heading", level=1)).to_have_text("Share 100 points between the outcomes")
    total = page.locator("[data-points-total]")
    expect(total).to_have_text("Total: 0 of 100 points. 100 left to give.")
    assert_accessible(page)
    _type_points(page, [35, 20, 10, 10, 10, 5])
    expect(total).to_have_text("Total: 90 of 100 points. 10 left to give.")
    page.keyboard.press("Enter")

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Your points must add up to 100. At the moment they add up to 90.")
    expect(summary).to_be_focused()  # GOV.UK Frontend's JavaScript moves focus to the summary
    expect(page).to_have_title(re.compile(r"^Error: "))
    for number, value in enumerate([35, 20, 10, 10, 10, 5], start=1):
        expect(_points_field(page, number)).to_have_value(str(value))
    expect(total).to_have_text("Total: 90 of 100 points. 10 left to give.")
    assert_accessible(page)

    # Correct outcome 6, from the error summary onwards, by keyboard.
    _tab_to(page, _points_field(page, 6))
    page.keyboard.press("Control+A")
    page.keyboard.type("15")
    expect(total).to_have_text("Total: 100 of 100 points. All used.")
    page.keyboard.press("Enter")

    # Comments
    expect(page.get_by_role("heading", level=1)).to_have_text("Tell us more (optional)")
    assert_accessible(page)
    _tab_to(page, page.get_by_label(re.compile(r"^\s*Outcome 1:")))
    page.keyboard.type("Apprenticeships for school leavers in Huyton")
    _tab_to(page, page.get_by_role("button", name="Continue"))
    page.keyboard.press("Enter")

    # About you: arrow keys move within the ward radios (which are in alphabetical order).
    expect(page.get_by_role("heading", level=1)).to_have_text("About you")
    assert_accessible(page)
    _tab_to(page, page.get_by_role("radio", name="Cherryfield"))
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    expect(page.get_by_role("radio", name="Halewood South")).to_be_checked()
    expect(page.get_by_role("radio", name="Halewood South")).to_be_focused()
    consent = page.get_by_role("group", name="May we quote your words in our reports, without your name?")
    _tab_to(page, consent.get_by_role("radio", name="Yes"))
    page.keyboard.press("Space")
    expect(consent.get_by_role("radio", name="Yes")).to_be_checked()
    _tab_to(page, page.get_by_role("button", name="Continue"))
    page.keyboard.press("Enter")

    # Check answers
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers before sending them")
    for number, value in enumerate([35, 20, 10, 10, 10, 15], start=1):
        expect(_points_on_check_page(page, number).first).to_contain_text(f"{value} points")
    main = page.locator("main")
    expect(main).to_contain_text("Apprenticeships for school leavers in Huyton")
    expect(main).to_contain_text("Halewood South")
    assert_accessible(page)
    _tab_to(page, page.get_by_role("button", name="Send my answers"))
    page.keyboard.press("Enter")

    # Confirmation
    expect(page.get_by_role("heading", level=1, name="Answers sent")).to_be_visible()
    code = page.locator(".app-receipt").inner_text().strip()
    assert RECEIPT.match(code), f"the receipt code {code!r} is not 10 letters and digits"
    assert_accessible(page)

    response = Response.objects.get(receipt_code=code)
    assert response.channel == Response.Channel.ONLINE
    assert [a.points for a in response.allocations.order_by("outcome__number")] == [35, 20, 10, 10, 10, 15]
    assert response.ward == halewood_south and response.consent_to_quote
    assert list(response.comments.values_list("text", flat=True)) == [
        "Apprenticeships for school leavers in Huyton"
    ]


def test_a_resident_answers_with_javascript_off(live_server, browser, page: Page, assert_accessible):
    """axe-core needs JavaScript, so it cannot run in the resident's context. After each step, the page they
    see is checked in the JavaScript-enabled `page`: a GET is loaded again there with their session cookie
    copied over; an error page (the answer to a POST) is served there exactly as the resident received it."""
    _consultation("no-script")
    context = browser.new_context(java_script_enabled=False, bypass_csp=True)
    no_js = context.new_page()

    def check_same_page():
        page.context.add_cookies(context.cookies())
        page.goto(no_js.url)
        expect(page.get_by_role("heading", level=1)).to_have_text(
            no_js.get_by_role("heading", level=1).inner_text()
        )
        assert_accessible(page)

    def check_received_page():
        html = no_js.content()
        page.route(no_js.url, lambda route: route.fulfill(body=html, content_type="text/html; charset=utf-8"))
        page.goto(no_js.url)
        page.unroute(no_js.url)
        assert_accessible(page)

    try:
        no_js.goto(f"{live_server.url}/consultations/no-script/")
        check_same_page()
        no_js.get_by_role("button", name="Start now").click()
        expect(no_js.get_by_role("heading", level=1)).to_have_text("Share 100 points between the outcomes")
        # No running total without JavaScript: the paragraph stays hidden.
        expect(no_js.locator("[data-points-total]")).to_be_hidden()
        expect(no_js.get_by_text(re.compile(r"^Total:"))).to_have_count(0)
        check_same_page()

        for number, value in enumerate([40, 30, 10, 5, 5, 0], start=1):
            _points_field(no_js, number).fill(str(value))
        no_js.get_by_role("button", name="Continue").click()
        summary = no_js.locator(".govuk-error-summary")
        expect(summary).to_contain_text("Your points must add up to 100. At the moment they add up to 90.")
        expect(no_js.locator("main")).to_contain_text("Your points add up to 90.")
        expect(_points_field(no_js, 1)).to_have_value("40")
        expect(no_js.locator("[data-points-total]")).to_be_hidden()
        check_received_page()

        _points_field(no_js, 6).fill("10")
        no_js.get_by_role("button", name="Continue").click()
        expect(no_js.get_by_role("heading", level=1)).to_have_text("Tell us more (optional)")
        check_same_page()
        no_js.get_by_label("Is anything missing from the six outcomes? (optional)").fill("Clean parks")
        no_js.get_by_role("button", name="Continue").click()

        expect(no_js.get_by_role("heading", level=1)).to_have_text("About you")
        check_same_page()
        no_js.get_by_role("radio", name="Prescot North").check()
        no_js.get_by_role("radio", name="No", exact=True).check()
        no_js.get_by_role("button", name="Continue").click()

        expect(no_js.get_by_role("heading", level=1)).to_have_text("Check your answers before sending them")
        expect(_points_on_check_page(no_js, 1).first).to_contain_text("40 points")
        check_same_page()
        no_js.get_by_role("button", name="Send my answers").click()

        expect(no_js.get_by_role("heading", level=1, name="Answers sent")).to_be_visible()
        code = no_js.locator(".app-receipt").inner_text().strip()
        assert RECEIPT.match(code)
        check_same_page()
    finally:
        context.close()

    response = Response.objects.get(receipt_code=code)
    assert [a.points for a in response.allocations.order_by("outcome__number")] == [40, 30, 10, 5, 5, 10]
    assert response.ward.name == "Prescot North" and not response.consent_to_quote
    assert list(response.comments.values_list("text", flat=True)) == ["Clean parks"]


def test_a_resident_views_and_withdraws_by_receipt_code(live_server, page: Page, assert_accessible):
    consultation = _consultation("withdraw")
    response = services.response_submit(
        consultation=consultation,
        answers=services.Answers(
            points={1: 50, 2: 10, 3: 10, 4: 10, 5: 10, 6: 10},
            comments={3: "More volunteering at the food bank"},
            ward_id=Ward.objects.get(name="Whitefield").pk,
            consent_to_quote=True,
        ),
    )

    page.goto(f"{live_server.url}/consultations/withdraw/")
    page.get_by_role("link", name="View or withdraw a response you have already sent").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("View or withdraw your response")
    assert_accessible(page)

    page.get_by_label("Your receipt code").fill("ABCDEFGHJK")
    page.get_by_role("button", name="Find my response").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("We could not find a response with that receipt code")
    expect(summary).to_be_focused()
    expect(page.get_by_label("Your receipt code")).to_have_value("ABCDEFGHJK")
    assert_accessible(page)

    page.get_by_label("Your receipt code").fill(response.receipt_code.lower())
    page.get_by_role("button", name="Find my response").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Your response {response.receipt_code}")
    main = page.locator("main")
    expect(main).to_contain_text("50 points")
    expect(main).to_contain_text("More volunteering at the food bank")
    expect(main).to_contain_text("Whitefield")
    assert_accessible(page)

    page.get_by_role("button", name="Withdraw and delete my response").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Are you sure you want to withdraw your response?"
    )
    assert_accessible(page)
    assert Response.objects.filter(pk=response.pk).exists()
    page.set_viewport_size({"width": 320, "height": 900})  # on a phone, the page fits: no sideways scroll
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert_accessible(page)
    page.get_by_role("button", name="Yes, withdraw and delete my response").click()
    expect(page.get_by_role("heading", level=1, name="Response withdrawn")).to_be_visible()
    assert_accessible(page)
    assert not Response.objects.filter(pk=response.pk).exists()
    assert not Response.objects.filter(consultation=consultation).exists()


def test_a_closed_consultation_refuses_answers_and_shows_its_results(
    live_server, page: Page, assert_accessible
):
    consultation = _consultation("closed")
    wards = list(Ward.objects.filter(name__in=["Roby", "Page Moss", "Stockbridge"]))
    splits = [[30, 20, 15, 15, 10, 10], [20, 20, 20, 20, 10, 10], [40, 10, 10, 10, 20, 10]]
    for i in range(12):
        services.response_submit(
            consultation=consultation,
            answers=services.Answers(
                points=dict(enumerate(splits[i % 3], start=1)),
                ward_id=wards[i % 3].pk,
                consent_to_quote=False,
            ),
        )
    for ward, population in zip(wards, [15000, 12000, 9000], strict=True):
        WardPopulation.objects.filter(ward=ward).update(
            population=population, year=2023, source="ONS mid-year estimates"
        )
    consultation.closes_at = timezone.now() - timedelta(days=1)
    consultation.save(update_fields=["closes_at"])  # a save: the public pages' cached copy goes with it

    answer = page.goto(f"{live_server.url}/consultations/closed/respond/points/")
    assert answer is not None and answer.status == 410
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.locator("main")).to_contain_text(re.compile(r"This consultation closed at .+\. Thank you"))
    expect(page.get_by_role("textbox")).to_have_count(0)
    assert_accessible(page)

    page.goto(f"{live_server.url}/consultations/closed/")
    expect(page.get_by_role("button", name="Start now")).to_have_count(0)
    assert_accessible(page)
    page.get_by_role("link", name="Read the results").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Results")
    main = page.locator("main")
    # the page leads with what residents said, in words, and what the council did with it
    expect(main.locator("p").first).to_contain_text(
        re.compile(r"^12 residents responded\. They gave most points to Outcome 1 ")
    )
    expect(main).to_contain_text("The council has not yet published its response")
    shares = page.get_by_role("table", name="Share of residents' points for each outcome")
    expect(shares.get_by_role("row").filter(has_text=re.compile(r"^\s*1\. ")).first).to_contain_text("30.0%")
    # the method and its table are in a Details component, closed until opened
    table = page.get_by_role("table", name="Points given to each outcome")
    expect(table).to_be_hidden()
    page.get_by_text("How we worked these figures out").click()
    expect(main).to_contain_text("12 responses")
    # Means: outcome 1 (30 + 20 + 40) / 3 = 30.0; no cell is suppressed.
    expect(table.get_by_role("row").filter(has_text=re.compile(r"^\s*1\. ")).first).to_contain_text("30.0")
    expect(table).not_to_contain_text("Fewer than 10")
    weighted = table.locator("tbody tr td:nth-child(5)")
    expect(weighted).to_have_count(6)
    for cell in weighted.all():
        expect(cell).to_have_text(re.compile(r"^\d+\.\d$"))  # a figure, not "–"
    expect(main).to_contain_text("Effective sample size")
    expect(main).not_to_contain_text("Results are shown unweighted")
    assert_accessible(page)
    # on a phone, with the method open, nothing goes past the window's edge (the every-page sweep only sees
    # a closed consultation with too few responses for figures)
    page.set_viewport_size({"width": 320, "height": 900})
    scroll, viewport = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll <= viewport
    assert_accessible(page)
