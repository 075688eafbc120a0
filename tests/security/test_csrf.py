"""CSRF (DESIGN §8): every page that takes POST refuses a POST without the CSRF token, whoever sends it,
with the service's "Your form has expired" page (403) and nothing saved.

The pages are every pattern of the permission table whose view takes POST (found from the view, so a new
form page is probed as soon as it is in the table), each POSTed as anonymous and as every role: once with no
CSRF cookie at all, once with the cookie the site set but no token in the form. The controls show the same
requests get past the check with the token, and that over HTTPS a post from another site is refused even
with a valid token.
"""

import re

import pytest
from django.conf import settings

from .conftest import client_for
from .test_permission_matrix import TABLE
from .world import WHO, accepts_post, fingerprint, route_of

pytestmark = pytest.mark.django_db

EXPIRED = "Your form has expired"


def post_pages() -> list[str]:
    """One path per URL pattern that takes POST (its first row in the table); signing out last, so a
    POST that gets through does not end the session before the others."""
    by_route: dict[str, str] = {}
    for path, *_ in TABLE:
        if accepts_post(path):
            by_route.setdefault(route_of(re.sub(r"\{\w+\}", "7", path)), path)
    return sorted(by_route.values(), key=lambda path: path == "/sign-out/")


POST_PAGES = post_pages()


def test_the_probe_covers_every_form_page():
    names = {route_of(re.sub(r"\{\w+\}", "7", path)) for path in POST_PAGES}
    assert len(names) == len(POST_PAGES) >= 50
    assert {"sign-in/", "sign-out/", "tenders/<str:reference>/bid/", "supplier/register/"} <= names


def _token_from(client, world) -> str:
    """Open a form page, as a user would: the response sets the CSRF cookie and carries the token."""
    page = client.get(f"/consultations/{world.open_consultation.slug}/respond/points/")
    assert settings.CSRF_COOKIE_NAME in client.cookies
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)


@pytest.mark.parametrize("cookie", [False, True], ids=["no cookie", "cookie, no token"])
@pytest.mark.parametrize("who", WHO)
def test_a_post_without_the_token_is_refused_everywhere(world, who, cookie):
    client = client_for(world.users[who], enforce_csrf_checks=True)
    if cookie:
        _token_from(client, world)
    values = world.values()
    before = fingerprint()
    let_through = {}
    for path in POST_PAGES:
        response = client.post(path.format(**values), {"title": "x", "reason": "x", "decision": "verify"})
        if response.status_code != 403 or EXPIRED not in response.content.decode():
            let_through[path] = response.status_code
    assert let_through == {}, f"{who}: a POST without the CSRF token got through"
    assert fingerprint() == before


@pytest.mark.parametrize("who", ["anonymous", "commissioner", "board member", "supplier"])
def test_with_the_token_the_same_posts_get_past_the_check(world, who):
    """The control: the refusals above are the CSRF check's, not something else's."""
    client = client_for(world.users[who], enforce_csrf_checks=True)
    token = _token_from(client, world)
    values = world.values()
    refused = [
        path
        for path in POST_PAGES
        if EXPIRED in client.post(path.format(**values), {"csrfmiddlewaretoken": token}).content.decode()
    ]
    assert refused == []


@pytest.mark.parametrize(
    ("origin", "refused"),
    [("https://evil.example", True), ("https://testserver", False)],
    ids=["another site", "this site"],
)
def test_over_https_a_post_from_another_site_is_refused_even_with_a_token(world, origin, refused):
    client = client_for(world.users["board member"], enforce_csrf_checks=True)
    page = client.get(f"/consultations/{world.open_consultation.slug}/respond/points/", secure=True)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    response = client.post(
        f"/model/drafts/{world.draft_model}/statement/",
        {"csrfmiddlewaretoken": token, "title": "Changed", "statement": "Changed"},
        secure=True,
        headers={"Origin": origin, "Referer": f"{origin}/"},
    )
    assert (response.status_code == 403 and EXPIRED in response.content.decode()) is refused
