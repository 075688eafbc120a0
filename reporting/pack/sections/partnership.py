"""The partnership (section "partnership"): who sat on the board at the period's end, by sector and by
organisation, and who joined and left in the period.

A member is a person: someone sitting for two organisations counts once in a total, and once for each
organisation. The names of those who joined and left are personal data, so that table is left out of the
pack's public version; the summary gives only the counts."""

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, Q

from knowsley_sv import formatting
from outcomes.models import BoardMembership, Organisation

from ...tables.base import COUNT, DATE, Column, Table
from ..period import Period
from ..words import plural
from .base import Headline, Section

KEY, TITLE = "partnership", "The partnership"
JOINED, LEFT = "Joined", "Left"

AT_END = "On {day} the board had {members} from {organisations}."
NOBODY = "Nobody sat on the board on {day}."
CHANGES = "In the period, {joined} joined and {left} left."


# --- Pure -----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Change:
    kind: str  # JOINED or LEFT
    on: date
    name: str
    organisation: str
    board_role: str


def changes(memberships: list[BoardMembership], period: Period) -> list[Change]:
    """Each seat taken or given up in the period, by date, joiners first on a day, then by name; a seat both
    taken and given up in it is two changes."""
    found = []
    for m in memberships:
        for kind, on in ((JOINED, m.started_on), (LEFT, m.ended_on)):
            if on is not None and period.start <= on <= period.end:
                found.append(Change(kind, on, str(m.person), m.organisation.name, m.get_board_role_display()))
    return sorted(found, key=lambda c: (c.on, c.kind != JOINED, c.name, c.organisation))


def sector_table(by_sector: dict[str, tuple[int, int]], totals: tuple[int, int]) -> Table:
    """Every sector, in the order the service lists them, with its members and organisations."""
    return Table(
        key=f"{KEY}-sectors",
        caption="Board members by sector at the end of the period",
        columns=[
            Column("sector", "Sector"),
            Column("members", "Members", COUNT),
            Column("organisations", "Organisations", COUNT),
        ],
        rows=[[label, *by_sector.get(value, (0, 0))] for value, label in Organisation.Sector.choices],
        foot=[["All sectors", *totals]],
        chart="bar",
        chart_columns=(1, 2),
        note="Someone sitting for organisations in two sectors counts in each, and once in the total.",
    )


def organisation_table(rows: list[tuple[str, str, int]]) -> Table:
    return Table(
        key=f"{KEY}-organisations",
        caption="Board members by organisation at the end of the period",
        columns=[
            Column("organisation", "Organisation"),
            Column("sector", "Sector"),
            Column("members", "Members", COUNT),
        ],
        rows=[[name, Organisation.Sector(sector).label, n] for name, sector, n in rows],
        empty="No organisation had a member on the board at the end of the period.",
    )


def changes_table(found: list[Change]) -> Table:
    return Table(
        key=f"{KEY}-changes",
        caption="Who joined and left the board in the period",
        columns=[
            Column("change", "Change"),
            Column("name", "Name"),
            Column("organisation", "Organisation"),
            Column("board_role", "Board role"),
            Column("date", "Date", DATE),
        ],
        rows=[[c.kind, c.name, c.organisation, c.board_role, c.on] for c in found],
        empty="Nobody joined or left the board in the period.",
        public=False,  # people's names
    )


# --- Reads ----------------------------------------------------------------------------------------------
def _at_end(period: Period, today: date):
    return BoardMembership.objects.current(on=period.last_day(today))


def _totals(period: Period, today: date) -> tuple[int, int]:
    """Members and organisations on the board at the period's end, or today while it runs on (one query)."""
    row = _at_end(period, today).aggregate(
        members=Count("person", distinct=True), organisations=Count("organisation", distinct=True)
    )
    return row["members"], row["organisations"]


def section(period: Period, *, today: date, now: datetime) -> Section:
    """The board at the period's end by sector and organisation, and who joined and left in it. Four
    queries."""
    at_end = _at_end(period, today).order_by()
    by_sector = {
        sector: (members, organisations)
        for sector, members, organisations in at_end.values_list("organisation__sector").annotate(
            members=Count("person", distinct=True), organisations=Count("organisation", distinct=True)
        )
    }
    by_organisation = sorted(  # by name as people read it, whatever the database's collation
        at_end.values_list("organisation__name", "organisation__sector").annotate(
            n=Count("person", distinct=True)
        ),
        key=lambda row: (row[0].casefold(), row[0]),
    )
    totals = _totals(period, today)
    in_period = Q(started_on__range=(period.start, period.end)) | Q(
        ended_on__range=(period.start, period.end)
    )
    found = changes(
        list(BoardMembership.objects.filter(in_period).select_related("person", "organisation")), period
    )
    members, organisations = totals
    day = formatting.day(period.last_day(today))
    summary = [
        AT_END.format(
            day=day,
            members=plural(members, "member", "members"),
            organisations=plural(organisations, "organisation", "organisations"),
        )
        if members
        else NOBODY.format(day=day),
        CHANGES.format(
            joined=f"{sum(1 for c in found if c.kind == JOINED):,}",
            left=f"{sum(1 for c in found if c.kind == LEFT):,}",
        ),
    ]
    return Section(
        key=KEY,
        title=TITLE,
        summary=summary,
        tables=[sector_table(by_sector, totals), organisation_table(by_organisation), changes_table(found)],
    )


def headlines(period: Period, *, today: date) -> list[Headline]:
    """Members and organisations on the board at the period's end. One query."""
    members, organisations = _totals(period, today)
    return [
        Headline("board_members", "Board members at the end of the period", COUNT, members),
        Headline("board_organisations", "Organisations on the board", COUNT, organisations),
    ]
