"""The dashboard's downloads: each table as CSV or XLSX (written by knowsley_sv.tabular), with the filters
behind its figures: the CSV's first row, the workbook's second sheet, "About"."""

from django.http import HttpResponse

from knowsley_sv.tabular import as_csv, as_xlsx
from outcomes.models import Organisation

from .filters import Filters
from .tables.base import Table
from .years import financial_year_label

FORMATS = ("csv", "xlsx")
# The filters each table is worked out with (the page says the same under each heading).
TABLE_FILTERS: dict[str, tuple[str, ...]] = {
    "social_value": ("year", "outcome", "sector"),
    "weighting": ("year", "sector"),
    "local_spend": ("year", "sector"),
    "rag": ("year", "sector"),
    "rag_contracts": ("year", "sector"),
    "participation": ("year",),
    "priorities": ("outcome",),
    "review": (),
}
NOT_APPLIED = "not applied to this table"


def export_filters(filters: Filters, key: str) -> list[tuple[str, str, bool]]:
    """What a download records of the filters behind it: (filter, value chosen, applied to the table)."""
    sector = Organisation.Sector(filters.sector).label if filters.sector else "All sectors"
    applied = TABLE_FILTERS[key]
    return [
        (
            "Financial year",
            financial_year_label(filters.year) if filters.year else "All years",
            "year" in applied,
        ),
        (
            "Outcome",
            f"Outcome {filters.outcome}" if filters.outcome else "All outcomes",
            "outcome" in applied,
        ),
        ("Supplier's sector", sector, "sector" in applied),
    ]


def csv_preface(filters: Filters, key: str) -> list[list[str]]:
    """The CSV's first row: the filters, before the header row."""
    return [
        [
            "Filters",
            *(
                f"{name}: {value}" + ("" if applied else f" ({NOT_APPLIED})")
                for name, value, applied in export_filters(filters, key)
            ),
        ]
    ]


def xlsx_about(filters: Filters, key: str, caption: str) -> list[list[str]]:
    """The workbook's second sheet: which table, and the filters that produced it."""
    return [
        ["Table", caption],
        ["Filter", "Chosen", "Applied to this table"],
        *([name, value, "Yes" if applied else "No"] for name, value, applied in export_filters(filters, key)),
    ]


def download(table: Table, filters: Filters, fmt: str) -> HttpResponse:
    """A dashboard table as a file named for it and its filters: dashboard-social-value-fy2025.csv."""
    filename = "-".join(p for p in ["dashboard", table.key.replace("_", "-"), filters.slug()] if p)
    if fmt == "csv":
        preface = csv_preface(filters, table.key)
        return as_csv(table.header, table.export_rows(), filename, preface=preface)
    about = xlsx_about(filters, table.key, table.caption)
    return as_xlsx(table.header, table.export_rows(), filename, about=about)
