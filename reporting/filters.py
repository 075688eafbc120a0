"""The dashboard's filters (financial year, outcome, supplier's sector) and the recognition page's sector
filter, read from a query string: anything unknown falls back to "all", with a message saying so (pure)."""

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

from outcomes.models import Organisation

from .years import financial_year_label

ALL = "all"
OUTCOME_NUMBERS = range(1, 7)
FILTER_NAMES = ("year", "outcome", "sector")

UNKNOWN_YEAR = "There are no figures for a financial year called {value}, so the dashboard shows all years."
UNKNOWN_OUTCOME = (
    "There is no outcome called {value} (outcomes are numbered 1 to 6), so the dashboard shows all outcomes."
)
UNKNOWN_SECTOR = "There is no sector called {value}, so the page shows all sectors."
MAX_SHOWN = 30  # characters of an unknown filter value repeated back in a message


@dataclass(frozen=True)
class Filters:
    year: int | None = None
    outcome: int | None = None
    sector: str | None = None

    @property
    def outcomes(self) -> list[int]:
        return [self.outcome] if self.outcome else list(OUTCOME_NUMBERS)

    def query(self) -> str:
        return urlencode(
            {"year": self.year or ALL, "outcome": self.outcome or ALL, "sector": self.sector or ALL}
        )

    def slug(self) -> str:
        """For file names: fy2025-outcome1-private; empty when nothing is filtered."""
        parts = [f"fy{self.year}" if self.year else "", f"outcome{self.outcome}" if self.outcome else ""]
        return "-".join(p for p in [*parts, self.sector or ""] if p)

    def describe(self) -> str:
        year = f"Financial year {financial_year_label(self.year)}" if self.year else "All years"
        outcome = f"outcome {self.outcome}" if self.outcome else "all outcomes"
        sector = Organisation.Sector(self.sector).label.lower() if self.sector else "all sectors"
        return f"{year}, {outcome}, {sector}"


def _shown(value: str) -> str:
    return value if len(value) <= MAX_SHOWN else value[: MAX_SHOWN - 1] + "…"


def parse_sector(raw: str | None) -> tuple[str | None, list[str]]:
    raw = (raw or "").strip()
    if raw in ("", ALL):
        return None, []
    if raw in Organisation.Sector.values:
        return raw, []
    return None, [UNKNOWN_SECTOR.format(value=_shown(raw))]


def parse_filters(params: Mapping[str, str], *, years: Sequence[int]) -> tuple[Filters, list[str]]:
    """The filters from a query string; anything unknown falls back to "all" with a message saying so."""
    problems: list[str] = []
    raw_year = (params.get("year") or "").strip()
    year = None
    if raw_year not in ("", ALL):
        if re.fullmatch(r"[0-9]{4}", raw_year) and int(raw_year) in years:
            year = int(raw_year)
        else:
            problems.append(UNKNOWN_YEAR.format(value=_shown(raw_year)))
    raw_outcome = (params.get("outcome") or "").strip()
    outcome = None
    if raw_outcome not in ("", ALL):
        if re.fullmatch(r"[1-6]", raw_outcome):
            outcome = int(raw_outcome)
        else:
            problems.append(UNKNOWN_OUTCOME.format(value=_shown(raw_outcome)))
    sector, sector_problems = parse_sector(params.get("sector"))
    return Filters(year=year, outcome=outcome, sector=sector), problems + sector_problems
