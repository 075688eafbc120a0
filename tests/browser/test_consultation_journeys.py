"""Residents answer a consultation (by keyboard, and with JavaScript off); officers enter, moderate,
publish and adopt the split. axe-core on every page."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from consultation import services
from consultation.models import Consultation, Response, WardPopulation
from knowsley_sv.roles import Role
from outcomes.models import Outcome, SocialValueModel, Ward
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

POINTS = [30, 20, 15, 10, 10, 15]


def _consultation(slug="priorities", closed=False) -> Consultation:
    now = timezone.now()
    return Consultation.objects.create(
        title="What matters most in Knowsley",
        slug=slug,
        summary="The board proposes to weight social value by what residents value most.",
        how_answers_are_used="The average points become the proposed split.",
        model=SocialValueModel.objects.get(version=1),
        opens_at=now - timedelta(days=5),
        closes_at=now + timedelta(days=20),
        created_by=UserFactory(username=f"creator-{slug}"),
    )


def _close(consultation):
    Consultation.objects.filter(pk=consultation.pk).update(closes_at=timezone.now() - timedelta(minutes=1))


def _fill_points_by_keyboard(page: Page, values):
    page.get_by_label(re.compile(r"\bOutcome 1:")).focus()
    for i, value in enumerate(values):
        page.keyboard.press("Control+A")
        page.keyboard.type(str(value))
        if i < len(values) - 1:
            page.keyboard.press("Tab")


def test_a_resident_answers_by_keyboard_alone(live_server, page: Page, assert_accessible):
    consultation = _consultation()
    ward = Ward.objects.get(name="Roby")
    page.goto(f"{live_server.url}/consultations/")
    assert_accessible(page)
    page.get_by_role("link", name="What matters most in Knowsley").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("What matters most in Knowsley")
    assert_accessible(page)
    page.get_by_role("button", name="Start now").focus()
    page.keyboard.press("Enter")

    _fill_points_by_keyboard(page, [30, 20, 15, 10, 10, 5])
    expect(page.locator("[data-points-total]")).to_have_text("Total: 90 of 100 points. 10 left to give.")
    assert_accessible(page)
    page.keyboard.press("Enter")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Your points must add up to 100. At the moment they add up to 90.")
    expect(summary).to_be_focused()
    expect(page.get_by_label(re.compile(r"\bOutcome 6:"))).to_have_value("5")
    assert_accessible(page)
    _fill_points_by_keyboard(page, POINTS)
    expect(page.locator("[data-points-total]")).to_contain_text("Total: 100 of 100 points.")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Tell us more (optional)")
    assert_accessible(page)
    page.get_by_label(re.compile(r"\bOutcome 1:")).focus()
    page.keyboard.type("Apprenticeships for school leavers")
    page.get_by_role("button", name="Continue").focus()
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("About you")
    assert_accessible(page)
    page.get_by_label("Roby").focus()
    page.keyboard.press("Space")
    page.get_by_label("Yes").focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Continue").focus()
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers before sending them")
    expect(page.locator("main")).to_contain_text("Apprenticeships for school leavers")
    assert_accessible(page)
    page.get_by_role("button", name="Send my answers").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Answers sent")).to_be_visible()
    assert_accessible(page)
    code = page.locator(".app-receipt").inner_text()
    response = Response.objects.get(receipt_code=code)
    assert [a.points for a in response.allocations.order_by("outcome__number")] == POINTS
    assert response.ward == ward and response.consent_to_quote

    # view, then withdraw, by receipt code
    page.get_by_role("link", name="view or withdraw your answers").click()
    page.get_by_label("Your receipt code").fill("NOSUCHCODE")
    page.get_by_role("button", name="Find my response").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("We could not find a response")
    assert_accessible(page)
    page.get_by_label("Your receipt code").fill(code.lower())
    page.get_by_role("button", name="Find my response").click()
    expect(page.locator("main")).to_contain_text("Apprenticeships for school leavers")
    assert_accessible(page)
    page.get_by_role("button", name="Withdraw and delete my response").click()
    expect(page.get_by_role("heading", name="Response withdrawn")).to_be_visible()
    assert_accessible(page)
    assert not Response.objects.filter(consultation=consultation).exists()


def test_a_resident_answers_with_javascript_off(live_server, browser, page: Page, assert_accessible):
    _consultation()
    context = browser.new_context(java_script_enabled=False)
    no_js = context.new_page()

    def same_page_checked():
        # axe needs JavaScript: check the page the resident sees by loading it with their session cookie.
        page.context.add_cookies(context.cookies())
        page.goto(no_js.url)
        assert_accessible(page)

    no_js.goto(f"{live_server.url}/consultations/priorities/respond/points/")
    expect(no_js.locator("[data-points-total]")).to_be_hidden()
    for number, value in enumerate([50, 40, 0, 0, 0, 0], start=1):
        no_js.get_by_label(re.compile(rf"\bOutcome {number}:")).fill(str(value))
    no_js.get_by_role("button", name="Continue").click()
    expect(no_js.locator(".govuk-error-summary")).to_contain_text("At the moment they add up to 90.")
    expect(no_js.locator("main")).to_contain_text("Your points add up to 90.")
    for number, value in enumerate(POINTS, start=1):
        no_js.get_by_label(re.compile(rf"\bOutcome {number}:")).fill(str(value))
    no_js.get_by_role("button", name="Continue").click()
    same_page_checked()
    no_js.get_by_role("button", name="Continue").click()
    no_js.get_by_label("Prefer not to say").first.check()
    no_js.get_by_label("No", exact=True).check()
    no_js.get_by_role("button", name="Continue").click()
    same_page_checked()
    no_js.get_by_role("button", name="Send my answers").click()
    expect(no_js.get_by_role("heading", name="Answers sent")).to_be_visible()
    assert Response.objects.count() == 1 and Response.objects.get().ward is None
    context.close()


def test_officers_enter_moderate_respond_and_adopt_the_split(
    live_server, page: Page, assert_accessible, sign_in
):
    consultation = _consultation()
    ward_names = ["Roby", "Halewood North"]
    for i in range(12):
        services.response_submit(
            consultation=consultation,
            answers=services.Answers(
                points=dict(zip(range(1, 7), POINTS, strict=True)),
                comments={1: "My neighbour John Smith at 4 Acacia Road wants more jobs"} if i == 0 else {},
                missing="Rude words here" if i == 1 else "",
                ward_id=Ward.objects.get(name=ward_names[i % 2]).pk,
                consent_to_quote=True,
            ),
        )
    WardPopulation.objects.filter(ward__name__in=ward_names).update(population=10000, year=2024, source="ONS")

    sign_in(page, Role.COMMISSIONER, "commissioner")
    page.get_by_role("link", name="Manage consultations").click()
    assert_accessible(page)
    page.get_by_role("link", name="What matters most in Knowsley").click()
    assert_accessible(page)
    page.get_by_role("link", name="Enter a paper or event response").click()
    page.get_by_label("Paper form").check()
    today = timezone.localdate()
    page.get_by_label("Day").fill(str(today.day))
    page.get_by_label("Month").fill(str(today.month))
    page.get_by_label("Year").fill(str(today.year))
    page.get_by_label(re.compile(r"\bOutcome 1:")).first.fill("99")
    page.get_by_label("No", exact=True).check()
    page.get_by_role("button", name="Save response").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select the ward where you live")
    page.get_by_label("Ward", exact=True).select_option(label="Prefer not to say")
    page.get_by_role("button", name="Save response").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("At the moment they add up to 99.")
    assert_accessible(page)
    page.get_by_label(re.compile(r"\bOutcome 1:")).first.fill("100")
    page.get_by_role("button", name="Save response").click()
    expect(page.get_by_text("Response saved. Its receipt code is")).to_be_visible()
    assert Response.objects.filter(channel="paper").count() == 1
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, Role.BOARD_MEMBER, "board")
    page.goto(f"{live_server.url}/consultations/priorities/manage/moderation/")
    assert_accessible(page)
    page.get_by_role("link", name="Moderate comment 1").click()
    assert_accessible(page)
    page.get_by_label("Publish it").check()
    page.get_by_label("Text to publish").fill("My neighbour [name removed] wants more jobs")
    page.get_by_role("button", name="Save decision").click()
    expect(page.get_by_text("Comment published.")).to_be_visible()
    page.get_by_role("link", name="Moderate comment 1").click()
    page.get_by_label("Hide it").check()
    page.get_by_role("button", name="Save decision").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter why the comment is hidden")
    assert_accessible(page)
    page.get_by_label("Why is it hidden?").fill("Offensive")
    page.get_by_role("button", name="Save decision").click()
    expect(page.get_by_text("Comment hidden.")).to_be_visible()

    page.goto(f"{live_server.url}/consultations/priorities/manage/results/")
    expect(page.get_by_role("link", name="Show results with them")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Effective sample size")
    assert_accessible(page)

    _close(consultation)
    page.goto(f"{live_server.url}/consultations/priorities/manage/")
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV").first.click()
    assert download.value.suggested_filename == "priorities-responses.csv"
    page.get_by_role("link", name='Write "you said, we did"').click()
    page.get_by_label("You said, we did").fill("You said jobs matter most; we will weight them highest.")
    page.get_by_role("button", name="Publish the response").click()
    main = page.locator("main")
    expect(main).to_contain_text("we will weight them highest")
    expect(main).to_contain_text("My neighbour [name removed] wants more jobs")
    expect(main).not_to_contain_text("John Smith")
    expect(main).not_to_contain_text("Rude words")
    assert_accessible(page)

    page.goto(f"{live_server.url}/consultations/priorities/manage/adopt-split/")
    assert_accessible(page)
    page.get_by_role("button", name="Adopt this split into the draft").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Draft version 2")
    assert_accessible(page)
    consultation.refresh_from_db()
    shares = dict(Outcome.objects.filter(model__version=2).values_list("number", "default_share"))
    assert {str(k): v for k, v in shares.items()} == consultation.adopted_split
