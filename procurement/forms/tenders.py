"""Forms of the tender builder: details and deadline, weights and scale, criteria, the social value split,
and the reason for withdrawing or cancelling."""

from crispy_forms_gds.layout import HTML, Field, Fixed, Fluid, Size
from django import forms

from knowsley_sv import formatting
from knowsley_sv.forms import AmountField, GovDateField, QuantityField, WholeNumberField, gds_helper

from .. import rules
from ..models import Tender


def weight_field(label: str) -> WholeNumberField:
    """One of the three weights: a whole percentage (the total of 100 is checked in rules.weight_problems)."""
    name = f"the {label.lower()} weight"
    return WholeNumberField(
        name=name,
        example="30",
        max_value=100,
        label=f"{label} (%)",
        widget=forms.TextInput(attrs={"data-points": ""}),
        error_messages={"required": f"Enter {name} as a whole percentage"},
    )


class TenderDetailsForm(forms.ModelForm):
    service_fields = {"deadline": "deadline_on"}
    deadline_on = GovDateField(
        name="the deadline for bids",
        label="Deadline for bids",
        help_text="Bids close at 12 noon on this day.",
    )
    estimated_value = AmountField(name="the estimated value", example="£250,000", label="Estimated value (£)")

    class Meta:
        model = Tender
        fields = ["title", "specification", "service_area", "estimated_value"]
        labels = {"specification": "Specification"}
        error_messages = {
            "title": {"required": "Enter the tender's title"},
            "specification": {"required": "Enter the specification"},
            "service_area": {"required": "Enter the service area, like Highways or Adult social care"},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.text("title", field_width=Fluid.TWO_THIRDS),
            Field.textarea("specification", rows=10),
            Field.text("service_area", field_width=Fluid.ONE_HALF),
            Field.text("estimated_value", field_width=Fixed.TEN),
            Field("deadline_on"),
        )


class WeightsForm(forms.ModelForm):
    price_weight = weight_field("Price")
    quality_weight = weight_field("Quality")
    social_value_weight = weight_field("Social value")
    scale = forms.ChoiceField(
        label="Which scoring scale will evaluators use?",
        widget=forms.RadioSelect,
        error_messages={"required": "Select the scoring scale"},
    )

    class Meta:
        model = Tender
        fields = [
            "price_weight",
            "quality_weight",
            "social_value_weight",
            "social_value_justification",
            "price_formula",
        ]
        labels = {
            "social_value_justification": "Why is social value under 10%? (only if it is)",
            "price_formula": "How will prices be scored?",
        }
        help_texts = {  # the model's help text says what the label already says
            "social_value_justification": (
                "Social value is weighted at least 10% unless you record a reason. It is published with "
                "the tender. Leave this empty when social value is 10% or more."
            ),
        }
        widgets = {
            "social_value_justification": forms.Textarea(attrs={"rows": 3}),
            "price_formula": forms.RadioSelect,
        }
        error_messages = {
            "price_formula": {
                "required": "Select how prices will be scored",
                "invalid_choice": "Select how prices will be scored",
            }
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["price_formula"].choices = list(Tender.PriceFormula.choices)
        self.fields["scale"].choices = [(key, label) for key, (label, _) in rules.SCORING_SCALES.items()]
        self.fields["price_formula"].help_text = (
            "Relative to the lowest: price weight × lowest price ÷ bid price. Proportional deviation: price "
            "weight × (1 − (bid − lowest) ÷ lowest), never below 0."
        )
        self.helper = gds_helper(
            HTML('<p class="govuk-body">The three weights are whole percentages that add up to 100.</p>'),
            Field.text("price_weight", field_width=Fixed.THREE),
            Field.text("quality_weight", field_width=Fixed.THREE),
            Field.text("social_value_weight", field_width=Fixed.THREE),
            HTML('<p class="govuk-body app-points-total" data-points-total hidden aria-live="polite"></p>'),
            Field.textarea("social_value_justification"),
            Field.radios("price_formula", legend_size=Size.SMALL),
            Field.radios("scale", legend_size=Size.SMALL),
        )

    def clean(self):
        cleaned = super().clean()
        weights = [cleaned.get(n) for n in ("price_weight", "quality_weight", "social_value_weight")]
        if None not in weights:
            for problem in rules.weight_problems(
                price=weights[0],
                quality=weights[1],
                social_value=weights[2],
                justification=cleaned.get("social_value_justification", ""),
            ):
                field = "social_value_justification" if "justification" in problem else "price_weight"
                self.add_error(field, problem)
        return cleaned

    def _post_clean(self):
        # The weights are checked together in clean(); the database constraints stay the backstop.
        if not self.errors:
            super()._post_clean()


class CriterionForm(forms.Form):
    title = forms.CharField(max_length=200, error_messages={"required": "Enter the criterion's title"})
    question = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the question bidders answer"},
    )
    weight = WholeNumberField(
        name="the weight",
        example="10",
        min_value=1,
        max_value=100,
        label="Weight (points of 100)",
        error_messages={
            "required": "Enter the criterion's weight",
            "too_small": "The weight must be at least 1",
        },
    )
    minimum_score = WholeNumberField(
        name="the minimum score",
        example="40",
        max_value=100,
        label="Minimum acceptable score (optional)",
        required=False,
        error_messages={"invalid": "Enter the minimum score as a whole number from 0 to 100"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.text("title", field_width=Fluid.TWO_THIRDS),
            Field.textarea("question"),
            Field.text("weight", field_width=Fixed.THREE),
            Field.text("minimum_score", field_width=Fixed.THREE),
            submit="Add criterion",
        )


class SocialValueForm(forms.Form):
    """The split across the model's outcomes, and which indicators suppliers may commit to, with targets.

    Drawn by hand in procurement/social_value_form.html (crispy-forms-gds has no checkbox that reveals a
    field): `sections` gives it each outcome with its share field and each indicator's checkbox and target.
    A target typed for an indicator left unticked is ignored, not refused: its box hides the target when it
    is unticked, so the person cannot see what they would be told to clear (GOV.UK's conditional reveal)."""

    def __init__(self, *args, outcomes, offered: dict[int, object], **kwargs):
        super().__init__(*args, **kwargs)
        self.outcomes = outcomes
        self.sections = []
        for outcome in outcomes:
            share = f"share_{outcome.number}"
            self.fields[share] = WholeNumberField(
                name=f"the share for outcome {outcome.number}",
                example="20",
                max_value=100,
                label=f"Share of the social value weight (%) for outcome {outcome.number}",
                error_messages={"required": f"Enter a share for outcome {outcome.number}, or 0"},
            )
            indicators = []
            for indicator in outcome.indicators.all():
                offer, target = f"offer_{indicator.pk}", f"target_{indicator.pk}"
                # plain text: the template escapes labels (no label here is marked safe)
                self.fields[offer] = forms.BooleanField(
                    label=formatting.with_unit(f"{indicator.code} {indicator.name}", indicator.unit),
                    required=False,
                )
                self.fields[target] = QuantityField(
                    name=f"the target for {indicator.code}",
                    example="12",
                    label=f"Target for {indicator.code} (optional)",
                    required=False,
                )
                self.initial.setdefault(offer, indicator.pk in offered)
                self.initial.setdefault(target, offered.get(indicator.pk))
                indicators.append({"indicator": indicator, "offer": self[offer], "target": self[target]})
            self.sections.append({"outcome": outcome, "share": self[share], "indicators": indicators})
        self.helper = gds_helper()  # the error summary's switch; the fields are drawn by the template

    def clean(self):
        cleaned = super().clean()
        for outcome in self.outcomes:
            for indicator in outcome.indicators.all():
                if not cleaned.get(f"offer_{indicator.pk}"):
                    # unticked: its (hidden) target is not asked for, so neither read nor checked
                    self._errors.pop(f"target_{indicator.pk}", None)
                    cleaned[f"target_{indicator.pk}"] = None
        return cleaned

    def shares(self) -> dict[int, int]:
        return {o.number: self.cleaned_data[f"share_{o.number}"] for o in self.outcomes}

    def offered(self) -> dict:
        return {
            i.pk: self.cleaned_data[f"target_{i.pk}"]
            for o in self.outcomes
            for i in o.indicators.all()
            if self.cleaned_data.get(f"offer_{i.pk}")
        }


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter the reason"},
    )

    def __init__(self, *args, submit: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(Field.textarea("reason"), submit=submit)
