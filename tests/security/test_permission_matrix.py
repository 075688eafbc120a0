"""Least privilege, as one table: every URL pattern of the project, requested (GET) by anonymous visitors and
by each role, against what DESIGN §2 and §9 say each may do (and the object rules: a supplier only its own
organisation's bids and contracts, a commissioner only the tenders they run, an evaluator only their panels).
The same table says what a POST gets: the refusal its GET gets (test_refused_on_get_means_refused_on_post).
This is the project's one route × role table: a new page, state or role rule gets a row here.

A pattern missing from the table fails `test_every_url_pattern_is_in_the_table`: a new page gets a row here
before it ships. The admin's own pages are the admin's (its permissions are probed in test_admin.py and
test_seal.py). Each path is filled from the world in world.py; several patterns have more than one row, one
per state that changes the answer (a draft, an open and an awarded tender; an open, a closed, a coming and a
missing consultation; an object that does not exist).

Cells: the status code; LOGIN is a redirect to sign in (with `next` back to the page); 302 is another
redirect, whose target is in REDIRECTS. 405 is a page that only takes POST, for someone who passed its role
check. Before the table was written down, each cell was requested and checked against the design's intent
(least privilege); none contradicts it. What the pages say: a 403 for a role says so (NOT_YOUR_ROLE), unless
REFUSED_FOR_ITS_STATE names it; a 404 is the "Page not found" page; every HTML page of a 200 carries the
service's name.

Note on design: every commissioner sees every draft tender (its page and PDF), not only the drafts they run
(selectors.tenders_visible_to says so on purpose); only the tender's commissioners may change it.
"""

import re
from urllib.parse import quote

import pytest
from django.urls import resolve
from django.utils.html import escape

from knowsley_sv.access import NOT_YOUR_ROLE
from knowsley_sv.context_processors import SERVICE_NAME

from .conftest import client_for
from .world import WHO, accepts_post, project_routes, route_of, snapshot

pytestmark = pytest.mark.django_db

LOGIN = "LOGIN"

# Placeholders (world.World.values): dm draft model version, ind its indicator, rev a review, org Gamma Works
# (holds the contract), lo Alpha Services (holds nothing to recognise), bm a board membership, oc/cc/uc the
# open/closed/coming consultation, no a slug no consultation has, cm a comment on the open one, wp a ward's
# population; dr/op/aw the draft, open (deadline ahead, the supplier has bid) and awarded
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
    ("/messages/",                                     LOGIN, 200, 200, 200, 200, 200, 200, 200, 200),
    # the board's dashboard, also open to commissioners; recognition is public
    ("/dashboard/",                                    LOGIN, 403, 403, 403, 200, 200, 403, 200, 403),
    ("/dashboard/social_value.csv",                    LOGIN, 403, 403, 403, 200, 200, 403, 200, 403),
    ("/dashboard/social_value.xlsx",                   LOGIN, 403, 403, 403, 200, 200, 403, 200, 403),
    ("/recognition/",                                    200, 200, 200, 200, 200, 200, 200, 200, 200),
    ("/recognition/{org}/",                              200, 200, 200, 200, 200, 200, 200, 200, 200),
    ("/recognition/{lo}/",                               404, 404, 404, 404, 404, 404, 404, 404, 404),
    # the model: public once adopted; drafts and reviews are the board's
    ("/model/",                                          200, 200, 200, 200, 200, 200, 200, 200, 200),
    ("/model/versions/",                                 200, 200, 200, 200, 200, 200, 200, 200, 200),
    ("/model/versions/1/",                               200, 200, 200, 200, 200, 200, 200, 200, 200),
    ("/model/versions/{dm}/",                            404, 404, 404, 404, 404, 404, 404, 200, 404),
    ("/model/versions/99/",                              404, 404, 404, 404, 404, 404, 404, 404, 404),
    ("/model/drafts/new/",                             LOGIN, 403, 403, 403, 403, 403, 403, 405, 403),
    ("/model/drafts/{dm}/",                            LOGIN, 403, 403, 403, 403, 403, 403, 200, 403),
    ("/model/drafts/1/",                               LOGIN, 403, 403, 403, 403, 403, 403, 403, 403),
    ("/model/drafts/99/",                              LOGIN, 403, 403, 403, 403, 403, 403, 404, 403),
    ("/model/drafts/{dm}/statement/",                  LOGIN, 403, 403, 403, 403, 403, 403, 200, 403),
    ("/model/drafts/{dm}/outcomes/1/",                 LOGIN, 403, 403, 403, 403, 403, 403, 200, 403),
    ("/model/drafts/{dm}/outcomes/7/",                 LOGIN, 403, 403, 403, 403, 403, 403, 404, 403),
    ("/model/drafts/{dm}/outcomes/1/indicators/new/",  LOGIN, 403, 403, 403, 403, 403, 403, 200, 403),
    ("/model/drafts/{dm}/indicators/{ind}/",           LOGIN, 403, 403, 403, 403, 403, 403, 200, 403),
    ("/model/drafts/{dm}/indicators/999999/",          LOGIN, 403, 403, 403, 403, 403, 403, 404, 403),
    ("/model/drafts/{dm}/indicators/{ind}/remove/",    LOGIN, 403, 403, 403, 403, 403, 403, 200, 403),
    ("/model/drafts/{dm}/compare/",                    LOGIN, 403, 403, 403, 403, 403, 403, 200, 403),
    ("/model/drafts/{dm}/adopt/",                      LOGIN, 403, 403, 403, 403, 403, 403, 200, 403),
    ("/model/reviews/",                                LOGIN, 403, 403, 403, 403, 403, 403, 200, 403),
    ("/model/reviews/new/",                            LOGIN, 403, 403, 403, 403, 403, 403, 200, 403),
    ("/model/reviews/{rev}/",                          LOGIN, 403, 403, 403, 403, 403, 403, 200, 403),
    ("/model/reviews/999999/",                         LOGIN, 403, 403, 403, 403, 403, 403, 404, 403),
    ("/model/reviews/{rev}/actions/new/",              LOGIN, 403, 403, 403, 403, 403, 403, 200, 403),
    ("/model/reviews/{rev}/actions/{act}/",            LOGIN, 403, 403, 403, 403, 403, 403, 200, 403),
    ("/model/reviews/999999/actions/new/",             LOGIN, 403, 403, 403, 403, 403, 403, 404, 403),
    # the board's review packs; their public versions once published
    ("/model/reviews/packs/",                          LOGIN, 403, 403, 403, 403, 403, 403, 200, 403),
    ("/model/reviews/packs/new/",                      LOGIN, 403, 403, 403, 403, 403, 403, 200, 403),
    ("/model/reviews/packs/{dp}/",                     LOGIN, 403, 403, 403, 403, 403, 403, 200, 403),
    ("/model/reviews/packs/{pp}/",                     LOGIN, 403, 403, 403, 403, 403, 403, 200, 403),
    ("/model/reviews/packs/999999/",                   LOGIN, 403, 403, 403, 403, 403, 403, 404, 403),
    ("/model/reviews/packs/{dp}/pdf/",                 LOGIN, 403, 403, 403, 403, 403, 403, 200, 403),
    ("/model/reviews/packs/{dp}/approve/",             LOGIN, 403, 403, 403, 403, 403, 403, 200, 403),
    ("/model/reviews/packs/{pp}/publish/",             LOGIN, 403, 403, 403, 403, 403, 403, 200, 403),
    ("/model/reviews/packs/{pp}/supersede/",           LOGIN, 403, 403, 403, 403, 403, 403, 200, 403),
    ("/model/reviews/packs/{dp}/review/",              LOGIN, 403, 403, 403, 403, 403, 403, 200, 403),
    ("/model/reviews/packs/{dp}/tables/year_on_year-headlines.csv",
                                                       LOGIN, 403, 403, 403, 403, 403, 403, 200, 403),
    ("/model/reviews/packs/{pp}/tables/partnership-changes.xlsx",
                                                       LOGIN, 403, 403, 403, 403, 403, 403, 200, 403),
    ("/model/review-packs/",                             200, 200, 200, 200, 200, 200, 200, 200, 200),
    ("/model/review-packs/{pp}/",                        200, 200, 200, 200, 200, 200, 200, 200, 200),
    ("/model/review-packs/{dp}/",                        404, 404, 404, 404, 404, 404, 404, 404, 404),
    ("/model/review-packs/{pp}/pdf/",                    200, 200, 200, 200, 200, 200, 200, 200, 200),
    ("/model/review-packs/{pp}/tables/year_on_year-headlines.csv",
                                                         200, 200, 200, 200, 200, 200, 200, 200, 200),
    ("/model/review-packs/{pp}/tables/partnership-changes.csv",
                                                         404, 404, 404, 404, 404, 404, 404, 404, 404),
    # organisations: the board edits, commissioners read
    ("/organisations/",                                LOGIN, 403, 403, 403, 200, 200, 403, 200, 403),
    ("/organisations/new/",                            LOGIN, 403, 403, 403, 403, 403, 403, 200, 403),
    ("/organisations/{org}/",                          LOGIN, 403, 403, 403, 200, 200, 403, 200, 403),
    ("/organisations/999999/",                         LOGIN, 403, 403, 403, 404, 404, 403, 404, 403),
    ("/organisations/{org}/edit/",                     LOGIN, 403, 403, 403, 403, 403, 403, 200, 403),
    ("/organisations/999999/edit/",                    LOGIN, 403, 403, 403, 403, 403, 403, 404, 403),
    ("/organisations/{org}/board-members/new/",        LOGIN, 403, 403, 403, 403, 403, 403, 200, 403),
    ("/board-memberships/{bm}/end/",                   LOGIN, 403, 403, 403, 403, 403, 403, 200, 403),
    ("/board-memberships/999999/end/",                 LOGIN, 403, 403, 403, 403, 403, 403, 404, 403),
    # consultations: residents answer without an account; results are public once closed
    ("/consultations/",                                  200, 200, 200, 200, 200, 200, 200, 200, 200),
    ("/consultations/{oc}/",                             200, 200, 200, 200, 200, 200, 200, 200, 200),
    ("/consultations/{cc}/",                             200, 200, 200, 200, 200, 200, 200, 200, 200),
    ("/consultations/{uc}/",                             200, 200, 200, 200, 200, 200, 200, 200, 200),
    ("/consultations/{no}/",                             404, 404, 404, 404, 404, 404, 404, 404, 404),
    ("/consultations/{oc}/respond/points/",              200, 200, 200, 200, 200, 200, 200, 200, 200),
    ("/consultations/{cc}/respond/points/",              410, 410, 410, 410, 410, 410, 410, 410, 410),
    ("/consultations/{uc}/respond/points/",              403, 403, 403, 403, 403, 403, 403, 403, 403),
    ("/consultations/{no}/respond/points/",              404, 404, 404, 404, 404, 404, 404, 404, 404),
    ("/consultations/{oc}/respond/comments/",            200, 200, 200, 200, 200, 200, 200, 200, 200),
    ("/consultations/{cc}/respond/comments/",            410, 410, 410, 410, 410, 410, 410, 410, 410),
    ("/consultations/{oc}/respond/about-you/",           200, 200, 200, 200, 200, 200, 200, 200, 200),
    ("/consultations/{cc}/respond/about-you/",           410, 410, 410, 410, 410, 410, 410, 410, 410),
    ("/consultations/{uc}/respond/about-you/",           403, 403, 403, 403, 403, 403, 403, 403, 403),
    ("/consultations/{oc}/respond/check/",               302, 302, 302, 302, 302, 302, 302, 302, 302),
    ("/consultations/{cc}/respond/check/",               410, 410, 410, 410, 410, 410, 410, 410, 410),
    ("/consultations/{oc}/respond/done/",                302, 302, 302, 302, 302, 302, 302, 302, 302),
    ("/consultations/{oc}/your-response/",               200, 200, 200, 200, 200, 200, 200, 200, 200),
    ("/consultations/{cc}/your-response/",               200, 200, 200, 200, 200, 200, 200, 200, 200),
    ("/consultations/{oc}/results/",                     403, 403, 403, 403, 403, 403, 403, 403, 403),
    ("/consultations/{cc}/results/",                     200, 200, 200, 200, 200, 200, 200, 200, 200),
    ("/consultations/{uc}/results/",                     403, 403, 403, 403, 403, 403, 403, 403, 403),
    ("/consultations/{no}/results/",                     404, 404, 404, 404, 404, 404, 404, 404, 404),
    # ... managed by the board; commissioners enter paper responses
    ("/consultations/manage/",                         LOGIN, 403, 403, 403, 200, 200, 403, 200, 403),
    ("/consultations/new/",                            LOGIN, 403, 403, 403, 403, 403, 403, 200, 403),
    ("/consultations/wards/",                          LOGIN, 403, 403, 403, 403, 403, 403, 200, 403),
    ("/consultations/wards/{wp}/",                     LOGIN, 403, 403, 403, 403, 403, 403, 200, 403),
    ("/consultations/{oc}/manage/",                    LOGIN, 403, 403, 403, 200, 200, 403, 200, 403),
    ("/consultations/{cc}/manage/",                    LOGIN, 403, 403, 403, 200, 200, 403, 200, 403),
    ("/consultations/{no}/manage/",                    LOGIN, 403, 403, 403, 404, 404, 403, 404, 403),
    ("/consultations/{oc}/manage/edit/",               LOGIN, 403, 403, 403, 403, 403, 403, 200, 403),
    ("/consultations/{cc}/manage/edit/",               LOGIN, 403, 403, 403, 403, 403, 403, 200, 403),
    ("/consultations/{oc}/manage/responses/new/",      LOGIN, 403, 403, 403, 200, 200, 403, 200, 403),
    ("/consultations/{cc}/manage/responses/new/",      LOGIN, 403, 403, 403, 200, 200, 403, 200, 403),
    ("/consultations/{oc}/manage/moderation/",         LOGIN, 403, 403, 403, 403, 403, 403, 200, 403),
    ("/consultations/{cc}/manage/moderation/",         LOGIN, 403, 403, 403, 403, 403, 403, 200, 403),
    ("/consultations/{oc}/manage/comments/{cm}/",      LOGIN, 403, 403, 403, 403, 403, 403, 200, 403),
    ("/consultations/{cc}/manage/comments/{cm}/",      LOGIN, 403, 403, 403, 403, 403, 403, 404, 403),
    ("/consultations/{oc}/manage/results/",            LOGIN, 403, 403, 403, 403, 403, 403, 200, 403),
    ("/consultations/{cc}/manage/results/",            LOGIN, 403, 403, 403, 403, 403, 403, 200, 403),
    ("/consultations/{cc}/manage/respond/",            LOGIN, 403, 403, 403, 403, 403, 403, 200, 403),
    ("/consultations/{cc}/manage/adopt-split/",        LOGIN, 403, 403, 403, 403, 403, 403, 200, 403),
    ("/consultations/{oc}/manage/contacts/",           LOGIN, 403, 403, 403, 403, 403, 403, 200, 403),
    ("/consultations/{cc}/manage/contacts/",           LOGIN, 403, 403, 403, 403, 403, 403, 200, 403),
    ("/consultations/{oc}/manage/export/responses.csv", LOGIN, 403, 403, 403, 403, 403, 403, 200, 403),
    ("/consultations/{oc}/manage/export/results.xlsx", LOGIN, 403, 403, 403, 403, 403, 403, 200, 403),
    ("/consultations/{cc}/manage/export/results.csv",  LOGIN, 403, 403, 403, 403, 403, 403, 200, 403),
    ("/consultations/{cc}/manage/export/results.xlsx", LOGIN, 403, 403, 403, 403, 403, 403, 200, 403),
    ("/consultations/{no}/manage/export/results.csv",  LOGIN, 403, 403, 403, 403, 403, 403, 404, 403),
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
# ... and who passes the role check of a POST-only page with nothing of theirs there to act on: a 404 on POST.
POST_NOT_FOUND = {
    "/tenders/{dr}/edit/criteria/1/remove/": {"other commissioner"},
    "/tenders/{op}/bid/withdraw/": {"other supplier"},
    "/tenders/{aw}/panel/{pm}/remove/": {"other commissioner"},
    "/tenders/{aw}/award/notice/": {"other commissioner"},
}
REFUSED = {LOGIN, 403, 404, 410}

# The 403s that refuse the page in its state, not the visitor's role: they say why in their own words.
REFUSED_FOR_ITS_STATE = {
    "/model/drafts/1/": {"board member"},  # version 1 is adopted, not a draft
    "/consultations/{oc}/results/": set(WHO),  # published when it closes
    "/consultations/{uc}/respond/points/": set(WHO),  # not open yet
    "/consultations/{uc}/respond/about-you/": set(WHO),
    "/consultations/{uc}/results/": set(WHO),
}

# What a refused POST sends: what the forms behind the refusals would accept (an adoption, an organisation,
# the board's response, a moderation, contacts erased, a paper response), so a missing check would change
# something, not only fail a form.
SNEAKY = {
    "change_summary": "x",
    "confirm": "on",
    "name": "Sneaky Ltd",
    "text": "Sneaky",
    "decision": "publish",
    "published_text": "Sneaky",
    "contact": "all",
    **{f"points_{n}": str(points) for n, points in zip(range(1, 7), (30, 20, 15, 10, 10, 15), strict=True)},
    "website": "",
}


def _skeleton(path: str) -> str:
    """The path with every placeholder filled with something any converter accepts."""
    return re.sub(r"\{\w+\}", "7", path)


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
    for path, *cells in TABLE:  # every 405 is someone who may act there, or who has nothing there to act on
        at_405 = {who for who, cell in zip(WHO, cells, strict=True) if cell == 405}
        assert at_405 == POST_ONLY.get(path, set()) | POST_NOT_FOUND.get(path, set()), path
        assert not POST_ONLY.get(path, set()) & POST_NOT_FOUND.get(path, set()), path
    for path, viewers in REFUSED_FOR_ITS_STATE.items():
        cells = dict(zip(WHO, next(cells for p, *cells in TABLE if p == path), strict=True))
        assert {cells[who] for who in viewers} == {403}, path
    assert all(resolve(_skeleton(path)) for path in paths)


def test_the_draft_in_the_table_is_version_2(world):
    assert world.draft_model == 2  # /model/versions/1/ is the adopted version, {dm} the draft


def _says_what_it_should(response, path: str, who: str, cell) -> bool:
    """A 403 for a role says so; a 404 is the project's not-found page; an HTML page carries the service."""
    body = response.content.decode(errors="replace") if not response.streaming else ""
    if cell == 403 and who not in REFUSED_FOR_ITS_STATE.get(path, ()):
        return escape(NOT_YOUR_ROLE) in body
    if cell == 404:
        return "Page not found" in body
    if cell == 200 and response["Content-Type"].startswith("text/html"):
        return SERVICE_NAME in body
    return True


# --- Who may GET what ------------------------------------------------------------------------------------
@pytest.mark.parametrize("who", WHO)
def test_who_may_get_each_page(world, who):
    values = world.values()
    client = client_for(world.users[who])
    column = WHO.index(who)
    expected, got, wrong_redirects, wrong_words = {}, {}, {}, []
    for path, *cells in TABLE:
        url = path.format(**values)
        response = client.get(url)
        expected[path], got[path] = cells[column], _status(response, url)
        if got[path] == 302 and response["Location"] != REDIRECTS[path].format(**values):
            wrong_redirects[path] = response["Location"]
        if got[path] == expected[path] and not _says_what_it_should(response, path, who, expected[path]):
            wrong_words.append(path)
    assert {p: g for p, g in got.items() if g != expected[p]} == {}, f"{who}: status differs from the table"
    assert wrong_redirects == {}
    assert wrong_words == [], f"{who}: these pages do not say what their status means"


def refused_on_post(path: str, who: str, cell):
    """What a POST gets where the table refuses `who`: the same refusal as the GET; on a POST-only page with
    nothing of theirs to act on, a 404; where the view takes no POST and refuses the object or its state (a
    404, or REFUSED_FOR_ITS_STATE), a 405, as the method is refused before the object is read."""
    if cell == 405 and who in POST_NOT_FOUND.get(path, ()):
        return 404
    if not accepts_post(path) and (cell == 404 or who in REFUSED_FOR_ITS_STATE.get(path, ())):
        return 405
    return cell


@pytest.mark.parametrize("who", WHO)
def test_refused_on_get_means_refused_on_post(world, who):
    """A view's POST must not skip the checks its GET makes: every cell the table refuses (and every 405 of
    someone who may not act through the page) is refused on POST as well, with the status refused_on_post
    gives, though what is posted would pass the forms; and nothing in the database changes."""
    values = world.values()
    client = client_for(world.users[who])
    column = WHO.index(who)
    before = snapshot()
    expected, got = {}, {}
    for path, *cells in TABLE:
        if cells[column] == 405 and who in POST_ONLY[path]:
            continue
        if cells[column] not in REFUSED | {405}:
            continue
        url = path.format(**values)
        expected[path] = refused_on_post(path, who, cells[column])
        got[path] = _status(client.post(url, SNEAKY), url)
    assert expected, f"{who} is refused nothing"
    assert {p: g for p, g in got.items() if g != expected[p]} == {}, f"{who} on POST"
    assert snapshot() == before, f"a refused POST by {who} changed the database"


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
