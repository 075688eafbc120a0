from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.views.generic import FormView, ListView, TemplateView

from . import services
from .access import user_has_role
from .forms import SignInForm, add_service_errors
from .models import Notification
from .retention_apply import retention_schedule
from .roles import Role

# Apps add to the home page (the open consultations, say) from their AppConfig.ready(), so the core reads no
# app of ours: each section returns context for templates/home.html.
_HOME_SECTIONS: list[Callable[[], dict]] = []


def register_home_section(section: Callable[[], dict]) -> None:
    if section not in _HOME_SECTIONS:
        _HOME_SECTIONS.append(section)


class HomeView(TemplateView):
    template_name = "home.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        for section in _HOME_SECTIONS:
            kwargs.update(section())
        return super().get_context_data(
            is_board=user_has_role(user, Role.BOARD_MEMBER),
            is_commissioner=user_has_role(user, Role.COMMISSIONER),
            **kwargs,
        )


class AccessibilityView(TemplateView):
    template_name = "pages/accessibility.html"


class PrivacyView(TemplateView):
    """The privacy notice, its retention periods read from the schedule the retention command applies."""

    template_name = "pages/privacy.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            retention=retention_schedule(), dpo=settings.DATA_PROTECTION_OFFICER, **kwargs
        )


class SignInView(auth_views.LoginView):
    form_class = SignInForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True


class SignOutView(auth_views.LogoutView):
    pass


def signin_locked_out(request, original_response=None, credentials=None):
    """django-axes' lockout response (AXES_LOCKOUT_CALLABLE): the service's own page, 429. The attempt that
    reaches the limit is the moment of the lockout, which goes in the audit trail; later refusals do not."""
    from axes.helpers import get_client_username

    failures = getattr(request, "axes_failures_since_start", 0)
    if failures == settings.AXES_FAILURE_LIMIT:
        services.signin_lockout_record(
            username=get_client_username(request, credentials),
            address=request.axes_ip_address,
            failures=failures,
        )
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "registration/locked_out.html", {"minutes": minutes}, status=429)


class ServiceFormView(FormView):
    """A form view whose valid form is handed to one service call.

    `perform(form)` calls the service and returns the object or URL to go to next. A ValidationError the
    service raises is shown on the form with the error summary, keeping what the user typed.
    """

    success_message = ""

    def form_valid(self, form):
        try:
            result = self.perform(form)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        if self.success_message:
            messages.success(self.request, self.success_message)
        return HttpResponseRedirect(result if isinstance(result, str) else result.get_absolute_url())


class MessagesView(LoginRequiredMixin, ListView):
    """Every message the service sent the person signed in, newest first: nothing depends on email
    arriving."""

    template_name = "pages/messages.html"
    context_object_name = "notifications"
    paginate_by = 50

    def get_queryset(self):
        return Notification.objects.filter(recipient=self.request.user).only(
            "subject", "body", "url", "created_at", "status"
        )
