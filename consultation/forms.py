from crispy_forms_gds.layout import HTML, Field, Fixed, Fluid, Size
from django import forms
from django.utils import timezone
from django.utils.html import escape
from django.utils.text import slugify

from knowsley_sv.forms import GovDateField, WholeNumberField, YearField, gds_helper
from outcomes.models import Outcome, SocialValueModel, Ward

from . import rules
from .models import Consultation, Response, WardPopulation

RUNNING_TOTAL = (
    '<p class="govuk-body app-points-total" data-points-total="points" hidden aria-live="polite"></p>'
)
# The six boxes are one question: a fieldset whose legend asks it, carrying the total's error (GOV.UK's
# error message pattern for a group), so a screen reader following the summary's link hears it there.
POINTS_LEGEND = "How many points do you give each outcome?"


def points_fieldset_open(legend: str) -> HTML:
    return HTML(
        '<div class="govuk-form-group{% if form.non_field_errors %} govuk-form-group--error{% endif %}">'
        '<fieldset class="govuk-fieldset" id="points"'
        '{% if form.non_field_errors %} aria-describedby="points-error"{% endif %}>'
        f'<legend class="govuk-fieldset__legend govuk-fieldset__legend--m">{legend}</legend>'
        '{% if form.non_field_errors %}<p id="points-error" class="govuk-error-message">'
        "{% for error in form.non_field_errors %}"
        '<span class="govuk-visually-hidden">Error:</span> {{ error }}'
        "{% endfor %}</p>{% endif %}"
    )


POINTS_FIELDSET_CLOSE = "</fieldset></div>"
HONEYPOT_FILLED = "Sorry, we could not accept this form. Please try again."
COMMENT_MAX = 2000
COMMENT_TOO_LONG = "Keep your answer under 2,000 characters"
SELECT_CONSENT = "Select yes if we may quote your words without your name"
SELECT_WARD = "Select the ward where you live, or prefer not to say"
ENTER_VALID_EMAIL = "Enter an email address in the correct format, like name@example.com"
CLOSE_AFTER_OPEN = "The closing date must be after the opening date"
SLUG_TAKEN = "Another consultation already uses this web address"
PUBLISH_NEEDS_TEXT = "Enter the comment as it should be published"
HIDE_NEEDS_REASON = "Enter why the comment is hidden"
SELECT_DECISION = "Select whether to publish or hide the comment"
PREFER_NOT = ""


class HoneypotMixin:
    """A field people never see or fill; bots that fill every field are refused."""

    honeypot_name = "website"

    def add_honeypot(self):
        self.fields[self.honeypot_name] = forms.CharField(
            required=False,
            label="Leave this empty",
            widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
        )

    def clean_website(self):
        if self.cleaned_data.get(self.honeypot_name):
            raise forms.ValidationError(HONEYPOT_FILLED)
        return ""


def points_input(attrs: dict) -> forms.TextInput:
    """A points box with GOV.UK's "points" suffix (crispy-forms-gds has none). Still a TextInput, which is
    how crispy-forms-gds knows to style it; the template is in the app's templates folder because Django's
    form renderer looks there, not in the project's."""
    widget = forms.TextInput(attrs=attrs)
    widget.template_name = "consultation/widgets/points_input.html"
    return widget


class AllocationForm(HoneypotMixin, forms.Form):
    def __init__(self, *args, outcomes: list[Outcome], **kwargs):
        super().__init__(*args, **kwargs)
        self.outcomes = outcomes
        layout = []
        for outcome in outcomes:
            name = f"points_{outcome.number}"
            self.fields[name] = forms.CharField(
                label=escape(f"Outcome {outcome.number}: {outcome.title}"),
                help_text=escape(outcome.description),
                required=False,
                max_length=5,
                widget=points_input(
                    attrs={
                        "inputmode": "numeric",
                        "spellcheck": "false",
                        "autocomplete": "off",
                        "data-points": "",
                    }
                ),
            )
            layout.append(Field.text(name, field_width=Fixed.THREE, label_size=Size.SMALL))
        self.add_honeypot()
        self.helper = gds_helper(
            points_fieldset_open(POINTS_LEGEND),
            *layout,
            HTML(RUNNING_TOTAL),
            HTML(POINTS_FIELDSET_CLOSE),
            HTML('<div class="app-honeypot" aria-hidden="true">'),
            Field.text(self.honeypot_name),
            HTML("</div>"),
            submit="Continue",
        )

    def clean(self):
        cleaned = super().clean()
        typed = {o.number: cleaned.get(f"points_{o.number}") for o in self.outcomes}
        problems = rules.allocation_problems(typed)
        for number, message in problems.items():
            self.add_error(f"points_{number}" if number else None, message)
        if not problems:
            cleaned["points"] = {n: rules.parse_points(v) for n, v in typed.items()}
        return cleaned


class CommentsForm(forms.Form):
    def __init__(self, *args, outcomes: list[Outcome], **kwargs):
        super().__init__(*args, **kwargs)
        self.outcomes = outcomes
        layout = []
        for outcome in outcomes:
            name = f"comment_{outcome.number}"
            self.fields[name] = forms.CharField(
                label=escape(f"Outcome {outcome.number}: {outcome.title}"),
                help_text="What would this look like where you live? (optional)",
                required=False,
                max_length=COMMENT_MAX,
                error_messages={"max_length": COMMENT_TOO_LONG},
                widget=forms.Textarea(attrs={"rows": 3}),
            )
            layout.append(Field.textarea(name, label_size=Size.SMALL))
        self.fields["missing"] = forms.CharField(
            label="Is anything missing from the six outcomes? (optional)",
            required=False,
            max_length=COMMENT_MAX,
            error_messages={"max_length": COMMENT_TOO_LONG},
            widget=forms.Textarea(attrs={"rows": 4}),
        )
        layout.append(Field.textarea("missing", label_size=Size.SMALL))
        self.helper = gds_helper(*layout, submit="Continue")

    def answers(self) -> dict:
        return {
            "comments": {o.number: self.cleaned_data[f"comment_{o.number}"] for o in self.outcomes},
            "missing": self.cleaned_data["missing"],
        }


class AboutYouForm(HoneypotMixin, forms.Form):
    ward = forms.ChoiceField(
        label="Which ward do you live in?",
        help_text="We use this to check that every part of the borough is heard.",
        widget=forms.RadioSelect,
        error_messages={"required": SELECT_WARD, "invalid_choice": SELECT_WARD},
    )
    age_band = forms.ChoiceField(
        label="What is your age? (optional)",
        required=False,
        widget=forms.RadioSelect,
        choices=[*Response.AgeBand.choices, (PREFER_NOT, "Prefer not to say")],
    )
    connections = forms.MultipleChoiceField(
        label="Do you live, work, run a business or volunteer in Knowsley? (optional)",
        help_text="Select all that apply.",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[
            ("lives", "I live in Knowsley"),
            ("works", "I work in Knowsley"),
            ("business", "I run a business in Knowsley"),
            ("volunteers", "I volunteer in Knowsley"),
        ],
    )
    consent_to_quote = forms.TypedChoiceField(
        label="May we quote your words in our reports, without your name?",
        help_text="A board member reads every comment first and removes anything that could identify you.",
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": SELECT_CONSENT},
    )

    def __init__(self, *args, wards: list[tuple[int, str]] | None = None, **kwargs):
        """`wards`: (id, name) in name order, when the caller has them (read from the database when not)."""
        super().__init__(*args, **kwargs)
        if wards is None:
            wards = list(Ward.objects.values_list("pk", "name"))
        self.fields["ward"].choices = [(str(pk), name) for pk, name in wards] + [
            ("none", "Prefer not to say")
        ]
        self.add_honeypot()
        self.helper = gds_helper(
            Field.radios("ward", legend_size=Size.SMALL, small=True),
            Field.radios("age_band", legend_size=Size.SMALL, small=True),
            Field.checkboxes("connections", legend_size=Size.SMALL, small=True),
            Field.radios("consent_to_quote", legend_size=Size.SMALL, inline=True),
            HTML('<div class="app-honeypot" aria-hidden="true">'),
            Field.text(self.honeypot_name),
            HTML("</div>"),
            submit="Continue",
        )

    def answers(self) -> dict:
        data = self.cleaned_data
        return {
            "ward_id": None if data["ward"] == "none" else int(data["ward"]),
            "age_band": data["age_band"],
            "connections": list(data["connections"]),
            "consent_to_quote": data["consent_to_quote"],
        }


class UpdatesForm(forms.Form):
    email = forms.EmailField(
        label="Email address (optional)",
        help_text="Only if you want to hear what the board decides. We keep it apart from your answers.",
        required=False,
        error_messages={"invalid": ENTER_VALID_EMAIL},
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )


class CheckAnswersForm(HoneypotMixin, UpdatesForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_honeypot()
        self.helper = gds_helper(
            Field.text("email", field_width=Fluid.TWO_THIRDS),
            HTML('<div class="app-honeypot" aria-hidden="true">'),
            Field.text(self.honeypot_name),
            HTML("</div>"),
            submit="Send my answers",
        )


class ReceiptForm(forms.Form):
    receipt_code = forms.CharField(
        label="Your receipt code",
        help_text="It is 10 letters and numbers, for example K7P2MX9QRT.",
        max_length=20,
        error_messages={"required": "Enter your receipt code"},
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(Field.text("receipt_code", field_width=Fixed.TEN), submit="Find my response")


class OfficerResponseForm(AllocationForm):
    """Paper and event responses, keyed by an officer through the same rules as online answers."""

    def __init__(self, *args, outcomes: list[Outcome], opens_on=None, **kwargs):
        super().__init__(*args, outcomes=outcomes, **kwargs)
        self.opens_on = opens_on
        del self.fields[self.honeypot_name]
        self.fields["channel"] = forms.ChoiceField(
            label="How was the response given?",
            choices=[(Response.Channel.PAPER, "Paper form"), (Response.Channel.EVENT, "At an event")],
            widget=forms.RadioSelect,
            error_messages={"required": "Select whether the response was on paper or at an event"},
        )
        self.fields["received_on"] = GovDateField(
            name="the date the response was received",
            label="Date received",
            help_text="For example, 27 3 2026",
        )
        comments = CommentsForm(outcomes=outcomes)
        about = AboutYouForm()
        for name in [*(f"comment_{o.number}" for o in outcomes), "missing"]:
            self.fields[name] = comments.fields[name]
        for name in ("ward", "age_band", "connections", "consent_to_quote"):
            self.fields[name] = about.fields[name]
        self.fields["ward"].label = "Ward"
        self.fields["consent_to_quote"].label = "Did they agree to be quoted without their name?"
        self.helper = gds_helper(
            Field.radios("channel", legend_size=Size.SMALL, inline=True),
            Field("received_on"),
            points_fieldset_open("Points"),
            *(
                Field.text(f"points_{o.number}", field_width=Fixed.THREE, label_size=Size.SMALL)
                for o in outcomes
            ),
            HTML(POINTS_FIELDSET_CLOSE),
            HTML('<h2 class="govuk-heading-m">Comments</h2>'),
            *(Field.textarea(f"comment_{o.number}", label_size=Size.SMALL, rows=2) for o in outcomes),
            Field.textarea("missing", label_size=Size.SMALL, rows=2),
            HTML('<h2 class="govuk-heading-m">About them</h2>'),
            Field.select("ward"),
            Field.radios("age_band", legend_size=Size.SMALL, small=True),
            Field.checkboxes("connections", legend_size=Size.SMALL, small=True),
            Field.radios("consent_to_quote", legend_size=Size.SMALL, inline=True),
            submit="Save response",
        )
        # A select must not quietly default to the first ward: an officer picks one, or "prefer not to say".
        self.fields["ward"].choices = [("", "Select the ward"), *self.fields["ward"].choices]
        self.fields["ward"].widget = forms.Select(choices=self.fields["ward"].choices)

    def clean_received_on(self):
        received = self.cleaned_data["received_on"]
        if received > timezone.localdate():
            raise forms.ValidationError("The date received cannot be in the future")
        if self.opens_on and received < self.opens_on:
            raise forms.ValidationError(
                f"The date received cannot be before the consultation opened ({self.opens_on:%-d %B %Y})"
            )
        return received


class ConsultationForm(forms.ModelForm):
    opens_on = GovDateField(
        name="the opening date",
        required_message="Enter the date it opens",
        label="Opens on",
        help_text="It opens at the start of this day. For example, 1 3 2027",
    )
    closes_on = GovDateField(
        name="the closing date",
        required_message="Enter the date it closes",
        label="Closes on",
        help_text="It closes at the end of this day (11:59pm).",
    )

    class Meta:
        model = Consultation
        fields = ["title", "slug", "summary", "how_answers_are_used", "model"]
        labels = {
            "slug": "Web address",
            "summary": "What is proposed, and why",
            "how_answers_are_used": "How answers will be used",
            "model": "Version of the model it informs",
        }
        help_texts = {"slug": "Lower-case letters, numbers and hyphens, for example priorities-2027"}
        error_messages = {
            "title": {"required": "Enter a title"},
            "slug": {
                "required": "Enter a web address",
                "invalid": "Use only lower-case letters, numbers and hyphens",
            },
            "summary": {"required": "Enter what is proposed and why"},
            "how_answers_are_used": {"required": "Enter how answers will be used"},
            "model": {"required": "Select the version of the model"},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["model"].queryset = SocialValueModel.objects.exclude(
            status=SocialValueModel.Status.SUPERSEDED
        )
        self.fields["model"].empty_label = None
        if self.instance.pk:
            self.initial.setdefault("opens_on", timezone.localtime(self.instance.opens_at).date())
            self.initial.setdefault("closes_on", timezone.localtime(self.instance.closes_at).date())
        self.helper = gds_helper(
            Field.text("title", field_width=Fluid.TWO_THIRDS),
            Field.text("slug", field_width=Fluid.ONE_HALF),
            Field.textarea("summary", rows=5),
            Field.textarea("how_answers_are_used", rows=4),
            Field.select("model"),
            Field("opens_on"),
            Field("closes_on"),
            submit="Save consultation",
        )

    def clean_slug(self):
        slug = slugify(self.cleaned_data["slug"])
        if Consultation.objects.filter(slug=slug).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(SLUG_TAKEN)
        return slug

    def clean(self):
        cleaned = super().clean()
        opens, closes = cleaned.get("opens_on"), cleaned.get("closes_on")
        if opens and closes and closes < opens:
            self.add_error("closes_on", CLOSE_AFTER_OPEN)
        return cleaned


class ModerationForm(forms.Form):
    decision = forms.ChoiceField(
        label="What should happen to this comment?",
        choices=[("publish", "Publish it"), ("hide", "Hide it")],
        widget=forms.RadioSelect,
        error_messages={"required": SELECT_DECISION},
    )
    published_text = forms.CharField(
        label="Text to publish",
        help_text="Remove names, addresses and anything else that could identify someone.",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    hidden_reason = forms.CharField(
        label="Why is it hidden?", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.radios("decision", legend_size=Size.SMALL, inline=True),
            Field.textarea("published_text"),
            Field.textarea("hidden_reason"),
            submit="Save decision",
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "publish" and not cleaned.get("published_text", "").strip():
            self.add_error("published_text", PUBLISH_NEEDS_TEXT)
        if cleaned.get("decision") == "hide" and not cleaned.get("hidden_reason", "").strip():
            self.add_error("hidden_reason", HIDE_NEEDS_REASON)
        return cleaned


class BoardResponseForm(forms.Form):
    text = forms.CharField(
        label="You said, we did",
        help_text="What residents told the board, and what the board will do about it.",
        widget=forms.Textarea(attrs={"rows": 10}),
        error_messages={"required": "Enter the board's response"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(Field.textarea("text"), submit="Publish the response")


class WardPopulationForm(forms.ModelForm):
    population = WholeNumberField(
        name="the population",
        example="9850",
        min_value=1,
        max_value=2_147_483_647,  # a PositiveIntegerField on every database
        label="Population",
        required=False,
        error_messages={"too_small": "The population must be 1 or more"},
    )
    year = YearField(name="the year", example="2024", label="Year of the estimate", required=False)

    class Meta:
        model = WardPopulation
        fields = ["population", "year", "source"]
        labels = {"source": "Source"}
        help_texts = {"source": "For example ONS mid-year ward population estimates"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.text("population", field_width=Fixed.TEN),
            Field.text("year", field_width=Fixed.FOUR),
            Field.text("source", field_width=Fluid.TWO_THIRDS),
            submit="Save figure",
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("population") is not None:
            if not cleaned.get("year"):
                self.add_error("year", "Enter the year of the estimate")
            if not cleaned.get("source"):
                self.add_error("source", "Enter where the figure comes from")
        return cleaned
