"""Shared form plumbing: every form renders through crispy-forms-gds with the GOV.UK error summary."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Layout, Submit
from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError


def gds_helper(*fields, submit: str = "Save and continue") -> FormHelper:
    helper = FormHelper()
    helper.form_tag = True
    helper.attrs = {"novalidate": ""}
    helper.layout = Layout(*fields, Submit("submit", submit, data_prevent_double_click="true"))
    return helper


def add_service_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on the fields it names (a form may rename them in
    `service_fields`, service name -> form field), else in the summary."""
    if hasattr(error, "error_dict"):
        renamed = getattr(form, "service_fields", {})
        for field, errors in error.error_dict.items():
            field = renamed.get(field, field)
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class SignInForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
        "inactive": "This account has been switched off. Ask the service administrator.",
    }

    def __init__(self, *args, **kwargs):
        from crispy_forms_gds.layout import Field, Fluid

        super().__init__(*args, **kwargs)
        self.fields["username"].error_messages["required"] = "Enter your username"
        self.fields["password"].error_messages["required"] = "Enter your password"
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "spellcheck": "false"})
        self.helper = gds_helper(
            Field.text("username", field_width=Fluid.ONE_HALF),
            Field.text("password", field_width=Fluid.ONE_HALF),
            submit="Sign in",
        )


def template_literal(text: str) -> str:
    """User text for crispy-forms' HTML(), which compiles its string as a Django template: escaped as HTML,
    with the braces as entities too, so "{{ … }}" or "{% … %}" typed by someone is shown, never run."""
    from django.utils.html import escape

    return escape(text).replace("{", "&#123;").replace("}", "&#125;")
