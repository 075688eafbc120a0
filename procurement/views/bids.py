"""Bids: the supplier's bid (save, submit, revise and withdraw before the deadline), and the commissioner's
opening of the bids after it."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.functional import cached_property
from django.views import View
from django.views.generic import TemplateView

from knowsley_sv import formatting
from knowsley_sv.audit import audit_trail_for
from knowsley_sv.forms import add_service_errors

from .. import rules
from ..forms.bids import BidForm
from ..models import Bid, Tender
from ..selectors import bids as bid_selectors
from ..selectors import tenders as tender_selectors
from ..services import bids as bid_services
from .suppliers import SupplierMixin
from .tenders import CommissionerTenderMixin


class BidsView(CommissionerTenderMixin, TemplateView):
    """Sealed until the bids are opened after the deadline (no content, no count); opening is recorded."""

    template_name = "procurement/bids.html"

    def get_context_data(self, **kwargs):
        now = timezone.now()
        opened = self.tender.status in Tender.OPENED_STATUSES
        can_open = self.tender.status == Tender.Status.PUBLISHED and self.tender.deadline_passed(now)
        bids = (
            bid_selectors.opened_bids(tender=self.tender, user=self.request.user, now=now) if opened else []
        )
        return super().get_context_data(
            sealed=not opened and not can_open,
            opened=opened,
            bids=bids,
            trail=audit_trail_for(self.tender).filter(action="tender.open_bids") if opened else [],
            **kwargs,
        )

    def post(self, request, reference):
        try:
            bid_services.bids_open(tender=self.tender, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect("procurement:bids", reference=reference)


class BidView(SupplierMixin, TemplateView):
    """The supplier's bid for a tender: save and come back, submit, revise, all before the deadline."""

    template_name = "procurement/bid_form.html"

    @cached_property
    def tender(self) -> Tender:
        try:
            return tender_selectors.tender_detail(reference=self.kwargs["reference"], user=self.request.user)
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
        sections = tender_selectors.social_value_sections(self.tender)
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
                bid = bid_services.bid_save(
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
            bid_services.bid_withdraw(bid=bid, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Your bid is withdrawn. You can start a new one before the deadline.")
        return redirect("procurement:supplier_home")
