"""What the logs say about a request (LOGGING in settings/base.py, knowsley_sv/log_filters.py): a refusal is
one line at INFO with no traceback; a real error keeps its traceback; every line is written once, debug or
not."""

import logging

import pytest
from django.conf import settings
from django.test import Client

from knowsley_sv import views
from knowsley_sv.roles import Role

from ..factories import UserFactory

pytestmark = pytest.mark.django_db


def lockout(client: Client):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post("/sign-in/", {"username": "someone", "password": "wrong-password-1"})
    return response


# status, what is asked (as a resident), the line logged
REFUSALS = [
    (400, lambda c: c.get("/tenders/?q=%00"), "Bad Request: /tenders/"),
    (403, lambda c: c.get("/model/reviews/"), "Forbidden (Permission denied): /model/reviews/"),
    (404, lambda c: c.get("/no-such-page/"), "Not Found: /no-such-page/"),
    (405, lambda c: c.get("/sign-out/"), "Method Not Allowed (GET): /sign-out/"),
    (429, lambda c: lockout(Client()), "Too Many Requests: /sign-in/"),
]


@pytest.mark.parametrize(("status", "ask", "line"), REFUSALS, ids=[str(r[0]) for r in REFUSALS])
def test_a_refusal_is_one_line_at_info_without_a_traceback(client, caplog, status, ask, line):
    client.force_login(UserFactory(username="resident", roles=[Role.RESIDENT]))
    caplog.set_level(logging.INFO)

    assert ask(client).status_code == status

    logged = [
        (r.levelname, r.getMessage(), r.exc_info, r.exc_text)
        for r in caplog.records
        if r.name == "django.request"
    ]
    assert logged == [("INFO", line, None, None)]


def test_a_refusal_logged_by_django_security_is_one_line_too(client, caplog):
    caplog.set_level(logging.INFO)
    client.raise_request_exception = False

    response = client.get("/", HTTP_HOST="evil.example")

    assert response.status_code == 400
    assert "Sorry, the service could not read that request" in response.content.decode()  # the designed page

    [record] = [r for r in caplog.records if r.name.startswith("django.security")]
    assert (record.levelname, record.exc_info) == ("INFO", None)


def test_a_server_error_keeps_its_traceback(client, caplog, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(views.HomeView, "get_context_data", broken)
    client.raise_request_exception = False

    assert client.get("/").status_code == 500

    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert record.levelname == "ERROR"
    assert record.exc_info and record.exc_info[0] is RuntimeError


def _writers(record: logging.LogRecord) -> list[logging.Handler]:
    """The configured handlers (not pytest's own) that would write `record`, walking up from its logger."""
    found, logger = [], logging.getLogger(record.name)
    while logger is not None:
        found += [h for h in logger.handlers if not type(h).__module__.startswith("_pytest")]
        logger = logger.parent if logger.propagate else None
    return [h for h in found if record.levelno >= h.level and h.filter(record)]


@pytest.mark.parametrize("debug", [False, True])
def test_each_line_is_written_once_in_debug_too(settings, debug):
    settings.DEBUG = debug
    record = logging.LogRecord("django.request", logging.WARNING, __file__, 1, "Forbidden: /", (), None)

    assert len(_writers(record)) == 1
