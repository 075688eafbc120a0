"""Columns, cells and tables: a figure as the page shows it (formatted, with the raw number for its chart) and
as a download holds it (numbers stay numbers, dates stay dates)."""

from dataclasses import dataclass, field

from knowsley_sv import formatting

TEXT, OUTCOME, MONEY_GBP, PERCENT, POINTS, COUNT, DATE, YES_NO, FIGURE = (
    "text",
    "outcome",
    "money",
    "percent",
    "points",
    "count",
    "date",
    "yes_no",
    "figure",  # a column whose cells are Figures, each with a kind of its own (year on year)
)
NUMERIC_KINDS = {MONEY_GBP, PERCENT, POINTS, COUNT, FIGURE}
NOT_APPLICABLE = "—"


@dataclass(frozen=True)
class Column:
    key: str  # the download's header
    label: str  # the page's header
    kind: str = TEXT

    @property
    def numeric(self) -> bool:
        return self.kind in NUMERIC_KINDS


@dataclass(frozen=True)
class Link:
    text: str
    url: str

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Figure:
    """A number with its own kind, in a column of mixed figures (£ in one row, a count in the next)."""

    value: object
    kind: str


@dataclass(frozen=True)
class Cell:
    text: str
    numeric: bool
    value: str = ""  # the raw number, for charts
    url: str = ""


def display(value, kind: str) -> str:
    """A figure as the page shows it."""
    if isinstance(value, Figure):
        return display(value.value, value.kind)
    if value is None:
        return NOT_APPLICABLE
    if isinstance(value, str | Link):
        return str(value)
    if kind == OUTCOME:
        return f"Outcome {value}"
    if kind == MONEY_GBP:
        return formatting.money(value)
    if kind == PERCENT:
        return formatting.percentage(value)
    if kind == POINTS:
        return "0.0" if value == 0 else f"{value:+.1f}"
    if kind == COUNT:
        return f"{value:,}"
    if kind == DATE:
        return formatting.day(value)
    if kind == YES_NO:
        return "Yes" if value else "No"
    return str(value)


def exported(value, kind: str):
    """A figure as the download holds it: numbers stay numbers, dates stay dates."""
    if isinstance(value, Link):
        return value.text
    if isinstance(value, Figure):
        return exported(value.value, value.kind)
    if kind == YES_NO and isinstance(value, bool):
        return "yes" if value else "no"
    return value


def _raw(value) -> str:
    """A numeric cell's number, for charts ("" when there is none)."""
    if isinstance(value, Figure):
        return _raw(value.value)
    return "" if value is None or isinstance(value, str) else str(value)


@dataclass
class Table:
    key: str
    caption: str
    columns: list[Column]
    rows: list[list]
    foot: list[list] = field(default_factory=list)
    chart: str = ""  # "bar" or "doughnut": drawn from the table by static/js/charts.js
    chart_columns: tuple[int, ...] = ()
    chart_colours: tuple[str, ...] = ()  # one a row, for a single series
    chart_axis: str = ""  # the value axis's title with its unit (by default from the plotted columns' kind)
    note: str = ""
    empty: str = "There are no figures for these filters."
    shown: int | None = None  # the page shows the first `shown` rows (None: all); downloads have every row
    # In a review pack's public version? False for personal data (people's names) and commercially
    # confidential figures (one supplier's performance: named contracts at red, their ratings).
    public: bool = True

    def _cells(self, row: list) -> list[Cell]:
        return [
            Cell(
                text=display(value, column.kind),
                numeric=column.numeric,
                value=_raw(value) if column.numeric else "",
                url=value.url if isinstance(value, Link) else "",
            )
            for value, column in zip(row, self.columns, strict=True)
        ]

    @property
    def body(self) -> list[list[Cell]]:
        return [self._cells(row) for row in self.rows[: self.shown]]

    @property
    def not_shown(self) -> int:
        """Rows left off the page (they are in the downloads)."""
        return 0 if self.shown is None else max(0, len(self.rows) - self.shown)

    @property
    def footer(self) -> list[list[Cell]]:
        return [self._cells(row) for row in self.foot]

    @property
    def header(self) -> list[str]:
        return [c.key for c in self.columns]

    def export_rows(self) -> list[list]:
        return [
            [exported(v, c.kind) for v, c in zip(row, self.columns, strict=True)]
            for row in [*self.rows, *self.foot]
        ]

    @property
    def chart_columns_attr(self) -> str:
        return " ".join(str(c) for c in self.chart_columns)

    @property
    def axis_title(self) -> str:
        """The chart's value axis: its quantity and unit, from the plotted columns unless told."""
        if self.chart_axis:
            return self.chart_axis
        plotted = [self.columns[i] for i in self.chart_columns]
        kinds = {c.kind for c in plotted}
        if kinds == {MONEY_GBP}:
            return "Pounds (£)"
        if kinds <= {PERCENT, POINTS}:
            return "Per cent (%)"
        if kinds == {COUNT} and len(plotted) == 1:
            return f"{plotted[0].label} (number)"
        return "Number"

    @property
    def chart_colours_attr(self) -> str:
        return " ".join(self.chart_colours)
