"""No loss under load (issue 8): N residents submit at once through the real forms, against a live server,
each sending the last step twice (a retry, as a double click or a flaky connection would). Exactly N responses
are stored, each once, and no request fails. bench/ runs the same at scale.

This lives with the browser tests because it shares their live-server set-up (the migrations' baseline data
is put back after other live-server tests empty the database); it drives HTTP directly, not Chromium.
"""

import http.cookiejar
import re
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from consultation.models import Comment, Response
from outcomes.models import Ward
from tests.consultation.helpers import make_consultation

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor == "sqlite",
        reason="Django's live server shares one in-memory SQLite connection between its threads, so "
        "concurrent requests collide in the test database itself; this runs on PostgreSQL (CI, production).",
    ),
]

RESIDENTS = 24
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Resident:
    """One resident's browser: its own cookies (session, CSRF) and user agent (the rate limit's key)."""

    def __init__(self, base: str, number: int):
        self.base, self.number = base, number
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirects()
        )
        self.opener.addheaders = [("User-Agent", f"no-loss-test/{number}")]
        self.statuses: list[int] = []

    def _open(self, request) -> str:
        try:
            with self.opener.open(request, timeout=60) as response:
                self.statuses.append(response.status)
                return response.read().decode()
        except urllib.error.HTTPError as error:  # 3xx (not followed) and 4xx/5xx land here
            self.statuses.append(error.code)
            return error.read().decode()

    def get(self, path: str) -> str:
        return self._open(urllib.request.Request(self.base + path))  # noqa: S310 (the live server's http URL)

    def post(self, path: str, data: dict, page: str) -> str:
        body = urllib.parse.urlencode(
            {**data, "csrfmiddlewaretoken": TOKEN.search(page).group(1)}, doseq=True
        )
        request = urllib.request.Request(self.base + path, data=body.encode(), method="POST")  # noqa: S310
        request.add_header("Referer", self.base + path)
        return self._open(request)


def respond(base: str, slug: str, number: int, ward_id: int) -> Resident:
    resident = Resident(base, number)
    steps = f"/consultations/{slug}/respond"
    points = [10 + number % 30, 20, 15, 15, 10]
    points.append(100 - sum(points))
    resident.post(
        f"{steps}/points/",
        {f"points_{n}": p for n, p in enumerate(points, 1)},
        resident.get(f"{steps}/points/"),
    )
    resident.post(f"{steps}/comments/", {"missing": f"Resident {number}"}, resident.get(f"{steps}/comments/"))
    resident.post(
        f"{steps}/about-you/",
        {"ward": ward_id, "consent_to_quote": "no", "connections": ["lives"]},
        resident.get(f"{steps}/about-you/"),
    )
    check = resident.get(f"{steps}/check/")
    with ThreadPoolExecutor(max_workers=2) as retry:  # the last step sent twice at once
        list(retry.map(lambda _: resident.post(f"{steps}/check/", {}, check), range(2)))
    return resident


def test_concurrent_submissions_are_each_stored_once_with_no_errors(live_server):
    consultation = make_consultation(slug="surge")
    wards = list(Ward.objects.values_list("pk", flat=True))
    with ThreadPoolExecutor(max_workers=8) as pool:
        residents = list(
            pool.map(
                lambda n: respond(live_server.url, consultation.slug, n, wards[n % len(wards)]),
                range(RESIDENTS),
            )
        )
    statuses = [status for resident in residents for status in resident.statuses]
    assert not [s for s in statuses if s >= 500], statuses
    assert not [s for s in statuses if s >= 400], statuses  # nobody was refused (CSRF, rate limit)
    stored = Response.objects.filter(consultation=consultation)
    assert stored.count() == RESIDENTS
    missing = Comment.objects.filter(response__consultation=consultation, outcome__isnull=True)
    assert sorted(missing.values_list("text", flat=True)) == sorted(f"Resident {n}" for n in range(RESIDENTS))
    assert stored.values("receipt_code").distinct().count() == RESIDENTS
