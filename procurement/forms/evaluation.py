"""Forms for evaluation: the evaluator's declaration, adding an evaluator to the panel, and the consensus
scores of moderation."""

from crispy_forms_gds.layout import Field
from django import forms
from django.core.exceptions import ValidationError

from knowsley_sv.forms import gds_helper
from knowsley_sv.models import User
from knowsley_sv.roles import Role

from ..models import Tender
from ..services import evaluation as evaluation_services

CHOOSE_DECLARATION = "Select whether you have a conflict of interest"
CHOOSE_EVALUATOR = "Choose the evaluator to add to the panel."
NOT_AN_EVALUATOR_CHOICE = (
    "Choose someone from the list: only people with the Evaluator role who are not yet on the panel "
    "can be added."
)
CHOOSE_FROM_SCALE = "{label}: choose one of the scores on the tender's scale."


class DeclarationForm(forms.Form):
    conflict = forms.ChoiceField(
        label="Do you have a conflict of interest with any of these organisations?",
        choices=[("no", "I have no conflict of interest"), ("yes", "I have a conflict of interest")],
        widget=forms.RadioSelect,
        error_messages={"required": CHOOSE_DECLARATION, "invalid_choice": CHOOSE_DECLARATION},
    )
    details = forms.CharField(
        label="Describe the conflict",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Which organisation, and your connection with it: for example, a relative works there.",
    )


class EvaluatorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        full = obj.get_full_name()
        return f"{full} ({obj.username})" if full else obj.username


class PanelAddForm(forms.Form):
    evaluator = EvaluatorChoiceField(
        queryset=User.objects.none(),
        label="Evaluator",
        empty_label="Choose an evaluator",
        help_text="People with the Evaluator role who are not on this tender's panel yet.",
        error_messages={"required": CHOOSE_EVALUATOR, "invalid_choice": NOT_AN_EVALUATOR_CHOICE},
    )

    def __init__(self, *args, tender: Tender, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evaluator"].queryset = (
            User.objects.filter(groups__name=Role.EVALUATOR, is_active=True)
            .exclude(panel_seats__tender=tender)
            .order_by("first_name", "last_name", "username")
        )
        self.helper = gds_helper(Field.select("evaluator"), submit="Add to the panel")


class ModerationForm(forms.Form):
    """The consensus score (a point of the tender's scale) and rationale for each line of one bid.

    Rendered by hand (repeating rows); the service decides what is complete enough to save."""

    def __init__(self, *args, lines, scale, **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = lines
        choices = [(str(p.value), p.label) for p in scale]
        for line in lines:
            self.fields[f"score_{line.key}"] = forms.ChoiceField(
                choices=choices,
                required=False,
                label=f"Consensus score for {line.label}",
                error_messages={"invalid_choice": CHOOSE_FROM_SCALE.format(label=line.label)},
            )
            self.fields[f"rationale_{line.key}"] = forms.CharField(
                required=False, label="Rationale", widget=forms.Textarea
            )

    def entries(self) -> dict[str, tuple[int | None, str]]:
        data = self.cleaned_data
        return {
            line.key: (
                int(data[f"score_{line.key}"]) if data.get(f"score_{line.key}") else None,
                data.get(f"rationale_{line.key}", ""),
            )
            for line in self.lines
        }

    def add_service_errors(self, error: ValidationError) -> None:
        """The service's messages name the line ("Q1 Delivery: enter the rationale ..."): put each on that
        line's rationale or score, and the rest above the form."""
        for message in error.messages:
            line = next((ln for ln in self.lines if message.startswith(f"{ln.label}:")), None)
            if line is None:
                self.add_error(None, message)
            elif message == evaluation_services.RATIONALE_REQUIRED.format(label=line.label):
                self.add_error(f"rationale_{line.key}", message)
            else:
                self.add_error(f"score_{line.key}", message)

    def summary(self) -> list[tuple[str, str]]:
        """(field id, message) for the error summary, in the order of the page."""
        items = [("", message) for message in self.non_field_errors()]
        for line in self.lines:
            for name in (f"score_{line.key}", f"rationale_{line.key}"):
                items += [(name, message) for message in self.errors.get(name, [])]
        return items
