"""The dashboard from the shared cache (knowsley_sv.caching): queries that do not grow with the data, cold
or warm; a write shows at once, and only on the tables that read it; the priorities change when a
consultation closes; and the cached body is the same whoever looks."""

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from consultation.models import Consultation, Response
from knowsley_sv import caching
from knowsley_sv.roles import Role
from outcomes.models import BoardMembership
from outcomes.services import organisation_save
from procurement.models import Award, Bid, Contract, ContractKPI, DeliveryLine, DeliveryReport, Tender
from reporting import dashboard
from reporting.filters import Filters
from reporting.selectors.consultations import NO_SPLIT

from ..factories import UserFactory
from .dataset import aware, bulk_contracts, cells, count_queries

pytestmark = pytest.mark.django_db
D = Decimal

# --- Query counts -------------------------------------------------------------------------------------------
MAX_DASHBOARD_QUERIES = 30
# From the shared cache: the user, their roles and the review banner every board page shows; no figure.
WARM_DASHBOARD_QUERIES = 3


def test_dashboard_queries_do_not_grow_with_contracts(data, board_client, django_assert_max_num_queries):
    suppliers = [data.charity, data.kitchens]
    by, reviewer = data.supplier_user, data.commissioner
    bulk_contracts(10, model=data.model, by=by, reviewer=reviewer, suppliers=suppliers)
    url = reverse("reporting:dashboard")
    filtered = {"year": "2025", "outcome": "1", "sector": "private"}
    cache.clear()  # cold: every figure worked out
    small = count_queries(board_client, url)
    cache.clear()
    small_filtered = count_queries(board_client, url, filtered)
    bulk_contracts(990, model=data.model, by=by, reviewer=reviewer, suppliers=suppliers, offset=10)
    caching.changed(
        Tender, Bid, Award, Contract, ContractKPI, DeliveryReport, DeliveryLine
    )  # bulk_create: no post_save
    assert Contract.objects.count() == 1002
    cache.clear()
    with django_assert_max_num_queries(MAX_DASHBOARD_QUERIES) as cold:
        response = board_client.get(url)
    # 1,000 bulk contracts of £900 each with the 2 of the fixed set: 190,000 + 900,000
    assert cells(response.context["tables"]["local_spend"].footer) == [
        ["All contracts let", "1,002", "£1,090,000", "100.0%"]
    ]
    assert len(cold) == small
    # Again, from the shared cache: the same figures with fewer queries.
    with django_assert_max_num_queries(WARM_DASHBOARD_QUERIES):
        response = board_client.get(url)
    assert "£1,090,000" in response.content.decode()
    cache.clear()
    assert count_queries(board_client, url, filtered) == small_filtered
    export = reverse("reporting:dashboard_export", kwargs={"table": "rag", "fmt": "xlsx"})
    with django_assert_max_num_queries(10):
        board_client.get(export)


# --- The shared cache ---------------------------------------------------------------------------------------
def local_spend_rows(board_client, part: str = "tfoot") -> list[list[str]]:
    """The local spend table's footer (or body) as the page shows it (a page from the cache has no table
    objects)."""
    page = board_client.get(reverse("reporting:dashboard")).content.decode()
    table = page[page.index('id="table-local_spend"') :]
    foot = table[table.index(f"<{part}") : table.index(f"</{part}>")]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", foot, re.DOTALL)
    return [re.findall(r"<t[hd][^>]*>([^<]*)</t[hd]>", row) for row in rows]


def local_spend_footer(board_client) -> list[list[str]]:
    return local_spend_rows(board_client)


def test_a_service_write_shows_on_the_cached_dashboard_at_once(
    data, board_client, django_capture_on_commit_callbacks
):
    """No signal keeps the dashboard fresh: the service that writes names what it wrote (caching.changed)."""
    before = local_spend_rows(board_client, "tbody")
    assert local_spend_rows(board_client, "tbody") == before  # from the cache
    data.kitchens.is_local, data.kitchens.local_basis = False, ""
    with django_capture_on_commit_callbacks(execute=True):
        organisation_save(organisation=data.kitchens, by=board_client.user)
    after = local_spend_rows(board_client, "tbody")
    assert after != before
    assert [row[0] for row in after] == [row[0] for row in before]  # the same groups, other figures


def test_a_save_outside_the_services_is_not_seen_until_it_is_announced(data, board_client):
    assert local_spend_footer(board_client) == [["All contracts let", "2", "£190,000", "100.0%"]]
    data.b.value = D("60000")
    data.b.save()  # a shell's save: no service, no signal
    assert local_spend_footer(board_client) == [["All contracts let", "2", "£190,000", "100.0%"]]
    caching.changed(Contract)
    assert local_spend_footer(board_client) == [["All contracts let", "2", "£210,000", "100.0%"]]


def test_a_bulk_write_shows_once_it_says_so(data, board_client):
    assert local_spend_footer(board_client)[0][1] == "2"
    Contract.objects.filter(pk=data.b.pk).update(value=D("60000"))  # no post_save
    assert local_spend_footer(board_client)[0][2] == "£190,000"  # the cached figure, until...
    caching.changed(Contract)
    assert local_spend_footer(board_client)[0][2] == "£210,000"


def test_a_response_leaves_the_contract_tables_in_the_cache(data, django_assert_num_queries):
    figures = dashboard.Figures(Filters(), today=date(2026, 1, 5), now=aware(2026, 1, 5, 12))
    figures.tables()
    Response.objects.create(consultation=data.consultation, submitted_at=aware(2025, 4, 11, 12))
    caching.changed(Response, scope=data.consultation.pk)  # as every service that writes a response does
    day, now = date(2026, 1, 5), aware(2026, 1, 5, 12)
    again = dashboard.Figures(Filters(), today=day, now=now, titles=data.titles)
    with django_assert_num_queries(0):
        again.tables(["social_value", "weighting", "local_spend", "rag", "rag_contracts", "review"])
    participation = again.tables(["participation"])["participation"]
    assert [row[-1] for row in participation.rows] == [0, 11]  # worked out again: 10 + the new one


def test_priorities_change_when_the_next_consultation_closes_with_no_write(data):
    later = Consultation.objects.create(
        title="Priorities 2026",
        slug="priorities-2026",
        summary="s",
        how_answers_are_used="h",
        model=data.model,
        opens_at=aware(2026, 4, 1, 9),
        closes_at=aware(2026, 4, 30, 17),
        created_by=data.commissioner,
    )
    before = aware(2026, 4, 30, 16)
    note = dashboard.Figures(Filters(), now=before).tables(["priorities"])["priorities"].note
    assert note.startswith("Residents: the proposed split of Priorities 2025")
    cached = dashboard.Figures(Filters(), now=before).tables(["priorities"])["priorities"].note
    assert cached == note
    after = later.closes_at + timedelta(seconds=1)
    note = dashboard.Figures(Filters(), now=after).tables(["priorities"])["priorities"].note
    assert note.startswith(NO_SPLIT.format(title="Priorities 2026"))


# --- The cached body is nobody's ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    "params", [{}, {"year": "2025", "outcome": "1", "sector": "private"}], ids=["all", "some"]
)
def test_the_cached_body_is_the_same_whoever_looks(data, client, params):
    """The dashboard's body is kept as rendered HTML (reporting.dashboard.cached_page) and served to
    everyone who asks for the same filters, so it must not depend on who is looking. Rendered for each role
    that may see it (two board members, one sitting for an organisation with a contract, and a commissioner),
    the cache cleared between, the fragments kept are byte for byte the same."""
    seated = UserFactory(username="board-seated", roles=[Role.BOARD_MEMBER])
    BoardMembership.objects.create(person=seated, organisation=data.charity, started_on=date(2025, 1, 1))
    viewers = [
        seated,
        UserFactory(username="board-unseated", roles=[Role.BOARD_MEMBER]),
        UserFactory(username="dash-viewer", roles=[Role.COMMISSIONER]),
    ]
    key = dashboard.page_key(params, day=timezone.localdate())
    bodies = []
    for viewer in viewers:
        cache.clear()
        client.force_login(viewer)
        response = client.get(reverse("reporting:dashboard"), params)
        assert response.status_code == 200
        _versions, kept = cache.get(key)
        assert kept.value in response.content.decode()  # the fragment served is the one kept
        bodies.append(kept.value.encode())
    assert "Social value committed and delivered, by outcome" in bodies[0].decode()
    assert bodies[1] == bodies[0] and bodies[2] == bodies[0]
