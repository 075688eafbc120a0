"""Sign-in throttling (django-axes, knowsley_sv.views.signin_locked_out, knowsley_sv.services): failed
sign-ins are limited per username and per client address, whatever the browser says it is; the lockout is
the service's own page and goes in the audit trail; an administrator unlocks an account in the admin."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client, override_settings

from knowsley_sv.models import AuditEvent, User
from knowsley_sv.roles import Role

from ..factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

WRONG = "not-the-password-0000"
LIMIT = settings.AXES_FAILURE_LIMIT


def sign_in(client: Client, username: str, password: str, *, agent: str = "Firefox", address="192.0.2.1"):
    return client.post(
        "/sign-in/", {"username": username, "password": password}, HTTP_USER_AGENT=agent, REMOTE_ADDR=address
    )


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def assert_locked_out(response) -> None:
    assert response.status_code == 429
    html = response.content.decode()
    assert "Too many attempts. Try again in 15 minutes" in html
    assert "govuk-template" in html  # the designed page on base.html, not axes' plain text


@pytest.fixture
def commissioner(db) -> User:
    return UserFactory(username="commissioner", roles=[Role.COMMISSIONER])


def test_wrong_passwords_lock_the_username_whatever_the_browser_or_address(client, commissioner):
    for attempt in range(1, 21):
        response = sign_in(
            client, "commissioner", WRONG, agent=f"Agent/{attempt}", address=f"192.0.2.{attempt}"
        )
        if attempt < LIMIT:
            assert response.status_code == 200, attempt  # the form, with its error
        else:
            assert_locked_out(response)

    response = sign_in(client, "commissioner", PASSWORD, agent="Yet another browser", address="198.51.100.7")

    assert_locked_out(response)
    assert not signed_in(client)


def test_an_address_that_reaches_the_limit_is_locked_for_every_username(client, commissioner):
    for attempt in range(LIMIT):
        sign_in(client, f"guess{attempt}", WRONG, agent=f"Agent/{attempt}")
    other = UserFactory(username="board", roles=[Role.BOARD_MEMBER])

    assert_locked_out(sign_in(client, other.username, PASSWORD, agent="Fresh browser"))
    assert not signed_in(client)
    assert sign_in(Client(), other.username, PASSWORD, address="198.51.100.7").status_code == 302


def test_fewer_failures_than_the_limit_do_not_lock(client, commissioner):
    for _ in range(LIMIT - 1):
        sign_in(client, "commissioner", WRONG)

    assert sign_in(client, "commissioner", PASSWORD).status_code == 302
    assert signed_in(client)


@override_settings(AXES_COOLOFF_TIME=timedelta(minutes=30))
def test_the_lockout_page_gives_the_cool_off_from_the_settings(client, commissioner):
    for _ in range(LIMIT):
        response = sign_in(client, "commissioner", WRONG)

    assert response.status_code == 429
    assert "Too many attempts. Try again in 30 minutes" in response.content.decode()


def test_each_lockout_is_audited_once_about_the_account_without_the_password(client, commissioner):
    for attempt in range(LIMIT + 3):
        sign_in(client, "commissioner", f"{WRONG}{attempt}", address="192.0.2.9")

    events = list(AuditEvent.objects.filter(action="signin.locked_out"))
    assert [(e.target_id, e.actor_id) for e in events] == [(str(commissioner.pk), None)]
    assert events[0].after == {
        "username": "commissioner",
        "failures": LIMIT,
    }  # the address: sign-in records only
    assert not [e for e in AuditEvent.objects.all() if WRONG in f"{e.before} {e.after} {e.target_label}"]


def test_a_lockout_of_an_unknown_username_is_audited_about_the_throttle_record(client):
    for _ in range(LIMIT):
        sign_in(client, "nobody-by-this-name", WRONG)

    event = AuditEvent.objects.get(action="signin.locked_out")
    assert event.target_type.model_class()._meta.label == "axes.AccessAttempt"
    assert event.after["username"] == "nobody-by-this-name"


def test_an_administrator_unlocks_an_account_in_the_admin_and_it_is_audited(client, commissioner):
    for _ in range(LIMIT):
        sign_in(client, "commissioner", WRONG)
    administrator = UserFactory(username="administrator", roles=[Role.ADMINISTRATOR], is_staff=True)
    admin_client = Client()
    admin_client.force_login(administrator)

    response = admin_client.post(
        "/admin/knowsley_sv/user/", {"action": "unlock_signin", "_selected_action": [commissioner.pk]}
    )

    assert response.status_code == 302
    event = AuditEvent.objects.get(action="signin.unlock")
    assert (event.actor, event.target_id) == (administrator, str(commissioner.pk))
    assert sign_in(client, "commissioner", PASSWORD).status_code == 302  # from the address that failed too
    assert signed_in(client)
