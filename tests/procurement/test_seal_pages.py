"""The seal, proved in one table: before the deadline no council user, and no superuser in the admin,
sees any bid's content or even how many bids there are; after it, the tender's commissioner does."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from knowsley_sv.roles import Role
from outcomes.models import Indicator, Organisation
from procurement.models import Bid, SupplierMember, Tender
from procurement.services import bids as bid_services
from procurement.services import tenders as tender_services

from ..factories import UserFactory

pytestmark = pytest.mark.django_db

PRICES = ("123456.78", "98765.43")
SUPPLIERS = ("Sealed Alpha Ltd", "Sealed Beta CIC")


@pytest.fixture
def bidding(db):
    owner = UserFactory(username="owner", roles=[Role.COMMISSIONER])
    tender = tender_services.tender_create(
        by=owner,
        title="Sealed works",
        specification="S",
        service_area="Works",
        estimated_value=Decimal("1"),
        deadline=timezone.now() + timedelta(days=30),
    )
    tender_services.criteria_set(
        tender=tender, by=owner, criteria=[{"title": "M", "question": "Q", "weight": 30}]
    )
    carbon = Indicator.objects.get(outcome__model=tender.model, code="6.3")
    tender_services.split_set(tender=tender, shares={6: 100}, offered={carbon.pk: None}, by=owner)
    tender_services.tender_publish(tender=tender, by=owner)
    for name, price in zip(SUPPLIERS, PRICES, strict=True):
        user = UserFactory(username=name.split()[1].lower(), roles=[Role.SUPPLIER])
        org = Organisation.objects.create(name=name, sector="private", size="small")
        SupplierMember.objects.create(user=user, organisation=org)
        bid_services.bid_save(
            tender=tender,
            by=user,
            submit=True,
            content=bid_services.BidContent(price=Decimal(price), commitments={carbon.pk: Decimal("7")}),
        )
    return tender, owner


def _council_users(owner):
    return {
        "commissioner (owner)": owner,
        "another commissioner": UserFactory(username="c2", roles=[Role.COMMISSIONER]),
        "evaluator": UserFactory(username="ev", roles=[Role.EVALUATOR]),
        "board member": UserFactory(username="bm", roles=[Role.BOARD_MEMBER]),
        "administrator": UserFactory(username="ad", roles=[Role.ADMINISTRATOR], is_staff=True),
        "staff superuser": UserFactory(username="root", is_staff=True, is_superuser=True),
    }


def _pages(tender):
    bid = Bid.objects.first()
    return [
        reverse("procurement:list"),
        reverse("procurement:tender", args=[tender.reference]),
        reverse("procurement:bids", args=[tender.reference]),
        reverse("procurement:check", args=[tender.reference]),
        reverse("procurement:supplier_home"),
        reverse("procurement:bid", args=[tender.reference]),
        "/admin/procurement/bid/",
        f"/admin/procurement/bid/{bid.pk}/change/",
        "/admin/procurement/tender/",
        "/admin/knowsley_sv/auditevent/",
        "/",
    ]


def _leaks(body: str) -> list[str]:
    secrets = [*SUPPLIERS, *PRICES, "123,456.78", "98,765.43", "2 submitted", "2 bids", "Submitted bids"]
    return [s for s in secrets if s in body]


def test_before_the_deadline_no_council_user_sees_a_bid_or_a_count(client, bidding):
    tender, owner = bidding
    for who, user in _council_users(owner).items():
        assert not Bid.objects.visible_to(user).exists(), who
        client.force_login(user)
        for url in _pages(tender):
            response = client.get(url)
            body = response.content.decode() if response.status_code == 200 else ""
            assert _leaks(body) == [], f"{who} at {url}"
        client.logout()


def test_each_supplier_sees_only_its_own_bid(client, bidding):
    tender, _ = bidding
    for name, price in zip(SUPPLIERS, PRICES, strict=True):
        user = SupplierMember.objects.get(organisation__name=name).user
        client.force_login(user)
        body = client.get(reverse("procurement:bid", args=[tender.reference])).content.decode()
        other = [s for s in SUPPLIERS if s != name][0]
        assert price in body.replace(",", "") and other not in body
        assert [b.supplier.name for b in Bid.objects.visible_to(user)] == [name]


def test_after_the_deadline_the_commissioner_opens_and_sees_the_bids(client, bidding):
    tender, owner = bidding
    Tender.objects.filter(pk=tender.pk).update(deadline=timezone.now() - timedelta(minutes=1))
    client.force_login(owner)
    client.post(reverse("procurement:bids", args=[tender.reference]))
    body = client.get(reverse("procurement:bids", args=[tender.reference])).content.decode()
    assert all(name in body for name in SUPPLIERS) and "2 submitted bids" in body
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(root)
    admin = client.get("/admin/procurement/bid/").content.decode()
    assert all(name in admin for name in SUPPLIERS)


def test_nothing_in_a_bid_changes_after_the_deadline(bidding):
    tender, _ = bidding
    supplier = SupplierMember.objects.get(organisation__name=SUPPLIERS[0]).user
    later = tender.deadline + timedelta(seconds=1)
    with pytest.raises(ValidationError, match="can no longer be submitted or changed"):
        bid_services.bid_save(
            tender=tender, by=supplier, content=bid_services.BidContent(price=Decimal("1")), now=later
        )
    with pytest.raises(ValidationError, match="can no longer be submitted or changed"):
        bid_services.bid_withdraw(bid=Bid.objects.get(supplier__name=SUPPLIERS[0]), by=supplier, now=later)
    assert Bid.objects.get(supplier__name=SUPPLIERS[0]).price == Decimal(PRICES[0])
