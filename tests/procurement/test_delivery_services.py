"""Delivery reports, verification and queries (DESIGN §6): the rules, the refusals and the figures."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from knowsley_sv.audit import audit_trail_for
from knowsley_sv.models import User
from knowsley_sv.roles import Role
from procurement.models import DeliveryLine, Evidence, PerformanceRating
from procurement.selectors import delivery as delivery_selectors
from procurement.services import delivery as delivery_services
from procurement.services.delivery import LineEntry

from ..factories import UserFactory
from .helpers import contracted_tender

pytestmark = pytest.mark.django_db
JULY = timezone.make_aware(datetime(2027, 7, 5, 10, 0))


@pytest.fixture
def contract(commissioner, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    return contracted_tender(commissioner)


@pytest.fixture
def supplier(contract):
    return User.objects.get(username="supplier-gamma-works")


def kpis(contract):
    return {k.outcome_number: k for k in contract.kpis.all()}


def report_q1(contract, by, o1="3", o6="0.5", files=None, now=JULY):
    k = kpis(contract)
    return delivery_services.delivery_report_save(
        contract=contract,
        period_start=date(2027, 4, 1),
        by=by,
        lines={
            k[1].pk: LineEntry(Decimal(o1), "Payroll extract", files or []),
            k[6].pk: LineEntry(Decimal(o6)),
        },
        now=now,
    )


def pdf(name="evidence.pdf", size=None):
    body = b"%PDF-1.4 evidence" if size is None else b"%PDF" + b"0" * (size - 4)
    return SimpleUploadedFile(name, body, content_type="application/pdf")


def test_a_supplier_reports_a_quarter_with_evidence(contract, supplier):
    report = report_q1(contract, supplier, files=[pdf()])
    assert report.period_end == date(2027, 6, 30)
    assert [
        (line.kpi.outcome_number, line.quantity, line.status)
        for line in report.lines.order_by("kpi__outcome_number")
    ] == [
        (1, Decimal(3), "pending"),
        (6, Decimal("0.5"), "pending"),
    ]
    evidence = Evidence.objects.get()
    assert (
        evidence.name == "evidence.pdf" and evidence.size == 17 and evidence.file.read().startswith(b"%PDF")
    )
    assert audit_trail_for(contract).get(action="delivery.report").after["lines"][0] == {
        "kpi": kpis(contract)[1].code,
        "quantity": "3",
        "files": 1,
    }


def test_only_verified_lines_count_as_delivered(contract, supplier, commissioner):
    report = report_q1(contract, supplier)
    o1, o6 = report.lines.order_by("kpi__outcome_number")
    delivery_services.line_verify(line=o1, by=commissioner)
    delivery_services.line_query(line=o6, by=commissioner, question="Where is the carbon calculation?")
    performance = {
        p.kpi.outcome_number: p
        for p in delivery_selectors.contract_performance(contract, today=date(2027, 6, 30))
    }
    # Committed 10 over 366 days; by 30 June (91 days) 10 × 91 ÷ 366 = 2.486… are expected; 3 verified: green.
    assert performance[1].delivered == 3 and performance[1].status == "green"
    assert performance[1].percent == Decimal("120.66")
    # 2 committed; 0.4973 expected; 0 verified (0.5 queried): red
    assert (
        performance[6].delivered == 0
        and performance[6].pending == Decimal("0.5")
        and performance[6].status == "red"
    )


def test_the_supplier_answers_a_query_and_the_line_is_checked_again(contract, supplier, commissioner):
    o6 = report_q1(contract, supplier).lines.get(kpi__outcome_number=6)
    delivery_services.line_query(line=o6, by=commissioner, question="Where is the carbon calculation?")
    with pytest.raises(ValidationError, match="Enter your answer"):
        delivery_services.line_answer(line=o6, by=supplier, answer=" ", quantity=Decimal("0.4"))
    delivery_services.line_answer(
        line=o6,
        by=supplier,
        answer="Attached; it was 0.4 in fact.",
        quantity=Decimal("0.4"),
        files=[pdf("carbon.pdf")],
    )
    o6.refresh_from_db()
    assert (o6.status, o6.quantity, o6.question) == (
        "pending",
        Decimal("0.4"),
        "Where is the carbon calculation?",
    )
    delivery_services.line_verify(line=o6, by=commissioner)
    with pytest.raises(ValidationError, match="Only a queried line"):
        delivery_services.line_answer(line=o6, by=supplier, answer="Again", quantity=Decimal(1))


def test_verifying_ones_own_report_is_refused(contract, commissioner):
    o1 = report_q1(contract, commissioner).lines.get(kpi__outcome_number=1)  # on the supplier's behalf
    with pytest.raises(ValidationError) as excinfo:
        delivery_services.line_verify(line=o1, by=commissioner)
    assert excinfo.value.messages == [delivery_services.OWN_REPORT]
    colleague = UserFactory(username="colleague", roles=[Role.COMMISSIONER])
    contract.award.tender.commissioners.add(colleague)
    assert delivery_services.line_verify(line=o1, by=colleague).status == DeliveryLine.Status.VERIFIED


def test_a_period_outside_the_contract_or_not_started_is_refused(contract, supplier):
    k = kpis(contract)
    for start, message in [
        (date(2027, 4, 2), "2 April 2027 is not the start"),
        (date(2028, 4, 1), "not the start"),
        (date(2027, 10, 1), "has not started yet"),
    ]:
        with pytest.raises(ValidationError, match=message):
            delivery_services.delivery_report_save(
                contract=contract,
                period_start=start,
                by=supplier,
                lines={k[1].pk: LineEntry(Decimal(1))},
                now=JULY,
            )
    assert not DeliveryLine.objects.exists()


def test_a_negative_quantity_is_refused_and_nothing_is_saved(contract, supplier):
    with pytest.raises(ValidationError) as excinfo:
        report_q1(contract, supplier, o6="-1")
    o6 = kpis(contract)[6]
    assert excinfo.value.message_dict == {
        delivery_services.quantity_field(o6.pk): [f"{o6.code}: the quantity delivered cannot be negative."]
    }
    assert not DeliveryLine.objects.exists()


def test_someone_elses_contract_is_refused(contract):
    loser = User.objects.get(username="supplier-alpha-services")  # bid, but did not win
    with pytest.raises(ValidationError, match="not one your organisation holds"):
        report_q1(contract, loser)
    assert not DeliveryLine.objects.exists()


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            SimpleUploadedFile("run.exe", b"MZ....", content_type="application/octet-stream"),
            "run.exe is not a file type",
        ),
        (
            SimpleUploadedFile("fake.pdf", b"MZ not a pdf", content_type="application/pdf"),
            "fake.pdf is not a file type",
        ),
        (
            pdf("big.pdf", size=10 * 1024 * 1024 + 1),
            "big.pdf is 10.0 MB. Each file must be 10 MB or smaller.",
        ),
        (SimpleUploadedFile("empty.txt", b"", content_type="text/plain"), "empty.txt is empty."),
    ],
)
def test_bad_evidence_files_are_refused_and_nothing_is_saved(contract, supplier, upload, message):
    with pytest.raises(ValidationError, match=message):
        report_q1(contract, supplier, files=[upload])
    assert not DeliveryLine.objects.exists() and not Evidence.objects.exists()


def test_storage_failure_saves_nothing(contract, supplier, monkeypatch):
    from django.core.files.storage import FileSystemStorage

    def full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(FileSystemStorage, "_save", full)
    with pytest.raises(ValidationError, match="The file store is not available"):
        report_q1(contract, supplier, files=[pdf()])
    assert not DeliveryLine.objects.exists()


def test_a_verified_line_cannot_change(contract, supplier, commissioner):
    o1 = report_q1(contract, supplier).lines.get(kpi__outcome_number=1)
    delivery_services.line_verify(line=o1, by=commissioner)
    with pytest.raises(ValidationError, match="was verified for this period"):
        report_q1(contract, supplier, o1="4")
    report_q1(contract, supplier, o6="0.7")  # the other line may still change
    assert DeliveryLine.objects.get(kpi__outcome_number=6).quantity == Decimal("0.7")


def test_performance_rating_in_the_acts_terms(contract, commissioner, supplier):
    with pytest.raises(ValidationError) as excinfo:
        delivery_services.rating_record(
            contract=contract, by=commissioner, period_end=date(2028, 3, 31), rating="great", notes=""
        )
    assert set(excinfo.value.message_dict) == {"rating", "notes"}
    delivery_services.rating_record(
        contract=contract,
        by=commissioner,
        period_end=date(2028, 3, 31),
        rating="approaching",
        notes="Carbon behind plan.",
    )
    assert PerformanceRating.objects.get().get_rating_display() == "Approaching target"
    with pytest.raises(ValidationError, match="not one your organisation holds"):
        delivery_services.rating_record(
            contract=contract, by=supplier, period_end=date(2028, 3, 31), rating="good", notes="x"
        )


def test_contract_performance_query_count_is_fixed(contract, django_assert_num_queries):
    with django_assert_num_queries(2):
        delivery_selectors.contract_performance(contract, today=date(2027, 7, 1))
