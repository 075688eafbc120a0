"""The review pack's SVG charts: valid SVG named by the table's caption, bars whose lengths are worked out by
hand (the dashboard's own tables, with the figures of tests/reporting/dataset.py), negative values left of the
zero line, missing values not drawn, hostile labels escaped, and no chart where there is nothing to plot."""

import dataclasses
import xml.etree.ElementTree as ET
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from procurement import delivery
from reporting.charts import RAG_COLOURS, SERIES_COLOURS, WEIGHTING_COLOURS
from reporting.pack import svg
from reporting.selectors.consultations import Priorities, PriorityRow
from reporting.selectors.contracts import ContractStatus, WeightGroup, Weighting
from reporting.selectors.social_value import OutcomeValue
from reporting.tables import dashboard as tables
from reporting.tables.base import COUNT, MONEY_GBP, POINTS, Column, Link, Table

D = Decimal
NS = {"svg": "http://www.w3.org/2000/svg"}
SVG = "{http://www.w3.org/2000/svg}"
# With no negative value, bars run from x = 8 (the margin) to 512 (640 less the margin and 120 for the value
# labels): 504 units for the largest value.
PLOT = 504


def parse(out: str) -> ET.Element:
    """The chart as XML (it fails on anything that is not well-formed)."""
    return ET.fromstring(out)  # noqa: S314 - our own output, under test; no entities, no DTD


def parsed(table: Table) -> ET.Element:
    return parse(svg.chart(table))


def bars(root: ET.Element) -> list[tuple[float, float, str]]:
    """(x, width, fill) of each bar, top to bottom."""
    return [
        (float(r.get("x")), float(r.get("width")), r.get("fill"))
        for r in root.iterfind("svg:rect", NS)
        if r.get("class") == "app-svg-chart__bar"
    ]


def texts(root: ET.Element) -> list[str]:
    return [t.text for t in root.iterfind("svg:text", NS)]


def counts(rows: list[list], **options) -> Table:
    options = {"chart": "bar", "chart_columns": (1,), **options}
    return Table(
        key="counts",
        caption="Contracts by organisation",
        columns=[Column("organisation", "Organisation"), Column("contracts", "Contracts", COUNT)],
        rows=rows,
        **options,
    )


# The dataset's social value by outcome (tests/reporting/test_selectors.py works it out): committed outcome 1
# £12,000, 2 £1,250, 6 £1,000, none for 3 to 5; delivered and verified 1 £10,000, 2 £1,200, 6 £750.
DATASET_SOCIAL_VALUE = [
    OutcomeValue(1, "Skills", D("12000.00"), D("10000.00")),
    OutcomeValue(2, "Demand", D("1250.00"), D("1200.00")),
    OutcomeValue(3, "Volunteers", D("0.00"), D("0.00"), without_proxy=1),
    OutcomeValue(4, "Businesses", D("0.00"), D("0.00")),
    OutcomeValue(5, "Investment", D("0.00"), D("0.00")),
    OutcomeValue(6, "Decisions", D("1000.00"), D("750.00")),
]


def test_a_chart_is_an_image_named_by_the_tables_caption():
    out = svg.chart(counts([["Merseyside Care Trust", 1]]))
    root = parse(out)  # valid XML
    assert root.tag == f"{SVG}svg"
    assert {e.tag.split("}")[0] + "}" for e in root.iter()} == {SVG}  # every element in the SVG namespace
    assert root.get("role") == "img" and root.get("width") == "100%"
    title_id, desc_id = root.get("aria-labelledby").split()
    assert root.find(f"svg:title[@id='{title_id}']", NS).text == "Contracts by organisation"
    assert root.find(f"svg:desc[@id='{desc_id}']", NS).text == "The figures are in the table that follows."
    assert (title_id, desc_id) == ("chart-counts-title", "chart-counts-desc")
    # no style attribute or element (the content security policy allows no inline style), no script
    assert "style" not in out and "script" not in out
    # 640 wide; the 8 margin, one group (label 20, bar 18 + 4, gap 10), the axis title 20, the margin 8
    assert root.get("viewBox") == "0 0 640 88"
    assert root.get("font-size") == "14" and "font-size" not in out.split(">", 1)[1]  # nothing smaller


def test_a_value_of_half_the_largest_draws_half_the_length_and_a_missing_value_draws_nothing():
    root = parsed(
        counts([["Kirkby Kitchens Ltd", 100], ["Merseyside Care Trust", 200], ["Idle Partners", None]])
    )
    assert bars(root) == [(8, PLOT / 2, SERIES_COLOURS[0]), (8, PLOT, SERIES_COLOURS[0])]
    # labels: each group by its first column, each bar by its value as the table shows it, the axis's title
    assert texts(root) == [
        "Kirkby Kitchens Ltd",
        "100",
        "Merseyside Care Trust",
        "200",
        "Idle Partners",
        "Contracts (number)",
    ]
    # a value label sits just past its bar's end
    value_labels = [t for t in root.iterfind("svg:text", NS) if t.text in ("100", "200")]
    assert [float(t.get("x")) for t in value_labels] == [8 + PLOT / 2 + 4, 8 + PLOT + 4]
    # three groups of one bar slot each: 8 + 3 × 52 + 20 + 8
    assert root.get("viewBox") == "0 0 640 192"


def test_the_dashboards_social_value_table_draws_committed_and_delivered_for_each_outcome():
    root = parsed(tables.social_value_table(DATASET_SOCIAL_VALUE))
    # £12,000 committed to outcome 1 is the longest bar: 504 units, 0.042 a pound
    committed, delivered = SERIES_COLOURS[:2]
    assert bars(root) == [
        (8, 504, committed),
        (8, 420, delivered),  # £10,000
        (8, 52.5, committed),  # £1,250
        (8, 50.4, delivered),  # £1,200
        (8, 0, committed),
        (8, 0, delivered),
        (8, 0, committed),
        (8, 0, delivered),
        (8, 0, committed),
        (8, 0, delivered),
        (8, 42, committed),  # £1,000
        (8, 31.5, delivered),  # £750
    ]
    words = texts(root)
    # a key names the two series in their colours; the totals row (the table's foot) is not drawn
    assert words[:2] == ["Committed", "Delivered, verified"]
    assert [k.get("fill") for k in root.iterfind("svg:rect[@class='app-svg-chart__key']", NS)] == [
        committed,
        delivered,
    ]
    assert words[2:5] == ["Outcome 1", "£12,000", "£10,000"] and words[-1] == "Pounds (£)"
    assert "All outcomes" not in words


def test_a_negative_value_is_drawn_left_of_the_zero_line():
    # The dataset's gap between tenders and residents (tenders − residents, points): outcome 1 +10.0, 2 +3.3,
    # 3 0.0, 4 +3.3, 5 -10.0, 6 -6.7. Value labels take 120 on either side: the plot is 128 to 512, 384 for
    # 20 points (19.2 a point), so the zero line is at 320.
    residents = {1: 30, 2: 10, 3: 20, 4: 10, 5: 10, 6: 20}
    tenders = {1: D("40.0"), 2: D("13.3"), 3: D("20.0"), 4: D("13.3"), 5: D("0.0"), 6: D("13.3")}
    rows = [
        PriorityRow(n, f"Title {n}", residents[n], tenders[n], tenders[n] - residents[n]) for n in range(1, 7)
    ]
    table = tables.priorities_table(Priorities(None, 10, True, 2, D("300000.00"), rows))
    root = parsed(dataclasses.replace(table, chart_columns=(4,)))
    assert bars(root) == [
        (320, 192, SERIES_COLOURS[0]),  # +10.0
        (320, 63.36, SERIES_COLOURS[0]),  # +3.3
        (320, 0, SERIES_COLOURS[0]),
        (320, 63.36, SERIES_COLOURS[0]),
        (128, 192, SERIES_COLOURS[0]),  # -10.0: from 128 to the zero line
        (191.36, 128.64, SERIES_COLOURS[0]),  # -6.7
    ]
    zero_lines = {float(line.get("x1")) for line in root.iterfind("svg:line", NS)}
    assert zero_lines == {320}
    minus_ten = next(t for t in root.iterfind("svg:text", NS) if t.text == "-10.0")
    assert (float(minus_ten.get("x")), minus_ten.get("text-anchor")) == (124, "end")  # left of its bar
    assert texts(root)[-1] == "Per cent (%)"


def test_a_doughnut_is_one_bar_of_100_percent_with_a_key():
    # The dataset's contracts: A (£150,000) let with a 20% social value weight, B (£40,000) with none.
    weighting = Weighting(
        WeightGroup(1, D("150000.00"), 20, D("3000000.00")), WeightGroup(1, D("40000.00"), 0, D(0))
    )
    root = parsed(tables.weighting_table(weighting))
    segments = [
        (float(r.get("x")), float(r.get("width")), r.get("fill"))
        for r in root.iterfind("svg:rect[@class='app-svg-chart__segment']", NS)
    ]
    width = 624  # 640 less the margins
    assert segments == [
        (8, round(width * 150 / 190, 2), WEIGHTING_COLOURS[0]),
        (8 + round(width * 150 / 190, 2), round(width * 40 / 190, 2), WEIGHTING_COLOURS[1]),
    ]
    assert bars(root) == []
    assert texts(root) == [
        "0%",
        "100%",
        "Value, share of the total (%)",
        "With a social value weight: £150,000 (78.9%)",
        "Without a social value weight: £40,000 (21.1%)",
    ]
    nothing = WeightGroup(0, D(0), 0, D(0))
    assert svg.chart(tables.weighting_table(Weighting(nothing, nothing))) == ""


def test_a_single_series_takes_the_tables_row_colours():
    statuses = [delivery.RED, delivery.RED, delivery.AMBER, delivery.GREEN]
    table = tables.rag_table(
        [ContractStatus(i, f"K-{i}", "Title", "Supplier", s) for i, s in enumerate(statuses)]
    )
    root = parsed(table)
    assert [(w, fill) for _, w, fill in bars(root)] == [
        (PLOT, RAG_COLOURS[0]),
        (PLOT / 2, RAG_COLOURS[1]),
        (PLOT / 2, RAG_COLOURS[2]),
        (0, RAG_COLOURS[3]),
    ]
    assert root.find("svg:rect[@class='app-svg-chart__key']", NS) is None  # one series: no key
    assert texts(root)[:2] == ["Red", "2"]


def test_hostile_labels_are_escaped_and_the_chart_still_parses():
    hostile = '<script>alert("x")</script> & Sons ٣٤ \x0b'
    table = Table(
        key="hostile <key>",
        caption="Fish & chips <b>",
        columns=[
            Column("name", "Name"),
            Column("value", 'Value "£" & <i>', MONEY_GBP),
            Column("n", "N", COUNT),
        ],
        rows=[[Link(hostile, "/x/"), D("12.50"), 3]],
        chart="bar",
        chart_columns=(1, 2),
    )
    out = svg.chart(table)
    assert "<script>" not in out and "<b>" not in out and "<i>" not in out
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Sons ٣٤" in out
    root = parse(out)
    assert texts(root)[:3] == ['Value "£" & <i>', "N", '<script>alert("x")</script> & Sons ٣٤']
    assert root.find("svg:title", NS).text == "Fish & chips <b>"
    assert root.get("aria-labelledby") == "chart-hostile--key--title chart-hostile--key--desc"


def test_no_chart_without_a_chart_or_anything_to_plot():
    assert svg.chart(counts([["A", 1]], chart_columns=())) == ""
    assert svg.chart(dataclasses.replace(counts([["A", 1]]), chart="")) == ""
    assert svg.chart(dataclasses.replace(counts([["A", 1]]), chart="pie")) == ""
    assert svg.chart(counts([])) == ""
    assert svg.chart(counts([["A", None], ["B", None]])) == ""
    assert svg.chart(counts([["A", 0]])) != ""  # a zero is a figure


def test_only_the_rows_the_page_shows_are_drawn():
    root = parsed(counts([["A", 1], ["B", 2], ["C", 3]], shown=2))
    assert [t for t in texts(root) if t in "ABC"] == ["A", "B"]


def test_a_long_label_wraps_and_the_chart_grows_to_fit():
    label = (
        "Contract value with local organisations, small and medium-sized enterprises and voluntary groups "
        * 2
    )
    short, long = parsed(counts([["A", 1]])), parsed(counts([[label.strip(), 1]]))
    lines = [t for t in texts(long) if t not in ("1", "Contracts (number)")]
    assert len(lines) == 3 and " ".join(lines) == label.strip()
    assert all(len(line) * svg.CHAR_WIDTH <= 624 for line in lines)
    assert float(long.get("viewBox").split()[3]) == float(short.get("viewBox").split()[3]) + 2 * svg.LINE


values = st.lists(
    st.one_of(st.none(), st.integers(-10_000, 10_000).map(lambda n: D(n).scaleb(-1))), min_size=1, max_size=8
)


@settings(max_examples=100)
@given(values=values)
def test_every_bar_runs_from_the_zero_line_in_proportion_to_its_value(values):
    table = Table(
        key="points",
        caption="Points",
        columns=[Column("row", "Row"), Column("points", "Points", POINTS)],
        rows=[[f"Row {i}", v] for i, v in enumerate(values)],
        chart="bar",
        chart_columns=(1,),
    )
    out = svg.chart(table)
    drawn = [v for v in values if v is not None]
    if not drawn:
        assert out == ""
        return
    root = parse(out)
    (zero,) = {float(line.get("x1")) for line in root.iterfind("svg:line", NS)}
    left, right, scale_zero, unit = svg.value_scale(drawn)
    assert zero == round(scale_zero, 2)
    assert svg.PAD <= left <= zero <= right <= svg.WIDTH - svg.PAD
    assert len(bars(root)) == len(drawn)
    for (x, width, _), value in zip(bars(root), drawn, strict=True):
        assert abs(width - float(abs(value)) * unit) <= 0.01
        if value < 0:
            assert abs(x + width - zero) <= 0.02 and x >= left - 0.01
        else:
            assert x == zero and x + width <= right + 0.01
