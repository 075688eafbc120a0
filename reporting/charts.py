"""Chart colours (pure): every colour a chart draws in must stand out from the page at 3:1 or more (WCAG 2.2
1.4.11, non-text contrast). The palette for series (the browser's charts in static/js/charts.js and the review
pack's SVG charts) and the colours a table gives its rows (RAG status, the weighting doughnut) are here;
charts.js keeps a copy of the series palette. tests/reporting/test_charts.py checks the copy and the
contrast."""

BACKGROUND = "#ffffff"  # the page and the chart behind every bar and segment
MIN_CONTRAST = 3.0

# One colour a series, in order: GOV.UK blue, orange (darkened to 3.9:1), green, purple, red, dark grey.
SERIES_COLOURS = ("#1d70b8", "#d65a00", "#00703c", "#4c2c92", "#d4351c", "#505a5f")

# Red, amber, green, not started: amber darkened from GOV.UK orange (#f47738, 2.8:1 on white) to 3.9:1.
RAG_COLOURS = ("#d4351c", "#d65a00", "#00703c", "#505a5f")
# With a social value weight, without one (GOV.UK mid grey #b1b4b6 is 2.1:1 on white: dark grey instead).
WEIGHTING_COLOURS = ("#00703c", "#505a5f")


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def relative_luminance(colour: str) -> float:
    """WCAG relative luminance of a #rrggbb (or #rgb) colour: 0 for black, 1 for white."""
    hex_digits = colour.strip().lstrip("#")
    if len(hex_digits) == 3:
        hex_digits = "".join(d * 2 for d in hex_digits)
    if len(hex_digits) != 6:
        raise ValueError(f"Not a #rrggbb colour: {colour!r}")
    red, green, blue = (_channel(int(hex_digits[i : i + 2], 16)) for i in (0, 2, 4))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(first: str, second: str) -> float:
    """WCAG contrast ratio of two colours, from 1 (the same) to 21 (black on white)."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)
