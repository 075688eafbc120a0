from collections.abc import Callable

from crispy_forms_gds.layout import Field, Fixed, Fluid, Size
from django import forms
from django.db.models import F, Prefetch, QuerySet

from knowsley_sv.forms import AmountField, GovDateField, WholeNumberField, YearField, gds_helper
from knowsley_sv.models import User
from knowsley_sv.roles import Role

from .models import BoardMembership, Indicator, ModelReview, Organisation, Outcome, ReviewAction, Ward
from .services import INDICATOR_FIELDS

PROXY_NEEDS_SOURCE = "Enter where the proxy value comes from"
PROXY_NEEDS_YEAR = "Enter the edition year of the proxy value's source"
PROXY_NEEDS_LICENCE = "Enter the licence of the proxy value's source"
CODE_TAKEN = "Another indicator of this outcome already has the code {code}"
LOCAL_NEEDS_BASIS = "Select how you know the organisation is local"
BASIS_WITHOUT_LOCAL = "Only give a basis for an organisation that is local to Knowsley"
ATTENDEES_NOT_BOARD = "Select only board members as attendees"


class ModelStatementForm(forms.Form):
    title = forms.CharField(max_length=200, error_messages={"required": "Enter the title of the model"})
    statement = forms.CharField(
        label="Statement on social value",
        widget=forms.Textarea(attrs={"rows": 10}),
        error_messages={"required": "Enter the statement on social value"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.text("title", field_width=Fluid.TWO_THIRDS), Field.textarea("statement"), submit="Save"
        )


class OutcomeForm(forms.ModelForm):
    default_share = WholeNumberField(
        name="the default share",
        example="17",
        max_value=100,
        label="Default share of the social value weight (%)",
        error_messages={
            "required": "Enter the default share as a whole percentage from 0 to 100",
            "negative": "The default share must be 0% or more",
            "too_big": "The default share must be 100% or less",
        },
    )

    class Meta:
        model = Outcome
        fields = ["title", "description", "pillar", "default_share"]
        error_messages = {
            "title": {"required": "Enter the outcome's title"},
            "pillar": {"required": "Select the outcome's pillar"},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[
            "default_share"
        ].help_text = "Shares of all six outcomes must add up to 100 before adoption."
        self.helper = gds_helper(
            Field.textarea("title", rows=2),
            Field.textarea("description", rows=4),
            Field.radios("pillar", inline=True, legend_size=Size.SMALL),
            Field.text("default_share", field_width=Fixed.THREE),
            submit="Save outcome",
        )


class IndicatorForm(forms.ModelForm):
    proxy_value = AmountField(
        name="the proxy value",
        example="£245.00",
        max_digits=12,  # Indicator.proxy_value
        label="Financial proxy (£ per unit), optional",
        required=False,
    )
    proxy_year = YearField(
        name="the edition year", example="2021", label="Edition year of the source", required=False
    )

    class Meta:
        model = Indicator
        fields = list(INDICATOR_FIELDS)
        labels = {
            "name": "Indicator",
            "proxy_source": "Source of the proxy value",
            "proxy_licence": "Licence of the source",
            "proxy_illustrative": "This is an illustrative figure for demonstrations only",
        }
        help_texts = {
            "proxy_licence": "For example Open Government Licence v3.0. Never National TOMs or HACT values.",
        }
        error_messages = {
            "code": {"required": "Enter a code for the indicator, like 1.6"},
            "name": {"required": "Enter what the indicator measures"},
            "unit": {"required": "Enter the unit, like people, hours or tonnes CO2e"},
            "evidence": {"required": "Enter the evidence a supplier must keep"},
        }

    def __init__(self, *args, outcome: Outcome, **kwargs):
        super().__init__(*args, **kwargs)
        self.outcome = outcome
        self.helper = gds_helper(
            Field.text("code", field_width=Fixed.FIVE),
            Field.textarea("name", rows=2),
            Field.text("unit", field_width=Fluid.ONE_HALF),
            Field.textarea("evidence", rows=3),
            Field.textarea("guidance", rows=3),
            Field.text("proxy_value", field_width=Fixed.TEN),
            Field.text("proxy_source", field_width=Fluid.FULL),
            Field.text("proxy_year", field_width=Fixed.FOUR),
            Field.text("proxy_licence", field_width=Fluid.TWO_THIRDS),
            Field.checkbox("proxy_illustrative", small=True),
            submit="Save indicator",
        )

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        taken = Indicator.objects.filter(outcome=self.outcome, code=code).exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(CODE_TAKEN.format(code=code))
        return code

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("proxy_value") is not None:
            for field, message in (
                ("proxy_source", PROXY_NEEDS_SOURCE),
                ("proxy_year", PROXY_NEEDS_YEAR),
                ("proxy_licence", PROXY_NEEDS_LICENCE),
            ):
                if not cleaned.get(field) and field not in self.errors:
                    self.add_error(field, message)
        return cleaned

    def _post_clean(self):
        self.instance.outcome = self.outcome
        super()._post_clean()


class AdoptForm(forms.Form):
    change_summary = forms.CharField(
        label="What changed from the adopted version, and why",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Say what changed and why, so residents and suppliers can follow it"},
    )
    confirm = forms.BooleanField(
        label="I confirm the board agreed to adopt this version",
        error_messages={"required": "Confirm that the board agreed to adopt this version"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.textarea("change_summary"), Field.checkbox("confirm"), submit="Adopt this version"
        )


class AttendeeField(forms.ModelMultipleChoiceField):
    """Board members by name and the organisation they sit for: the record says who came for whom."""

    def label_from_instance(self, user) -> str:
        memberships = getattr(user, "memberships_newest_first", [])
        return f"{user} ({memberships[0].organisation.name})" if memberships else str(user)


# The consultations a review can cite belong to an app above outcomes, which outcomes may not import
# (STYLE.md): consultation hands them over in its AppConfig.ready(), as the closed consultations to choose
# from and those whose split the board adopted since the last review (ticked to start with).
_REVIEW_CONSULTATIONS: dict[str, Callable[[], QuerySet]] = {}


def register_review_consultations(
    *, closed: Callable[[], QuerySet], adopted_since_review: Callable[[], QuerySet]
) -> None:
    _REVIEW_CONSULTATIONS.update(closed=closed, adopted_since_review=adopted_since_review)


class ReviewForm(forms.ModelForm):
    held_on = GovDateField(
        name="the date of the review meeting",
        label="Date of the review meeting",
        help_text="For example, 27 3 2026",
    )
    attendees = AttendeeField(
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Select the board members who attended",
            "invalid_choice": ATTENDEES_NOT_BOARD,
        },
    )

    consultations = forms.ModelMultipleChoiceField(
        label="Consultations considered (optional)",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = ModelReview
        fields = ["held_on", "attendees", "consultations", "evidence", "findings", "decisions", "result"]
        widgets = {"result": forms.RadioSelect}
        labels = {"result": "What did the board decide about the model?"}
        error_messages = {
            "evidence": {"required": "Enter the evidence the board considered"},
            "findings": {"required": "Enter what the board found"},
            "decisions": {"required": "Enter what the board decided"},
            "result": {"required": "Select whether the model was kept or a new draft started"},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = (
            User.objects.filter(groups__name=Role.BOARD_MEMBER, is_active=True)
            .prefetch_related(
                Prefetch(
                    "board_memberships",
                    # the organisation they sit for now, else the one they sat for last
                    queryset=BoardMembership.objects.select_related("organisation").order_by(
                        F("ended_on").desc(nulls_first=True), "-started_on", "-pk"
                    ),
                    to_attr="memberships_newest_first",
                )
            )
            .order_by("first_name", "last_name")
        )
        # A required choice has no blank option: without this the radios begin with "---------".
        self.fields["result"].choices = ModelReview.Result.choices
        self.fields["consultations"].queryset = _REVIEW_CONSULTATIONS["closed"]()
        if not self.is_bound:
            # Consultations whose split the board adopted since the last review are evidence for this one.
            self.initial.setdefault("consultations", list(_REVIEW_CONSULTATIONS["adopted_since_review"]()))
        self.helper = gds_helper(
            Field("held_on"),
            Field.checkboxes("attendees", small=True, legend_size=Size.SMALL),
            Field.checkboxes("consultations", small=True, legend_size=Size.SMALL),
            Field.textarea("evidence", rows=4),
            Field.textarea("findings", rows=4),
            Field.textarea("decisions", rows=4),
            Field.radios("result", legend_size=Size.SMALL),
            submit="Record review",
        )


class OrganisationForm(forms.ModelForm):
    website = forms.URLField(
        label="Website (optional)",
        required=False,
        assume_scheme="https",
        error_messages={"invalid": "Enter the website address in full, like https://www.example.org"},
    )

    class Meta:
        model = Organisation
        fields = ["name", "sector", "size", "is_local", "local_basis", "postcode", "ward", "website"]
        widgets = {"sector": forms.RadioSelect, "size": forms.RadioSelect, "local_basis": forms.RadioSelect}
        labels = {
            "is_local": "The organisation is local to Knowsley",
            "local_basis": "How do you know it is local? (if it is)",
            "postcode": "Postcode (optional)",
            "ward": "Ward (optional)",
        }
        error_messages = {
            "name": {
                "required": "Enter the organisation's name",
                "unique": "An organisation with this name already exists",
            },
            "sector": {"required": "Select the organisation's sector"},
            "size": {"required": "Select the organisation's size"},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ward"].queryset = Ward.objects.all()
        self.fields["ward"].empty_label = "Not in Knowsley, or not known"
        self.fields["local_basis"].choices = list(Organisation.LocalBasis.choices)
        self.fields["local_basis"].required = False
        self.helper = gds_helper(
            Field.text("name", field_width=Fluid.TWO_THIRDS),
            Field.radios("sector", legend_size=Size.SMALL, small=True),
            Field.radios("size", legend_size=Size.SMALL, small=True),
            Field.checkbox("is_local", small=True),
            Field.radios("local_basis", legend_size=Size.SMALL, small=True),
            Field.text("postcode", field_width=Fixed.TEN),
            Field.select("ward"),
            Field.text("website", field_width=Fluid.TWO_THIRDS),
            submit="Save organisation",
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("is_local") and not cleaned.get("local_basis"):
            self.add_error("local_basis", LOCAL_NEEDS_BASIS)
        if not cleaned.get("is_local") and cleaned.get("local_basis"):
            self.add_error("local_basis", BASIS_WITHOUT_LOCAL)
        if "postcode" in cleaned:
            cleaned["postcode"] = cleaned["postcode"].strip().upper()
        return cleaned


class BoardMembershipForm(forms.ModelForm):
    started_on = GovDateField(
        name="the date they joined the board",
        label="Date they joined the board",
        help_text="For example, 1 4 2026",
    )

    class Meta:
        model = BoardMembership
        fields = ["person", "board_role", "started_on"]
        widgets = {"board_role": forms.RadioSelect}
        labels = {"person": "Person", "board_role": "Role on the board"}
        error_messages = {
            "person": {"required": "Select the person joining the board"},
            "board_role": {"required": "Select their role on the board"},
        }

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.fields["person"].queryset = User.objects.filter(is_active=True).order_by(
            "first_name", "last_name"
        )
        self.helper = gds_helper(
            Field.select("person"),
            Field.radios("board_role", legend_size=Size.SMALL, small=True, inline=True),
            Field("started_on"),
            submit="Add to the board",
        )

    def _post_clean(self):
        self.instance.organisation = self.organisation
        super()._post_clean()


class EndMembershipForm(forms.Form):
    ended_on = GovDateField(
        name="the date they left the board",
        label="Date they left the board",
        help_text="For example, 31 3 2027",
    )

    def __init__(self, *args, started_on, **kwargs):
        super().__init__(*args, **kwargs)
        self.started_on = started_on
        self.helper = gds_helper(Field("ended_on"), submit="End membership")

    def clean_ended_on(self):
        ended_on = self.cleaned_data["ended_on"]
        if ended_on < self.started_on:
            raise forms.ValidationError(
                f"The date they left must be on or after the date they joined ({self.started_on:%-d %B %Y})"
            )
        return ended_on


class ReviewActionForm(forms.ModelForm):
    due_on = GovDateField(
        name="the date it is due", label="Date it is due", help_text="For example, 31 3 2027"
    )

    class Meta:
        model = ReviewAction
        fields = ["action", "owner", "due_on", "status"]
        widgets = {"action": forms.Textarea(attrs={"rows": 3}), "status": forms.RadioSelect}
        labels = {"action": "Action", "owner": "Organisation that owns it", "status": "Status"}
        help_texts = {"action": "What the board agreed will be done, in a sentence or two"}
        error_messages = {
            "action": {
                "required": "Enter the action the board agreed",
                "max_length": "The action must be 500 characters or fewer",
            },
            "owner": {"required": "Select the organisation that owns the action"},
            "status": {"required": "Select how the action stands"},
        }

    def __init__(self, *args, review: ModelReview, **kwargs):
        super().__init__(*args, **kwargs)
        self.review = review
        self.fields["owner"].queryset = Organisation.objects.order_by("name")
        self.helper = gds_helper(
            Field.textarea("action"),
            Field.select("owner"),
            Field("due_on"),
            Field.radios("status", legend_size=Size.SMALL, small=True),
            submit="Save the action",
        )

    def _post_clean(self):
        self.instance.review = self.review
        super()._post_clean()
