"""Forms for the delivery pages (DESIGN §6): checking a line, answering a query, rating a contract.
The delivery report itself repeats per commitment, so its page writes its GOV.UK markup by hand and uses
`parse_quantity` here."""

from decimal import Decimal

from crispy_forms_gds.layout import Field, Fixed, Size
from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import escape

from knowsley_sv import formatting
from knowsley_sv.forms import GovDateField, NumberRefused, gds_helper, parse_number

from ..models import PerformanceRating
from ..services import delivery as delivery_services

LARGEST = Decimal(10) ** 12  # DeliveryLine.quantity: 14 digits, 2 of them decimals

QUANTITY_INVALID = "Enter the quantity for {code} as a number, like 12 or 2.5"
QUANTITY_PLACES = "Enter the quantity for {code} to no more than 2 decimal places"
QUANTITY_REQUIRED = "Enter the quantity delivered for {code}"
QUANTITY_NEGATIVE = delivery_services.QUANTITY_NEGATIVE  # the service's own words, as before
QUANTITY_TOO_BIG = "The quantity for {code} must be 999,999,999,999 or less"
CHOOSE_DECISION = "Select whether to verify or query the line"
PERIOD_END_REQUIRED = "Enter the last day of the year you are rating"
PERIOD_END_NOT_REAL = "The last day of the year rated must be a real date"

EVIDENCE_ACCEPT = ",".join(sorted(delivery_services.EVIDENCE_TYPES))
EVIDENCE_HINT = (
    "PDF, PNG, JPEG, CSV, text, Word or Excel files, each 10 MB or smaller. You can choose several."
)


def parse_quantity(text: str, code: str) -> Decimal | None:
    """A quantity as people type it ("12", "2.5", "1,200"), read by the shared parse_number; None when blank.
    "1e3", another script's digits and a minus sign are refused here with a message that names the KPI."""
    if not (text or "").strip():
        return None
    try:
        return parse_number(text, pounds=False, decimal_places=2, max_value=LARGEST - 1)
    except NumberRefused as refused:
        message = {
            "places": QUANTITY_PLACES,
            "negative": QUANTITY_NEGATIVE,
            "too_big": QUANTITY_TOO_BIG,
        }.get(refused.code, QUANTITY_INVALID)
        raise ValidationError(message.format(code=code), code=refused.code) from None


def plain(value: Decimal | None) -> str:
    """A stored quantity as a person would type it: 3.00 -> "3", 2.50 -> "2.5"."""
    if value is None:
        return ""
    text = f"{value:.2f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class EvidenceFilesField(forms.FileField):
    """Any number of files (including none); the service checks their type, size and content."""

    def __init__(self, **kwargs):
        attrs = {"multiple": True, "accept": EVIDENCE_ACCEPT, "class": "govuk-file-upload"}
        kwargs.setdefault("widget", MultipleFileInput(attrs=attrs))
        super().__init__(required=False, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            return [f for f in data if f]
        return [data] if data else []


class QuantityField(forms.CharField):
    def __init__(self, *, code: str, **kwargs):
        self.code = code
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"}))
        super().__init__(**kwargs)
        self.error_messages["required"] = QUANTITY_REQUIRED.format(code=code)

    def clean(self, value):
        super().clean(value)
        return parse_quantity(value, self.code)


class LineReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label="Do the quantity and evidence hold up?",
        choices=[
            ("verify", "Verify: the evidence supports the quantity"),
            ("query", "Query: ask the supplier a question"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": CHOOSE_DECISION, "invalid_choice": CHOOSE_DECISION},
    )
    question = forms.CharField(
        label="Question for the supplier",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Only if you query the line. Say what is missing or unclear; the supplier sees this.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.radios("decision", legend_size=Size.MEDIUM),
            Field.textarea("question", rows=4),
            submit="Save the check",
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "query" and not cleaned.get("question", "").strip():
            self.add_error("question", delivery_services.QUESTION_REQUIRED)
        return cleaned


class LineAnswerForm(forms.Form):
    answer = forms.CharField(
        label="Your answer to the council's question",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": delivery_services.ANSWER_REQUIRED},
    )
    notes = forms.CharField(
        label="Evidence notes",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Leave as it is to keep the notes you gave before.",
    )
    evidence = EvidenceFilesField(label="Add evidence files", help_text=EVIDENCE_HINT)

    def __init__(self, *args, code: str, unit: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quantity"] = QuantityField(
            code=code,
            label=escape(formatting.with_unit("Quantity delivered this period", unit)),
            help_text="Correct it if the figure you reported was wrong.",
        )
        self.order_fields(["answer", "quantity", "notes", "evidence"])
        self.helper = gds_helper(
            Field.textarea("answer", rows=5),
            Field.text("quantity", field_width=Fixed.TEN),
            Field.textarea("notes", rows=4),
            Field("evidence"),
            submit="Send your answer",
        )


class RatingForm(forms.Form):
    period_end = GovDateField(
        name="the last day of the year rated",
        required_message=PERIOD_END_REQUIRED,
        label="Last day of the year rated",
        help_text="For example, 31 3 2028. Record a rating at least once a year.",
    )
    rating = forms.ChoiceField(
        label="How has the supplier performed?",
        choices=PerformanceRating.Rating.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": delivery_services.RATING_REQUIRED,
            "invalid_choice": delivery_services.RATING_REQUIRED,
        },
    )
    notes = forms.CharField(
        label="Why this rating",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="The evidence for it, in plain words. The supplier can see this.",
        error_messages={"required": delivery_services.RATING_NOTES_REQUIRED},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field("period_end"),
            Field.radios("rating", legend_size=Size.MEDIUM),
            Field.textarea("notes", rows=5),
            submit="Record the rating",
        )
