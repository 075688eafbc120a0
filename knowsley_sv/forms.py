"""Shared form plumbing: every form renders through crispy-forms-gds with the GOV.UK error summary; the money,
quantity and date fields every app uses, with GOV.UK messages that name what was asked for."""

import re
from decimal import Decimal

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Layout, Submit
from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from knowsley_sv import formatting


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


# --- amounts and quantities -------------------------------------------------------------------------------
# ASCII digits only (re.ASCII: \d is never another script's digit), commas only as thousands separators.
_NUMBER = re.compile(
    r"(?P<minus>-)?(?P<pound>£)?(?P<whole>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<fraction>\d+))?", re.ASCII
)
LONGEST_INPUT = 40  # characters: more is never a figure this service holds


class NumberRefused(ValueError):
    """Why a typed figure is refused: "invalid", "negative", "places" or "too_big"."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def parse_number(text: str, *, pounds: bool, decimal_places: int, max_value: Decimal) -> Decimal:
    """A figure as people type it, exactly: ASCII digits, commas between thousands, a leading £ when
    `pounds`, up to `decimal_places` after the point, spaces around trimmed. "£420,000" and "420000.50" are
    read; "1e3", "1_000", "٤٢٠", "--5", "4,20,000" are not (they mean something else, or nothing, here).

    >>> parse_number(" £420,000.5 ", pounds=True, decimal_places=2, max_value=Decimal(10**12))
    Decimal('420000.5')
    """
    text = text.strip()
    match = _NUMBER.fullmatch(text) if len(text) <= LONGEST_INPUT else None
    if match is None or (match["pound"] and not pounds):
        raise NumberRefused("invalid")
    if match["minus"]:
        raise NumberRefused("negative")
    fraction = match["fraction"]
    if fraction is not None and len(fraction) > decimal_places:
        raise NumberRefused("places")
    value = Decimal(match["whole"].replace(",", "") + (f".{fraction}" if fraction else ""))
    if value > max_value:
        raise NumberRefused("too_big")
    return value


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


class NumberField(forms.Field):
    """A figure typed into a text box, read by parse_number, with messages that name it. `name` is what is
    asked for ("the bid price", "the quantity for 6.3"); the largest figure follows the model field's digits
    in whole units (14 digits with 2 places: 999,999,999,999)."""

    pounds = False

    def __init__(
        self,
        *,
        name: str,
        example: str,
        max_digits: int = 14,
        decimal_places: int = 2,
        min_value: int = 0,
        max_value: int | None = None,
        **kwargs,
    ):
        self.decimal_places, self.min_value = decimal_places, Decimal(min_value)
        self.max_value = Decimal(10 ** (max_digits - decimal_places) - 1 if max_value is None else max_value)
        pound = "£" if self.pounds else ""
        largest = f"{pound}{self.max_value:,}"
        kind = "in pounds" if self.pounds else ("as a whole number" if decimal_places == 0 else "as a number")
        messages = {
            "required": f"Enter {name}",
            "invalid": f"Enter {name} {kind}, like {example}",
            "negative": f"{_capital(name)} cannot be negative",
            "places": f"Enter {name} to the nearest penny"
            if self.pounds
            else f"Enter {name} with no more than {decimal_places} decimal places",
            "too_big": f"{_capital(name)} must be {largest} or less",
            "too_small": f"{_capital(name)} must be {pound}{self.min_value:,} or more",
        }
        kwargs.setdefault("widget", forms.TextInput)
        super().__init__(**kwargs)
        self.error_messages = messages | kwargs.get("error_messages", {})
        self.widget.attrs.update(
            {"inputmode": "decimal" if decimal_places else "numeric", "spellcheck": "false"}
        )

    def to_python(self, value):
        if value in self.empty_values or (isinstance(value, str) and not value.strip()):
            return None
        try:
            number = parse_number(
                str(value), pounds=self.pounds, decimal_places=self.decimal_places, max_value=self.max_value
            )
        except NumberRefused as refused:
            raise ValidationError(self.error_messages[refused.code], code=refused.code) from None
        if number < self.min_value:
            raise ValidationError(self.error_messages["too_small"], code="too_small")
        return number

    def prepare_value(self, value):
        if not isinstance(value, Decimal):
            return value  # what was typed is kept as typed
        return formatting.amount_input(value) if self.pounds else formatting.number_input(value)


class AmountField(NumberField):
    """Money: "£420,000", "420000", "420,000.50". For every amount in pounds the service asks for."""

    pounds = True


class QuantityField(NumberField):
    """A quantity of an indicator's unit, whole (decimal_places=0) or to 2 places: "12", "1,200", "3.5"."""


class WholeNumberField(NumberField):
    """A count, percentage or year, as an int from `min_value` to `max_value`: "17", "9,850". In place of
    Django's IntegerField, which reads "٣" as 3 and says "Enter a whole number." or "Ensure this value is less
    than or equal to 2147483647."."""

    def __init__(self, *, name: str, example: str, max_value: int, **kwargs):
        super().__init__(name=name, example=example, decimal_places=0, max_value=max_value, **kwargs)

    def to_python(self, value):
        number = super().to_python(value)
        return None if number is None else int(number)


class YearField(WholeNumberField):
    """A year a figure comes from, 1990 to 2099, typed as 4 digits: "2024"."""

    def __init__(self, *, name: str, example: str, **kwargs):
        as_digits = f"Enter {name} as 4 digits, like {example}"
        kwargs["error_messages"] = {
            "invalid": as_digits,
            "negative": as_digits,
            "too_small": f"{_capital(name)} must be 1990 or later",
            "too_big": f"{_capital(name)} must be 2099 or earlier",
        } | kwargs.get("error_messages", {})
        super().__init__(name=name, example=example, min_value=1990, max_value=2099, **kwargs)


# --- dates ------------------------------------------------------------------------------------------------
class GovDateField(DateInputField):
    """A GOV.UK date input whose messages name the date ("Deadline for bids must be a real date"), in place
    of Python's ("day is out of range for month", "year 99999 is out of range"). A date with a part left blank
    is "incomplete" ("… must include a day, month and year"), not "required", and the blank part is marked."""

    def __init__(self, *, name: str, required_message: str = "", **kwargs):
        kwargs.setdefault("require_all_fields", False)
        super().__init__(**kwargs)
        self.not_real = f"{_capital(name)} must be a real date"
        self.short_year = (
            f"{_capital(name)} must have a year with 4 numbers"  # GOV.UK: "Year must include 4 numbers"
        )
        incomplete = f"{_capital(name)} must include a day, month and year"
        self.error_messages |= {"required": required_message or f"Enter {name}", "incomplete": incomplete}
        for part in self.fields:
            part.error_messages["incomplete"] = incomplete
            for validator in part.validators:
                validator.message = self.not_real

    def compress(self, data_list):
        try:
            day = super().compress(data_list)
        except (ValidationError, OverflowError):  # OverflowError: a day of 20 digits
            raise ValidationError(self.not_real, code="invalid") from None
        if day is not None and day.year < 1000:  # "27 3 26": a real date, but not the one meant
            raise ValidationError(self.short_year, code="invalid")
        return day
