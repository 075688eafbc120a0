"""Tender pages for everyone; the tender builder and bid opening for commissioners."""

from datetime import datetime, time

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views import View
from django.views.generic import ListView, TemplateView
from django_ratelimit.core import is_ratelimited

from knowsley_sv import formatting
from knowsley_sv.access import RoleRequiredMixin, user_has_role
from knowsley_sv.audit import audit_trail_for
from knowsley_sv.forms import add_service_errors
from knowsley_sv.roles import Role
from knowsley_sv.views import ServiceFormView

from . import rules, selectors, services
from .delivery_views import contract_rows
from .forms import (
    BidForm,
    CriterionForm,
    ReasonForm,
    SocialValueForm,
    SupplierRegistrationForm,
    SupplierUserForm,
    TenderDetailsForm,
    WeightsForm,
)
from .models import Bid, Tender
from .pdf import pdf_response

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
        return selectors.tender_list(user=self.request.user, status=self.status, query=self.query)

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
            tender = selectors.tender_detail(reference=self.kwargs["reference"], user=self.request.user)
        except Tender.DoesNotExist:
            raise Http404("No such tender") from None
        user = self.request.user
        return super().get_context_data(
            tender=tender,
            sections=selectors.social_value_sections(tender),
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
        tender = services.tender_create(
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
        services.tender_update(
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
        return {"scale": services.scale_choice_of(self.tender) or "six_point"}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            heading="Weights, price scoring and scoring scale",
            back_url=reverse("procurement:edit", kwargs={"reference": self.tender.reference}),
            **kwargs,
        )

    def perform(self, form):
        data = dict(form.cleaned_data)
        scale = data.pop("scale")
        services.tender_update(tender=self.tender, by=self.request.user, **data)
        if scale != services.scale_choice_of(self.tender):
            services.scale_set(tender=self.tender, scale=scale, by=self.request.user)
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
        services.criteria_set(
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
            services.criteria_set(tender=self.tender, criteria=kept, by=request.user)
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
        services.split_set(
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
        tender = selectors.tender_detail(reference=self.tender.reference, user=self.request.user)
        sections = selectors.social_value_sections(tender)
        by_step = services.tender_problems_by_step(tender) if tender.is_draft else {}
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
            services.tender_publish(tender=self.tender, by=request.user)
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
            messages.error(request, services.WITHDRAW_AFTER_DEADLINE)
            return redirect(self.tender.get_absolute_url())
        return super().get(request, *args, **kwargs)

    def perform(self, form):
        services.tender_withdraw(tender=self.tender, reason=form.cleaned_data["reason"], by=self.request.user)
        messages.success(
            self.request, "The tender is back in draft. Submitted bids stay sealed and are kept."
        )
        return _check_url(self.tender)


class CancelView(ReasonView):
    heading, submit = "Cancel the tender", "Cancel the tender"

    def perform(self, form):
        services.tender_cancel(tender=self.tender, reason=form.cleaned_data["reason"], by=self.request.user)
        messages.success(self.request, "The tender is cancelled.")
        return self.tender.get_absolute_url()


class BidsView(CommissionerTenderMixin, TemplateView):
    """Sealed until the bids are opened after the deadline (no content, no count); opening is recorded."""

    template_name = "procurement/bids.html"

    def get_context_data(self, **kwargs):
        now = timezone.now()
        opened = self.tender.status in Tender.OPENED_STATUSES
        can_open = self.tender.status == Tender.Status.PUBLISHED and self.tender.deadline_passed(now)
        bids = selectors.opened_bids(tender=self.tender, user=self.request.user, now=now) if opened else []
        return super().get_context_data(
            sealed=not opened and not can_open,
            opened=opened,
            bids=bids,
            trail=audit_trail_for(self.tender).filter(action="tender.open_bids") if opened else [],
            **kwargs,
        )

    def post(self, request, reference):
        try:
            services.bids_open(tender=self.tender, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect("procurement:bids", reference=reference)


# --- Suppliers -----------------------------------------------------------------------------------------
class SupplierRegisterView(ServiceFormView):
    """Anyone can register a supplier organisation and its first user, then bid."""

    template_name = "components/form_page.html"
    form_class = SupplierRegistrationForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            return redirect("procurement:supplier_home")
        if request.method == "POST" and is_ratelimited(
            request, group="supplier-register", key="ip", rate="10/h", method="POST", increment=True
        ):
            return render(request, "429.html", status=429)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            heading="Register your organisation to bid",
            caption="Suppliers",
            back_url=reverse("procurement:list"),
            **kwargs,
        )

    def perform(self, form):
        user = services.supplier_register(**form.cleaned_data)
        login(self.request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(self.request, "Your organisation is registered. You can now bid for open tenders.")
        return reverse("procurement:supplier_home")


class SupplierMixin(RoleRequiredMixin):
    roles = (Role.SUPPLIER,)

    @cached_property
    def organisation(self):
        try:
            return services.supplier_of(self.request.user)
        except ValidationError:
            raise PermissionDenied("Your account is not linked to a supplier organisation.") from None


class SupplierHomeView(SupplierMixin, TemplateView):
    template_name = "procurement/supplier_home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            organisation=self.organisation,
            colleagues=self.organisation.supplier_members.select_related("user").order_by("user__first_name"),
            bids=selectors.supplier_bids(user=self.request.user),
            contracts=contract_rows(
                list(selectors.contracts_visible_to(self.request.user).order_by("-start_date", "-pk")),
                timezone.localdate(),
            ),
            open_tenders=Tender.objects.filter(
                status=Tender.Status.PUBLISHED, deadline__gt=timezone.now()
            ).order_by("deadline")[:20],
            **kwargs,
        )


class SupplierUserCreateView(SupplierMixin, ServiceFormView):
    template_name = "components/form_page.html"
    form_class = SupplierUserForm
    success_message = "Colleague added. They can sign in and work on your bids."

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            heading="Add a colleague",
            caption=self.organisation.name,
            back_url=reverse("procurement:supplier_home"),
            **kwargs,
        )

    def perform(self, form):
        services.supplier_add_user(by=self.request.user, **form.cleaned_data)
        return reverse("procurement:supplier_home")


class BidView(SupplierMixin, TemplateView):
    """The supplier's bid for a tender: save and come back, submit, revise, all before the deadline."""

    template_name = "procurement/bid_form.html"

    @cached_property
    def tender(self) -> Tender:
        try:
            return selectors.tender_detail(reference=self.kwargs["reference"], user=self.request.user)
        except Tender.DoesNotExist:
            raise Http404("No such tender") from None

    @cached_property
    def bid(self):
        return (
            Bid.objects.visible_to(self.request.user)
            .active()
            .filter(tender=self.tender)
            .prefetch_related("quality_answers", "method_statements", "commitments__indicator")
            .first()
        )

    def _form(self, data=None):
        sections = selectors.social_value_sections(self.tender)
        initial = {}
        if self.bid:
            initial["price"] = self.bid.price
            initial |= {f"answer_{a.criterion_id}": a.text for a in self.bid.quality_answers.all()}
            initial |= {f"method_{m.outcome_id}": m.text for m in self.bid.method_statements.all()}
            initial |= {f"quantity_{c.indicator_id}": c.quantity for c in self.bid.commitments.all()}
        return BidForm(data, initial=initial, criteria=list(self.tender.criteria.all()), sections=sections)

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", self._form())
        committed = (
            rules.committed_value(
                commitments=[(c.quantity, c.indicator.proxy_value) for c in self.bid.commitments.all()]
            )
            if self.bid
            else None
        )
        return super().get_context_data(
            tender=self.tender,
            bid=self.bid,
            committed=committed,
            submitted_at=formatting.moment(self.bid.submitted_at)
            if self.bid and self.bid.submitted_at
            else "",
            open=self.tender.status == Tender.Status.PUBLISHED and not self.tender.deadline_passed(),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        form = self._form(request.POST)
        submit = "submit" in request.POST
        was = self.bid.submitted_at if self.bid and self.bid.status == Bid.Status.SUBMITTED else None
        if form.is_valid():
            try:
                bid = services.bid_save(
                    tender=self.tender, by=request.user, content=form.content(), submit=submit
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _bid_saved_message(bid, was))
                return redirect("procurement:bid", reference=self.tender.reference)
        return self.render_to_response(self.get_context_data(form=form))


BID_SUBMITTED = "Your bid was submitted at {when}. You can change or withdraw it until the deadline."
BID_CHANGES_SUBMITTED = "Your changes were submitted at {when}. This is now your bid."
BID_UNCHANGED = "You did not change anything. Your bid submitted at {when} stands."
BID_DRAFT_SAVED = "Your bid is saved as a draft. It is not submitted yet."


def _bid_saved_message(bid: Bid, submitted_before) -> str:
    """What just happened to the bid, exactly: on a submitted bid every save is a resubmission."""
    if bid.status != Bid.Status.SUBMITTED:
        return BID_DRAFT_SAVED
    when = formatting.moment(bid.submitted_at)
    if submitted_before is None:
        return BID_SUBMITTED.format(when=when)
    if bid.submitted_at == submitted_before:
        return BID_UNCHANGED.format(when=when)
    return BID_CHANGES_SUBMITTED.format(when=when)


class BidWithdrawView(SupplierMixin, View):
    http_method_names = ["post"]

    def post(self, request, reference):
        bid = (
            Bid.objects.visible_to(request.user)
            .active()
            .filter(tender__reference=reference)
            .select_related("tender")
            .first()
        )
        if bid is None:
            raise Http404("No bid to withdraw")
        try:
            services.bid_withdraw(bid=bid, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Your bid is withdrawn. You can start a new one before the deadline.")
        return redirect("procurement:supplier_home")
