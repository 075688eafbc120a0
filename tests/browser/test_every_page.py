"""Every page of every role, as that role sees it, at 320 px and at 1280 px: no sideways scroll (WCAG 1.4.10),
no template syntax or Python's None printed as text, and axe-core finds nothing (WCAG 2.2 A/AA and best
practice).

The pages are the permission table's (tests/security/test_permission_matrix.py): each cell of 200 for the
role, filled from the security probes' world, HTML only (downloads — CSV, XLSX, PDF, JSON — are told apart by
their content type, asked of the Django test client, with PDFs printed by the probes' stand-in). One test per
role builds the world (live-server tests run in transactions flushed after each test, so the world cannot
outlive one), signs the browser in by handing it the session cookie of a test client's `force_login`, and
collects every problem of every page before failing, so one run lists them all.

Each page loads at 320 px (scripts start at a phone's width, as on a phone), then the window widens to
640 px (1280 px at 200% zoom) and to 1280 px; width and text are checked on every page of every role at each.
axe takes half a second a page, so it runs at 320 and 1280 px once per template and width in the sweep (the
first role, in the table's order, that reaches the template): some 310 pages come from about 60 templates.
"""

import re

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import BrowserContext

from tests.browser.conftest import _violations
from tests.security.conftest import HtmlAsPdf
from tests.security.test_permission_matrix import TABLE
from tests.security.world import WHO, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (320, 640, 1280)  # 640: 1280 at 200% zoom
AXE_WIDTHS = (320, 1280)
RAW = re.compile(r"\{#|#\}|\{%|%\}|\{\{|\}\}|\bNone\b")
# The outermost elements whose right edge is past the window's (what to fix when a page scrolls sideways).
OVERFLOWING = """() => {
    const past = (e) => e && e.getBoundingClientRect().right > window.innerWidth + 1;
    const name = (e) => e.tagName.toLowerCase() + "." + String(e.className).split(" ")[0];
    const outermost = (e) => past(e) && !past(e.parentElement);
    return [...document.querySelectorAll("body *")].filter(outermost).map(name);
}"""
AXED: set[tuple[str, int]] = set()  # (template, width) that axe has checked in this run


def html_pages(client: Client, column: int, values: dict) -> dict[str, str]:
    """The role's pages (a 200 in its column) that are HTML -> the template each renders."""
    pages = {}
    for path, *cells in TABLE:
        if cells[column] != 200:
            continue
        url = path.format(**values)
        response = client.get(url)
        assert response.status_code == 200, url
        if response["Content-Type"].startswith("text/html"):
            pages[url] = response.templates[0].name
    return pages


def problems_of(page, template: str, width: int) -> list[str]:
    found = []
    scroll, viewport, text = page.evaluate(  # one round trip to the browser for all three
        "[document.documentElement.scrollWidth, window.innerWidth, document.body.innerText]"
    )
    if scroll > viewport:
        found.append(
            f"{scroll} px wide in a {viewport} px window, past its edge: {page.evaluate(OVERFLOWING)}"
        )
    raw = sorted({m.group() for m in RAW.finditer(text)})
    if raw:
        found.append(f"shows {raw} as text")
    if width in AXE_WIDTHS and (template, width) not in AXED:
        AXED.add((template, width))
        for v in _violations(page):
            found.append(f"axe {v['id']}: {v['help']} at {[n['target'] for n in v['nodes']][:3]}")
    return found


@pytest.mark.parametrize("who", WHO)
def test_every_page_fits_a_phone_shows_no_raw_text_and_passes_axe(live_server, context: BrowserContext, who):
    with pytest.MonkeyPatch.context() as patch:
        import weasyprint

        patch.setattr(weasyprint, "HTML", HtmlAsPdf)
        world = build_world()
        client = Client()
        if world.users[who] is not None:
            client.force_login(world.users[who])
            cookie = {"name": settings.SESSION_COOKIE_NAME, "url": live_server.url}
            context.add_cookies([{**cookie, "value": client.cookies[settings.SESSION_COOKIE_NAME].value}])
        pages = html_pages(client, WHO.index(who), world.values())

    page = context.new_page()
    problems = []
    for url, template in pages.items():
        page.set_viewport_size({"width": WIDTHS[0], "height": 900})
        response = page.goto(f"{live_server.url}{url}", wait_until="domcontentloaded")  # scripts have run
        assert response.status == 200, url
        page.evaluate("document.fonts.ready.then(() => true)")
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            problems += [f"{url} at {width} px: {problem}" for problem in problems_of(page, template, width)]
    assert len(pages) >= 15  # every role has public pages at least
    if problems:
        pytest.fail(f"{who}: {len(problems)} problems\n" + "\n".join(problems), pytrace=False)
