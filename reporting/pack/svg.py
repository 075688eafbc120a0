"""The review pack's charts, drawn on the server as SVG from a table (pure): the page and the PDF show them
with no JavaScript. They mean what static/js/charts.js's charts mean: one group a row, labelled with the
table's first column; one bar a plotted column (a series), with a legend naming them when there are several;
a table's row colours for a single series, else the series palette. A "doughnut" table is drawn as one
horizontal bar of 100%, split by row, with a legend: bars are easier to read than a ring, on paper too.

Bars run left to right from a zero line (negative values to its left), each labelled with its value as the
table shows it; a missing value draws nothing. The drawing is 640 units wide and as tall as its rows need,
and scales to its container (width="100%"), down to a 320 px phone. Text is at least 12 units high, in the
system's fonts. Presentation attributes only, no style attribute: the content security policy allows no
inline style. The chart is an image (role="img") named by its <title>, the table's caption; the table
follows it with the same figures."""

import re
import textwrap
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.html import escape

from ..arithmetic import percent
from ..charts import SERIES_COLOURS
from ..tables.base import Table

BAR, DOUGHNUT = "bar", "doughnut"
DESCRIPTION = "The figures are in the table that follows."

WIDTH = 640
PAD = 8  # around the drawing
FONT_SIZE = 14
CHAR_WIDTH = FONT_SIZE * 0.6  # a generous average, so that wrapped text fits
LINE = 20  # a line of text
BAR_HEIGHT = 18
BAR_GAP = 4  # between the bars of a group
GROUP_GAP = 10  # after a group
VALUE_SPACE = 120  # beside the bars for their value labels (13 characters: "£1,234,567.89")
VALUE_GAP = 4  # between a bar's end and its value
STACK_HEIGHT = 32
SWATCH = 14
TEXT_COLOUR = "#0b0c0c"  # GOV.UK black
FONTS = "system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif"
SVG_NAMESPACE = "http://www.w3.org/2000/svg"
# Characters XML 1.0 cannot hold, even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class Series:
    label: str  # the column's header
    values: list[Decimal | None]  # one a row; None: nothing to draw
    texts: list[str]  # one a row, as the table shows it


def _number(value: str) -> Decimal | None:
    """A cell's raw number (Cell.value), None when it has none."""
    try:
        number = Decimal(value)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _series(table: Table) -> tuple[list[str], list[Series]]:
    """The rows' labels and one series a plotted column, from the rows the page shows."""
    body = table.body
    labels = [row[0].text for row in body]
    series = [
        Series(
            label=table.columns[i].label,
            values=[_number(row[i].value) for row in body],
            texts=[row[i].text for row in body],
        )
        for i in table.chart_columns
    ]
    return labels, series


def _text(value: str) -> str:
    return escape(_NOT_XML.sub("", value))


def _n(value: float) -> str:
    """A coordinate to 2 places, without trailing zeros: 252, 133.33."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _lines(text: str, width: float) -> list[str]:
    """Text wrapped to fit `width` units (at least one line)."""
    return textwrap.wrap(text, max(1, int(width // CHAR_WIDTH))) or [""]


def _label(x: float, y: float, text: str, width: float) -> tuple[list[str], float]:
    """Text wrapped to `width` with its first baseline a line below y: its elements and the height used."""
    elements = [
        f'<text x="{_n(x)}" y="{_n(y + LINE * (i + 1) - 5)}">{_text(line)}</text>'
        for i, line in enumerate(_lines(text, width))
    ]
    return elements, LINE * len(elements)


def _legend(y: float, items: list[tuple[str, str]]) -> tuple[list[str], float]:
    """A key, one (colour, text) a line: its elements and the height used."""
    elements, top = [], y
    for colour, text in items:
        elements.append(
            f'<rect class="app-svg-chart__key" x="{PAD}" y="{_n(y + 3)}" width="{SWATCH}" height="{SWATCH}" '
            f'fill="{colour}"/>'
        )
        lines, height = _label(PAD + SWATCH + 6, y, text, WIDTH - 2 * PAD - SWATCH - 6)
        elements += lines
        y += height
    return elements, y - top


def bar_extent(value: Decimal, *, zero: float, unit: float) -> tuple[float, float]:
    """Where a bar starts (its left edge) and how wide it is: from the zero line, `unit` wide a unit of value,
    to the right for a positive value and to the left for a negative one."""
    length = float(abs(value)) * unit
    return (zero - length if value < 0 else zero), length


def value_scale(values: list[Decimal]) -> tuple[float, float, float, float]:
    """The plot's left and right edges, the zero line's x and the width of one unit of value: the values'
    range from min(0, lowest) to max(0, highest) fills the width left beside the value labels (a negative
    value's on the left, the others' on the right)."""
    low, high = min([Decimal(0), *values]), max([Decimal(0), *values])
    left = PAD + (VALUE_SPACE if low < 0 else 0)
    right = WIDTH - PAD - (VALUE_SPACE if any(v >= 0 for v in values) else 0)
    unit = (right - left) / float(high - low) if high > low else 0.0
    return left, right, left + float(-low) * unit, unit


def _bar(colour: str, value: Decimal, text: str, y: float, zero: float, unit: float) -> list[str]:
    x, width = bar_extent(value, zero=zero, unit=unit)
    if value < 0:
        label = f'<text x="{_n(x - VALUE_GAP)}" y="{_n(y + 14)}" text-anchor="end">{_text(text)}</text>'
    else:
        label = f'<text x="{_n(x + width + VALUE_GAP)}" y="{_n(y + 14)}">{_text(text)}</text>'
    rect = (
        f'<rect class="app-svg-chart__bar" x="{_n(x)}" y="{_n(y)}" width="{_n(width)}" height="{BAR_HEIGHT}" '
        f'fill="{colour}"/>'
    )
    return [rect, label]


def _group(
    table: Table, row: int, label: str, series: list[Series], y: float, scale: tuple[float, float]
) -> tuple[list[str], float]:
    """One row's group: its label, then a bar a series (a slot left empty for a missing value), with the zero
    line beside its bars (not across the labels): its elements and the height used."""
    zero, unit = scale
    start = y
    elements, height = _label(PAD, y, label, WIDTH - 2 * PAD)
    y = top = start + height
    per_row = len(series) == 1 and bool(table.chart_colours)
    colours = table.chart_colours if per_row else SERIES_COLOURS
    for index, s in enumerate(series):
        if s.values[row] is not None:
            colour = colours[(row if per_row else index) % len(colours)]
            elements += _bar(colour, s.values[row], s.texts[row], y, zero, unit)
        y += BAR_HEIGHT + BAR_GAP
    elements.append(
        f'<line class="app-svg-chart__zero" x1="{_n(zero)}" y1="{_n(top - BAR_GAP)}" x2="{_n(zero)}" '
        f'y2="{_n(y)}" stroke="{TEXT_COLOUR}" stroke-width="2"/>'
    )
    return elements, y + GROUP_GAP - start


def _bars(table: Table, labels: list[str], series: list[Series]) -> tuple[list[str], float]:
    """Horizontal bars, one group a row, one bar a series, from a zero line; a key when there are several."""
    values = [v for s in series for v in s.values if v is not None]
    if not values:
        return [], 0
    left, right, zero, unit = value_scale(values)
    elements, y = [], PAD
    if len(series) > 1:
        key, height = _legend(
            y, [(SERIES_COLOURS[i % len(SERIES_COLOURS)], s.label) for i, s in enumerate(series)]
        )
        elements += key
        y += height + GROUP_GAP
    for row, label in enumerate(labels):
        group, height = _group(table, row, label, series, y, (zero, unit))
        elements += group
        y += height
    title, height = _axis_title(table.axis_title, left, right, y)
    return [*elements, *title], y + height


def _axis_title(text: str, left: float, right: float, y: float) -> tuple[list[str], float]:
    """The value axis's title, centred under the plot."""
    middle = (left + right) / 2
    lines = _lines(text, WIDTH - 2 * PAD)
    elements = [
        f'<text class="app-svg-chart__axis" x="{_n(middle)}" y="{_n(y + LINE * (i + 1) - 5)}" '
        f'text-anchor="middle">{_text(line)}</text>'
        for i, line in enumerate(lines)
    ]
    return elements, LINE * len(lines)


def _stacked(table: Table, labels: list[str], series: list[Series]) -> tuple[list[str], float]:
    """A doughnut's figures as one bar of 100%, a segment a row (the first plotted column, values above 0),
    with a key giving each row's value and share."""
    first = series[0]
    shown = [(row, v) for row, v in enumerate(first.values) if v is not None and v > 0]
    total = sum((v for _, v in shown), Decimal(0))
    if not total:
        return [], 0
    colours = table.chart_colours or SERIES_COLOURS
    width = WIDTH - 2 * PAD
    elements, x, key = [], float(PAD), []
    for row, value in shown:
        colour = colours[row % len(colours)]
        length = float(value / total) * width
        elements.append(
            f'<rect class="app-svg-chart__segment" x="{_n(x)}" y="{PAD}" width="{_n(length)}" '
            f'height="{STACK_HEIGHT}" fill="{colour}" stroke="#ffffff" stroke-width="1"/>'
        )
        key.append((colour, f"{labels[row]}: {first.texts[row]} ({percent(value, total)}%)"))
        x += length
    y = PAD + STACK_HEIGHT
    elements += [
        f'<text x="{PAD}" y="{y + 16}">0%</text>',
        f'<text x="{WIDTH - PAD}" y="{y + 16}" text-anchor="end">100%</text>',
    ]
    y += LINE
    title, height = _axis_title(f"{first.label}, share of the total (%)", PAD, WIDTH - PAD, y)
    y += height + GROUP_GAP
    legend, height = _legend(y, key)
    return [*elements, *title, *legend], y + height


def chart_id(table: Table) -> str:
    """The chart's id, from the table's key (unique in the pack): letters, digits, - and _ only."""
    return "chart-" + re.sub(r"[^A-Za-z0-9_-]", "-", table.key)


def chart(table: Table) -> str:
    """The table's chart as an SVG element (a str for the template to mark safe: every text in it is
    escaped), or "" when the table has no chart or nothing to plot."""
    if table.chart not in (BAR, DOUGHNUT) or not table.chart_columns:
        return ""
    labels, series = _series(table)
    draw = _stacked if table.chart == DOUGHNUT else _bars
    elements, height = draw(table, labels, series)
    if not elements:
        return ""
    name = chart_id(table)
    height = height + PAD
    return "\n".join(
        [
            f'<svg xmlns="{SVG_NAMESPACE}" class="app-svg-chart" viewBox="0 0 {WIDTH} {_n(height)}" '
            f'width="100%" role="img" aria-labelledby="{name}-title {name}-desc" font-family="{FONTS}" '
            f'font-size="{FONT_SIZE}" fill="{TEXT_COLOUR}">',
            f'<title id="{name}-title">{_text(table.caption)}</title>',
            f'<desc id="{name}-desc">{DESCRIPTION}</desc>',
            *elements,
            "</svg>",
        ]
    )
