"""Board members and commissioners manage consultations: the list, the overview, the consultation form,
paper and event responses, comment moderation, contact records and ward populations."""

from datetime import datetime, time

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.generic import ListView, TemplateView

from knowsley_sv.access import RoleRequiredMixin, user_has_role
from knowsley_sv.retention_apply import retention_schedule
from knowsley_sv.roles import Role
from knowsley_sv.views import ServiceFormView

from .. import selectors, services
from ..forms import (
    ConsultationForm,
    ModerationForm,
    OfficerResponseForm,
    WardPopulationForm,
)
from ..models import Comment, Consultation, WardPopulation
from ..retention import contacts_erased_by
from .base import BOARD, EXPORT_COLUMNS, OFFICERS, ConsultationMixin


class ManageListView(RoleRequiredMixin, ListView):
    roles = OFFICERS
    template_name = "consultation/manage_list.html"
    context_object_name = "consultations"

    def get_queryset(self):
        return selectors.consultations_for_officers()

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            is_board=user_has_role(self.request.user, Role.BOARD_MEMBER), **kwargs
        )


class ConsultationFormView(RoleRequiredMixin, ServiceFormView):
    roles = BOARD
    template_name = "components/form_page.html"
    form_class = ConsultationForm
    success_message = "Consultation saved."

    @cached_property
    def instance(self) -> Consultation | None:
        slug = self.kwargs.get("slug")
        return get_object_or_404(Consultation, slug=slug) if slug else None

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.instance}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            heading=f"Change {self.instance}" if self.instance else "Start a consultation",
            back_url=reverse("consultation:manage_list"),
            **kwargs,
        )

    def perform(self, form):
        consultation = form.instance
        zone = timezone.get_current_timezone()
        consultation.opens_at = timezone.make_aware(
            datetime.combine(form.cleaned_data["opens_on"], time.min), zone
        )
        consultation.closes_at = timezone.make_aware(
            datetime.combine(form.cleaned_data["closes_on"], time(23, 59)), zone
        )
        if consultation.pk is None:
            consultation.created_by = self.request.user
        services.consultation_save(consultation=consultation, by=self.request.user)
        return reverse("consultation:manage", kwargs={"slug": consultation.slug})


class ManageView(RoleRequiredMixin, ConsultationMixin, TemplateView):
    roles = OFFICERS
    template_name = "consultation/manage.html"

    def get_context_data(self, **kwargs):
        c = self.consultation
        return super().get_context_data(
            is_board=user_has_role(self.request.user, Role.BOARD_MEMBER),
            n_responses=c.responses.count(),
            n_pending=Comment.objects.filter(response__consultation=c, status=Comment.Status.PENDING).count(),
            n_contacts=c.contacts.count(),
            export_columns=EXPORT_COLUMNS,
            **kwargs,
        )


class OfficerResponseView(RoleRequiredMixin, ConsultationMixin, ServiceFormView):
    roles = OFFICERS
    template_name = "components/form_page.html"
    form_class = OfficerResponseForm

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "outcomes": self.outcomes,
            "opens_on": timezone.localtime(self.consultation.opens_at).date(),
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            heading="Enter a paper or event response",
            caption=self.consultation.title,
            back_url=reverse("consultation:manage", kwargs={"slug": self.consultation.slug}),
            **kwargs,
        )

    def perform(self, form):
        data = form.cleaned_data
        received = timezone.make_aware(datetime.combine(data["received_on"], time(12)))
        response = services.response_submit(
            consultation=self.consultation,
            channel=data["channel"],
            entered_by=self.request.user,
            submitted_at=received,
            answers=services.Answers(
                points=data["points"],
                comments={o.number: data[f"comment_{o.number}"] for o in self.outcomes},
                missing=data["missing"],
                ward_id=None if data["ward"] == "none" else int(data["ward"]),
                age_band=data["age_band"],
                **services.Answers.connection_flags(data["connections"]),
                consent_to_quote=data["consent_to_quote"],
            ),
        )
        messages.success(self.request, f"Response saved. Its receipt code is {response.receipt_code}.")
        return reverse("consultation:officer_response", kwargs={"slug": self.consultation.slug})


class ModerationListView(RoleRequiredMixin, ConsultationMixin, ListView):
    roles = BOARD
    template_name = "consultation/moderation_list.html"
    context_object_name = "comments"
    paginate_by = 50

    def get_queryset(self):
        status = self.request.GET.get("status", Comment.Status.PENDING)
        if status not in Comment.Status.values:
            status = Comment.Status.PENDING
        self.status = status
        return selectors.comments_for_moderation(self.consultation, status=status)

    def get_context_data(self, **kwargs):
        return super().get_context_data(status=self.status, statuses=Comment.Status.choices, **kwargs)


class ModerateCommentView(RoleRequiredMixin, ConsultationMixin, ServiceFormView):
    roles = BOARD
    template_name = "consultation/moderate_comment.html"
    form_class = ModerationForm

    @cached_property
    def comment(self) -> Comment:
        return get_object_or_404(
            Comment.objects.select_related("outcome", "response"),
            pk=self.kwargs["pk"],
            response__consultation=self.consultation,
        )

    def get_initial(self):
        return {"published_text": self.comment.published_text or self.comment.text}

    def get_context_data(self, **kwargs):
        return super().get_context_data(comment=self.comment, **kwargs)

    def perform(self, form):
        data = form.cleaned_data
        if data["decision"] == "publish":
            services.comment_publish(
                comment=self.comment, published_text=data["published_text"], by=self.request.user
            )
            messages.success(self.request, "Comment published.")
        else:
            services.comment_hide(comment=self.comment, reason=data["hidden_reason"], by=self.request.user)
            messages.success(self.request, "Comment hidden.")
        return reverse("consultation:moderation", kwargs={"slug": self.consultation.slug})


class ContactsView(RoleRequiredMixin, ConsultationMixin, TemplateView):
    roles = BOARD
    template_name = "consultation/contacts.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            contacts=self.consultation.contacts.all(),
            erased_by=contacts_erased_by(self.consultation, retention_schedule()),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        choice = request.POST.get("contact", "")
        ids = None if choice == "all" else [int(choice)] if choice.isdigit() else []
        erased = services.contacts_erase(consultation=self.consultation, ids=ids, by=request.user)
        messages.success(request, f"{erased} contact record{'s' if erased != 1 else ''} erased.")
        return redirect("consultation:contacts", slug=self.consultation.slug)


class WardPopulationListView(RoleRequiredMixin, ListView):
    roles = BOARD
    template_name = "consultation/ward_populations.html"
    context_object_name = "figures"

    def get_queryset(self):
        return selectors.ward_populations()


class WardPopulationEditView(RoleRequiredMixin, ServiceFormView):
    roles = BOARD
    template_name = "components/form_page.html"
    form_class = WardPopulationForm
    success_message = "Population figure saved."

    @cached_property
    def figure(self) -> WardPopulation:
        return get_object_or_404(WardPopulation.objects.select_related("ward"), pk=self.kwargs["pk"])

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.figure}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            heading=f"Population of {self.figure.ward}",
            back_url=reverse("consultation:ward_populations"),
            **kwargs,
        )

    def perform(self, form):
        data = form.cleaned_data
        services.ward_population_update(
            figure=self.figure,
            by=self.request.user,
            population=data["population"],
            year=data["year"],
            source=data["source"],
            illustrative=False,
        )
        return reverse("consultation:ward_populations")
