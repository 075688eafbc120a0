"""The review pack's "Who created social value": for the contracts running in the period, the £ each
supplier and each sector committed, was expected to have delivered by the as-at day, and delivered (verified,
in reports for periods ending in the period). The recognition pages are public, so these tables are too.

The figures are the recognition pages' (reporting.selectors.recognition), for the period instead of all years.
"""

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Count
from django.urls import reverse

from knowsley_sv import formatting

from ...selectors.common import verified
from ...selectors.recognition import OrganisationValue, SectorValue, by_sector, recognition
from ...tables.base import COUNT, MONEY_GBP, YES_NO, Column, Link, Table
from ..period import Period
from .base import SHOWN, Headline, Section

KEY = "creators"
TITLE = "Who created social value"

MONEY_COLUMNS = [
    Column("committed_gbp", "Committed", MONEY_GBP),
    Column("expected_to_date_gbp", "Expected to date", MONEY_GBP),
    Column("delivered_gbp", "Delivered, verified, in the period", MONEY_GBP),
]


def money_note(day: date) -> str:
    """What the three £ columns count, for every table that has them."""
    return (
        "Committed is each contract's whole commitment, priced with its financial proxies. Expected to date "
        f"is the part due by {formatting.day(day)}, pro rata by days from the contract's start. Delivered "
        "counts verified delivery reported for periods ending in this period only, so for a contract that "
        "started before the period it can be below expected to date even when the contract is on track."
    )


def _sum(rows: Sequence, name: str) -> Decimal:
    return sum((getattr(r, name) for r in rows), Decimal(0))


def organisations_table(rows: Sequence[OrganisationValue], day: date) -> Table:
    return Table(
        key=f"{KEY}-organisations",
        shown=SHOWN,
        caption="Social value by organisation",
        columns=[
            Column("organisation", "Organisation"),
            Column("sector", "Sector"),
            Column("local", "Local", YES_NO),
            Column("contracts", "Contracts running in the period", COUNT),
            *MONEY_COLUMNS,
        ],
        rows=[
            [
                Link(r.name, reverse("reporting:organisation_recognition", kwargs={"pk": r.pk})),
                r.sector_label,
                r.is_local,
                r.contracts,
                r.committed,
                r.expected,
                r.delivered,
            ]
            for r in rows
        ],
        note=money_note(day),
        empty="No contract was running in this period.",
    )


def sector_table(
    rows: Sequence[SectorValue], day: date, *, key: str, caption: str = "Social value by sector"
) -> Table:
    """£ committed, expected and delivered by the suppliers' sector (the delivery section has it too, under a
    caption of its own: two tables named alike would be two landmarks of the same name)."""
    return Table(
        key=key,
        caption=caption,
        columns=[
            Column("sector", "Sector"),
            Column("organisations", "Organisations", COUNT),
            Column("contracts", "Contracts running in the period", COUNT),
            *MONEY_COLUMNS,
        ],
        rows=[[s.label, s.organisations, s.contracts, s.committed, s.expected, s.delivered] for s in rows],
        foot=[
            [
                "All sectors",
                sum(s.organisations for s in rows),
                sum(s.contracts for s in rows),
                _sum(rows, "committed"),
                _sum(rows, "expected"),
                _sum(rows, "delivered"),
            ]
        ]
        if len(rows) > 1
        else [],
        chart="bar",
        chart_columns=(3, 4, 5),
        note=money_note(day),
        empty="No contract was running in this period.",
    )


def figures(period: Period, *, today: date) -> list[OrganisationValue]:
    """Every organisation with a contract running in the period, with its £ for the period. Three queries."""
    return recognition(today=period.last_day(today), between=(period.start, period.end))


def organisations_delivering(period: Period) -> int:
    """Organisations with any verified delivery (a quantity above 0) in reports for periods ending in the
    period, on contracts running in it. One query."""
    return (
        verified()
        .filter(
            quantity__gt=0,
            report__period_end__range=(period.start, period.end),
            kpi__contract__start_date__lte=period.end,
            kpi__contract__end_date__gte=period.start,
        )
        .aggregate(n=Count("kpi__contract__award__bid__supplier", distinct=True))["n"]
    )


def _summary(rows: Sequence[OrganisationValue], delivering: int, day: date) -> list[str]:
    if not rows:
        return [
            "No contract was running in this period, so no organisation created social value through one."
        ]
    n = len(rows)
    sectors = by_sector(rows)
    some = (
        f"{delivering:,} of them had verified delivery"
        if delivering
        else "Not one of them had verified delivery"
    )
    paragraphs = [
        f"{n:,} organisation{'' if n == 1 else 's'} held contracts running in this period, from "
        f"{len(sectors)} sector{'' if len(sectors) == 1 else 's'}. {some} reported for periods ending in it.",
    ]
    top = max(rows, key=lambda r: (r.delivered, r.name))
    if top.delivered:
        paragraphs.append(
            f"{top.name} delivered the most social value in £: {formatting.money(top.delivered)} verified, "
            f"against {formatting.money(top.expected)} expected by {formatting.day(day)}."
        )
    return paragraphs


def section(period: Period, *, today: date, now: datetime) -> Section:
    """The section, in 4 queries whatever the data."""
    day = period.last_day(today)
    rows = figures(period, today=today)
    return Section(
        key=KEY,
        title=TITLE,
        summary=_summary(rows, organisations_delivering(period), day),
        tables=[organisations_table(rows, day), sector_table(by_sector(rows), day, key=f"{KEY}-sectors")],
    )


def headlines(period: Period, *, today: date) -> list[Headline]:
    """Organisations with verified delivery in the period. One query."""
    return [
        Headline(
            "organisations_delivering",
            "Organisations delivering social value",
            COUNT,
            organisations_delivering(period),
        )
    ]
