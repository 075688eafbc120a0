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
        Path(settings.BASE_DIR) / app for app in ("knowsley_sv", "outcomes", "consultation", "procurement")
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
