"""The review pack's forms: the period and review when preparing one, superseding with a reason, and which
review meeting it was for."""

from datetime import date

from crispy_forms_gds.layout import Field, Size
from django import forms

from knowsley_sv import formatting
from knowsley_sv.forms import gds_helper
from outcomes.models import ModelReview

from .pack.period import Period
from .years import financial_year_label, financial_year_of

SINCE = "since_last_review"
YEARS_OFFERED = 5  # the financial years a pack can be prepared for: this one and the four before


def period_choices(*, today: date, last_review: date | None) -> list[tuple[str, str]]:
    """The financial years from this one back (the last complete one first), and the time since the last
    review when there is one (pure)."""
    this_year = financial_year_of(today)
    years = [this_year - 1, this_year, *range(this_year - 2, this_year - YEARS_OFFERED, -1)]
    choices = [
        (str(y), f"Financial year {financial_year_label(y)}" + (" (so far)" if y == this_year else ""))
        for y in years
    ]
    if last_review is not None and last_review < today:
        choices.append((SINCE, f"Since the last review on {formatting.day(last_review)}, to today"))
    return choices


class ReviewChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, review: ModelReview) -> str:
        return f"{formatting.day(review.held_on)}: review of version {review.model.version}"


class PackPrepareForm(forms.Form):
    period = forms.ChoiceField(
        label="What period should the pack cover?",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the period the pack should cover",
            "invalid_choice": "Select one of the periods listed",
        },
    )
    review = ReviewChoiceField(
        label="Which review meeting is it for? (optional)",
        help_text="Leave this if the meeting has not been recorded yet: you can say which it was later.",
        queryset=ModelReview.objects.none(),
        required=False,
        empty_label="Not recorded yet",
        error_messages={"invalid_choice": "Select one of the reviews listed"},
    )

    def __init__(self, *args, today: date, last_review: date | None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today, self.last_review = today, last_review
        self.fields["period"].choices = period_choices(today=today, last_review=last_review)
        self.fields["period"].initial = self.fields["period"].choices[0][0]
        self.fields["review"].queryset = ModelReview.objects.select_related("model").order_by("-held_on")
        self.helper = gds_helper(
            Field.radios("period", legend_size=Size.MEDIUM),
            Field.select("review"),
            submit="Prepare the pack",
        )

    def chosen_period(self) -> Period:
        value = self.cleaned_data["period"]
        if value == SINCE:
            return Period.since(self.last_review, self.today)
        return Period.financial_year(int(value))


class SupersedeForm(forms.Form):
    reason = forms.CharField(
        label="Why is the pack being superseded?",
        help_text="The reason is shown on the old pack and kept in the audit trail.",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": "Enter why the pack is being superseded",
            "max_length": "The reason must be 2,000 characters or fewer",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(Field.textarea("reason"), submit="Supersede the pack")


class PackReviewForm(forms.Form):
    review = ReviewChoiceField(
        label="Which review meeting was the pack for?",
        queryset=ModelReview.objects.none(),
        required=False,
        empty_label="Not recorded yet",
        error_messages={"invalid_choice": "Select one of the reviews listed"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["review"].queryset = ModelReview.objects.select_related("model").order_by("-held_on")
        self.helper = gds_helper(Field.select("review"), submit="Save")


class ConfirmForm(forms.Form):
    """A POST with nothing to fill in (approve, publish): the button is the confirmation."""

    def __init__(self, *args, submit: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(submit=submit)
