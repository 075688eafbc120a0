"""Chart colours stand out from the page at 3:1 or more (WCAG 1.4.11): the contrast arithmetic worked by
hand, and every colour a chart can draw in (static/js/charts.js's palette and the tables' own colours)."""

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings

from reporting import charts
from reporting.selectors.contracts import WeightGroup, Weighting
from reporting.tables import dashboard as tables


def test_contrast_ratio_matches_wcag():
    assert charts.contrast_ratio("#000000", "#ffffff") == pytest.approx(21)
    assert charts.contrast_ratio("#fff", "#ffffff") == pytest.approx(1)
    # #767676 on white is the well-known 4.54:1, the lightest grey that passes AA for text
    assert round(charts.contrast_ratio("#767676", "#ffffff"), 2) == 4.54
    assert round(charts.contrast_ratio("#1d70b8", "#ffffff"), 2) == 5.17
    # order does not matter; GOV.UK orange (#f47738) is too light for a chart on white
    assert charts.contrast_ratio("#ffffff", "#f47738") == charts.contrast_ratio("#f47738", "#ffffff")
    assert charts.contrast_ratio("#f47738", "#ffffff") < charts.MIN_CONTRAST
    with pytest.raises(ValueError):
        charts.relative_luminance("blue")


def script_palette() -> list[str]:
    script = (Path(settings.BASE_DIR) / "static" / "js" / "charts.js").read_text()
    match = re.search(r"const PALETTE = \[([^\]]*)\]", script)
    return re.findall(r'"(#[0-9a-fA-F]{3,6})"', match.group(1))


def test_the_browser_charts_draw_series_in_the_same_colours_as_the_pack():
    assert script_palette() == list(charts.SERIES_COLOURS)


def test_every_chart_colour_stands_out_from_the_page():
    palette = script_palette()
    assert len(palette) == 6
    colours = {*palette, *charts.SERIES_COLOURS, *charts.RAG_COLOURS, *charts.WEIGHTING_COLOURS}
    low = {c: round(charts.contrast_ratio(c, charts.BACKGROUND), 2) for c in colours}
    assert {c: r for c, r in low.items() if r < charts.MIN_CONTRAST} == {}
    # the tables draw in these colours
    nothing = WeightGroup(0, Decimal(0), 0, Decimal(0))
    drawn = [tables.rag_table([]), tables.weighting_table(Weighting(nothing, nothing))]
    assert {c for t in drawn for c in t.chart_colours} <= colours
