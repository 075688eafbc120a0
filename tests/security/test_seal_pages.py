"""The seal (DESIGN §5.2), probed through every page (its rules in the queryset, services and admin are
test_seal.py): before the deadline no council user, nobody else, no export, no open-data file and no admin
page (not even a superuser's) shows a bid's supplier, its price or how many bids there are. Only each
bidding supplier sees its own bid.

How: a published tender, deadline ahead, gets four bids from suppliers with names and prices found nowhere
else (two submitted and then revised, one draft, one withdrawn). Every page of the permission table
(test_permission_matrix) is requested with the tender's reference in place of every tender and each bid's id
in place of every bid, as every role, plus every dashboard download and, for a superuser, the admin's index,
changelists, searches, change and history pages. (Pages the table refuses to a role by role, LOGIN, 403 or
405, are refused before any object is read, so they are not requested again here.) Then the bids are deleted
and the same pages requested again: for everyone but the bidders the two sweeps must be identical (so not
even a count leaks), and no response may hold a price; a supplier's name may only be on the pages that
showed it before any bid (the directory of organisations, where it is because it registered).
"""

import difflib
import re
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from io import BytesIO
from urllib.parse import quote_plus

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone
from django.utils.html import escape

from knowsley_sv.models import AuditEvent, User
from knowsley_sv.roles import Role
from outcomes.admin import ORGANISATION_NOT_DELETED
from outcomes.models import Organisation
from procurement.models import Bid, SupplierMember, Tender
from procurement.services import bids as bid_services
from procurement.services import tenders as tender_services
from reporting import dashboard

from ..factories import UserFactory
from ..procurement.helpers import bids_by_supplier, first_indicators, publishable_tender, supplier_user
from .conftest import admin_user_form, client_for, rolled_back
from .test_permission_matrix import LOGIN, TABLE
from .world import WHO, World

pytestmark = pytest.mark.django_db

# supplier: (price, what becomes of its bid)
SEALED = {
    "Quibblestone Sealed Haulage Ltd": ("918273.64", "submitted"),
    "Vellichor Hidden Catering CIC": ("827364.55", "submitted"),
    "Zephyrine Draft Bidding Ltd": ("736455.46", "draft"),
    "Umbrage Withdrawn Works Ltd": ("645546.37", "withdrawn"),
}
NAMES = list(SEALED)
VIEWERS = (*WHO, "superuser")

# A bidder's name may be shown where it is because the organisation registered, not because it bid: the
# directory of organisations and the admin's organisations and supplier members (and a search for the name,
# which echoes it). The probe checks that these pages read the same with and without the bids.
DIRECTORY = re.compile(
    r"^/(organisations/|admin/outcomes/organisation/|admin/procurement/suppliermember/)|[?&]q="
    r"|^/model/reviews/\d+/actions/"  # an action's owner is chosen from every organisation
)


def price_texts(price: str) -> list[str]:
    """How a price may be written: 918273.64, 918,273.64, £918,273, 918273.6 (a rounded figure)..."""
    value = Decimal(price)
    return [price, f"{value:,}", f"{value:,.0f}", f"{value:.0f}", f"{value:.1f}", f"{value:,.1f}"]


PRICES = [text for price, _ in SEALED.values() for text in price_texts(price)]


@dataclass
class Sealed:
    world: World
    tender: Tender
    bidders: dict[str, User]  # supplier name -> its user
    superuser: User

    def user(self, viewer: str) -> User | None:
        return self.superuser if viewer == "superuser" else self.world.users[viewer]


@pytest.fixture(scope="module")
def sealed(world, django_db_blocker):
    with rolled_back(django_db_blocker):
        owner = world.users["commissioner"]
        tender = tender_services.tender_publish(
            tender=publishable_tender(owner, title="Bridge repairs"), by=owner
        )
        yield Sealed(
            world=world,
            tender=tender,
            bidders={name: supplier_user(name) for name in SEALED},
            superuser=UserFactory(username="root", is_staff=True, is_superuser=True),
        )


def place_bids(sealed: Sealed) -> dict[str, Bid]:
    jobs = first_indicators(sealed.tender.model)[1]
    answers = {c.pk: "We will do it well." for c in sealed.tender.criteria.all()}
    bids = {}
    for name, (price, fate) in SEALED.items():
        user = sealed.bidders[name]
        if fate == "submitted":  # submitted once, then revised: the revision's audit row is sealed too
            bid_services.bid_save(
                tender=sealed.tender,
                by=user,
                submit=True,
                content=bid_services.BidContent(price=Decimal(price) + 1000, answers=answers),
            )
        bids[name] = bid_services.bid_save(
            tender=sealed.tender,
            by=user,
            submit=fate != "draft",
            content=bid_services.BidContent(
                price=Decimal(price), answers=answers, commitments={jobs.pk: Decimal("4")}
            ),
        )
        if fate == "withdrawn":
            bid_services.bid_withdraw(bid=bids[name], by=user)
    assert Bid.objects.filter(tender=sealed.tender).count() == len(SEALED)
    assert AuditEvent.objects.filter(action="bid.revise").count() == 2
    return bids


def remove_bids(sealed: Sealed, keep=()) -> None:
    """The same world without the bids (a test device: bids are never deleted by the app)."""
    Bid.objects.filter(tender=sealed.tender).exclude(supplier__name__in=keep).delete()


# --- What is requested ------------------------------------------------------------------------------------
def app_pages(sealed: Sealed, bid_ids: list[int], column: str) -> list[str]:
    """Every page of the permission table about the sealed tender and its bids, and every download, that
    the table does not refuse to `column` by role (LOGIN, 403, 405: refused before any object is read)."""
    values = sealed.world.values()
    reference = sealed.tender.reference
    values |= {"dr": reference, "op": reference, "aw": reference}
    at = WHO.index(column)
    pages = []
    for path, *cells in TABLE:
        if cells[at] in (LOGIN, 403, 405):
            continue
        ids = bid_ids if "{ob}" in path or "{wb}" in path else [0]
        pages += [path.format(**values | {"ob": bid_id, "wb": bid_id}) for bid_id in ids]
    if cells_of("/dashboard/")[at] == 200:
        pages += [f"/dashboard/{table}.{fmt}" for table in dashboard.TABLE_KEYS for fmt in ("csv", "xlsx")]
    pages += [f"/tenders/?q={reference}", "/open-data/?page=1"]
    return list(dict.fromkeys(pages))


def cells_of(path: str) -> list:
    return next(cells for p, *cells in TABLE if p == path)


def admin_pages(sealed: Sealed, bid_ids: list[int]) -> list[str]:
    """The admin's index, every registered model's changelist, the change and delete pages of the first
    objects of each and of everything about the sealed tender (its bidders' organisations included: a
    delete page lists what refers to the object), and the history of the tender and its bids."""
    pages = ["/admin/"]
    related = {
        Tender: [sealed.tender.pk],
        Bid: bid_ids,
        User: [sealed.bidders[NAMES[0]].pk],
        SupplierMember: [SupplierMember.objects.get(user=sealed.bidders[NAMES[0]]).pk],
        Organisation: list(Organisation.objects.filter(name__in=NAMES).values_list("pk", flat=True)),
    }
    for model, model_admin in admin.site._registry.items():
        base = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        pages += [base, f"/admin/{model._meta.app_label}/"]
        if model_admin.search_fields:
            pages += [f"{base}?q={quote_plus(name)}" for name in NAMES[::2]]  # a submitted bid, a draft
        first = list(model._default_manager.order_by("pk").values_list("pk", flat=True)[:1])
        for pk in dict.fromkeys([*first, *related.get(model, [])]):
            pages += [f"{base}{pk}/change/", f"{base}{pk}/delete/"]
    pages.append(f"/admin/procurement/tender/{sealed.tender.pk}/history/")
    pages += [f"/admin/procurement/bid/{pk}/history/" for pk in bid_ids]
    pages.append(f"/admin/procurement/bid/?tender__id__exact={sealed.tender.pk}")
    return list(dict.fromkeys(pages))


def pages_for(sealed: Sealed, viewer: str, bid_ids: list[int]) -> list[str]:
    """A superuser holds no role: in the app it is refused what an administrator is; in the admin it sees
    everything (an administrator's view of the admin is in the permission matrix)."""
    if viewer == "superuser":
        return app_pages(sealed, bid_ids, "administrator") + admin_pages(sealed, bid_ids)
    return app_pages(sealed, bid_ids, viewer)


# --- What comes back --------------------------------------------------------------------------------------
VOLATILE = [
    (re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"'), 'name="csrfmiddlewaretoken" value=""'),
    (re.compile(r'nonce="[^"]*"'), 'nonce=""'),
    (re.compile(r"'nonce-[^']*'"), "'nonce-'"),
]


def text_of(response) -> str:
    """The response as text: spreadsheets by their cells, everything else decoded."""
    content_type = response.get("Content-Type", "")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if "spreadsheetml" in content_type:
        from openpyxl import load_workbook

        workbook = load_workbook(BytesIO(body), read_only=True)
        return "\n".join(
            "\t".join("" if v is None else str(v) for v in row)
            for sheet in workbook.worksheets
            for row in sheet.iter_rows(values_only=True)
        )
    text = body.decode("utf-8", errors="replace")
    for pattern, replacement in VOLATILE:
        text = pattern.sub(replacement, text)
    return text


def sweep(client, pages: list[str]) -> dict[str, tuple[int, str, str]]:
    """page -> (status, where it redirects, what it says)"""
    found = {}
    for page in pages:
        response = client.get(page)
        found[page] = (response.status_code, response.get("Location", ""), text_of(response))
    return found


def leaks(found: dict, secrets: list[str]) -> dict[str, list[str]]:
    return {page: hits for page, (_, _, text) in found.items() if (hits := [s for s in secrets if s in text])}


def differences(before: dict, after: dict) -> dict[str, str]:
    """Pages that read differently with the bids than without them, with the lines that differ."""
    changed = {}
    for page, (status, location, text) in after.items():
        was_status, was_location, was_text = before[page]
        if (status, location) != (was_status, was_location):
            changed[page] = f"{was_status} {was_location} -> {status} {location}"
        elif text != was_text:
            lines = difflib.unified_diff(was_text.splitlines(), text.splitlines(), lineterm="", n=0)
            changed[page] = " | ".join(
                line.strip()[:150] for line in lines if line[:1] in "+-" and line[:3] not in ("+++", "---")
            )
    return changed


# --- The probes -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("viewer", VIEWERS)
def test_before_the_deadline_nobody_but_the_bidders_learns_anything_of_the_bids(sealed, viewer):
    bids = place_bids(sealed)
    bid_ids = [b.pk for b in bids.values()]
    client = client_for(sealed.user(viewer))
    pages = pages_for(sealed, viewer, bid_ids)

    with_bids = sweep(client, pages)
    remove_bids(sealed)
    without_bids = sweep(client, pages)

    assert leaks(with_bids, PRICES) == {}
    named = set(leaks(with_bids, NAMES))
    assert {page for page in named if not DIRECTORY.search(page)} == set()
    assert named == set(leaks(without_bids, NAMES))  # there before any bid
    assert differences(without_bids, with_bids) == {}, f"{viewer}: pages change when bids come in"


@pytest.mark.parametrize("bidder", list(SEALED))
def test_each_bidder_sees_its_own_bid_and_nothing_of_the_others(sealed, bidder):
    bids = place_bids(sealed)
    bid_ids = [b.pk for b in bids.values()]
    client = client_for(sealed.bidders[bidder])
    pages = app_pages(sealed, bid_ids, "supplier")
    others = [name for name in SEALED if name != bidder]

    with_others = sweep(client, pages)
    remove_bids(sealed, keep=[bidder])
    own_only = sweep(client, pages)

    secrets = others + [text for name in others for text in price_texts(SEALED[name][0])]
    assert leaks(with_others, secrets) == {}
    assert differences(own_only, with_others) == {}, f"{bidder}'s pages change with the others' bids"
    price, fate = SEALED[bidder]
    own_bid = with_others[f"/tenders/{sealed.tender.reference}/bid/"]
    assert own_bid[0] == 200
    if fate != "withdrawn":  # a withdrawn bid is no longer the one the form shows
        assert price in own_bid[2], "the supplier's own bid page shows its price"


def test_the_probe_finds_the_bids_once_they_are_opened(sealed):
    """The strings the probes look for are the ones the pages print: after the deadline the commissioner
    opens the bids on the bids page, which then shows the submitted bids and how many, and only those; so
    does the superuser's admin list."""
    place_bids(sealed)
    Tender.objects.filter(pk=sealed.tender.pk).update(deadline=timezone.now() - timedelta(minutes=1))
    owner = client_for(sealed.world.users["commissioner"])
    owner.post(f"/tenders/{sealed.tender.reference}/bids/")  # open them
    submitted = [name for name, (_, fate) in SEALED.items() if fate == "submitted"]
    hidden = [name for name in SEALED if name not in submitted]
    bids_page = text_of(owner.get(f"/tenders/{sealed.tender.reference}/bids/"))
    assert f"{len(submitted)} submitted bids" in bids_page
    admin_list = text_of(client_for(sealed.superuser).get("/admin/procurement/bid/"))
    for text in (bids_page, admin_list):
        assert all(name in text for name in submitted)
        assert not any(name in text for name in hidden)
        assert any(p in text for p in price_texts(SEALED[submitted[0]][0]))


def test_evaluators_never_see_a_price(sealed):
    """DESIGN §5.3: evaluators of quality and social value do not see prices, on any page of theirs."""
    world = sealed.world
    tender = world.awarded
    prices = [text for bid in bids_by_supplier(tender).values() for text in price_texts(str(bid.price))]
    prices = [p for p in prices if "," in p or "." in p]  # "100000" alone would match other figures
    reference = tender.reference
    pages = [
        "/evaluate/",
        f"/tenders/{reference}/evaluate/",
        f"/tenders/{reference}/evaluate/panel-scores/",
        *(f"/tenders/{reference}/evaluate/bids/{bid.pk}/" for bid in bids_by_supplier(tender).values()),
    ]
    found = sweep(client_for(world.users["evaluator"]), pages)
    assert {page: status for page, (status, _, _) in found.items()} == dict.fromkeys(pages, 200)
    assert leaks(found, prices) == {}


def test_an_administrator_cannot_make_an_account_that_reads_a_sealed_bid(sealed):
    """The way round the seal through the admin: make an account, give it the Supplier role, make it a
    member of a bidding organisation, sign in as it. Memberships are the suppliers' own (added in the app,
    audited); the admin only shows them."""
    place_bids(sealed)
    bidder = NAMES[0]
    organisation = Organisation.objects.get(name=bidder)
    client = client_for(sealed.world.users["administrator"])
    password = "a-new-long-password-5678"
    new = {"username": "mole", "usable_password": "true", "password1": password, "password2": password}
    client.post("/admin/knowsley_sv/user/add/", new)
    mole = User.objects.get(username="mole")
    supplier_role = Group.objects.get(name=Role.SUPPLIER)
    client.post(
        f"/admin/knowsley_sv/user/{mole.pk}/change/", admin_user_form(mole, groups=[supplier_role.pk])
    )
    assert mole.groups.get() == supplier_role  # the role may be given (and is audited)
    membership = SupplierMember.objects.get(user=sealed.bidders[bidder])
    members = {"user": mole.pk, "organisation": organisation.pk}

    assert client.get("/admin/procurement/suppliermember/add/").status_code == 403
    assert client.post("/admin/procurement/suppliermember/add/", members).status_code == 403
    change = client.post(f"/admin/procurement/suppliermember/{membership.pk}/change/", members)
    assert change.status_code in (302, 403) and SupplierMember.objects.get(pk=membership.pk).user != mole
    assert not SupplierMember.objects.filter(user=mole).exists()

    mole_client = Client()
    assert mole_client.post("/sign-in/", {"username": "mole", "password": password}).status_code == 302
    found = sweep(
        mole_client, app_pages(sealed, [b.pk for b in Bid.objects.filter(tender=sealed.tender)], "supplier")
    )
    assert leaks(found, PRICES + NAMES) == {}


def test_deleting_an_organisation_in_the_admin_is_refused_in_words_that_name_no_bid(sealed):
    place_bids(sealed)
    superuser = client_for(sealed.superuser)
    for name in (NAMES[0], "Gamma Works"):  # a sealed bid; a contract
        page = superuser.get(f"/admin/outcomes/organisation/{Organisation.objects.get(name=name).pk}/delete/")
        assert page.status_code == 403
        text = page.content.decode()
        # What a reader sees: not the random letters of a CSP nonce or a CSRF token in the markup.
        words = re.sub(r"<[^>]*>", " ", text)
        assert escape(ORGANISATION_NOT_DELETED) in text and "bid" not in words.lower()
