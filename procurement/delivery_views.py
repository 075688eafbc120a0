"""Contracts and the delivery of the social value committed (DESIGN §6).

Who sees what:
- Commissioners and board members see every contract; a supplier sees only the contracts it holds. Anyone
  else is refused by role (403); a contract the user may not see is a 404.
- The holding supplier reports delivery and answers the council's queries. A commissioner of the contract's
  tender may report on the supplier's behalf, checks (verifies or queries) lines someone else reported, and
  records performance ratings.
- Board members, and commissioners of other tenders, see the contract and its reports read-only: posting a
  report is refused (403), and checking a line or rating the contract is a 404 for them, since it is not
  theirs to act on.
"""

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views import View
from django.views.generic import ListView, TemplateView

from knowsley_sv import formatting, money
from knowsley_sv.access import RoleRequiredMixin, user_has_role
from knowsley_sv.roles import Role
from knowsley_sv.views import ServiceFormView

from . import delivery, selectors, services
from .delivery_forms import (
    EVIDENCE_ACCEPT,
    EVIDENCE_HINT,
    LineAnswerForm,
    LineReviewForm,
    RatingForm,
    parse_quantity,
    plain,
)
from .models import Contract, ContractKPI, DeliveryLine, DeliveryReport, Evidence, PerformanceRating

CONTRACT_ROLES = (Role.COMMISSIONER, Role.BOARD_MEMBER, Role.SUPPLIER)

# The tag says what the colour means, so the status is never carried by colour alone (WCAG 1.4.1)
STATUS_TEXT = {
    delivery.GREEN: "Green: on track",
    delivery.AMBER: "Amber: behind",
    delivery.RED: "Red: well behind",
    delivery.NOT_STARTED: "Not started",
}
STATUS_CLASS = {
    delivery.GREEN: "govuk-tag--green",
    delivery.AMBER: "govuk-tag--yellow",
    delivery.RED: "govuk-tag--red",
    delivery.NOT_STARTED: "govuk-tag--grey",
}
FILTERS = {delivery.RED: "Red", delivery.AMBER: "Amber", delivery.GREEN: "Green"}
LINE_STATUS_CLASS = {
    DeliveryLine.Status.PENDING: "govuk-tag--blue",
    DeliveryLine.Status.VERIFIED: "govuk-tag--green",
    DeliveryLine.Status.QUERIED: "govuk-tag--orange",
}
REPORTING = {1: "Every month", 3: "Every 3 months (quarterly)", 6: "Every 6 months", 12: "Every year"}

UNKNOWN_STATUS = "There is no status called “{status}”. Showing all contracts."
RECOVERY = (
    "Agree a recovery plan with the supplier: {code} is {shortfall} {unit} behind what was expected by now. "
    "Ask how and by when they will catch up, and check it in the next report."
)
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


def _period(start: date, end: date) -> str:
    return f"{formatting.day(start)} to {formatting.day(end)}"


def _not_yours(error: ValidationError) -> None:
    """A service's refusal as the contract is not the user's: the same as a contract that is not there."""
    if getattr(error, "code", None) == "not_yours":
        raise Http404("Not your contract") from error


# --- Whole-list status, in a fixed number of queries ------------------------------------------------------
@dataclass
class ContractRow:
    contract: Contract
    status: str | None  # the worst RAG among its KPIs; None when it has none
    waiting: int  # lines waiting for the council to check

    @property
    def status_text(self) -> str:
        return STATUS_TEXT[self.status] if self.status else "No commitments"

    @property
    def status_class(self) -> str:
        return STATUS_CLASS[self.status] if self.status else "govuk-tag--grey"


def contract_rows(contracts: list[Contract], today: date) -> list[ContractRow]:
    statuses = selectors.contract_statuses(contracts, today)
    return [ContractRow(contract=c, status=statuses[c.pk][0], waiting=statuses[c.pk][1]) for c in contracts]


# --- Access ---------------------------------------------------------------------------------------------
class ContractMixin(RoleRequiredMixin):
    """A contract the user may see (else 404), and what they may do with it."""

    roles = CONTRACT_ROLES

    @cached_property
    def contract(self) -> Contract:
        return get_object_or_404(selectors.contracts_visible_to(self.request.user), pk=self.kwargs["pk"])

    @cached_property
    def tender(self):
        return self.contract.award.tender

    @cached_property
    def is_tender_commissioner(self) -> bool:
        user = self.request.user
        return user.has_role(Role.COMMISSIONER) and self.tender.commissioners.filter(pk=user.pk).exists()

    @cached_property
    def is_holder(self) -> bool:
        user = self.request.user
        member = getattr(user, "supplier_member", None) if user.has_role(Role.SUPPLIER) else None
        return member is not None and member.organisation_id == self.contract.award.bid.supplier_id

    @property
    def can_report(self) -> bool:
        return self.is_holder or self.is_tender_commissioner

    @cached_property
    def periods(self) -> dict[date, date]:
        c = self.contract
        return dict(delivery.reporting_periods(c.start_date, c.end_date, c.reporting_months))

    def contract_url(self) -> str:
        return reverse("procurement:contract_detail", kwargs={"pk": self.contract.pk})

    def report_url(self, start: date) -> str:
        return reverse(
            "procurement:delivery_report", kwargs={"pk": self.contract.pk, "start": start.isoformat()}
        )

    def get_context_data(self, **kwargs):
        kwargs.setdefault("contract", self.contract)
        kwargs.setdefault("tender", self.tender)
        kwargs.setdefault("caption", f"{self.tender.reference}: {self.tender.title}")
        return super().get_context_data(**kwargs)


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


# --- Contract list --------------------------------------------------------------------------------------
class ContractListView(RoleRequiredMixin, ListView):
    roles = CONTRACT_ROLES
    template_name = "procurement/delivery/contract_list.html"
    context_object_name = "rows"
    paginate_by = 25

    def get(self, request, *args, **kwargs):
        typed = request.GET.get("status", "").strip().lower()
        self.status = typed if typed in FILTERS else ""
        if typed and not self.status:
            messages.info(request, UNKNOWN_STATUS.format(status=typed[:30]))
        self.today = timezone.localdate()
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        contracts = selectors.contracts_visible_to(self.request.user).order_by("-start_date", "-pk")
        if not self.status:
            return contracts  # paginated in the database; the page's rows are worked out below
        return [r for r in contract_rows(list(contracts), self.today) if r.status == self.status]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = list(context["page_obj"].object_list)
        rows = page if self.status else contract_rows(page, self.today)
        context.update(
            rows=rows,
            status=self.status,
            filters=FILTERS,
            is_supplier=user_has_role(self.request.user, Role.SUPPLIER),
        )
        return context


# --- Contract detail ------------------------------------------------------------------------------------
@dataclass
class PeriodRow:
    start: date
    end: date
    started: bool
    report: DeliveryReport | None
    url: str = ""
    link: str = ""

    @property
    def label(self) -> str:
        return _period(self.start, self.end)

    @property
    def lines(self) -> str:
        if self.report is None:
            return "No report yet" if self.started else "Not started yet"
        parts = [
            f"{self.report.n_verified} verified" if self.report.n_verified else "",
            f"{self.report.n_pending} waiting for checks" if self.report.n_pending else "",
            f"{self.report.n_queried} queried" if self.report.n_queried else "",
        ]
        return ", ".join(p for p in parts if p) or "No lines"


class ContractDetailView(ContractMixin, TemplateView):
    template_name = "procurement/delivery/contract_detail.html"

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        performance = selectors.contract_performance(self.contract, today=today)
        for p in performance:
            p.status_text, p.status_class = STATUS_TEXT[p.status], STATUS_CLASS[p.status]
            p.recovery = (
                RECOVERY.format(
                    code=p.kpi.code,
                    shortfall=plain((p.expected - p.delivered).quantize(money.PENNY)),
                    unit=p.kpi.unit,
                )
                if p.status == delivery.RED
                else ""
            )
        reports = {
            r.period_start: r
            for r in DeliveryReport.objects.filter(contract=self.contract).annotate(
                n_verified=Count("lines", filter=Q(lines__status=DeliveryLine.Status.VERIFIED)),
                n_pending=Count("lines", filter=Q(lines__status=DeliveryLine.Status.PENDING)),
                n_queried=Count("lines", filter=Q(lines__status=DeliveryLine.Status.QUERIED)),
            )
        }
        can_report = self.can_report
        periods = []
        for start, end in self.periods.items():
            row = PeriodRow(start, end, start <= today, reports.get(start))
            if row.started and (can_report or row.report):
                row.url = self.report_url(start)
                row.link = "View report" if row.report or not can_report else "Report"
            periods.append(row)
        return super().get_context_data(
            performance=performance,
            recoveries=[p for p in performance if p.recovery],
            periods=periods,
            reporting=REPORTING.get(self.contract.reporting_months, ""),
            ratings=PerformanceRating.objects.filter(contract=self.contract).select_related("recorded_by"),
            can_rate=self.is_tender_commissioner,
            today=today,
            **kwargs,
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
        return f"quantity-{self.kpi.pk}"

    @property
    def notes_id(self) -> str:
        return f"notes-{self.kpi.pk}"

    @property
    def evidence_id(self) -> str:
        return f"evidence-{self.kpi.pk}"

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
            period=_period(self.start, self.end),
            started=self.started,
            report=self.report,
            rows=rows,
            editable=self.editable and any(r.editable for r in rows),
            can_report=self.can_report,
            is_tender_commissioner=self.is_tender_commissioner,
            read_only_reason="" if self.can_report else READ_ONLY,
            not_started=""
            if self.started
            else services.PERIOD_NOT_STARTED.format(start=formatting.day(self.start)),
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
            problem = services.PERIOD_NOT_STARTED.format(start=formatting.day(self.start))
            return self.render_to_response(self.get_context_data(general_errors=[problem]))
        rows = self._rows(
            typed={
                kpi.pk: (request.POST.get(f"quantity-{kpi.pk}", ""), request.POST.get(f"notes-{kpi.pk}", ""))
                for kpi in self.kpis
            }
        )
        entries: dict[int, services.LineEntry] = {}
        uploads: dict[int, list] = {}
        for row in rows:
            if not row.editable:
                continue
            files = request.FILES.getlist(row.evidence_id)
            uploads[row.kpi.pk] = files
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
            entries[row.kpi.pk] = services.LineEntry(quantity=quantity, notes=row.notes, files=files)
        problems = [r for r in rows if r.quantity_error]
        general = []
        if not problems and not entries:
            general.append(NOTHING_ENTERED)
        if not problems and not general:
            try:
                services.delivery_report_save(
                    contract=self.contract, period_start=self.start, by=request.user, lines=entries
                )
            except ValidationError as error:
                _not_yours(error)
                general = self._attach(rows, uploads, error)
            else:
                messages.success(request, REPORT_SAVED.format(period=_period(self.start, self.end)))
                return redirect(self.report_url(self.start))
        return self.render_to_response(self.get_context_data(rows=rows, general_errors=general))

    @staticmethod
    def _attach(rows: list[KpiRow], uploads: dict[int, list], error: ValidationError) -> list[str]:
        """Put each of the service's messages on the field it is about; the rest go in the summary only."""
        from pathlib import PurePath

        by_code = {r.kpi.code: r for r in rows}
        by_file = {PurePath(f.name).name: r for r in rows for f in uploads.get(r.kpi.pk, [])}
        general = []
        items = error.message_dict.items() if hasattr(error, "error_dict") else [("", error.messages)]
        for key, texts in items:
            for text in texts:
                row = None
                if key == "lines":
                    row = next(
                        (r for code, r in by_code.items() if re.match(rf"{re.escape(code)}[: ]", text)), None
                    )
                    if row is not None and not row.quantity_error:
                        row.quantity_error = text
                        continue
                elif key == "evidence":
                    row = next((r for name, r in by_file.items() if text.startswith(name)), None)
                    if row is not None and not row.evidence_error:
                        row.evidence_error = text
                        continue
                general.append(text)
        return general


# --- Checking a line, and answering a query ---------------------------------------------------------------
class LineReviewView(TenderCommissionerLineMixin, ServiceFormView):
    template_name = "procurement/delivery/line_review.html"
    form_class = LineReviewForm

    def get_context_data(self, **kwargs):
        line = self.line
        return super().get_context_data(
            line=line,
            period=_period(line.report.period_start, line.report.period_end),
            back_url=self.report_url(line.report.period_start),
            reviewable=line.status == DeliveryLine.Status.PENDING,
            **kwargs,
        )

    def perform(self, form):
        line, by = self.line, self.request.user
        period = _period(line.report.period_start, line.report.period_end)
        try:
            if form.cleaned_data["decision"] == "verify":
                services.line_verify(line=line, by=by)
                message = LINE_VERIFIED_DONE
            else:
                services.line_query(line=line, by=by, question=form.cleaned_data["question"])
                message = LINE_QUERIED_DONE
        except ValidationError as error:
            _not_yours(error)
            raise
        messages.success(self.request, message.format(code=line.kpi.code, period=period))
        return self.report_url(line.report.period_start)


class LineAnswerView(ContractMixin, ServiceFormView):
    """The holding supplier answers the council's question, and may correct the figure and add evidence."""

    roles = (Role.SUPPLIER,)
    template_name = "procurement/delivery/line_answer.html"
    form_class = LineAnswerForm

    @cached_property
    def line(self) -> DeliveryLine:
        if not self.is_holder:
            raise Http404("Not a contract your organisation holds")
        return _line_of(self.contract, self.kwargs["line_id"])

    def get(self, request, *args, **kwargs):
        if self.line.status != DeliveryLine.Status.QUERIED:
            messages.error(request, services.NOT_QUERIED)
            return redirect(self.report_url(self.line.report.period_start))
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if self.line.status != DeliveryLine.Status.QUERIED:
            messages.error(request, services.NOT_QUERIED)
            return redirect(self.report_url(self.line.report.period_start))
        return super().post(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "code": self.line.kpi.code, "unit": self.line.kpi.unit}

    def get_initial(self):
        return {"quantity": plain(self.line.quantity), "notes": self.line.notes}

    def get_context_data(self, **kwargs):
        line = self.line
        return super().get_context_data(
            line=line,
            period=_period(line.report.period_start, line.report.period_end),
            back_url=self.report_url(line.report.period_start),
            **kwargs,
        )

    def perform(self, form):
        line, data = self.line, form.cleaned_data
        try:
            services.line_answer(
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
        period = _period(line.report.period_start, line.report.period_end)
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
            services.rating_record(
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
            Evidence.objects.filter(line__report__contract__in=selectors.contracts_visible_to(request.user)),
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
