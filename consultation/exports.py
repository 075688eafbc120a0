"""CSV and XLSX downloads of responses (never contact details) and of the results tables."""

import csv
from io import BytesIO

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from .models import Allocation, Comment, Consultation, Response
from .selectors import Results

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _safe(value):
    """Spreadsheets run cells that start with = + - @ as formulas: prefix them so they stay text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def responses_table(consultation: Consultation) -> tuple[list[str], list[list]]:
    """One row a response: allocations, comments and demographics as given. No contact details."""
    outcomes = list(consultation.model.outcomes.order_by("number").values_list("pk", "number"))
    numbers = [n for _, n in outcomes]
    responses = list(
        Response.objects.filter(consultation=consultation)
        .select_related("ward")
        .order_by("submitted_at", "pk")
    )
    points: dict[int, dict[int, int]] = {}
    for response_id, number, value in Allocation.objects.filter(
        response__consultation=consultation
    ).values_list("response_id", "outcome__number", "points"):
        points.setdefault(response_id, {})[number] = value
    comments: dict[int, dict[int | None, str]] = {}
    for response_id, number, text in Comment.objects.filter(response__consultation=consultation).values_list(
        "response_id", "outcome__number", "text"
    ):
        comments.setdefault(response_id, {})[number] = text
    header = [
        "submitted_at",
        "channel",
        "ward",
        "age_band",
        "lives_in_borough",
        "works_in_borough",
        "runs_business_in_borough",
        "volunteers_in_borough",
        "consent_to_quote",
        "suspected_duplicate",
        *(f"points_outcome_{n}" for n in numbers),
        *(f"comment_outcome_{n}" for n in numbers),
        "comment_what_is_missing",
    ]
    rows = [
        [
            r.submitted_at.isoformat(timespec="seconds"),
            r.channel,
            r.ward.name if r.ward else "Prefer not to say",
            r.age_band,
            r.lives_in_borough,
            r.works_in_borough,
            r.runs_business_in_borough,
            r.volunteers_in_borough,
            r.consent_to_quote,
            r.is_suspected_duplicate,
            *(points.get(r.pk, {}).get(n, 0) for n in numbers),
            *(comments.get(r.pk, {}).get(n, "") for n in numbers),
            comments.get(r.pk, {}).get(None, ""),
        ]
        for r in responses
    ]
    return header, rows


def results_table(results: Results) -> tuple[list[str], list[list]]:
    """The per-outcome results as on the page (suppressed cells stay empty)."""
    header = [
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
    rows = [
        [
            o.number,
            o.title,
            o.n if o.mean is not None else None,
            None if o.mean is None else round(o.mean, 2),
            None if o.ci is None else round(o.ci[0], 2),
            None if o.ci is None else round(o.ci[1], 2),
            None if o.share_any is None else round(o.share_any, 4),
            None if o.weighted_mean is None else round(o.weighted_mean, 2),
            results.proposed_split.get(o.number),
            results.weighted_split.get(o.number),
        ]
        for o in results.outcomes
    ]
    return header, rows


def as_csv(header: list[str], rows: list[list], filename: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    writer = csv.writer(response)
    writer.writerow(header)
    writer.writerows([[_safe("" if v is None else v) for v in row] for row in rows])
    return response


def as_xlsx(header: list[str], rows: list[list], filename: str) -> HttpResponse:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=filename[:31])
    sheet.append(header)
    for row in rows:
        sheet.append([_safe(ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v) for v in row])
    buffer = BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response
