from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from knowsley_sv.models import AuditEvent
from knowsley_sv.roles import Role
from outcomes.models import Indicator, Organisation
from procurement import rules, services
from procurement.models import Bid, SupplierMember, Tender

from ..factories import UserFactory

pytestmark = pytest.mark.django_db

DETAILS = {
    "title": "Grounds maintenance",
    "specification": "Cut the grass in every park.",
    "service_area": "Parks",
    "estimated_value": "250000",
}


def _deadline_fields(day):
    return {"deadline_on_0": str(day.day), "deadline_on_1": str(day.month), "deadline_on_2": str(day.year)}


@pytest.fixture
def commissioner(client):
    user = UserFactory(username="commissioner", roles=[Role.COMMISSIONER])
    client.force_login(user)
    return user


def _build(client, days=30):
    day = timezone.localdate() + timedelta(days=days)
    created = client.post(reverse("procurement:create"), {**DETAILS, **_deadline_fields(day)})
    tender = Tender.objects.get()
    assert created.url == reverse("procurement:weights", args=[tender.reference])
    return tender


def test_a_commissioner_builds_and_publishes_a_tender(client, commissioner):
    tender = _build(client)
    ref = tender.reference
    bad = client.post(
        reverse("procurement:weights", args=[ref]),
        {
            "price_weight": "50",
            "quality_weight": "30",
            "social_value_weight": "15",
            "price_formula": "relative",
            "scale": "six_point",
        },
    )
    assert rules.WEIGHTS_MUST_TOTAL_100.format(total=95) in bad.content.decode()
    low = client.post(
        reverse("procurement:weights", args=[ref]),
        {
            "price_weight": "60",
            "quality_weight": "35",
            "social_value_weight": "5",
            "price_formula": "relative",
            "scale": "six_point",
        },
    )
    assert rules.SOCIAL_VALUE_UNDER_MINIMUM.format(weight=5) in low.content.decode()
    client.post(
        reverse("procurement:weights", args=[ref]),
        {
            "price_weight": "50",
            "quality_weight": "30",
            "social_value_weight": "20",
            "price_formula": "deviation",
            "scale": "five_point",
        },
    )
    for title, weight in (("Method", "20"), ("Staffing", "10")):
        client.post(
            reverse("procurement:criteria", args=[ref]),
            {"title": title, "question": "How?", "weight": weight},
        )
    check = client.get(reverse("procurement:check", args=[ref])).content.decode()
    assert rules.OUTCOME_NEEDS_INDICATOR.format(number=1, share=17) in check
    indicators = {
        i.outcome.number: i for i in Indicator.objects.filter(outcome__model=tender.model).order_by("-code")
    }
    data = {f"share_{n}": s for n, s in zip(range(1, 7), (40, 20, 20, 10, 10, 0), strict=True)}
    for n in range(1, 6):
        data[f"offer_{indicators[n].pk}"] = "on"
    data[f"target_{indicators[1].pk}"] = "12"
    assert client.post(reverse("procurement:social_value", args=[ref]), data).url.endswith("/edit/check/")
    published = client.post(reverse("procurement:check", args=[ref]))
    assert published.url == reverse("procurement:tender", args=[ref])
    tender.refresh_from_db()
    assert (tender.status, tender.price_formula) == ("published", "deviation")
    assert tender.offered_indicators.get(indicator=indicators[1]).target == Decimal("12")
    actions = list(AuditEvent.objects.filter(target_id=str(tender.pk)).values_list("action", flat=True))
    assert {"tender.create", "tender.update", "tender.criteria", "tender.split", "tender.publish"} <= set(
        actions
    )
    page = client.get(reverse("procurement:tender", args=[ref])).content.decode()
    assert (
        "proportional deviation from the lowest price" in page
        and "Excellent" in page
        and "40% of social value (8 points)" in page
    )


def test_published_weights_are_read_only(client, commissioner):
    tender = _build(client)
    Tender.objects.filter(pk=tender.pk).update(status="published", published_at=timezone.now())
    response = client.post(
        reverse("procurement:weights", args=[tender.reference]),
        {
            "price_weight": "40",
            "quality_weight": "40",
            "social_value_weight": "20",
            "price_formula": "relative",
            "scale": "six_point",
        },
    )
    assert "cannot change" in response.content.decode()
    tender.refresh_from_db()
    assert tender.price_weight == 50


@pytest.mark.parametrize("role", [None, Role.SUPPLIER, Role.EVALUATOR, Role.BOARD_MEMBER, Role.ADMINISTRATOR])
def test_only_commissioners_build_tenders(client, role):
    if role:
        client.force_login(UserFactory(username="someone", roles=[role]))
    response = client.get(reverse("procurement:create"))
    assert response.status_code == (302 if role is None else 403)


def test_other_commissioners_tenders_are_not_found(client, commissioner):
    tender = _build(client)
    client.force_login(UserFactory(username="other", roles=[Role.COMMISSIONER]))
    assert client.get(reverse("procurement:weights", args=[tender.reference])).status_code == 404


def test_drafts_are_not_public(client, commissioner):
    tender = _build(client)
    client.logout()
    assert client.get(reverse("procurement:tender", args=[tender.reference])).status_code == 404
    assert tender.reference not in client.get(reverse("procurement:list")).content.decode()


def test_bids_are_sealed_until_the_deadline_then_opened_with_a_record(client, commissioner):
    tender = _build(client)
    Tender.objects.filter(pk=tender.pk).update(status="published", published_at=timezone.now())
    supplier = Organisation.objects.create(name="Bidder Ltd", sector="private", size="small")
    member = UserFactory(username="bidder", roles=[Role.SUPPLIER])
    SupplierMember.objects.create(user=member, organisation=supplier)
    services.bid_save(
        tender=tender, by=member, content=services.BidContent(price=Decimal("1000")), submit=True
    )
    sealed = client.get(reverse("procurement:bids", args=[tender.reference])).content.decode()
    assert (
        "sealed until the deadline" in sealed and "Bidder Ltd" not in sealed and "1 submitted" not in sealed
    )
    assert client.post(reverse("procurement:bids", args=[tender.reference])).status_code == 302
    assert not AuditEvent.objects.filter(action="tender.open_bids").exists()
    Tender.objects.filter(pk=tender.pk).update(deadline=timezone.now() - timedelta(minutes=1))
    client.post(reverse("procurement:bids", args=[tender.reference]))
    opened = client.get(reverse("procurement:bids", args=[tender.reference])).content.decode()
    assert "Bidder Ltd" in opened and "Opened by" in opened
    assert Bid.objects.get().status == "submitted"
    assert AuditEvent.objects.get(action="tender.open_bids").after == {"submitted_bids": 1}


@pytest.mark.parametrize("n", [10, 500])
def test_tender_list_and_page_run_the_same_queries_whatever_the_number(client, django_assert_num_queries, n):
    creator = UserFactory(username="c", roles=[Role.COMMISSIONER])
    first = services.tender_create(
        by=creator,
        title="T",
        specification="S",
        service_area="Parks",
        estimated_value=Decimal("1"),
        deadline=timezone.now() + timedelta(days=9),
    )
    Tender.objects.bulk_create(
        Tender(
            reference=f"BULK-{i:04d}",
            title=f"Tender {i}",
            specification="S",
            service_area="Parks",
            estimated_value=Decimal("1"),
            model=first.model,
            deadline=timezone.now() + timedelta(days=i % 40 + 1),
            status="published",
            published_at=timezone.now(),
        )
        for i in range(n - 1)
    )
    with django_assert_num_queries(2):
        assert client.get(reverse("procurement:list")).status_code == 200
    with django_assert_num_queries(5):
        assert client.get(reverse("procurement:tender", args=["BULK-0000"])).status_code == 200


def test_the_tender_page_is_a_pdf_too(client, commissioner):
    tender = _build(client)
    response = client.get(reverse("procurement:tender_pdf", args=[tender.reference]))
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF-")
    assert f'filename="{tender.reference}.pdf"' in response["Content-Disposition"]
    client.logout()
    assert (
        client.get(reverse("procurement:tender_pdf", args=[tender.reference])).status_code == 404
    )  # a draft
