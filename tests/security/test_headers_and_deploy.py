"""Deployment settings, security headers and rate limits (DESIGN §8).

- tests/knowsley_sv/test_roles_and_settings.py runs `check --deploy --fail-level WARNING` with the production
  settings; here the same check must stay silent when the environment tries to weaken them, and a request
  through the production middleware (in a subprocess, with the real production settings) carries HSTS,
  redirects plain HTTP to HTTPS and marks cookies secure.
- In the test process (DEBUG off), every kind of response (pages, error pages, the CSRF and rate-limit pages,
  redirects, JSON, CSV, XLSX, PDF and evidence downloads) carries the content security policy,
  X-Content-Type-Options: nosniff and the Referrer-Policy, and HSTS when served over HTTPS.
- The resident's "send my answers" limit (settings.CONSULTATION_SUBMIT_RATE) is tested in tests/consultation;
  here: it counts per client, the receipt look-up and supplier registration are limited too, each with the
  friendly 429 page, and the client's address is kept out of the database and the logs.
"""

import json
import logging
import re

import pytest
from django.conf import settings
from django.test import Client, override_settings

from consultation.models import Response

from ..knowsley_sv.test_roles_and_settings import _run_manage
from .conftest import client_for

SECRET = "k" * 20 + "production-like-secret-key-with-enough-entropy-0123456789"
PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "knowsley_sv.settings.production",
    "DJANGO_SECRET_KEY": SECRET,
    "DJANGO_ALLOWED_HOSTS": "socialvalue.example.org",
    "DATABASE_URL": "sqlite:///:memory:",
}
TOO_MANY = "too many attempts"


# --- Production settings ---------------------------------------------------------------------------------
def test_check_deploy_stays_silent_when_the_environment_tries_to_weaken_production():
    """Production holds secure cookies and a year of HSTS whatever the environment says."""
    result = _run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env_extra={
            **PRODUCTION,
            "CACHE_URL": "redis://127.0.0.1:6379/0",  # a shared cache, as production has (never connected to)
            "DJANGO_SECURE_COOKIES": "0",
            "DJANGO_HSTS_SECONDS": "0",
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


PROBE = """
import json
from django.conf import settings
from django.test import Client

client = Client(HTTP_HOST="socialvalue.example.org")
plain = client.get("/sign-out/")
secure = client.get("/sign-out/", secure=True)
print(json.dumps({
    "plain": [plain.status_code, plain.get("Location", "")],
    "secure": [secure.status_code, dict(secure.headers)],
    "settings": {name: getattr(settings, name) for name in (
        "DEBUG", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD",
        "SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY",
        "CSRF_COOKIE_HTTPONLY", "X_FRAME_OPTIONS", "SECURE_CONTENT_TYPE_NOSNIFF", "SECURE_REFERRER_POLICY",
    )},
}))
"""


def test_a_response_through_the_production_middleware():
    result = _run_manage("shell", "-c", PROBE, env_extra={**PRODUCTION, "DJANGO_SECURE_COOKIES": "0"})
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert found["plain"] == [301, "https://socialvalue.example.org/sign-out/"]
    status, headers = found["secure"]
    assert status == 405  # signing out is a POST; the headers are what matter here
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert found["settings"] == {
        "DEBUG": False,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_HSTS_PRELOAD": True,
        "SECURE_SSL_REDIRECT": True,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "CSRF_COOKIE_HTTPONLY": True,
        "X_FRAME_OPTIONS": "DENY",
        "SECURE_CONTENT_TYPE_NOSNIFF": True,
        "SECURE_REFERRER_POLICY": "same-origin",
    }


# --- Headers on every kind of response ---------------------------------------------------------------------
def kinds_of_response(world) -> dict[str, tuple[str | None, str]]:
    """kind -> (who asks, path)"""
    v = world.values()
    return {
        "page": (None, "/"),
        "form page": ("board member", f"/model/drafts/{v['dm']}/statement/"),
        "not found": (None, "/no-such-page/"),
        "refused": ("resident", "/model/reviews/"),
        "sign in first": (None, "/dashboard/"),
        "redirect": ("commissioner", f"/tenders/{v['aw']}/contract/"),
        "JSON": (None, "/open-data/releases.json"),
        "CSV": (None, "/open-data/tenders.csv"),
        "XLSX": ("commissioner", f"/tenders/{v['aw']}/report.xlsx"),
        "PDF": (None, f"/tenders/{v['op']}/pdf/"),
        "evidence": ("supplier", f"/evidence/{v['ev']}/"),
    }


def assert_security_headers(response, kind: str, https: bool) -> None:
    headers = response.headers
    assert headers.get("X-Content-Type-Options") == "nosniff", kind
    assert headers.get("Referrer-Policy") == "same-origin", kind
    assert headers.get("X-Frame-Options") == "DENY", kind
    policy = headers.get("Content-Security-Policy", "")
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy, kind
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy, kind
    if response.get("Content-Type", "").startswith("text/html"):
        nonce = re.search(r"'nonce-([^']+)'", policy)
        inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", response.content.decode())
        assert all(nonce and f'nonce="{nonce.group(1)}"' in attrs for attrs in inline), kind
    hsts = headers.get("Strict-Transport-Security")
    assert (hsts == "max-age=31536000; includeSubDomains; preload") if https else hsts is None, kind


@pytest.mark.django_db
@override_settings(
    SECURE_HSTS_SECONDS=31_536_000, SECURE_HSTS_INCLUDE_SUBDOMAINS=True, SECURE_HSTS_PRELOAD=True
)
@pytest.mark.parametrize("https", [True, False], ids=["https", "http"])
def test_every_kind_of_response_carries_the_security_headers(world, https):
    assert settings.DEBUG is False
    statuses = {}
    for kind, (who, path) in kinds_of_response(world).items():
        response = client_for(world.users[who] if who else None).get(path, secure=https)
        statuses[kind] = response.status_code
        assert_security_headers(response, kind, https)
    assert statuses == {
        "page": 200,
        "form page": 200,
        "not found": 404,
        "refused": 403,
        "sign in first": 302,
        "redirect": 302,
        "JSON": 200,
        "CSV": 200,
        "XLSX": 200,
        "PDF": 200,
        "evidence": 200,
    }


@pytest.mark.django_db
def test_the_csrf_and_rate_limit_pages_carry_the_headers_too(world, settings):
    expired = Client(enforce_csrf_checks=True).post("/sign-in/", {"username": "x", "password": "y"})
    assert expired.status_code == 403 and "Your form has expired" in expired.content.decode()
    assert_security_headers(expired, "CSRF failure", https=False)
    settings.CONSULTATION_SUBMIT_RATE = "1/h"
    client = Client()
    for _ in range(2):
        answer(client, world.open_consultation)
        limited = client.post(check_url(world.open_consultation), {"email": ""})
    assert limited.status_code == 429 and TOO_MANY in limited.content.decode()
    assert_security_headers(limited, "rate limited", https=False)


@pytest.mark.django_db
def test_downloads_are_attachments_or_inline_with_their_own_type(world):
    """What is not a page is never served as one: its own content type, and attachments where it is a file."""
    disposition = {}
    for kind, (who, path) in kinds_of_response(world).items():
        if kind in ("JSON", "CSV", "XLSX", "PDF", "evidence"):
            response = client_for(world.users[who] if who else None).get(path)
            assert not response["Content-Type"].startswith("text/html"), kind
            disposition[kind] = response["Content-Disposition"].split(";")[0]
    assert disposition == {
        "JSON": "inline",
        "CSV": "attachment",
        "XLSX": "attachment",
        "PDF": "inline",
        "evidence": "attachment",
    }


# --- Rate limits -----------------------------------------------------------------------------------------
def url(consultation, step: str) -> str:
    return f"/consultations/{consultation.slug}/{step}/"


def check_url(consultation) -> str:
    return url(consultation, "respond/check")


def answer(client, consultation) -> None:
    """The three steps up to "check your answers", as a resident."""
    points = {f"points_{n}": p for n, p in {1: 30, 2: 20, 3: 15, 4: 10, 5: 10, 6: 15}.items()}
    assert client.post(url(consultation, "respond/points"), points).status_code == 302
    assert client.post(url(consultation, "respond/comments"), {"missing": ""}).status_code == 302
    about = {"ward": "none", "consent_to_quote": "no"}
    assert client.post(url(consultation, "respond/about-you"), about).status_code == 302


@pytest.mark.django_db
def test_the_submission_limit_counts_per_client(world, settings, caplog):
    """One client at its limit gets the friendly 429, in any browser; another address still answers.
    Neither address nor browser is stored with the answers or written to the logs."""
    settings.CONSULTATION_SUBMIT_RATE = "1/h"
    consultation = world.open_consultation
    first = Client(REMOTE_ADDR="203.0.113.7", HTTP_USER_AGENT="ProbeBrowser/1.0 (first)")
    second = Client(REMOTE_ADDR="198.51.100.23", HTTP_USER_AGENT="ProbeBrowser/1.0 (second)")
    before = Response.objects.count()
    with caplog.at_level(logging.DEBUG):
        answer(first, consultation)
        assert first.post(check_url(consultation), {"email": ""}).status_code == 302
        answer(first, consultation)
        limited = first.post(check_url(consultation), {"email": ""})
        answer(second, consultation)
        other = second.post(check_url(consultation), {"email": ""})
        disguised = Client(REMOTE_ADDR="203.0.113.7", HTTP_USER_AGENT="ProbeBrowser/2.0 (a new browser)")
        answer(disguised, consultation)
        still_limited = disguised.post(check_url(consultation), {"email": ""})
    assert limited.status_code == 429 and TOO_MANY in limited.content.decode()
    assert still_limited.status_code == 429  # the limit is the address's, whatever the browser says
    assert 'class="govuk-template' in limited.content.decode()  # the service's page, not a bare error
    assert other.status_code == 302
    assert Response.objects.count() == before + 2
    stored = json.dumps(list(Response.objects.values()), default=str)
    logged = caplog.text
    for trace in ("203.0.113.7", "198.51.100.23", "ProbeBrowser"):
        assert trace not in stored and trace not in logged


@pytest.mark.django_db
def test_looking_up_receipts_is_limited(world, settings):
    """Per address: a new User-Agent on every attempt does not reset the count."""
    settings.CONSULTATION_RECEIPT_RATE = "3/h"
    consultation = world.open_consultation
    client = Client(REMOTE_ADDR="203.0.113.8")
    statuses = [
        client.post(
            url(consultation, "your-response"), {"receipt_code": f"NOPE{n:06d}"}, HTTP_USER_AGENT=f"Probe/{n}"
        ).status_code
        for n in range(4)
    ]
    assert statuses == [200] * 3 + [429]  # "no response with that code", on the form; then the limit
    page = client.post(url(consultation, "your-response"), {"receipt_code": "NOPE"})
    assert page.status_code == 429 and TOO_MANY in page.content.decode()
    assert Client(REMOTE_ADDR="198.51.100.24").get(url(consultation, "your-response")).status_code == 200


@pytest.mark.django_db
def test_registering_suppliers_is_limited(world):
    client = Client(REMOTE_ADDR="203.0.113.9")
    statuses = [client.post("/supplier/register/", {"first_name": "x"}).status_code for _ in range(11)]
    assert statuses == [200] * 10 + [429]  # ten attempts (refused by the form here), then the limit
    page = client.post("/supplier/register/", {})
    assert page.status_code == 429 and TOO_MANY in page.content.decode()
    assert Client(REMOTE_ADDR="198.51.100.25").post("/supplier/register/", {}).status_code == 200


@pytest.mark.django_db
def test_behind_a_proxy_registration_counts_each_client_not_the_proxy(world, settings):
    """Every supplier arrives from the load balancer's address: the limit counts the address it vouches for
    (X-Forwarded-For's first untrusted hop), so one busy client does not lock out every other."""
    settings.BEHIND_PROXY, settings.TRUSTED_PROXY_COUNT = True, 1

    def via_proxy(client_address: str) -> Client:
        return Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=f"192.0.2.1, {client_address}")

    busy = via_proxy("203.0.113.10")
    statuses = [busy.post("/supplier/register/", {"first_name": "x"}).status_code for _ in range(11)]
    assert statuses == [200] * 10 + [429]
    assert via_proxy("198.51.100.26").post("/supplier/register/", {}).status_code == 200
