"""Tables as downloads: a CSV or an Excel workbook of a header and rows, for any app's figures (consultation's
responses and results, procurement's evaluation report and open data, reporting's dashboard tables).

Every text cell is guarded against formula injection: a spreadsheet runs a cell that starts with = + - @ (or a
tab or carriage return) as a formula, so such a cell gets a leading apostrophe and stays text. Numbers stay
numbers and dates stay dates.
"""

import csv
from collections.abc import Sequence
from io import BytesIO

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _safe(value):
    """Spreadsheets run cells that start with = + - @ as formulas: prefix them so they stay text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def as_csv(
    header: list[str],
    rows: list[list],
    filename: str,
    *,
    preface: Sequence[Sequence] = (),
    excel: bool = False,
) -> HttpResponse:
    """A CSV: `preface` rows (what the figures are, the filters that produced them) before the header.
    `excel`: start with a byte-order mark, so Excel reads the file as UTF-8 (a £ stays a £)."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    if excel:
        response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerows([[_safe(v) for v in row] for row in preface])
    writer.writerow(header)
    writer.writerows([[_safe("" if v is None else v) for v in row] for row in rows])
    return response


def _cell(value):
    return _safe(ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value)


def as_xlsx(
    header: list[str],
    rows: list[list],
    filename: str,
    *,
    about: Sequence[Sequence] = (),
    number_formats: Sequence[str | None] = (),
) -> HttpResponse:
    """A workbook: the table on the first sheet, header first; `about` rows (what the figures are, the
    filters that produced them) on a second sheet called About. `number_formats`: each column's Excel number
    format (None or absent: General)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=filename[:31])
    sheet.append(header)
    formats = dict(enumerate(number_formats))
    for row in rows:
        cells = [_cell(v) for v in row]
        sheet.append([_formatted(sheet, value, formats.get(i)) for i, value in enumerate(cells)])
    if about:
        notes = workbook.create_sheet(title="About")
        for row in about:
            notes.append([_cell(v) for v in row])
    buffer = BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response


def _formatted(sheet, value, number_format: str | None):
    if number_format is None or value is None:
        return value
    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = number_format
    return cell
