"""The seal (DESIGN §5.2) in the queryset, the selectors, the services and the Django admin, as one table:
who sees which bids, before and after the deadline. (Every page of the app, as every role, is probed in
test_seal_pages.py.)

Before the deadline no council user (whatever the role) and no staff superuser, through the queryset, the
selectors or the Django admin, sees any bid's content or even how many there are. Each supplier sees only
its own. After the deadline the commissioners, evaluators and board members see the submitted bids (never
drafts or withdrawn ones), and the admin lists them; nothing in a bid can change any more."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from knowsley_sv import formatting
from knowsley_sv.audit import audit_trail_for
from knowsley_sv.roles import Role
from procurement import rules
from procurement.models import Bid, Tender
from procurement.selectors import bids as bid_selectors
from procurement.services import bids as bid_services
from procurement.services import tenders as tender_services

from ..factories import UserFactory
from ..procurement.helpers import first_indicators, publishable_tender, supplier_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("template_contexts")]

SUBMITTED = {"Aldgate Haulage Ltd": "412345.67", "Bramble Catering CIC": "387654.21"}
DRAFT = {"Cedar Drafting Co": "299999.99"}
WITHDRAWN = {"Dunmore Withdrawing Ltd": "311111.11"}
EVERY_BID = {**SUBMITTED, **DRAFT, **WITHDRAWN}

# who -> (roles, staff superuser?, sees the submitted bids once the deadline has passed?)
SEAL = {
    "commissioner who created the tender": ([Role.COMMISSIONER], False, True),
    "another commissioner": ([Role.COMMISSIONER], False, True),
    "evaluator": ([Role.EVALUATOR], False, True),
    "board member": ([Role.BOARD_MEMBER], False, True),
    "administrator": ([Role.ADMINISTRATOR], False, False),  # running the system grants no role
    "staff superuser": ([], True, False),
}
COUNCIL = list(SEAL)


@pytest.fixture
def sealed(db):
    """A published tender with two submitted bids, a draft bid and a withdrawn bid."""
    owner = UserFactory(username="owner", roles=[Role.COMMISSIONER])
    tender = tender_services.tender_publish(tender=publishable_tender(owner), by=owner)
    jobs = first_indicators(tender.model)[1]
    suppliers = {}
    for name, price in EVERY_BID.items():
        user = suppliers[name] = supplier_user(name)
        bid = bid_services.bid_save(
            tender=tender,
            by=user,
            submit=name not in DRAFT,
            content=bid_services.BidContent(price=Decimal(price), commitments={jobs.pk: Decimal("3")}),
        )
        if name in WITHDRAWN:
            bid_services.bid_withdraw(bid=bid, by=user)
    tender.refresh_from_db()
    return tender, owner, suppliers


def _council_user(who: str, owner):
    if who == "commissioner who created the tender":
        return owner
    roles, superuser, _ = SEAL[who]
    return UserFactory(
        username=who.replace(" ", "-"),
        roles=roles,
        is_staff=superuser or Role.ADMINISTRATOR in roles,
        is_superuser=superuser,
    )


def _names(bids) -> list[str]:
    return sorted(bid.supplier.name for bid in bids)


def _leaks(html: str, suppliers=EVERY_BID) -> list[str]:
    secrets = [*suppliers, *suppliers.values(), *(f"{Decimal(p):,}" for p in suppliers.values())]
    secrets += [f"{n} bid" for n in range(1, len(EVERY_BID) + 1)]  # "2 bids", "1 bid", ...
    secrets += [f"{n} submitted" for n in range(1, len(EVERY_BID) + 1)] + ["Submitted bids"]
    return [s for s in secrets if s in html]


def test_the_fixture_holds_what_the_table_needs(sealed):
    tender, _, _ = sealed
    statuses = dict(Bid.objects.filter(tender=tender).values_list("supplier__name", "status"))
    assert statuses == {
        **dict.fromkeys(SUBMITTED, Bid.Status.SUBMITTED),
        **dict.fromkeys(DRAFT, Bid.Status.DRAFT),
        **dict.fromkeys(WITHDRAWN, Bid.Status.WITHDRAWN),
    }
    assert timezone.now() < tender.deadline


# --- before the deadline ------------------------------------------------------------------------------
@pytest.mark.parametrize("who", COUNCIL)
def test_before_the_deadline_no_council_user_sees_any_bid(sealed, who):
    tender, owner, _ = sealed
    user = _council_user(who, owner)
    just_before = tender.deadline - timedelta(seconds=1)
    for now in (None, just_before):
        assert not Bid.objects.visible_to(user, now=now).exists()
        assert Bid.objects.visible_to(user, now=now).count() == 0
        assert list(bid_selectors.opened_bids(tender=tender, user=user, now=now)) == []


@pytest.mark.parametrize("who", COUNCIL)
def test_before_the_deadline_the_admin_shows_neither_bids_nor_their_count(client, sealed, who):
    tender, owner, _ = sealed
    client.force_login(_council_user(who, owner))
    response = client.get("/admin/procurement/bid/")
    if SEAL[who][1]:  # the superuser gets the page, empty
        assert response.status_code == 200
        assert response.context["cl"].result_count == 0
        assert list(response.context["cl"].result_list) == []
    else:
        assert response.status_code in (302, 403)
    assert _leaks(response.content.decode()) == []
    for url in ("/admin/procurement/tender/", "/admin/knowsley_sv/auditevent/"):  # a list, or a refusal
        page = client.get(url)
        assert page.status_code in (200, 302, 403), url
        assert _leaks(page.content.decode()) == [], url
    for bid in Bid.objects.filter(tender=tender):
        for url in (f"/admin/procurement/bid/{bid.pk}/change/", f"/admin/procurement/bid/{bid.pk}/history/"):
            page = client.get(url)
            assert page.status_code in (302, 403, 404), url
            assert _leaks(page.content.decode()) == [], url
            if page.status_code == 302:
                assert _leaks(client.get(page.url).content.decode()) == [], url


def test_each_supplier_sees_only_its_own_bid(sealed):
    tender, _, suppliers = sealed
    for name, user in suppliers.items():
        assert _names(Bid.objects.visible_to(user)) == [name]
        expected = [name] if name in SUBMITTED else []
        assert _names(bid_selectors.opened_bids(tender=tender, user=user)) == expected


# --- after the deadline -------------------------------------------------------------------------------
@pytest.mark.parametrize("who", COUNCIL)
def test_after_the_deadline_the_council_sees_the_submitted_bids_only_once_opened(sealed, who):
    tender, owner, _ = sealed
    user = _council_user(who, owner)
    after = tender.deadline + timedelta(seconds=1)
    assert _names(Bid.objects.visible_to(user, now=after)) == []  # past the deadline, not yet opened
    bid_services.bids_open(tender=tender, by=owner, now=after)
    expected = sorted(SUBMITTED) if SEAL[who][2] else []
    assert _names(Bid.objects.visible_to(user, now=after)) == expected
    assert _names(bid_selectors.opened_bids(tender=tender, user=user, now=after)) == expected
    assert [str(b.price) for b in bid_selectors.opened_bids(tender=tender, user=user, now=after)] == [
        SUBMITTED[name] for name in expected
    ]
    # at the deadline itself the bids are open
    assert _names(Bid.objects.visible_to(user, now=tender.deadline)) == expected


def test_after_the_deadline_suppliers_still_see_only_their_own(sealed):
    tender, _, suppliers = sealed
    after = tender.deadline + timedelta(days=1)
    for name, user in suppliers.items():
        assert _names(Bid.objects.visible_to(user, now=after)) == [name]


def test_after_the_deadline_the_admin_lists_the_submitted_bids(client, sealed):
    tender, owner, _ = sealed
    Tender.objects.filter(pk=tender.pk).update(deadline=timezone.now() - timedelta(minutes=1))
    bid_services.bids_open(tender=tender, by=owner)
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    response = client.get("/admin/procurement/bid/")
    assert response.status_code == 200
    body = response.content.decode()
    assert all(name in body and price in body for name, price in SUBMITTED.items())
    hidden = {**DRAFT, **WITHDRAWN}
    assert [s for s in [*hidden, *hidden.values()] if s in body] == []
    assert sorted(b.supplier.name for b in response.context["cl"].result_list) == sorted(SUBMITTED)
    for bid in Bid.objects.filter(tender=tender):
        page = client.get(f"/admin/procurement/bid/{bid.pk}/change/")
        if bid.status == Bid.Status.SUBMITTED:
            assert page.status_code == 200 and bid.supplier.name in page.content.decode()
        else:
            assert page.status_code in (302, 404)


def test_nothing_in_a_bid_changes_after_the_deadline(sealed):
    tender, _, suppliers = sealed
    name = next(iter(SUBMITTED))
    bid = Bid.objects.get(tender=tender, supplier__name=name)
    later = tender.deadline + timedelta(seconds=1)
    with pytest.raises(ValidationError, match="can no longer be submitted or changed"):
        bid_services.bid_save(
            tender=tender, by=suppliers[name], content=bid_services.BidContent(price=Decimal("1")), now=later
        )
    with pytest.raises(ValidationError, match="can no longer be submitted or changed"):
        bid_services.bid_withdraw(bid=bid, by=suppliers[name], now=later)
    assert Bid.objects.get(pk=bid.pk).price == Decimal(SUBMITTED[name])


def test_moving_the_deadline_into_the_past_cannot_unseal_bids(sealed):
    """Withdraw to draft, then set a past deadline: refused; and a draft or cancelled tender never
    shows its bids, whatever its deadline says."""
    tender, owner, _ = sealed
    tender_services.tender_withdraw(tender=tender, reason="Clarify the specification", by=owner)
    with pytest.raises(ValidationError) as error:
        tender_services.tender_update(tender=tender, by=owner, deadline=timezone.now() - timedelta(days=1))
    assert "has passed" in error.value.message_dict["deadline"][0]
    Tender.objects.filter(pk=tender.pk).update(deadline=timezone.now() - timedelta(days=1))
    assert not Bid.objects.visible_to(owner).exists()
    with pytest.raises(ValidationError):
        bid_services.bids_open(tender=tender, by=owner)
    assert not Bid.objects.opened().exists()
    tender_services.tender_cancel(tender=tender, reason="No longer needed", by=owner)
    assert not Bid.objects.visible_to(owner).exists()


def _details_with_deadline(tender, day) -> dict:
    return {
        "title": tender.title,
        "specification": tender.specification,
        "service_area": tender.service_area,
        "estimated_value": str(tender.estimated_value),
        "deadline_on_0": str(day.day),
        "deadline_on_1": str(day.month),
        "deadline_on_2": str(day.year),
    }


def test_withdrawing_cannot_pull_the_deadline_forward_to_open_the_bids_early(client, sealed):
    """Issue 13: withdraw, set the deadline to today, republish, and the bids could be opened ten days
    early. Now the deadline of a tender once published only moves later, through the page as through the
    service; a later one is recorded with before and after; republishing counts the minimum tendering
    period again; and the bids stay sealed all along."""
    tender, owner, _ = sealed
    client.force_login(owner)
    original = tender.deadline
    client.post(f"/tenders/{tender.reference}/withdraw/", {"reason": "Clarify the specification"})
    edit = f"/tenders/{tender.reference}/edit/"

    # The day before the published deadline: still in the future whatever the time of day the test runs
    # (today's midday deadline had passed when CI ran after noon, and a different rule answered).
    earlier_day = timezone.localdate(original) - timedelta(days=1)
    refused = client.post(edit, _details_with_deadline(tender, earlier_day))
    assert refused.status_code == 200
    assert refused.context["form"].errors["deadline_on"] == [
        rules.DEADLINE_ONLY_LATER.format(deadline=formatting.moment(original))
    ]
    earlier = original - timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        tender_services.tender_update(tender=tender, by=owner, deadline=earlier)
    assert error.value.message_dict == {
        "deadline": [rules.DEADLINE_ONLY_LATER.format(deadline=formatting.moment(original))]
    }
    tender.refresh_from_db()
    assert tender.deadline == original and not _events_of(tender, "tender.update")

    later_day = timezone.localdate(original) + timedelta(days=7)
    assert client.post(edit, _details_with_deadline(tender, later_day)).status_code == 302
    tender.refresh_from_db()
    (event,) = _events_of(tender, "tender.update")
    as_json = DjangoJSONEncoder().default
    assert (event.before["deadline"], event.after["deadline"]) == (
        as_json(original),
        as_json(tender.deadline),
    )
    assert timezone.localdate(tender.deadline) == later_day

    # Republished 20 days before the new deadline: under the 25-day minimum, counted from republication.
    republished = tender.deadline - timedelta(days=20)
    with pytest.raises(ValidationError) as error:
        tender_services.tender_publish(tender=tender, by=owner, now=republished)
    assert error.value.messages[0].startswith(
        "The deadline for bids must be at least 25 days after the tender is published."
    )
    tender_services.tender_publish(tender=tender, by=owner)
    for now in (None, tender.deadline - timedelta(seconds=1)):
        assert not Bid.objects.visible_to(owner, now=now).exists()
    with pytest.raises(ValidationError):
        bid_services.bids_open(tender=tender, by=owner, now=original + timedelta(minutes=1))


def test_the_deadline_rule_reads_the_same_with_or_without_bids(client, sealed):
    """The rule holds for every tender once published, so refusing an earlier deadline tells the council
    nothing about whether bids exist."""
    tender, owner, _ = sealed
    empty = tender_services.tender_publish(tender=publishable_tender(owner, title="No bids yet"), by=owner)
    client.force_login(owner)
    pages = []
    for each in (tender, empty):
        client.post(f"/tenders/{each.reference}/withdraw/", {"reason": "Clarify"})
        response = client.post(
            f"/tenders/{each.reference}/edit/", _details_with_deadline(each, timezone.localdate())
        )
        pages.append(response.context["form"].errors.as_data()["deadline_on"][0].messages)
    assert pages[0] == pages[1]


def _events_of(tender, action):
    return list(audit_trail_for(tender).filter(action=action))
