"""CSV and XLSX exports: responses (no personal data, formula-safe) and the results table."""

import csv
import io
import re
from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from consultation import exports
from consultation.models import Allocation, Comment, Consultation, ContactRecord, Response
from knowsley_sv.roles import Role
from outcomes.models import SocialValueModel, Ward

from ..factories import UserFactory

pytestmark = pytest.mark.django_db

SPLIT = {1: 30, 2: 20, 3: 15, 4: 10, 5: 10, 6: 15}
POINTS_COLUMNS = [f"points_outcome_{n}" for n in range(1, 7)]


def make_consultation(*, slug="priorities-2027", closed=True) -> Consultation:
    now = timezone.now()
    opens, closes = (
        (now - timedelta(days=30), now - timedelta(days=1)) if closed else (now, now + timedelta(days=9))
    )
    return Consultation.objects.create(
        title="What matters most",
        slug=slug,
        summary="What is proposed",
        how_answers_are_used="How answers are used",
        model=SocialValueModel.objects.get(version=1),
        opens_at=opens,
        closes_at=closes,
        created_by=UserFactory(username="exports-creator", roles=[Role.BOARD_MEMBER]),
    )


def add_response(consultation, points=None, *, comments=None, missing="", ward=None, **fields) -> Response:
    """A response with its allocations; its comments published by the board as typed."""
    response = Response.objects.create(consultation=consultation, ward=ward, **fields)
    outcomes = {o.number: o for o in consultation.model.outcomes.all()}
    Allocation.objects.bulk_create(
        Allocation(response=response, outcome=outcomes[n], points=(points or SPLIT).get(n, 0))
        for n in outcomes
    )
    published = {"status": Comment.Status.PUBLISHED}
    for number, text in (comments or {}).items():
        Comment.objects.create(
            response=response, outcome=outcomes[number], text=text, published_text=text, **published
        )
    if missing:
        Comment.objects.create(
            response=response, outcome=None, text=missing, published_text=missing, **published
        )
    return response


@pytest.fixture
def board(client):
    client.force_login(UserFactory(username="exports-board", roles=[Role.BOARD_MEMBER]))
    return client


def download(client, consultation, table, fmt):
    response = client.get(
        reverse("consultation:export", kwargs={"slug": consultation.slug, "table": table, "fmt": fmt})
    )
    assert response.status_code == 200
    return response


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8"))))


def xlsx_rows(response) -> list[list]:
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def same_value(value) -> object:
    """A cell from either file in one form: empty as "", numbers as floats (the XLSX reads 65.0 back as 65),
    everything else as the text the CSV holds."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return str(value)
    try:
        return float(value)
    except ValueError:
        return str(value)


def same_rows(rows) -> list[list]:
    return [[same_value(v) for v in row] for row in rows]


@pytest.fixture
def consultation():
    consultation = make_consultation()
    wards = list(Ward.objects.order_by("name")[:2])
    add_response(
        consultation,
        {1: 100},
        comments={1: '=HYPERLINK("http://evil.example","click")', 2: "More parks"},
        missing="@SUM(A1:A2)",
        ward=wards[0],
        age_band=Response.AgeBand.AGE_50_64,
        lives_in_borough=True,
        consent_to_quote=True,
        submitted_at=consultation.opens_at + timedelta(days=1),
    )
    add_response(
        consultation,
        SPLIT,
        comments={3: "-1 for buses", 4: "+44 7700 900000"},
        ward=wards[1],
        is_suspected_duplicate=True,
        submitted_at=consultation.opens_at + timedelta(days=2),
    )
    add_response(consultation, {5: 50, 6: 50}, submitted_at=consultation.opens_at + timedelta(days=3))
    ContactRecord.objects.create(consultation=consultation, email="resident@example.org")
    return consultation


# --- Responses ----------------------------------------------------------------------------------------------
def test_responses_csv_has_a_header_and_one_row_per_response(board, consultation):
    rows = csv_rows(download(board, consultation, "responses", "csv"))
    header, body = rows[0], rows[1:]
    assert header == [
        "submitted_on",
        "channel",
        "ward",
        "age_band",
        "lives_in_borough",
        "works_in_borough",
        "runs_business_in_borough",
        "volunteers_in_borough",
        "consent_to_quote",
        "suspected_duplicate",
        *POINTS_COLUMNS,
        *(f"comment_outcome_{n}" for n in range(1, 7)),
        "comment_what_is_missing",
    ]
    assert len(body) == 3
    records = [dict(zip(header, row, strict=True)) for row in body]
    wards = list(Ward.objects.order_by("name")[:2])
    assert [[r[c] for c in POINTS_COLUMNS] for r in records] == [
        ["100", "0", "0", "0", "0", "0"],
        ["30", "20", "15", "10", "10", "15"],
        ["0", "0", "0", "0", "50", "50"],
    ]
    assert [r["ward"] for r in records] == [wards[0].name, wards[1].name, "Prefer not to say"]
    assert [r["suspected_duplicate"] for r in records] == ["False", "True", "False"]
    assert records[0]["age_band"] == "50_64"
    assert records[0]["lives_in_borough"] == "True"
    assert records[0]["consent_to_quote"] == "True"
    assert records[0]["comment_outcome_2"] == "More parks"
    assert records[0]["channel"] == "online"


@pytest.mark.parametrize(
    ("table", "columns"), [("responses", exports.RESPONSES_COLUMNS), ("results", exports.RESULTS_COLUMNS)]
)
def test_the_column_list_on_the_page_is_the_header_row(board, consultation, table, columns):
    """Issue 13: what each download holds is listed beside its link, from the list the header is made of."""
    numbers = range(1, 7) if table == "responses" else ()
    for fmt, rows in (("csv", csv_rows), ("xlsx", xlsx_rows)):
        assert rows(download(board, consultation, table, fmt))[0] == exports.header_of(columns, numbers)
    page = board.get(reverse("consultation:manage", kwargs={"slug": consultation.slug})).content.decode()
    listed = page.split(f"What the {table} download holds", 1)[1].split("</details>", 1)[0]
    assert re.findall(r'<th scope="row" class="govuk-table__header">([^<]+)</th>', listed) == [
        c.label for c in columns
    ]
    assert [c.label for c in columns if c.per_outcome] == (
        ["points_outcome_N", "comment_outcome_N"] if table == "responses" else []
    )


def test_a_record_that_does_not_match_the_column_list_is_refused():
    with pytest.raises(ValueError, match="not the columns described"):
        exports._table(exports.RESULTS_COLUMNS, (), [{"outcome": 1}])


def test_responses_carry_only_published_text_and_the_date(board):
    """Issue 13: a name and phone number typed into a comment went out in the export, beside a time to the
    second. Only the board's published text goes out (with its redactions), and only the date."""
    consultation = make_consultation(slug="leak")
    response = add_response(
        consultation, submitted_at=datetime(2027, 3, 4, 21, 37, 12, tzinfo=UTC), age_band="18_24"
    )
    outcomes = {o.number: o for o in consultation.model.outcomes.all()}
    pending, published, hidden = Comment.Status.PENDING, Comment.Status.PUBLISHED, Comment.Status.HIDDEN
    Comment.objects.bulk_create(
        Comment(response=response, outcome=outcome, text=text, status=status, **moderation)
        for outcome, text, status, moderation in (
            (outcomes[1], "Call Jo Bloggs on 07700 900123", pending, {}),
            (
                outcomes[2],
                "Jo Bloggs here: more buses",
                published,
                {"published_text": "[name removed]: more buses"},
            ),
            (outcomes[3], "Jo Bloggs, 12 Acacia Ave", hidden, {"hidden_reason": "Personal details"}),
            (None, "Ring 07700 900123", pending, {}),
        )
    )
    for fmt, rows in (("csv", csv_rows), ("xlsx", xlsx_rows)):
        header, row = rows(download(board, consultation, "responses", fmt))
        assert not any(trace in str(row) for trace in ("Bloggs", "07700", "Acacia", "21:37", "T21"))
        record = dict(zip(header, row, strict=True))
        assert record["submitted_on"] == "2027-03-04"  # 21:37 UTC is 21:37 in London in March
        assert same_value(record["comment_outcome_1"]) == ""  # waiting for moderation
        assert record["comment_outcome_2"] == "[name removed]: more buses"
        assert same_value(record["comment_outcome_3"]) == ""  # hidden
        assert same_value(record["comment_what_is_missing"]) == ""


def test_responses_export_holds_no_personal_data(board, consultation):
    response = download(board, consultation, "responses", "csv")
    header = csv_rows(response)[0]
    assert not any("email" in column or "receipt" in column or "contact" in column for column in header)
    content = response.content.decode()
    assert "resident@example.org" not in content
    for code in Response.objects.values_list("receipt_code", flat=True):
        assert code not in content
    assert not any(
        "email" in str(cell) for cell in xlsx_rows(download(board, consultation, "responses", "xlsx"))[0]
    )


def test_text_that_a_spreadsheet_would_run_is_kept_as_text(board, consultation):
    records = [
        dict(zip(rows[0], row, strict=True))
        for rows in [csv_rows(download(board, consultation, "responses", "csv"))]
        for row in rows[1:]
    ]
    assert records[0]["comment_outcome_1"] == '\'=HYPERLINK("http://evil.example","click")'
    assert records[0]["comment_what_is_missing"] == "'@SUM(A1:A2)"
    assert records[1]["comment_outcome_3"] == "'-1 for buses"
    assert records[1]["comment_outcome_4"] == "'+44 7700 900000"
    assert records[0]["comment_outcome_2"] == "More parks"  # ordinary text is left alone
    # numbers are numbers, not guarded text
    assert records[0]["points_outcome_1"] == "100"


def test_responses_xlsx_opens_and_has_the_same_rows_as_the_csv(board, consultation):
    from_csv = csv_rows(download(board, consultation, "responses", "csv"))
    response = download(board, consultation, "responses", "xlsx")
    from_xlsx = xlsx_rows(response)
    assert len(from_xlsx) == 4
    assert same_rows(from_xlsx) == same_rows(from_csv)
    # points are numbers in the spreadsheet, and formulas stay text
    header = from_xlsx[0]
    assert from_xlsx[1][header.index("points_outcome_1")] == 100
    assert from_xlsx[1][header.index("comment_outcome_1")].startswith("'=")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.title == "priorities-2027-responses"
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_the_excel_export_survives_control_characters(board):
    consultation = make_consultation(slug="control", closed=False)
    add_response(consultation, comments={1: "a\x0bb"})
    sheet = load_workbook(io.BytesIO(download(board, consultation, "responses", "xlsx").content)).active
    assert sheet.cell(row=2, column=17).value == "ab"


def test_responses_export_of_a_consultation_without_responses_is_just_the_header(board):
    consultation = make_consultation(slug="empty", closed=False)
    rows = csv_rows(download(board, consultation, "responses", "csv"))
    assert len(rows) == 1
    assert rows[0][-7:-1] == [f"comment_outcome_{n}" for n in range(1, 7)]
    assert len(xlsx_rows(download(board, consultation, "responses", "xlsx"))) == 1


def test_responses_of_other_consultations_are_not_exported(board, consultation):
    other = make_consultation(slug="other")
    add_response(other, comments={1: "Other consultation"})
    content = download(board, consultation, "responses", "csv").content.decode()
    assert "Other consultation" not in content
    assert len(csv_rows(download(board, other, "responses", "csv"))) == 2


# --- Results ------------------------------------------------------------------------------------------------
RESULTS_HEADER = [
    "outcome",
    "title",
    "responses",
    "mean_points",
    "ci95_lower",
    "ci95_upper",
    "share_giving_any_points",
    "weighted_mean_points",
    "proposed_split_percent",
    "weighted_split_percent",
]


def test_results_csv_has_a_row_per_outcome(board):
    consultation = make_consultation()
    for _ in range(10):
        add_response(consultation, SPLIT)
    rows = csv_rows(download(board, consultation, "results", "csv"))
    assert rows[0] == RESULTS_HEADER
    assert len(rows) == 7
    titles = dict(consultation.model.outcomes.values_list("number", "title"))
    for number, row in zip(range(1, 7), rows[1:], strict=True):
        record = dict(zip(RESULTS_HEADER, row, strict=True))
        points = str(float(SPLIT[number]))
        assert record["outcome"] == str(number)
        assert record["title"] == titles[number]
        assert record["responses"] == "10"
        assert record["mean_points"] == points
        assert (record["ci95_lower"], record["ci95_upper"]) == (points, points)  # everyone gave the same
        assert record["share_giving_any_points"] == "1.0"
        assert record["weighted_mean_points"] == ""  # no wards given, so no weighting
        assert record["proposed_split_percent"] == str(SPLIT[number])
        assert record["weighted_split_percent"] == ""


def test_results_with_fewer_than_10_responses_export_empty_cells(board):
    consultation = make_consultation()
    for _ in range(9):
        add_response(consultation, SPLIT)
    rows = csv_rows(download(board, consultation, "results", "csv"))
    assert len(rows) == 7
    for row in rows[1:]:
        record = dict(zip(RESULTS_HEADER, row, strict=True))
        assert record["outcome"] and record["title"]
        assert all(record[column] == "" for column in RESULTS_HEADER[2:])


def test_results_xlsx_has_the_same_rows_as_the_csv(board):
    consultation = make_consultation()
    for i in range(12):
        add_response(consultation, SPLIT if i % 2 else {1: 100})
    from_csv = csv_rows(download(board, consultation, "results", "csv"))
    from_xlsx = xlsx_rows(download(board, consultation, "results", "xlsx"))
    assert from_xlsx[0] == RESULTS_HEADER
    assert same_rows(from_xlsx) == same_rows(from_csv)
    # outcome 1: (6*100 + 6*30) / 12 = 65; the split 65, 10, 7.5, 5, 5, 7.5 -> 65, 10, 8, 5, 5, 7
    assert [row[RESULTS_HEADER.index("mean_points")] for row in from_xlsx[1:]] == [
        65.0,
        10.0,
        7.5,
        5.0,
        5.0,
        7.5,
    ]
    assert [row[RESULTS_HEADER.index("proposed_split_percent")] for row in from_xlsx[1:]] == [
        65,
        10,
        8,
        5,
        5,
        7,
    ]
