"""Open data (DESIGN §7): the OCDS 1.1 release package, valid against the vendored schema offline; the seal
on bids; the page, the JSON and the CSV."""

import csv
import io
import json
from datetime import datetime, time, timedelta
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from jsonschema import Draft4Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from knowsley_sv.roles import Role
from procurement import ocds
from procurement.models import Tender
from procurement.services import award as award_services
from procurement.services import contracts as contract_services
from procurement.services import evaluation as evaluation_services
from procurement.services import tenders as tender_services

from ..factories import UserFactory
from .helpers import (
    bids_by_supplier,
    moderate_all,
    panel_of,
    publishable_tender,
    score_as,
    worked_example_tender,
)

pytestmark = pytest.mark.django_db

URI = "https://sv.knowsley.example/open-data/releases.json"


# --- The schema: vendored files, patched with the extensions, resolved locally ----------------------------
FORMATS = FormatChecker(formats=())


@FORMATS.checks("date-time", raises=ValueError)
def _date_time(value) -> bool:
    if not isinstance(value, str):
        return True
    return "T" in value and datetime.fromisoformat(value).tzinfo is not None


@FORMATS.checks("uri")
def _uri(value) -> bool:
    if not isinstance(value, str):
        return True
    parts = urlsplit(value)
    return bool(parts.scheme and parts.netloc)


@pytest.fixture(scope="module")
def validator():
    release, package = ocds.patched_release_schema(), ocds.release_package_schema()
    # No `retrieve`: a reference the vendored files do not hold fails, it is never downloaded.
    registry = Registry().with_resources(
        (schema["id"], Resource.from_contents(schema, default_specification=DRAFT4))
        for schema in (release, package)
    )
    return Draft4Validator(package, registry=registry, format_checker=FORMATS)


def errors_of(validator, package) -> list[str]:
    errors = sorted(validator.iter_errors(package), key=lambda e: list(map(str, e.absolute_path)))
    found = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors]
    for error in found:
        print(error)
    return found


def serialised(data) -> str:
    return json.dumps(data, ensure_ascii=False)


# --- Building tenders in every status ------------------------------------------------------------------
@pytest.fixture
def commissioner(adopted_model):
    return UserFactory(username="commissioner", roles=[Role.COMMISSIONER])


def at(day, hour=9):
    return timezone.make_aware(datetime.combine(day, time(hour)))


def evaluate_and_award(tender, commissioner, *, notice=True, contract=True):
    """The worked example to the end: Gamma Works (ranked first) awarded, the notice published tomorrow
    at 10am and the contract entered the morning after the standstill. Returns the award."""
    for evaluator in panel_of(tender, commissioner):
        score_as(tender, evaluator)
    moderate_all(tender, commissioner)
    today = timezone.localdate()
    award = award_services.award(
        tender=tender, bid=bids_by_supplier(tender)["Gamma Works"], by=commissioner, now=at(today, 15)
    )
    if notice:
        award = award_services.award_notice_publish(
            tender=tender, by=commissioner, now=at(today + timedelta(days=1), 10)
        )
    if contract:
        contract_services.contract_enter(
            tender=tender,
            by=commissioner,
            start_date=award.standstill_ends + timedelta(days=10),
            end_date=award.standstill_ends + timedelta(days=375),
            value=Decimal("125000"),
            now=at(award.standstill_ends + timedelta(days=1)),
        )
    tender.refresh_from_db()
    return award


def one_bidder(name, price="90000"):
    return {name: (Decimal(price), {})}


@pytest.fixture
def every_status(commissioner):
    """Tenders in every status; the first three must never be in the open data."""
    tenders = {}
    tenders["draft"] = publishable_tender(commissioner, title="Secret draft work")
    withdrawn = publishable_tender(commissioner, title="Withdrawn work")
    tender_services.tender_publish(tender=withdrawn, by=commissioner)
    tenders["withdrawn"] = tender_services.tender_withdraw(
        tender=withdrawn, reason="Spec wrong", by=commissioner
    )
    never_published = publishable_tender(commissioner, title="Cancelled draft work")
    tenders["cancelled_draft"] = tender_services.tender_cancel(
        tender=never_published, reason="No", by=commissioner
    )

    sealed = worked_example_tender(commissioner, suppliers=one_bidder("Sealed Supplies Ltd"), open_bids=False)
    Tender.objects.filter(pk=sealed.pk).update(deadline=timezone.now() + timedelta(days=7))
    sealed.refresh_from_db()
    tenders["published"] = sealed
    tenders["closed"] = worked_example_tender(commissioner, suppliers=one_bidder("Closed Bidder Ltd"))
    evaluating = worked_example_tender(commissioner, suppliers=one_bidder("Evaluating Bidder Ltd"))
    lone = UserFactory(username="lone-evaluator", roles=[Role.EVALUATOR])
    evaluation_services.panel_add(tender=evaluating, evaluator=lone, by=commissioner)
    evaluating.refresh_from_db()
    tenders["evaluating"] = evaluating
    cancelled = publishable_tender(commissioner, title="Cancelled work")
    tender_services.tender_publish(tender=cancelled, by=commissioner)
    tenders["cancelled"] = tender_services.tender_cancel(
        tender=cancelled, reason="Budget cut", by=commissioner
    )
    awarded = worked_example_tender(commissioner)
    evaluate_and_award(awarded, commissioner)
    tenders["awarded"] = awarded
    for tender in tenders.values():
        tender.refresh_from_db()
    return tenders


def package_now():
    return ocds.release_package(ocds.published_tenders(), uri=URI)


# --- The schema ---------------------------------------------------------------------------------------
def test_merge_patch_follows_rfc_7386():
    assert ocds.merge_patch({"a": "b"}, {"a": "c"}) == {"a": "c"}
    assert ocds.merge_patch({"a": "b"}, {"b": "c"}) == {"a": "b", "b": "c"}
    assert ocds.merge_patch({"a": "b", "b": "c"}, {"a": None}) == {"b": "c"}
    assert ocds.merge_patch({"a": ["b"]}, {"a": ["c", "d"]}) == {"a": ["c", "d"]}
    assert ocds.merge_patch({"a": {"b": "c"}}, {"a": {"b": "d", "c": None}}) == {"a": {"b": "d"}}
    assert ocds.merge_patch(["a"], {"a": "b"}) == {"a": "b"}
    assert ocds.merge_patch({"a": "b"}, ["c"]) == ["c"]
    assert ocds.merge_patch({"e": None}, {"a": 1}) == {"e": None, "a": 1}


def test_the_extensions_are_patched_into_the_vendored_release_schema():
    core = json.loads((ocds.VENDOR / "standard" / "release-schema.json").read_text())
    patched = ocds.patched_release_schema()
    assert (
        patched["id"]
        == core["id"]
        == "https://standard.open-contracting.org/schema/1__1__5/release-schema.json"
    )
    assert "Lot" not in core["definitions"] and "bids" not in core["properties"]
    assert (
        patched["definitions"]["Lot"]["properties"]["awardCriteria"]["$ref"] == "#/definitions/AwardCriteria"
    )
    assert patched["properties"]["bids"]["properties"]["statistics"]["items"] == {
        "$ref": "#/definitions/Statistic"
    }
    assert patched["definitions"]["Award"]["properties"]["relatedBids"]["type"] == ["array", "null"]
    assert "awardCriteria" in patched["definitions"]["Tender"]["properties"]  # the core's, kept
    for folder in ["standard", *ocds.EXTENSIONS]:
        assert "Apache License" in (ocds.VENDOR / folder / "LICENSE").read_text()


def test_the_validator_rejects_a_broken_package(validator, commissioner):
    tender = worked_example_tender(commissioner)
    evaluate_and_award(tender, commissioner)
    package = package_now()
    assert errors_of(validator, package) == []
    release = package["releases"][0]
    del release["ocid"]
    release["tender"]["lots"][0]["awardCriteria"]["criteria"][0]["numbers"][0]["weight"] = "percent"
    release["awards"][0]["status"] = "bogus"
    release["date"] = "21 December 2026"
    release["bids"]["statistics"][0]["value"] = "3"
    errors = errors_of(validator, package)
    assert "releases/0: 'ocid' is a required property" in errors
    assert any(
        e.startswith(
            "releases/0/tender/lots/0/awardCriteria/criteria/0/numbers/0/weight: 'percent' is not one of"
        )
        for e in errors
    )
    assert any(e.startswith("releases/0/awards/0/status: 'bogus' is not one of") for e in errors)
    assert "releases/0/date: '21 December 2026' is not a 'date-time'" in errors
    assert "releases/0/bids/statistics/0/value: '3' is not of type 'number'" in errors
    assert len(errors) == 5


# --- The package: every status, valid, sealed -----------------------------------------------------------
def test_the_package_of_every_status_is_valid_ocds(validator, every_status):
    package = package_now()
    assert errors_of(validator, package) == []
    t = every_status
    stages = {r["tender"]["id"]: (r["tag"], r["tender"]["status"]) for r in package["releases"]}
    assert stages == {
        t["published"].reference: (["tender"], "active"),
        t["closed"].reference: (["tender"], "active"),
        t["evaluating"].reference: (["tender"], "active"),
        t["cancelled"].reference: (["tenderCancellation"], "cancelled"),
        t["awarded"].reference: (["tender", "award", "contract"], "complete"),
    }
    text = serialised(package)
    for never in ("draft", "withdrawn", "cancelled_draft"):
        assert t[never].reference not in text
    for title in ("Secret draft work", "Withdrawn work", "Cancelled draft work"):
        assert title not in text
    assert package["version"] == "1.1" and package["uri"] == URI
    assert package["publishedDate"] == max(r["date"] for r in package["releases"])
    assert len({r["id"] for r in package["releases"]}) == 5
    assert {r["ocid"] for r in package["releases"]} == {
        f"ocds-knowsley-sv-{x.reference}" for x in t.values()
    } - {f"ocds-knowsley-sv-{t[n].reference}" for n in ("draft", "withdrawn", "cancelled_draft")}


def test_nothing_about_bids_before_the_award_notice(every_status):
    releases = {r["tender"]["id"]: r for r in package_now()["releases"]}
    for status, supplier in [
        ("published", "Sealed Supplies Ltd"),
        ("closed", "Closed Bidder Ltd"),
        ("evaluating", "Evaluating Bidder Ltd"),
    ]:
        text = serialised(releases[every_status[status].reference])
        assert supplier not in text
        for word in (
            '"bids"',
            "numberOfTenderers",
            "tenderer",
            '"awards"',
            "90000",
            '"suppliers"',
            '"supplier"',
        ):
            assert word not in text, (status, word)
        assert [p["name"] for p in releases[every_status[status].reference]["parties"]] == [
            "Knowsley Council"
        ]
    assert every_status["published"].bids.filter(status="submitted").count() == 1  # there was a bid to hide


def test_the_awarded_release_in_full(validator, every_status):
    tender = every_status["awarded"]
    award, bids = tender.award, bids_by_supplier(tender)
    contract = award.contract
    release = next(r for r in package_now()["releases"] if r["tender"]["id"] == tender.reference)
    outcomes = {s.outcome.number: s.outcome.title for s in tender.shares.select_related("outcome")}

    assert release["ocid"] == f"ocds-knowsley-sv-{tender.reference}"
    assert release["date"] == ocds._date(contract.entered_at)
    assert release["id"] == f"{release['ocid']}-contract-{release['date'].replace(':', '').replace('-', '')}"
    assert release["initiationType"] == "tender"
    assert release["buyer"] == {"id": "knowsley-council", "name": "Knowsley Council"}
    assert release["parties"] == [
        {"id": "knowsley-council", "name": "Knowsley Council", "roles": ["buyer", "procuringEntity"]},
        {
            "id": f"organisation-{bids['Alpha Services'].supplier_id}",
            "name": "Alpha Services",
            "roles": ["tenderer"],
        },
        {"id": f"organisation-{bids['Beta Care'].supplier_id}", "name": "Beta Care", "roles": ["tenderer"]},
        {
            "id": f"organisation-{bids['Gamma Works'].supplier_id}",
            "name": "Gamma Works",
            "roles": ["tenderer", "supplier"],
        },
    ]
    body = release["tender"]
    assert body["status"] == "complete"
    assert body["value"] == {"amount": 100000, "currency": "GBP"}
    assert body["awardCriteria"] == "ratedCriteria"
    assert body["numberOfTenderers"] == 3
    assert body["tenderPeriod"] == {
        "startDate": ocds._date(tender.published_at),
        "endDate": ocds._date(tender.deadline),
    }
    assert body["awardCriteriaDetails"].startswith(
        "Bids are scored out of 100: 50 points for price, 30 for quality and 20 for social value. "
        "Price: the lowest compliant price scores all 50 points; any other price scores "
        "50 × the lowest compliant price ÷ its price. Quality: Q1 Delivery 20 points; "
        "Q2 Staffing 10 points. Social value: "
        f"outcome 1, {outcomes[1]}: 10 points; outcome 3, {outcomes[3]}: 6 points; outcome 6, {outcomes[6]}: "
        "4 points. The panel scores each quality and social value answer on the scale "
        "0 Unacceptable, 20 Poor, 40 Limited, 60 Satisfactory, 80 Good, 100 Excellent;"
    )
    [lot] = body["lots"]
    assert (lot["id"], lot["status"]) == ("1", "complete")
    assert [(c["type"], c["name"], c["numbers"]) for c in lot["awardCriteria"]["criteria"]] == [
        ("price", "Price", [{"number": 50, "weight": "percentageExact"}]),
        ("quality", "Quality: Q1 Delivery", [{"number": 20, "weight": "percentageExact"}]),
        ("quality", "Quality: Q2 Staffing", [{"number": 10, "weight": "percentageExact"}]),
        ("quality", f"Social value: outcome 1, {outcomes[1]}", [{"number": 10, "weight": "percentageExact"}]),
        ("quality", f"Social value: outcome 3, {outcomes[3]}", [{"number": 6, "weight": "percentageExact"}]),
        ("quality", f"Social value: outcome 6, {outcomes[6]}", [{"number": 4, "weight": "percentageExact"}]),
    ]
    assert sum(c["numbers"][0]["number"] for c in lot["awardCriteria"]["criteria"]) == 100

    assert release["bids"]["statistics"] == [
        {"id": "1", "measure": "bids", "value": 3, "date": ocds._date(tender.deadline)}
    ]
    assert [(d["tenderers"][0]["name"], d["value"], d["status"]) for d in release["bids"]["details"]] == [
        ("Alpha Services", {"amount": 100000, "currency": "GBP"}, "valid"),
        ("Beta Care", {"amount": 80000, "currency": "GBP"}, "valid"),
        ("Gamma Works", {"amount": 125000, "currency": "GBP"}, "valid"),
    ]
    [published_award] = release["awards"]
    assert published_award == {
        "id": f"{tender.reference}-award",
        "title": f"Award of {tender.reference}",
        "description": "Gamma Works's bid ranked 1 of 3, with 78.80 points of 100: "
        "price 32.00, quality 28.00, social value 18.80. "
        "Line by line: Q1 20.00 of 20; Q2 8.00 of 10; O1 10.00 of 10; O3 4.80 of 6; O6 4.00 of 4.",
        "status": "active",
        "date": ocds._date(award.awarded_at),
        "value": {"amount": 125000, "currency": "GBP"},
        "suppliers": [{"id": f"organisation-{bids['Gamma Works'].supplier_id}", "name": "Gamma Works"}],
        "relatedLots": ["1"],
        "relatedBids": [f"bid-{bids['Gamma Works'].pk}"],
    }
    assert published_award["relatedBids"][0] in {d["id"] for d in release["bids"]["details"]}
    [published_contract] = release["contracts"]
    assert published_contract["awardID"] == published_award["id"]
    assert published_contract["status"] == "active"
    assert published_contract["value"] == {"amount": 125000, "currency": "GBP"}
    assert published_contract["period"] == {
        "startDate": ocds._date(at(contract.start_date, 0)),
        "endDate": ocds._date(timezone.make_aware(datetime.combine(contract.end_date, time(23, 59, 59)))),
    }
    # Nothing evaluators or the panel wrote is published.
    assert "Panel agreed" not in serialised(release) and "evaluator" not in serialised(release)


def test_the_award_appears_with_its_notice_then_comes_into_force(validator, commissioner):
    tender = worked_example_tender(commissioner)
    award = evaluate_and_award(tender, commissioner, notice=False, contract=False)

    def release(now):
        package = ocds.release_package(ocds.published_tenders(), uri=URI, now=now)
        assert errors_of(validator, package) == []
        return package["releases"][0]

    decided = release(award.awarded_at + timedelta(hours=1))
    assert (decided["tag"], decided["tender"]["status"]) == (["tender"], "active")
    assert "Gamma Works" not in serialised(decided) and '"bids"' not in serialised(decided)

    award = award_services.award_notice_publish(
        tender=tender, by=commissioner, now=award.awarded_at + timedelta(days=1)
    )
    standstill = release(award.notice_published_at + timedelta(hours=1))
    assert (standstill["tag"], standstill["awards"][0]["status"]) == (["tender", "award"], "pending")
    assert standstill["date"] == ocds._date(award.notice_published_at)
    assert standstill["bids"]["statistics"][0]["value"] == 3

    after = release(at(award.standstill_ends + timedelta(days=1)))
    assert (after["tag"], after["awards"][0]["status"]) == (["tender", "award"], "active")
    assert after["date"] == ocds._date(at(award.standstill_ends + timedelta(days=1), 0))
    assert after["id"] != standstill["id"] and "contracts" not in after


def test_a_cancelled_release_has_no_bids(validator, commissioner):
    tender = worked_example_tender(commissioner, suppliers=one_bidder("Hidden Ltd"), open_bids=False)
    tender_services.tender_cancel(tender=tender, reason="Not needed now", by=commissioner)
    tender.refresh_from_db()
    package = package_now()
    assert errors_of(validator, package) == []
    [release] = package["releases"]
    assert release["tag"] == ["tenderCancellation"] and release["date"] == ocds._date(tender.cancelled_at)
    assert "Hidden Ltd" not in serialised(release) and '"bids"' not in serialised(release)


# --- The pages ----------------------------------------------------------------------------------------
def test_open_data_is_open_to_anyone_and_drafts_are_not_found(client, every_status):
    page = client.get(reverse("open_data:index"))
    assert page.status_code == 200 and page["Content-Type"] == "text/html; charset=utf-8"
    html = page.content.decode()
    assert "5 published tenders" in html
    assert every_status["awarded"].reference in html and "Gamma Works" in html and "£125,000" in html
    assert every_status["draft"].reference not in html and "Secret draft work" not in html

    for name in ("published", "awarded", "cancelled"):
        reference = every_status[name].reference
        response = client.get(reverse("open_data:release", args=[reference]))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/json"
        assert response["Content-Disposition"] == f'inline; filename="{reference}.json"'
        data = json.loads(response.content)
        assert [r["tender"]["id"] for r in data["releases"]] == [reference]
        assert data["uri"] == f"http://testserver/open-data/tenders/{reference}.json"
    for name in ("draft", "withdrawn", "cancelled_draft"):
        assert (
            client.get(reverse("open_data:release", args=[every_status[name].reference])).status_code == 404
        )
    assert client.get(reverse("open_data:release", args=["KSV-1999-0001"])).status_code == 404

    response = client.get(reverse("open_data:package"))
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == 'inline; filename="releases.json"'
    assert response["Access-Control-Allow-Origin"] == "*"
    assert len(json.loads(response.content)["releases"]) == 5


def test_the_csv_of_the_list(client, every_status):
    response = client.get(reverse("open_data:csv"))
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="tenders.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == [
        "ocid",
        "reference",
        "title",
        "service_area",
        "status",
        "published",
        "deadline",
        "estimated_value_gbp",
        "price_weight",
        "quality_weight",
        "social_value_weight",
        "awarded_supplier",
        "awarded_value_gbp",
        "award_notice_published",
        "contract_value_gbp",
        "contract_start",
        "contract_end",
    ]
    assert len(rows) == 1 + 5
    tender = every_status["awarded"]
    award, contract = tender.award, tender.award.contract

    def local(value):
        return timezone.localtime(value).isoformat(timespec="minutes")

    assert [row for row in rows if row[1] == tender.reference] == [
        [
            f"ocds-knowsley-sv-{tender.reference}",
            tender.reference,
            "Home care",
            "Adult social care",
            "Contract entered",
            local(tender.published_at),
            local(tender.deadline),
            "100000.00",
            "50",
            "30",
            "20",
            "Gamma Works",
            "125000.00",
            local(award.notice_published_at),
            "125000.00",
            contract.start_date.isoformat(),
            contract.end_date.isoformat(),
        ]
    ]
    statuses = {row[1]: row[4] for row in rows[1:]}
    assert statuses[every_status["published"].reference] == "Open for bids"
    assert statuses[every_status["closed"].reference] == "Closed"
    assert statuses[every_status["cancelled"].reference] == "Cancelled"


def bulk_published(model, count, start=0):
    Tender.objects.bulk_create(
        Tender(
            reference=f"BULK-{i:04d}",
            title=f"Tender {i}",
            specification="S",
            service_area="Parks",
            estimated_value=Decimal("1000"),
            model=model,
            deadline=timezone.now() + timedelta(days=i % 40 + 1),
            status="published",
            published_at=timezone.now() - timedelta(minutes=i),
        )
        for i in range(start, start + count)
    )


def test_the_package_and_page_run_the_same_queries_for_3_and_12_tenders(client, commissioner, validator):
    awarded = worked_example_tender(commissioner)
    evaluate_and_award(awarded, commissioner)
    bulk_published(awarded.model, 2)
    counts = {}
    for total in (3, 12):
        if total == 12:
            bulk_published(awarded.model, 9, start=2)
        with CaptureQueriesContext(connection) as package_queries:
            response = client.get(reverse("open_data:package"))
        assert len(json.loads(response.content)["releases"]) == total
        assert errors_of(validator, json.loads(response.content)) == []
        with CaptureQueriesContext(connection) as page_queries:
            assert client.get(reverse("open_data:index")).status_code == 200
        counts[total] = (len(package_queries), len(page_queries))
    assert counts[3] == counts[12]
    assert counts[3][0] == 5


def test_the_page_lists_50_a_page(client, adopted_model):
    bulk_published(adopted_model, 51)
    first = client.get(reverse("open_data:index")).content.decode()
    assert "51 published tenders" in first and first.count("Release<span") == 50
    assert "Page 1 of 2" in first
    second = client.get(reverse("open_data:index") + "?page=2").content.decode()
    assert second.count("Release<span") == 1 and "BULK-0050" in second


def test_minimum_scores_and_the_deviation_formula_are_published(validator, commissioner):
    tender = publishable_tender(commissioner, price_formula="deviation")
    tender_services.tender_publish(tender=tender, by=commissioner)
    package = package_now()
    assert errors_of(validator, package) == []
    [release] = package["releases"]
    criteria = release["tender"]["lots"][0]["awardCriteria"]["criteria"]
    assert criteria[0]["description"] == (
        "The lowest compliant price scores all 50 points; any other price loses points in proportion to how "
        "far it is above the lowest: 50 × (1 − (its price − the lowest) ÷ the lowest), and never less than 0."
    )
    assert [(c["name"], c["numbers"]) for c in criteria[1:3]] == [
        ("Quality: Q1 Method", [{"number": 20, "weight": "percentageExact"}]),
        (
            "Quality: Q2 Staffing",
            [{"number": 10, "weight": "percentageExact"}, {"number": 40, "threshold": "minimumScore"}],
        ),
    ]
    assert (
        "Quality: Q1 Method 20 points; Q2 Staffing 10 points (a score below 40 fails)."
        in release["tender"]["awardCriteriaDetails"]
    )
    points = [Decimal(str(c["numbers"][0]["number"])) for c in criteria]
    assert sum(points) == 100 and any(p != p.to_integral_value() for p in points)  # exact fractions kept
