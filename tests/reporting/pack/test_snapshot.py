"""The review pack frozen as JSON and back (pure): every figure keeps its type, so a frozen pack renders and
downloads as it did live; the public version leaves out the tables that are not for everyone; the period and
the period before."""

import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from hypothesis import given
from hypothesis import strategies as st

from reporting.pack import snapshot
from reporting.pack.build import change, year_on_year_section
from reporting.pack.period import Period
from reporting.pack.sections.base import Headline, Section
from reporting.tables.base import COUNT, FIGURE, MONEY_GBP, PERCENT, POINTS, Column, Figure, Link, Table


def _table(key="delivery-red", public=True) -> Table:
    return Table(
        key=key,
        caption="Contracts at red",
        columns=[
            Column("contract", "Contract"),
            Column("value_gbp", "Value", MONEY_GBP),
            Column("start", "Start", "date"),
            Column("figure", "Figure", FIGURE),
            Column("n", "Number", COUNT),
        ],
        rows=[
            [Link("KSV-1: Meals <script>", "/contracts/1/"), Decimal("1234.50"), date(2025, 7, 1), None, 3],
            ["Ward ٣", Decimal("0.01"), date(2026, 3, 31), Figure(Decimal("12.5"), PERCENT), 0],
        ],
        foot=[["All", Decimal("1234.51"), None, Figure(2, COUNT), 3]],
        chart="bar",
        chart_columns=(1, 4),
        chart_colours=("#d4351c",),
        note="A note",
        shown=25,
        public=public,
    )


def _pack(*tables: Table) -> snapshot.Pack:
    period = Period.financial_year(2025)
    return snapshot.Pack(
        period,
        period.previous(),
        date(2026, 3, 31),
        datetime(2026, 5, 1, 9, 30, tzinfo=UTC),
        [Section("delivery", "What was promised and delivered", ["3 contracts."], list(tables))],
        {t.key: f"<svg>{t.key}</svg>" for t in tables},
    )


def test_a_pack_round_trips_through_json_with_every_type_kept():
    pack = _pack(_table(), _table("delivery-other"))
    stored = json.loads(json.dumps(snapshot.dump(pack), cls=DjangoJSONEncoder))
    again = snapshot.load(stored)
    assert again == pack
    row = again.sections[0].tables[0].rows[0]
    assert isinstance(row[0], Link) and isinstance(row[1], Decimal) and isinstance(row[2], date)
    assert again.sections[0].tables[0].rows[1][3] == Figure(Decimal("12.5"), PERCENT)


def test_a_stored_pack_of_another_format_is_refused():
    stored = snapshot.dump(_pack(_table()))
    stored["format"] = 99
    with pytest.raises(ValueError, match="format 99"):
        snapshot.load(stored)


def test_a_value_json_cannot_hold_is_refused_not_stored_as_text():
    table = _table()
    table.rows[0][4] = 2.5  # a float: money and counts are Decimal or int
    with pytest.raises(TypeError, match="float"):
        snapshot.dump(_pack(table))


def test_the_public_version_leaves_out_tables_not_for_everyone_and_their_charts():
    pack = _pack(_table("delivery-rag"), _table("delivery-red", public=False))
    public = pack.public()
    assert [t.key for t in public.sections[0].tables] == ["delivery-rag"]
    assert set(public.charts) == {"delivery-rag"}
    assert public.sections[0].summary == ["3 contracts."]
    assert [t.key for t in pack.sections[0].tables] == ["delivery-rag", "delivery-red"]  # unchanged


amounts = st.decimals(min_value=-(10**9), max_value=10**9, places=2, allow_nan=False)


@given(st.lists(st.one_of(amounts, st.integers(), st.none(), st.text(max_size=20), st.dates()), max_size=8))
def test_any_row_of_figures_round_trips(values):
    table = Table("t", "T", [Column(f"c{i}", f"C{i}") for i in range(len(values))], [list(values)])
    assert snapshot.table_from_json(json.loads(json.dumps(snapshot.table_json(table)))) == table


def test_the_period_before_a_financial_year_is_the_year_before():
    year = Period.financial_year(2025)
    assert (year.start, year.end, year.label) == (
        date(2025, 4, 1),
        date(2026, 3, 31),
        "Financial year April 2025 to March 2026",
    )
    assert year.previous() == Period.financial_year(2024)
    assert year.days == 365 and year.financial_year_of == 2025


def test_the_period_since_the_last_review_and_the_as_many_days_before():
    since = Period.since(date(2025, 12, 1), date(2026, 5, 31))
    assert (since.start, since.end, since.days) == (date(2025, 12, 2), date(2026, 5, 31), 181)
    assert since.financial_year_of is None
    before = since.previous()
    assert (before.start, before.end, before.days) == (date(2025, 6, 4), date(2025, 12, 1), 181)
    assert before.label == "4 June 2025 to 1 December 2025"


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 1, 1)), st.integers(0, 800))
def test_the_period_before_ends_the_day_before_and_is_as_long(last_review, days):
    period = Period.since(last_review, last_review + timedelta(days=days + 1))
    before = period.previous()
    assert (period.start - before.end).days == 1 and before.days == period.days


def test_year_on_year_puts_each_headline_beside_the_period_before():
    period = Period.financial_year(2025)
    this = [
        Headline("tenders", "Tenders published", COUNT, 12),
        Headline("value", "Estimated value of tenders published", MONEY_GBP, Decimal("1500000.00")),
        Headline("median", "Median social value weight", PERCENT, Decimal("15.0")),
        Headline("new", "Contracts at red", COUNT, 2),
    ]
    before = [
        Headline("tenders", "Tenders published", COUNT, 9),
        Headline("value", "Estimated value of tenders published", MONEY_GBP, Decimal("1750000.00")),
        Headline("median", "Median social value weight", PERCENT, Decimal("12.5")),
    ]
    (table,) = year_on_year_section(period, period.previous(), this, before).tables
    assert [[c.text for c in row] for row in table.body] == [
        ["Tenders published", "12", "9", "3"],
        ["Estimated value of tenders published", "£1,500,000", "£1,750,000", "-£250,000"],
        ["Median social value weight", "15.0%", "12.5%", "+2.5"],
        ["Contracts at red", "2", "—", "—"],
    ]
    assert [c.label for c in table.columns][1:3] == [
        "Financial year April 2025 to March 2026",
        "Financial year April 2024 to March 2025",
    ]
    assert table.export_rows()[2] == [
        "Median social value weight",
        Decimal("15.0"),
        Decimal("12.5"),
        Decimal("2.5"),
    ]


def test_a_change_in_a_percentage_is_in_points():
    assert change(Figure(Decimal("10"), PERCENT), Figure(Decimal("12.5"), PERCENT)) == Figure(
        Decimal("-2.5"), POINTS
    )
    assert change(Figure(None, COUNT), Figure(3, COUNT)) == Figure(None, COUNT)
