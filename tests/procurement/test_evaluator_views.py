"""Evaluators' pages: declaration first, blind scoring without prices, submitting, then the panel's scores."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from knowsley_sv.roles import Role
from procurement.forms import evaluation as evaluation_forms
from procurement.models import PanelMember, Score
from procurement.services import evaluation as evaluation_services
from procurement.views import evaluation as evaluation_views

from ..factories import UserFactory
from .helpers import (
    WORKED_EXAMPLE,
    bids_by_supplier,
    line_keys,
    panel_of,
    score_as,
    worked_example_tender,
)

pytestmark = pytest.mark.django_db

PRICES = ("£100,000", "100000", "100,000", "80000", "80,000", "125000", "125,000")


@pytest.fixture
def evaluators(tender, commissioner):
    """Three evaluators on the panel, each declared free of conflict."""
    return panel_of(tender, commissioner)


@pytest.fixture
def pending(tender, commissioner, evaluators):
    """An evaluator on the panel who has not declared yet."""
    user = UserFactory(username="pending-evaluator", roles=[Role.EVALUATOR])
    evaluation_services.panel_add(tender=tender, evaluator=user, by=commissioner)
    return user


def _alpha(tender):
    return bids_by_supplier(tender)["Alpha Services"]


def _urls(tender) -> dict[str, str]:
    ref = tender.reference
    return {
        "evaluator_home": reverse("procurement:evaluator_home"),
        "evaluate": reverse("procurement:evaluate", args=[ref]),
        "declare": reverse("procurement:declare", args=[ref]),
        "score_bid": reverse("procurement:score_bid", args=[ref, _alpha(tender).pk]),
        "panel_scores": reverse("procurement:panel_scores", args=[ref]),
    }


def _html(response) -> str:
    return response.content.decode()


def _entries(tender, values: dict[str, tuple[int | str, str]]) -> dict[str, str]:
    """POST data for the score page: {"Q1": (60, "text")} -> score_<key> and justification_<key>."""
    keys = line_keys(tender)
    data = {}
    for short, (value, text) in values.items():
        data[f"score_{keys[short]}"] = str(value)
        data[f"justification_{keys[short]}"] = text
    return data


FULL = {
    "Q1": (60, "Clear plan for delivery."),
    "Q2": (80, "Staff are well trained."),
    "O1": (80, "Strong local jobs offer."),
    "O3": (60, "Reasonable training offer."),
    "O6": (40, "Limited environmental detail."),
}


# --- Who may see the pages ------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["evaluator_home", "evaluate", "declare", "score_bid", "panel_scores"])
def test_anonymous_visitors_are_sent_to_sign_in(client, tender, evaluators, name):
    url = _urls(tender)[name]
    response = client.get(url)
    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={url}"


@pytest.mark.parametrize("role", [Role.COMMISSIONER, Role.SUPPLIER, Role.BOARD_MEMBER])
@pytest.mark.parametrize("name", ["evaluator_home", "evaluate", "declare", "score_bid", "panel_scores"])
def test_other_roles_are_refused(client, tender, evaluators, role, name):
    client.force_login(UserFactory(username="someone-else", roles=[role]))
    assert client.get(_urls(tender)[name]).status_code == 403


def test_the_tenders_commissioner_cannot_score_either(client, tender, evaluators, commissioner):
    client.force_login(commissioner)
    assert client.get(_urls(tender)["score_bid"]).status_code == 403
    assert client.post(_urls(tender)["score_bid"], _entries(tender, FULL)).status_code == 403
    assert not Score.objects.exists()


@pytest.mark.parametrize("name", ["evaluate", "declare", "score_bid", "panel_scores"])
def test_an_evaluator_not_on_the_panel_gets_a_404(client, tender, evaluators, name):
    client.force_login(UserFactory(username="outsider", roles=[Role.EVALUATOR]))
    assert client.get(_urls(tender)[name]).status_code == 404


def test_the_home_page_lists_the_evaluators_tenders(client, tender, evaluators, pending):
    client.force_login(pending)
    html = _html(client.get(reverse("procurement:evaluator_home")))
    assert f"{tender.reference}: Home care" in html
    assert "Not yet declared" in html and "Not submitted" in html
    assert reverse("procurement:evaluate", args=[tender.reference]) in html
    client.force_login(evaluators[0])
    html = _html(client.get(reverse("procurement:evaluator_home")))
    assert "No conflict" in html and "Not yet declared" not in html


def test_the_home_page_says_when_there_is_nothing_to_evaluate(client, adopted_model):
    client.force_login(UserFactory(username="idle", roles=[Role.EVALUATOR]))
    response = client.get(reverse("procurement:evaluator_home"))
    assert response.status_code == 200
    assert "You are not on the evaluation panel of any tender." in _html(response)


# --- Declaring first ------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["evaluate", "score_bid"])
def test_an_evaluator_must_declare_before_seeing_a_bid(client, tender, pending, name):
    client.force_login(pending)
    response = client.get(_urls(tender)[name])
    assert response.status_code == 302
    assert response.url == reverse("procurement:declare", args=[tender.reference])


def test_posting_scores_before_declaring_saves_nothing(client, tender, pending):
    client.force_login(pending)
    response = client.post(_urls(tender)["score_bid"], _entries(tender, FULL))
    assert response.url == reverse("procurement:declare", args=[tender.reference])
    assert not Score.objects.exists()


def test_the_declaration_page_names_the_bidders_only(client, tender, pending):
    client.force_login(pending)
    response = client.get(_urls(tender)["declare"])
    html = _html(response)
    assert response.status_code == 200
    for name in WORKED_EXAMPLE:
        assert f"<li>{name}</li>" in html
    assert "Alpha Services answers Delivery." not in html  # no bid content
    assert "method for outcome" not in html
    assert "I have no conflict of interest" in html and "Describe the conflict" in html
    # the details sit in the "yes" radio's conditional reveal, hidden until it is chosen (shown without JS)
    assert 'value="yes" data-aria-controls="conditional-conflict-2"' in html
    hidden = "govuk-radios__conditional govuk-radios__conditional--hidden"
    assert f'class="{hidden}" id="conditional-conflict-2"' in html


def test_declaring_no_conflict_opens_the_bids(client, tender, pending):
    client.force_login(pending)
    response = client.post(_urls(tender)["declare"], {"conflict": "no"}, follow=True)
    assert response.redirect_chain == [(reverse("procurement:evaluate", args=[tender.reference]), 302)]
    assert escape(evaluation_views.NO_CONFLICT_DECLARED) in _html(response)
    assert PanelMember.objects.get(evaluator=pending).declaration == "none"
    again = client.get(_urls(tender)["declare"])
    assert again.url == reverse("procurement:evaluate", args=[tender.reference])
    assert client.get(_urls(tender)["score_bid"]).status_code == 200


def test_the_declaration_needs_a_choice(client, tender, pending):
    client.force_login(pending)
    response = client.post(_urls(tender)["declare"], {})
    html = _html(response)
    assert response.status_code == 200
    assert "<title>Error: Declare any conflict of interest" in html
    assert f'<a href="#conflict">{evaluation_forms.CHOOSE_DECLARATION}</a>' in html
    assert PanelMember.objects.get(evaluator=pending).declaration == "pending"


def test_a_conflict_needs_details_and_keeps_the_choice(client, tender, pending):
    client.force_login(pending)
    response = client.post(_urls(tender)["declare"], {"conflict": "yes", "details": "  "})
    html = _html(response)
    assert response.status_code == 200
    assert f'<a href="#details">{evaluation_services.CONFLICT_DETAILS_REQUIRED}</a>' in html
    assert 'value="yes" checked' in html
    assert 'class="govuk-radios__conditional" id="conditional-conflict-2"' in html  # open, with its error
    assert PanelMember.objects.get(evaluator=pending).declaration == "pending"


def test_a_declared_conflict_removes_access(client, tender, pending):
    client.force_login(pending)
    response = client.post(
        _urls(tender)["declare"],
        {"conflict": "yes", "details": "My sister runs Beta Care."},
        follow=True,
    )
    assert response.redirect_chain == [(reverse("procurement:evaluator_home"), 302)]
    html = _html(response)
    assert escape(evaluation_views.CONFLICT_DECLARED) in html
    assert "Conflict: off the panel" in html
    member = PanelMember.objects.get(evaluator=pending)
    assert (member.declaration, member.conflict_details) == ("conflict", "My sister runs Beta Care.")
    for name in ("evaluate", "score_bid", "panel_scores"):
        refused = client.get(_urls(tender)[name])
        assert refused.status_code == 403
        assert "Alpha Services answers" not in _html(refused)
    assert escape(evaluation_services.CONFLICTED) in _html(client.get(_urls(tender)["evaluate"]))
    assert client.post(_urls(tender)["score_bid"], _entries(tender, FULL)).status_code == 403
    assert not Score.objects.filter(panel_member=member).exists()


# --- Scoring --------------------------------------------------------------------------------------------
def test_the_evaluate_page_shows_the_scale_and_the_bids(client, tender, evaluators):
    client.force_login(evaluators[0])
    response = client.get(_urls(tender)["evaluate"])
    html = _html(response)
    assert response.status_code == 200
    for point in tender.scale.all():
        assert f"{point.value}: {point.label}" in html and point.descriptor in html
    for name, bid in bids_by_supplier(tender).items():
        assert name in html
        assert reverse("procurement:score_bid", args=[tender.reference, bid.pk]) in html
    assert html.count("0 of 5") == 3
    # nothing to submit yet: the button waits until every line of every bid has a score
    assert "You have 15 lines still to score." in html
    assert "Submit all your scores" not in html


def test_the_score_page_shows_the_bid_without_its_price(client, tender, evaluators):
    client.force_login(evaluators[0])
    response = client.get(_urls(tender)["score_bid"])
    html = _html(response)
    assert response.status_code == 200
    assert "Score the bid from Alpha Services" in html
    assert "How will you deliver?" in html and "Alpha Services answers Delivery." in html
    assert "Alpha Services&#x27;s method for outcome 1." in html
    assert "10 points of 100" in html  # outcome 1: 50% of 20
    keys = line_keys(tender)
    for short in ("Q1", "Q2", "O1", "O3", "O6"):
        assert f'name="score_{keys[short]}"' in html and f'name="justification_{keys[short]}"' in html
    assert html.count('type="radio"') == 5 * tender.scale.count()
    assert "Save and go to the next bid" in html and "Save and come back later" in html
    assert "The bid's commitments for outcome 1" in html


def test_price_never_appears_on_an_evaluator_page(client, tender, evaluators, pending):
    client.force_login(pending)
    pages = [client.get(_urls(tender)["declare"]), client.get(reverse("procurement:evaluator_home"))]
    client.force_login(evaluators[0])
    pages.append(client.get(_urls(tender)["evaluate"]))
    for bid in bids_by_supplier(tender).values():
        pages.append(client.get(reverse("procurement:score_bid", args=[tender.reference, bid.pk])))
    score_as(tender, evaluators[0])
    pages.append(client.get(_urls(tender)["evaluate"]))
    pages.append(client.get(_urls(tender)["panel_scores"]))
    pages.append(client.get(_urls(tender)["score_bid"]))
    assert [p.status_code for p in pages] == [200] * len(pages)
    for page in pages:
        html = _html(page)
        for price in PRICES:
            assert price not in html


def test_a_partial_save_keeps_what_was_typed_and_shows_the_problems(client, tender, evaluators):
    client.force_login(evaluators[0])
    keys = line_keys(tender)
    data = _entries(tender, {"Q1": (60, ""), "O1": (80, "Good local jobs offer.")})
    data[f"justification_{keys['Q2']}"] = "Staffing looks thin."
    response = client.post(_urls(tender)["score_bid"], {**data, "save": "1"})
    html = _html(response)
    assert response.status_code == 200
    assert "<title>Error: Score the bid from Alpha Services" in html
    q1 = evaluation_services.JUSTIFICATION_REQUIRED.format(label="Q1 Delivery")
    q2 = evaluation_services.SCORE_REQUIRED.format(label="Q2 Staffing")
    assert f'<a href="#justification_{keys["Q1"]}">{q1}</a>' in html
    assert f'<a href="#score_{keys["Q2"]}">{q2}</a>' in html
    assert f'id="justification_{keys["Q1"]}-error"' in html and f'id="score_{keys["Q2"]}-error"' in html
    q1 = f"score_{keys['Q1']}"
    assert f'id="{q1}-4" name="{q1}" type="radio" value="60" aria-describedby="{q1}-4-hint" checked>' in html
    assert ">Staffing looks thin.</textarea>" in html
    assert ">Good local jobs offer.</textarea>" in html
    checked = html.split(f'name="score_{keys["O1"]}" type="radio" value="80"')[1].split(">")[0]
    assert "checked" in checked
    assert not Score.objects.exists()  # nothing saved while a line is half done


def test_an_off_scale_value_is_refused(client, tender, evaluators):
    client.force_login(evaluators[0])
    response = client.post(_urls(tender)["score_bid"], _entries(tender, {"Q1": (55, "Between two.")}))
    message = evaluation_services.OFF_SCALE.format(
        label="Q1 Delivery", value=55, scale="0, 20, 40, 60, 80, 100"
    )
    assert f'<a href="#score_{line_keys(tender)["Q1"]}">{escape(message)}</a>' in _html(response)
    assert not Score.objects.exists()


@pytest.mark.parametrize("typed", ["٦٠", "²", "1" * 5000])  # Arabic-Indic 60 (was saved as 60); "²" was a 500
def test_a_score_in_other_digits_is_no_score(client, tender, evaluators, typed):
    client.force_login(evaluators[0])
    data = _entries(tender, {"Q1": (60, "Clear plan.")}) | {f"score_{line_keys(tender)['Q1']}": typed}
    client.raise_request_exception = False
    response = client.post(_urls(tender)["score_bid"], data)
    assert response.status_code == 200
    assert escape(evaluation_services.SCORE_REQUIRED.format(label="Q1 Delivery")) in _html(response)
    assert not Score.objects.exists()


def test_saving_scores_stores_them_and_goes_to_the_next_bid(client, tender, evaluators):
    client.force_login(evaluators[0])
    bids = bids_by_supplier(tender)
    response = client.post(_urls(tender)["score_bid"], {**_entries(tender, FULL), "next": "1"})
    assert response.url == reverse("procurement:score_bid", args=[tender.reference, bids["Beta Care"].pk])
    stored = {
        (s.line_key, s.value, s.justification)
        for s in Score.objects.filter(panel_member__evaluator=evaluators[0], bid=bids["Alpha Services"])
    }
    keys = line_keys(tender)
    assert stored == {(keys[short], value, text) for short, (value, text) in FULL.items()}
    html = _html(client.get(_urls(tender)["score_bid"]))
    assert ">Limited environmental detail.</textarea>" in html
    assert "checked" in html.split(f'name="score_{keys["O6"]}" type="radio" value="40"')[1].split(">")[0]
    assert "5 of 5" in _html(client.get(_urls(tender)["evaluate"]))


def test_save_and_come_back_later_returns_to_the_bids(client, tender, evaluators):
    client.force_login(evaluators[0])
    response = client.post(
        _urls(tender)["score_bid"], {**_entries(tender, {"Q1": (60, "Fine.")}), "save": "1"}, follow=True
    )
    assert response.redirect_chain == [(reverse("procurement:evaluate", args=[tender.reference]), 302)]
    assert escape(evaluation_views.SCORES_SAVED.format(supplier="Alpha Services")) in _html(response)
    assert "1 of 5" in _html(response)
    assert Score.objects.count() == 1


def test_the_last_bid_goes_back_to_the_bids(client, tender, evaluators):
    client.force_login(evaluators[0])
    last = bids_by_supplier(tender)["Gamma Works"]
    url = reverse("procurement:score_bid", args=[tender.reference, last.pk])
    assert "Save and go back to the bids" in _html(client.get(url))
    response = client.post(url, {**_entries(tender, FULL), "next": "1"})
    assert response.url == reverse("procurement:evaluate", args=[tender.reference])


def test_a_bid_of_another_tender_is_a_404(client, tender, evaluators, commissioner):
    other = worked_example_tender(commissioner, suppliers={"Delta Ltd": WORKED_EXAMPLE["Alpha Services"]})
    client.force_login(evaluators[0])
    bid = other.bids.get()
    assert client.get(reverse("procurement:score_bid", args=[tender.reference, bid.pk])).status_code == 404
    assert client.get(reverse("procurement:score_bid", args=[tender.reference, 999999])).status_code == 404


def test_submitting_with_scores_missing_says_how_many(client, tender, evaluators):
    client.force_login(evaluators[0])
    client.post(_urls(tender)["score_bid"], _entries(tender, {"Q1": (60, "Fine.")}))
    response = client.post(_urls(tender)["evaluate"])
    html = _html(response)
    assert response.status_code == 200
    assert "<title>Error: Evaluate the bids" in html
    assert "Score every bid on every line before you submit: 14 still to score." in html
    assert PanelMember.objects.get(evaluator=evaluators[0]).submitted_at is None


def test_submitting_fixes_the_scores(client, tender, evaluators):
    client.force_login(evaluators[0])
    score_as(tender, evaluators[0], submit=False)
    ready = _html(client.get(_urls(tender)["evaluate"]))
    assert "You have scored every bid on every line." in ready and "Submit all your scores" in ready
    response = client.post(_urls(tender)["evaluate"], follow=True)
    html = _html(response)
    assert escape(evaluation_views.SCORES_SUBMITTED) in html
    assert reverse("procurement:panel_scores", args=[tender.reference]) in html
    assert "Submit all your scores" not in html
    assert PanelMember.objects.get(evaluator=evaluators[0]).submitted_at is not None
    page = _html(client.get(_urls(tender)["score_bid"]))
    assert 'type="radio"' not in page and "<textarea" not in page and "Save and come back later" not in page
    assert "60: Satisfactory" in page and "evaluator1 on Alpha Services Q1" in page
    refused = client.post(_urls(tender)["score_bid"], _entries(tender, {"Q1": (100, "Changed my mind.")}))
    assert escape(evaluation_services.ALREADY_SUBMITTED) in _html(refused)
    assert not Score.objects.filter(justification="Changed my mind.").exists()


def test_an_awarded_tender_says_evaluation_finished(client, tender, evaluators):
    client.force_login(evaluators[0])
    type(tender).objects.filter(pk=tender.pk).update(status="awarded")
    html = _html(client.get(_urls(tender)["evaluate"]))
    assert evaluation_views.EVALUATION_FINISHED in html
    assert "Submit all your scores" not in html and "Alpha Services" not in html


# --- Blind until submitted ------------------------------------------------------------------------------
def test_an_evaluator_cannot_see_anothers_scores_before_submitting(client, tender, evaluators):
    first, second = evaluators[0], evaluators[1]
    score_as(tender, first)  # submitted: "evaluator1 on Alpha Services Q1", ...
    client.force_login(second)
    score_page = _html(client.get(_urls(tender)["score_bid"]))
    assert "evaluator1 on Alpha Services" not in score_page
    refused = client.get(_urls(tender)["panel_scores"])
    assert refused.status_code == 403
    assert escape(evaluation_views.PANEL_AFTER_SUBMIT) in _html(refused)
    assert "evaluator1 on" not in _html(refused)

    score_as(tender, second, adjust={("Alpha Services", "Q1"): 100})
    response = client.get(_urls(tender)["panel_scores"])
    html = _html(response)
    assert response.status_code == 200
    assert "evaluator1 on Alpha Services Q1" in html and "evaluator2 on Alpha Services Q1" in html
    assert f"{first.get_full_name()}</td>" in html and f"{second.get_full_name()} (you)</td>" in html
    assert html.count("Scores differ by 40 or more</strong>") == 1  # Alpha Q1: 60 and 100
    assert evaluators[2].get_full_name() in html.split("Still scoring")[1].split("</dd>")[0]


def test_unsubmitted_scores_stay_hidden_on_the_panel_page(client, tender, evaluators):
    score_as(tender, evaluators[0])
    score_as(tender, evaluators[1], submit=False)  # saved but not submitted
    client.force_login(evaluators[0])
    html = _html(client.get(_urls(tender)["panel_scores"]))
    assert "evaluator1 on Alpha Services Q1" in html
    assert "evaluator2 on" not in html


def test_a_pending_evaluator_cannot_see_the_panels_scores(client, tender, evaluators, pending):
    score_as(tender, evaluators[0])
    client.force_login(pending)
    response = client.get(_urls(tender)["panel_scores"])
    assert response.status_code == 403
    assert "evaluator1 on" not in _html(response)


# --- Queries do not grow with the number of bids --------------------------------------------------------
TEN = {
    f"Supplier {n:02d}": (Decimal(100000 + n), {"Q1": 60, "Q2": 80, "O1": 80, "O3": 60, "O6": 40})
    for n in range(1, 11)
}


def _counts(client, tender, evaluator) -> dict[str, int]:
    client.force_login(evaluator)
    bid = next(iter(bids_by_supplier(tender).values()))
    urls = {
        "evaluate": reverse("procurement:evaluate", args=[tender.reference]),
        "score_bid": reverse("procurement:score_bid", args=[tender.reference, bid.pk]),
        "panel_scores": reverse("procurement:panel_scores", args=[tender.reference]),
    }
    counts = {}
    for name, url in urls.items():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts[name] = len(queries)
    return counts


def test_page_queries_do_not_grow_with_the_number_of_bids(
    client, commissioner, django_assert_max_num_queries
):
    small = worked_example_tender(commissioner)
    small_panel = panel_of(small, commissioner, count=2)
    for evaluator in small_panel:
        score_as(small, evaluator)
    large = worked_example_tender(commissioner, suppliers=TEN)
    for evaluator in small_panel:  # the same two evaluators sit on the larger tender's panel
        evaluation_services.panel_add(tender=large, evaluator=evaluator, by=commissioner)
        evaluation_services.declare(tender=large, by=evaluator, conflict=False)
        score_as(large, evaluator, scores=TEN)
    assert large.bids.count() == 10 and Score.objects.filter(bid__tender=large).count() == 100

    small_counts = _counts(client, small, small_panel[0])
    assert small_counts["score_bid"] <= 15 and small_counts["panel_scores"] <= 15
    client.force_login(small_panel[0])
    bid = next(iter(bids_by_supplier(large).values()))
    with django_assert_max_num_queries(small_counts["score_bid"]):
        client.get(reverse("procurement:score_bid", args=[large.reference, bid.pk]))
    with django_assert_max_num_queries(small_counts["panel_scores"]):
        client.get(reverse("procurement:panel_scores", args=[large.reference]))
    with django_assert_max_num_queries(small_counts["evaluate"]):
        client.get(reverse("procurement:evaluate", args=[large.reference]))
    assert _counts(client, large, small_panel[0]) == small_counts
