import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from knowsley_sv import formatting
from knowsley_sv.models import AuditEvent
from knowsley_sv.roles import Role
from outcomes.models import Indicator, Organisation
from procurement import rules
from procurement.models import Bid, SupplierMember, Tender
from procurement.services import bids as bid_services
from procurement.services import tenders as tender_services

from ..factories import UserFactory
from ..pdf import pdf_tags, tagged_pdf_ua

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
    # the reason's hint says something its label does not
    assert "Leave this empty when social value is 10% or more." in low.content.decode()
    assert "Why social value is weighted under 10%, if it is" not in low.content.decode()
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
    # the task list: each step and its status, the social value step with what it still needs
    tasks = [
        " ".join(re.sub(r"<[^>]+>", " ", "<" + item).split())
        for item in check.split('id="tasks"')[1].split("</ul>")[0].split("<li ")[1:]
    ]
    assert tasks[:3] == [
        "Details and deadline Completed",
        "Weights and price scoring Completed",
        "Quality criteria Completed",
    ]
    assert tasks[3].startswith("Social value split and indicators Outcome 1 has a 17% share")
    assert tasks[3].endswith("Incomplete")
    indicators = {
        i.outcome.number: i for i in Indicator.objects.filter(outcome__model=tender.model).order_by("-code")
    }
    # the social value step: a fieldset an outcome, its title the legend, the indicators a fieldset in it
    step = client.get(reverse("procurement:social_value", args=[ref])).content.decode()
    legends = re.findall(r'<legend[^>]*>\s*<h2 class="govuk-fieldset__heading">\s*(Outcome \d):', step)
    assert legends == [f"Outcome {n}" for n in range(1, 7)]
    assert step.count("Indicators suppliers may commit to") == 6
    # each indicator a checkbox revealing its target (hidden until ticked), the unit the target's suffix
    one, box = indicators[1], f"id_offer_{indicators[1].pk}"
    assert f'name="offer_{one.pk}" type="checkbox" value="on" data-aria-controls="conditional-{box}">' in step
    hidden = "govuk-checkboxes__conditional govuk-checkboxes__conditional--hidden"
    conditional = step.split(f'<div class="{hidden}" id="conditional-{box}">')[1].split(
        "govuk-checkboxes__item"
    )[0]
    assert (
        f'<label class="govuk-label" for="id_target_{one.pk}">Target for {one.code} (optional)</label>'
        in conditional
    )
    assert f'<div class="govuk-input__suffix" aria-hidden="true">{one.unit}</div>' in conditional
    assert step.count('data-module="govuk-checkboxes"') == 6
    # errors: each link of the summary lands on its field; a ticked box shows its target and the error there
    url = reverse("procurement:social_value", args=[ref])
    data = {f"share_{n}": s for n, s in zip(range(1, 7), (40, 20, 20, 10, 10, 0), strict=True)}
    bad = client.post(url, {**data, "share_1": "x", f"offer_{one.pk}": "on", f"target_{one.pk}": "lots"})
    bad = bad.content.decode()
    links = re.findall(r'<li><a href="#([^"]+)">([^<]+)</a></li>', bad)
    assert links == [
        ("id_share_1", "Enter the share for outcome 1 as a whole number, like 20"),
        (f"id_target_{one.pk}", f"Enter the target for {one.code} as a number, like 12"),
    ]
    assert all(bad.count(f'id="{field}"') == 1 for field, _ in links)
    assert f'<div class="govuk-checkboxes__conditional" id="conditional-{box}">' in bad  # shown
    assert f'id="id_target_{one.pk}-error" class="govuk-error-message"' in bad
    for n in range(1, 6):
        data[f"offer_{indicators[n].pk}"] = "on"
    data[f"target_{indicators[1].pk}"] = "12"
    # a target typed for a box left unticked (hidden by it) is ignored, neither refused nor saved
    data[f"target_{indicators[6].pk}"] = "not a number"
    assert client.post(url, data).url.endswith("/edit/check/")
    check = client.get(reverse("procurement:check", args=[ref])).content.decode()
    answers = check.split('id="answers"')[1].split("</dl>")[0]
    rows = [
        [
            " ".join(re.sub(r"<[^>]+>", " ", cell).split())
            for cell in re.findall(r"<d[td][^>]*>(.*?)</d[td]>", row, re.S)
        ]
        for row in answers.split('class="govuk-summary-list__row"')[1:]
    ]
    assert rows[3][1] == formatting.moment(tender.deadline)  # the time's wording is the core's to say
    rows[3][1] = "(the deadline)"
    assert [row[:2] for row in rows] == [
        ["Title", "Grounds maintenance"],
        ["Service area", "Parks"],
        ["Estimated value", "£250,000"],
        ["Deadline for bids", "(the deadline)"],
        ["Weights", "Price 50, quality 30, social value 20"],
        ["Price scoring", "Proportional deviation from the lowest price"],
        ["Quality criteria", "Q1 Method (20); Q2 Staffing (10)"],
        [
            "Social value split",
            "Outcome 1: 40%, 1 indicator; Outcome 2: 20%, 1 indicator; Outcome 3: 20%, 1 indicator; "
            "Outcome 4: 10%, 1 indicator; Outcome 5: 10%, 1 indicator",
        ],
    ]
    changes = dict(re.findall(r'href="([^"]+)">Change<span class="govuk-visually-hidden"> ([^<]+)<', answers))
    assert set(changes) == {
        reverse(f"procurement:{name}", args=[ref]) for name in ("edit", "weights", "criteria", "social_value")
    }
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


def test_withdraw_to_draft_is_offered_only_before_the_deadline(client, commissioner):
    tender = _build(client)
    Tender.objects.filter(pk=tender.pk).update(status="published", published_at=timezone.now())
    withdraw = reverse("procurement:withdraw", args=[tender.reference])
    assert f'href="{withdraw}"' in client.get(tender.get_absolute_url()).content.decode()
    assert client.get(withdraw).status_code == 200
    Tender.objects.filter(pk=tender.pk).update(deadline=timezone.now() - timedelta(minutes=1))
    assert f'href="{withdraw}"' not in client.get(tender.get_absolute_url()).content.decode()
    response = client.get(withdraw, follow=True)
    assert response.redirect_chain == [(tender.get_absolute_url(), 302)]
    assert tender_services.WITHDRAW_AFTER_DEADLINE in response.content.decode()


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
    bid_services.bid_save(
        tender=tender, by=member, content=bid_services.BidContent(price=Decimal("1000")), submit=True
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
    first = tender_services.tender_create(
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
    assert response["Content-Type"] == "application/pdf"
    assert f'filename="{tender.reference}.pdf"' in response["Content-Disposition"]
    assert pdf_tags(response.content) == tagged_pdf_ua(title=f"{tender.reference}: {tender.title}")
    client.logout()
    assert (
        client.get(reverse("procurement:tender_pdf", args=[tender.reference])).status_code == 404
    )  # a draft
