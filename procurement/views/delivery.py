"""Delivery (DESIGN §6): a period's report of what was delivered, the council's checks of each line and
the supplier's answers, performance ratings and evidence downloads. Who may do what: see views/contracts.py.
"""

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views import View
from django.views.generic import TemplateView

from knowsley_sv import formatting
from knowsley_sv.access import RoleRequiredMixin
from knowsley_sv.roles import Role
from knowsley_sv.views import ServiceFormView

from .. import delivery
from ..forms.delivery import (
    EVIDENCE_ACCEPT,
    EVIDENCE_HINT,
    LineAnswerForm,
    LineReviewForm,
    RatingForm,
    parse_quantity,
    plain,
)
from ..models import Contract, ContractKPI, DeliveryLine, DeliveryReport, Evidence
from ..selectors import contracts as contract_selectors
from ..services import delivery as delivery_services
from .contracts import CONTRACT_ROLES, ContractMixin, period_label

LINE_STATUS_CLASS = {
    DeliveryLine.Status.PENDING: "govuk-tag--blue",
    DeliveryLine.Status.VERIFIED: "govuk-tag--green",
    DeliveryLine.Status.QUERIED: "govuk-tag--orange",
}
READ_ONLY = (
    "You can see this contract's reports, but only the supplier or the tender's commissioners "
    "can change them."
)
NOTHING_ENTERED = "Enter the quantity delivered for at least one commitment"
EVIDENCE_WITHOUT_QUANTITY = "Enter the quantity delivered for {code} to go with its notes and files"
QUANTITY_KEPT = "Enter the quantity delivered for {code}, or 0 if none was delivered this period"
REPORT_SAVED = "The report for {period} is saved. Each changed line waits for the council to check it."
LINE_VERIFIED_DONE = "{code} for {period} is verified. It now counts as delivered."
LINE_QUERIED_DONE = "{code} for {period} is queried. The supplier will see your question."
ANSWER_SENT = "Your answer is sent. The council will check {code} for {period} again."
RATING_SAVED = "The performance rating to {day} is recorded."
FILES_AGAIN = "Choose the files again: files are not kept when there is a problem with the page."


def _not_yours(error: ValidationError) -> None:
    """A service's refusal as the contract is not the user's: the same as a contract that is not there."""
    if getattr(error, "code", None) == "not_yours":
        raise Http404("Not your contract") from error


class TenderCommissionerLineMixin(ContractMixin):
    """A line of this contract, for a commissioner of its tender only (other commissioners: 404)."""

    roles = (Role.COMMISSIONER,)

    @cached_property
    def line(self) -> DeliveryLine:
        if not self.is_tender_commissioner:
            raise Http404("Not a contract of one of your tenders")
        return _line_of(self.contract, self.kwargs["line_id"])

    def get(self, request, *args, **kwargs):
        self.line  # noqa: B018 - 404 before anything else
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.line  # noqa: B018
        return super().post(request, *args, **kwargs)


def _line_of(contract: Contract, line_id: int) -> DeliveryLine:
    return get_object_or_404(
        DeliveryLine.objects.filter(report__contract=contract)
        .select_related("report", "kpi", "reported_by", "reviewed_by")
        .prefetch_related("evidence"),
        pk=line_id,
    )


# --- Delivery report for one period ---------------------------------------------------------------------
@dataclass
class KpiRow:
    kpi: ContractKPI
    line: DeliveryLine | None
    editable: bool
    quantity: str = ""
    notes: str = ""
    quantity_error: str = ""
    notes_error: str = ""
    evidence_error: str = ""
    review_url: str = ""
    answer_url: str = ""
    own_line: bool = False
    evidence: list = field(default_factory=list)

    @property
    def quantity_id(self) -> str:
        return delivery_services.quantity_field(self.kpi.pk)

    @property
    def notes_id(self) -> str:
        return f"notes-{self.kpi.pk}"

    @property
    def evidence_id(self) -> str:
        return delivery_services.evidence_field(self.kpi.pk)

    @property
    def status_text(self) -> str:
        return self.line.get_status_display() if self.line else "Not reported"

    @property
    def status_class(self) -> str:
        return LINE_STATUS_CLASS[self.line.status] if self.line else "govuk-tag--grey"


ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class DeliveryReportView(ContractMixin, TemplateView):
    """One period: a fieldset per commitment for those who may report, read-only for everyone else."""

    template_name = "procurement/delivery/report.html"

    @cached_property
    def start(self) -> date:
        text = self.kwargs["start"]
        try:
            start = date.fromisoformat(text) if ISO_DAY.match(text) else None
        except ValueError:
            start = None
        if start is None or start not in self.periods:
            raise Http404("Not one of this contract's reporting periods")
        return start

    @property
    def end(self) -> date:
        return self.periods[self.start]

    @cached_property
    def started(self) -> bool:
        return self.start <= timezone.localdate()

    @cached_property
    def report(self) -> DeliveryReport | None:
        return (
            DeliveryReport.objects.filter(contract=self.contract, period_start=self.start)
            .select_related("submitted_by")
            .prefetch_related(
                Prefetch(
                    "lines",
                    queryset=DeliveryLine.objects.select_related(
                        "reported_by", "reviewed_by"
                    ).prefetch_related(
                        Prefetch("evidence", queryset=Evidence.objects.order_by("uploaded_at", "pk"))
                    ),
                )
            )
            .first()
        )

    @cached_property
    def kpis(self) -> list[ContractKPI]:
        return list(self.contract.kpis.all())

    @property
    def editable(self) -> bool:
        return self.can_report and self.started

    def _rows(self, typed=None) -> list[KpiRow]:
        lines = {line.kpi_id: line for line in self.report.lines.all()} if self.report else {}
        user = self.request.user
        rows = []
        for kpi in self.kpis:
            line = lines.get(kpi.pk)
            row = KpiRow(
                kpi=kpi,
                line=line,
                editable=self.editable and not (line and line.status == DeliveryLine.Status.VERIFIED),
                evidence=list(line.evidence.all()) if line else [],
            )
            row.quantity, row.notes = (plain(line.quantity), line.notes) if line else ("", "")
            if typed is not None and row.editable:
                row.quantity, row.notes = typed.get(kpi.pk, ("", ""))
            if line:
                row.own_line = line.reported_by_id == user.pk
                if (
                    self.is_tender_commissioner
                    and line.status == DeliveryLine.Status.PENDING
                    and not row.own_line
                ):
                    row.review_url = reverse(
                        "procurement:line_review", kwargs={"pk": self.contract.pk, "line_id": line.pk}
                    )
                if self.is_holder and line.status == DeliveryLine.Status.QUERIED:
                    row.answer_url = reverse(
                        "procurement:line_answer", kwargs={"pk": self.contract.pk, "line_id": line.pk}
                    )
            rows.append(row)
        return rows

    def get_context_data(self, rows=None, general_errors=(), **kwargs):
        rows = rows if rows is not None else self._rows()
        field_errors = []
        for r in rows:
            for href, message in (
                (r.quantity_id, r.quantity_error),
                (r.notes_id, r.notes_error),
                (r.evidence_id, r.evidence_error),
            ):
                if message:
                    field_errors.append((f"#{href}", message))
        general_errors = list(general_errors)
        return super().get_context_data(
            period_start=self.start,
            period_end=self.end,
            period=period_label(self.start, self.end),
            started=self.started,
            report=self.report,
            rows=rows,
            editable=self.editable and any(r.editable for r in rows),
            can_report=self.can_report,
            is_tender_commissioner=self.is_tender_commissioner,
            read_only_reason="" if self.can_report else READ_ONLY,
            not_started=""
            if self.started
            else delivery_services.PERIOD_NOT_STARTED.format(start=formatting.day(self.start)),
            back_url=self.contract_url(),
            general_errors=general_errors,
            field_errors=field_errors,
            has_errors=bool(general_errors or field_errors),
            evidence_accept=EVIDENCE_ACCEPT,
            evidence_hint=EVIDENCE_HINT,
            files_again=FILES_AGAIN,
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        self.start  # noqa: B018 - a period of this contract, else 404
        if not self.can_report:
            raise PermissionDenied(READ_ONLY)
        if not self.started:
            problem = delivery_services.PERIOD_NOT_STARTED.format(start=formatting.day(self.start))
            return self.render_to_response(self.get_context_data(general_errors=[problem]))
        rows = self._rows(
            typed={
                kpi.pk: (request.POST.get(f"quantity-{kpi.pk}", ""), request.POST.get(f"notes-{kpi.pk}", ""))
                for kpi in self.kpis
            }
        )
        entries: dict[int, delivery_services.LineEntry] = {}
        for row in rows:
            if not row.editable:
                continue
            files = request.FILES.getlist(row.evidence_id)
            try:
                quantity = parse_quantity(row.quantity, row.kpi.code)
            except ValidationError as error:
                row.quantity_error = error.messages[0]
                continue
            if quantity is None:
                if row.line is not None:
                    row.quantity_error = QUANTITY_KEPT.format(code=row.kpi.code)
                elif files or row.notes.strip():
                    row.quantity_error = EVIDENCE_WITHOUT_QUANTITY.format(code=row.kpi.code)
                continue
            entries[row.kpi.pk] = delivery_services.LineEntry(quantity=quantity, notes=row.notes, files=files)
        problems = [r for r in rows if r.quantity_error]
        general = []
        if not problems and not entries:
            general.append(NOTHING_ENTERED)
        if not problems and not general:
            try:
                delivery_services.delivery_report_save(
                    contract=self.contract, period_start=self.start, by=request.user, lines=entries
                )
            except ValidationError as error:
                _not_yours(error)
                general = self._attach(rows, error)
            else:
                messages.success(request, REPORT_SAVED.format(period=period_label(self.start, self.end)))
                return redirect(self.report_url(self.start))
        return self.render_to_response(self.get_context_data(rows=rows, general_errors=general))

    @staticmethod
    def _attach(rows: list[KpiRow], error: ValidationError) -> list[str]:
        """Put the service's first problem under each row's field key on that field; the rest, and problems
        of the page as a whole, go in the summary only."""
        fields = {}
        for r in rows:
            fields[r.quantity_id], fields[r.evidence_id] = (r, "quantity_error"), (r, "evidence_error")
        general = []
        items = error.message_dict.items() if hasattr(error, "error_dict") else [("", error.messages)]
        for key, texts in items:
            row, attribute = fields.get(key, (None, ""))
            for text in texts:
                if row is not None and not getattr(row, attribute):
                    setattr(row, attribute, text)
                else:
                    general.append(text)
        return general


# --- Checking a line, and answering a query ---------------------------------------------------------------
class LinePageMixin:
    """A page about one line: the line, its period, and the way back to its report."""

    def get_context_data(self, **kwargs):
        line = self.line
        return super().get_context_data(
            line=line,
            period=period_label(line.report.period_start, line.report.period_end),
            back_url=self.report_url(line.report.period_start),
            **kwargs,
        )


class LineReviewView(TenderCommissionerLineMixin, LinePageMixin, ServiceFormView):
    template_name = "procurement/delivery/line_review.html"
    form_class = LineReviewForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(reviewable=self.line.status == DeliveryLine.Status.PENDING, **kwargs)

    def perform(self, form):
        line, by = self.line, self.request.user
        period = period_label(line.report.period_start, line.report.period_end)
        try:
            if form.cleaned_data["decision"] == "verify":
                delivery_services.line_verify(line=line, by=by)
                message = LINE_VERIFIED_DONE
            else:
                delivery_services.line_query(line=line, by=by, question=form.cleaned_data["question"])
                message = LINE_QUERIED_DONE
        except ValidationError as error:
            _not_yours(error)
            raise
        messages.success(self.request, message.format(code=line.kpi.code, period=period))
        return self.report_url(line.report.period_start)


class LineAnswerView(ContractMixin, LinePageMixin, ServiceFormView):
    """The holding supplier answers the council's question, and may correct the figure and add evidence."""

    roles = (Role.SUPPLIER,)
    template_name = "procurement/delivery/line_answer.html"
    form_class = LineAnswerForm

    @cached_property
    def line(self) -> DeliveryLine:
        if not self.is_holder:
            raise Http404("Not a contract your organisation holds")
        return _line_of(self.contract, self.kwargs["line_id"])

    def _refusal(self):
        """Only a queried line can be answered: else back to its report."""
        if self.line.status != DeliveryLine.Status.QUERIED:
            messages.error(self.request, delivery_services.NOT_QUERIED)
            return redirect(self.report_url(self.line.report.period_start))
        return None

    def get(self, request, *args, **kwargs):
        return self._refusal() or super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        return self._refusal() or super().post(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "code": self.line.kpi.code, "unit": self.line.kpi.unit}

    def get_initial(self):
        return {"quantity": plain(self.line.quantity), "notes": self.line.notes}

    def perform(self, form):
        line, data = self.line, form.cleaned_data
        try:
            delivery_services.line_answer(
                line=line,
                by=self.request.user,
                answer=data["answer"],
                quantity=data["quantity"],
                notes=data["notes"],
                files=data["evidence"],
            )
        except ValidationError as error:
            _not_yours(error)
            raise
        period = period_label(line.report.period_start, line.report.period_end)
        messages.success(self.request, ANSWER_SENT.format(code=line.kpi.code, period=period))
        return self.report_url(line.report.period_start)


# --- Performance rating ---------------------------------------------------------------------------------
class RatingView(ContractMixin, ServiceFormView):
    roles = (Role.COMMISSIONER,)
    template_name = "procurement/delivery/rating.html"
    form_class = RatingForm

    def get(self, request, *args, **kwargs):
        self._check()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self._check()
        return super().post(request, *args, **kwargs)

    def _check(self) -> None:
        if not self.is_tender_commissioner:
            raise Http404("Not a contract of one of your tenders")

    def get_initial(self):
        """The end of the contract's first year, or its end if sooner."""
        c = self.contract
        year_end = min(delivery.add_months(c.start_date, 12) - timedelta(days=1), c.end_date)
        return {"period_end": year_end}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            heading="Record a performance rating", back_url=self.contract_url(), **kwargs
        )

    def perform(self, form):
        data = form.cleaned_data
        try:
            delivery_services.rating_record(
                contract=self.contract,
                by=self.request.user,
                period_end=data["period_end"],
                rating=data["rating"],
                notes=data["notes"],
            )
        except ValidationError as error:
            _not_yours(error)
            raise
        messages.success(self.request, RATING_SAVED.format(day=formatting.day(data["period_end"])))
        return self.contract_url()


# --- Evidence download ----------------------------------------------------------------------------------
class EvidenceDownloadView(RoleRequiredMixin, View):
    """The file as stored, always as a download, only to users who may see its contract (else 404)."""

    roles = CONTRACT_ROLES

    def get(self, request, pk):
        evidence = get_object_or_404(
            Evidence.objects.filter(
                line__report__contract__in=contract_selectors.contracts_visible_to(request.user)
            ),
            pk=pk,
        )
        try:
            handle = evidence.file.open("rb")
        except (FileNotFoundError, OSError):
            raise Http404("The file is no longer in the file store") from None
        response = FileResponse(
            handle, as_attachment=True, filename=evidence.name, content_type=evidence.content_type
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response
