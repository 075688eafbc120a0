import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from knowsley_sv.audit import audit_trail_for
from knowsley_sv.models import AuditEvent, User
from knowsley_sv.roles import Role
from outcomes.models import Indicator, Organisation
from procurement import rules
from procurement.models import Award, Bid, SupplierMember, Tender
from procurement.services import bids as bid_services
from procurement.services import contracts as contract_services
from procurement.services import tenders as tender_services

from ..factories import UserFactory
from .helpers import WORKED_EXAMPLE, publishable_tender, worked_example_tender

QUERIES = 12  # the supplier's home (11 today), whatever the number of bids and contracts

pytestmark = pytest.mark.django_db


@pytest.fixture
def tender(db):
    by = UserFactory(username="commissioner", roles=[Role.COMMISSIONER])
    tender = tender_services.tender_create(
        by=by,
        title="Grounds maintenance",
        specification="Cut the grass.",
        service_area="Parks",
        estimated_value=Decimal("100000"),
        deadline=timezone.now() + timedelta(days=30),
    )
    tender_services.criteria_set(
        tender=tender,
        by=by,
        criteria=[{"title": "Method", "question": "How?", "weight": 30, "minimum_score": None}],
    )
    carbon = Indicator.objects.get(outcome__model=tender.model, code="6.3")
    jobs = Indicator.objects.get(outcome__model=tender.model, code="1.1")
    tender_services.split_set(
        tender=tender, shares={1: 50, 6: 50}, offered={carbon.pk: Decimal("5"), jobs.pk: None}, by=by
    )
    return tender_services.tender_publish(tender=tender, by=by)


def test_a_supplier_registers_and_is_signed_in(client):
    response = client.post(
        reverse("procurement:supplier_register"),
        {
            "first_name": "Sam",
            "last_name": "Parry",
            "email": "sam@example.org",
            "username": "sam",
            "password": "a long enough password",
            "organisation": "Parry Landscapes Ltd",
            "sector": "private",
            "size": "micro",
            "is_local": "on",
        },
    )
    assert response.url == reverse("procurement:supplier_home")
    member = SupplierMember.objects.select_related("user", "organisation").get()
    assert member.organisation.is_local and member.user.has_role(Role.SUPPLIER)
    assert client.get(reverse("procurement:supplier_home")).status_code == 200


def test_registration_errors_keep_what_was_typed(client):
    Organisation.objects.create(name="Taken Ltd", sector="private", size="small")
    response = client.post(
        reverse("procurement:supplier_register"),
        {"organisation": "Taken Ltd", "password": "short", "first_name": "Jo"},
    )
    body = response.content.decode()
    assert "govuk-error-summary" in body and "already registered" in body and 'value="Jo"' in body
    assert not SupplierMember.objects.exists()


@pytest.fixture
def supplier(client):
    org = Organisation.objects.create(name="Parry Landscapes Ltd", sector="private", size="micro")
    user = UserFactory(username="sam", roles=[Role.SUPPLIER])
    SupplierMember.objects.create(user=user, organisation=org)
    client.force_login(user)
    return user


def _field(tender, name):
    return {
        "price": "price",
        "answer": f"answer_{tender.criteria.get().pk}",
        "carbon": f"quantity_{Indicator.objects.get(outcome__model=tender.model, code='6.3').pk}",
    }[name]


def test_a_supplier_saves_returns_submits_and_revises(client, supplier, tender):
    url = reverse("procurement:bid", args=[tender.reference])
    assert client.get(url).status_code == 200
    client.post(url, {_field(tender, "answer"): "We will mow weekly", "save": "1"})
    bid = Bid.objects.get()
    assert (bid.status, bid.price) == ("draft", None)
    page = client.get(url).content.decode()
    assert "We will mow weekly" in page
    no_price = client.post(url, {_field(tender, "answer"): "We will mow weekly", "submit": "1"})
    assert rules.PRICE_MUST_BE_POSITIVE in no_price.content.decode()
    negative = client.post(url, {"price": "1000", _field(tender, "carbon"): "-2", "submit": "1"})
    assert "cannot be negative" in negative.content.decode()
    client.post(
        url,
        {"price": "90000", _field(tender, "answer"): "Weekly", _field(tender, "carbon"): "2", "submit": "1"},
    )
    bid.refresh_from_db()
    assert (bid.status, bid.price) == ("submitted", Decimal("90000.00"))
    assert "£490" in client.get(url).content.decode()  # 2 tonnes × £245, shown as information
    client.post(url, {"price": "85000", _field(tender, "carbon"): "3", "submit": "1"})
    assert Bid.objects.count() == 1 and Bid.objects.get().price == Decimal("85000.00")


def _said(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_saving_a_submitted_bid_resubmits_it_and_every_message_says_what_happened(
    client, supplier, tender, monkeypatch
):
    """Issue 13: "Save and come back later" on a submitted bid said "saved as a draft, not submitted yet"
    while the new price had replaced the old one. The last submitted version counts: on a submitted bid the
    only button is "Submit changes", every save is a resubmission and the page says so, with the time; the
    bid.revise audit row holds what changed, and nobody at the council sees it before the bids are opened."""
    three_twenty_five = datetime(2026, 12, 2, 15, 25, tzinfo=UTC)  # GMT: the same clock time in the UK
    Tender.objects.filter(pk=tender.pk).update(deadline=three_twenty_five + timedelta(days=30))
    url = reverse("procurement:bid", args=[tender.reference])
    carbon = _field(tender, "carbon")
    monkeypatch.setattr(timezone, "now", lambda: three_twenty_five - timedelta(hours=1))
    first = client.post(url, {"price": "90000", carbon: "2", "submit": "1"}, follow=True)
    assert _said(first) == [
        "Your bid was submitted at 2:25pm on 2 December 2026. "
        "You can change or withdraw it until the deadline."
    ]
    assert "Submit changes" in first.content.decode()
    assert "Save and come back later" not in first.content.decode()

    monkeypatch.setattr(timezone, "now", lambda: three_twenty_five)
    revised = client.post(
        url, {"price": "85000", carbon: "3", "save": "1"}, follow=True
    )  # an old tab's button
    assert _said(revised) == [
        "Your changes were submitted at 3:25pm on 2 December 2026. This is now your bid."
    ]
    bid = Bid.objects.get()
    assert (bid.status, bid.price, bid.submitted_at) == ("submitted", Decimal("85000.00"), three_twenty_five)
    (event,) = AuditEvent.objects.filter(action="bid.revise")
    assert (event.actor, event.target_id) == (supplier, str(bid.pk))
    assert event.before == {"price": "90000.00", "commitments": {"6.3": "2.00"}}
    assert event.after == {"price": "85000.00", "commitments": {"6.3": "3.00"}}

    again = client.post(url, {"price": "85000", carbon: "3", "submit": "1"}, follow=True)
    assert _said(again) == [
        "You did not change anything. Your bid submitted at 3:25pm on 2 December 2026 stands."
    ]
    assert AuditEvent.objects.filter(action="bid.revise").count() == 1

    # The council: not in the tender's history, nor the admin's audit trail, until the bids are opened.
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(root)
    trail = "/admin/knowsley_sv/auditevent/"

    def listed() -> list[str]:
        return [e.action for e in client.get(trail).context["cl"].result_list]

    assert "bid.revise" not in listed()
    assert client.get(f"{trail}{event.pk}/change/").status_code == 302  # "not found", back to the index
    assert not [e for e in audit_trail_for(tender) if e.action.startswith("bid.")]
    monkeypatch.setattr(timezone, "now", lambda: bid.tender.deadline + timedelta(minutes=1))
    bid_services.bids_open(tender=tender, by=tender.commissioners.get())
    assert "bid.revise" in listed()


PRICE_INVALID = "Enter the bid price in pounds, like £420,000"
QUANTITY_INVALID = "Enter the quantity for 6.3 as a number, like 12"


@pytest.mark.parametrize(
    ("price", "carbon", "message"),
    [
        ("1e3", "", PRICE_INVALID),  # was stored as £1,000
        ("٤٢٠٠٠٠", "", PRICE_INVALID),  # Arabic-Indic digits: was stored as £420,000
        ("४२००००", "", PRICE_INVALID),  # Devanagari
        ("４２００００", "", PRICE_INVALID),  # full-width
        ("1_000", "", PRICE_INVALID),
        ("--5", "", PRICE_INVALID),
        ("9" * 10_000, "", PRICE_INVALID),
        ("-5", "", "The bid price cannot be negative"),
        ("1,000,000,000,000", "", "The bid price must be £999,999,999,999 or less"),
        ("420000.001", "", "Enter the bid price to the nearest penny"),
        ("420000", "1e3", QUANTITY_INVALID),
        ("420000", "٣", QUANTITY_INVALID),
        ("420000", "-2", "The quantity for 6.3 cannot be negative"),
    ],
)
def test_hostile_figures_are_refused_through_the_bid_form(client, supplier, tender, price, carbon, message):
    response = client.post(
        reverse("procurement:bid", args=[tender.reference]),
        {"price": price, _field(tender, "carbon"): carbon, "submit": "1"},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Bid.objects.exists()


@pytest.mark.parametrize("price", ["420,000", "£420,000", " £420,000 ", "420000"])
def test_the_bid_price_is_read_as_people_type_it(client, supplier, tender, price):
    client.post(reverse("procurement:bid", args=[tender.reference]), {"price": price, "submit": "1"})
    assert Bid.objects.get().price == Decimal("420000.00")


def test_a_late_submission_is_refused_and_nothing_saved_is_lost(client, supplier, tender):
    url = reverse("procurement:bid", args=[tender.reference])
    client.post(url, {"price": "1000", "submit": "1"})
    Tender.objects.filter(pk=tender.pk).update(deadline=timezone.now() - timedelta(seconds=1))
    late = client.post(url, {"price": "1", "submit": "1"})
    assert "This tender is not open for bids: the deadline has passed" in late.content.decode()
    assert Bid.objects.get().price == Decimal("1000.00")
    withdraw = client.post(reverse("procurement:bid_withdraw", args=[tender.reference]))
    assert withdraw.status_code == 302 and Bid.objects.get().status == "submitted"


def test_a_supplier_withdraws_and_may_bid_again(client, supplier, tender):
    url = reverse("procurement:bid", args=[tender.reference])
    client.post(url, {"price": "1000", "submit": "1"})
    client.post(reverse("procurement:bid_withdraw", args=[tender.reference]))
    assert Bid.objects.get().status == "withdrawn"
    client.post(url, {"price": "900", "submit": "1"})
    assert list(Bid.objects.order_by("pk").values_list("status", flat=True)) == ["withdrawn", "submitted"]


def test_a_supplier_sees_only_its_own_bid(client, supplier, tender):
    rival_org = Organisation.objects.create(name="Rival Ltd", sector="private", size="large")
    rival = UserFactory(username="rival", roles=[Role.SUPPLIER])
    SupplierMember.objects.create(user=rival, organisation=rival_org)
    bid_services.bid_save(
        tender=tender, by=rival, content=bid_services.BidContent(price=Decimal("5")), submit=True
    )
    page = client.get(reverse("procurement:supplier_home")).content.decode()
    assert "Rival" not in page and "You have not started a bid yet." in page
    assert "Rival" not in client.get(reverse("procurement:bid", args=[tender.reference])).content.decode()


@pytest.mark.parametrize(
    "role", [None, Role.COMMISSIONER, Role.BOARD_MEMBER, Role.EVALUATOR, Role.ADMINISTRATOR]
)
def test_only_suppliers_reach_bid_pages(client, tender, role):
    if role:
        client.force_login(UserFactory(username="x", roles=[role]))
    response = client.get(reverse("procurement:bid", args=[tender.reference]))
    assert response.status_code == (302 if role is None else 403)


def test_a_supplier_role_without_an_organisation_is_refused(client, tender):
    client.force_login(UserFactory(username="loose", roles=[Role.SUPPLIER]))
    assert client.get(reverse("procurement:supplier_home")).status_code == 403


def test_a_supplier_adds_a_colleague_who_can_bid_for_the_same_organisation(client, supplier, tender):
    url = reverse("procurement:supplier_user_create")
    weak = client.post(
        url, {"first_name": "Al", "last_name": "Jones", "email": "al@example.org", "username": "al"}
    )
    assert "Choose a temporary password" in weak.content.decode()
    client.post(
        url,
        {
            "first_name": "Al",
            "last_name": "Jones",
            "email": "al@example.org",
            "username": "al",
            "password": "a long enough password",
        },
    )
    colleague = SupplierMember.objects.select_related("user").get(user__username="al")
    assert colleague.organisation == supplier.supplier_member.organisation
    assert colleague.user.has_role(Role.SUPPLIER)
    event = AuditEvent.objects.get(action="supplier.add_user")  # the admin cannot do this; the app records it
    assert (event.actor, event.after) == (supplier, {"user": colleague.user.pk})
    assert "Al Jones" in client.get(reverse("procurement:supplier_home")).content.decode()


# --- The supplier's home: each bid's outcome and the contracts won -------------------------------------
def _decided(commissioner, organisation, title: str, *, won: bool, contract: bool = False) -> Tender:
    """A tender past its deadline with a bid from `organisation` and one from a rival, awarded to one of
    them (directly: the evaluation is not what is tested here), and the contract entered if asked."""
    tender = worked_example_tender(
        commissioner,
        suppliers={
            f"{title} ours": WORKED_EXAMPLE["Gamma Works"],
            f"{title} rival": WORKED_EXAMPLE["Beta Care"],
        },
    )
    ours = tender.bids.get(supplier__name=f"{title} ours")
    Bid.objects.filter(pk=ours.pk).update(supplier=organisation)
    now = timezone.now()
    Award.objects.create(
        tender=tender,
        bid=ours if won else tender.bids.get(supplier__name=f"{title} rival"),
        results={},
        awarded_by=commissioner,
        awarded_at=now,
        notice_published_at=now,
        standstill_ends=timezone.localdate() - timedelta(days=1),
    )
    Tender.objects.filter(pk=tender.pk).update(title=title, status=Tender.Status.AWARDED)
    if contract:
        contract_services.contract_enter(
            tender=tender,
            by=commissioner,
            start_date=timezone.localdate() - timedelta(days=30),
            end_date=timezone.localdate() + timedelta(days=300),
            value=Decimal("50000"),
        )
    return tender


def _row_with(html: str, title: str) -> str:
    rows = [row.split("</tr>")[0] for row in html.split("<tr")[1:]]
    rows = [row for row in rows if f">{title}</a>" in row]
    assert len(rows) == 1, title
    return " ".join(re.sub(r"<[^>]+>", " ", rows[0]).split())


def test_the_supplier_home_says_what_became_of_each_bid_and_lists_the_contracts(
    client, supplier, tender, django_assert_max_num_queries
):
    commissioner = User.objects.get(username="commissioner")
    organisation = supplier.supplier_member.organisation
    home = reverse("procurement:supplier_home")
    assert "You have no contracts yet." in client.get(home).content.decode()
    _decided(commissioner, organisation, "Home care", won=True, contract=True)
    with django_assert_max_num_queries(QUERIES) as one:
        client.get(home)

    content = bid_services.BidContent(price=Decimal("900"))
    bid_services.bid_save(tender=tender, by=supplier, content=content, submit=True)  # still open
    withdrawn = publishable_tender(commissioner, title="Street lighting")
    tender_services.tender_publish(tender=withdrawn, by=commissioner)
    bid = bid_services.bid_save(tender=withdrawn, by=supplier, content=content, submit=True)
    bid_services.bid_withdraw(bid=bid, by=supplier)
    _decided(commissioner, organisation, "Day centres", won=True, contract=True)
    _decided(commissioner, organisation, "School meals", won=False)
    with django_assert_max_num_queries(len(one.captured_queries)):
        html = client.get(home).content.decode()
    bids = html.split('caption--m">Contracts<')[0]
    contracts = html.split('caption--m">Contracts<')[1].split("People who can bid")[0]
    assert "Grounds maintenance Submitted" in _row_with(bids, "Grounds maintenance")
    assert _row_with(bids, "Grounds maintenance").endswith(rules.BID_STILL_OPEN)
    assert _row_with(bids, "Street lighting").endswith(rules.BID_WITHDRAWN)
    for title in ("Home care", "Day centres"):
        assert f"{rules.BID_WON} Assessment summary" in _row_with(bids, title)
        assert _row_with(contracts, title).endswith("Red: well behind")  # a month in, nothing delivered
    assert f"{rules.BID_NOT_SUCCESSFUL} Assessment summary" in _row_with(bids, "School meals")
    assert "School meals" not in contracts and "Grounds maintenance" not in contracts
