"""Residents answer without an account; board members and commissioners manage consultations."""

from datetime import datetime, time

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.safestring import mark_safe
from django.views import View
from django.views.generic import FormView, ListView, TemplateView
from django_ratelimit.core import is_ratelimited

from knowsley_sv.access import RoleRequiredMixin, user_has_role
from knowsley_sv.client import client_address
from knowsley_sv.forms import add_service_errors
from knowsley_sv.retention_apply import retention_schedule
from knowsley_sv.roles import Role
from knowsley_sv.tabular import as_csv, as_xlsx
from knowsley_sv.views import ServiceFormView

from . import exports, rules, selectors, services, summary
from .forms import (
    AboutYouForm,
    AllocationForm,
    BoardResponseForm,
    CheckAnswersForm,
    CommentsForm,
    ConsultationForm,
    ModerationForm,
    OfficerResponseForm,
    ReceiptForm,
    WardPopulationForm,
)
from .models import Comment, Consultation, Response, WardPopulation
from .retention import contacts_erased_by

BOARD = (Role.BOARD_MEMBER,)
OFFICERS = (Role.BOARD_MEMBER, Role.COMMISSIONER)
COMMENTS_PER_PAGE = 50
EXPORT_COLUMNS = {"responses": exports.RESPONSES_COLUMNS, "results": exports.RESULTS_COLUMNS}


def client_of(request) -> str:
    """Who is sending (the rate limits, the duplicate flag): the client's address, keyed with the secret."""
    return rules.client_key(secret=settings.SECRET_KEY, address=client_address(request))


def device_of(request) -> str:
    """Which browser is sending (the same answers twice are accepted once): address and User-Agent."""
    return rules.device_key(
        secret=settings.SECRET_KEY,
        address=client_address(request),
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:200],
    )


def _ratelimit_key(group, request) -> str:
    return client_of(request)


class ConsultationMixin:
    """Fetches the consultation named in the address (404 if there is none). The public pages (`public`)
    read it and its outcomes through the shared cache; officers' and the board's pages read the database."""

    public = False

    @cached_property
    def _found(self) -> tuple[Consultation, list | None]:
        slug = self.kwargs["slug"]
        try:
            if self.public:
                return selectors.public_consultation(slug)
            return selectors.consultation_by_slug(slug), None
        except Consultation.DoesNotExist:
            raise Http404("No such consultation") from None

    @property
    def consultation(self) -> Consultation:
        return self._found[0]

    @cached_property
    def outcomes(self):
        return self._found[1] if self.public else selectors.consultation_outcomes(self.consultation)

    def get_context_data(self, **kwargs):
        return super().get_context_data(consultation=self.consultation, **kwargs)


# --- Residents -----------------------------------------------------------------------------------------
class ConsultationListView(ListView):
    template_name = "consultation/consultation_list.html"
    context_object_name = "consultations"

    def get_queryset(self):
        return selectors.consultations_public()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        now = timezone.now()
        context["open"] = [c for c in context["consultations"] if c.is_open(now)]
        context["closed"] = [c for c in context["consultations"] if c.is_closed(now)]
        context["upcoming"] = [c for c in context["consultations"] if c.opens_at > now]
        return context


class StartView(ConsultationMixin, TemplateView):
    public = True
    template_name = "consultation/start.html"


class AnswersSession:
    """A resident's answers between pages, kept in their session (works without JavaScript)."""

    def __init__(self, request, consultation):
        self.session, self.key = request.session, f"consultation:{consultation.pk}"

    def get(self) -> dict:
        return self.session.get(self.key, {})

    def update(self, **values) -> None:
        self.session[self.key] = {**self.get(), **values}

    def clear(self) -> None:
        self.session.pop(self.key, None)


class ResidentStepMixin(ConsultationMixin):
    """Every step refuses a consultation that is not open, with a clear page."""

    public = True

    step_template = "consultation/step.html"

    def dispatch(self, request, *args, **kwargs):
        try:
            services.check_accepting(self.consultation, channel=Response.Channel.ONLINE)
        except ValidationError as error:
            return render(
                request,
                "consultation/not_open.html",
                {"consultation": self.consultation, "reason": error.messages[0]},
                status=410 if self.consultation.is_closed() else 403,
            )
        self.answers = AnswersSession(request, self.consultation)
        return super().dispatch(request, *args, **kwargs)


class PointsView(ResidentStepMixin, FormView):
    template_name = "consultation/step_points.html"
    form_class = AllocationForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "outcomes": self.outcomes}

    def get_initial(self):
        return {f"points_{n}": v for n, v in self.answers.get().get("points", {}).items()}

    def form_valid(self, form):
        self.answers.update(points={str(n): v for n, v in form.cleaned_data["points"].items()})
        return redirect(self._next())

    def form_invalid(self, form):
        typed = {o.number: form.data.get(f"points_{o.number}") for o in self.outcomes}
        return self.render_to_response(self.get_context_data(form=form, total=rules.running_total(typed)))

    def _next(self):
        return reverse("consultation:comments", kwargs={"slug": self.consultation.slug})


class CommentsView(ResidentStepMixin, FormView):
    template_name = "consultation/step_comments.html"
    form_class = CommentsForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "outcomes": self.outcomes}

    def get_initial(self):
        saved = self.answers.get()
        initial = {f"comment_{n}": text for n, text in saved.get("comments", {}).items()}
        initial["missing"] = saved.get("missing", "")
        return initial

    def form_valid(self, form):
        answers = form.answers()
        self.answers.update(
            comments={str(n): t for n, t in answers["comments"].items()}, missing=answers["missing"]
        )
        return redirect("consultation:about_you", slug=self.consultation.slug)


class AboutYouView(ResidentStepMixin, FormView):
    template_name = "consultation/step_about_you.html"
    form_class = AboutYouForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "wards": selectors.public_wards()}

    def get_initial(self):
        about = self.answers.get().get("about")
        if not about:
            return {}
        return {
            "ward": "none" if about["ward_id"] is None else str(about["ward_id"]),
            "age_band": about["age_band"],
            "connections": about["connections"],
            "consent_to_quote": "yes" if about["consent_to_quote"] else "no",
        }

    def form_valid(self, form):
        self.answers.update(about=form.answers())
        return redirect("consultation:check", slug=self.consultation.slug)


def _answers_from(saved: dict) -> services.Answers:
    about = saved["about"]
    connections = set(about["connections"])
    return services.Answers(
        points={int(n): v for n, v in saved["points"].items()},
        comments={int(n): t for n, t in saved.get("comments", {}).items()},
        missing=saved.get("missing", ""),
        ward_id=about["ward_id"],
        age_band=about["age_band"],
        lives_in_borough="lives" in connections,
        works_in_borough="works" in connections,
        runs_business_in_borough="business" in connections,
        volunteers_in_borough="volunteers" in connections,
        consent_to_quote=about["consent_to_quote"],
    )


class CheckAnswersView(ResidentStepMixin, FormView):
    template_name = "consultation/check_answers.html"
    form_class = CheckAnswersForm

    def get(self, request, *args, **kwargs):
        missing_step = self._missing_step()
        if missing_step:
            return redirect(missing_step, slug=self.consultation.slug)
        return super().get(request, *args, **kwargs)

    def _missing_step(self) -> str | None:
        saved = self.answers.get()
        if "points" not in saved:
            return "consultation:points"
        if "about" not in saved:
            return "consultation:about_you"
        return None

    def get_context_data(self, **kwargs):
        saved = self.answers.get()
        answers = _answers_from(saved)
        ward = dict(selectors.public_wards()).get(answers.ward_id) if answers.ward_id else None
        rows = [
            (o, answers.points.get(o.number, 0), answers.comments.get(o.number, "")) for o in self.outcomes
        ]
        return super().get_context_data(
            answers=answers,
            rows=rows,
            ward=ward,
            age_label=dict(Response.AgeBand.choices).get(answers.age_band, "Prefer not to say"),
            connections=[
                label
                for flag, label in (
                    (answers.lives_in_borough, "Lives in Knowsley"),
                    (answers.works_in_borough, "Works in Knowsley"),
                    (answers.runs_business_in_borough, "Runs a business in Knowsley"),
                    (answers.volunteers_in_borough, "Volunteers in Knowsley"),
                )
                if flag
            ],
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        if self._missing_step():
            if request.session.get(f"receipt:{self.consultation.pk}"):
                # Sent already (a second click, or the back button): show the receipt again.
                return redirect("consultation:confirmation", slug=self.consultation.slug)
            return redirect(self._missing_step(), slug=self.consultation.slug)
        if is_ratelimited(
            request,
            group="consultation-submit",
            key=_ratelimit_key,
            rate=settings.CONSULTATION_SUBMIT_RATE,
            method="POST",
            increment=True,
        ):
            return render(request, "429.html", {"consultation": self.consultation}, status=429)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            response = services.response_submit(
                consultation=self.consultation,
                answers=_answers_from(self.answers.get()),
                client=client_of(self.request),
                device=device_of(self.request),
                email=form.cleaned_data["email"],
                outcomes=self.outcomes,
                ward_ids={pk for pk, _ in selectors.public_wards()},
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        self.answers.clear()
        self.request.session[f"receipt:{self.consultation.pk}"] = response.receipt_code
        return redirect("consultation:confirmation", slug=self.consultation.slug)


class ConfirmationView(ConsultationMixin, TemplateView):
    public = True
    template_name = "consultation/confirmation.html"

    def get(self, request, *args, **kwargs):
        receipt = request.session.get(f"receipt:{self.consultation.pk}")
        if not receipt:
            return redirect(self.consultation.get_absolute_url())
        return self.render_to_response(self.get_context_data(receipt_code=receipt))


class YourResponseView(ConsultationMixin, FormView):
    """Find a response by receipt code, see it, and withdraw it while the consultation is open."""

    template_name = "consultation/your_response.html"
    form_class = ReceiptForm

    def post(self, request, *args, **kwargs):
        if is_ratelimited(
            request,
            group="consultation-receipt",
            key=_ratelimit_key,
            rate=settings.CONSULTATION_RECEIPT_RATE,
            method="POST",
            increment=True,
        ):
            return render(request, "429.html", {"consultation": self.consultation}, status=429)
        if request.POST.get("withdraw") == "confirmed":
            return self._withdraw(request)
        if "withdraw" in request.POST:
            return self._check_withdraw(request)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        try:
            response = services.response_find(
                consultation=self.consultation, receipt_code=form.cleaned_data["receipt_code"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        self.request.session[f"found:{self.consultation.pk}"] = response.receipt_code
        return self.render_to_response(self.get_context_data(form=form, response=self._detail(response)))

    def _detail(self, response: Response) -> Response:
        return (
            Response.objects.select_related("ward")
            .prefetch_related("allocations__outcome", "comments__outcome")
            .get(pk=response.pk)
        )

    def _found_response(self, request) -> Response | None:
        code = request.session.get(f"found:{self.consultation.pk}")
        if not code:
            return None
        return Response.objects.filter(consultation=self.consultation, receipt_code=code).first()

    def _check_withdraw(self, request):
        """The step before the irreversible one: say what will be deleted and ask again."""
        response = self._found_response(request)
        if response is None:
            return redirect("consultation:your_response", slug=self.consultation.slug)
        return render(
            request,
            "consultation/withdraw_confirm.html",
            {"consultation": self.consultation, "response": response},
        )

    def _withdraw(self, request):
        response = self._found_response(request)
        if response is None:
            return redirect("consultation:your_response", slug=self.consultation.slug)
        try:
            services.response_withdraw(response=response)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("consultation:your_response", slug=self.consultation.slug)
        request.session.pop(f"found:{self.consultation.pk}", None)
        return render(request, "consultation/withdrawn.html", {"consultation": self.consultation})


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


# --- Officers ------------------------------------------------------------------------------------------
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
        connections = set(data["connections"])
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
                lives_in_borough="lives" in connections,
                works_in_borough="works" in connections,
                runs_business_in_borough="business" in connections,
                volunteers_in_borough="volunteers" in connections,
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
