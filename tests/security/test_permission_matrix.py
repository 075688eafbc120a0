"""Least privilege, as one table: every URL pattern of the project, requested (GET) by anonymous visitors and
by each role, against what DESIGN §2 and §9 say each may do (and the object rules: a supplier only its own
organisation's bids and contracts, a commissioner only the tenders they run, an evaluator only their panels).

A pattern missing from the table fails `test_every_url_pattern_is_in_the_table`: a new page gets a row here
before it ships. The admin's own pages are the admin's (its permissions are probed at the end and in
test_seal.py). Each path is filled from the world in world.py; several patterns have more than one row, one
per state that changes the answer (a draft, an open and an awarded tender; an open and a closed
consultation).

Cells: the status code; LOGIN is a redirect to sign in (with `next` back to the page); 302 is another
redirect, whose target is in REDIRECTS. 405 is a page that only takes POST, for someone who passed its role
check. Before the table was written down, each cell was requested and checked against the design's intent
(least privilege); none contradicts it. Two admin rules are tested at the end of this file: an administrator
cannot raise themselves to superuser or take a role, and the admin hides draft tenders as the app does.

Note on design: every commissioner sees every draft tender (its page and PDF), not only the drafts they run
(selectors.tenders_visible_to says so on purpose); only the tender's commissioners may change it.
"""

import re
from urllib.parse import quote

import pytest
from django.contrib.auth.models import Group
from django.urls import resolve

from knowsley_sv.models import AuditEvent, User

from ..factories import UserFactory
from .conftest import admin_user_form, client_for, rolled_back
from .world import WHO, accepts_post, build_world, fingerprint, project_routes, route_of

pytestmark = pytest.mark.django_db

LOGIN = "LOGIN"

# Placeholders (world.World.values): dm draft model version, ind its indicator, rev a review, org Gamma Works
# (holds the contract), bm a board membership, oc/cc the open/closed consultation, cm a comment on the open
# one, wp a ward's population; dr/op/aw the draft, open (deadline ahead, the supplier has bid) and awarded
# tender, ob the supplier's bid on the open tender, wb its winning bid on the awarded one, pm the evaluator's
# panel seat, ct the contract, pd its first period, ln a line waiting for checks, ql a queried line, ev the
# evidence sent with ln.
#
# Columns: anonymous, resident, supplier (Gamma Works: bids on op, holds ct), other supplier (Alpha Services:
# lost aw, no bid on op), commissioner (of every tender), other commissioner, evaluator (on aw's panel,
# declared no conflict, submitted), board member, administrator (staff).
# fmt: off
TABLE = [
    # path                                              anon  resid supp  other comm  ocomm eval  board admin
    ("/",                                                200, 200, 200, 200, 200, 200, 200, 200, 200),
    ("/accessibility/",                                  200, 200, 200, 200, 200, 200, 200, 200, 200),
    ("/privacy/",                                        200, 200, 200, 200, 200, 200, 200, 200, 200),
    ("/sign-in/",                                        200, 302, 302, 302, 302, 302, 302, 302, 302),
    ("/sign-out/",                                       405, 405, 405, 405, 405, 405, 405, 405, 405),
    # the board's dashboard, also open to commissioners; recognition is public
    ("/dashboard/",                                    LOGIN, 403, 403, 403, 200, 200, 403, 200, 403),
    ("/dashboard/social_value.csv",                    LOGIN, 403, 403, 403, 200, 200, 403, 200, 403),
    ("/dashboard/social_value.xlsx",                   LOGIN, 403, 403, 403, 200, 200, 403, 200, 403),
    ("/recognition/",                                    200, 200, 200, 200, 200, 200, 200, 200, 200),
    ("/recognition/{org}/",                              200, 200, 200, 200, 200, 200, 200, 200, 200),
    # the model: public once adopted; drafts and reviews are the board's
    ("/model/",                                          200, 200, 200, 200, 200, 200, 200, 200, 200),
    ("/model/versions/",                                 200, 200, 200, 200, 200, 200, 200, 200, 200),
    ("/model/versions/1/",                               200, 200, 200, 200, 200, 200, 200, 200, 200),
    ("/model/versions/{dm}/",                            404, 404, 404, 404, 404, 404, 404, 200, 404),
    ("/model/drafts/new/",                             LOGIN, 403, 403, 403, 403, 403, 403, 405, 403),
    ("/model/drafts/{dm}/",                            LOGIN, 403, 403, 403, 403, 403, 403, 200, 403),
    ("/model/drafts/1/",                               LOGIN, 403, 403, 403, 403, 403, 403, 403, 403),
    ("/model/drafts/{dm}/statement/",                  LOGIN, 403, 403, 403, 403, 403, 403, 200, 403),
    ("/model/drafts/{dm}/outcomes/1/",                 LOGIN, 403, 403, 403, 403, 403, 403, 200, 403),
    ("/model/drafts/{dm}/outcomes/1/indicators/new/",  LOGIN, 403, 403, 403, 403, 403, 403, 200, 403),
    ("/model/drafts/{dm}/indicators/{ind}/",           LOGIN, 403, 403, 403, 403, 403, 403, 200, 403),
    ("/model/drafts/{dm}/indicators/{ind}/remove/",    LOGIN, 403, 403, 403, 403, 403, 403, 200, 403),
    ("/model/drafts/{dm}/compare/",                    LOGIN, 403, 403, 403, 403, 403, 403, 200, 403),
    ("/model/drafts/{dm}/adopt/",                      LOGIN, 403, 403, 403, 403, 403, 403, 200, 403),
    ("/model/reviews/",                                LOGIN, 403, 403, 403, 403, 403, 403, 200, 403),
    ("/model/reviews/new/",                            LOGIN, 403, 403, 403, 403, 403, 403, 200, 403),
    ("/model/reviews/{rev}/",                          LOGIN, 403, 403, 403, 403, 403, 403, 200, 403),
    # organisations: the board edits, commissioners read
    ("/organisations/",                                LOGIN, 403, 403, 403, 200, 200, 403, 200, 403),
    ("/organisations/new/",                            LOGIN, 403, 403, 403, 403, 403, 403, 200, 403),
    ("/organisations/{org}/",                          LOGIN, 403, 403, 403, 200, 200, 403, 200, 403),
    ("/organisations/{org}/edit/",                     LOGIN, 403, 403, 403, 403, 403, 403, 200, 403),
    ("/organisations/{org}/board-members/new/",        LOGIN, 403, 403, 403, 403, 403, 403, 200, 403),
    ("/board-memberships/{bm}/end/",                   LOGIN, 403, 403, 403, 403, 403, 403, 200, 403),
    # consultations: residents answer without an account; results are public once closed
    ("/consultations/",                                  200, 200, 200, 200, 200, 200, 200, 200, 200),
    ("/consultations/{oc}/",                             200, 200, 200, 200, 200, 200, 200, 200, 200),
    ("/consultations/{oc}/respond/points/",              200, 200, 200, 200, 200, 200, 200, 200, 200),
    ("/consultations/{cc}/respond/points/",              410, 410, 410, 410, 410, 410, 410, 410, 410),
    ("/consultations/{oc}/respond/comments/",            200, 200, 200, 200, 200, 200, 200, 200, 200),
    ("/consultations/{oc}/respond/about-you/",           200, 200, 200, 200, 200, 200, 200, 200, 200),
    ("/consultations/{oc}/respond/check/",               302, 302, 302, 302, 302, 302, 302, 302, 302),
    ("/consultations/{oc}/respond/done/",                302, 302, 302, 302, 302, 302, 302, 302, 302),
    ("/consultations/{oc}/your-response/",               200, 200, 200, 200, 200, 200, 200, 200, 200),
    ("/consultations/{oc}/results/",                     403, 403, 403, 403, 403, 403, 403, 403, 403),
    ("/consultations/{cc}/results/",                     200, 200, 200, 200, 200, 200, 200, 200, 200),
    # ... managed by the board; commissioners enter paper responses
    ("/consultations/manage/",                         LOGIN, 403, 403, 403, 200, 200, 403, 200, 403),
    ("/consultations/new/",                            LOGIN, 403, 403, 403, 403, 403, 403, 200, 403),
    ("/consultations/wards/",                          LOGIN, 403, 403, 403, 403, 403, 403, 200, 403),
    ("/consultations/wards/{wp}/",                     LOGIN, 403, 403, 403, 403, 403, 403, 200, 403),
    ("/consultations/{oc}/manage/",                    LOGIN, 403, 403, 403, 200, 200, 403, 200, 403),
    ("/consultations/{oc}/manage/edit/",               LOGIN, 403, 403, 403, 403, 403, 403, 200, 403),
    ("/consultations/{oc}/manage/responses/new/",      LOGIN, 403, 403, 403, 200, 200, 403, 200, 403),
    ("/consultations/{oc}/manage/moderation/",         LOGIN, 403, 403, 403, 403, 403, 403, 200, 403),
    ("/consultations/{oc}/manage/comments/{cm}/",      LOGIN, 403, 403, 403, 403, 403, 403, 200, 403),
    ("/consultations/{cc}/manage/comments/{cm}/",      LOGIN, 403, 403, 403, 403, 403, 403, 404, 403),
    ("/consultations/{oc}/manage/results/",            LOGIN, 403, 403, 403, 403, 403, 403, 200, 403),
    ("/consultations/{cc}/manage/respond/",            LOGIN, 403, 403, 403, 403, 403, 403, 200, 403),
    ("/consultations/{cc}/manage/adopt-split/",        LOGIN, 403, 403, 403, 403, 403, 403, 200, 403),
    ("/consultations/{oc}/manage/contacts/",           LOGIN, 403, 403, 403, 403, 403, 403, 200, 403),
    ("/consultations/{oc}/manage/export/responses.csv", LOGIN, 403, 403, 403, 403, 403, 403, 200, 403),
    ("/consultations/{oc}/manage/export/results.xlsx", LOGIN, 403, 403, 403, 403, 403, 403, 200, 403),
    # tenders: published ones are public; drafts are for commissioners; building one is its commissioner's
    ("/tenders/",                                        200, 200, 200, 200, 200, 200, 200, 200, 200),
    ("/tenders/new/",                                  LOGIN, 403, 403, 403, 200, 200, 403, 403, 403),
    ("/tenders/{dr}/",                                   404, 404, 404, 404, 200, 200, 404, 404, 404),
    ("/tenders/{op}/",                                   200, 200, 200, 200, 200, 200, 200, 200, 200),
    ("/tenders/{aw}/",                                   200, 200, 200, 200, 200, 200, 200, 200, 200),
    ("/tenders/{dr}/pdf/",                               404, 404, 404, 404, 200, 200, 404, 404, 404),
    ("/tenders/{op}/pdf/",                               200, 200, 200, 200, 200, 200, 200, 200, 200),
    ("/tenders/{dr}/edit/",                            LOGIN, 403, 403, 403, 200, 404, 403, 403, 403),
    ("/tenders/{dr}/edit/weights/",                    LOGIN, 403, 403, 403, 200, 404, 403, 403, 403),
    ("/tenders/{dr}/edit/criteria/",                   LOGIN, 403, 403, 403, 200, 404, 403, 403, 403),
    ("/tenders/{dr}/edit/criteria/1/remove/",          LOGIN, 403, 403, 403, 405, 405, 403, 403, 403),
    ("/tenders/{dr}/edit/social-value/",               LOGIN, 403, 403, 403, 200, 404, 403, 403, 403),
    ("/tenders/{dr}/edit/check/",                      LOGIN, 403, 403, 403, 200, 404, 403, 403, 403),
    ("/tenders/{op}/edit/check/",                      LOGIN, 403, 403, 403, 200, 404, 403, 403, 403),
    ("/tenders/{op}/withdraw/",                        LOGIN, 403, 403, 403, 200, 404, 403, 403, 403),
    ("/tenders/{op}/cancel/",                          LOGIN, 403, 403, 403, 200, 404, 403, 403, 403),
    ("/tenders/{op}/bids/",                            LOGIN, 403, 403, 403, 200, 404, 403, 403, 403),
    ("/tenders/{aw}/bids/",                            LOGIN, 403, 403, 403, 200, 404, 403, 403, 403),
    # bids: suppliers only, each its own organisation's
    ("/tenders/{dr}/bid/",                             LOGIN, 403, 404, 404, 403, 403, 403, 403, 403),
    ("/tenders/{op}/bid/",                             LOGIN, 403, 200, 200, 403, 403, 403, 403, 403),
    ("/tenders/{aw}/bid/",                             LOGIN, 403, 200, 200, 403, 403, 403, 403, 403),
    ("/tenders/{op}/bid/withdraw/",                    LOGIN, 403, 405, 405, 403, 403, 403, 403, 403),
    # evaluation: evaluators on the tender's panel only (not on it: 404)
    ("/evaluate/",                                     LOGIN, 403, 403, 403, 403, 403, 200, 403, 403),
    ("/tenders/{op}/evaluate/",                        LOGIN, 403, 403, 403, 403, 403, 404, 403, 403),
    ("/tenders/{aw}/evaluate/",                        LOGIN, 403, 403, 403, 403, 403, 200, 403, 403),
    ("/tenders/{aw}/evaluate/declare/",                LOGIN, 403, 403, 403, 403, 403, 302, 403, 403),
    ("/tenders/{op}/evaluate/bids/{ob}/",              LOGIN, 403, 403, 403, 403, 403, 404, 403, 403),
    ("/tenders/{aw}/evaluate/bids/{wb}/",              LOGIN, 403, 403, 403, 403, 403, 200, 403, 403),
    ("/tenders/{aw}/evaluate/panel-scores/",           LOGIN, 403, 403, 403, 403, 403, 200, 403, 403),
    # panel, moderation, history, report and award: the tender's commissioners only (others: 404)
    ("/tenders/{op}/panel/",                           LOGIN, 403, 403, 403, 200, 404, 403, 403, 403),
    ("/tenders/{aw}/panel/",                           LOGIN, 403, 403, 403, 200, 404, 403, 403, 403),
    ("/tenders/{aw}/panel/{pm}/remove/",               LOGIN, 403, 403, 403, 405, 405, 403, 403, 403),
    ("/tenders/{op}/moderation/",                      LOGIN, 403, 403, 403, 200, 404, 403, 403, 403),
    ("/tenders/{aw}/moderation/",                      LOGIN, 403, 403, 403, 200, 404, 403, 403, 403),
    ("/tenders/{op}/moderation/{ob}/",                 LOGIN, 403, 403, 403, 404, 404, 403, 403, 403),
    ("/tenders/{aw}/moderation/{wb}/",                 LOGIN, 403, 403, 403, 200, 404, 403, 403, 403),
    ("/tenders/{op}/history/",                         LOGIN, 403, 403, 403, 200, 404, 403, 403, 403),
    ("/tenders/{aw}/history/",                         LOGIN, 403, 403, 403, 200, 404, 403, 403, 403),
    ("/tenders/{op}/report/",                          LOGIN, 403, 403, 403, 200, 404, 403, 403, 403),
    ("/tenders/{aw}/report/",                          LOGIN, 403, 403, 403, 200, 404, 403, 403, 403),
    ("/tenders/{op}/report.csv",                       LOGIN, 403, 403, 403, 302, 404, 403, 403, 403),
    ("/tenders/{aw}/report.csv",                       LOGIN, 403, 403, 403, 200, 404, 403, 403, 403),
    ("/tenders/{aw}/report.xlsx",                      LOGIN, 403, 403, 403, 200, 404, 403, 403, 403),
    ("/tenders/{op}/award/",                           LOGIN, 403, 403, 403, 200, 404, 403, 403, 403),
    ("/tenders/{aw}/award/",                           LOGIN, 403, 403, 403, 200, 404, 403, 403, 403),
    ("/tenders/{aw}/award/notice/",                    LOGIN, 403, 403, 403, 405, 405, 403, 403, 403),
    ("/tenders/{op}/contract/",                        LOGIN, 403, 403, 403, 302, 404, 403, 403, 403),
    ("/tenders/{aw}/contract/",                        LOGIN, 403, 403, 403, 302, 404, 403, 403, 403),
    # assessment summaries: the tender's commissioners, and each bidder its own
    ("/tenders/{op}/summaries/{ob}/",                  LOGIN, 403, 404, 404, 404, 404, 403, 403, 403),
    ("/tenders/{aw}/summaries/{wb}/",                  LOGIN, 403, 200, 404, 200, 404, 403, 403, 403),
    ("/tenders/{aw}/summaries/{wb}/pdf/",              LOGIN, 403, 200, 404, 200, 404, 403, 403, 403),
    # contracts: commissioners and the board read every one; a supplier only those it holds
    ("/contracts/",                                    LOGIN, 403, 200, 200, 200, 200, 403, 200, 403),
    ("/contracts/{ct}/",                               LOGIN, 403, 200, 404, 200, 200, 403, 200, 403),
    ("/contracts/{ct}/periods/{pd}/",                  LOGIN, 403, 200, 404, 200, 200, 403, 200, 403),
    ("/contracts/{ct}/lines/{ln}/review/",             LOGIN, 403, 403, 403, 200, 404, 403, 403, 403),
    ("/contracts/{ct}/lines/{ql}/answer/",             LOGIN, 403, 200, 404, 403, 403, 403, 403, 403),
    ("/contracts/{ct}/rating/",                        LOGIN, 403, 403, 403, 200, 404, 403, 403, 403),
    ("/evidence/{ev}/",                                LOGIN, 403, 200, 404, 200, 200, 403, 200, 403),
    # suppliers' own pages; anyone may register an organisation
    ("/supplier/",                                     LOGIN, 403, 200, 200, 403, 403, 403, 403, 403),
    ("/supplier/register/",                              200, 302, 302, 302, 302, 302, 302, 302, 302),
    ("/supplier/colleagues/new/",                      LOGIN, 403, 200, 200, 403, 403, 403, 403, 403),
    # open data: anyone, published tenders only
    ("/open-data/",                                      200, 200, 200, 200, 200, 200, 200, 200, 200),
    ("/open-data/releases.json",                         200, 200, 200, 200, 200, 200, 200, 200, 200),
    ("/open-data/tenders.csv",                           200, 200, 200, 200, 200, 200, 200, 200, 200),
    ("/open-data/tenders/{dr}.json",                     404, 404, 404, 404, 404, 404, 404, 404, 404),
    ("/open-data/tenders/{op}.json",                     200, 200, 200, 200, 200, 200, 200, 200, 200),
    ("/open-data/tenders/{aw}.json",                     200, 200, 200, 200, 200, 200, 200, 200, 200),
]
# fmt: on

# Where the 302 cells go, whoever follows them.
REDIRECTS = {
    "/sign-in/": "/",  # already signed in
    "/consultations/{oc}/respond/check/": "/consultations/{oc}/respond/points/",  # nothing answered yet
    "/consultations/{oc}/respond/done/": "/consultations/{oc}/",  # nothing sent yet
    "/tenders/{aw}/evaluate/declare/": "/tenders/{aw}/evaluate/",  # declared already
    "/tenders/{op}/report.csv": "/tenders/{op}/report/",  # nothing to report: the page says why
    "/tenders/{op}/contract/": "/tenders/{op}/award/",  # not awarded
    "/tenders/{aw}/contract/": "/tenders/{aw}/award/",  # entered already
    "/supplier/register/": "/supplier/",  # signed in already
}

# Pages that only take POST (their GET is a 405 once past the role check): who may act through them.
POST_ONLY = {
    "/model/drafts/new/": {"board member"},
    "/tenders/{dr}/edit/criteria/1/remove/": {"commissioner"},
    "/tenders/{op}/bid/withdraw/": {"supplier"},  # the other supplier has no bid there to withdraw
    "/tenders/{aw}/panel/{pm}/remove/": {"commissioner"},
    "/tenders/{aw}/award/notice/": {"commissioner"},
    "/sign-out/": set(WHO),
}
REFUSED = {LOGIN, 403, 404, 410}


def _skeleton(path: str) -> str:
    """The path with every placeholder filled with something any converter accepts."""
    return re.sub(r"\{\w+\}", "7", path)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with rolled_back(django_db_blocker):
        yield build_world()


def _status(response, path: str):
    if response.status_code == 302 and response["Location"].startswith("/sign-in/"):
        assert response["Location"] == f"/sign-in/?next={quote(path)}", path
        return LOGIN
    return response.status_code


# --- The table covers the URLconf -------------------------------------------------------------------------
def test_every_url_pattern_is_in_the_table():
    routes = project_routes()
    covered = {route_of(_skeleton(path)) for path, *_ in TABLE}
    missing = {route: name for route, name in routes.items() if route not in covered}
    assert missing == {}, "add a row to TABLE for each new page"
    assert covered <= set(routes)


def test_the_table_is_well_formed():
    paths = [path for path, *_ in TABLE]
    assert len(paths) == len(set(paths)), "a path is in the table twice"
    assert all(len(cells) == len(WHO) for _, *cells in TABLE)
    assert all(cell in {LOGIN, 200, 302, 403, 404, 405, 410} for _, *cells in TABLE for cell in cells)
    with_redirects = {path for path, *cells in TABLE if 302 in cells}
    assert with_redirects == set(REDIRECTS)
    assert set(POST_ONLY) == {path for path, *cells in TABLE if 405 in cells}
    assert all(resolve(_skeleton(path)) for path in paths)


# --- Who may GET what ------------------------------------------------------------------------------------
@pytest.mark.parametrize("who", WHO)
def test_who_may_get_each_page(world, who):
    values = world.values()
    client = client_for(world.users[who])
    column = WHO.index(who)
    expected, got, wrong_redirects = {}, {}, {}
    for path, *cells in TABLE:
        url = path.format(**values)
        response = client.get(url)
        expected[path], got[path] = cells[column], _status(response, url)
        if got[path] == 302 and response["Location"] != REDIRECTS[path].format(**values):
            wrong_redirects[path] = response["Location"]
    assert {p: g for p, g in got.items() if g != expected[p]} == {}, f"{who}: status differs from the table"
    assert wrong_redirects == {}


@pytest.mark.parametrize("who", WHO)
def test_refused_on_get_means_refused_on_post(world, who):
    """A view's POST must not skip the checks its GET makes: everyone the table refuses (or who may not act
    through a POST-only page) is refused on POST too, and nothing changes."""
    values = world.values()
    client = client_for(world.users[who])
    column = WHO.index(who)
    before = fingerprint()
    accepted, probed = {}, []
    for path, *cells in TABLE:
        if not accepts_post(path):
            continue
        if cells[column] == 405 and who in POST_ONLY[path]:
            continue
        if cells[column] not in REFUSED | {405}:
            continue
        url = path.format(**values)
        status = _status(client.post(url, {}), url)
        probed.append(path)
        if status not in REFUSED:
            accepted[path] = status
    assert probed and accepted == {}, f"{who} got through on POST"
    assert fingerprint() == before


# --- Lists show only what the object rules allow ---------------------------------------------------------
def _secrets(world, key: str) -> list[str]:
    return {
        "draft tender": [world.draft.reference],
        "open tender": [world.open.reference],
        "awarded tender": [world.awarded.reference],
        "supplier's price": ["123456.78", "123,456.78"],  # its bid on the open tender
        "supplier's name": ["Gamma Works"],
        "supplier's contract": [f'href="/contracts/{world.contract.pk}/"'],
    }[key]


# page, who must not see it, what, who does see it there (so the probe can fail)
LISTS = [
    (
        "/tenders/",
        ["anonymous", "resident", "supplier", "evaluator", "board member"],
        "draft tender",
        "commissioner",
    ),
    ("/open-data/", ["anonymous", "commissioner"], "draft tender", None),
    ("/open-data/releases.json", ["anonymous", "commissioner"], "draft tender", None),
    ("/open-data/tenders.csv", ["anonymous", "commissioner"], "draft tender", None),
    ("/contracts/", ["other supplier"], "awarded tender", "supplier"),
    ("/evaluate/", ["evaluator"], "open tender", None),
    ("/supplier/", ["other supplier"], "supplier's name", "supplier"),
    ("/supplier/", ["other supplier"], "supplier's contract", "supplier"),
    ("/tenders/{op}/bid/", ["other supplier"], "supplier's price", "supplier"),
]


@pytest.mark.parametrize(
    ("page", "viewers", "hidden", "shown_to"), LISTS, ids=[f"{p}:{h}" for p, _, h, _ in LISTS]
)
def test_lists_leave_out_what_the_viewer_may_not_see(world, page, viewers, hidden, shown_to):
    secrets, url = _secrets(world, hidden), page.format(**world.values())
    for who in viewers:
        response = client_for(world.users[who]).get(url)
        assert response.status_code == 200, who
        body = response.content.decode()
        assert [s for s in secrets if s in body] == [], f"{who} sees the {hidden} on {page}"
    if shown_to:
        body = client_for(world.users[shown_to]).get(url).content.decode()
        assert any(s in body for s in secrets)


# --- The Django admin ------------------------------------------------------------------------------------
def test_an_administrator_sees_only_the_admin_pages_of_their_permissions(world):
    client = client_for(world.users["administrator"])
    index = client.get("/admin/").content.decode()
    listed = set(re.findall(r'href="/admin/(\w+)/(\w+)/"', index))
    assert listed == {
        ("auth", "group"),
        ("knowsley_sv", "auditevent"),
        ("knowsley_sv", "user"),
        ("outcomes", "boardmembership"),
        ("outcomes", "organisation"),
        ("outcomes", "ward"),
        ("procurement", "suppliermember"),
        ("procurement", "tender"),
    }
    for app_model in (
        "procurement/bid",
        "outcomes/socialvaluemodel",
        "outcomes/indicator",
        "outcomes/modelreview",
    ):
        assert client.get(f"/admin/{app_model}/").status_code == 403, app_model
    for who in ("resident", "supplier", "commissioner", "evaluator", "board member"):
        page = client_for(world.users[who]).get("/admin/")
        assert page.status_code == 302 and page["Location"].startswith("/admin/login/"), who


def test_an_administrator_cannot_make_themselves_a_superuser_or_take_a_role(world):
    admin = world.users["administrator"]
    client = client_for(admin)
    url = f"/admin/knowsley_sv/user/{admin.pk}/change/"
    groups = [*admin.groups.all(), *world.users["commissioner"].groups.all()]
    client.post(url, admin_user_form(admin, is_superuser=True, groups=[g.pk for g in groups]))
    admin = User.objects.get(pk=admin.pk)
    assert not admin.is_superuser
    assert list(admin.groups.values_list("name", flat=True)) == ["Administrator"]


def _account_events(user) -> list[tuple]:
    events = AuditEvent.objects.filter(target_id=str(user.pk), action__startswith="account.")
    return [(e.actor.username, e.action, e.before, e.after) for e in events.order_by("pk")]


def test_roles_and_account_switches_changed_in_the_admin_are_in_the_audit_trail(world):
    """Not only the admin's own log: the app's audit trail names who gave or took which role, and who
    switched an account's active, staff or superuser flag, with the roles before and after."""
    client = client_for(world.users["administrator"])
    resident = world.users["resident"]
    url = f"/admin/knowsley_sv/user/{resident.pk}/change/"
    roles = dict(Group.objects.values_list("name", "pk"))

    client.post(url, admin_user_form(resident, groups=[roles["Resident"], roles["Supplier"]], is_staff=True))
    client.post(url, admin_user_form(User.objects.get(pk=resident.pk), groups=[], is_active=False))
    client.post(url, admin_user_form(User.objects.get(pk=resident.pk)))  # saved unchanged: nothing to record
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    client_for(root).post(url, admin_user_form(User.objects.get(pk=resident.pk), is_superuser=True))

    assert _account_events(resident) == [
        (
            "administrator",
            "account.change",
            {"is_staff": False, "roles": ["Resident"]},
            {"is_staff": True, "roles": ["Resident", "Supplier"]},
        ),
        (
            "administrator",
            "account.change",
            {"is_active": True, "roles": ["Resident", "Supplier"]},
            {"is_active": False, "roles": []},
        ),
        ("root", "account.change", {"is_superuser": False}, {"is_superuser": True}),
    ]


def test_accounts_made_and_passwords_set_in_the_admin_are_in_the_audit_trail(world):
    client = client_for(world.users["administrator"])
    password = "a-new-long-password-5678"
    new = {"username": "newcomer", "usable_password": "true", "password1": password, "password2": password}

    client.post("/admin/knowsley_sv/user/add/", new)
    newcomer = User.objects.get(username="newcomer")
    client.post(
        f"/admin/knowsley_sv/user/{newcomer.pk}/password/", {"password1": password, "password2": password}
    )

    flags = {"is_active": True, "is_staff": False, "is_superuser": False}
    assert _account_events(newcomer) == [
        ("administrator", "account.create", None, {"roles": [], **flags}),
        ("administrator", "account.password_set", None, None),
    ]
    assert password not in str(AuditEvent.objects.filter(target_id=str(newcomer.pk)).values())


def test_the_admin_does_not_show_an_administrator_a_draft_tender(world):
    client = client_for(world.users["administrator"])
    assert client.get(f"/tenders/{world.draft.reference}/").status_code == 404  # the app's rule
    listing = client.get("/admin/procurement/tender/")
    assert listing.status_code == 200
    assert world.draft.reference not in listing.content.decode()
    assert client.get(f"/admin/procurement/tender/{world.draft.pk}/change/").status_code in (302, 403, 404)
