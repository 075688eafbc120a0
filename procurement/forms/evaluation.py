"""Forms for evaluation: the evaluator's declaration, adding an evaluator to the panel, and the line scores
of one bid that the evaluator's scoring and the commissioner's moderation share."""

from dataclasses import dataclass

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


class ErrorSummaryMixin:
    """For a form its page draws by hand: (field id, message) for the error summary, the form's own errors
    first, then each field's in the order of the fields (the order of the page)."""

    def summary(self) -> list[tuple[str, str]]:
        items = [("", message) for message in self.non_field_errors()]
        for name in self.fields:
            items += [(name, message) for message in self.errors.get(name, [])]
        return items


class DeclarationForm(ErrorSummaryMixin, forms.Form):
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


@dataclass(frozen=True)
class LineScoreWords:
    """What a line-scores page calls its parts: the text that goes with a score ("justification" or
    "rationale", also its field's prefix and the service's key), the fieldset's legend, the text's label and
    each scale point's label. "{label}" is the line's; a point's label has its "{value}" and "{label}"."""

    text: str
    legend: str
    legend_hidden: str  # read out after the legend, not shown
    text_label: str
    text_hidden: str  # read out after the text's label, not shown
    option: str
    numbered_hints: bool  # each point's hint id: score_<key>-<n>-hint, or else the point's id + "-hint"
    off_scale: str = ""  # refused here, naming the line; "" leaves a value off the scale to the service


SCORE_WORDS = LineScoreWords(
    text=evaluation_services.JUSTIFICATION,
    legend="Your score for {label}",
    legend_hidden="",
    text_label="Justification",
    text_hidden=" for your score for {label}",
    option="{value}: {label}",
    numbered_hints=False,
)
CONSENSUS_WORDS = LineScoreWords(
    text=evaluation_services.RATIONALE,
    legend="Consensus score",
    legend_hidden=" for {label}",
    text_label="Rationale",
    text_hidden=" for {label}",
    option="{value} {label}",
    numbered_hints=True,
    off_scale=CHOOSE_FROM_SCALE,
)


class ScaleScoreField(forms.Field):
    """A point of the tender's scale, as a radio posts it: a whole number, or None when none is chosen.

    With `off_scale`, anything but a point of the scale is refused with that message. Without, anything
    but 1 to 3 ASCII digits is no score (str.isdigit() is true of "٣", read as 3, and of "²", which int()
    refuses), and the service refuses a number off the scale."""

    def __init__(self, *, scale: list[int], off_scale: str = "", **kwargs):
        self.scale, self.off_scale = scale, off_scale
        super().__init__(required=False, **kwargs)

    def typed(self, value) -> str:
        """The value as the page keeps it, to check its radio again."""
        text = "" if value is None else str(value)
        return text if self.off_scale else text.strip()

    def clean(self, value) -> int | None:
        text = self.typed(value)
        if self.off_scale:
            if not text:
                return None
            if text not in {str(point) for point in self.scale}:
                raise ValidationError(self.off_scale, code="invalid_choice")
            return int(text)
        return int(text) if text.isascii() and text.isdigit() and len(text) <= 3 else None


@dataclass
class LineScoreFields:
    """One line's score and text as the shared template (procurement/_line_score_fields.html) draws them."""

    line: object  # selectors.evaluation.Line
    score: forms.BoundField
    text: forms.BoundField
    options: list[dict]
    legend: str
    legend_hidden: str
    text_label: str
    text_hidden: str
    hint: str = ""  # under the text's label, when the page gives one

    @property
    def chosen(self) -> dict | None:
        return next((o for o in self.options if o["checked"]), None)

    @property
    def text_describedby(self) -> str:
        ids = [
            f"{self.text.name}-hint" if self.hint else "",
            f"{self.text.name}-error" if self.text.errors else "",
        ]
        return " ".join(i for i in ids if i)


class LineScoresForm(ErrorSummaryMixin, forms.Form):
    """A score on the tender's scale and a text per evaluation line of one bid: the evaluator's scores and
    justifications, or the commissioner's consensus scores and rationales (the `words` say which). The
    service decides what is complete enough to save, and names the field of each problem."""

    def __init__(self, *args, lines, scale, words: LineScoreWords, **kwargs):
        super().__init__(*args, **kwargs)
        self.lines, self.scale, self.words = lines, list(scale), words
        values = [point.value for point in self.scale]
        for line in lines:
            self.fields[evaluation_services.score_field(line.key)] = ScaleScoreField(
                scale=values, off_scale=words.off_scale.format(label=line.label)
            )
            self.fields[evaluation_services.text_field(words.text, line.key)] = forms.CharField(
                required=False
            )

    def _names(self, line) -> tuple[str, str]:
        return evaluation_services.score_field(line.key), evaluation_services.text_field(
            self.words.text, line.key
        )

    def entries(self) -> dict[str, tuple[int | None, str]]:
        """Line key -> (score or None, text), for the service."""
        entries = {}
        for line in self.lines:
            score, text = self._names(line)
            entries[line.key] = (self.cleaned_data.get(score), self.cleaned_data.get(text, ""))
        return entries

    def _options(self, name: str) -> list[dict]:
        typed = self.fields[name].typed(self[name].value())
        options = []
        for n, point in enumerate(self.scale, start=1):
            option_id = name if n == 1 else f"{name}-{n}"
            options.append(
                {
                    "point": point,
                    "id": option_id,
                    "hint_id": f"{name}-{n}-hint" if self.words.numbered_hints else f"{option_id}-hint",
                    "label": self.words.option.format(value=point.value, label=point.label),
                    "checked": typed == str(point.value),
                }
            )
        return options

    def rows(self) -> list[LineScoreFields]:
        """Per line, in order: its fields, their scale options and their words."""
        words, rows = self.words, []
        for line in self.lines:
            score, text = self._names(line)
            rows.append(
                LineScoreFields(
                    line=line,
                    score=self[score],
                    text=self[text],
                    options=self._options(score),
                    legend=words.legend.format(label=line.label),
                    legend_hidden=words.legend_hidden.format(label=line.label),
                    text_label=words.text_label,
                    text_hidden=words.text_hidden.format(label=line.label),
                )
            )
        return rows
