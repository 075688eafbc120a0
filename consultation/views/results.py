"""Results: the public page once a consultation closes, the board's live results, the board's published
response ("you said, we did"), adopting the proposed split, and the exports."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views import View
from django.views.generic import TemplateView

from knowsley_sv.access import RoleRequiredMixin
from knowsley_sv.tabular import as_csv, as_xlsx
from knowsley_sv.views import ServiceFormView

from .. import exports, selectors, services, summary
from ..forms import (
    BoardResponseForm,
)
from .base import BOARD, EXPORT_COLUMNS, ConsultationMixin

COMMENTS_PER_PAGE = 50


class PublicResultsView(ConsultationMixin, TemplateView):
    public = True
    template_name = "consultation/results_public.html"

    def get(self, request, *args, **kwargs):
        if not self.consultation.is_closed():
            return render(
                request,
                "consultation/not_open.html",
                {
                    "consultation": self.consultation,
                    "reason": "Results are published when the consultation closes on "
                    f"{timezone.localtime(self.consultation.closes_at):%-d %B %Y}.",
                },
                status=403,
            )
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        # Results and a page of published comments, rendered once and kept in the shared cache until a new,
        # withdrawn or moderated response changes them: a large consultation has 100,000 responses and
        # thousands of comments.
        def render(page) -> str:
            return render_to_string(
                "consultation/_results_public_body.html",
                {
                    "results": selectors.cached_results(self.consultation),
                    "comments": page.object_list,
                    "page_obj": page,
                },
            )

        body = selectors.cached_public_page(
            self.consultation, self.request.GET.get("page"), render, per_page=COMMENTS_PER_PAGE
        )
        return super().get_context_data(
            body=mark_safe(body),  # noqa: S308 (our own rendering)
            summary=self.lead_summary(selectors.cached_results(self.consultation)),
            **kwargs,
        )

    def lead_summary(self, results: selectors.Results) -> summary.Summary:
        # Outside the cached body: the council's response changes the consultation, not its results' versions.
        return summary.results_summary(
            n_responses=results.n_responses,
            outcomes=[summary.OutcomeFigure(o.number, o.title, o.mean) for o in results.outcomes],
            response_published_at=self.consultation.board_response_published_at,
            n_set_aside=0 if results.include_duplicates else results.n_duplicates,
        )


class ManageResultsView(RoleRequiredMixin, ConsultationMixin, TemplateView):
    roles = BOARD
    template_name = "consultation/results_manage.html"

    def get_context_data(self, **kwargs):
        include = self.request.GET.get("duplicates") == "include"
        return super().get_context_data(
            results=selectors.cached_results(self.consultation, include_duplicates=include, for_board=True),
            export_columns=EXPORT_COLUMNS,
            **kwargs,
        )


class BoardResponseView(RoleRequiredMixin, ConsultationMixin, ServiceFormView):
    roles = BOARD
    template_name = "components/form_page.html"
    form_class = BoardResponseForm
    success_message = "Your response is published on the results page."

    def get_initial(self):
        return {"text": self.consultation.board_response}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            heading="You said, we did",
            caption=self.consultation.title,
            back_url=reverse("consultation:manage", kwargs={"slug": self.consultation.slug}),
            **kwargs,
        )

    def perform(self, form):
        services.board_response_publish(
            consultation=self.consultation, text=form.cleaned_data["text"], by=self.request.user
        )
        return reverse("consultation:results", kwargs={"slug": self.consultation.slug})


class AdoptSplitView(RoleRequiredMixin, ConsultationMixin, TemplateView):
    roles = BOARD
    template_name = "consultation/adopt_split.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(results=selectors.results(self.consultation), **kwargs)

    def post(self, request, *args, **kwargs):
        split = selectors.results(self.consultation).proposed_split
        try:
            draft = services.split_adopt(consultation=self.consultation, split=split, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("consultation:adopt_split", slug=self.consultation.slug)
        messages.success(
            request,
            f"The proposed split is now the default split of draft version {draft.version}. "
            "Adopt the draft to use it in tenders.",
        )
        return redirect(draft.get_absolute_url())


class ExportView(RoleRequiredMixin, ConsultationMixin, View):
    roles = BOARD

    def get(self, request, slug, table, fmt):
        if table == "responses":
            header, rows = exports.responses_table(self.consultation)
        else:
            header, rows = exports.results_table(selectors.results(self.consultation))
        filename = f"{self.consultation.slug}-{table}"
        return as_csv(header, rows, filename) if fmt == "csv" else as_xlsx(header, rows, filename)
