"""What every section of the review pack is made of (pure)."""

from dataclasses import dataclass, field
from decimal import Decimal

from ...tables.base import Table

# The page and the PDF show a long table's first rows (red contracts, organisations: hundreds at scale, and
# seconds of rendering); its download has every row.
SHOWN = 25


@dataclass
class Section:
    key: str  # "model", "residents", "application", "delivery", "creators", "partnership"
    title: str  # the section's heading: "What residents said"
    summary: list[str] = field(default_factory=list)  # plain-English paragraphs stating its main figures
    tables: list[Table] = field(default_factory=list)  # keys unique in the pack: "<section key>-<name>"


@dataclass(frozen=True)
class Headline:
    """One headline figure of a section, for the year-on-year table (this period beside the one before)."""

    key: str  # unique in the pack: "tenders_published"
    label: str  # "Tenders published"
    kind: str  # a tables.base kind: COUNT, MONEY_GBP, PERCENT …
    value: Decimal | int | None
