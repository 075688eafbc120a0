"""The board's dashboard page: every figure of the data set as the page shows it, the filters and their
fallbacks, and who may see it."""

import re
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from knowsley_sv.roles import Role
from reporting.filters import UNKNOWN_OUTCOME, Filters
from reporting.selectors.consultations import NO_CONSULTATION

from ..factories import UserFactory
from .dataset import cells

pytestmark = pytest.mark.django_db


# --- The page -----------------------------------------------------------------------------------------------
def test_the_dashboard_shows_every_figure(data, board_client):
    response = board_client.get(reverse("reporting:dashboard"))
    assert response.status_code == 200
    tables = response.context["tables"]
    assert list(tables) == [
        "social_value",
        "weighting",
        "local_spend",
        "rag",
        "rag_contracts",
        "participation",
        "priorities",
        "review",
    ]
    assert cells(tables["social_value"].footer) == [
        ["All outcomes", "", "£14,250", "", "£11,950", "", "83.9%", "1"]
    ]
    assert cells(tables["social_value"].body)[0][2:] == [
        "£12,000",
        "12 full-time equivalent years",
        "£10,000",
        "10 full-time equivalent years",
        "83.3%",
        "0",
    ]
    assert cells(tables["weighting"].footer) == [
        ["All contracts let", "2", "£190,000", "100.0%", "10.0%", "15.8%"]
    ]
    assert cells(tables["local_spend"].body)[1] == [
        "Small and medium-sized enterprises (SMEs)",
        "1",
        "£40,000",
        "21.1%",
    ]
    assert [row[2] for row in cells(tables["rag"].body)] == ["0", "1", "1", "0"]
    assert cells(tables["participation"].body)[1] == [
        "Priorities 2025",
        "1 April 2025",
        "30 April 2025",
        "10",
    ]
    assert cells(tables["priorities"].body)[0][2:] == ["30.0%", "40.0%", "+10.0"]
    due = date(2026, 12, 1)
    status = "Overdue" if timezone.localdate() > due else "Not yet due"
    assert cells(tables["review"].body) == [
        ["Version 1", "15 January 2025", "1 December 2025", "1 December 2026", status]
    ]
    html = response.content.decode()
    # The table is the accessible source of the chart: caption, scope headers, numeric cells with raw values.
    table = 'id="table-social_value" data-chart="bar" data-chart-columns="2 4" data-chart-axis="Pounds (£)"'
    assert f'<table class="govuk-table app-table--small" {table}>' in html
    caption = "Social value committed and delivered, by outcome"
    caption_tag = (
        '<caption id="table-social_value-caption" class="govuk-table__caption govuk-table__caption--s">'
    )
    assert f"{caption_tag}{caption}</caption>" in html
    assert (
        'role="region" aria-labelledby="table-social_value-caption" tabindex="0">' in html
    )  # scrolls at 320 px
    assert (
        '<td class="govuk-table__cell govuk-table__cell--numeric" data-value="12000.00">£12,000</td>' in html
    )
    assert '<th scope="row" class="govuk-table__header app-nowrap">Outcome 1</th>' in html
    assert 'href="/dashboard/social_value.csv?year=all&amp;outcome=all&amp;sector=all"' in html
    assert '<script src="/static/js/charts.js" defer></script>' in html
    assert '<script src="/static/vendor/chartjs/chart.umd.min.js" defer></script>' in html
    assert "Filtered by year, outcome and the supplier's sector." in html
    assert 'id="filter-problems"' not in html
    # A contents list of every section, in order; the intro is true with JavaScript off (no chart yet).
    contents = re.search(r'<nav class="app-contents-list"[^>]*>(.*?)</nav>', html, re.S).group(1)
    sections = re.findall(r'<h2 class="govuk-heading-m" id="([a-z-]+)">([^<]+)</h2>', html)
    assert re.findall(r'<a class="govuk-link" href="#([a-z-]+)">([^<]+)</a>', contents) == sections
    assert len(sections) == 7
    assert "Where your browser runs JavaScript, a chart of the same figures is drawn above the table." in html
    assert "Every chart shows" not in html


def test_the_dashboard_filters(data, commissioner_client):
    response = commissioner_client.get(
        reverse("reporting:dashboard"), {"year": "2025", "outcome": "1", "sector": "private"}
    )
    assert response.status_code == 200
    assert response.context["filters"] == Filters(year=2025, outcome=1, sector="private")
    tables = response.context["tables"]
    # 2025 beside 2024 (nothing then)
    assert cells(tables["social_value"].body) == [
        [
            "Outcome 1",
            data.titles[1],
            "£2,000",
            "2 full-time equivalent years",
            "£2,000",
            "2 full-time equivalent years",
            "100.0%",
            "£0",
            "£0",
            "0",
        ]
    ]
    assert tables["social_value"].foot == []
    assert cells(tables["weighting"].footer)[0][1:3] == ["1", "£40,000"]
    assert [row[0] for row in cells(tables["priorities"].body)] == ["Outcome 1"]
    html = response.content.decode()
    assert '<option value="2025" selected>April 2025 to March 2026</option>' in html
    assert '<option value="private" selected>Private sector</option>' in html
    assert 'href="/dashboard/weighting.xlsx?year=2025&amp;outcome=1&amp;sector=private"' in html
    assert "Partnership board: Financial year April 2025 to March 2026, outcome 1, private sector" in html


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (
            {"year": "abc"},
            "There are no figures for a financial year called abc, so the dashboard shows all years.",
        ),
        (
            {"year": "2019"},
            "There are no figures for a financial year called 2019, so the dashboard shows all years.",
        ),
        (
            {"outcome": "9"},
            UNKNOWN_OUTCOME.format(value="9"),
        ),
        ({"sector": "pirates"}, "There is no sector called pirates, so the page shows all sectors."),
    ],
)
def test_unknown_filters_show_a_message_and_the_unfiltered_figures(data, board_client, params, message):
    response = board_client.get(reverse("reporting:dashboard"), params)
    assert response.status_code == 200
    assert response.context["filters"] == Filters()
    assert response.context["problems"] == [message]
    assert f'<p class="govuk-body">{message}</p>' in response.content.decode()
    assert cells(response.context["tables"]["social_value"].footer)[0][4] == "£11,950"


def test_an_unknown_value_is_escaped_in_the_message(data, board_client):
    response = board_client.get(reverse("reporting:dashboard"), {"sector": "<b>x</b>"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is no sector called &lt;b&gt;x&lt;/b&gt;, so the page shows all sectors." in html
    assert "<b>x</b>" not in html


def test_an_empty_dashboard_has_no_errors(adopted_model, board_client):
    response = board_client.get(reverse("reporting:dashboard"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "No contract is at red or amber." in html
    assert NO_CONSULTATION.replace("'", "&#x27;") in html


# --- Permissions --------------------------------------------------------------------------------------------
DASHBOARD_PAGES = [
    ("reporting:dashboard", {}),
    ("reporting:dashboard_export", {"table": "social_value", "fmt": "csv"}),
]


@pytest.mark.parametrize(("name", "kwargs"), DASHBOARD_PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(adopted_model, client, name, kwargs):
    url = reverse(name, kwargs=kwargs)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"


@pytest.mark.parametrize(("name", "kwargs"), DASHBOARD_PAGES)
@pytest.mark.parametrize("role", [Role.SUPPLIER, Role.EVALUATOR, Role.ADMINISTRATOR, Role.RESIDENT, None])
def test_other_roles_are_refused(adopted_model, client, name, kwargs, role):
    user = UserFactory(
        username=f"refused-{role or 'none'}".replace(" ", "-").lower(), roles=[role] if role else []
    )
    client.force_login(user)
    assert client.get(reverse(name, kwargs=kwargs)).status_code == 403


@pytest.mark.parametrize(("name", "kwargs"), DASHBOARD_PAGES)
@pytest.mark.parametrize("role", [Role.BOARD_MEMBER, Role.COMMISSIONER])
def test_board_members_and_commissioners_may_see_the_dashboard(
    adopted_model, role_client, name, kwargs, role
):
    assert role_client(role).get(reverse(name, kwargs=kwargs)).status_code == 200
