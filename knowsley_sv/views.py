from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.views.generic import FormView, TemplateView

from .access import user_has_role
from .forms import SignInForm, add_service_errors
from .retention_apply import retention_schedule
from .roles import Role


class HomeView(TemplateView):
    template_name = "home.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
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
