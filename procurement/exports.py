"""The evaluation report as rows: one source for the report page and its CSV and XLSX downloads.

Figures stay `Decimal` (CSV writes "73.20", XLSX a number); the writers are the core's (knowsley_sv.tabular),
which guard every text cell against formula injection.
"""

from dataclasses import dataclass
from decimal import Decimal

from knowsley_sv.tabular import as_csv, as_xlsx

from . import scoring
from .models import Bid
from .selectors.evaluation import Evaluation, Line

__all__ = ["ReportRow", "as_csv", "as_xlsx", "evaluation_formats", "evaluation_table", "report_rows"]


@dataclass(frozen=True)
class LineCell:
    line: Line
    score: int  # the moderated score, on the tender's scale
    weighted: Decimal  # the points it earns, to 2 places
    flagged: bool  # the evaluators' scores differed by 40 or more


@dataclass(frozen=True)
class ReportRow:
    bid: Bid
    result: scoring.BidResult
    cells: list[LineCell]
    committed: Decimal  # social value committed, £: information, never a score

    @property
    def flagged(self) -> list[str]:
        return [cell.line.short for cell in self.cells if cell.flagged]


def report_rows(evaluation: Evaluation) -> list[ReportRow]:
    """One row a bid, in rank order (bids not ranked last). Only for a complete evaluation; no queries."""
    return [
        ReportRow(
            bid=bid,
            result=result,
            cells=[
                LineCell(
                    line=line,
                    score=evaluation.moderated[(bid.pk, line.key)].value,
                    weighted=result.weighted[line.key],
                    flagged=evaluation.moderated[(bid.pk, line.key)].flagged,
                )
                for line in evaluation.lines
            ],
            committed=evaluation.committed[bid.pk],
        )
        for bid, result in evaluation.ranked()
    ]


POUNDS = '"£"#,##0.00'  # Excel number formats of the spreadsheet's columns
POINTS = "0.00"
WHOLE = "0"


def evaluation_formats(evaluation: Evaluation) -> list[str | None]:
    """Each column's number format in the spreadsheet, in evaluation_table's order."""
    lines = [format for _ in evaluation.lines for format in (WHOLE, POINTS)]
    return [None, POUNDS, *lines, POINTS, POINTS, POINTS, POINTS, WHOLE, None, None, None, POUNDS]


def evaluation_table(evaluation: Evaluation) -> tuple[list[str], list[list]]:
    """The report page's table with one header row: a bid a row, in rank order."""
    header = [
        "Supplier",
        "Price (£)",
        *(f"{line.short} {part}" for line in evaluation.lines for part in ("score", "weighted")),
        "Price score",
        "Quality",
        "Social value",
        "Total",
        "Rank",
        "Tied",
        "Not compliant because",
        "Flagged lines",
        "Social value committed (£, not scored)",
    ]
    rows = [
        [
            row.bid.supplier.name,
            row.bid.price,
            *(value for cell in row.cells for value in (cell.score, cell.weighted)),
            row.result.price_score,
            row.result.quality,
            row.result.social_value,
            row.result.total if row.result.compliant else None,  # a bid not compliant has no total
            row.result.rank,
            "Yes" if row.result.tied else "No",
            " ".join(row.result.failures),
            ", ".join(row.flagged),
            row.committed,
        ]
        for row in report_rows(evaluation)
    ]
    return header, rows
