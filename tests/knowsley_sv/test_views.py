"""Site-wide pages through the Django test client: public pages, signing in and out, error pages, navigation
by role, CSRF and the security headers."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from knowsley_sv.forms import SignInForm
from knowsley_sv.retention_apply import retention_schedule
from knowsley_sv.roles import Role
from outcomes.models import SocialValueModel

from ..factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def role_id(role: Role | None) -> str:
    return "anonymous" if role is None else role.value.replace(" ", "-").lower()


def nav_labels(html: str) -> list[str]:
    """The labels of the service navigation (the GOV.UK service navigation list), in order."""
    match = re.search(r'<ul class="govuk-service-navigation__list"[^>]*>(.*?)</ul>', html, re.S)
    if match is None:
        return []
    links = re.findall(r"<a [^>]*>(.*?)</a>", match.group(1), re.S)
    return [re.sub(r"<[^>]+>", "", link).strip() for link in links]


# --- Public pages (open to everyone: the route × role table, tests/security/test_permission_matrix.py) -----
def test_home_offers_sign_in_to_anonymous_visitors(client):
    html = client.get("/").content.decode()

    assert f'href="{reverse("login")}"' in html
    assert "Sign out" not in html


def test_the_privacy_notice_shows_the_retention_schedule_the_erasure_command_applies(client, settings):
    settings.RETENTION = {**settings.RETENTION, "contacts": "30 days", "evidence": "6 years"}
    html = client.get(reverse("privacy")).content.decode()
    for entry in retention_schedule().values():
        assert escape(entry.what) in html and escape(f"{entry.period} {entry.starts}") in html
    assert "We delete it 30 days after that response is published" in html

    settings.RETENTION = {**settings.RETENTION, "contacts": "45 days", "evidence": "12 years"}
    html = client.get(reverse("privacy")).content.decode()

    assert "We delete it 45 days after that response is published" in html
    assert "12 years after the contract ends" in html and "6 years after the contract ends" not in html


def test_the_privacy_notice_names_the_data_protection_officer_from_the_settings(client, settings):
    settings.DATA_PROTECTION_OFFICER = {"name": "Dee Protector", "email": "dpo@example.gov.uk", "address": ""}
    html = client.get(reverse("privacy")).content.decode()

    assert "Dee Protector" in html and 'href="mailto:dpo@example.gov.uk"' in html


# --- Signing in and out ---------------------------------------------------------------------------------
def test_sign_in_page_renders_the_form(client):
    response = client.get("/sign-in/")

    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="username"' in html
    assert 'name="password"' in html
    assert "govuk-error-summary" not in html
    assert f'href="{reverse("procurement:supplier_register")}"' in html  # a new supplier finds registration


def test_sign_in_with_correct_credentials_goes_home(client):
    user = UserFactory(username="officer", first_name="Olive", last_name="Officer", roles=[Role.COMMISSIONER])

    response = client.post("/sign-in/", {"username": "officer", "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    home = client.get(response["Location"])
    assert home.wsgi_request.user == user
    html = home.content.decode()
    assert "Olive Officer" in html
    assert "Sign out" in html


def test_sign_in_follows_next_to_the_page_asked_for(client):
    UserFactory(username="boardie", roles=[Role.BOARD_MEMBER])

    response = client.post("/sign-in/?next=/model/reviews/", {"username": "boardie", "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == "/model/reviews/"


def test_sign_in_ignores_a_next_to_another_site(client):
    UserFactory(username="boardie", roles=[Role.BOARD_MEMBER])

    response = client.post(
        "/sign-in/?next=https://evil.example.com/", {"username": "boardie", "password": PASSWORD}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("home")


@pytest.mark.parametrize(
    "username, password",
    [("officer", "wrong-password-9876"), ("nobody-here", PASSWORD), ("OFFICER", PASSWORD)],
    ids=["wrong-password", "unknown-user", "wrong-case"],
)
def test_sign_in_with_bad_credentials_shows_the_error_summary(client, username, password):
    UserFactory(username="officer")

    response = client.post("/sign-in/", {"username": username, "password": password})

    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="govuk-error-summary"' in html
    assert "Enter a correct username and password" in html
    assert escape(SignInForm.error_messages["invalid_login"]) in html
    assert "<title>Error: Sign in" in html
    assert f'value="{username}"' in html  # what was typed is kept
    assert "_auth_user_id" not in client.session


def test_sign_in_with_empty_fields_names_each_field(client):
    response = client.post("/sign-in/", {"username": "", "password": ""})

    html = response.content.decode()
    form = SignInForm()
    assert 'class="govuk-error-summary"' in html
    assert form.fields["username"].error_messages["required"] in html
    assert form.fields["password"].error_messages["required"] in html


def test_inactive_account_cannot_sign_in(client):
    user = UserFactory(username="gone")
    user.is_active = False
    user.save()

    response = client.post("/sign-in/", {"username": "gone", "password": PASSWORD})

    assert response.status_code == 200
    assert 'class="govuk-error-summary"' in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_signed_in_user_visiting_sign_in_is_sent_home(client):
    client.force_login(UserFactory(username="officer"))

    response = client.get("/sign-in/")

    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_sign_out_is_a_post_and_ends_the_session(client):
    client.force_login(UserFactory(username="boardie", roles=[Role.BOARD_MEMBER]))
    assert client.get("/model/reviews/").status_code == 200

    response = client.post("/sign-out/")

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert "_auth_user_id" not in client.session
    after = client.get("/model/reviews/")
    assert after.status_code == 302
    assert after["Location"].startswith("/sign-in/?next=")


def test_sign_out_by_get_is_not_allowed(client):
    client.force_login(UserFactory(username="boardie"))

    response = client.get("/sign-out/")

    assert response.status_code == 405
    assert "_auth_user_id" in client.session


def test_header_sign_out_is_a_form_with_a_csrf_token(client):
    client.force_login(UserFactory(username="boardie"))

    html = client.get("/").content.decode()

    form = re.search(r'<form method="post" action="/sign-out/"[^>]*>(.*?)</form>', html, re.S)
    assert form is not None
    assert 'name="csrfmiddlewaretoken"' in form.group(1)


# --- Error pages ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("role", [None, Role.BOARD_MEMBER], ids=role_id)
def test_unknown_address_renders_the_designed_404_page(role_client, role):
    client = role_client(role)

    response = client.get("/no-such-page/")

    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html
    assert "govuk-template" in html  # the designed page on base.html, not Django's plain one
    assert any(t.name == "404.html" for t in response.templates)


def test_denied_page_renders_the_designed_403_page(role_client):
    client = role_client(Role.RESIDENT)

    response = client.get("/model/reviews/")

    assert response.status_code == 403
    html = response.content.decode()
    assert "You cannot do this" in html
    assert any(t.name == "403.html" for t in response.templates)


# --- Navigation by role ---------------------------------------------------------------------------------
# Which of the role-restricted sections each role sees in the service navigation ("The model" is for all).
NAV_BY_ROLE = [
    (None, set()),
    (Role.RESIDENT, set()),
    (Role.SUPPLIER, set()),
    (Role.EVALUATOR, set()),
    (Role.ADMINISTRATOR, set()),
    (Role.COMMISSIONER, {"Organisations"}),
    (Role.BOARD_MEMBER, {"Versions", "Reviews", "Organisations"}),
]


@pytest.mark.parametrize("role, expected", NAV_BY_ROLE, ids=[role_id(r) for r, _ in NAV_BY_ROLE])
def test_navigation_differs_by_role(role_client, role, expected):
    client = role_client(role)

    html = client.get("/").content.decode()

    labels = nav_labels(html)
    assert labels[0] == "The model"
    assert "Who creates social value" in labels  # recognition is public: in everyone's navigation
    assert {"Versions", "Reviews", "Organisations"} & set(labels) == expected
    assert ("Reviews" in labels) is (role == Role.BOARD_MEMBER)
    assert ("Organisations" in labels) is (role in (Role.BOARD_MEMBER, Role.COMMISSIONER))
    assert len(labels) == len(set(labels))


def test_navigation_marks_the_current_section(role_client):
    client = role_client(Role.BOARD_MEMBER)

    html = client.get("/model/reviews/").content.decode()

    active_item = (
        r'govuk-service-navigation__item--active">\s*'
        r'<a [^>]*aria-current="page"[^>]*>\s*<strong[^>]*>(.*?)</strong>'
    )
    active = re.findall(active_item, html, re.S)
    # /model/ ("The model") also prefixes /model/reviews/: only the longest match may be current.
    assert active == ["Reviews"], f"only the deepest matching section should be current, got {active}"


def test_home_lists_board_tasks_only_for_board_members(role_client):
    board_html = role_client(Role.BOARD_MEMBER).get("/").content.decode()
    assert "For the partnership board" in board_html
    assert f'href="{reverse("outcomes:reviews")}"' in board_html


@pytest.mark.parametrize("role", [None, Role.RESIDENT, Role.COMMISSIONER], ids=role_id)
def test_home_hides_board_tasks_from_others(role_client, role):
    html = role_client(role).get("/").content.decode()

    assert "For the partnership board" not in html
    assert f'href="{reverse("outcomes:reviews")}"' not in html
    assert (f'href="{reverse("outcomes:organisations")}"' in html) is (role == Role.COMMISSIONER)


# --- CSRF -----------------------------------------------------------------------------------------------
def test_csrf_is_enforced_on_posts(board_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(board_user)

    response = client.post("/model/drafts/new/")

    assert response.status_code == 403
    assert "Your form has expired" in response.content.decode()
    assert not SocialValueModel.objects.filter(status=SocialValueModel.Status.DRAFT).exists()


def test_csrf_token_from_the_page_lets_the_post_through(board_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(board_user)
    page = client.get("/model/versions/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)

    response = client.post("/model/drafts/new/", {"csrfmiddlewaretoken": token})

    assert response.status_code == 302
    assert SocialValueModel.objects.filter(status=SocialValueModel.Status.DRAFT).count() == 1


def test_sign_in_needs_a_csrf_token():
    UserFactory(username="officer")
    client = Client(enforce_csrf_checks=True)

    response = client.post("/sign-in/", {"username": "officer", "password": PASSWORD})

    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


# --- Security headers -----------------------------------------------------------------------------------
@pytest.mark.parametrize("path", ["/", "/model/", "/sign-in/", "/no-such-page/"])
def test_content_security_policy_nonce_matches_the_inline_script(client, path):
    response = client.get(path)

    policy = response.headers.get("Content-Security-Policy")
    assert policy, "no Content-Security-Policy header"
    directives = {d.split()[0]: d.split()[1:] for d in (p.strip() for p in policy.split(";")) if d}
    assert directives["default-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["object-src"] == ["'none'"]
    assert "'unsafe-inline'" not in policy
    nonces = [s[len("'nonce-") : -1] for s in directives["script-src"] if s.startswith("'nonce-")]
    # App bug: knowsley_sv/settings/base.py writes the string "'nonce'" where django-csp 4 needs the
    # sentinel csp.constants.NONCE, so the header says script-src 'self' 'nonce' and the inline script
    # (which does carry a nonce attribute) is blocked by the browser.
    assert len(nonces) == 1, f"script-src has no 'nonce-<value>' source: {directives['script-src']}"
    html = response.content.decode()
    inline_scripts = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html)
    assert inline_scripts, "expected the one inline script"
    for attrs in inline_scripts:
        assert f'nonce="{nonces[0]}"' in attrs


def test_each_response_gets_a_fresh_nonce(client):
    first = client.get("/").headers["Content-Security-Policy"]
    second = client.get("/").headers["Content-Security-Policy"]

    nonce = re.compile(r"'nonce-([^']+)'")
    first_nonce, second_nonce = nonce.search(first), nonce.search(second)
    assert first_nonce and second_nonce, f"no nonce in the policy (see the nonce test above): {first}"
    assert first_nonce.group(1) != second_nonce.group(1)


@pytest.mark.parametrize("path", ["/", "/sign-in/", "/model/"])
def test_security_headers(client, path):
    response = client.get(path)

    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"
