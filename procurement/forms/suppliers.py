"""Forms for suppliers' accounts: registering an organisation with its first user, adding a colleague."""

from crispy_forms_gds.layout import HTML, Field, Fixed, Fluid, Size
from django import forms

from knowsley_sv.forms import gds_helper


class AccountChecksMixin:
    """A new account's username must be free and its password strong enough (Django's validators)."""

    def clean_username(self):
        from knowsley_sv.models import User

        username = self.cleaned_data["username"].strip()
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError("That username is taken: choose another")
        return username

    def clean(self):
        from django.contrib.auth.password_validation import validate_password

        cleaned = super().clean()
        if cleaned.get("password"):
            try:
                validate_password(cleaned["password"])
            except forms.ValidationError as error:
                self.add_error("password", error)
        return cleaned


class SupplierUserForm(AccountChecksMixin, forms.Form):
    """A colleague's account, added by a supplier's user."""

    first_name = forms.CharField(max_length=150, error_messages={"required": "Enter their first name"})
    last_name = forms.CharField(max_length=150, error_messages={"required": "Enter their last name"})
    email = forms.EmailField(
        error_messages={
            "required": "Enter their email address",
            "invalid": "Enter an email address like name@example.com",
        }
    )
    username = forms.CharField(max_length=150, error_messages={"required": "Choose a username for them"})
    password = forms.CharField(
        label="Temporary password",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 12 characters. Give it to them in person or by phone, not by email.",
        error_messages={"required": "Choose a temporary password"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.text("first_name", field_width=Fluid.ONE_HALF),
            Field.text("last_name", field_width=Fluid.ONE_HALF),
            Field.text("email", field_width=Fluid.TWO_THIRDS),
            Field.text("username", field_width=Fluid.ONE_HALF),
            Field.text("password", field_width=Fluid.ONE_HALF),
            submit="Add colleague",
        )


class SupplierRegistrationForm(AccountChecksMixin, forms.Form):
    """A supplier's first user and organisation, in one step."""

    first_name = forms.CharField(max_length=150, error_messages={"required": "Enter your first name"})
    last_name = forms.CharField(max_length=150, error_messages={"required": "Enter your last name"})
    email = forms.EmailField(
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address like name@example.com",
        }
    )
    username = forms.CharField(max_length=150, error_messages={"required": "Choose a username"})
    password = forms.CharField(
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 12 characters.",
        error_messages={"required": "Choose a password"},
    )
    organisation = forms.CharField(
        label="Organisation name",
        max_length=200,
        error_messages={"required": "Enter your organisation's name"},
    )
    sector = forms.ChoiceField(widget=forms.RadioSelect, error_messages={"required": "Select your sector"})
    size = forms.ChoiceField(
        widget=forms.RadioSelect, error_messages={"required": "Select your organisation's size"}
    )
    postcode = forms.CharField(label="Postcode (optional)", max_length=10, required=False)
    is_local = forms.BooleanField(label="We are based in Knowsley", required=False)

    def __init__(self, *args, **kwargs):
        from outcomes.models import Organisation

        super().__init__(*args, **kwargs)
        self.fields["sector"].choices = Organisation.Sector.choices
        self.fields["size"].choices = Organisation.Size.choices
        self.helper = gds_helper(
            HTML('<h2 class="govuk-heading-m">You</h2>'),
            Field.text("first_name", field_width=Fluid.ONE_HALF),
            Field.text("last_name", field_width=Fluid.ONE_HALF),
            Field.text("email", field_width=Fluid.TWO_THIRDS),
            Field.text("username", field_width=Fluid.ONE_HALF),
            Field.text("password", field_width=Fluid.ONE_HALF),
            HTML('<h2 class="govuk-heading-m">Your organisation</h2>'),
            Field.text("organisation", field_width=Fluid.TWO_THIRDS),
            Field.radios("sector", legend_size=Size.SMALL, small=True),
            Field.radios("size", legend_size=Size.SMALL, small=True),
            Field.text("postcode", field_width=Fixed.TEN),
            Field.checkbox("is_local", small=True),
            submit="Register",
        )

    def clean_organisation(self):
        from outcomes.models import Organisation

        name = self.cleaned_data["organisation"].strip()
        if Organisation.objects.filter(name__iexact=name).exists():
            raise forms.ValidationError(
                "An organisation with this name is already registered: ask a colleague there to add you"
            )
        return name
