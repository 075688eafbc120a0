"""Writes for delivery (DESIGN §6): the supplier's reports of what was delivered, with evidence; the
council's checks (verify or query) and the supplier's answers; performance ratings."""

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import PurePath

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from knowsley_sv import caching, formatting
from knowsley_sv.audit import audit_record
from knowsley_sv.models import User
from knowsley_sv.notifications import notify
from knowsley_sv.roles import Role

from .. import delivery
from ..models import Contract, DeliveryLine, DeliveryReport, Evidence, PerformanceRating, SupplierMember

EVIDENCE_TYPES = {  # extension -> content types accepted for it
    ".pdf": {"application/pdf"},
    ".png": {"image/png"},
    ".jpg": {"image/jpeg"},
    ".jpeg": {"image/jpeg"},
    ".csv": {"text/csv", "application/vnd.ms-excel", "text/plain"},
    ".txt": {"text/plain"},
    ".docx": {"application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
    ".xlsx": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
}
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
EVIDENCE_MAGIC = {".pdf": b"%PDF", ".png": b"\x89PNG", ".jpg": b"\xff\xd8\xff", ".jpeg": b"\xff\xd8\xff",
                  ".docx": b"PK\x03\x04", ".xlsx": b"PK\x03\x04"}  # fmt: skip

NOT_YOUR_CONTRACT = "This contract is not one your organisation holds."
NOT_A_PERIOD = "{start} is not the start of one of this contract's reporting periods."
PERIOD_NOT_STARTED = "The period starting {start} has not started yet, so there is nothing to report."
QUANTITY_NEGATIVE = "{code}: the quantity delivered cannot be negative."
UNKNOWN_KPI = "That commitment is not part of this contract."
LINE_VERIFIED = "{code} was verified for this period, so it can no longer change."
EVIDENCE_TYPE = "{name} is not a file type we accept. Upload a PDF, PNG, JPEG, CSV, text, Word or Excel file."
EVIDENCE_TOO_BIG = "{name} is {size:.1f} MB. Each file must be 10 MB or smaller."
EVIDENCE_EMPTY = "{name} is empty."
EVIDENCE_STORAGE = "The file store is not available, so nothing was saved. Try again later."
OWN_REPORT = "You reported this line, so someone else must verify or query it."
QUESTION_REQUIRED = "Enter the question for the supplier."
NOT_QUERIED = "Only a queried line can be answered."
ANSWER_REQUIRED = "Enter your answer to the council's question."
RATING_NOTES_REQUIRED = "Explain the rating."
RATING_REQUIRED = "Choose a rating: good, approaching target, requires improvement, inadequate or other."
NOT_REVIEWABLE = "This line has already been {status}."


def _contract_for_reporter(contract: Contract, user: User) -> Contract:
    """The supplier holding the contract, or a commissioner of its tender on the supplier's behalf."""
    contract = Contract.objects.select_related("award__bid", "award__tender").get(pk=contract.pk)
    if user.has_role(Role.SUPPLIER):
        member = SupplierMember.objects.filter(user=user).first()
        if member and member.organisation_id == contract.award.bid.supplier_id:
            return contract
    if user.has_role(Role.COMMISSIONER) and contract.award.tender.commissioners.filter(pk=user.pk).exists():
        return contract
    raise ValidationError(NOT_YOUR_CONTRACT, code="not_yours")


def quantity_field(kpi_id: int) -> str:
    """The delivery report's field for a KPI's quantity, and the key of its problems: quantity-<kpi id>."""
    return f"quantity-{kpi_id}"


def evidence_field(kpi_id: int) -> str:
    """The delivery report's field for a KPI's evidence files, and the key of their problems."""
    return f"evidence-{kpi_id}"


def _evidence_problem(upload) -> str | None:
    """What is wrong with one uploaded file (its type, size or content), if anything."""
    name = PurePath(upload.name).name
    extension = PurePath(name).suffix.lower()
    if extension not in EVIDENCE_TYPES:
        return EVIDENCE_TYPE.format(name=name)
    if upload.size > EVIDENCE_MAX_BYTES:
        return EVIDENCE_TOO_BIG.format(name=name, size=upload.size / 1024 / 1024)
    if upload.size == 0:
        return EVIDENCE_EMPTY.format(name=name)
    magic = EVIDENCE_MAGIC.get(extension)
    head = upload.read(8)
    upload.seek(0)
    if magic and not head.startswith(magic):
        return EVIDENCE_TYPE.format(name=name)
    return None


def _check_evidence(files_by_field: dict[str, list]) -> None:
    """Every file's problem, under the field it was uploaded with."""
    problems = {}
    for key, files in files_by_field.items():
        found = [problem for problem in map(_evidence_problem, files) if problem]
        if found:
            problems[key] = found
    if problems:
        raise ValidationError(problems)


def _store_evidence(line: DeliveryLine, files, by: User, key: str = "evidence") -> None:
    for upload in files:
        name = PurePath(upload.name).name
        extension = PurePath(name).suffix.lower()
        evidence = Evidence(
            line=line,
            name=name[:200],
            content_type=sorted(EVIDENCE_TYPES[extension])[0],
            size=upload.size,
            uploaded_by=by,
        )
        try:
            evidence.file.save(name, upload, save=False)
        except OSError as error:  # storage full or unreachable: the transaction rolls back the report too
            raise ValidationError({key: [EVIDENCE_STORAGE]}) from error
        evidence.save()


@dataclass
class LineEntry:
    quantity: Decimal | None
    notes: str = ""
    files: list = field(default_factory=list)


def _check_lines(lines: dict[int, LineEntry], existing: dict[int, DeliveryLine], kpis: dict) -> None:
    """No negative quantity, and no change to a line the council verified: each under the KPI's quantity."""
    problems = {}
    for kpi_id, entry in lines.items():
        if entry.quantity is None:
            continue
        found = []
        if entry.quantity < 0:
            found.append(QUANTITY_NEGATIVE.format(code=kpis[kpi_id].code))
        line = existing.get(kpi_id)
        if (
            line
            and line.status == DeliveryLine.Status.VERIFIED
            and (line.quantity != entry.quantity or entry.notes.strip() != line.notes or entry.files)
        ):
            found.append(LINE_VERIFIED.format(code=kpis[kpi_id].code))
        if found:
            problems[quantity_field(kpi_id)] = found
    if problems:
        raise ValidationError(problems)


@transaction.atomic
def delivery_report_save(
    *, contract: Contract, period_start, by: User, lines: dict[int, LineEntry], now=None
) -> DeliveryReport:
    """Report the quantities delivered per KPI in one period, with notes and evidence. A line the council
    verified stays as it was; others are (re)set to wait for checking."""
    now = now or timezone.now()
    contract = _contract_for_reporter(contract, by)
    periods = dict(
        delivery.reporting_periods(contract.start_date, contract.end_date, contract.reporting_months)
    )
    if period_start not in periods:
        raise ValidationError(NOT_A_PERIOD.format(start=f"{period_start:%-d %B %Y}"))
    if period_start > timezone.localdate(now):
        raise ValidationError(PERIOD_NOT_STARTED.format(start=f"{period_start:%-d %B %Y}"))
    kpis = {k.pk: k for k in contract.kpis.all()}
    if set(lines) - set(kpis):
        raise ValidationError(UNKNOWN_KPI)
    report, _ = DeliveryReport.objects.select_for_update().get_or_create(
        contract=contract,
        period_start=period_start,
        defaults={"period_end": periods[period_start], "submitted_by": by, "submitted_at": now},
    )
    existing = {line.kpi_id: line for line in report.lines.select_for_update()}
    _check_lines(lines, existing, kpis)
    _check_evidence({evidence_field(kpi_id): entry.files for kpi_id, entry in lines.items()})
    changed = []
    for kpi_id, entry in lines.items():
        line = existing.get(kpi_id)
        if entry.quantity is None or (line and line.status == DeliveryLine.Status.VERIFIED):
            continue
        if line is None:
            line = DeliveryLine(report=report, kpi=kpis[kpi_id])
        elif line.quantity == entry.quantity and line.notes == entry.notes.strip() and not entry.files:
            continue
        line.quantity, line.notes, line.reported_by = entry.quantity, entry.notes.strip(), by
        line.status, line.reviewed_by, line.reviewed_at = DeliveryLine.Status.PENDING, None, None
        line.save()
        _store_evidence(line, entry.files, by, key=NON_FIELD_ERRORS)  # the page's, not one file's
        changed.append({"kpi": kpis[kpi_id].code, "quantity": str(entry.quantity), "files": len(entry.files)})
    report.submitted_by, report.submitted_at = by, now
    report.save(update_fields=["submitted_by", "submitted_at"])
    audit_record(
        actor=by,
        action="delivery.report",
        target=contract,
        after={"period_start": period_start.isoformat(), "lines": changed},
    )
    caching.changed(DeliveryReport, DeliveryLine, Evidence)
    return report


def _reviewable(line: DeliveryLine, by: User) -> DeliveryLine:
    line = (
        DeliveryLine.objects.select_for_update()
        .select_related("report__contract__award__tender", "kpi")
        .get(pk=line.pk)
    )
    tender = line.report.contract.award.tender
    if not (by.has_role(Role.COMMISSIONER) and tender.commissioners.filter(pk=by.pk).exists()):
        raise ValidationError(NOT_YOUR_CONTRACT, code="not_yours")
    if line.reported_by_id == by.pk:
        raise ValidationError(OWN_REPORT, code="own_report")
    if line.status != DeliveryLine.Status.PENDING:
        raise ValidationError(NOT_REVIEWABLE.format(status=line.get_status_display().lower()))
    return line


def _record_check(line: DeliveryLine, by: User, action: str, **after) -> None:
    """The council's check of a line, in the contract's audit trail; the line has changed."""
    audit_record(
        actor=by,
        action=action,
        target=line.report.contract,
        after={"period_start": line.report.period_start.isoformat(), "kpi": line.kpi.code, **after},
    )
    caching.changed(DeliveryLine)


@transaction.atomic
def line_verify(*, line: DeliveryLine, by: User, now=None) -> DeliveryLine:
    line = _reviewable(line, by)
    line.status, line.reviewed_by, line.reviewed_at = DeliveryLine.Status.VERIFIED, by, now or timezone.now()
    line.save(update_fields=["status", "reviewed_by", "reviewed_at"])
    _record_check(line, by, "delivery.verify", quantity=str(line.quantity))
    return line


@transaction.atomic
def line_query(*, line: DeliveryLine, by: User, question: str, now=None) -> DeliveryLine:
    question = question.strip()
    if not question:
        raise ValidationError({"question": QUESTION_REQUIRED})
    line = _reviewable(line, by)
    line.status, line.question = DeliveryLine.Status.QUERIED, question
    line.reviewed_by, line.reviewed_at = by, now or timezone.now()
    line.save(update_fields=["status", "question", "reviewed_by", "reviewed_at"])
    _record_check(line, by, "delivery.query", question=question)
    contract = line.report.contract
    notify(
        [m.user for m in SupplierMember.objects.filter(organisation_id=contract.award.bid.supplier_id)],
        kind="line_queried",
        subject=f"A question about your delivery report for {contract.award.tender.reference}",
        body=(
            f"The council has a question about line {line.kpi.code} of your report for the period ending "
            f"{formatting.day(line.report.period_end)}:\n\n{question}\n\n"
            "Answer it, and correct the figure if it needs correcting."
        ),
        url=reverse("procurement:line_answer", args=[contract.pk, line.pk]),
    )
    return line


@transaction.atomic
def line_answer(
    *, line: DeliveryLine, by: User, answer: str, quantity: Decimal, notes: str = "", files=()
) -> DeliveryLine:
    """The supplier answers the council's query (and may correct the figure); the line is checked again."""
    line = DeliveryLine.objects.select_for_update().select_related("report__contract", "kpi").get(pk=line.pk)
    _contract_for_reporter(line.report.contract, by)
    if line.status != DeliveryLine.Status.QUERIED:
        raise ValidationError(NOT_QUERIED)
    problems = {}
    if not answer.strip():
        problems["answer"] = ANSWER_REQUIRED
    if quantity is None or quantity < 0:
        problems["quantity"] = QUANTITY_NEGATIVE.format(code=line.kpi.code)
    if problems:
        raise ValidationError(problems)
    _check_evidence({"evidence": files})
    before = {"quantity": str(line.quantity), "notes": line.notes}
    line.answer, line.quantity, line.notes = answer.strip(), quantity, notes.strip() or line.notes
    line.status, line.reviewed_by, line.reviewed_at, line.reported_by = (
        DeliveryLine.Status.PENDING,
        None,
        None,
        by,
    )
    line.save()
    _store_evidence(line, files, by)
    audit_record(
        actor=by,
        action="delivery.answer",
        target=line.report.contract,
        before=before,
        after={"kpi": line.kpi.code, "quantity": str(quantity), "answer": line.answer, "files": len(files)},
    )
    caching.changed(DeliveryLine, Evidence)
    contract = line.report.contract
    tender = contract.award.tender
    notify(
        tender.commissioners.filter(is_active=True),
        kind="query_answered",
        subject=f"An answer about the delivery report for {tender.reference}",
        body=(
            f"The supplier has answered your question about line {line.kpi.code} of the report for the "
            f"period ending {formatting.day(line.report.period_end)}. The line is waiting for you to "
            "check it again."
        ),
        url=reverse("procurement:line_review", args=[contract.pk, line.pk]),
    )
    return line


@transaction.atomic
def rating_record(*, contract: Contract, by: User, period_end, rating: str, notes: str) -> PerformanceRating:
    contract = Contract.objects.select_related("award__tender").get(pk=contract.pk)
    if not (by.has_role(Role.COMMISSIONER) and contract.award.tender.commissioners.filter(pk=by.pk).exists()):
        raise ValidationError(NOT_YOUR_CONTRACT, code="not_yours")
    problems = {}
    if rating not in PerformanceRating.Rating.values:
        problems["rating"] = RATING_REQUIRED
    if not notes.strip():
        problems["notes"] = RATING_NOTES_REQUIRED
    if problems:
        raise ValidationError(problems)
    made, created = PerformanceRating.objects.update_or_create(
        contract=contract,
        period_end=period_end,
        defaults={"rating": rating, "notes": notes.strip(), "recorded_by": by},
    )
    audit_record(
        actor=by,
        action="contract.rating",
        target=contract,
        after={
            "period_end": period_end.isoformat(),
            "rating": rating,
            "notes": notes.strip(),
            "new": created,
        },
    )
    caching.changed(PerformanceRating)
    return made
