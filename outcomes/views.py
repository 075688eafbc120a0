from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.views import View
from django.views.generic import DetailView, ListView, TemplateView

from knowsley_sv.access import RoleRequiredMixin
from knowsley_sv.roles import Role
from knowsley_sv.views import ServiceFormView

from . import selectors, services
from .forms import (
    AdoptForm,
    BoardMembershipForm,
    EndMembershipForm,
    IndicatorForm,
    ModelStatementForm,
    OrganisationForm,
    OutcomeForm,
    ReviewActionForm,
    ReviewForm,
)
from .models import BoardMembership, Indicator, ModelReview, Organisation, ReviewAction, SocialValueModel

BOARD = (Role.BOARD_MEMBER,)


# --- Public: the model and its versions ---------------------------------------------------------------
class ModelCurrentView(TemplateView):
    template_name = "outcomes/model_current.html"

    def get_context_data(self, **kwargs):
        model = selectors.adopted_model()
        return super().get_context_data(
            model=model, pillars=selectors.outcomes_by_pillar(model) if model else [], **kwargs
        )


class ModelVersionListView(ListView):
    template_name = "outcomes/model_list.html"
    context_object_name = "versions"

    def get_queryset(self):
        return selectors.model_versions_for(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["is_board"] = self.request.user.is_authenticated and self.request.user.has_role(
            Role.BOARD_MEMBER
        )
        context["draft"] = next((v for v in context["versions"] if v.is_draft), None)
        return context


class ModelVersionDetailView(TemplateView):
    template_name = "outcomes/model_detail.html"

    def get_context_data(self, **kwargs):
        try:
            model = selectors.model_version(version=self.kwargs["version"], user=self.request.user)
        except SocialValueModel.DoesNotExist:
            raise Http404("No such version") from None
        return super().get_context_data(model=model, pillars=selectors.outcomes_by_pillar(model), **kwargs)


# --- Board: drafting ----------------------------------------------------------------------------------
class DraftStartView(RoleRequiredMixin, View):
    roles = BOARD
    http_method_names = ["post"]

    def post(self, request):
        try:
            draft = services.model_start_draft(by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            existing = selectors.draft_model()
            return redirect(existing.get_absolute_url() if existing else reverse("outcomes:versions"))
        messages.success(request, f"Version {draft.version} started as a draft copy of the adopted version.")
        return redirect(draft.get_absolute_url())


class DraftMixin(RoleRequiredMixin):
    """Board only, and only for a draft: editing an adopted or superseded version is a 403 with the reason."""

    roles = BOARD

    @cached_property
    def draft(self) -> SocialValueModel:
        model = get_object_or_404(SocialValueModel, version=self.kwargs["version"])
        if not model.is_draft:
            raise PermissionDenied(
                services.NOT_A_DRAFT.format(version=model.version, status=model.get_status_display().lower())
            )
        return model

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            draft=self.draft,
            caption=f"Draft version {self.draft.version}",
            back_url=self.draft.get_absolute_url(),
            **kwargs,
        )


class DraftDetailView(DraftMixin, TemplateView):
    template_name = "outcomes/draft_detail.html"

    def get_context_data(self, **kwargs):
        model = selectors.model_version(version=self.draft.version, user=self.request.user)
        return super().get_context_data(
            model=model,
            pillars=selectors.outcomes_by_pillar(model),
            share_total=sum(o.default_share for o in model.outcomes.all()),
            problems=services.model_adoption_problems(model),
            **kwargs,
        )


class DraftStatementEditView(DraftMixin, ServiceFormView):
    template_name = "components/form_page.html"
    form_class = ModelStatementForm
    success_message = "Statement saved."

    def get_initial(self):
        return {"title": self.draft.title, "statement": self.draft.statement}

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading="Edit the statement on social value", **kwargs)

    def perform(self, form):
        return services.model_update(model=self.draft, by=self.request.user, **form.cleaned_data)


class OutcomeEditView(DraftMixin, ServiceFormView):
    template_name = "components/form_page.html"
    form_class = OutcomeForm
    success_message = "Outcome saved."

    @cached_property
    def outcome(self):
        return get_object_or_404(self.draft.outcomes, number=self.kwargs["number"])

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.outcome}

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=f"Edit outcome {self.outcome.number}", **kwargs)

    def perform(self, form):
        services.outcome_update(outcome=self.outcome, by=self.request.user, **form.cleaned_data)
        return self.draft.get_absolute_url()


class IndicatorFormMixin(DraftMixin):
    template_name = "components/form_page.html"
    form_class = IndicatorForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "outcome": self.outcome}

    def fields_from(self, form) -> dict:
        return {name: form.cleaned_data[name] for name in services.INDICATOR_FIELDS}


class IndicatorCreateView(IndicatorFormMixin, ServiceFormView):
    success_message = "Indicator added."

    @cached_property
    def outcome(self):
        return get_object_or_404(self.draft.outcomes, number=self.kwargs["number"])

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            heading=f"Add an indicator to outcome {self.outcome.number}", **kwargs
        )

    def perform(self, form):
        services.indicator_create(outcome=self.outcome, by=self.request.user, **self.fields_from(form))
        return self.draft.get_absolute_url()


class DraftIndicatorMixin(IndicatorFormMixin):
    @cached_property
    def indicator(self) -> Indicator:
        return get_object_or_404(
            Indicator.objects.select_related("outcome"), pk=self.kwargs["pk"], outcome__model=self.draft
        )

    @property
    def outcome(self):
        return self.indicator.outcome


class IndicatorEditView(DraftIndicatorMixin, ServiceFormView):
    success_message = "Indicator saved."

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.indicator}

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=f"Edit indicator {self.indicator.code}", **kwargs)

    def perform(self, form):
        services.indicator_update(indicator=self.indicator, by=self.request.user, **self.fields_from(form))
        return self.draft.get_absolute_url()


class IndicatorDeleteView(DraftIndicatorMixin, TemplateView):
    template_name = "outcomes/indicator_confirm_delete.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(indicator=self.indicator, **kwargs)

    def post(self, request, *args, **kwargs):
        code = self.indicator.code
        services.indicator_delete(indicator=self.indicator, by=request.user)
        messages.success(request, f"Indicator {code} removed from the draft.")
        return redirect(self.draft.get_absolute_url())


class DraftCompareView(DraftMixin, TemplateView):
    template_name = "outcomes/draft_compare.html"

    def get_context_data(self, **kwargs):
        draft = selectors.model_version(version=self.draft.version, user=self.request.user)
        base = selectors.adopted_model()
        comparison = selectors.version_changes(base=base, after=draft) if base else None
        return super().get_context_data(model=draft, base=base, comparison=comparison, **kwargs)


class DraftAdoptView(DraftMixin, ServiceFormView):
    template_name = "outcomes/draft_adopt.html"
    form_class = AdoptForm

    def get_context_data(self, **kwargs):
        model = selectors.model_version(version=self.draft.version, user=self.request.user)
        return super().get_context_data(
            model=model,
            base=selectors.adopted_model(),
            problems=services.model_adoption_problems(model),
            **kwargs,
        )

    def perform(self, form):
        model = services.model_adopt(
            model=self.draft, change_summary=form.cleaned_data["change_summary"], by=self.request.user
        )
        messages.success(self.request, f"Version {model.version} is now the adopted Social Value Model.")
        return reverse("outcomes:model")


# --- Board: annual reviews ----------------------------------------------------------------------------
class ReviewListView(RoleRequiredMixin, ListView):
    roles = BOARD
    template_name = "outcomes/review_list.html"
    context_object_name = "reviews"

    def get_queryset(self):
        return selectors.reviews()


class ReviewDetailView(RoleRequiredMixin, TemplateView):
    roles = BOARD
    template_name = "outcomes/review_detail.html"

    def get_context_data(self, **kwargs):
        try:
            review = selectors.review_detail(self.kwargs["pk"])
        except ModelReview.DoesNotExist:
            raise Http404("No such review") from None
        return super().get_context_data(review=review, **kwargs)


class ReviewCreateView(RoleRequiredMixin, ServiceFormView):
    roles = BOARD
    template_name = "components/form_page.html"
    form_class = ReviewForm
    success_message = "Review recorded."

    @cached_property
    def model(self) -> SocialValueModel:
        model = SocialValueModel.objects.adopted().first()
        if model is None:
            raise Http404("There is no adopted version to review")
        return model

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            heading="Record a review of the model",
            caption=f"Version {self.model.version}",
            back_url=reverse("outcomes:reviews"),
            **kwargs,
        )

    def perform(self, form):
        return services.review_record(
            model=self.model,
            by=self.request.user,
            **{
                name: form.cleaned_data[name]
                for name in ("held_on", "evidence", "findings", "decisions", "result")
            },
            attendees=list(form.cleaned_data["attendees"]),
            consultations=list(form.cleaned_data["consultations"]),
        )


class ReviewActionMixin(RoleRequiredMixin):
    """Adding an action to a review's log, or changing one (board members)."""

    roles = BOARD
    template_name = "components/form_page.html"
    form_class = ReviewActionForm

    @cached_property
    def review(self) -> ModelReview:
        return get_object_or_404(ModelReview.objects.select_related("model"), pk=self.kwargs["pk"])

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "review": self.review}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            heading=self.heading, caption=str(self.review), back_url=self.review.get_absolute_url(), **kwargs
        )

    def perform(self, form):
        services.review_action_save(action=form.instance, by=self.request.user)
        return self.review.get_absolute_url()


class ReviewActionCreateView(ReviewActionMixin, ServiceFormView):
    heading = "Add an action"
    success_message = "Action added."


class ReviewActionUpdateView(ReviewActionMixin, ServiceFormView):
    heading = "Change an action"
    success_message = "Action updated."

    @cached_property
    def action(self) -> ReviewAction:
        return get_object_or_404(ReviewAction, pk=self.kwargs["action"], review=self.review)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.action}


# --- Board and commissioners: organisations -----------------------------------------------------------
class OrganisationListView(RoleRequiredMixin, ListView):
    roles = (Role.BOARD_MEMBER, Role.COMMISSIONER)
    template_name = "outcomes/organisation_list.html"
    context_object_name = "organisations"
    paginate_by = 50

    def get_queryset(self):
        sector = self.request.GET.get("sector", "")
        if sector not in Organisation.Sector.values:
            sector = ""
        return selectors.organisations(sector=sector, query=self.request.GET.get("q", "")[:100])

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            sectors=Organisation.Sector.choices,
            sector=self.request.GET.get("sector", ""),
            q=self.request.GET.get("q", ""),
            can_edit=self.request.user.has_role(Role.BOARD_MEMBER),
            **kwargs,
        )


class OrganisationDetailView(RoleRequiredMixin, DetailView):
    roles = (Role.BOARD_MEMBER, Role.COMMISSIONER)
    template_name = "outcomes/organisation_detail.html"
    context_object_name = "organisation"

    def get_object(self, queryset=None):
        try:
            return selectors.organisation_detail(self.kwargs["pk"])
        except Organisation.DoesNotExist:
            raise Http404("No such organisation") from None

    def get_context_data(self, **kwargs):
        return super().get_context_data(can_edit=self.request.user.has_role(Role.BOARD_MEMBER), **kwargs)


class OrganisationFormView(RoleRequiredMixin, ServiceFormView):
    roles = BOARD
    template_name = "components/form_page.html"
    form_class = OrganisationForm
    success_message = "Organisation saved."

    @cached_property
    def organisation(self) -> Organisation | None:
        pk = self.kwargs.get("pk")
        return get_object_or_404(Organisation, pk=pk) if pk else None

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.organisation}

    def get_context_data(self, **kwargs):
        org = self.organisation
        return super().get_context_data(
            heading=f"Change {org.name}'s details" if org else "Add an organisation",
            back_url=org.get_absolute_url() if org else reverse("outcomes:organisations"),
            **kwargs,
        )

    def perform(self, form):
        return services.organisation_save(organisation=form.instance, by=self.request.user)


class BoardMembershipCreateView(RoleRequiredMixin, ServiceFormView):
    roles = BOARD
    template_name = "components/form_page.html"
    form_class = BoardMembershipForm
    success_message = "Board member added."

    @cached_property
    def organisation(self) -> Organisation:
        return get_object_or_404(Organisation, pk=self.kwargs["pk"])

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "organisation": self.organisation}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            heading="Add a board member",
            caption=self.organisation.name,
            back_url=self.organisation.get_absolute_url(),
            **kwargs,
        )

    def perform(self, form):
        services.board_membership_add(membership=form.instance, by=self.request.user)
        return self.organisation.get_absolute_url()


class BoardMembershipEndView(RoleRequiredMixin, ServiceFormView):
    roles = BOARD
    template_name = "components/form_page.html"
    form_class = EndMembershipForm
    success_message = "Board membership ended."

    @cached_property
    def membership(self) -> BoardMembership:
        return get_object_or_404(
            BoardMembership.objects.select_related("person", "organisation"),
            pk=self.kwargs["pk"],
            ended_on=None,
        )

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "started_on": self.membership.started_on}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            heading=f"End {self.membership.person}'s board membership",
            caption=self.membership.organisation.name,
            back_url=self.membership.organisation.get_absolute_url(),
            **kwargs,
        )

    def perform(self, form):
        services.board_membership_end(
            membership=self.membership, ended_on=form.cleaned_data["ended_on"], by=self.request.user
        )
        return self.membership.organisation.get_absolute_url()
