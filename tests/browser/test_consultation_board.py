"""Officers and the board: a commissioner keys a paper response, a board member moderates comments, reads
live results, publishes "you said, we did", downloads the responses and adopts the proposed split into a
draft of the model. axe-core checks every page, error states included."""

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone
from playwright.sync_api import Page, expect

from consultation import services
from consultation.models import Comment, Consultation, Response, WardPopulation
from knowsley_sv.models import User
from knowsley_sv.roles import Role
from outcomes.models import Outcome, SocialValueModel, Ward
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Sharing social value in Knowsley"
NAMED = "My neighbour John Smith at 4 Acacia Road wants more jobs"
REDACTED = "My neighbour [name removed] at [address removed] wants more jobs"
OFFENSIVE = "The councillors are all crooks and idiots"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def _consultation(slug: str) -> Consultation:
    now = timezone.now()
    return Consultation.objects.create(
        title=TITLE,
        slug=slug,
        summary="How should tenders share social value between the six outcomes?",
        how_answers_are_used="The average points become the proposed default split.",
        model=SocialValueModel.objects.get(version=1),
        opens_at=now - timedelta(days=10),
        closes_at=now + timedelta(days=10),
        created_by=UserFactory(username=f"creator-{slug}"),
    )


def _close(consultation: Consultation) -> None:
    consultation.closes_at = timezone.now() - timedelta(days=1)
    consultation.save(update_fields=["closes_at"])  # a save: the public pages' cached copy goes with it


def _submit(consultation, points, *, ward="Roby", comments=None, missing="", consent=True) -> Response:
    return services.response_submit(
        consultation=consultation,
        answers=services.Answers(
            points=dict(enumerate(points, start=1)),
            comments=comments or {},
            missing=missing,
            ward_id=Ward.objects.get(name=ward).pk if ward else None,
            consent_to_quote=consent,
        ),
    )


def _moderate_link(page: Page, text: str):
    """The "Moderate" link in the row of the comment containing this text."""
    return page.get_by_role("row").filter(has_text=text).get_by_role("link", name=re.compile("^Moderate"))


def _open_manage_page(page: Page, assert_accessible) -> None:
    page.get_by_role("link", name="Manage consultations").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Manage consultations")
    assert_accessible(page)
    page.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    assert_accessible(page)


def test_a_commissioner_enters_a_paper_response(live_server, page: Page, assert_accessible, sign_in):
    _consultation("paper")
    sign_in(page, Role.COMMISSIONER, "paper.commissioner")
    _open_manage_page(page, assert_accessible)
    page.get_by_role("link", name="Enter a paper or event response").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter a paper or event response")
    assert_accessible(page)

    received = timezone.localdate() - timedelta(days=2)
    page.get_by_role("radio", name="Paper form").check()
    page.get_by_label("Day").fill(str(received.day))
    page.get_by_label("Month").fill(str(received.month))
    page.get_by_label("Year").fill(str(received.year))
    for number, value in enumerate([30, 30, 10, 10, 5, 5], start=1):
        page.get_by_label(re.compile(rf"^\s*Outcome {number}:")).first.fill(str(value))
    page.get_by_label(re.compile(r"^\s*Outcome 2:")).nth(1).fill("Fewer empty shops on the high street")
    page.get_by_label("Ward", exact=True).select_option(label="Northwood")
    page.get_by_role("radio", name="Yes", exact=True).check()
    page.get_by_role("button", name="Save response").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Your points must add up to 100. At the moment they add up to 90.")
    expect(summary).to_be_focused()
    expect(page.get_by_label("Year")).to_have_value(str(received.year))
    expect(page.get_by_label("Ward", exact=True)).to_have_value(str(Ward.objects.get(name="Northwood").pk))
    assert_accessible(page)
    assert not Response.objects.exists()

    page.get_by_label(re.compile(r"^\s*Outcome 1:")).first.fill("40")
    page.get_by_role("button", name="Save response").click()
    message = page.get_by_text(re.compile(r"Response saved\. Its receipt code is [A-Z0-9]{10}\."))
    expect(message).to_be_visible()
    assert_accessible(page)

    code = re.search(r"receipt code is ([A-Z0-9]{10})", message.inner_text()).group(1)
    response = Response.objects.get(receipt_code=code)
    assert response.channel == Response.Channel.PAPER
    assert response.entered_by == User.objects.get(username="paper.commissioner")
    assert timezone.localtime(response.submitted_at).date() == received
    assert response.ward.name == "Northwood" and response.consent_to_quote
    assert [a.points for a in response.allocations.all()] == [40, 30, 10, 10, 5, 5]
    assert list(response.comments.values_list("text", flat=True)) == ["Fewer empty shops on the high street"]


def test_a_board_member_moderates_comments(live_server, page: Page, assert_accessible, sign_in):
    consultation = _consultation("moderation")
    _submit(consultation, [40, 20, 10, 10, 10, 10], comments={1: NAMED})
    _submit(consultation, [20, 20, 20, 20, 10, 10], missing=OFFENSIVE)
    for i in range(10):
        _submit(consultation, [20 + i, 20, 20, 20, 10, 10 - i], ward="Swanside")

    sign_in(page, Role.BOARD_MEMBER, "moderating.board")
    _open_manage_page(page, assert_accessible)
    page.get_by_role("link", name="Moderate comments").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Moderate comments")
    expect(page.get_by_role("table", name="2 comments")).to_be_visible()
    assert_accessible(page)

    # Publish, with the name and address taken out
    _moderate_link(page, "John Smith").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Moderate a comment")
    expect(page.locator(".govuk-inset-text")).to_contain_text(NAMED)
    expect(page.get_by_label("Text to publish")).to_have_value(NAMED)
    assert_accessible(page)
    page.get_by_role("radio", name="Publish it").check()
    page.get_by_label("Text to publish").fill(REDACTED)
    page.get_by_role("button", name="Save decision").click()
    expect(page.get_by_text("Comment published.")).to_be_visible()
    expect(page.get_by_role("table", name="1 comment")).to_be_visible()
    assert_accessible(page)

    # Hide: a reason is required
    _moderate_link(page, "crooks").click()
    page.get_by_role("radio", name="Hide it").check()
    page.get_by_role("button", name="Save decision").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter why the comment is hidden")
    expect(summary).to_be_focused()
    expect(page.get_by_role("radio", name="Hide it")).to_be_checked()
    assert_accessible(page)
    page.get_by_label("Why is it hidden?").fill("Abusive about named groups")
    page.get_by_role("button", name="Save decision").click()
    expect(page.get_by_text("Comment hidden.")).to_be_visible()
    expect(page.get_by_role("table", name="0 comments")).to_contain_text("No comments here.")
    assert_accessible(page)

    published = Comment.objects.get(text=NAMED)
    assert published.status == Comment.Status.PUBLISHED and published.published_text == REDACTED
    assert published.moderated_by.username == "moderating.board"
    hidden = Comment.objects.get(text=OFFENSIVE)
    assert hidden.status == Comment.Status.HIDDEN and hidden.hidden_reason == "Abusive about named groups"

    # After close, the public sees the redacted words only
    _close(consultation)
    page.get_by_role("button", name="Sign out").click()
    page.goto(f"{live_server.url}/consultations/")
    page.get_by_role("link", name=f"{TITLE}: results").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Results")
    expect(page.get_by_role("heading", name="In residents' words")).to_be_visible()
    expect(page.locator("main")).to_contain_text(REDACTED)
    html = page.content()
    for private in ("John Smith", "Acacia", "crooks"):
        assert private not in html, f"{private!r} is on the public results page"
    assert_accessible(page)


def test_a_board_member_reads_results_responds_and_adopts_the_split(
    live_server, page: Page, assert_accessible, sign_in
):
    consultation = _consultation("adopt")
    # Twelve responses whose means are whole numbers: (40+20)/2, 20, (10+20)/2, (10+20)/2, 10, 10.
    for i in range(12):
        ward = "Roby" if i % 3 else "Halewood North"
        _submit(consultation, [40, 20, 10, 10, 10, 10] if i % 2 else [20, 20, 20, 20, 10, 10], ward=ward)
    duplicate = _submit(consultation, [100, 0, 0, 0, 0, 0], ward="Roby")
    Response.objects.filter(pk=duplicate.pk).update(is_suspected_duplicate=True)
    WardPopulation.objects.filter(ward__name__in=["Roby", "Halewood North"]).update(
        population=12000, year=2023, source="ONS mid-year estimates"
    )
    _close(consultation)
    expected_split = {1: 30, 2: 20, 3: 15, 4: 15, 5: 10, 6: 10}

    sign_in(page, Role.BOARD_MEMBER, "results.board")
    _open_manage_page(page, assert_accessible)

    # Live results, without and with the suspected duplicate
    page.get_by_role("link", name="Live results").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Live results")
    table = page.get_by_role("table", name="Points given to each outcome")
    expect(table).to_be_visible()
    main = page.locator("main")
    expect(main).to_contain_text("12 responses; 1 suspected duplicate set aside")
    expect(table.get_by_role("row").filter(has_text=re.compile(r"^\s*1\. ")).first).to_contain_text("30%")
    assert_accessible(page)
    page.get_by_role("link", name="Show results with them").click()
    expect(main).to_contain_text("13 responses, including 1 suspected duplicate")
    expect(page.get_by_role("link", name="Show results without suspected duplicates")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Back").click()

    # The responses as CSV
    with page.expect_download() as download_info:
        downloads = page.get_by_role("listitem").filter(has_text="Download responses")
        downloads.get_by_role("link", name="CSV").click()
    download = download_info.value
    assert download.suggested_filename == "adopt-responses.csv"
    with open(download.path(), encoding="utf-8-sig") as csv_file:
        lines = csv_file.read().splitlines()
    assert len(lines) == 1 + 13, f"expected a header and 13 rows, got {len(lines)} lines"

    # You said, we did: an empty response first
    page.get_by_role("link", name='Write "you said, we did"').click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You said, we did")
    assert_accessible(page)
    page.get_by_role("button", name="Publish the response").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the board's response")
    assert_accessible(page)
    page.get_by_label("You said, we did").fill(
        "You said local jobs matter most. We will give that outcome 30% of the social value weight."
    )
    page.get_by_role("button", name="Publish the response").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Results")
    expect(page.get_by_text("Your response is published on the results page.")).to_be_visible()
    expect(page.locator(".govuk-inset-text").first).to_contain_text("You said local jobs matter most.")
    assert_accessible(page)

    # Adopt the proposed split
    page.goto(f"{live_server.url}/consultations/adopt/manage/")
    page.get_by_role("link", name="Adopt the proposed split into the model").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Adopt the proposed split into the model")
    assert_accessible(page)
    page.get_by_role("button", name="Adopt this split into the draft").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Draft version 2")
    adopted = "The proposed split is now the default split of draft version 2."
    expect(page.get_by_text(adopted)).to_be_visible()
    assert_accessible(page)

    consultation.refresh_from_db()
    draft = SocialValueModel.objects.get(version=2)
    assert draft.status == SocialValueModel.Status.DRAFT
    assert consultation.split_adopted_into == draft
    assert consultation.split_adopted_by.username == "results.board"
    shares = dict(Outcome.objects.filter(model=draft).values_list("number", "default_share"))
    assert {str(n): share for n, share in shares.items()} == consultation.adopted_split
    assert shares == expected_split

    # The public results page now says so
    page.goto(f"{live_server.url}/consultations/adopt/results/")
    expect(page.locator("main")).to_contain_text("The board adopted the proposed split")
    expect(page.locator("main")).to_contain_text("version 2 of the model")
    assert_accessible(page)
