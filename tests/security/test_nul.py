"""A NUL character is refused once, before any view (knowsley_sv.middleware.RefuseNulMiddleware), with the
designed 400 page: PostgreSQL cannot hold NUL in text, so without this a search, a reference or a posted
form value with %00 in it ends as a 500. The sweep takes every URL pattern from the permission table and puts
%00 into each filled part of its path, into its query string and into a posted form value (urlencoded and
multipart), as an anonymous visitor and as the first role the table lets through. Run it on PostgreSQL too
(DATABASE_URL), where the 500s were.
"""

import re
from urllib.parse import urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from .conftest import client_for
from .test_permission_matrix import TABLE
from .world import WHO, fingerprint

pytestmark = pytest.mark.django_db

PLACEHOLDER = re.compile(r"\{(\w+)\}")
NUL = "\x00"
REACHED = {200, 302, 405, 410}  # past the role check: the view would read the request


def paths_with_nul(path: str, values: dict) -> list[str]:
    """The table's path with %00 in each placeholder's value in turn, or at the end of its last segment."""
    names = PLACEHOLDER.findall(path)
    if not names:
        return [re.sub(r"([^/])(/?)$", r"\1%00\2", path) if path != "/" else "/%00/"]
    return [path.format(**values | {name: f"{values[name]}%00"}) for name in names]


def who_reaches(cells) -> list[str]:
    """Anonymous, and the first signed-in column the table lets past the role check."""
    signed_in = next((who for who, cell in zip(WHO[1:], cells[1:], strict=True) if cell in REACHED), None)
    return ["anonymous", *([signed_in] if signed_in else [])]


def answers(client, path: str, values: dict) -> dict[str, int]:
    url = path.format(**values)
    requests = {f"GET {p}": lambda p=p: client.get(p) for p in paths_with_nul(path, values)}
    requests[f"GET {url}?q=%00"] = lambda: client.get(f"{url}?q=a%00b&page=1")
    requests[f"POST {url} urlencoded"] = lambda: client.post(
        url, urlencode({"title": f"a{NUL}b"}), content_type="application/x-www-form-urlencoded"
    )
    requests[f"POST {url} multipart"] = lambda: client.post(url, {"title": f"a{NUL}b"})
    return {request: send().status_code for request, send in requests.items()}


@pytest.mark.parametrize("path", [row[0] for row in TABLE])
def test_a_nul_anywhere_in_a_request_to_any_page_is_a_400(world, path):
    cells = next(cells for p, *cells in TABLE if p == path)
    values = world.values()
    before = fingerprint()
    found = {}
    for who in who_reaches(cells):
        client = client_for(world.users[who], raise_request_exception=False)
        found |= {f"{who}: {request}": status for request, status in answers(client, path, values).items()}
    assert {request: status for request, status in found.items() if status != 400} == {}
    assert fingerprint() == before


# The five addresses that answered 500 on PostgreSQL, and who asked.
REPORTED = [
    ("anonymous", "/tenders/?q=%00"),
    ("anonymous", "/tenders/KSV%00/"),
    ("anonymous", "/tenders/KSV%00/pdf/"),
    ("anonymous", "/open-data/tenders/%00.json"),
    ("board member", "/organisations/?q=%00"),
]


@pytest.mark.parametrize(("who", "url"), REPORTED)
def test_the_reported_addresses_get_the_designed_400_page(world, who, url):
    response = client_for(world.users[who], raise_request_exception=False).get(url)

    assert response.status_code == 400
    html = response.content.decode()
    assert "Sorry, the service could not read that request" in html
    assert "govuk-template" in html  # the designed page on base.html
    assert 'nonce=""' not in html  # the page's inline script carries the CSP nonce


def test_a_nul_in_a_cookie_is_a_400_before_the_session_is_read(world):
    client = client_for(world.users["board member"], raise_request_exception=False)
    client.cookies["sessionid"] = f"{client.cookies['sessionid'].value}{NUL}"

    assert client.get("/organisations/").status_code == 400


def test_an_uploaded_file_may_hold_nul_bytes(world):
    """Only form values are checked: a file (a PDF, say) is binary and holds NUL bytes as a matter of
    course. Sent to a page that does not take POST, it gets that page's answer, not the NUL refusal."""
    upload = SimpleUploadedFile("evidence.pdf", b"%PDF-1.4\x00\x00binary", content_type="application/pdf")

    response = client_for(None).post("/", {"title": "fine", "evidence": upload})

    assert response.status_code == 405
