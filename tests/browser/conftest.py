"""Browser tests: Playwright drives Debian's Chromium (never Playwright's own download), axe-core checks
every page. The live server runs in a thread of the test process."""

import os
import re
import shutil
from pathlib import Path

import pytest

from knowsley_sv.roles import Role
from tests.conftest import restore_baseline
from tests.factories import PASSWORD, UserFactory

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop

AXE_JS = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


@pytest.fixture(autouse=True)
def _baseline(baseline_data, transactional_db):
    restore_baseline(baseline_data)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    executable = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
    return {
        **browser_type_launch_args,
        "executable_path": executable,
        "args": ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # The app's content security policy forbids inline scripts; axe is injected as one.
    return {**browser_context_args, "bypass_csp": True}


def _violations(page) -> list:
    if not page.evaluate("() => typeof window.axe === 'object'"):  # once per document, not per check
        page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate(
        "(tags) => axe.run(document, {runOnly: tags, resultTypes: ['violations']})", AXE_TAGS
    )
    return [v for v in result["violations"] if not _govuk_conditional_reveal(v)]


def _govuk_conditional_reveal(violation: dict) -> bool:
    """GOV.UK Frontend's Radios set aria-expanded on a radio that reveals a conditional question, which axe
    calls not allowed. GOV.UK keep it on purpose, as screen readers announce it (alphagov/govuk-frontend#979,
    a documented known issue). Only that attribute, on such a radio, is let through."""

    def reveal_radio(node: dict) -> bool:
        checks = node["any"] + node["all"] + node["none"]
        found = [value for check in checks for value in (check.get("data") or {}).get("values", [])]
        return (
            'type="radio"' in node["html"]
            and 'aria-controls="conditional-' in node["html"]
            and bool(found)
            and all(str(d).startswith("aria-expanded=") for d in found)
        )

    return violation["id"] == "aria-allowed-attr" and all(reveal_radio(n) for n in violation["nodes"])


@pytest.fixture
def assert_accessible():
    """Call with a page: axe-core must report no violation on it, as it is now."""

    def check(page):
        violations = _violations(page)
        assert violations == [], (
            "\n".join(
                f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']]}"
                for v in violations
            )
            + f"\non {page.url}"
        )
        clock = re.search(r"\d\s?[ap]\.m\.", page.inner_text("body"))  # Django's "3:25p.m.": use |moment
        assert clock is None, f"{clock and clock[0]!r} on {page.url}"

    return check


@pytest.fixture
def sign_in(live_server):
    def go(page, role: Role, username: str):
        UserFactory(username=username, first_name="Test", last_name=role.label, roles=[role])
        page.goto(f"{live_server.url}/sign-in/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()

    return go
