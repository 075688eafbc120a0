"""consultation views: the resident journey, officer pages, results and query counts. (Who may open which
page, in each state, is the project's one route × role table: tests/security/test_permission_matrix.py.)"""

import itertools
import re
import time
from datetime import date, timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from consultation import selectors, services, summary
from consultation.forms import HIDE_NEEDS_REASON, HONEYPOT_FILLED, POINTS_LEGEND, PUBLISH_NEEDS_TEXT
from consultation.models import Allocation, Comment, Consultation, ContactRecord, Response, WardPopulation
from consultation.rules import ENTER_WHOLE_NUMBER, MUST_TOTAL_100, NOT_NEGATIVE
from consultation.selectors import WEIGHTING_NEEDS_POPULATIONS
from knowsley_sv import formatting
from knowsley_sv.models import AuditEvent
from knowsley_sv.retention import parse_period
from knowsley_sv.roles import Role
from outcomes.models import Outcome, SocialValueModel, Ward

from ..factories import UserFactory
from . import helpers

pytestmark = pytest.mark.django_db


SPLIT = {1: 30, 2: 20, 3: 15, 4: 10, 5: 10, 6: 15}
_counter = itertools.count(1)


# --- Builders -----------------------------------------------------------------------------------------------
def make_consultation(opens_at, closes_at, *, slug=None, **fields) -> Consultation:
    return Consultation.objects.create(
        title=fields.pop("title", "What matters most in Knowsley"),
        slug=slug or f"views-{next(_counter)}",
        summary=fields.pop("summary", "What is proposed, and why."),
        how_answers_are_used="The board sets the default split from the answers.",
        model=SocialValueModel.objects.get(version=1),
        opens_at=opens_at,
        closes_at=closes_at,
        created_by=UserFactory(username="views-creator", roles=[Role.BOARD_MEMBER]),
        **fields,
    )


def open_consultation(**fields) -> Consultation:
    now = timezone.now()
    return make_consultation(now - timedelta(days=2), now + timedelta(days=28), **fields)


def closed_consultation(**fields) -> Consultation:
    now = timezone.now()
    return make_consultation(now - timedelta(days=40), now - timedelta(days=1), **fields)


def upcoming_consultation(**fields) -> Consultation:
    now = timezone.now()
    return make_consultation(now + timedelta(days=5), now + timedelta(days=35), **fields)


def outcomes_of(consultation) -> dict[int, Outcome]:
    return {o.number: o for o in consultation.model.outcomes.all()}


def add_response(
    consultation,
    points=None,
    *,
    comments=None,
    missing="",
    consent=True,
    ward=None,
    channel=Response.Channel.ONLINE,
    entered_by=None,
    duplicate=False,
    submitted_at=None,
) -> Response:
    """One response written straight to the database (the services are tested in test_services)."""
    if channel != Response.Channel.ONLINE and entered_by is None:
        entered_by = UserFactory(username="views-officer", roles=[Role.COMMISSIONER])
    response = Response.objects.create(
        consultation=consultation,
        consent_to_quote=consent,
        ward=ward,
        channel=channel,
        entered_by=entered_by,
        is_suspected_duplicate=duplicate,
        submitted_at=submitted_at or consultation.opens_at + timedelta(hours=1),
    )
    outcomes = outcomes_of(consultation)
    Allocation.objects.bulk_create(
        Allocation(response=response, outcome=outcomes[n], points=(points or SPLIT).get(n, 0))
        for n in outcomes
    )
    for number, text in (comments or {}).items():
        Comment.objects.create(response=response, outcome=outcomes[number], text=text)
    if missing:
        Comment.objects.create(response=response, outcome=None, text=missing)
    return response


def bulk_responses(consultation, n: int, *, batch: int = 2000) -> None:
    """n responses, 6 allocations each, spread over the 15 wards (and "prefer not to say"), 30 days and the
    three channels, with a few suspected duplicates and a pending comment on every 20th: written in bulk."""
    officer = UserFactory(username="bulk-officer", roles=[Role.COMMISSIONER])
    wards = [*Ward.objects.order_by("pk"), None]
    outcomes = [o for _, o in sorted(outcomes_of(consultation).items())]
    start_at = consultation.closes_at - timedelta(days=30)
    for first in range(0, n, batch):
        indexes = range(first, min(n, first + batch))
        responses = Response.objects.bulk_create(
            Response(
                consultation=consultation,
                receipt_code=f"B{consultation.pk % 100:02d}{i:07d}",
                submitted_at=start_at + timedelta(minutes=43 * i % (30 * 24 * 60)),
                channel=("paper", "event", "online")[min(i % 50, 2)],
                entered_by=officer if i % 50 < 2 else None,
                ward=wards[i % len(wards)],
                age_band=Response.AgeBand.values[i % len(Response.AgeBand.values)],
                lives_in_borough=i % 3 != 0,
                consent_to_quote=i % 2 == 0,
                is_suspected_duplicate=i % 97 == 1,
            )
            for i in indexes
        )
        Allocation.objects.bulk_create(
            Allocation(response=response, outcome=outcome, points=points)
            for i, response in zip(indexes, responses, strict=True)
            for outcome, points in zip(outcomes, _points(i), strict=True)
        )
        Comment.objects.bulk_create(
            Comment(response=response, outcome=outcomes[i % 6], text=f"Comment number {i}")
            for i, response in zip(indexes, responses, strict=True)
            if i % 20 == 0
        )


def _points(i: int) -> list[int]:
    first = i % 61  # 0..60
    second = (i * 7) % (101 - first)
    rest = 100 - first - second
    return [first, second, rest // 4, rest // 4, rest // 4, rest - 3 * (rest // 4)]


def set_population(ward: Ward, population: int) -> None:
    WardPopulation.objects.filter(ward=ward).update(population=population, year=2023, source="ONS")


# --- Fixtures -----------------------------------------------------------------------------------------------
@pytest.fixture
def board_user():
    return UserFactory(username="views-board", roles=[Role.BOARD_MEMBER])


@pytest.fixture
def board(client, board_user):
    client.force_login(board_user)
    return client


@pytest.fixture
def commissioner_user():
    return UserFactory(username="views-commissioner", roles=[Role.COMMISSIONER])


@pytest.fixture
def commissioner(client, commissioner_user):
    client.force_login(commissioner_user)
    return client


# --- Page helpers -------------------------------------------------------------------------------------------
def url(name, consultation=None, **kwargs) -> str:
    if consultation is not None:
        kwargs["slug"] = consultation.slug
    return reverse(f"consultation:{name}", kwargs=kwargs or None)


def text_of(response) -> str:
    return response.content.decode()


def error_summary(response) -> str:
    """The GOV.UK error summary's list (empty if the page has none)."""
    match = re.search(r'class="govuk-error-summary".*?</ul>', text_of(response), re.S)
    return match.group(0) if match else ""


def assert_error(response, message: str, *, inline: bool = True) -> None:
    """The message is in the error summary and, for a field's error (inline), beside the field as well."""
    assert response.status_code == 200
    summary = error_summary(response)
    assert summary, "the page has no error summary"
    assert escape(message) in summary
    assert "<title>Error:" in text_of(response)
    if inline:
        assert re.search(
            r'class="govuk-error-message">\s*<span class="govuk-visually-hidden">Error:</span>\s*'
            + re.escape(escape(message)),
            text_of(response),
        )


def points_data(points: dict, **extra) -> dict:
    data = {f"points_{n}": "" for n in range(1, 7)}
    data.update({f"points_{n}": str(v) for n, v in points.items()})
    data["website"] = ""
    data.update(extra)
    return data


def about_data(ward="none", consent="yes", **extra) -> dict:
    data = {"ward": str(ward), "age_band": "", "consent_to_quote": consent, "website": ""}
    data.update(extra)
    return data


def answer(
    client, consultation, points=None, *, comments=None, missing="", ward="none", consent="yes", **about
):
    """Go through the three steps to the check page."""
    response = client.post(url("points", consultation), points_data(points or SPLIT))
    assert response.status_code == 302, error_summary(response)
    assert response["Location"] == url("comments", consultation)
    comment_data = {f"comment_{n}": (comments or {}).get(n, "") for n in range(1, 7)}
    response = client.post(url("comments", consultation), {**comment_data, "missing": missing})
    assert response.status_code == 302
    assert response["Location"] == url("about_you", consultation)
    response = client.post(url("about_you", consultation), about_data(ward, consent, **about))
    assert response.status_code == 302, error_summary(response)
    assert response["Location"] == url("check", consultation)


def receipt_on(response) -> str:
    match = re.search(r'<strong class="app-receipt">([A-Z0-9]+)</strong>', text_of(response))
    assert match, "no receipt code on the page"
    return match.group(1)


# ============================================================================================================
# Downloads (who may have them is the route × role table, tests/security/test_permission_matrix.py)
# ============================================================================================================
@pytest.mark.parametrize(
    ("table", "fmt", "content_type"),
    [
        ("responses", "csv", "text/csv; charset=utf-8"),
        ("results", "csv", "text/csv; charset=utf-8"),
        ("responses", "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("results", "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ],
)
def test_exports_are_downloads_for_the_board(board, table, fmt, content_type):
    consultation = closed_consultation(slug="priorities-2027")
    add_response(consultation)
    path = reverse("consultation:export", kwargs={"slug": consultation.slug, "table": table, "fmt": fmt})
    assert path == f"/consultations/priorities-2027/manage/export/{table}.{fmt}"
    response = board.get(path)
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == f'attachment; filename="priorities-2027-{table}.{fmt}"'


def test_an_unknown_export_format_is_not_found(board):
    closed_consultation(slug="priorities-2027")
    assert board.get("/consultations/priorities-2027/manage/export/responses.csv").status_code == 200
    assert board.get("/consultations/priorities-2027/manage/export/responses.json").status_code == 404
    assert board.get("/consultations/priorities-2027/manage/export/contacts.csv").status_code == 404


# ============================================================================================================
# The resident journey
# ============================================================================================================
def test_start_page_says_what_it_is_for_and_how_long_it_is_open(client):
    consultation = open_consultation(summary="We propose to change the default split.")
    page = text_of(client.get(url("start", consultation)))
    assert "We propose to change the default split." in page
    assert "How your answers will be used" in page
    assert reverse("privacy") in page
    assert url("points", consultation) in page
    assert f"{consultation.closes_at:%Y}" in page


def test_the_home_page_lists_the_open_consultations_and_no_others(client, django_assert_max_num_queries):
    later = open_consultation(title="Open until later")
    sooner = make_consultation(
        timezone.now() - timedelta(days=1), timezone.now() + timedelta(days=3), title="Closing soon"
    )
    closed_consultation(title="Closed last week")
    upcoming_consultation(title="Opening next week")

    with django_assert_max_num_queries(2):
        html = client.get("/").content.decode()

    assert html.index(f'href="{sooner.get_absolute_url()}"') < html.index(
        f'href="{later.get_absolute_url()}"'
    )
    assert "Closed last week" not in html and "Opening next week" not in html


def test_the_resident_journey(client):
    consultation = open_consultation()
    ward = Ward.objects.order_by("name")[3]

    # Start, then the points page
    assert client.get(url("start", consultation)).status_code == 200
    page = client.get(url("points", consultation))
    assert page.status_code == 200
    assert not error_summary(page)
    for number in range(1, 7):
        assert f'name="points_{number}"' in text_of(page)
    # one question in a fieldset; each box with its outcome's description as a hint and a "points" suffix
    assert f"{POINTS_LEGEND}</legend>" in text_of(page) and 'id="points" aria-describedby' not in text_of(
        page
    )
    for outcome in consultation.model.outcomes.all():
        assert f'id="id_points_{outcome.number}_hint" class="govuk-hint">' in text_of(page)
        assert escape(outcome.description) in text_of(page)
    assert text_of(page).count(">points</div>") == 6

    # Not a number: the error names the outcome and the typed value is kept
    page = client.post(url("points", consultation), points_data({1: "abc", 2: 50, 3: 50}))
    assert_error(page, ENTER_WHOLE_NUMBER.format(number=1))
    assert 'value="abc"' in text_of(page)
    assert 'value="50"' in text_of(page)

    # Adds up to 90: the total is said
    page = client.post(url("points", consultation), points_data({1: 40, 2: 30, 3: 20}))
    assert_error(page, MUST_TOTAL_100.format(total=90))
    # ...at the group of boxes too, not only in the summary: the fieldset is described by the error
    assert '<fieldset class="govuk-fieldset" id="points" aria-describedby="points-error">' in text_of(page)
    assert '<p id="points-error" class="govuk-error-message">' in text_of(page)
    assert "Your points add up to <strong>90</strong>" in text_of(page)
    assert 'value="40"' in text_of(page) and 'value="30"' in text_of(page) and 'value="20"' in text_of(page)

    # A negative number
    page = client.post(url("points", consultation), points_data({1: -10, 2: 110}))
    assert_error(page, NOT_NEGATIVE.format(number=1))
    assert "points" not in client.session.get(f"consultation:{consultation.pk}", {})  # none of them kept

    # Valid points, then comments, then about you
    answer(
        client,
        consultation,
        SPLIT,
        comments={1: "More apprenticeships for young people", 4: "Cleaner parks"},
        missing="Public transport",
        ward=ward.pk,
        consent="yes",
        connections=["lives", "volunteers"],
        age_band=Response.AgeBand.AGE_25_34,
    )
    # Going back to the points step shows the saved answers
    page = client.get(url("points", consultation))
    assert 'value="30"' in text_of(page)

    # Check your answers shows them
    page = client.get(url("check", consultation))
    assert page.status_code == 200
    body = text_of(page)
    for number, points in SPLIT.items():
        assert f"{points} points" in body
        assert f"Outcome {number}:" in body
    for number in range(1, 7):  # each Change goes to its own box
        assert f'{url("points", consultation)}#id_points_{number}"' in body
        assert f'{url("comments", consultation)}#id_comment_{number}"' in body
    assert "More apprenticeships for young people" in body
    assert "Cleaner parks" in body
    assert "Public transport" in body
    assert escape(ward.name) in body
    assert "25 to 34" in body
    assert "Lives in Knowsley, Volunteers in Knowsley" in body

    # Send, with an email for updates
    page = client.post(url("check", consultation), {"email": "resident@example.org", "website": ""})
    assert page.status_code == 302
    assert page["Location"] == url("confirmation", consultation)
    page = client.get(page["Location"])
    code = receipt_on(page)
    assert len(code) == 10
    assert re.fullmatch(r"[ABCDEFGHJKLMNPQRSTUVWXYZ23456789]{10}", code)

    response = Response.objects.get()
    assert response.receipt_code == code
    assert response.channel == Response.Channel.ONLINE
    assert response.ward == ward
    assert response.consent_to_quote is True
    assert response.lives_in_borough and response.volunteers_in_borough and not response.works_in_borough
    assert response.age_band == "25_34"
    assert dict(response.allocations.values_list("outcome__number", "points")) == SPLIT
    assert response.comments.count() == 3
    assert ContactRecord.objects.get().email == "resident@example.org"
    assert f"consultation:{consultation.pk}" not in client.session


def test_a_superscript_digit_is_a_plain_error_not_a_crash(client):
    consultation = open_consultation()
    page = client.post(url("points", consultation), points_data({1: "²", 2: "100"}))
    assert_error(page, ENTER_WHOLE_NUMBER.format(number=1))


def test_prefer_not_to_say_and_no_consent(client):
    consultation = open_consultation()
    answer(client, consultation, {1: 100}, ward="none", consent="no")
    page = client.get(url("check", consultation))
    assert "Prefer not to say" in text_of(page)
    client.post(url("check", consultation), {"email": "", "website": ""})
    response = Response.objects.get()
    assert response.ward is None
    assert response.consent_to_quote is False
    assert not ContactRecord.objects.exists()


def test_about_you_needs_a_ward_answer_and_consent(client):
    from consultation.forms import SELECT_CONSENT, SELECT_WARD

    consultation = open_consultation()
    client.post(url("points", consultation), points_data(SPLIT))
    page = client.post(url("about_you", consultation), {"ward": "", "consent_to_quote": "", "website": ""})
    assert_error(page, SELECT_WARD)
    assert escape(SELECT_CONSENT) in error_summary(page)


def test_a_double_post_of_the_check_page_makes_one_response(client):
    consultation = open_consultation()
    answer(client, consultation)
    first = client.post(url("check", consultation), {"email": "", "website": ""})
    second = client.post(url("check", consultation), {"email": "", "website": ""})
    assert first.status_code == 302
    assert second.status_code == 302
    assert second["Location"] == url("confirmation", consultation)  # the receipt again
    assert Response.objects.count() == 1
    assert Allocation.objects.count() == 6


def test_the_same_answers_from_the_same_device_in_another_session_make_one_response(client):
    consultation = open_consultation()
    answer(client, consultation)
    client.post(url("check", consultation), {"email": "", "website": ""})
    first_code = receipt_on(client.get(url("confirmation", consultation)))

    again = Client()  # a second tab or a retry after the session was lost: same address, same browser
    answer(again, consultation)
    page = again.post(url("check", consultation), {"email": "", "website": ""})
    assert page.status_code == 302
    assert receipt_on(again.get(url("confirmation", consultation))) == first_code
    assert Response.objects.count() == 1


def test_the_same_answers_from_another_device_make_two_responses(client):
    consultation = open_consultation()
    answer(client, consultation)
    client.post(url("check", consultation), {"email": "", "website": ""})
    other = Client(HTTP_USER_AGENT="Another browser", REMOTE_ADDR="198.51.100.20")
    answer(other, consultation)
    other.post(url("check", consultation), {"email": "", "website": ""})
    assert Response.objects.count() == 2
    assert not Response.objects.filter(is_suspected_duplicate=True).exists()


def test_a_filled_honeypot_is_refused(client):
    consultation = open_consultation()
    answer(client, consultation)
    page = client.post(url("check", consultation), {"email": "", "website": "https://spam.example"})
    assert_error(page, HONEYPOT_FILLED)
    assert not Response.objects.exists()
    # the answers are still there to send properly
    page = client.post(url("check", consultation), {"email": "", "website": ""})
    assert page.status_code == 302
    assert Response.objects.count() == 1


def test_a_filled_honeypot_on_the_points_page_is_refused(client):
    consultation = open_consultation()
    page = client.post(url("points", consultation), points_data(SPLIT, website="https://spam.example"))
    assert_error(page, HONEYPOT_FILLED)
    assert f"consultation:{consultation.pk}" not in client.session


def test_the_check_page_without_answers_goes_to_the_points_step(client):
    consultation = open_consultation()
    page = client.get(url("check", consultation))
    assert page.status_code == 302
    assert page["Location"] == url("points", consultation)
    page = client.post(url("check", consultation), {"email": "", "website": ""})
    assert page["Location"] == url("points", consultation)
    assert not Response.objects.exists()


def test_the_check_page_without_about_you_goes_to_that_step(client):
    consultation = open_consultation()
    client.post(url("points", consultation), points_data(SPLIT))
    page = client.get(url("check", consultation))
    assert page["Location"] == url("about_you", consultation)


def test_a_closed_consultation_refuses_answers_with_a_clear_page(client):
    consultation = open_consultation()
    answer(client, consultation)
    consultation.closes_at = timezone.now() - timedelta(minutes=1)
    services.consultation_save(consultation=consultation, by=consultation.created_by)  # the cached copy goes
    page = client.post(url("check", consultation), {"email": "", "website": ""})
    assert page.status_code == 410
    expected = services.CLOSED.format(closes=formatting.moment(consultation.closes_at))
    assert escape(expected) in text_of(page)
    assert not Response.objects.exists()
    page = client.get(url("points", consultation))  # and the first step says the same
    assert page.status_code == 410
    assert escape(expected) in text_of(page)


def test_a_consultation_not_open_yet_says_when_it_opens(client):
    consultation = upcoming_consultation()
    page = client.get(url("points", consultation))
    assert page.status_code == 403
    expected = services.NOT_OPEN_YET.format(opens=formatting.moment(consultation.opens_at))
    assert escape(expected) in text_of(page)


@pytest.mark.parametrize(
    ("answers", "stored"),
    [
        (({1: 100}, {2: 100}, {3: 100}), 2),
        ((SPLIT, SPLIT, SPLIT), 1),  # the same answers again are accepted once, and still count
    ],
    ids=["different answers", "the same answers"],
)
def test_the_rate_limit_stops_a_third_submission(client, settings, answers, stored):
    settings.CONSULTATION_SUBMIT_RATE = "2/h"
    consultation = open_consultation()
    for points in answers[:2]:
        answer(client, consultation, points)
        assert client.post(url("check", consultation), {"email": "", "website": ""}).status_code == 302
    answer(client, consultation, answers[2])
    page = client.post(url("check", consultation), {"email": "", "website": ""})
    assert page.status_code == 429
    assert "too many attempts" in text_of(page)
    assert Response.objects.count() == stored
    # the answers are kept for later
    assert f"consultation:{consultation.pk}" in client.session


def test_a_new_user_agent_does_not_reset_the_rate_limit(settings):
    """Issue 13: the limit keys on the client's address alone, so a browser that changes its User-Agent
    (or a script that rotates it) is the same client."""
    settings.CONSULTATION_SUBMIT_RATE = "2/h"
    consultation = open_consultation()
    statuses = []
    for n, points in enumerate(({1: 100}, {2: 100}, {3: 100}), start=1):
        browser = Client(REMOTE_ADDR="203.0.113.7", HTTP_USER_AGENT=f"Rotating/{n}.0")
        answer(browser, consultation, points)
        statuses.append(browser.post(url("check", consultation), {"email": "", "website": ""}).status_code)
    assert statuses == [302, 302, 429]
    assert Response.objects.count() == 2
    elsewhere = Client(REMOTE_ADDR="198.51.100.20", HTTP_USER_AGENT="Rotating/1.0")
    answer(elsewhere, consultation, {4: 100})
    assert elsewhere.post(url("check", consultation), {"email": "", "website": ""}).status_code == 302


def test_behind_a_proxy_the_limit_keys_on_the_first_untrusted_forwarded_hop(settings):
    """Behind the load balancer every request comes from it: the client is the hop it vouches for, and
    whatever the client writes further left changes nothing."""
    settings.BEHIND_PROXY, settings.TRUSTED_PROXY_COUNT = True, 1
    settings.CONSULTATION_SUBMIT_RATE = "1/h"
    consultation = open_consultation()

    def send(forwarded_for: str, points: dict) -> int:
        browser = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded_for)
        answer(browser, consultation, points)
        return browser.post(url("check", consultation), {"email": "", "website": ""}).status_code

    assert send("203.0.113.7", {1: 100}) == 302
    assert send("192.0.2.99, 203.0.113.7", {2: 100}) == 429  # a forged hop in front: the same client
    assert send("203.0.113.8", {3: 100}) == 302  # another resident behind the same proxy


def test_the_same_answers_from_one_address_in_other_browsers_are_stored_and_flagged(settings):
    """Issue 13: three identical responses from one address with three User-Agents. Each browser gets its
    own response (an office or a library carries many residents), but all after the first are flagged as
    suspected duplicates, and the results set them aside whether or not the cache still holds anything."""
    consultation = open_consultation()
    codes = []
    for n in range(3):
        browser = Client(REMOTE_ADDR="203.0.113.7", HTTP_USER_AGENT=f"Rotating/{n}.0")
        answer(browser, consultation)
        browser.post(url("check", consultation), {"email": "", "website": ""})
        codes.append(receipt_on(browser.get(url("confirmation", consultation))))
    assert len(set(codes)) == 3
    flags = dict(Response.objects.values_list("receipt_code", "is_suspected_duplicate"))
    assert [flags[code] for code in codes] == [False, True, True]
    cache.clear()
    without = selectors.results(consultation)
    assert (without.n_duplicates, without.n_responses) == (2, 1)
    with_them = selectors.results(consultation, include_duplicates=True)
    assert (with_them.n_duplicates, with_them.n_responses) == (2, 3)


# --- Your response: view and withdraw by receipt code -------------------------------------------------------
def _send(client, consultation, **kwargs) -> str:
    answer(client, consultation, **kwargs)
    client.post(url("check", consultation), {"email": "", "website": ""})
    return receipt_on(client.get(url("confirmation", consultation)))


def test_a_receipt_code_shows_the_answers_and_withdraws_them(client):
    consultation = open_consultation()
    code = _send(client, consultation, comments={2: "Local jobs"})
    other = add_response(consultation)

    resident = Client()
    typed = f" {code[:5].lower()} {code[5:].lower()} "
    page = resident.post(url("your_response", consultation), {"receipt_code": typed})
    assert page.status_code == 200
    body = text_of(page)
    assert f"Your response {code}" in body
    assert "30 points" in body and "15 points" in body
    assert "Local jobs" in body
    assert "Withdraw and delete my response" in body

    # the first press only asks again: nothing is deleted yet, and there is a way back
    page = resident.post(url("your_response", consultation), {"withdraw": "check"})
    assert page.status_code == 200
    body = text_of(page)
    assert "Are you sure you want to withdraw your response?" in body
    assert code in body and "You cannot undo this" in body
    assert "No, keep my response" in body
    assert Response.objects.count() == 2

    page = resident.post(url("your_response", consultation), {"withdraw": "confirmed"})
    assert page.status_code == 200
    assert "Response withdrawn" in text_of(page)
    assert list(Response.objects.all()) == [other]
    assert Allocation.objects.count() == 6
    assert not Comment.objects.exists()


@pytest.mark.parametrize("code", ["ABCDE FGHJK", "NOTACODE"])
def test_an_unknown_receipt_code_is_refused(client, code):
    consultation = open_consultation()
    page = client.post(url("your_response", consultation), {"receipt_code": code})
    assert_error(page, services.NO_SUCH_RECEIPT)


def test_a_lower_case_receipt_code_finds_the_response_and_a_confirmed_withdrawal_deletes_it(client):
    consultation = open_consultation()
    response = services.response_submit(
        consultation=consultation, answers=services.Answers(points=SPLIT, comments={2: "Less waiting"})
    )
    found = client.post(url("your_response", consultation), {"receipt_code": response.receipt_code.lower()})
    assert "Less waiting" in text_of(found)
    withdrawn = client.post(url("your_response", consultation), {"withdraw": "confirmed"})
    assert "Response withdrawn" in text_of(withdrawn)
    assert not Response.objects.exists()


@pytest.mark.parametrize("step", ["check", "confirmed"])
def test_withdraw_without_finding_a_response_first_does_nothing(client, step):
    consultation = open_consultation()
    add_response(consultation)
    page = client.post(url("your_response", consultation), {"withdraw": step})
    assert page.status_code == 302
    assert Response.objects.count() == 1


def test_both_withdraw_steps_count_towards_the_receipt_limit(client, settings):
    settings.CONSULTATION_RECEIPT_RATE = "3/h"
    consultation = open_consultation()
    code = _send(client, consultation)
    assert client.post(url("your_response", consultation), {"receipt_code": code}).status_code == 200
    assert client.post(url("your_response", consultation), {"withdraw": "check"}).status_code == 200
    assert client.post(url("your_response", consultation), {"withdraw": "check"}).status_code == 200
    page = client.post(url("your_response", consultation), {"withdraw": "confirmed"})
    assert page.status_code == 429
    assert Response.objects.count() == 1


def test_withdraw_after_close_is_refused(client):
    consultation = open_consultation()
    code = _send(client, consultation)
    client.post(url("your_response", consultation), {"receipt_code": code})
    Consultation.objects.filter(pk=consultation.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    page = client.post(url("your_response", consultation), {"withdraw": "confirmed"}, follow=True)
    assert escape(services.WITHDRAW_CLOSED) in text_of(page)
    assert Response.objects.count() == 1
    # after close the answers can still be seen, without the withdraw button
    page = client.post(url("your_response", consultation), {"receipt_code": code})
    assert f"Your response {code}" in text_of(page)
    assert "Withdraw and delete my response" not in text_of(page)


# ============================================================================================================
# Officer entry of paper and event responses
# ============================================================================================================
def officer_data(points, *, received=None, channel="paper", ward="none", consent="no", **extra) -> dict:
    received = received or timezone.localdate() - timedelta(days=2)
    data = points_data(points)
    del data["website"]
    data.update(
        {
            "channel": channel,
            "received_on_0": str(received.day),
            "received_on_1": str(received.month),
            "received_on_2": str(received.year),
            "ward": str(ward),
            "age_band": "",
            "consent_to_quote": consent,
            **{f"comment_{n}": "" for n in range(1, 7)},
            "missing": "",
        }
    )
    data.update(extra)
    return data


def test_a_commissioner_enters_a_paper_response(commissioner, commissioner_user):
    consultation = open_consultation()
    ward = Ward.objects.order_by("name").first()
    received = timezone.localdate() - timedelta(days=1)
    page = commissioner.post(
        url("officer_response", consultation),
        officer_data(SPLIT, received=received, ward=ward.pk, consent="yes", comment_3="Handwritten note"),
    )
    assert page.status_code == 302, error_summary(page)
    assert page["Location"] == url("officer_response", consultation)
    response = Response.objects.get()
    assert response.channel == Response.Channel.PAPER
    assert response.entered_by == commissioner_user
    assert timezone.localtime(response.submitted_at).date() == received
    assert response.ward == ward
    assert response.consent_to_quote is True
    assert dict(response.allocations.values_list("outcome__number", "points")) == SPLIT
    assert response.comments.get().text == "Handwritten note"
    assert AuditEvent.objects.filter(action="response.enter", actor=commissioner_user).count() == 1
    page = commissioner.get(page["Location"])
    assert response.receipt_code in text_of(page)


def test_a_paper_response_received_today_without_a_ward(commissioner, commissioner_user):
    consultation = open_consultation()
    page = commissioner.post(
        url("officer_response", consultation), officer_data(SPLIT, received=timezone.localdate())
    )
    assert page.status_code == 302, error_summary(page)
    response = Response.objects.get()
    assert (response.channel, response.entered_by, response.ward) == ("paper", commissioner_user, None)
    assert timezone.localtime(response.submitted_at).date() == timezone.localdate()


def test_paper_responses_cannot_be_dated_before_the_consultation_opened(commissioner):
    consultation = open_consultation()
    data = officer_data(SPLIT, received=date(2020, 1, 1))
    page = commissioner.post(url("officer_response", consultation), data)
    assert "cannot be before the consultation opened" in text_of(page)
    assert not Response.objects.exists()


def test_a_board_member_enters_an_event_response_after_close(board, board_user):
    consultation = closed_consultation()
    received = timezone.localtime(consultation.closes_at).date() - timedelta(days=3)
    page = board.post(
        url("officer_response", consultation), officer_data({5: 100}, channel="event", received=received)
    )
    assert page.status_code == 302, error_summary(page)
    response = Response.objects.get()
    assert (response.channel, response.entered_by) == (Response.Channel.EVENT, board_user)


@pytest.mark.parametrize(
    ("points", "message"),
    [
        ({1: 40, 2: 50}, MUST_TOTAL_100.format(total=90)),
        ({1: "abc", 2: 100}, ENTER_WHOLE_NUMBER.format(number=1)),
        ({1: -5, 2: 105}, NOT_NEGATIVE.format(number=1)),
        ({**SPLIT, 1: 0}, MUST_TOTAL_100.format(total=70)),
    ],
)
def test_officer_entry_refuses_bad_points_with_the_same_messages(commissioner, points, message):
    consultation = open_consultation()
    page = commissioner.post(url("officer_response", consultation), officer_data(points))
    assert_error(page, message)
    assert not Response.objects.exists()


def test_officer_entry_refuses_a_date_in_the_future(commissioner):
    consultation = open_consultation()
    data = officer_data(SPLIT, received=timezone.localdate() + timedelta(days=1))
    page = commissioner.post(url("officer_response", consultation), data)
    assert "The date received cannot be in the future" in error_summary(page)
    assert not Response.objects.exists()


def test_officer_entry_stops_once_the_board_has_responded(commissioner, board_user):
    consultation = closed_consultation()
    services.board_response_publish(consultation=consultation, text="We heard you.", by=board_user)
    page = commissioner.post(url("officer_response", consultation), officer_data(SPLIT))
    assert_error(page, services.RESPONSE_PUBLISHED, inline=False)
    assert not Response.objects.exists()


# ============================================================================================================
# Moderation, escaping, "you said, we did", adopting the split
# ============================================================================================================
@pytest.mark.parametrize("others", [10, 0], ids=["with figures", "fewer than 10 responses"])
def test_published_text_shows_publicly_only_with_consent_and_never_the_original(board, board_user, others):
    consultation = closed_consultation()
    quoted = add_response(consultation, comments={1: "Ask Jane Smith at 12 Acacia Road"}, consent=True)
    unquoted = add_response(consultation, comments={2: "I do not want to be quoted"}, consent=False)
    for _ in range(others):
        add_response(consultation)
    quoted_comment, unquoted_comment = quoted.comments.get(), unquoted.comments.get()

    page = board.get(url("moderation", consultation))
    assert "Ask Jane Smith at 12 Acacia Road" in text_of(page)  # the board reads the original

    page = board.post(
        url("moderate", consultation, pk=quoted_comment.pk),
        {"decision": "publish", "published_text": "Ask [name] at [address]", "hidden_reason": ""},
    )
    assert page.status_code == 302
    assert page["Location"] == url("moderation", consultation)
    page = board.post(
        url("moderate", consultation, pk=unquoted_comment.pk),
        {"decision": "publish", "published_text": "Published but not consented", "hidden_reason": ""},
    )
    assert page.status_code == 302
    quoted_comment.refresh_from_db()
    assert quoted_comment.status == Comment.Status.PUBLISHED
    assert quoted_comment.moderated_by == board_user
    assert AuditEvent.objects.filter(action="comment.publish").count() == 2

    public = Client().get(url("results", consultation))
    assert public.status_code == 200
    body = text_of(public)
    assert "Ask [name] at [address]" in body
    title = escape(quoted_comment.outcome.title)
    assert re.search(rf"On outcome 1: {re.escape(title)}</p>\s*<p>Ask \[name\] at \[address\]", body)
    assert "Jane Smith" not in body and "Acacia Road" not in body
    assert "Published but not consented" not in body
    assert "I do not want to be quoted" not in body


def test_pending_and_hidden_comments_are_not_public():
    consultation = closed_consultation()
    add_response(consultation, comments={1: "Still pending"})
    hidden = add_response(consultation, comments={2: "Hidden one"}).comments.get()
    Comment.objects.filter(pk=hidden.pk).update(status=Comment.Status.HIDDEN, hidden_reason="Names someone")
    body = text_of(Client().get(url("results", consultation)))
    assert "Still pending" not in body
    assert "Hidden one" not in body
    assert "In residents' words" not in body


def test_hiding_a_comment_needs_a_reason(board, board_user):
    consultation = open_consultation()
    comment = add_response(consultation, comments={3: "Names a neighbour"}).comments.get()
    target = url("moderate", consultation, pk=comment.pk)
    page = board.post(target, {"decision": "hide", "published_text": "", "hidden_reason": "  "})
    assert_error(page, HIDE_NEEDS_REASON)
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING

    page = board.post(
        target, {"decision": "hide", "published_text": "", "hidden_reason": "Names a neighbour"}
    )
    assert page.status_code == 302
    comment.refresh_from_db()
    assert (comment.status, comment.hidden_reason, comment.moderated_by) == (
        Comment.Status.HIDDEN,
        "Names a neighbour",
        board_user,
    )
    assert AuditEvent.objects.get(action="comment.hide").actor == board_user
    # the hidden list shows it
    assert "Names a neighbour" in text_of(board.get(url("moderation", consultation) + "?status=hidden"))


def test_publishing_needs_text(board):
    consultation = open_consultation()
    comment = add_response(consultation, comments={3: "Some text"}).comments.get()
    page = board.post(
        url("moderate", consultation, pk=comment.pk), {"decision": "publish", "published_text": " "}
    )
    assert_error(page, PUBLISH_NEEDS_TEXT)


@pytest.mark.parametrize("others", [10, 0], ids=["with figures", "fewer than 10 responses"])
def test_free_text_is_escaped_everywhere_it_is_shown(board, client, others):
    script = "<script>alert(1)</script>"
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt;"
    consultation = closed_consultation()
    response = add_response(consultation, comments={1: script}, missing=script, consent=True)
    for _ in range(others):
        add_response(consultation)
    comment = response.comments.get(outcome__number=1)

    page = board.get(url("moderate", consultation, pk=comment.pk))
    assert escaped in text_of(page)
    assert script not in text_of(page)
    assert script not in text_of(board.get(url("moderation", consultation)))

    board.post(
        url("moderate", consultation, pk=comment.pk), {"decision": "publish", "published_text": script}
    )
    comment.refresh_from_db()
    assert comment.published_text == script  # stored as typed

    body = text_of(Client().get(url("results", consultation)))
    assert escaped in body
    assert script not in body


def test_typed_free_text_is_escaped_on_the_check_page(client):
    consultation = open_consultation()
    answer(client, consultation, comments={1: "<b>bold</b>"}, missing="<img src=x onerror=alert(1)>")
    body = text_of(client.get(url("check", consultation)))
    assert "&lt;b&gt;bold&lt;/b&gt;" in body
    assert "<img src=x" not in body


def test_the_board_publishes_its_response_after_close(board):
    consultation = closed_consultation()
    assert summary.NOT_YET_RESPONDED in text_of(Client().get(url("results", consultation)))
    page = board.post(url("board_response", consultation), {"text": "You said parks; we will fund them."})
    assert page.status_code == 302
    assert page["Location"] == url("results", consultation)
    body = text_of(Client().get(url("results", consultation)))
    assert "You said, we did" in body
    assert "You said parks; we will fund them." in body
    assert summary.RESPONDED.format(day=formatting.day(timezone.now())) in body
    assert summary.NOT_YET_RESPONDED not in body
    consultation.refresh_from_db()
    assert consultation.board_response_published_at is not None


def test_the_board_response_is_refused_while_open(board):
    consultation = open_consultation()
    page = board.post(url("board_response", consultation), {"text": "Too soon"})
    expected = services.NOT_CLOSED_YET.format(closes=formatting.moment(consultation.closes_at))
    assert_error(page, expected, inline=False)
    consultation.refresh_from_db()
    assert consultation.board_response == ""


def test_adopting_the_split_redirects_to_the_draft_and_sets_the_shares(board, board_user):
    consultation = closed_consultation()
    # five of each: means 30.5, 20.5, 19.5, 10, 9.5, 10 -> largest remainder, ties to the lower outcome
    for _ in range(5):
        add_response(consultation, {1: 41, 2: 20, 3: 9, 4: 10, 5: 10, 6: 10})
        add_response(consultation, {1: 20, 2: 21, 3: 30, 4: 10, 5: 9, 6: 10})
    expected = {1: 31, 2: 21, 3: 19, 4: 10, 5: 9, 6: 10}

    page = board.get(url("adopt_split", consultation))
    assert "Adopt this split into the draft" in text_of(page)
    page = board.post(url("adopt_split", consultation))
    draft = SocialValueModel.objects.get(status=SocialValueModel.Status.DRAFT)
    assert page.status_code == 302
    assert page["Location"] == draft.get_absolute_url() == "/model/drafts/2/"
    assert dict(draft.outcomes.values_list("number", "default_share")) == expected
    consultation.refresh_from_db()
    assert consultation.split_adopted_into == draft
    assert consultation.split_adopted_by == board_user
    assert consultation.adopted_split == {str(k): v for k, v in expected.items()}
    assert f"version {draft.version} of the model" in text_of(Client().get(url("results", consultation)))

    # a second time is refused with a message
    page = board.post(url("adopt_split", consultation), follow=True)
    assert "was already adopted into version" in text_of(page)
    assert SocialValueModel.objects.filter(status=SocialValueModel.Status.DRAFT).count() == 1


def test_adopting_without_enough_responses_is_refused(board):
    consultation = closed_consultation()
    for _ in range(9):
        add_response(consultation)
    page = board.post(url("adopt_split", consultation), follow=True)
    assert escape(services.NOTHING_TO_ADOPT) in text_of(page)
    assert not SocialValueModel.objects.filter(status=SocialValueModel.Status.DRAFT).exists()


def test_contact_records_can_be_erased_by_the_board(board):
    consultation = open_consultation()
    keep = services.contact_add(consultation=consultation, email="keep@example.org")
    gone = services.contact_add(consultation=consultation, email="gone@example.org")
    page = board.get(url("contacts", consultation))
    assert "gone@example.org" in text_of(page)
    # the schedule's date: a year after close (DJANGO_RETAIN_CONTACTS_UNANSWERED), no response published yet
    erased_by = parse_period("1 year").after(timezone.localtime(consultation.closes_at))
    assert f"erases them on {erased_by:%-d %B %Y} at the latest" in text_of(page)
    board.post(url("contacts", consultation), {"contact": str(gone.pk)})
    assert list(ContactRecord.objects.all()) == [keep]
    board.post(url("contacts", consultation), {"contact": "all"})
    assert not ContactRecord.objects.exists()


def test_the_board_edits_a_ward_population(board):
    figure = WardPopulation.objects.select_related("ward").order_by("ward__name").first()
    page = board.post(
        url("ward_population", pk=figure.pk), {"population": "10250", "year": "2023", "source": "ONS"}
    )
    assert page.status_code == 302
    figure.refresh_from_db()
    assert (figure.population, figure.year, figure.source) == (10250, 2023, "ONS")
    page = board.post(
        url("ward_population", pk=figure.pk), {"population": "0", "year": "2023", "source": "ONS"}
    )
    assert "The population must be 1 or more" in error_summary(page)


# ============================================================================================================
# Results
# ============================================================================================================
def test_fewer_than_10_responses_show_no_figures():
    consultation = closed_consultation()
    for _ in range(9):
        add_response(consultation)
    body = text_of(Client().get(url("results", consultation)))
    assert "There are fewer than 10 responses" in body
    assert "Average points" not in body
    assert "Proposed split" not in body


def test_duplicates_are_set_aside_before_counting_to_10(board):
    consultation = closed_consultation()
    for i in range(10):
        add_response(consultation, duplicate=i == 0)
    body = text_of(Client().get(url("results", consultation)))
    assert "fewer than 10 responses once suspected duplicates are set aside" in body
    live = text_of(board.get(url("manage_results", consultation) + "?duplicates=include"))
    assert "10 responses, including 1 suspected duplicate" in live
    assert "Average points" in live


def test_public_results_lead_with_a_summary_and_keep_the_method_in_details(board):
    consultation = closed_consultation()
    titles = {o.number: escape(o.title) for o in outcomes_of(consultation).values()}
    # five of each: means 30.5, 20.5, 19.5, 10, 9.5, 10
    for _ in range(5):
        add_response(consultation, {1: 41, 2: 20, 3: 9, 4: 10, 5: 10, 6: 10})
        add_response(consultation, {1: 20, 2: 21, 3: 30, 4: 10, 5: 9, 6: 10})
    body = text_of(Client().get(url("results", consultation)))
    lead = (
        f"10 residents responded. They gave most points to Outcome 1 ({titles[1]}), 30.5% on average, "
        f"and least to Outcome 5 ({titles[5]}), 9.5%."
    )
    assert lead in body
    assert body.index(lead) < body.index("You said, we did") < body.index("shares-caption")
    details = body[body.index("How we worked these figures out") :]
    before = body[: body.index("How we worked these figures out")]
    for method in (
        "95% confidence interval",
        "bootstrap",
        "largest remainder",
        "Weighting by ward population",
    ):
        assert method in details
        assert method not in before
    assert (
        f'{titles[1]}</th>\n        <td class="govuk-table__cell govuk-table__cell--numeric">30.5%' in before
    )
    # the board's live results keep the method in the open
    live = text_of(board.get(url("manage_results", consultation)))
    assert "95% confidence interval" in live and "How we worked these figures out" not in live


def test_no_count_under_10_is_shown_or_given_away_by_the_total(board):
    """Issue 13: with one cell hidden, the total gave it away, and "Event 0" was shown under a line saying
    counts under 10 are not. Online 12, paper 3, event 20 (35 responses): paper is under 10 and would be
    35 - 12 - 20, so the next smallest (online, 12) is hidden with it. By ward: 3 in one ward and 0 in the
    13 others and "prefer not to say" are hidden, but add up to 3, so the 12 goes too.
    Issue 14: the public page leaves the hidden rows out; the board's live results list them "Not shown"."""
    consultation = closed_consultation()
    wards = list(Ward.objects.order_by("name")[:3])
    for ward, channel, n in (
        (wards[0], Response.Channel.ONLINE, 12),
        (wards[1], Response.Channel.EVENT, 20),
        (wards[2], Response.Channel.PAPER, 3),
    ):
        for _ in range(n):
            add_response(consultation, ward=ward, channel=channel)
    row = re.compile(r'<th scope="row" class="govuk-table__header">([^<]+)</th><td[^>]*>([^<]+)</td>')

    live = text_of(board.get(url("manage_results", consultation)))
    rows = dict(row.findall(live))
    assert (rows["Online"], rows["Paper form"], rows["Event"]) == ("Not shown", "Not shown", "20")
    assert rows[escape(wards[1].name)] == "20"
    assert {rows[escape(w.name)] for w in (wards[0], wards[2])} == {"Not shown"}
    assert rows["Prefer not to say"] == "Not shown"
    assert "no count under 10 is shown, 0 included" in live

    body = text_of(Client().get(url("results", consultation)))
    assert "35 residents responded." in body
    assert "Groups of fewer than 10 responses are not listed." in body
    assert "Not shown" not in body
    channels = dict(row.findall(body[body.index("channels-caption") : body.index("wards-caption")]))
    by_ward = dict(row.findall(body[body.index("wards-caption") : body.index("days-caption")]))
    assert channels == {"Event": "20"}
    assert by_ward == {escape(wards[1].name): "20"}
    # the total shown less the rows listed leaves 15: more than one row's worth and not under 10, so no
    # left-out row can be worked out
    for listed in (channels, by_ward):
        assert 35 - sum(int(n) for n in listed.values()) >= 10
    assert min(int(n) for n in [*channels.values(), *by_ward.values()]) >= 10


def test_results_without_populations_say_they_are_unweighted():
    consultation = closed_consultation()
    wards = list(Ward.objects.order_by("name")[:2])
    for i in range(12):
        add_response(consultation, ward=wards[i % 2])
    set_population(wards[0], 10_000)
    body = text_of(Client().get(url("results", consultation)))
    assert escape(WEIGHTING_NEEDS_POPULATIONS.format(wards=wards[1].name)) in body
    assert "Effective sample size" not in body


def test_weighted_results_and_the_effective_sample_size():
    consultation = closed_consultation()
    ward_a, ward_b = Ward.objects.order_by("name")[:2]
    a = {1: 40, 2: 20, 3: 10, 4: 10, 5: 10, 6: 10}
    b = {1: 20, 2: 20, 3: 30, 4: 10, 5: 10, 6: 10}
    for _ in range(15):
        add_response(consultation, a, ward=ward_a)
    for _ in range(5):
        add_response(consultation, b, ward=ward_b)
    add_response(consultation, b, ward=None)  # no ward: counted, not weighted
    set_population(ward_a, 1000)
    set_population(ward_b, 1000)
    # weights 2/3 and 2; effective sample size (15*2/3 + 5*2)^2 / (15*4/9 + 5*4) = 400 / (80/3) = 15
    body = text_of(Client().get(url("results", consultation)))
    assert "Weighting by ward population" in body
    assert "Effective sample size: <strong>15</strong>" in body
    assert "Weighted results need a population figure" not in body
    # outcome 1: unweighted (15*40 + 6*20) / 21 = 34.3; weighted (10*40 + 10*20) / 20 = 30.0
    assert "34.3" in body
    assert "30.0" in body
    assert "Weighted split: outcome 1 30%, outcome 2 20%, outcome 3 20%" in body


def test_weighting_waits_for_populations_then_shows_effective_sample_size(client):
    consultation = closed_consultation()
    helpers.bulk_responses(consultation, 320)
    result = selectors.results(consultation)
    assert result.weighting_note.startswith("Weighted results need a population figure")
    assert sum(result.proposed_split.values()) == 100
    WardPopulation.objects.update(population=10000, year=2024, source="ONS (test)")
    result = selectors.results(consultation)
    assert result.weighting_note == "" and result.effective_sample_size is not None
    assert "Effective sample size" in text_of(client.get(url("results", consultation)))
    # 16 strata of 20: the ward cells are shown; "Fewer than 10" only where a cell is 1 to 9
    assert all(n is None or n >= 10 or n == 0 for _, n in result.by_ward)


def test_live_results_for_the_board_while_open(board):
    consultation = open_consultation()
    for _ in range(10):
        add_response(consultation)
    body = text_of(board.get(url("manage_results", consultation)))
    assert "Live results" in body
    assert "10 responses" in body
    assert "30.0" in body  # outcome 1's mean
    assert Client().get(url("results", consultation)).status_code == 403


# ============================================================================================================
# Query counts: the same bound with 1,000 and with 10,000 responses
# ============================================================================================================
# Measured on SQLite and PostgreSQL (the same on both): exactly these, or (QUERY_BOUNDS) at most these.
QUERY_COUNTS = {
    "results": 10,  # public results page of a closed consultation (anonymous), from a cold cache
    "results again": 0,  # all of it from the shared cache until something changes
    "manage_results": 11,  # the board's live results; the session from the cache (cached_db), not the table
    "manage": 6,  # the review banner from the shared cache now
}
QUERY_BOUNDS = {
    "manage_results_with_duplicates": 12,
    "moderation": 7,
}
MEASURED: dict[tuple[str, int], int] = {}


@pytest.mark.parametrize("n", [1_000, 10_000])
def test_query_counts_do_not_grow_with_responses(
    client, board_user, django_assert_num_queries, django_assert_max_num_queries, n
):
    consultation = closed_consultation()
    started = time.perf_counter()
    bulk_responses(consultation, n)
    for ward in Ward.objects.all():
        set_population(ward, 9_000 + ward.pk * 37)
    built = time.perf_counter() - started
    assert Response.objects.filter(consultation=consultation).count() == n
    assert Allocation.objects.filter(response__consultation=consultation).count() == 6 * n

    pages = {
        "results": (None, url("results", consultation)),
        "results again": (None, url("results", consultation)),
        "manage_results": (board_user, url("manage_results", consultation)),
        "manage_results_with_duplicates": (
            board_user,
            url("manage_results", consultation) + "?duplicates=include",
        ),
        "manage": (board_user, url("manage", consultation)),
        "moderation": (board_user, url("moderation", consultation)),
    }
    timings = {}
    for page, (user, path) in pages.items():
        if user is None:
            client.logout()
        else:
            client.force_login(user)
        started = time.perf_counter()
        if page in QUERY_COUNTS:
            counting = django_assert_num_queries(QUERY_COUNTS[page])
        else:
            counting = django_assert_max_num_queries(QUERY_BOUNDS[page])
        with counting as captured:
            response = client.get(path)
        timings[page] = time.perf_counter() - started
        assert response.status_code == 200
        MEASURED[(page, n)] = len(captured)
    counted = Response.objects.filter(consultation=consultation, is_suspected_duplicate=False).count()
    body = text_of(client.get(url("results", consultation)))
    assert f"{counted:,} responses;" in body
    assert "Effective sample size" in body
    print(
        f"\n[{n:,} responses, built in {built:.1f}s] queries: "
        + ", ".join(f"{page}={MEASURED[(page, n)]}" for page in pages)
        + "; wall time: "
        + ", ".join(f"{page}={seconds * 1000:.0f}ms" for page, seconds in timings.items())
    )


# One resident's whole journey, step by step: each bound is what the step measured (PostgreSQL), and none
# grows with the number of responses already stored. The final POST stores the response in one transaction.
JOURNEY_BOUNDS = {
    "GET points": 2,  # the consultation and its outcomes (no session yet)
    "POST points": 6,  # + a new session: is the key free, then SAVEPOINT, INSERT, RELEASE
    "GET comments": 2,  # the session comes from the shared cache (cached_db), not the database
    "POST comments": 5,  # + SAVEPOINT, UPDATE the session, RELEASE
    "GET about-you": 2,  # the consultation and the wards (outcomes are not shown)
    "POST about-you": 5,
    "GET check": 3,  # + the ward chosen and the outcomes
    # the consultation, its outcomes and the ward; then SAVEPOINT, INSERT the response, its allocations and
    # comments (one INSERT each), RELEASE; then the session with the receipt code (SAVEPOINT, UPDATE, RELEASE)
    "POST check": 11,
    "GET done": 1,  # the consultation; the receipt code is in the session, from the cache
}


@pytest.mark.parametrize("n", [0, 500])
def test_each_step_of_the_journey_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries, n):
    consultation = open_consultation()
    bulk_responses(consultation, n)
    ward = Ward.objects.order_by("name").first()
    comments = {f"comment_{k}": f"Comment {k}" for k in range(1, 7)}
    steps = [
        ("GET points", "points", None),
        ("POST points", "points", points_data(SPLIT)),
        ("GET comments", "comments", None),
        ("POST comments", "comments", {**comments, "missing": "Buses"}),
        ("GET about-you", "about_you", None),
        ("POST about-you", "about_you", about_data(ward.pk, "yes", connections=["lives"])),
        ("GET check", "check", None),
        ("POST check", "check", {"email": "", "website": ""}),
        ("GET done", "confirmation", None),
    ]
    for name, view, data in steps:
        with django_assert_max_num_queries(JOURNEY_BOUNDS[name]):
            page = client.post(url(view, consultation), data) if data else client.get(url(view, consultation))
        assert page.status_code in (200, 302), (name, error_summary(page))
    stored = Response.objects.get(consultation=consultation, receipt_code=receipt_on(page))
    assert Response.objects.filter(consultation=consultation).count() == n + 1
    assert stored.allocations.count() == 6
    assert stored.comments.count() == 7  # six outcomes' comments and "what is missing"
