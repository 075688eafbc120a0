import csv
import io
import time

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from consultation import forms as consultation_forms
from consultation import selectors, services
from consultation.models import Response, WardPopulation
from knowsley_sv.roles import Role
from outcomes.models import Ward

from ..factories import UserFactory
from .helpers import SPLIT, answers, bulk_responses, make_consultation

pytestmark = pytest.mark.django_db

ANON = None
ALL_ROLES = [ANON, *Role]
BOARD_ONLY = {Role.BOARD_MEMBER: 200}
OFFICERS = {Role.BOARD_MEMBER: 200, Role.COMMISSIONER: 200}

# name, kwargs builder key, who gets 200 (everyone else: anonymous -> sign in, others -> 403)
PAGES = [
    ("list", "none", "public"),
    ("start", "open", "public"),
    ("points", "open", "public"),
    ("comments", "open", "public"),
    ("about_you", "open", "public"),
    ("your_response", "open", "public"),
    ("results", "closed", "public"),
    ("manage_list", "none", OFFICERS),
    ("manage", "open", OFFICERS),
    ("officer_response", "open", OFFICERS),
    ("create", "none", BOARD_ONLY),
    ("edit", "open", BOARD_ONLY),
    ("moderation", "open", BOARD_ONLY),
    ("manage_results", "open", BOARD_ONLY),
    ("board_response", "closed", BOARD_ONLY),
    ("adopt_split", "closed", BOARD_ONLY),
    ("contacts", "open", BOARD_ONLY),
    ("ward_populations", "none", BOARD_ONLY),
]


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()


@pytest.fixture
def open_consultation(db):
    return make_consultation(slug="open-one")


@pytest.fixture
def closed_consultation(db):
    return make_consultation(slug="closed-one", closed=True)


def _client(client, role):
    if role is not None:
        client.force_login(UserFactory(username=f"u-{role.value.replace(' ', '-')}", roles=[role]))
    return client


def _expected(who, role):
    if who == "public" or (isinstance(who, dict) and role in who):
        return 200
    return "login" if role is None else 403


@pytest.mark.parametrize("role", ALL_ROLES, ids=lambda r: "anonymous" if r is None else r.value)
@pytest.mark.parametrize(("name", "which", "who"), PAGES, ids=[p[0] for p in PAGES])
def test_permission_matrix(client, open_consultation, closed_consultation, name, which, who, role):
    kwargs = (
        {}
        if which == "none"
        else {"slug": (open_consultation if which == "open" else closed_consultation).slug}
    )
    response = _client(client, role).get(reverse(f"consultation:{name}", kwargs=kwargs))
    expected = _expected(who, role)
    if expected == "login":
        assert response.status_code == 302 and response.url.startswith("/sign-in/?next=")
    else:
        assert response.status_code == expected


@pytest.mark.parametrize("role", ALL_ROLES, ids=lambda r: "anonymous" if r is None else r.value)
@pytest.mark.parametrize(("table", "fmt"), [("responses", "csv"), ("results", "xlsx")])
def test_exports_are_for_the_board_only(client, open_consultation, role, table, fmt):
    url = reverse("consultation:export", kwargs={"slug": open_consultation.slug, "table": table, "fmt": fmt})
    response = _client(client, role).get(url)
    assert response.status_code == (200 if role == Role.BOARD_MEMBER else 302 if role is None else 403)


def test_the_remaining_addresses_are_covered_by_tests():
    from consultation.urls import urlpatterns

    covered = {p[0] for p in PAGES} | {"check", "confirmation", "moderate", "export", "ward_population"}
    assert {p.name for p in urlpatterns} == covered


def test_results_of_an_open_consultation_are_not_public_and_steps_of_a_closed_one_are_gone(
    client, open_consultation, closed_consultation
):
    assert client.get(reverse("consultation:results", args=[open_consultation.slug])).status_code == 403
    closed_step = client.get(reverse("consultation:points", args=[closed_consultation.slug]))
    assert closed_step.status_code == 410
    assert "This consultation closed at" in closed_step.content.decode()


def _post_points(client, consultation, values):
    return client.post(
        reverse("consultation:points", args=[consultation.slug]),
        {f"points_{n}": v for n, v in values.items()},
    )


def _complete(client, consultation, **check_data):
    _post_points(client, consultation, SPLIT)
    client.post(
        reverse("consultation:comments", args=[consultation.slug]), {"comment_1": "Jobs for young people"}
    )
    ward = Ward.objects.first()
    client.post(
        reverse("consultation:about_you", args=[consultation.slug]),
        {"ward": str(ward.pk), "consent_to_quote": "yes", "connections": ["lives"]},
    )
    return client.post(reverse("consultation:check", args=[consultation.slug]), check_data)


def test_a_resident_answers_without_an_account(client, open_consultation):
    bad = _post_points(client, open_consultation, {1: "abc", 2: "20"})
    body = bad.content.decode()
    assert (
        "govuk-error-summary" in body and "Enter the points for outcome 1 as a whole number, like 20" in body
    )
    assert 'value="abc"' in body
    short = _post_points(client, open_consultation, {1: "50", 2: "40"})
    assert "At the moment they add up to 90." in short.content.decode()
    assert "Your points add up to <strong>90</strong>" in short.content.decode()
    assert "points" not in client.session.get(f"consultation:{open_consultation.pk}", {})

    done = _complete(client, open_consultation, email="me@example.org")
    assert done.status_code == 302 and done.url == reverse(
        "consultation:confirmation", args=[open_consultation.slug]
    )
    response = Response.objects.get()
    assert dict(response.allocations.values_list("outcome__number", "points")) == SPLIT
    assert response.lives_in_borough and response.consent_to_quote
    assert f"consultation:{open_consultation.pk}" not in client.session
    confirmation = client.get(done.url).content.decode()
    assert response.receipt_code in confirmation
    # a second click on "Send my answers" shows the receipt again and stores nothing more
    again = client.post(reverse("consultation:check", args=[open_consultation.slug]), {})
    assert again.url == done.url and Response.objects.count() == 1


def test_the_check_page_without_answers_goes_back_to_the_first_step(client, open_consultation):
    response = client.get(reverse("consultation:check", args=[open_consultation.slug]))
    assert response.url == reverse("consultation:points", args=[open_consultation.slug])


def test_a_filled_honeypot_is_refused(client, open_consultation):
    response = _complete(client, open_consultation, website="http://spam.example")
    assert consultation_forms.HONEYPOT_FILLED in response.content.decode()
    assert not Response.objects.exists()


def test_too_many_submissions_from_one_client_get_a_friendly_429(client, open_consultation, settings):
    settings.CONSULTATION_SUBMIT_RATE = "2/h"
    for _ in range(2):
        _complete(client, open_consultation)
    blocked = _complete(client, open_consultation)
    assert blocked.status_code == 429
    assert "too many attempts" in blocked.content.decode()


def test_view_and_withdraw_by_receipt_code(client, open_consultation):
    response = services.response_submit(
        consultation=open_consultation, answers=answers(comments={2: "Less waiting"})
    )
    url = reverse("consultation:your_response", args=[open_consultation.slug])
    unknown = client.post(url, {"receipt_code": "NOTACODE"})
    assert services.NO_SUCH_RECEIPT in unknown.content.decode()
    found = client.post(url, {"receipt_code": response.receipt_code.lower()})
    assert "Less waiting" in found.content.decode()
    withdrawn = client.post(url, {"withdraw": "confirmed"})
    assert "Response withdrawn" in withdrawn.content.decode()
    assert not Response.objects.exists()


def test_a_commissioner_enters_a_paper_response(client, open_consultation):
    officer = UserFactory(username="officer", roles=[Role.COMMISSIONER])
    client.force_login(officer)
    url = reverse("consultation:officer_response", args=[open_consultation.slug])
    data = {
        "channel": "paper",
        "received_on_0": str(timezone.localdate().day),
        "received_on_1": str(timezone.localdate().month),
        "received_on_2": str(timezone.localdate().year),
        **{f"points_{n}": v for n, v in SPLIT.items()},
        "ward": "none",
        "consent_to_quote": "no",
    }
    short = client.post(url, {**data, "points_1": "0"})
    assert "At the moment they add up to 70." in short.content.decode()
    saved = client.post(url, data)
    assert saved.status_code == 302
    response = Response.objects.get()
    assert (response.channel, response.entered_by, response.ward, response.submitted_at.date()) == (
        "paper",
        officer,
        None,
        timezone.localdate(),
    )


def test_moderation_controls_what_the_public_reads_and_text_is_escaped(client, closed_consultation):
    board = UserFactory(username="board", roles=[Role.BOARD_MEMBER])
    officer = UserFactory(username="officer", roles=[Role.COMMISSIONER])
    quoted = services.response_submit(
        consultation=closed_consultation,
        answers=answers(
            comments={1: "John Smith of 4 Acacia Road wants jobs", 2: "<script>alert(1)</script>"},
            consent_to_quote=True,
        ),
        channel="paper",
        entered_by=officer,
    )
    private = services.response_submit(
        consultation=closed_consultation,
        answers=answers({1: 100}, comments={3: "Not for quoting"}),
        channel="paper",
        entered_by=officer,
    )
    client.force_login(board)
    named, script = quoted.comments.order_by("outcome__number")
    moderate = reverse("consultation:moderate", args=[closed_consultation.slug, named.pk])
    needs_reason = client.post(moderate, {"decision": "hide"})
    assert consultation_forms.HIDE_NEEDS_REASON in needs_reason.content.decode()
    client.post(moderate, {"decision": "publish", "published_text": "[name removed] wants jobs"})
    client.post(
        reverse("consultation:moderate", args=[closed_consultation.slug, script.pk]),
        {"decision": "publish", "published_text": script.text},
    )
    hidden = private.comments.get()
    services.comment_publish(comment=hidden, published_text=hidden.text, by=board)
    page = client.get(reverse("consultation:results", args=[closed_consultation.slug])).content.decode()
    assert "[name removed] wants jobs" in page and "John Smith" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert(1)" not in page
    assert "Not for quoting" not in page


def test_small_results_are_suppressed(client, closed_consultation):
    officer = UserFactory(username="officer", roles=[Role.COMMISSIONER])
    for _ in range(5):
        services.response_submit(
            consultation=closed_consultation, answers=answers(), channel="paper", entered_by=officer
        )
    page = client.get(reverse("consultation:results", args=[closed_consultation.slug])).content.decode()
    assert "fewer than 10 responses" in page
    assert "Average points" not in page


def test_weighting_waits_for_populations_then_shows_effective_sample_size(client, closed_consultation):
    bulk_responses(closed_consultation, 320)
    result = selectors.results(closed_consultation)
    assert result.weighting_note.startswith("Weighted results need a population figure")
    assert sum(result.proposed_split.values()) == 100
    WardPopulation.objects.update(population=10000, year=2024, source="ONS (test)")
    result = selectors.results(closed_consultation)
    assert result.weighting_note == "" and result.effective_sample_size is not None
    page = client.get(reverse("consultation:results", args=[closed_consultation.slug])).content.decode()
    assert "Effective sample size" in page
    # 16 strata of 20: the ward cells are shown; "Fewer than 10" only where a cell is 1 to 9
    assert all(n is None or n >= 10 or n == 0 for _, n in result.by_ward)


def test_the_board_publishes_its_response_and_adopts_the_split(client, closed_consultation):
    bulk_responses(closed_consultation, 50)
    client.force_login(UserFactory(username="board", roles=[Role.BOARD_MEMBER]))
    client.post(
        reverse("consultation:board_response", args=[closed_consultation.slug]),
        {"text": "We will weight jobs"},
    )
    public = client.get(reverse("consultation:results", args=[closed_consultation.slug])).content.decode()
    assert "We will weight jobs" in public
    adopted = client.post(reverse("consultation:adopt_split", args=[closed_consultation.slug]))
    assert adopted.url == "/model/drafts/2/"
    closed_consultation.refresh_from_db()
    assert sum(closed_consultation.adopted_split.values()) == 100


def test_exports_hold_answers_but_never_contact_details(client, open_consultation):
    response = services.response_submit(
        consultation=open_consultation, answers=answers(comments={1: "=HYPERLINK(1)"}), email="x@example.org"
    )
    board = UserFactory(username="board", roles=[Role.BOARD_MEMBER])
    services.comment_publish(comment=response.comments.get(), published_text="=HYPERLINK(1)", by=board)
    client.force_login(board)
    url = reverse(
        "consultation:export", kwargs={"slug": open_consultation.slug, "table": "responses", "fmt": "csv"}
    )
    response = client.get(url)
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="open-one-responses.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert "points_outcome_1" in rows[0] and not any("mail" in h for h in rows[0])
    assert len(rows) == 2 and "'=HYPERLINK(1)" in rows[1] and "x@example.org" not in response.content.decode()
    xlsx = client.get(url.replace(".csv", ".xlsx"))
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert [c.value for c in next(sheet.iter_rows(max_row=1))] == rows[0]
    results = client.get(url.replace("responses.csv", "results.csv")).content.decode()
    assert results.splitlines()[0].startswith("outcome,title,responses,mean_points")


@pytest.mark.parametrize("n", [1_000, 10_000])
def test_results_pages_run_a_fixed_number_of_queries(
    client, closed_consultation, django_assert_num_queries, n
):
    """The closing note quotes these counts; the wall time is printed, never asserted."""
    bulk_responses(closed_consultation, n, duplicates=n // 100)
    public = reverse("consultation:results", args=[closed_consultation.slug])
    started = time.perf_counter()
    with django_assert_num_queries(10):  # the consultation and its outcomes (cached together), the results
        assert client.get(public).status_code == 200
    print(f"\npublic results with {n} responses: {time.perf_counter() - started:.3f}s")
    with django_assert_num_queries(0):  # all of it from the shared cache until something changes
        assert client.get(public).status_code == 200
    client.force_login(UserFactory(username="board", roles=[Role.BOARD_MEMBER]))
    with django_assert_num_queries(11):  # the session from the cache (cached_db), not the table
        assert (
            client.get(reverse("consultation:manage_results", args=[closed_consultation.slug])).status_code
            == 200
        )
    with django_assert_num_queries(6):  # the review banner from the shared cache now
        assert client.get(reverse("consultation:manage", args=[closed_consultation.slug])).status_code == 200


def test_a_superscript_digit_is_a_plain_error_not_a_crash(client, open_consultation):
    response = _post_points(client, open_consultation, {1: "²", 2: "100"})
    assert response.status_code == 200
    assert "Enter the points for outcome 1 as a whole number, like 20" in response.content.decode()


def test_the_excel_export_survives_control_characters(client, open_consultation):
    response = services.response_submit(
        consultation=open_consultation, answers=answers(comments={1: "a\x0bb"})
    )
    board = UserFactory(username="board", roles=[Role.BOARD_MEMBER])
    services.comment_publish(comment=response.comments.get(), published_text="a\x0bb", by=board)
    client.force_login(board)
    url = reverse(
        "consultation:export", kwargs={"slug": open_consultation.slug, "table": "responses", "fmt": "xlsx"}
    )
    response = client.get(url)
    assert response.status_code == 200
    assert load_workbook(io.BytesIO(response.content)).active.cell(row=2, column=17).value == "ab"


def test_paper_responses_cannot_be_dated_before_the_consultation_opened(client, open_consultation):
    client.force_login(UserFactory(username="officer", roles=[Role.COMMISSIONER]))
    url = reverse("consultation:officer_response", args=[open_consultation.slug])
    response = client.post(
        url,
        {
            "channel": "paper",
            "received_on_0": "1",
            "received_on_1": "1",
            "received_on_2": "2020",
            "ward": "none",
            "consent_to_quote": "no",
            **{f"points_{n}": v for n, v in SPLIT.items()},
        },
    )
    assert "cannot be before the consultation opened" in response.content.decode()
    assert not Response.objects.exists()
