"""Shared by run.py, scaleout.py and noloss.py: the environment, gunicorn, and a resident's browser.

Standard library only (the load itself is made by wrk, apt package `wrk`, or by threads of `Browser`).
"""

import http.client
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
from http.cookies import SimpleCookie
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
APP_PYTHON = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
WARD = re.compile(r'name="ward" value="(\d+)"')
POINTS = re.compile(r'name="points_(\d+)"')
DEV_DATABASE = "postgres://postgres@127.0.0.1:5432/knowsley_benchdev"


def log(*parts) -> None:
    print(*parts, file=sys.stderr, flush=True)


def app_env() -> dict[str, str]:
    """Production settings over plain http on loopback. Everything can be overridden from outside."""
    env = dict(os.environ)
    env.setdefault("DJANGO_SETTINGS_MODULE", "knowsley_sv.settings.production")
    env.setdefault("DATABASE_URL", DEV_DATABASE)
    env.setdefault("CACHE_URL", "redis://127.0.0.1:6379/1")
    # One key for every process of a run: the rate limit's client key is an HMAC with it, so two app
    # servers must share it (as they would in production).
    env.setdefault("DJANGO_SECRET_KEY", "bench-" + secrets.token_urlsafe(60))
    env.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")
    env.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")
    env.setdefault("DJANGO_SECURE_COOKIES", "0")  # production.py forces secure cookies anyway (README)
    env.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    env.setdefault("BENCH_PASSWORD", "bench-" + secrets.token_urlsafe(24))
    # The submission rate limit keys on the client's address, and every bench resident comes from 127.0.0.1:
    # a limit no run reaches, so the load measures the limiter's cost without being refused by it.
    env.setdefault("DJANGO_CONSULTATION_SUBMIT_RATE", "10000000/h")
    return env


def ensure_deps() -> None:
    """The app's own venv (`make install`) has everything, the `redis` client included."""
    if not Path(GUNICORN).exists():
        raise SystemExit(f"{GUNICORN} is missing: run `make install` first")


def prepare_app(env: dict) -> dict:
    """What every script does first: the venv checked, migrations applied (index migrations included),
    collectstatic (the manifest storage needs it), and the bench users; returns the setup task's targets."""
    ensure_deps()
    manage(env, "migrate", "--no-input")
    manage(env, "collectstatic", "--no-input")
    return django_task(env, "setup")


def django_task(env: dict, *args: str) -> dict:
    out = subprocess.run(
        [APP_PYTHON, str(BENCH / "django_tasks.py"), *args],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def manage(env: dict, *args: str) -> None:
    subprocess.run([APP_PYTHON, "manage.py", *args], env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)


class Gunicorn:
    """gunicorn knowsley_sv.wsgi with 2 sync workers (as README's deployment), on loopback."""

    def __init__(self, env: dict, port: int, workers: int = 2):
        self.env, self.port, self.workers = env, port, workers
        self.proc: subprocess.Popen | None = None
        self.log_path = BENCH / "results" / f"gunicorn-{port}.log"

    def __enter__(self):
        self.log_path.parent.mkdir(exist_ok=True)
        self.log_file = open(self.log_path, "w")  # noqa: SIM115
        self.proc = subprocess.Popen(
            [
                GUNICORN,
                "knowsley_sv.wsgi",
                "--workers",
                str(self.workers),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--backlog",
                "2048",
                "--timeout",
                "120",
                "--error-logfile",
                "-",
            ],
            env=self.env,
            cwd=ROOT,
            stdout=self.log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited; see {self.log_path}")
            try:
                status, *_ = Browser(self.base).get("/accessibility/")
                if status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"gunicorn did not answer on port {self.port}; see {self.log_path}")

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __exit__(self, *exc):
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)  # our own process group only
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
        self.log_file.close()


class Browser:
    """One visitor: its own cookies and User-Agent, and (`address`, behind DJANGO_BEHIND_PROXY=1) its own
    client address in X-Forwarded-For, the key of the submission rate limit.

    Cookies are kept by hand and sent over plain http even when marked Secure: production settings force
    Secure cookies, and the bench talks http to gunicorn on loopback (a TLS proxy would sit in front).
    Redirects are not followed, so every request is timed on its own.
    """

    def __init__(
        self, base: str, user_agent: str = "ksv-bench", cookies: dict | None = None, address: str = ""
    ):
        parsed = urllib.parse.urlsplit(base)
        self.host, self.port = parsed.hostname, parsed.port
        self.user_agent, self.address = user_agent, address
        self.cookies: dict[str, str] = dict(cookies or {})
        self.timings: list[tuple[str, int, float]] = []  # (label, status, seconds)

    def with_base(self, base: str) -> "Browser":
        """The same visitor (cookies, user agent, address) talking to another app server."""
        other = Browser(base, self.user_agent, self.cookies, self.address)
        other.cookies = self.cookies  # shared, so cookies set by either server are kept
        other.timings = self.timings
        return other

    def request(self, method: str, path: str, data: dict | None = None, label: str = ""):
        headers = {"User-Agent": self.user_agent, "Host": f"{self.host}:{self.port}"}
        if self.address:
            headers["X-Forwarded-For"] = self.address  # as the load balancer would append it
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if data is not None:
            body = urllib.parse.urlencode(data, doseq=True).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://{self.host}:{self.port}{path}"
        started = time.perf_counter()
        conn = http.client.HTTPConnection(self.host, self.port, timeout=120)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read().decode("utf-8", "replace")
        finally:
            conn.close()
        elapsed = time.perf_counter() - started
        for header in response.msg.get_all("Set-Cookie") or []:
            jar = SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                if morsel["max-age"] == "0" or morsel.value == "":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        self.timings.append((label or path, response.status, elapsed))
        return response.status, response.getheader("Location", ""), text

    def get(self, path: str, label: str = ""):
        return self.request("GET", path, label=label)

    def post_form(self, path: str, page: str, data: dict, label: str = ""):
        match = TOKEN.search(page)
        if not match:
            raise RuntimeError(f"no CSRF token on the page before POST {path}")
        return self.request("POST", path, {**data, "csrfmiddlewaretoken": match.group(1)}, label=label)

    def sign_in(self, username: str, password: str) -> None:
        status, _, page = self.get("/sign-in/")
        status, location, _ = self.post_form("/sign-in/", page, {"username": username, "password": password})
        if status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"sign-in as {username} failed ({status})")


def answer_steps(browser: Browser, slug: str, number: int, missing: str = "") -> tuple[str, list[int]]:
    """A resident's first three steps (points, comments, about you) through the real forms; returns the
    check-answers page (with its CSRF token) and the statuses seen."""
    steps = f"/consultations/{slug}/respond"
    statuses = []
    status, _, page = browser.get(f"{steps}/points/", label="GET points")
    statuses.append(status)
    numbers = [int(n) for n in dict.fromkeys(POINTS.findall(page))]
    if not numbers:
        raise RuntimeError(f"no points fields on {steps}/points/ ({status})")
    points = dict.fromkeys(numbers, 0)
    points[numbers[number % len(numbers)]] += 50 + number % 37
    points[numbers[(number + 1) % len(numbers)]] += 100 - points[numbers[number % len(numbers)]]
    status, _, _ = browser.post_form(
        f"{steps}/points/", page, {f"points_{n}": p for n, p in points.items()}, label="POST points"
    )
    statuses.append(status)
    status, _, page = browser.get(f"{steps}/comments/", label="GET comments")
    statuses.append(status)
    status, _, _ = browser.post_form(
        f"{steps}/comments/", page, {"missing": missing or f"bench resident {number}"}, label="POST comments"
    )
    statuses.append(status)
    status, _, page = browser.get(f"{steps}/about-you/", label="GET about-you")
    statuses.append(status)
    wards = WARD.findall(page)
    status, _, _ = browser.post_form(
        f"{steps}/about-you/",
        page,
        {
            "ward": wards[number % len(wards)] if wards else "none",
            "consent_to_quote": "no",
            "connections": ["lives"],
        },
        label="POST about-you",
    )
    statuses.append(status)
    status, _, page = browser.get(f"{steps}/check/", label="GET check")
    statuses.append(status)
    return page, statuses


def submit(browser: Browser, slug: str, page: str) -> int:
    status, _, _ = browser.post_form(f"/consultations/{slug}/respond/check/", page, {}, label="POST check")
    return status


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def run_threads(n: int, target, *args) -> list:
    results: list = [None] * n
    errors: list = []

    def worker(i):
        try:
            results[i] = target(i, *args)
        except Exception as error:  # noqa: BLE001 (reported below)
            errors.append(repr(error))

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise RuntimeError(f"{len(errors)} worker(s) failed: {errors[:3]}")
    return results
