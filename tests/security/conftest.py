"""Fixtures shared by the security probes.

Each probe module gets the world (`world`, world.py) built once for it, inside a transaction rolled back
when the module ends; every test still runs in its own savepoint (pytest-django's `db`), so what a test
changes is undone before the next one. (One world for the whole folder would save a few builds, but the
seal's own tests need a database without it.) PDFs are not rendered: WeasyPrint is replaced by a stand-in
whose "PDF" carries the HTML it was given, so the probes read exactly what would be printed (in
milliseconds, not seconds).
"""

from contextlib import contextmanager

import django.test.client
import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client


@contextmanager
def rolled_back(django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        try:
            yield
        finally:
            transaction.set_rollback(True)


class HtmlAsPdf:
    """Stands in for weasyprint.HTML: write_pdf() returns a "PDF" whose body is the HTML itself."""

    def __init__(self, string: str = "", base_url=None, **kwargs):
        self.string = string

    def write_pdf(self, *args, **kwargs) -> bytes:
        return b"%PDF-1.7 (test stand-in)\n" + self.string.encode()


@pytest.fixture(scope="package", autouse=True)
def _baseline(baseline_data, django_db_blocker):
    """The probes' worlds build on what the migrations loaded; live-server tests that ran before them
    emptied the database (pytest-django runs tests without the `db` fixture, like these, last)."""
    from tests.conftest import restore_baseline

    with django_db_blocker.unblock():
        restore_baseline(baseline_data)


@pytest.fixture(scope="package", autouse=True)
def _lighter_requests():
    """For this folder only (package scope: the module worlds, built before any function fixture, get it
    too): PDFs are printed from HTML by the stand-in, and the test client does not copy every template
    context it renders (these probes read the responses, never `response.context`)."""
    import weasyprint

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(weasyprint, "HTML", HtmlAsPdf)
        patch.setattr(django.test.client, "store_rendered_templates", lambda *args, **kwargs: None)
        yield


@pytest.fixture(scope="module")
def world(_baseline, _lighter_requests, django_db_blocker):
    """The probes' world (world.py), built once for each module that asks for it. A module that adds to it
    (the seal's tender, the XSS probe's payloads) does so in a savepoint of its own (`rolled_back` again)."""
    from .world import build_world

    with rolled_back(django_db_blocker):
        yield build_world()


_STORE_RENDERED_TEMPLATES = django.test.client.store_rendered_templates


@pytest.fixture
def template_contexts(monkeypatch):
    """For a test that reads `response.context` (an admin change list, a form's errors): the test client
    records what templates rendered again, in this folder of lighter requests."""
    monkeypatch.setattr(django.test.client, "store_rendered_templates", _STORE_RENDERED_TEMPLATES)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Rate limits count in the cache: every test starts with none spent."""
    cache.clear()
    yield
    cache.clear()


def client_for(user, **kwargs) -> Client:
    """A client signed in as `user` (None: an anonymous visitor)."""
    client = Client(**kwargs)
    if user is not None:
        client.force_login(user)
    return client


def admin_user_form(user, **fields) -> dict:
    """What the admin's change page of `user` posts, as it stands, with `fields` changed (groups: ids)."""
    joined = user.date_joined.astimezone()
    form = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "groups": list(user.groups.values_list("pk", flat=True)),
        "date_joined_0": f"{joined:%Y-%m-%d}",
        "date_joined_1": f"{joined:%H:%M:%S}",
        "initial-date_joined_0": f"{joined:%Y-%m-%d}",
        "initial-date_joined_1": f"{joined:%H:%M:%S}",
    }
    form |= {flag: "on" for flag in ("is_active", "is_staff", "is_superuser") if getattr(user, flag)}
    for name, value in fields.items():
        if value is False:
            form.pop(name, None)
        else:
            form[name] = "on" if value is True else value
    return form
