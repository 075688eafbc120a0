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

from dataclasses import dataclass
from datetime import date

from django.contrib import messages
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.generic import ListView, TemplateView

from knowsley_sv import formatting, money
from knowsley_sv.access import RoleRequiredMixin, user_has_role
from knowsley_sv.roles import Role
from knowsley_sv.views import ServiceFormView

from .. import delivery
from ..forms.contracts import ContractForm
from ..forms.delivery import plain
from ..models import Contract, DeliveryLine, DeliveryReport, PerformanceRating
from ..selectors import contracts as contract_selectors
from ..selectors import delivery as delivery_selectors
from ..services import award as award_services
from ..services import contracts as contract_services
from .award import AwardMixin

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
REPORTING = {1: "Every month", 3: "Every 3 months (quarterly)", 6: "Every 6 months", 12: "Every year"}

UNKNOWN_STATUS = "There is no status called “{status}”. Showing all contracts."
RECOVERY = (
    "Agree a recovery plan with the supplier: {code} is {shortfall} {unit} behind what was expected by now. "
    "Ask how and by when they will catch up, and check it in the next report."
)


def period_label(start: date, end: date) -> str:
    return f"{formatting.day(start)} to {formatting.day(end)}"


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
    statuses = contract_selectors.contract_statuses(contracts, today)
    return [ContractRow(contract=c, status=statuses[c.pk][0], waiting=statuses[c.pk][1]) for c in contracts]


# --- Access ---------------------------------------------------------------------------------------------
class ContractMixin(RoleRequiredMixin):
    """A contract the user may see (else 404), and what they may do with it."""

    roles = CONTRACT_ROLES

    @cached_property
    def contract(self) -> Contract:
        return get_object_or_404(
            contract_selectors.contracts_visible_to(self.request.user), pk=self.kwargs["pk"]
        )

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
        contracts = contract_selectors.contracts_visible_to(self.request.user).order_by("-start_date", "-pk")
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
        return period_label(self.start, self.end)

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
        performance = delivery_selectors.contract_performance(self.contract, today=today)
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


class ContractView(AwardMixin, ServiceFormView):
    """After the standstill: the contract's dates and value (the service refuses it before)."""

    template_name = "procurement/award/contract.html"
    form_class = ContractForm

    def _refusal(self):
        if self.award is None:
            messages.error(self.request, award_services.NOT_AWARDED)
            return redirect(self.award_url())
        if getattr(self.award, "contract", None) is not None:
            messages.error(self.request, contract_services.CONTRACT_ALREADY)
            return redirect(self.award_url())
        return None

    def get(self, request, *args, **kwargs):
        return self._refusal() or super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        return self._refusal() or super().post(request, *args, **kwargs)

    def get_initial(self):
        return {"value": self.award.bid.price}

    def get_context_data(self, **kwargs):
        ends = self.award.standstill_ends
        return super().get_context_data(
            heading="Enter the contract",
            back_url=self.award_url(),
            award=self.award,
            standstill_ends=formatting.day(ends, weekday=True) if ends else "",
            standstill_over=bool(ends and timezone.localdate() > ends),
            **kwargs,
        )

    def perform(self, form):
        data = form.cleaned_data
        contract = contract_services.contract_enter(
            tender=self.tender,
            by=self.request.user,
            start_date=data["start_date"],
            end_date=data["end_date"],
            value=data["value"],
        )
        messages.success(
            self.request,
            f"The contract is entered: {contract.start_date:%-d %B %Y} to {contract.end_date:%-d %B %Y}, "
            f"{formatting.money(contract.value)}.",
        )
        return self.award_url()
