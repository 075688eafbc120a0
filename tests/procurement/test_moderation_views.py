"""The commissioner's panel, moderation and history pages (DESIGN §5.3): who may see them, what they
show, what they record, and their query counts."""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from knowsley_sv import formatting
from knowsley_sv.audit import audit_record
from knowsley_sv.roles import Role
from procurement.forms import evaluation as evaluation_forms
from procurement.models import ModeratedScore, PanelMember, Tender
from procurement.services import award as award_services
from procurement.services import evaluation as evaluation_services
from procurement.views import moderation as moderation_views

from ..factories import UserFactory
from .helpers import (
    WORKED_EXAMPLE,
    bids_by_supplier,
    line_keys,
    moderate_all,
    score_as,
    worked_example_tender,
)

pytestmark = pytest.mark.django_db

NAMES = [("Ann", "Smith"), ("Bob", "Jones"), ("Cat", "Patel")]


@pytest.fixture
def signed_in(client, commissioner):
    client.force_login(commissioner)
    return client


def evaluators(count=3):
    """Evaluators evaluator1.. with known names (score_as writes "<username> on <supplier> <line>")."""
    return [
        UserFactory(username=f"evaluator{n}", first_name=first, last_name=last, roles=[Role.EVALUATOR])
        for n, (first, last) in enumerate(NAMES[:count], start=1)
    ]


def seat(tender, commissioner, people):
    for person in people:
        evaluation_services.panel_add(tender=tender, evaluator=person, by=commissioner)
        evaluation_services.declare(tender=tender, by=person, conflict=False)
    return people


def scored(tender, commissioner, adjust=None, scores=WORKED_EXAMPLE):
    """Three evaluators who all submitted; the third one's scores adjusted."""
    people = seat(tender, commissioner, evaluators())
    for n, person in enumerate(people):
        score_as(tender, person, scores=scores, adjust=adjust if n == 2 else None)
    return people


def url(name, tender, *args):
    return reverse(f"procurement:{name}", args=[tender.reference, *args])


def page(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


# --- Who may see the pages ---------------------------------------------------------------------------
PAGES = ["panel", "panel_remove", "moderation", "moderate_bid", "history"]


def _address(name, tender):
    if name == "panel_remove":
        return url(name, tender, PanelMember.objects.get().pk)
    if name == "moderate_bid":
        return url(name, tender, bids_by_supplier(tender)["Alpha Services"].pk)
    return url(name, tender)


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize(
    "who, expected",
    [
        (None, 302),
        (Role.EVALUATOR, 403),
        (Role.SUPPLIER, 403),
        (Role.BOARD_MEMBER, 403),
        ("other commissioner", 404),
    ],
)
def test_only_the_tenders_commissioners_reach_the_pages(client, tender, commissioner, name, who, expected):
    seat(tender, commissioner, evaluators(1))
    address = _address(name, tender)
    if who == "other commissioner":
        client.force_login(UserFactory(username="other", roles=[Role.COMMISSIONER]))
    elif who is not None:
        client.force_login(UserFactory(username="someone", roles=[who]))
    response = client.post(address) if name == "panel_remove" else client.get(address)
    assert response.status_code == expected
    if who is None:
        assert response.url.startswith(reverse("login") + "?next=")
    assert PanelMember.objects.count() == 1


def test_the_tenders_commissioner_reaches_every_page(signed_in, tender, commissioner):
    scored(tender, commissioner)
    for name in ("panel", "moderation", "moderate_bid", "history"):
        assert signed_in.get(_address(name, tender)).status_code == 200
    assert signed_in.get(url("panel_remove", tender, PanelMember.objects.first().pk)).status_code == 405


# --- The panel ---------------------------------------------------------------------------------------
def test_adding_the_first_evaluator_starts_the_evaluation_and_lists_them(signed_in, tender):
    [ann] = evaluators(1)
    assert tender.status == Tender.Status.CLOSED
    form = page(signed_in.get(url("panel", tender)))
    assert "Add an evaluator" in form
    assert f'<option value="{ann.pk}">Ann Smith (evaluator1)</option>' in form
    assert "Nobody is on the panel yet." in form

    response = signed_in.post(url("panel", tender), {"evaluator": ann.pk}, follow=True)
    assert response.redirect_chain == [(url("panel", tender), 302)]
    tender.refresh_from_db()
    assert tender.status == Tender.Status.EVALUATING
    text = page(response)
    assert messages_of(response) == [moderation_views.PANEL_ADDED.format(name="Ann Smith")]
    assert "1 evaluator on the panel" in text
    assert re.search(r"<th[^>]*>Ann Smith</th>\s*<td[^>]*>\s*Not yet declared", text)
    assert f'<option value="{ann.pk}"' not in text  # on the panel, so no longer offered
    assert PanelMember.objects.get().added_by.username == "commissioner"


def test_declarations_and_submissions_are_shown(signed_in, tender, commissioner):
    ann, bob, cat = evaluators()
    for person in (ann, bob, cat):
        evaluation_services.panel_add(tender=tender, evaluator=person, by=commissioner)
    evaluation_services.declare(tender=tender, by=bob, conflict=False)
    evaluation_services.declare(tender=tender, by=cat, conflict=True, details="I advise <Beta Care>.")
    score_as(tender, bob)
    text = page(signed_in.get(url("panel", tender)))
    assert "Not yet declared" in text and "No conflict of interest" in text
    assert "Conflict of interest declared" in text and "I advise &lt;Beta Care&gt;." in text
    submitted = PanelMember.objects.get(evaluator=bob).submitted_at
    assert f"Yes, {formatting.moment(submitted)}<" in text
    assert text.count(">No</td>") == 2


def test_someone_without_the_evaluator_role_cannot_be_added(signed_in, tender):
    board = UserFactory(username="board", roles=[Role.BOARD_MEMBER])
    response = signed_in.post(url("panel", tender), {"evaluator": board.pk})
    text = page(response)
    assert "<title>Error: Evaluation panel" in text
    assert escape(evaluation_forms.NOT_AN_EVALUATOR_CHOICE) in text
    assert 'class="govuk-error-summary"' in text
    assert not PanelMember.objects.exists()
    empty = page(signed_in.post(url("panel", tender), {}))
    assert evaluation_forms.CHOOSE_EVALUATOR in empty
    tender.refresh_from_db()
    assert tender.status == Tender.Status.CLOSED


def test_the_panel_is_set_up_once_the_bids_are_opened(signed_in, commissioner):
    sealed = worked_example_tender(commissioner, open_bids=False)
    [ann] = evaluators(1)
    text = page(signed_in.get(url("panel", sealed)))
    assert "The panel is set up after the bids are opened" in text
    assert f'href="{url("bids", sealed)}"' in text
    assert 'name="evaluator"' not in text
    refused = page(signed_in.post(url("panel", sealed), {"evaluator": ann.pk}))
    assert "<title>Error: " in refused
    assert evaluation_services.NOT_EVALUATING.format(status="published") in refused
    assert not PanelMember.objects.exists()


def test_an_evaluator_who_has_not_scored_can_be_removed(signed_in, tender, commissioner):
    ann, bob = seat(tender, commissioner, evaluators(2))
    score_as(tender, ann, submit=False)
    ann_seat, bob_seat = PanelMember.objects.get(evaluator=ann), PanelMember.objects.get(evaluator=bob)
    text = page(signed_in.get(url("panel", tender)))
    assert f'action="{url("panel_remove", tender, bob_seat.pk)}"' in text
    assert f'action="{url("panel_remove", tender, ann_seat.pk)}"' not in text

    response = signed_in.post(url("panel_remove", tender, bob_seat.pk), follow=True)
    assert response.redirect_chain == [(url("panel", tender), 302)]
    assert messages_of(response) == [moderation_views.PANEL_REMOVED.format(name="Bob Jones")]
    assert list(PanelMember.objects.values_list("evaluator__username", flat=True)) == ["evaluator1"]
    assert ">Bob Jones</th>" not in page(response)

    refused = signed_in.post(url("panel_remove", tender, ann_seat.pk), follow=True)
    assert messages_of(refused) == [evaluation_services.CANNOT_REMOVE_SCORER.format(name="Ann Smith")]
    assert PanelMember.objects.filter(pk=ann_seat.pk).exists()


def test_a_member_of_another_tender_cannot_be_removed_through_this_one(signed_in, tender, commissioner):
    other = worked_example_tender(
        commissioner, suppliers={"Delta Ltd": (Decimal("90000"), WORKED_EXAMPLE["Alpha Services"][1])}
    )
    [ann] = seat(other, commissioner, evaluators(1))
    member = PanelMember.objects.get(evaluator=ann)
    assert signed_in.post(url("panel_remove", tender, member.pk)).status_code == 404
    assert PanelMember.objects.filter(pk=member.pk).exists()


# --- Moderation --------------------------------------------------------------------------------------
def test_moderation_waits_for_every_evaluator_to_submit(signed_in, tender, commissioner):
    ann, bob = seat(tender, commissioner, evaluators(2))
    score_as(tender, bob)
    score_as(tender, ann, submit=False)
    text = page(signed_in.get(url("moderation", tender)))
    waiting = evaluation_services.PANEL_NOT_FINISHED.format(waiting="Ann Smith")
    assert waiting == "Moderation starts when every evaluator has submitted their scores: Ann Smith."
    assert waiting in text
    assert "/moderation/" + str(bids_by_supplier(tender)["Alpha Services"].pk) not in text
    assert ">Moderate<" not in text

    alpha = bids_by_supplier(tender)["Alpha Services"]
    response = signed_in.get(url("moderate_bid", tender, alpha.pk), follow=True)
    assert response.redirect_chain == [(url("moderation", tender), 302)]
    assert messages_of(response) == [waiting]
    refused = signed_in.post(url("moderate_bid", tender, alpha.pk), {})
    assert refused.status_code == 302 and not ModeratedScore.objects.exists()


def test_moderation_without_a_panel_says_so(signed_in, tender):
    text = page(signed_in.get(url("moderation", tender)))
    assert evaluation_services.NO_PANEL in text and ">Moderate<" not in text


def test_moderation_lists_each_bids_progress_and_flagged_rows(signed_in, tender, commissioner):
    scored(tender, commissioner, adjust={("Alpha Services", "Q1"): 100})
    text = page(signed_in.get(url("moderation", tender)))
    rows = re.findall(
        r"<th scope=\"row\" class=\"govuk-table__header\">([^<]+)</th>\s*"
        r"<td class=\"govuk-table__cell\">(\d+ of \d+) lines moderated</td>\s*"
        r"<td class=\"govuk-table__cell govuk-table__cell--numeric\">(\d+)</td>",
        text,
    )
    assert rows == [
        ("Alpha Services", "0 of 5", "1"),
        ("Beta Care", "0 of 5", "0"),
        ("Gamma Works", "0 of 5", "0"),
    ]
    bids = bids_by_supplier(tender)
    for bid in bids.values():
        assert f'href="{url("moderate_bid", tender, bid.pk)}"' in text
    assert url("report", tender) not in text and url("award", tender) not in text

    moderate_all(tender, commissioner)
    done = page(signed_in.get(url("moderation", tender)))
    assert done.count("5 of 5 lines moderated") == 3
    assert f'href="{url("report", tender)}"' in done and f'href="{url("award", tender)}"' in done


def test_the_moderate_page_shows_every_justification_and_flags_rows_40_apart(signed_in, tender, commissioner):
    scored(tender, commissioner, adjust={("Alpha Services", "Q1"): 100})
    bids = bids_by_supplier(tender)
    text = page(signed_in.get(url("moderate_bid", tender, bids["Alpha Services"].pk)))
    assert "Moderate the bid from Alpha Services" in text
    for line in ("Q1", "Q2", "O1", "O3", "O6"):
        for n in (1, 2, 3):
            assert f"evaluator{n} on Alpha Services {line}" in text
    for first, last in NAMES:
        assert text.count(f">{first} {last}</th>") == 5
    assert text.count("Scores differ by 40 or more") == 1
    q1 = text.split('id="line-' + line_keys(tender)["Q1"] + '"')[1].split("<section")[0]
    assert "Scores differ by 40 or more" in q1
    assert re.findall(r'<td class="govuk-table__cell govuk-table__cell--numeric">(\d+)</td>', q1) == [
        "60",
        "60",
        "100",
    ]
    # the tender's scale: one radio per point, the descriptor as its hint
    key = line_keys(tender)["Q1"]
    assert re.findall(rf'name="score_{key}" type="radio" value="(\d+)"', text) == [
        "0",
        "20",
        "40",
        "60",
        "80",
        "100",
    ]
    for point in tender.scale.all():
        assert escape(point.descriptor) in text
    assert f'name="rationale_{key}"' in text
    assert "£" not in text.split("<main")[1]  # the price is not shown here
    beta = page(signed_in.get(url("moderate_bid", tender, bids["Beta Care"].pk)))
    assert "Scores differ by 40 or more" not in beta


def test_a_bid_of_another_tender_is_not_found(signed_in, tender, commissioner):
    scored(tender, commissioner)
    other = worked_example_tender(
        commissioner, suppliers={"Delta Ltd": (Decimal("90000"), WORKED_EXAMPLE["Alpha Services"][1])}
    )
    delta = bids_by_supplier(other)["Delta Ltd"]
    assert signed_in.get(url("moderate_bid", tender, delta.pk)).status_code == 404
    assert signed_in.get(url("moderate_bid", tender, 999999)).status_code == 404


def _entries(tender, values, rationale="Agreed after discussion"):
    keys = line_keys(tender)
    data = {}
    for line, value in values.items():
        data[f"score_{keys[line]}"] = "" if value is None else str(value)
        data[f"rationale_{keys[line]}"] = rationale
    return data


def test_a_missing_rationale_is_shown_on_its_line_and_typed_values_are_kept(signed_in, tender, commissioner):
    scored(tender, commissioner, adjust={("Alpha Services", "Q1"): 100})
    keys, alpha = line_keys(tender), bids_by_supplier(tender)["Alpha Services"]
    data = _entries(tender, {"Q1": 60, "Q2": 80, "O1": 80, "O3": 60, "O6": 40}, rationale="Typed & kept")
    data[f"rationale_{keys['Q1']}"] = "   "
    text = page(signed_in.post(url("moderate_bid", tender, alpha.pk), data))
    message = evaluation_services.RATIONALE_REQUIRED.format(label="Q1 Delivery")
    assert message == "Q1 Delivery: enter the rationale for the consensus score."
    assert "<title>Error: Moderate Alpha Services" in text
    assert f'<a href="#rationale_{keys["Q1"]}">{message}</a>' in text
    assert f'<p id="rationale_{keys["Q1"]}-error" class="govuk-error-message">' in text
    assert text.count("Typed &amp; kept</textarea>") == 4
    for line, value in (("Q1", 60), ("Q2", 80), ("O6", 40)):
        checked = re.findall(rf'name="score_{keys[line]}" type="radio" value="(\d+)"[^>]*checked', text)
        assert checked == [str(value)]
    assert not ModeratedScore.objects.exists()


def test_a_score_every_evaluator_agreed_is_chosen_already_and_needs_no_rationale(
    signed_in, tender, commissioner
):
    tender.criteria.filter(number=1).update(minimum_score=40)
    scored(tender, commissioner, adjust={("Alpha Services", "Q2"): 60})  # Q2: 80, 80 and 60
    keys, alpha = line_keys(tender), bids_by_supplier(tender)["Alpha Services"]
    text = page(signed_in.get(url("moderate_bid", tender, alpha.pk)))
    checked = {
        line: re.findall(rf'name="score_{keys[line]}" type="radio" value="(\d+)"[^>]*checked', text)
        for line in keys
    }
    assert checked == {"Q1": ["60"], "Q2": [], "O1": ["80"], "O3": ["60"], "O6": ["40"]}
    assert "Every evaluator scored 60. If you keep that score, a rationale is optional" in text
    assert "20 points of 100, minimum score 40" in text and "10 points of 100</span>" in text
    kept = {f"score_{keys[line]}": str(value) for line, value in WORKED_EXAMPLE["Alpha Services"][1].items()}
    changed = kept | {f"score_{keys['O1']}": "100"}
    text = page(signed_in.post(url("moderate_bid", tender, alpha.pk), changed))
    # Q2, where the evaluators differed, and O1, changed from their 80, need a rationale; the rest do not
    assert re.findall(r'<a href="#(rationale_[^"]+)">', text) == [
        f"rationale_{keys[line]}" for line in ("Q2", "O1")
    ]
    kept[f"rationale_{keys['Q2']}"] = "Two of three gave 80"
    assert signed_in.post(url("moderate_bid", tender, alpha.pk), kept).status_code == 302
    stored = {m.line_key: m.rationale for m in ModeratedScore.objects.filter(bid=alpha)}
    agreed = evaluation_services.AGREED_RATIONALE.format(value=60)
    assert stored[keys["Q1"]] == agreed and stored[keys["Q2"]] == "Two of three gave 80"


def test_an_off_scale_value_is_refused_on_its_line(signed_in, tender, commissioner):
    scored(tender, commissioner)
    keys, alpha = line_keys(tender), bids_by_supplier(tender)["Alpha Services"]
    data = _entries(tender, {"Q1": 50})
    text = page(signed_in.post(url("moderate_bid", tender, alpha.pk), data))
    assert f'<a href="#score_{keys["Q1"]}">' in text
    assert escape(evaluation_forms.CHOOSE_FROM_SCALE.format(label="Q1 Delivery")) in text
    assert not ModeratedScore.objects.exists()


def test_valid_consensus_scores_are_stored_flagged_and_lead_to_the_next_bid(signed_in, tender, commissioner):
    scored(tender, commissioner, adjust={("Alpha Services", "Q1"): 100})
    bids = bids_by_supplier(tender)
    values = WORKED_EXAMPLE["Alpha Services"][1]
    response = signed_in.post(
        url("moderate_bid", tender, bids["Alpha Services"].pk), _entries(tender, values)
    )
    assert response.status_code == 302
    assert response.url == url("moderate_bid", tender, bids["Beta Care"].pk)
    stored = {
        (m.criterion.number if m.criterion else f"O{m.share.outcome.number}"): (m.value, m.flagged)
        for m in ModeratedScore.objects.select_related("criterion", "share__outcome")
    }
    assert stored == {
        1: (60, True),
        2: (80, False),
        "O1": (80, False),
        "O3": (60, False),
        "O6": (40, False),
    }
    assert set(ModeratedScore.objects.values_list("rationale", "moderated_by__username")) == {
        ("Agreed after discussion", "commissioner")
    }
    following = signed_in.get(response.url)
    assert messages_of(following) == [moderation_views.MODERATED.format(supplier="Alpha Services")]

    # a partial save says how many lines are left; the last bid leads back to the moderation page
    last = signed_in.post(
        url("moderate_bid", tender, bids["Gamma Works"].pk),
        _entries(tender, {"Q1": 100, "Q2": 80}),
        follow=True,
    )
    assert last.redirect_chain == [(url("moderation", tender), 302)]
    assert messages_of(last) == [
        moderation_views.MODERATED_REMAINING.format(supplier="Gamma Works", count=3, s="s")
    ]
    # what was recorded is shown when the page is opened again
    again = page(signed_in.get(url("moderate_bid", tender, bids["Alpha Services"].pk)))
    key = line_keys(tender)["Q1"]
    assert re.findall(rf'name="score_{key}" type="radio" value="(\d+)"[^>]*checked', again) == ["60"]
    assert again.count("Agreed after discussion</textarea>") == 5


def test_once_awarded_the_consensus_scores_are_read_only(signed_in, tender, commissioner):
    scored(tender, commissioner)
    moderate_all(tender, commissioner)
    bids = bids_by_supplier(tender)
    award_services.award(tender=tender, bid=bids["Gamma Works"], by=commissioner)
    text = page(signed_in.get(url("moderate_bid", tender, bids["Alpha Services"].pk)))
    assert '<form method="post" novalidate>' not in text and 'type="radio"' not in text
    assert moderation_views.READ_ONLY.format(status="awarded") in text
    assert "Panel agreed 60 for Alpha Services Q1" in text
    response = signed_in.post(
        url("moderate_bid", tender, bids["Alpha Services"].pk), _entries(tender, {"Q1": 0})
    )
    assert response.status_code == 302
    assert ModeratedScore.objects.get(bid=bids["Alpha Services"], criterion__number=1).value == 60


# --- History -----------------------------------------------------------------------------------------
def test_the_history_shows_every_change_in_plain_english_and_escapes_what_people_typed(
    signed_in, tender, commissioner
):
    [ann] = seat(tender, commissioner, evaluators(1))
    keys, alpha = line_keys(tender), bids_by_supplier(tender)["Alpha Services"]
    evaluation_services.scores_save(tender=tender, bid=alpha, by=ann, entries={keys["Q1"]: (60, "Sound")})
    evaluation_services.scores_save(
        tender=tender, bid=alpha, by=ann, entries={keys["Q1"]: (80, "<script>alert(1)</script>")}
    )
    text = page(signed_in.get(url("history", tender)))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "<script>alert(1)</script>" not in text
    labels = re.findall(
        r'<td class="govuk-table__cell">([^<]+)</td>\s*<td class="govuk-table__cell govuk-body-s">', text
    )
    assert labels == [
        "Tender created",
        "Quality criteria changed",
        "Social value split changed",
        "Published",
        "Bids opened",
        "Evaluator added to the panel",
        "Declaration",
        "Score recorded",
        "Score changed",
    ]
    assert "Ann Smith (evaluator1)" in text  # the evaluator's name, not only their username
    changed = text.split("Score changed")[1]
    assert re.search(r"<dt[^>]*>Score</dt>\s*<dd[^>]*>60 <span aria-hidden=\"true\">→</span>", changed)
    assert "No conflict of interest" in text
    assert "15 events" not in text and "9 events" in text


def test_unknown_actions_show_their_code_and_the_history_pages_at_100(signed_in, tender, commissioner):
    for n in range(120):
        audit_record(actor=commissioner, action="tender.something_new", target=tender, after={"n": n})
    first = page(signed_in.get(url("history", tender)))
    assert "125 events, 1 to 100 shown" in first
    assert "tender.something_new" in first
    assert 'class="govuk-pagination"' in first and "Page 1 of 2" in first
    second = page(signed_in.get(url("history", tender) + "?page=2"))
    assert "101 to 125 shown" in second and "Page 2 of 2" in second
    assert '<dd class="govuk-!-margin-left-0 govuk-!-margin-bottom-1">119</dd>' in second


def test_event_details_show_what_changed():
    rows = moderation_views.event_details(
        {"status": "draft", "weights": [50, 30, 20]},
        {"status": "draft", "weights": [40, 40, 20], "reason": "", "flagged": True},
        {},
    )
    assert rows == [
        {"key": "Weights (price, quality, social value)", "before": "50; 30; 20", "after": "40; 40; 20"},
        {"key": "Reason", "before": None, "after": "none"},
        {"key": "Flagged", "before": None, "after": "Yes"},
    ]
    assert moderation_views.action_label("moderation.save", None) == "Consensus score recorded"
    assert moderation_views.action_label("moderation.save", {"value": 40}) == "Consensus score changed"


# --- Query counts ------------------------------------------------------------------------------------
def _tender_with_bids(commissioner, count, prefix):
    """`count` bids scored by two evaluators (one row 40 apart), the first bid moderated."""
    suppliers = {
        f"{prefix} Supplier {n:02d}": (Decimal(100000 + n * 1000), WORKED_EXAMPLE["Alpha Services"][1])
        for n in range(count)
    }
    tender = worked_example_tender(commissioner, suppliers=suppliers)
    people = [
        UserFactory(username=f"{prefix}-ev{n}", first_name="Eve", last_name=str(n), roles=[Role.EVALUATOR])
        for n in range(2)
    ]
    seat(tender, commissioner, people)
    score_as(tender, people[0], scores=suppliers)
    score_as(tender, people[1], scores=suppliers, adjust={(f"{prefix} Supplier 00", "Q1"): 100})
    first = f"{prefix} Supplier 00"
    moderate_all(tender, commissioner, scores={first: suppliers[first]})
    return tender, bids_by_supplier(tender)[f"{prefix} Supplier 01"]


def _queries(client, address) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(address).status_code == 200
    return len(captured)


def test_moderation_pages_run_the_same_queries_for_3_bids_as_for_10(signed_in, commissioner):
    (small, small_bid), (large, large_bid) = (
        _tender_with_bids(commissioner, 3, "Small"),
        _tender_with_bids(commissioner, 10, "Large"),
    )
    moderation = [_queries(signed_in, url("moderation", t)) for t in (small, large)]
    moderate = [
        _queries(signed_in, url("moderate_bid", t, b.pk)) for t, b in ((small, small_bid), (large, large_bid))
    ]
    assert moderation[0] == moderation[1] and moderation[1] <= 12, moderation
    assert moderate[0] == moderate[1] and moderate[1] <= 15, moderate
    text = page(signed_in.get(url("moderation", large)))
    assert text.count("lines moderated") == 10 and text.count("5 of 5 lines moderated") == 1


def test_the_history_runs_the_same_queries_however_many_events(signed_in, tender, commissioner):
    first, *others = evaluators(3)
    seat(tender, commissioner, [first])
    few = _queries(signed_in, url("history", tender))
    seat(tender, commissioner, others)
    for person in (first, *others):
        score_as(tender, person, submit=False)
    many = _queries(signed_in, url("history", tender))
    assert page(signed_in.get(url("history", tender))).count("Score recorded") == 45
    assert few == many
