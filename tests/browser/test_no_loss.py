"""No loss under load (issue 8): N residents submit at once through the real forms, against a live server,
each sending the last step twice (a retry, as a double click or a flaky connection would). Exactly N responses
are stored, each once, and no request fails. bench/ runs the same at scale. Then an app server killed outright
mid-surge and started again: everything it acknowledged is stored, and the residents it cut off finish.

This lives with the browser tests because it shares their live-server set-up (the migrations' baseline data
is put back after other live-server tests empty the database); it drives HTTP directly, not Chromium.
"""

import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.db import connection

from consultation.models import Comment, Response
from outcomes.models import Ward
from tests.consultation.helpers import make_consultation
from tests.local_services import REDIS, needs_redis

pytestmark = [
    pytest.mark.django_db(transaction=True),
    # One worker runs them all, one after another: they share Redis database 14 and load the machine.
    pytest.mark.xdist_group("shared-redis"),
    pytest.mark.skipif(
        connection.vendor == "sqlite",
        reason="Django's live server shares one in-memory SQLite connection between its threads, so "
        "concurrent requests collide in the test database itself; this runs on PostgreSQL (CI, production).",
    ),
]

RESIDENTS = 24
SURGE_RATE = "1000/h"  # every resident here comes from one address (the limit's key): an event's setting
ROOT = Path(__file__).resolve().parents[2]
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Resident:
    """One resident's browser: its own cookies (session, CSRF) and user agent. Every resident comes from
    127.0.0.1, the rate limit's key: the tests raise CONSULTATION_SUBMIT_RATE, as a busy event would."""

    def __init__(self, base: str, number: int):
        self.base, self.number = base, number
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirects()
        )
        self.opener.addheaders = [("User-Agent", f"no-loss-test/{number}")]
        self.statuses: list[int] = []
        self.retries = 0  # requests sent again after the server went away (the restart test)

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


def respond(base: str, slug: str, number: int, ward_id: int, *, twice: bool = True) -> Resident:
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
        list(retry.map(lambda _: resident.post(f"{steps}/check/", {}, check), range(2 if twice else 1)))
    return resident


def test_concurrent_submissions_are_each_stored_once_with_no_errors(live_server, settings):
    settings.CONSULTATION_SUBMIT_RATE = SURGE_RATE  # the live server runs in this process
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


# --- An app server killed mid-surge and started again ------------------------------------------------------
RESTART_RESIDENTS = 16


class Gunicorn:
    """gunicorn knowsley_sv.wsgi, 2 workers, on the test database and the shared Redis (or with no shared
    cache), in its own process group so that it can be killed outright (SIGKILL: no graceful shutdown, as a
    crashed machine)."""

    def __init__(self, port: int, release: str, *, shared_cache: bool = True):
        db = connection.settings_dict
        host, port_db = db["HOST"] or "127.0.0.1", db["PORT"] or 5432
        self.port = port
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.gunicorn_settings",
            "DJANGO_SECRET_KEY": "restart-test-" + "k" * 50,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_SECURE_SSL_REDIRECT": "0",
            "DJANGO_SECURE_COOKIES": "0",  # plain http on loopback
            "DATABASE_URL": f"postgres://{db['USER']}@{host}:{port_db}/{db['NAME']}",
            "CACHE_URL": f"redis://{REDIS[0]}:{REDIS[1]}/14",
            "DJANGO_RELEASE": release,  # this test's own cache keys
            "DJANGO_CONSULTATION_SUBMIT_RATE": SURGE_RATE,
            "PYTHONPATH": str(ROOT),
        }
        if not shared_cache:
            self.env.pop("CACHE_URL")
            self.env.pop("REDIS_URL", None)

    def start(self) -> "Gunicorn":
        self.proc = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "gunicorn", "knowsley_sv.wsgi", "-w", "2", "-b", f"127.0.0.1:{self.port}"],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"{self.url}/accessibility/", timeout=2).close()  # noqa: S310
                return self
            except OSError:
                time.sleep(0.1)
        self.kill()
        raise RuntimeError("gunicorn did not start")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def kill(self) -> None:
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(10)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def respond_through_a_restart(resident: Resident, slug: str, ward_id: int, acknowledged) -> None:
    """A resident's journey, each request sent again until it gets an answer (a connection refused or cut
    by the kill is retried, as a browser's user would): the session carries the answers across."""
    steps = f"/consultations/{slug}/respond"

    def again(send):
        deadline = time.monotonic() + 60
        while True:
            try:
                return send()
            except OSError:  # refused, reset or cut off while the server is down
                if time.monotonic() > deadline:
                    raise
                resident.retries += 1
                time.sleep(0.05)

    points = [10 + resident.number % 30, 20, 15, 15, 10]
    points.append(100 - sum(points))
    page = again(lambda: resident.get(f"{steps}/points/"))
    again(
        lambda: resident.post(f"{steps}/points/", {f"points_{n}": p for n, p in enumerate(points, 1)}, page)
    )
    page = again(lambda: resident.get(f"{steps}/comments/"))
    again(lambda: resident.post(f"{steps}/comments/", {"missing": f"Resident {resident.number}"}, page))
    page = again(lambda: resident.get(f"{steps}/about-you/"))
    data = {"ward": ward_id, "consent_to_quote": "no", "connections": ["lives"]}
    again(lambda: resident.post(f"{steps}/about-you/", data, page))
    page = again(lambda: resident.get(f"{steps}/check/"))
    again(lambda: resident.post(f"{steps}/check/", {}, page))
    if resident.statuses[-1] == 302:
        acknowledged(resident)


@needs_redis
def test_an_app_server_killed_mid_surge_loses_nothing_it_acknowledged():
    consultation = make_consultation(slug="restart")
    wards = list(Ward.objects.values_list("pk", flat=True))
    server = Gunicorn(_free_port(), release=f"restart-{uuid.uuid4().hex}").start()
    lock, done = threading.Lock(), []
    half = threading.Event()

    def acknowledged(resident):
        with lock:
            done.append((time.monotonic(), resident.number))
            if len(done) >= RESTART_RESIDENTS // 2:
                half.set()

    residents = [Resident(server.url, n) for n in range(RESTART_RESIDENTS)]
    with ThreadPoolExecutor(max_workers=RESTART_RESIDENTS) as pool:
        futures = [
            pool.submit(
                respond_through_a_restart, r, consultation.slug, wards[r.number % len(wards)], acknowledged
            )
            for r in residents
        ]
        try:
            assert half.wait(60), "half the residents were never acknowledged"
            server.kill()
            killed_at = time.monotonic()
            with lock:
                before_kill = {number for at, number in done if at < killed_at}
            stored_at_kill = set(
                Comment.objects.filter(response__consultation=consultation, outcome__isnull=True).values_list(
                    "text", flat=True
                )
            )
            # What the server acknowledged before it died is in the database, before any restart.
            assert {f"Resident {n}" for n in before_kill} <= stored_at_kill
            server.start()
            for future in futures:
                future.result(timeout=120)
        finally:
            if server.proc.poll() is None:
                server.kill()
    assert (
        sum(r.retries for r in residents) > 0
    )  # the kill cut residents off mid-journey (or this proves nothing)
    statuses = [s for r in residents for s in r.statuses]
    assert not [s for s in statuses if s >= 400], statuses  # no 5xx, nobody refused
    assert len(done) == RESTART_RESIDENTS  # every resident got their receipt in the end
    stored = Response.objects.filter(consultation=consultation)
    assert stored.count() == RESTART_RESIDENTS  # none lost, none twice
    missing = Comment.objects.filter(response__consultation=consultation, outcome__isnull=True)
    assert sorted(missing.values_list("text", flat=True)) == sorted(
        f"Resident {n}" for n in range(RESTART_RESIDENTS)
    )


def test_two_workers_without_a_shared_cache_keep_each_residents_answers():
    """With no CACHE_URL each worker's cache is its own: sessions must then be read from the table (a
    cached_db session in local memory gave one worker a stale copy: 20 journeys of 20 lost a step's
    answers). Each resident sends the last step once: the double-submission check lives in the cache too, so
    without a shared one it is per worker (check --deploy warns, knowsley_sv.W001)."""
    consultation = make_consultation(slug="two-workers")
    wards = list(Ward.objects.values_list("pk", flat=True))
    server = Gunicorn(_free_port(), release="", shared_cache=False).start()
    try:
        residents = [
            respond(server.url, consultation.slug, n, wards[n % len(wards)], twice=False) for n in range(12)
        ]
    finally:
        server.kill()
    assert not [s for r in residents for s in r.statuses if s >= 400]
    missing = Comment.objects.filter(response__consultation=consultation, outcome__isnull=True)
    assert sorted(missing.values_list("text", flat=True)) == sorted(f"Resident {n}" for n in range(12))
