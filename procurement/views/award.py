"""The evaluation report, the award with its standstill and contract, and the assessment summaries
(DESIGN §5.4–5.5). Commissioners of the tender see all of it; a supplier sees its own bid's summary."""

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views import View
from django.views.generic import TemplateView

from knowsley_sv import formatting
from knowsley_sv.access import RoleRequiredMixin, user_has_role
from knowsley_sv.forms import add_service_errors
from knowsley_sv.pdf import pdf_response
from knowsley_sv.roles import Role

from .. import exports
from ..forms.award import AwardForm
from ..models import Award, Bid, Tender
from ..selectors import evaluation as evaluation_selectors
from ..services import award as award_services
from ..services import suppliers as supplier_services
from .tenders import CommissionerTenderMixin

REPORT_NOT_READY = (
    "The report can be downloaded once every line of every bid is moderated: {count} still to moderate."
)
NO_BIDS_TO_REPORT = "There are no opened bids to report on yet."

PRICE_FORMULA_EXPLAINED = {
    Tender.PriceFormula.RELATIVE_TO_LOWEST: "price weight × lowest compliant price ÷ bid price",
    Tender.PriceFormula.PROPORTIONAL_DEVIATION: (
        "price weight × (1 − (bid price − lowest compliant price) ÷ lowest compliant price), never below 0"
    ),
}
SUMMARY_FRAMING = (
    "This assessment summary is given under section 50 of the Procurement Act 2023 and regulation 31 of "
    "the Procurement Regulations 2024. It sets out the award criteria, how your bid was assessed against "
    "them and why, and the same for the winning bid."
)


# --- Evaluation report ---------------------------------------------------------------------------------
class ReportView(CommissionerTenderMixin, TemplateView):
    """Every bid's moderated and weighted scores, sub-totals, total and rank; the same as CSV or XLSX."""

    template_name = "procurement/award/report.html"

    def get_context_data(self, **kwargs):
        evaluation = evaluation_selectors.evaluation(self.tender)
        rows = exports.report_rows(evaluation) if evaluation.complete else []
        return super().get_context_data(
            evaluation=evaluation,
            rows=rows,
            tied=any(row.result.tied for row in rows),  # the legends say only what the tables show
            flagged=any(row.flagged for row in rows),
            formula=PRICE_FORMULA_EXPLAINED.get(self.tender.price_formula, ""),
            **kwargs,
        )


class ReportExportView(CommissionerTenderMixin, View):
    """The report's table as CSV or XLSX. Before the evaluation is complete there is no table: back to the
    report page, which says what is still to moderate."""

    format = "csv"

    def get(self, request, reference):
        evaluation = evaluation_selectors.evaluation(self.tender)
        if not evaluation.complete:
            messages.error(
                request,
                REPORT_NOT_READY.format(count=evaluation.outstanding)
                if evaluation.bids
                else NO_BIDS_TO_REPORT,
            )
            return redirect("procurement:report", reference=reference)
        header, rows = exports.evaluation_table(evaluation)
        filename = f"{self.tender.reference}-evaluation"
        if self.format == "xlsx":
            return exports.as_xlsx(
                header, rows, filename, number_formats=exports.evaluation_formats(evaluation)
            )
        return exports.as_csv(header, rows, filename, excel=True)


# --- Award -----------------------------------------------------------------------------------------------
class AwardMixin(CommissionerTenderMixin):
    @cached_property
    def award(self) -> Award | None:
        return (
            Award.objects.filter(tender=self.tender)
            .select_related("bid__supplier", "awarded_by", "contract__entered_by")
            .first()
        )

    def award_url(self) -> str:
        return reverse("procurement:award", kwargs={"reference": self.tender.reference})


def _rank_order(bids: dict) -> list[tuple[int, dict]]:
    """The snapshot's bids in rank order (bids not ranked last); JSON keeps no order we can rely on."""
    return sorted(
        ((int(pk), data) for pk, data in bids.items()),
        key=lambda item: (item[1]["rank"] is None, item[1]["rank"] or 0, item[1]["supplier"]),
    )


class AwardView(AwardMixin, TemplateView):
    """Before the award: the choice of compliant bid. After: the decision, the summaries, the standstill
    and the contract."""

    template_name = "procurement/award/award.html"

    def get_context_data(self, **kwargs):
        context = {"award": self.award}
        if self.award:
            results = self.award.results["bids"]
            today = timezone.localdate()
            ends = self.award.standstill_ends
            context |= {
                "decision": results[str(self.award.bid_id)],
                "summaries": _rank_order(results),
                "standstill_ends": formatting.day(ends, weekday=True) if ends else "",
                "standstill_over": bool(ends and today > ends),
                "contract": getattr(self.award, "contract", None),
            }
        else:
            evaluation = kwargs.pop("evaluation", None) or evaluation_selectors.evaluation(self.tender)
            context |= {"evaluation": evaluation}
            if evaluation.complete:
                context.setdefault("form", kwargs.pop("form", None) or AwardForm(evaluation=evaluation))
        return super().get_context_data(**context, **kwargs)

    def post(self, request, reference):
        if self.award:
            messages.error(request, award_services.AWARDED_ALREADY)
            return redirect(self.award_url())
        evaluation = evaluation_selectors.evaluation(self.tender)
        if not evaluation.complete:
            return redirect(self.award_url())
        form = AwardForm(request.POST, evaluation=evaluation)
        if form.is_valid() and request.POST.get("confirm") != "yes":
            return self._check(form, evaluation)
        if form.is_valid():
            try:
                award_services.award(
                    tender=self.tender, bid=form.chosen, by=request.user, reason=form.cleaned_data["reason"]
                )
            except ValidationError as error:
                if getattr(error, "code", None) == "awarded":  # a second submission got there first
                    messages.error(request, award_services.AWARDED_ALREADY)
                    return redirect(self.award_url())
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    f"The contract is awarded to {form.chosen.supplier.name}. "
                    "Publish the award notice to start the standstill.",
                )
                return redirect(self.award_url())
        return self.render_to_response(self.get_context_data(form=form, evaluation=evaluation))

    def _check(self, form: AwardForm, evaluation: evaluation_selectors.Evaluation):
        """Before the award, which cannot be undone: the choice to check and confirm, or change."""
        reason = form.cleaned_data["reason"].strip()
        try:
            result = award_services.award_check(evaluation=evaluation, bid=form.chosen, reason=reason)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if "change" not in self.request.POST:
                context = self.get_context_data(
                    evaluation=evaluation, chosen=form.chosen, result=result, reason=reason
                )
                return TemplateResponse(self.request, AWARD_CHECK_TEMPLATE, context)
        return self.render_to_response(self.get_context_data(form=form, evaluation=evaluation))


AWARD_CHECK_TEMPLATE = "procurement/award/award_check.html"


class AwardNoticeView(AwardMixin, View):
    """Publishing the award notice starts the standstill."""

    http_method_names = ["post"]

    def post(self, request, reference):
        try:
            award = award_services.award_notice_publish(tender=self.tender, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                "The award notice is published. The standstill ends at the end of "
                f"{formatting.day(award.standstill_ends, weekday=True)}.",
            )
        return redirect(self.award_url())


# --- Assessment summaries --------------------------------------------------------------------------------
def _or_list(values, conjunction: str = "or") -> str:
    values = [str(v) for v in values]
    if len(values) < 2:
        return "".join(values)
    return f" {conjunction} ".join([", ".join(values[:-1]), values[-1]])


def _quality_and_social_value(data: dict) -> Decimal:
    return Decimal(data["quality"]) + Decimal(data["social_value"])


def _tie_note(data: dict, bids: dict) -> str:
    """How a tie on the total was broken (DESIGN §5.4), or "" when no other ranked bid had the same total."""
    if data["rank"] is None:
        return ""
    level = [
        other
        for other in bids.values()
        if other is not data and other["rank"] is not None and other["total"] == data["total"]
    ]
    if not level:
        return ""
    names = _or_list((other["supplier"] for other in level), "and")
    mine = _quality_and_social_value(data)
    if data["tied"]:
        return TIED_UNBROKEN.format(total=data["total"], names=names, score=mine)
    theirs = _or_list((_quality_and_social_value(other) for other in level), "and")
    return TIE_BROKEN.format(total=data["total"], names=names, score=mine, theirs=theirs)


TIE_BROKEN = (
    "This bid was level on total ({total}) with {names}. The tie was broken by the higher quality plus "
    "social value score: {score} against {theirs}."
)
TIED_UNBROKEN = (
    "This bid was level on total ({total}) with {names}, and on quality plus social value ({score}). "
    "The commissioner decided between them and recorded the reason for the award."
)


def _bid_summary(data: dict, lines: list[dict], bids: dict) -> dict:
    """One bid of the award's snapshot, with its figures as Decimals and its lines in the tender's order."""
    rows = [{"line": line, **data["lines"][line["key"]]} for line in lines]
    return {
        **data,
        "price": Decimal(data["price"]),
        "committed": Decimal(data["committed"]),
        "quality_rows": [row for row in rows if row["line"]["key"].startswith("q")],
        "social_value_rows": [row for row in rows if row["line"]["key"].startswith("o")],
        "tie": _tie_note(data, bids),
    }


class AssessmentSummaryView(RoleRequiredMixin, TemplateView):
    """One bid's assessment summary, from the figures frozen with the award. Commissioners of the tender see
    any bid's; a supplier sees only its own organisation's (any other is a 404)."""

    roles = (Role.COMMISSIONER, Role.SUPPLIER)
    template_name = "procurement/award/summary.html"

    @cached_property
    def award(self) -> Award:
        award = get_object_or_404(
            Award.objects.select_related("tender"), tender__reference=self.kwargs["reference"]
        )
        if str(self.kwargs["bid_id"]) not in award.results["bids"] or not self._may_see(award.tender):
            raise Http404("No such assessment summary")
        return award

    def _may_see(self, tender: Tender) -> bool:
        user = self.request.user
        if user_has_role(user, Role.COMMISSIONER) and tender.commissioners.filter(pk=user.pk).exists():
            self.as_commissioner = True
            return True
        self.as_commissioner = False
        if not user_has_role(user, Role.SUPPLIER):
            return False
        try:
            organisation = supplier_services.supplier_of(user)
        except ValidationError:
            return False
        return Bid.objects.filter(pk=self.kwargs["bid_id"], tender=tender, supplier=organisation).exists()

    def get_context_data(self, **kwargs):
        award, bid_id = self.award, self.kwargs["bid_id"]
        tender, results = award.tender, award.results
        scale = list(tender.scale.order_by("value"))
        return super().get_context_data(
            tender=tender,
            award=award,
            framing=SUMMARY_FRAMING,
            lines=results["lines"],
            quality_lines=[line for line in results["lines"] if line["key"].startswith("q")],
            social_value_lines=[line for line in results["lines"] if line["key"].startswith("o")],
            scale=scale,
            scale_values=_or_list(point.value for point in scale),
            formula=PRICE_FORMULA_EXPLAINED.get(tender.price_formula, ""),
            bid=_bid_summary(results["bids"][str(bid_id)], results["lines"], results["bids"]),
            winner=_bid_summary(results["bids"][str(award.bid_id)], results["lines"], results["bids"]),
            is_winner=bid_id == award.bid_id,
            ranked=sum(data["rank"] is not None for data in results["bids"].values()),
            back_url=(
                reverse("procurement:award", kwargs={"reference": tender.reference})
                if self.as_commissioner
                else reverse("procurement:supplier_home")
            ),
            **kwargs,
        )


class AssessmentSummaryPdfView(AssessmentSummaryView):
    """The same summary as an A4 PDF (WeasyPrint)."""

    template_name = "procurement/award/summary_pdf.html"

    def render_to_response(self, context, **response_kwargs):
        return pdf_response(
            request=self.request,
            template_name=self.template_name,
            context=context,
            filename=f"{context['tender'].reference}-assessment-summary-{context['bid_id']}.pdf",
        )
