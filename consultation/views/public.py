"""Residents answer without an account: the list of consultations, the start page, the steps of the
journey, the confirmation and the look-up (and withdrawal) of a response by its receipt code."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.generic import FormView, ListView, TemplateView
from django_ratelimit.core import is_ratelimited

from knowsley_sv.client import client_address
from knowsley_sv.forms import add_service_errors

from .. import rules, selectors, services
from ..forms import (
    AboutYouForm,
    AllocationForm,
    CheckAnswersForm,
    CommentsForm,
    ReceiptForm,
)
from ..models import Response
from .base import ConsultationMixin


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
    return services.Answers(
        points={int(n): v for n, v in saved["points"].items()},
        comments={int(n): t for n, t in saved.get("comments", {}).items()},
        missing=saved.get("missing", ""),
        ward_id=about["ward_id"],
        age_band=about["age_band"],
        **services.Answers.connection_flags(about["connections"]),
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
