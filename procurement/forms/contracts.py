"""The contract form: its dates and value, entered after the standstill."""

from crispy_forms_gds.layout import Field, Fixed
from django import forms

from knowsley_sv.forms import AmountField, GovDateField, gds_helper

START_DATE_REQUIRED = "Enter the date the contract starts"
END_DATE_REQUIRED = "Enter the date the contract ends"
VALUE_REQUIRED = "Enter the contract value in pounds"


class ContractForm(forms.Form):
    start_date = GovDateField(
        name="the start date",
        label="Start date",
        help_text="For example, 1 4 2027",
        required_message=START_DATE_REQUIRED,
    )
    end_date = GovDateField(
        name="the end date",
        label="End date",
        help_text="For example, 31 3 2030",
        required_message=END_DATE_REQUIRED,
    )
    value = AmountField(
        name="the contract value",
        example="£125,000",
        label="Contract value (£)",
        help_text="The whole value over the contract's term. It starts as the awarded bid's price.",
        error_messages={"required": VALUE_REQUIRED},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field("start_date"),
            Field("end_date"),
            Field.text("value", field_width=Fixed.TEN),
            submit="Enter the contract",
        )
