"""The project's templates, read as files: Django's `{# … #}` comment ends at the end of its line, so one
spread over two lines is not a comment at all — its text is printed on the page. Comments of more than one
line are `{% comment %} … {% endcomment %}`."""

import re
from pathlib import Path

from django.conf import settings

MULTI_LINE_COMMENT = re.compile(r"\{#(?:(?!#\}).)*\n", re.S)


def project_templates() -> list[Path]:
    folders = [Path(d) for d in settings.TEMPLATES[0]["DIRS"]]
    folders += [
        Path(settings.BASE_DIR) / app
        for app in ("knowsley_sv", "outcomes", "consultation", "procurement", "reporting")
    ]
    return sorted({p for folder in folders for p in folder.rglob("*.html")})


def test_no_template_holds_a_multi_line_short_comment():
    templates = project_templates()
    assert len(templates) > 50  # the walk found the templates
    found = [
        f"{path.relative_to(settings.BASE_DIR)}:{path.read_text()[: m.start()].count(chr(10)) + 1}"
        for path in templates
        for m in MULTI_LINE_COMMENT.finditer(path.read_text())
    ]
    assert found == [], "use {% comment %} … {% endcomment %} for a comment of more than one line"


def test_the_probe_finds_a_multi_line_short_comment():
    assert MULTI_LINE_COMMENT.search("{# one\n two #}")
    assert not MULTI_LINE_COMMENT.search("{# one #}\n{# two #}")


REGION = re.compile(
    r'<div class="app-table-scroll[^"]*" role="region" aria-labelledby="([^"]+)" tabindex="0">\s*<table'
)
TABLE = re.compile(r"<table\b.*?</table>", re.S)


def test_every_table_scrolls_in_a_region_named_by_its_caption():
    """At 320 px a table of several columns is wider than the screen (WCAG 1.4.10): it scrolls sideways in its
    own region, which a keyboard can reach (tabindex) and a screen reader names by the table's caption."""
    unwrapped = []
    for path in project_templates():
        text = path.read_text()
        named = {m.end(): m.group(1) for m in REGION.finditer(text)}
        for table in TABLE.finditer(text):
            region = named.get(table.start() + len("<table"))
            caption = re.search(r'<caption[^>]*\bid="([^"]+)"', table.group())
            if region is None or caption is None or caption.group(1) != region:
                unwrapped.append(
                    f"{path.relative_to(settings.BASE_DIR)}:{text[: table.start()].count(chr(10)) + 1}"
                )
    assert unwrapped == []
