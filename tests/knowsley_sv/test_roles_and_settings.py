import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser, Group
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.test import RequestFactory
from django.views import View

from knowsley_sv.access import RoleRequiredMixin, user_has_role
from knowsley_sv.audit import audit_record, audit_trail_for
from knowsley_sv.roles import ADMINISTRATOR_PERMISSIONS, Role

from ..factories import OrganisationFactory, UserFactory

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_the_six_roles_exist_as_groups_and_only_administrators_hold_permissions():
    assert set(Group.objects.values_list("name", flat=True)) >= set(Role.values)
    for role in Role:
        group = Group.objects.get(name=role)
        granted = {
            f"{p.content_type.app_label}.{p.codename}"
            for p in group.permissions.select_related("content_type")
        }
        assert granted == (ADMINISTRATOR_PERMISSIONS if role == Role.ADMINISTRATOR else set()), role


@pytest.mark.django_db
def test_an_administrator_who_is_also_on_the_board_cannot_change_the_model_through_the_admin():
    both = UserFactory(username="both", roles=[Role.ADMINISTRATOR, Role.BOARD_MEMBER], is_staff=True)
    assert not both.has_perm("outcomes.change_socialvaluemodel")
    assert not both.has_perm("procurement.view_bid") and not both.has_perm("consultation.view_response")
    assert both.has_perm("outcomes.change_organisation")  # the admin's own work


@pytest.mark.django_db
def test_roles_come_from_groups_and_superusers_get_none_for_free():
    board = UserFactory(username="b", roles=[Role.BOARD_MEMBER])
    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    assert board.has_role(Role.BOARD_MEMBER) and not board.has_role(Role.COMMISSIONER)
    assert not root.has_role(*Role)
    assert not user_has_role(AnonymousUser(), Role.RESIDENT)


@pytest.mark.django_db
def test_an_inactive_user_holds_no_role():
    user = UserFactory(username="gone", roles=[Role.BOARD_MEMBER], is_active=False)
    assert not user.has_role(Role.BOARD_MEMBER)


@pytest.mark.django_db
def test_role_required_mixin_sends_anonymous_to_sign_in_and_refuses_other_roles():
    class CommissionersOnly(RoleRequiredMixin, View):
        roles = (Role.COMMISSIONER,)

        def get(self, request):
            return HttpResponse("ok")

    view = CommissionersOnly.as_view()

    request = RequestFactory().get("/secret/")
    request.user = AnonymousUser()
    response = view(request)
    assert response.status_code == 302 and response.url == "/sign-in/?next=/secret/"
    request.user = UserFactory(username="s", roles=[Role.SUPPLIER])
    with pytest.raises(PermissionDenied):
        view(request)
    request.user = UserFactory(username="c", roles=[Role.COMMISSIONER])
    assert view(request).status_code == 200


@pytest.mark.django_db
def test_the_audit_trail_records_who_did_what_to_which_object():
    user = UserFactory(username="auditor", first_name="Ann", last_name="Smith")
    organisation = OrganisationFactory()
    event = audit_record(
        actor=user, action="organisation.update", target=organisation, before={"a": 1}, after={"a": 2}
    )
    assert event.actor_label == "Ann Smith"
    assert list(audit_trail_for(organisation)) == [event]


def _run_manage(*args, env_extra):
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("DJANGO_") and k not in ("CACHE_URL", "REDIS_URL")
    }
    env.update(env_extra)
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "knowsley_sv.settings.production",
    "DJANGO_SECRET_KEY": "k" * 20 + "production-like-secret-key-with-enough-entropy-0123456789",
    "DJANGO_ALLOWED_HOSTS": "socialvalue.example.org",
    "DATABASE_URL": "sqlite:///:memory:",
}
SHARED_CACHE = "redis://127.0.0.1:6379/0"  # named, never connected to by the checks


def test_check_deploy_is_silent_in_production_mode():
    result = _run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env_extra={**PRODUCTION_ENV, "CACHE_URL": SHARED_CACHE},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_is_silent_with_debug_off_in_base_settings():
    result = _run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env_extra={
            **PRODUCTION_ENV,
            "DJANGO_SETTINGS_MODULE": "knowsley_sv.settings.base",
            "DJANGO_DEBUG": "0",
            "CACHE_URL": SHARED_CACHE,
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_check_deploy_warns_when_the_cache_is_not_shared():
    result = _run_manage("check", "--deploy", env_extra=PRODUCTION_ENV)
    assert "knowsley_sv.W001" in result.stderr + result.stdout, result.stdout + result.stderr


def test_sessions_go_to_the_table_itself_unless_the_cache_is_shared():
    code = "from django.conf import settings; print(settings.SESSION_ENGINE)"
    shell = {"DJANGO_DEBUG": "1", "DATABASE_URL": "sqlite://"}
    local = _run_manage("shell", "-c", code, env_extra=shell)
    shared = _run_manage("shell", "-c", code, env_extra={**shell, "CACHE_URL": SHARED_CACHE})
    assert local.stdout.splitlines()[-1] == "django.contrib.sessions.backends.db", local.stderr
    assert shared.stdout.splitlines()[-1] == "django.contrib.sessions.backends.cached_db", shared.stderr


def test_production_refuses_to_start_without_a_secret_key():
    result = _run_manage(
        "check",
        env_extra={"DJANGO_SETTINGS_MODULE": "knowsley_sv.settings.production", "DATABASE_URL": "sqlite://"},
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_refuses_debug():
    result = _run_manage(
        "check",
        env_extra={
            "DJANGO_SETTINGS_MODULE": "knowsley_sv.settings.production",
            "DJANGO_DEBUG": "1",
            "DJANGO_SECRET_KEY": "x" * 60,
        },
    )
    assert result.returncode != 0
    assert "DJANGO_DEBUG must be off" in result.stderr


def test_database_url_selects_postgresql():
    import dj_database_url

    config = dj_database_url.parse("postgres://postgres@127.0.0.1:5432/knowsley")
    assert config["ENGINE"] == "django.db.backends.postgresql" and config["NAME"] == "knowsley"


def test_the_release_prefixes_every_cache_key():
    code = (
        "from django.core.cache import cache; cache.set('k', 'v'); "
        "print(cache.make_key('k'), cache.get('k'), sep=',')"
    )
    shell = {"DJANGO_DEBUG": "1", "DATABASE_URL": "sqlite://"}
    released = _run_manage("shell", "-c", code, env_extra={**shell, "DJANGO_RELEASE": "2026-12-01.1"})
    assert released.stdout.splitlines()[-1] == "2026-12-01.1:1:k,v", released.stderr
    assert _run_manage("shell", "-c", code, env_extra=shell).stdout.splitlines()[-1] == ":1:k,v"


def test_the_consultation_rate_limits_come_from_the_environment_and_bad_ones_are_refused():
    code = (
        "from django.conf import settings; "
        "print(settings.CONSULTATION_SUBMIT_RATE, settings.CONSULTATION_RECEIPT_RATE)"
    )
    shell = {"DJANGO_DEBUG": "1", "DATABASE_URL": "sqlite://"}
    assert _run_manage("shell", "-c", code, env_extra=shell).stdout.splitlines()[-1] == "20/h 30/h"
    event = {
        **shell,
        "DJANGO_CONSULTATION_SUBMIT_RATE": "400/h",
        "DJANGO_CONSULTATION_RECEIPT_RATE": "60/15m",
    }
    assert _run_manage("shell", "-c", code, env_extra=event).stdout.splitlines()[-1] == "400/h 60/15m"
    wrong = _run_manage("check", env_extra={**shell, "DJANGO_CONSULTATION_SUBMIT_RATE": "20 an hour"})
    assert wrong.returncode != 0
    assert 'DJANGO_CONSULTATION_SUBMIT_RATE must be a rate like "20/h"' in wrong.stderr
