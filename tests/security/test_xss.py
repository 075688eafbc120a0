"""Escaped output (DESIGN §8): a script payload typed into every free-text field, through the real forms by
the role that fills it (xss_world.py), never comes back as markup. Every response of those journeys is kept,
then every page of the permission table is swept as each role (with the world's objects swapped for the
ones holding the payloads), and the admin as staff.

For each field: no HTML response (nor the HTML a PDF is printed from) holds its payload raw, and the pages
that show the field hold it escaped. Downloads keep the payload as data (CSV, XLSX, JSON are never served as
HTML), a value starting with "=" (or another formula character) stays text in CSV and XLSX downloads, and
text is never compiled as a template. Labels and hints built from users' text are escaped by the forms
(crispy-forms-gds prints them with |safe), which these probes found missing at first.
"""

import csv
import html
import io
import json
from collections import defaultdict

import pytest
from django.contrib import admin
from django.utils.html import escape
from openpyxl import load_workbook

from consultation import services as consultation_services
from knowsley_sv.models import AuditEvent
from outcomes.models import Organisation
from procurement.models import Tender

from ..consultation.helpers import answers
from ..procurement.helpers import (
    WORKED_EXAMPLE,
    moderate_all,
    panel_of,
    publishable_tender,
    score_as,
    worked_example_tender,
)
from .conftest import client_for, rolled_back
from .test_permission_matrix import LOGIN, TABLE
from .world import WHO
from .xss_world import FIELDS, Seen, XssWorld, build_xss_world, raw_markers, text_for

pytestmark = pytest.mark.django_db

VIEWERS = (
    "anonymous",
    "resident",
    "supplier",  # the supplier who registered with the payloads and bid
    "other supplier",
    "commissioner",
    "other commissioner",
    "evaluator",  # the evaluator who scored the payload bid
    "board member",
    "administrator",
    "superuser",
)
HTML_TYPES = ("text/html", "application/pdf")  # PDFs are printed from HTML (see conftest.HtmlAsPdf)


def admin_pages(world: XssWorld) -> list[str]:
    objects = {
        "outcomes/socialvaluemodel": [world.model.pk],
        "outcomes/indicator": [world.indicator.pk],
        "outcomes/modelreview": [world.review.pk],
        "outcomes/organisation": [world.organisation.pk, world.supplier_org.pk],
        "procurement/tender": [world.tender.pk],
        "procurement/bid": [world.bid.pk],
        "knowsley_sv/user": [world.users["supplier"].pk],
        "knowsley_sv/auditevent": [
            *AuditEvent.objects.order_by("-pk").values_list("pk", flat=True)[:40],
            *AuditEvent.objects.filter(action="comment.hide").values_list("pk", flat=True),
        ],
    }
    pages = ["/admin/"]
    for model in admin.site._registry:
        label = f"{model._meta.app_label}/{model._meta.model_name}"
        pages.append(f"/admin/{label}/")
        pages += [f"/admin/{label}/{pk}/change/" for pk in objects.get(label, [])]
    pages.append(f"/admin/procurement/tender/{world.tender.pk}/history/")
    return pages


def pages_for(world: XssWorld, who: str) -> list[str]:
    """The table's pages this viewer may open (a refusal shows no data), the few pages the table reaches
    only through a query string or another object, and the admin for staff."""
    values = world.values()
    column = WHO.index("administrator" if who == "superuser" else who)
    pages = [path.format(**values) for path, *cells in TABLE if cells[column] not in (LOGIN, 403, 405)]
    manage = f"/consultations/{world.consultation.slug}/manage"
    pages += [
        f"/tenders/{world.tender.reference}/pdf/",
        f"{manage}/moderation/?status=hidden",
        f"{manage}/moderation/?status=published",
        f"{manage}/comments/{world.extra['hidden_comment']}/",
    ]
    if who in ("administrator", "superuser"):
        pages += admin_pages(world)
    return list(dict.fromkeys(pages))


def sweep(world: XssWorld) -> list[Seen]:
    found = []
    for who in VIEWERS:
        client = client_for(world.users[who])
        for page in pages_for(world, who):
            response = client.get(page)
            body = b"".join(response.streaming_content) if response.streaming else response.content
            found.append(
                Seen(
                    who,
                    page,
                    response.status_code,
                    response.get("Content-Type", ""),
                    body.decode("utf-8", errors="replace"),
                )
            )
    return found


@pytest.fixture(scope="module")
def xss(world, django_db_blocker):
    with rolled_back(django_db_blocker):
        xss_world = build_xss_world(world)
        xss_world.extra["swept"] = sweep(xss_world)
        yield xss_world


def everything(world: XssWorld) -> list[Seen]:
    return world.seen + world.extra["swept"]


def is_html(seen: Seen) -> bool:
    return seen.content_type.startswith(HTML_TYPES)


# Fields whose payload reaches a page raw today: the labels and hints of forms built from other users' text go
# through crispy-forms-gds templates that print `field.label|safe` and `field.help_text|safe`, and the app's
# forms put the text in unescaped (the fix: escape it where the label or hint is built).
TAGS = list(FIELDS)


@pytest.mark.parametrize("tag", TAGS)
def test_no_page_shows_the_payload_raw(xss, tag):
    raw = sorted(
        {
            f"{seen.who} {seen.url}"
            for seen in everything(xss)
            if is_html(seen) and any(marker in seen.text for marker in raw_markers(tag))
        }
    )
    assert raw == [], f"{FIELDS[tag]} is raw on: {'; '.join(raw)}"


@pytest.mark.parametrize("tag", list(FIELDS))
def test_the_payload_is_shown_escaped(xss, tag):
    escaped = escape(text_for(tag))
    where = {f"{seen.who} {seen.url}" for seen in everything(xss) if is_html(seen) and escaped in seen.text}
    expected = {f"{who} {page.format(**xss.values())}" for who, page in SHOWN[tag]}
    assert expected - where == set(), f"{FIELDS[tag]} is not shown (escaped) where it should be"


def test_downloads_hold_the_payloads_as_data_never_as_html(xss):
    downloads = [s for s in everything(xss) if s.status == 200 and not is_html(s)]
    kinds = defaultdict(set)
    for seen in downloads:
        kinds[seen.content_type.split(";")[0]].add(seen.url)
    assert {"text/csv", "application/json"} <= set(kinds)
    assert all(not ct.startswith("text/html") for ct in kinds)
    # the payloads did reach the downloads, as data, so the check above is about them
    title = text_for("tender-title")
    assert any(title in str(json.loads(s.text)) for s in downloads if s.content_type == "application/json")
    assert any(title in csv_cells_of(s.text) for s in downloads if s.content_type.startswith("text/csv"))
    for seen in downloads:
        assert seen.content_type.split(";")[0] in DOWNLOADS, seen.url


# --- Formula injection -------------------------------------------------------------------------------------
FORMULAS = ['=HYPERLINK("https://evil.example","x")', "+1+1", "-2+3", "@SUM(1,1)"]


DOWNLOADS = {
    "text/csv",
    "application/json",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def csv_cells_of(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


def csv_cells(response) -> list[str]:
    return csv_cells_of(response.content.decode())


def xlsx_cells(response) -> list:
    workbook = load_workbook(io.BytesIO(response.content))
    return [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]


def assert_kept_as_text(response_csv, response_xlsx, value: str) -> None:
    assert response_csv.status_code == 200 and response_xlsx.status_code == 200
    cells = csv_cells(response_csv)
    assert "'" + value in cells, f"{value!r} is not guarded in the CSV"
    assert value not in cells
    guarded = [c for c in xlsx_cells(response_xlsx) if isinstance(c.value, str) and c.value.endswith(value)]
    assert guarded, f"{value!r} is not in the XLSX"
    assert all(c.value == "'" + value and c.data_type == "s" for c in guarded), "a formula in the XLSX"


@pytest.mark.parametrize("value", FORMULAS)
def test_consultation_exports_keep_a_formula_as_text(xss, value):
    consultation = xss.base.open_consultation
    response = consultation_services.response_submit(
        consultation=consultation, answers=answers(comments={2: value})
    )
    # The export carries comments only as the board published them: published as typed.
    consultation_services.comment_publish(
        comment=response.comments.get(), published_text=value, by=xss.users["board member"]
    )
    board = client_for(xss.users["board member"])
    base = f"/consultations/{consultation.slug}/manage/export/responses"
    assert_kept_as_text(board.get(f"{base}.csv"), board.get(f"{base}.xlsx"), value)


def test_the_evaluation_report_keeps_a_suppliers_formula_as_text(xss):
    commissioner = xss.base.users["commissioner"]
    name = FORMULAS[0]
    suppliers = {name: WORKED_EXAMPLE["Gamma Works"], "Delta Formula Ltd": WORKED_EXAMPLE["Beta Care"]}
    tender = worked_example_tender(commissioner, suppliers=suppliers)
    for evaluator in panel_of(tender, commissioner, count=1):
        score_as(tender, evaluator, scores=suppliers)
    moderate_all(tender, commissioner, scores=suppliers)
    client = client_for(commissioner)
    base = f"/tenders/{tender.reference}/report"
    assert_kept_as_text(client.get(f"{base}.csv"), client.get(f"{base}.xlsx"), name)


def test_open_data_and_the_dashboard_keep_a_formula_as_text(xss):
    value = FORMULAS[0]
    Tender.objects.filter(pk=xss.base.open.pk).update(title=value)
    csv_response = client_for(None).get("/open-data/tenders.csv")
    assert csv_response.status_code == 200
    assert "'" + value in csv_cells(csv_response) and value not in csv_cells(csv_response)
    # the dashboard's downloads: a supplier's name (contracts at red or amber) and a consultation's title
    Organisation.objects.filter(pk=xss.base.organisation.pk).update(name=value)
    type(xss.base.open_consultation).objects.filter(pk=xss.base.open_consultation.pk).update(title=value)
    board = client_for(xss.users["board member"])
    for table in ("rag_contracts", "participation"):
        got = board.get(f"/dashboard/{table}.csv"), board.get(f"/dashboard/{table}.xlsx")
        assert_kept_as_text(*got, value)


# --- Other ways in --------------------------------------------------------------------------------------
@pytest.mark.parametrize("website", ["javascript:alert(1)", "data:text/html,<script>alert(1)</script>"])
def test_an_organisations_website_must_be_a_web_address(xss, website):
    """The organisation page links to the website: a script address is refused by the form."""
    board = client_for(xss.users["board member"])
    org = xss.organisation
    response = board.post(
        f"/organisations/{org.pk}/edit/",
        {"name": org.name, "sector": org.sector, "size": org.size, "website": website},
    )
    assert response.status_code == 200 and "govuk-error-summary" in response.content.decode()
    org.refresh_from_db()
    assert org.website == ""


def test_a_validation_error_redisplays_the_payload_escaped(xss):
    """What the user typed comes back in the form after an error: escaped, in the textarea or the input."""
    commissioner = client_for(xss.users["commissioner"])
    tag = "tender-title"
    response = commissioner.post(
        "/tenders/new/",
        {"title": text_for(tag), "specification": text_for("specification"), "service_area": ""},
    )
    text = response.content.decode()
    assert response.status_code == 200 and "govuk-error-summary" in text
    assert escape(text_for(tag)) in text and escape(text_for("specification")) in text
    assert not any(m in text for m in raw_markers(tag) + raw_markers("specification"))


def test_user_text_is_never_run_as_a_template(xss):
    commissioner = xss.base.users["commissioner"]
    tender = publishable_tender(commissioner)  # on the model the board adopted through the forms
    outcome = tender.model.outcomes.get(number=2)
    client = client_for(commissioner)
    client.raise_request_exception = False
    url = f"/tenders/{tender.reference}/edit/social-value/"
    for title in ("Fewer {{ request.user.username }} demands", "Fewer {% no_such_tag %} demands"):
        # the text the board typed into the draft before adopting it (the form takes braces as they are)
        type(outcome).objects.filter(pk=outcome.pk).update(title=title)
        response = client.get(url)
        assert response.status_code == 200, title
        # shown as typed (braces as character references, so nothing reads them as template code)
        assert title in html.unescape(response.content.decode()), title
        assert f"Fewer {commissioner.username} demands" not in response.content.decode()


# --- Where each field must be shown (escaped) ---------------------------------------------------------------
# tag -> [(viewer, page)]: pages where DESIGN says the field is read. Placeholders as in the permission table,
# pointing at the payload objects (XssWorld.values): aw is the payload tender, wb its bid, oc/cc the payload
# consultation (closed by the end of the journeys), ct the contract, ln its queried line, org the payload
# supplier.
ANON, BOARD, COMM, SUPP, EVAL = "anonymous", "board member", "commissioner", "supplier", "evaluator"
MODEL_PAGES = [(ANON, "/model/"), (ANON, "/model/versions/{dm}/")]
TENDER_PAGE = [(ANON, "/tenders/{aw}/")]
SOCIAL_VALUE_STEP = (COMM, "/tenders/{aw}/edit/social-value/")  # legends, checkboxes, targets' suffixes
MODERATE = "/consultations/{oc}/manage/comments/{cm}/"
PERIOD = "/contracts/{ct}/periods/{pd}/"
SHOWN: dict[str, list[tuple[str, str]]] = {
    "model-title": MODEL_PAGES,
    "statement": MODEL_PAGES,
    "outcome-title": [
        *MODEL_PAGES,
        *TENDER_PAGE,
        (ANON, "/consultations/{oc}/your-response/"),
        SOCIAL_VALUE_STEP,
    ],
    "outcome-description": MODEL_PAGES,
    "indicator-name": [*MODEL_PAGES, *TENDER_PAGE, SOCIAL_VALUE_STEP],
    "indicator-unit": [*MODEL_PAGES, *TENDER_PAGE, (COMM, "/contracts/{ct}/"), SOCIAL_VALUE_STEP],
    "indicator-evidence": MODEL_PAGES,
    "indicator-guidance": MODEL_PAGES,
    "proxy-source": MODEL_PAGES,
    "change-summary": MODEL_PAGES,
    "review-evidence": [(BOARD, "/model/reviews/{rev}/")],
    "review-findings": [(BOARD, "/model/reviews/{rev}/")],
    "review-decisions": [(BOARD, "/model/reviews/{rev}/")],
    "organisation-name": [(COMM, "/organisations/"), ("superuser", "/admin/outcomes/organisation/")],
    "consultation-title": [(ANON, "/consultations/"), (ANON, "/consultations/{oc}/")],
    "consultation-summary": [(ANON, "/consultations/{oc}/")],
    "consultation-how": [(ANON, "/consultations/{oc}/")],
    "ward-source": [(BOARD, "/consultations/wards/")],
    "comment": [(ANON, "/consultations/{oc}/respond/check/"), (BOARD, MODERATE)],
    "missing": [
        (ANON, "/consultations/{oc}/your-response/"),
        (BOARD, "/consultations/{oc}/manage/moderation/?status=hidden"),
    ],
    "published-text": [(ANON, "/consultations/{cc}/results/"), (BOARD, MODERATE)],
    "hidden-reason": [],  # kept with the comment (and in the audit trail, as JSON), shown on no page
    "board-response": [(ANON, "/consultations/{cc}/results/")],
    "tender-title": [(ANON, "/tenders/"), *TENDER_PAGE, (ANON, "/open-data/"), (SUPP, "/supplier/")],
    "specification": [*TENDER_PAGE, (ANON, "/tenders/{aw}/pdf/")],
    "service-area": [(ANON, "/tenders/"), *TENDER_PAGE],
    "sv-justification": TENDER_PAGE,
    "criterion-title": [
        *TENDER_PAGE,
        (COMM, "/tenders/{aw}/report/"),
        (EVAL, "/tenders/{aw}/evaluate/bids/{wb}/"),
    ],
    "criterion-question": [*TENDER_PAGE, (EVAL, "/tenders/{aw}/evaluate/bids/{wb}/")],
    "withdraw-reason": [(COMM, "/tenders/{aw}/history/")],
    "supplier-org": [
        (ANON, "/recognition/"),
        (ANON, "/open-data/"),
        (COMM, "/tenders/{aw}/bids/"),
        (COMM, "/tenders/{aw}/report/"),
        (EVAL, "/tenders/{aw}/evaluate/bids/{wb}/"),
        (BOARD, "/contracts/{ct}/"),
    ],
    "first-name": [(COMM, PERIOD), ("superuser", "/admin/knowsley_sv/user/")],
    "last-name": [(COMM, PERIOD), ("superuser", "/admin/knowsley_sv/user/")],
    "colleague-name": [(SUPP, "/supplier/")],
    "bid-answer": [(EVAL, "/tenders/{aw}/evaluate/bids/{wb}/")],
    "bid-method": [(EVAL, "/tenders/{aw}/evaluate/bids/{wb}/")],
    "conflict-details": [(COMM, "/tenders/{aw}/panel/")],
    "justification": [
        (EVAL, "/tenders/{aw}/evaluate/panel-scores/"),
        (COMM, "/tenders/{aw}/moderation/{wb}/"),
    ],
    "rationale": [(COMM, "/tenders/{aw}/moderation/{wb}/"), (SUPP, "/tenders/{aw}/summaries/{wb}/")],
    "award-reason": [(COMM, "/tenders/{aw}/award/"), (SUPP, "/tenders/{aw}/summaries/{wb}/")],
    "delivery-notes": [(SUPP, PERIOD), (COMM, PERIOD), (BOARD, PERIOD)],
    "evidence-name": [(SUPP, PERIOD), (COMM, PERIOD)],
    "line-question": [(SUPP, PERIOD), (COMM, PERIOD)],
    "line-answer": [(SUPP, PERIOD), (COMM, PERIOD)],
    "rating-notes": [(SUPP, "/contracts/{ct}/"), (BOARD, "/contracts/{ct}/")],
}
