"""Tender pages for everyone; the tender builder, publication, withdrawal and cancellation for
commissioners."""

from datetime import datetime, time

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views import View
from django.views.generic import ListView, TemplateView

from knowsley_sv.access import RoleRequiredMixin, user_has_role
from knowsley_sv.pdf import pdf_response
from knowsley_sv.roles import Role
from knowsley_sv.views import ServiceFormView

from ..forms.tenders import CriterionForm, ReasonForm, SocialValueForm, TenderDetailsForm, WeightsForm
from ..models import Tender
from ..selectors import tenders as tender_selectors
from ..services import tenders as tender_services

COMMISSIONER = (Role.COMMISSIONER,)
DEADLINE_TIME = time(12, 0)


class TenderListView(ListView):
    template_name = "procurement/tender_list.html"
    context_object_name = "tenders"
    paginate_by = 25

    def get_queryset(self):
        status = self.request.GET.get("status", "")
        self.status = status if status in Tender.Status.values else ""
        self.query = self.request.GET.get("q", "")[:100]
        return tender_selectors.tender_list(user=self.request.user, status=self.status, query=self.query)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            statuses=Tender.Status.choices,
            status=self.status,
            q=self.query,
            is_commissioner=user_has_role(self.request.user, Role.COMMISSIONER),
            **kwargs,
        )


class TenderDetailView(TemplateView):
    template_name = "procurement/tender_detail.html"

    def get_context_data(self, **kwargs):
        try:
            tender = tender_selectors.tender_detail(
                reference=self.kwargs["reference"], user=self.request.user
            )
        except Tender.DoesNotExist:
            raise Http404("No such tender") from None
        user = self.request.user
        return super().get_context_data(
            tender=tender,
            sections=tender_selectors.social_value_sections(tender),
            can_manage=user_has_role(user, Role.COMMISSIONER)
            and tender.commissioners.filter(pk=user.pk).exists(),
            is_supplier=user_has_role(user, Role.SUPPLIER),
            on_panel=user_has_role(user, Role.EVALUATOR)
            and tender.panel.filter(evaluator=user, declaration__in=["pending", "none"]).exists(),
            **kwargs,
        )


class TenderPdfView(TenderDetailView):
    """The tender page as an A4 PDF (WeasyPrint), for suppliers who work from paper."""

    template_name = "procurement/tender_pdf.html"

    def render_to_response(self, context, **response_kwargs):
        return pdf_response(
            request=self.request,
            template_name=self.template_name,
            context=context,
            filename=f"{context['tender'].reference}.pdf",
        )


class CommissionerTenderMixin(RoleRequiredMixin):
    """Commissioners of this tender only (other tenders are a 404)."""

    roles = COMMISSIONER

    @cached_property
    def tender(self) -> Tender:
        return get_object_or_404(
            Tender.objects.filter(commissioners=self.request.user).select_related("model"),
            reference=self.kwargs["reference"],
        )

    def get_context_data(self, **kwargs):
        kwargs.setdefault("tender", self.tender)
        kwargs.setdefault("caption", f"{self.tender.reference}: {self.tender.title}")
        return super().get_context_data(**kwargs)


def _deadline(day):
    return timezone.make_aware(datetime.combine(day, DEADLINE_TIME))


class TenderCreateView(RoleRequiredMixin, ServiceFormView):
    roles = COMMISSIONER
    template_name = "components/form_page.html"
    form_class = TenderDetailsForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            heading="Tender details", caption="New tender", back_url=reverse("procurement:list"), **kwargs
        )

    def perform(self, form):
        data = {k: v for k, v in form.cleaned_data.items() if k != "deadline_on"}
        tender = tender_services.tender_create(
            by=self.request.user, deadline=_deadline(form.cleaned_data["deadline_on"]), **data
        )
        return reverse("procurement:weights", kwargs={"reference": tender.reference})


class TenderDetailsEditView(CommissionerTenderMixin, ServiceFormView):
    template_name = "components/form_page.html"
    form_class = TenderDetailsForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": Tender.objects.get(pk=self.tender.pk)}

    def get_initial(self):
        return {"deadline_on": timezone.localtime(self.tender.deadline).date()}

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading="Tender details", back_url=_check_url(self.tender), **kwargs)

    def perform(self, form):
        data = {k: v for k, v in form.cleaned_data.items() if k != "deadline_on"}
        tender_services.tender_update(
            tender=self.tender,
            by=self.request.user,
            deadline=_deadline(form.cleaned_data["deadline_on"]),
            **data,
        )
        return reverse("procurement:weights", kwargs={"reference": self.tender.reference})


def _check_url(tender):
    return reverse("procurement:check", kwargs={"reference": tender.reference})


class WeightsView(CommissionerTenderMixin, ServiceFormView):
    template_name = "components/form_page.html"
    form_class = WeightsForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": Tender.objects.get(pk=self.tender.pk)}

    def get_initial(self):
        return {"scale": tender_services.scale_choice_of(self.tender) or "six_point"}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            heading="Weights, price scoring and scoring scale",
            back_url=reverse("procurement:edit", kwargs={"reference": self.tender.reference}),
            **kwargs,
        )

    def perform(self, form):
        data = dict(form.cleaned_data)
        scale = data.pop("scale")
        tender_services.tender_update(tender=self.tender, by=self.request.user, **data)
        if scale != tender_services.scale_choice_of(self.tender):
            tender_services.scale_set(tender=self.tender, scale=scale, by=self.request.user)
        return reverse("procurement:criteria", kwargs={"reference": self.tender.reference})


class CriteriaView(CommissionerTenderMixin, ServiceFormView):
    template_name = "procurement/criteria.html"
    form_class = CriterionForm

    def get_context_data(self, **kwargs):
        criteria = list(self.tender.criteria.order_by("number"))
        return super().get_context_data(
            criteria=criteria,
            total=sum(c.weight for c in criteria),
            back_url=reverse("procurement:weights", kwargs={"reference": self.tender.reference}),
            **kwargs,
        )

    def perform(self, form):
        current = list(
            self.tender.criteria.order_by("number").values("title", "question", "weight", "minimum_score")
        )
        tender_services.criteria_set(
            tender=self.tender, criteria=[*current, form.cleaned_data], by=self.request.user
        )
        messages.success(self.request, "Criterion added.")
        return reverse("procurement:criteria", kwargs={"reference": self.tender.reference})


class CriterionRemoveView(CommissionerTenderMixin, View):
    http_method_names = ["post"]

    def post(self, request, reference, number):
        current = list(
            self.tender.criteria.order_by("number").values(
                "number", "title", "question", "weight", "minimum_score"
            )
        )
        kept = [{k: v for k, v in c.items() if k != "number"} for c in current if c["number"] != number]
        try:
            tender_services.criteria_set(tender=self.tender, criteria=kept, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect("procurement:criteria", reference=reference)


class SocialValueView(CommissionerTenderMixin, ServiceFormView):
    template_name = "procurement/social_value_form.html"

    def get_form(self, form_class=None):
        outcomes = self.tender.model.outcomes.prefetch_related("indicators").order_by("number")
        shares = dict(self.tender.shares.values_list("outcome__number", "share"))
        offered = dict(self.tender.offered_indicators.values_list("indicator_id", "target"))
        initial = {f"share_{n}": s for n, s in shares.items()}
        return SocialValueForm(
            **{**self.get_form_kwargs(), "initial": initial}, outcomes=list(outcomes), offered=offered
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            heading="Social value: split and indicators",
            back_url=reverse("procurement:criteria", kwargs={"reference": self.tender.reference}),
            **kwargs,
        )

    def perform(self, form):
        tender_services.split_set(
            tender=self.tender, shares=form.shares(), offered=form.offered(), by=self.request.user
        )
        return _check_url(self.tender)


BUILDER_STEPS = (  # the tender builder's steps for the task list: (step, its page's url name, its name)
    ("details", "edit", "Details and deadline"),
    ("weights", "weights", "Weights and price scoring"),
    ("criteria", "criteria", "Quality criteria"),
    ("social_value", "social_value", "Social value split and indicators"),
)


class CheckView(CommissionerTenderMixin, TemplateView):
    """Check your answers, then publish."""

    template_name = "procurement/check.html"

    def get_context_data(self, **kwargs):
        tender = tender_selectors.tender_detail(reference=self.tender.reference, user=self.request.user)
        sections = tender_selectors.social_value_sections(tender)
        by_step = tender_services.tender_problems_by_step(tender) if tender.is_draft else {}
        return super().get_context_data(
            tender=tender,
            sections=sections,
            problems=[problem for problems in by_step.values() for problem in problems],
            tasks=[
                (name, reverse(f"procurement:{url_name}", args=[tender.reference]), by_step.get(step, []))
                for step, url_name, name in BUILDER_STEPS
            ],
            # the answers in one line each, for the summary list
            weights=(
                f"Price {tender.price_weight}, quality {tender.quality_weight}, "
                f"social value {tender.social_value_weight}"
            ),
            criteria="; ".join(f"Q{c.number} {c.title} ({c.weight})" for c in tender.criteria.all()),
            split="; ".join(
                f"Outcome {s['outcome'].number}: {s['share']}%, {len(s['indicators'])} "
                f"indicator{'s' if len(s['indicators']) != 1 else ''}"
                for s in sections
            ),
            **kwargs,
        )

    def post(self, request, reference):
        try:
            tender_services.tender_publish(tender=self.tender, by=request.user)
        except ValidationError as error:
            messages.error(request, "The tender could not be published: " + " ".join(error.messages))
            return redirect("procurement:check", reference=reference)
        messages.success(request, f"Tender {reference} is published. Suppliers can now bid.")
        return redirect(self.tender.get_absolute_url())


class ReasonView(CommissionerTenderMixin, ServiceFormView):
    template_name = "components/form_page.html"
    form_class = ReasonForm
    heading = submit = ""

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "submit": self.submit}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            heading=self.heading, back_url=self.tender.get_absolute_url(), **kwargs
        )


class WithdrawView(ReasonView):
    heading, submit = "Withdraw the tender to draft", "Withdraw to draft"

    def get(self, request, *args, **kwargs):
        if self.tender.deadline_passed():  # nothing to ask: the service would refuse it
            messages.error(request, tender_services.WITHDRAW_AFTER_DEADLINE)
            return redirect(self.tender.get_absolute_url())
        return super().get(request, *args, **kwargs)

    def perform(self, form):
        tender_services.tender_withdraw(
            tender=self.tender, reason=form.cleaned_data["reason"], by=self.request.user
        )
        messages.success(
            self.request, "The tender is back in draft. Submitted bids stay sealed and are kept."
        )
        return _check_url(self.tender)


class CancelView(ReasonView):
    heading, submit = "Cancel the tender", "Cancel the tender"

    def perform(self, form):
        tender_services.tender_cancel(
            tender=self.tender, reason=form.cleaned_data["reason"], by=self.request.user
        )
        messages.success(self.request, "The tender is cancelled.")
        return self.tender.get_absolute_url()
