"""A review pack as JSON, to freeze it when the board approves it, and back (pure).

Every figure keeps its type through the round trip (Decimal, date, Link), so a frozen pack renders and
downloads exactly as it did live: the same template draws it from the same Table objects. The charts are
stored as they were drawn. The public version is the frozen pack less every table marked not public (people's
names, one named supplier's performance) and their charts.
"""

from dataclasses import dataclass, field, fields
from datetime import date, datetime
from decimal import Decimal

from ..tables.base import Column, Figure, Link, Table
from .period import Period
from .sections.base import Section

FORMAT = 1


@dataclass
class Pack:
    period: Period
    previous: Period
    as_at: date  # the day "expected to date" and RAG are worked out for: the period's end, or today if sooner
    built_at: datetime
    sections: list[Section]
    charts: dict[str, str] = field(default_factory=dict)  # table key -> SVG

    def tables(self) -> dict[str, Table]:
        return {t.key: t for s in self.sections for t in s.tables}

    def public(self) -> "Pack":
        """The version anyone may read: every table marked not public left out, with its chart."""
        kept = [
            Section(s.key, s.title, list(s.summary), [t for t in s.tables if t.public]) for s in self.sections
        ]
        keys = {t.key for s in kept for t in s.tables}
        return Pack(
            self.period,
            self.previous,
            self.as_at,
            self.built_at,
            kept,
            {k: v for k, v in self.charts.items() if k in keys},
        )


def _value(value):
    if isinstance(value, Decimal):
        return {"decimal": str(value)}
    if isinstance(value, datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, date):
        return {"date": value.isoformat()}
    if isinstance(value, Link):
        return {"link": [value.text, value.url]}
    if isinstance(value, Figure):
        return {"figure": [_value(value.value), value.kind]}
    if value is None or isinstance(value, bool | int | str):
        return value
    raise TypeError(f"A review pack cannot store a {type(value).__name__}: {value!r}")


def _from_value(value):
    if not isinstance(value, dict):
        return value
    ((kind, raw),) = value.items()
    return {
        "decimal": Decimal,
        "datetime": datetime.fromisoformat,
        "date": date.fromisoformat,
        "link": lambda pair: Link(*pair),
        "figure": lambda pair: Figure(_from_value(pair[0]), pair[1]),
    }[kind](raw)


_TABLE_SCALARS = [f.name for f in fields(Table) if f.name not in ("columns", "rows", "foot")]


def table_json(table: Table) -> dict:
    data = {name: getattr(table, name) for name in _TABLE_SCALARS}
    data["chart_columns"], data["chart_colours"] = list(table.chart_columns), list(table.chart_colours)
    data["columns"] = [[c.key, c.label, c.kind] for c in table.columns]
    data["rows"] = [[_value(v) for v in row] for row in table.rows]
    data["foot"] = [[_value(v) for v in row] for row in table.foot]
    return data


def table_from_json(data: dict) -> Table:
    scalars = {name: data[name] for name in _TABLE_SCALARS if name in data}
    scalars["chart_columns"], scalars["chart_colours"] = (
        tuple(scalars.get("chart_columns", ())),
        tuple(scalars.get("chart_colours", ())),
    )
    return Table(
        columns=[Column(*c) for c in data["columns"]],
        rows=[[_from_value(v) for v in row] for row in data["rows"]],
        foot=[[_from_value(v) for v in row] for row in data["foot"]],
        **scalars,
    )


def dump(pack: Pack) -> dict:
    return {
        "format": FORMAT,
        "period": pack.period.as_json(),
        "previous": pack.previous.as_json(),
        "as_at": pack.as_at.isoformat(),
        "built_at": pack.built_at.isoformat(),
        "sections": [
            {
                "key": s.key,
                "title": s.title,
                "summary": list(s.summary),
                "tables": [table_json(t) for t in s.tables],
            }
            for s in pack.sections
        ],
        "charts": dict(pack.charts),
    }


def load(data: dict) -> Pack:
    if data.get("format") != FORMAT:
        raise ValueError(f"A review pack stored in format {data.get('format')!r}, not {FORMAT}.")
    return Pack(
        period=Period.from_json(data["period"]),
        previous=Period.from_json(data["previous"]),
        as_at=date.fromisoformat(data["as_at"]),
        built_at=datetime.fromisoformat(data["built_at"]),
        sections=[
            Section(s["key"], s["title"], list(s["summary"]), [table_from_json(t) for t in s["tables"]])
            for s in data["sections"]
        ],
        charts=dict(data["charts"]),
    )
