"""A commissioner builds and publishes a tender; a supplier bids; a late bid is refused. axe on every page."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from knowsley_sv.roles import Role
from outcomes.models import Indicator, Organisation
from procurement.models import Bid, SupplierMember, Tender
from procurement.services import tenders as tender_services
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_commissioner_builds_and_publishes_a_tender(live_server, page: Page, assert_accessible, sign_in):
    # a unit as long as the model allows (60 characters), to show at a phone's width beside its target
    Indicator.objects.filter(code="2.4").update(
        unit="households helped to cut their energy costs by a tenth or so"
    )
    sign_in(page, Role.COMMISSIONER, "commissioner")
    page.get_by_role("link", name="Tenders", exact=True).click()
    assert_accessible(page)
    page.get_by_role("link", name="Create a tender").click()
    page.get_by_role("button", name="Save and continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the tender's title")
    assert_accessible(page)
    page.get_by_label("Title").fill("Grounds maintenance 2027")
    page.get_by_label("Specification").fill("Grass cutting and planting in 40 parks.")
    page.get_by_label("Service area").fill("Parks")
    page.get_by_label("Estimated value (£)").fill("400000")
    day = timezone.localdate() + timedelta(days=30)
    page.get_by_label("Day").fill(str(day.day))
    page.get_by_label("Month").fill(str(day.month))
    page.get_by_label("Year").fill(str(day.year))
    page.get_by_role("button", name="Save and continue").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Weights, price scoring and scoring scale")
    page.get_by_label("Social value (%)").fill("15")
    expect(page.locator("[data-points-total]")).to_have_text("Total: 95 of 100. 5 left to give.")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("add up to 95, not 100")
    assert_accessible(page)
    page.get_by_label("Social value (%)").fill("20")
    page.get_by_label("Proportional deviation from the lowest price").check()
    page.get_by_label("0 to 100 in steps of 25 (five points)").check()
    page.get_by_role("button", name="Save and continue").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Quality criteria")
    for title, weight in (("Method statement", "20"), ("Staffing", "10")):
        page.get_by_label("Title").fill(title)
        page.get_by_label("Question").fill(f"Describe your {title.lower()}.")
        page.get_by_label("Weight (points of 100)").fill(weight)
        page.get_by_role("button", name="Add criterion").click()
        expect(page.get_by_text("Criterion added.")).to_be_visible()
    expect(page.locator("main")).to_contain_text("They add up to 30 now.")
    assert_accessible(page)
    page.get_by_role("link", name="Continue to social value").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Social value: split and indicators")
    assert_accessible(page)
    for number in range(1, 7):
        page.get_by_label(f"Share of the social value weight (%) for outcome {number}").fill("0")
    page.get_by_label("Share of the social value weight (%) for outcome 1").fill("60")
    page.get_by_label("Share of the social value weight (%) for outcome 6").fill("40")
    # each indicator's box reveals its target, the unit a suffix beside it; unticking hides it again
    target = page.get_by_label("Target for 1.2 (optional)")
    expect(target).to_be_hidden()
    page.get_by_label("1.2 Apprenticeships started by Knowsley residents (apprenticeship starts)").check()
    expect(target).to_be_visible()
    expect(target.locator("xpath=following-sibling::*[1]")).to_have_text("apprenticeship starts")
    target.fill("4")
    first = page.get_by_label("1.1 Knowsley residents employed on the contract (full-time equivalent years)")
    first.check()
    page.get_by_label("Target for 1.1 (optional)").fill("7")  # then unticked: the hidden target is ignored
    assert_accessible(page)  # a revealing checkbox carries GOV.UK's aria-expanded
    first.uncheck()
    expect(page.get_by_label("Target for 1.1 (optional)")).to_be_hidden()
    # at a phone's width, every target revealed: the longest unit wraps, and the page does not scroll sideways
    page.set_viewport_size({"width": 320, "height": 720})
    unticked = page.locator(".govuk-checkboxes__input:not(:checked)").evaluate_all("bs => bs.map(b => b.id)")
    boxes = [page.locator(f"#{id_}") for id_ in unticked]
    for box in boxes:
        box.check()
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert_accessible(page)
    for box in boxes:
        box.uncheck()
    page.set_viewport_size({"width": 1280, "height": 720})
    page.get_by_role("button", name="Save and continue").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Check the tender before publishing")
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Outcome 6 has a 40% share but offers no indicator."
    )
    assert_accessible(page)
    page.get_by_role("link", name="Change the social value split and indicators").click()
    page.get_by_label("6.3 Greenhouse gas emissions avoided on the contract (tonnes CO2e)").check()
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_role("button", name="Publish the tender").click()
    expect(page.get_by_text("is published. Suppliers can now bid.")).to_be_visible()
    expect(page.locator("main")).to_contain_text("60% of social value (12 points)")
    assert_accessible(page)
    tender = Tender.objects.get()
    assert (tender.status, tender.price_formula, tender.social_value_weight) == ("published", "deviation", 20)
    offered = tender.offered_indicators.order_by("indicator__code").values_list("indicator__code", "target")
    assert list(offered) == [("1.2", Decimal("4")), ("6.3", None)]
    assert list(tender.scale.values_list("value", flat=True)) == [0, 25, 50, 75, 100]

    page.get_by_role("link", name="Bids", exact=True).click()
    expect(page.locator("main")).to_contain_text("Bids are sealed until the deadline")
    assert_accessible(page)


def _published_tender() -> Tender:
    by = UserFactory(username="owner", roles=[Role.COMMISSIONER])
    tender = tender_services.tender_create(
        by=by,
        title="Library cleaning",
        specification="Clean four libraries.",
        service_area="Libraries",
        estimated_value=Decimal("80000"),
        deadline=timezone.now() + timedelta(days=30),
    )
    tender_services.criteria_set(
        tender=tender,
        by=by,
        criteria=[{"title": "Method", "question": "How?", "weight": 30, "minimum_score": 40}],
    )
    carbon = Indicator.objects.get(outcome__model=tender.model, code="6.3")
    tender_services.split_set(tender=tender, shares={6: 100}, offered={carbon.pk: None}, by=by)
    return tender_services.tender_publish(tender=tender, by=by)


def test_a_supplier_drafts_returns_submits_and_revises(live_server, page: Page, assert_accessible, sign_in):
    tender = _published_tender()
    sign_in(page, Role.SUPPLIER, "sam")
    SupplierMember.objects.create(
        user=tender.commissioners.model.objects.get(username="sam"),
        organisation=Organisation.objects.create(
            name="Sparkle Cleaning CIC", sector="social_enterprise", size="small"
        ),
    )
    page.goto(f"{live_server.url}/supplier/")
    assert_accessible(page)
    page.get_by_role("link", name="Library cleaning").click()
    assert_accessible(page)
    page.get_by_role("link", name="Bid for this tender").click()
    assert_accessible(page)
    page.get_by_label("Q1 Method").fill("Daily cleaning with local staff.")
    page.get_by_role("button", name="Save and come back later").click()
    expect(page.get_by_text("Your bid is saved as a draft.")).to_be_visible()

    page.goto(f"{live_server.url}/supplier/")
    expect(page.get_by_role("cell", name="Draft")).to_be_visible()
    page.get_by_role("table").get_by_role("link", name="Library cleaning").click()
    expect(page.get_by_label("Q1 Method")).to_have_value("Daily cleaning with local staff.")
    page.get_by_role("button", name="Submit bid").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a price of more than £0.")
    assert_accessible(page)
    page.get_by_label("Total price (£)").fill("75000")
    page.get_by_label("6.3 Greenhouse gas emissions avoided on the contract (tonnes CO2e)").fill("4")
    page.get_by_role("button", name="Submit bid").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Your bid was submitted at")
    expect(page.get_by_role("button", name="Save and come back later")).to_have_count(0)
    expect(page.locator("main")).to_contain_text("Social value committed: £980")
    assert_accessible(page)
    page.get_by_label("Total price (£)").fill("72000")
    page.get_by_role("button", name="Submit changes").click()
    expect(page.get_by_text("This is now your bid.")).to_be_visible()
    bid = Bid.objects.get()
    assert (bid.status, bid.price) == ("submitted", Decimal("72000.00"))

    # the deadline passes while the supplier has the page open: the late submission is refused
    page.reload()
    page.get_by_label("Total price (£)").fill("1")
    Tender.objects.filter(pk=tender.pk).update(deadline=timezone.now() - timedelta(seconds=1))  # no waiting
    page.get_by_role("button", name="Submit changes").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Bids can no longer be submitted or changed")
    assert_accessible(page)
    assert Bid.objects.get().price == Decimal("72000.00")
