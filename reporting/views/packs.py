"""The board's annual review pack (issue 16): prepare, read (page, PDF, each table as CSV or Excel), approve
(freeze), publish, supersede, and say which review meeting it was for. Board members only; the public version
of a published pack for everyone."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.safestring import mark_safe
from django.views import View
from django.views.generic import ListView, TemplateView

from knowsley_sv import formatting
from knowsley_sv.access import RoleRequiredMixin
from knowsley_sv.pdf import pdf_response
from knowsley_sv.roles import Role
from knowsley_sv.tabular import as_csv, as_xlsx
from knowsley_sv.views import ServiceFormView
from outcomes.models import ModelReview

from .. import services
from ..exports import FORMATS
from ..forms import ConfirmForm, PackPrepareForm, PackReviewForm, SupersedeForm
from ..models import ReviewPack
from ..selectors import packs as selectors

BOARD = (Role.BOARD_MEMBER,)


class PackListView(RoleRequiredMixin, ListView):
    roles = BOARD
    template_name = "reporting/pack_list.html"
    context_object_name = "packs"

    def get_queryset(self):
        return selectors.packs()


class PackPrepareView(RoleRequiredMixin, ServiceFormView):
    roles = BOARD
    template_name = "components/form_page.html"
    form_class = PackPrepareForm
    success_message = "The draft pack is ready. Its figures stay live until the board approves it."

    def get_form_kwargs(self):
        kwargs = {
            **super().get_form_kwargs(),
            "today": timezone.localdate(),
            "last_review": selectors.last_review_day(),
        }
        review = self.request.GET.get("review", "")
        if self.request.method == "GET" and review.isdigit():
            kwargs["initial"] = {"review": ModelReview.objects.filter(pk=int(review)).first()}
        return kwargs

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            heading="Prepare the review pack",
            caption="Reviews of the model",
            back_url=reverse("outcomes:reviews"),
            **kwargs,
        )

    def perform(self, form):
        return services.pack_prepare(
            period=form.chosen_period(), review=form.cleaned_data["review"], by=self.request.user
        )


class PackMixin:
    """The pack named in the URL (board: any; public: published ones only)."""

    public = False

    @cached_property
    def pack(self) -> ReviewPack:
        packs = selectors.published_packs() if self.public else selectors.packs()
        return get_object_or_404(packs, pk=self.kwargs["pk"])

    @cached_property
    def figures(self):
        return selectors.figures(self.pack, public=self.public)

    def pack_context(self) -> dict:
        figures = self.figures
        return {
            "pack": self.pack,
            "figures": figures,
            "public": self.public,
            "charts": {key: mark_safe(svg) for key, svg in figures.charts.items()},  # noqa: S308 (our own SVG)
        }


class PackView(RoleRequiredMixin, PackMixin, TemplateView):
    roles = BOARD
    template_name = "reporting/pack.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**self.pack_context(), **kwargs)


class PublicPackView(PackMixin, TemplateView):
    public = True
    template_name = "reporting/pack.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**self.pack_context(), **kwargs)


class PublicPackListView(ListView):
    template_name = "reporting/public_pack_list.html"
    context_object_name = "packs"

    def get_queryset(self):
        return selectors.published_packs()


class PackPdfMixin(PackMixin):
    def get(self, request, *args, **kwargs):
        kind = "public-" if self.public else ("draft-" if self.pack.is_draft else "")
        return pdf_response(
            request=request,
            template_name="reporting/pack_pdf.html",
            context=self.pack_context(),
            filename=f"review-pack-{kind}{self.pack.period_start:%Y-%m-%d}-to-{self.pack.period_end:%Y-%m-%d}.pdf",
        )


class PackPdfView(RoleRequiredMixin, PackPdfMixin, View):
    roles = BOARD


class PublicPackPdfView(PackPdfMixin, View):
    public = True


class PackTableMixin(PackMixin):
    def get(self, request, pk: int, table: str, fmt: str):
        found = self.figures.tables().get(table)
        if found is None or fmt not in FORMATS:
            raise Http404("No such table in this pack")
        pack = self.pack
        state = "Draft: live figures" if pack.is_draft else f"Approved on {formatting.day(pack.approved_at)}"
        filename = f"review-pack-{pack.period_start:%Y-%m-%d}-{table}"
        if fmt == "csv":
            preface = [["Review pack", pack.period_label, state, found.caption]]
            return as_csv(found.header, found.export_rows(), filename, preface=preface)
        about = [["Table", found.caption], ["Review pack", pack.period_label], ["Status", state]]
        return as_xlsx(found.header, found.export_rows(), filename, about=about)


class PackTableView(RoleRequiredMixin, PackTableMixin, View):
    roles = BOARD


class PublicPackTableView(PackTableMixin, View):
    public = True


class PackActionView(RoleRequiredMixin, PackMixin, ServiceFormView):
    """A form on the pack (approve, publish, supersede, say which review): its page, then one service call."""

    roles = BOARD
    template_name = "reporting/pack_action.html"
    heading = ""
    submit = ""

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            heading=self.heading,
            caption=str(self.pack),
            back_url=self.pack.get_absolute_url(),
            intro=self.intro(),
            **kwargs,
        )

    def intro(self) -> str:
        return ""


class PackApproveView(PackActionView):
    heading = "Approve the pack for the meeting"
    form_class = ConfirmForm
    success_message = "The pack is approved: its figures are now fixed as they are today."

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "submit": "Approve and freeze the pack"}

    def intro(self) -> str:
        return (
            "Approving freezes every figure, table and chart as it is now, so the meeting's papers never "
            "change when later data arrives. To change a frozen pack you supersede it with a new one."
        )

    def perform(self, form):
        return services.pack_approve(pack=self.pack, by=self.request.user)


class PackPublishView(PackActionView):
    heading = "Publish the pack"
    form_class = ConfirmForm
    success_message = "The pack's public version is published."

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "submit": "Publish the public version"}

    def intro(self) -> str:
        return (
            "Anyone will be able to read the public version from the model's page. It leaves out people's "
            "names and each named contract's performance; everything else is as the board approved it."
        )

    def perform(self, form):
        services.pack_publish(pack=self.pack, by=self.request.user)
        return self.pack.get_absolute_url()


class PackSupersedeView(PackActionView):
    heading = "Supersede the pack"
    form_class = SupersedeForm
    success_message = "The pack is superseded. This new draft replaces it."

    def perform(self, form):
        return services.pack_supersede(
            pack=self.pack, reason=form.cleaned_data["reason"], by=self.request.user
        )


class PackReviewView(PackActionView):
    heading = "Say which review meeting the pack was for"
    form_class = PackReviewForm
    success_message = "Saved."

    def get_initial(self):
        return {"review": self.pack.review}

    def perform(self, form):
        return services.pack_link_review(
            pack=self.pack, review=form.cleaned_data["review"], by=self.request.user
        )
