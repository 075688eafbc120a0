"""The award form: the compliant bid chosen, and the reason where it is not the top-ranked one."""

from crispy_forms_gds.layout import Field, Size
from django import forms

from knowsley_sv.forms import gds_helper

from ..models import Bid
from ..selectors.evaluation import Evaluation

CHOOSE_BID = "Choose the bid to award"
NOT_A_COMPLIANT_CHOICE = "Choose one of the compliant bids listed"


class AwardForm(forms.Form):
    bid = forms.TypedChoiceField(
        label="Which bid do you award the contract to?",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": CHOOSE_BID, "invalid_choice": NOT_A_COMPLIANT_CHOICE},
    )
    reason = forms.CharField(
        label="Reason",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=(
            "Needed when you do not award the top-ranked bid, or when the top bids are tied. "
            "Every bidder's assessment summary shows it."
        ),
    )

    def __init__(self, *args, evaluation: Evaluation, **kwargs):
        super().__init__(*args, **kwargs)
        ranked = [(bid, result) for bid, result in evaluation.ranked() if result.compliant]
        self.bids = {bid.pk: bid for bid, _ in ranked}
        self.fields["bid"].choices = [
            (
                bid.pk,
                f"{bid.supplier.name} — total {result.total}, rank {result.rank}"
                + (" (tied)" if result.tied else ""),
            )
            for bid, result in ranked
        ]
        if ranked:
            self.initial.setdefault("bid", ranked[0][0].pk)
        self.helper = gds_helper(
            Field.radios("bid", legend_size=Size.MEDIUM),
            Field.textarea("reason", rows=4),
            submit="Continue",
        )

    @property
    def chosen(self) -> Bid:
        return self.bids[self.cleaned_data["bid"]]
