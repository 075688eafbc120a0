"""The bid form: price, an answer per criterion, a method statement per outcome and the commitments."""

from crispy_forms_gds.layout import HTML, Field, Fixed, Size
from django import forms
from django.utils.html import escape

from knowsley_sv import formatting
from knowsley_sv.forms import AmountField, QuantityField, gds_helper

from ..services.bids import BidContent


class BidForm(forms.Form):
    """A whole bid on one page: price, an answer per criterion, and per outcome a method statement and
    quantities of the offered indicators. Saving keeps a draft; submitting needs it complete."""

    price = AmountField(name="the bid price", example="£420,000", label="Total price (£)", required=False)

    def __init__(self, *args, criteria, sections, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria, self.sections = criteria, sections
        layout = [Field.text("price", field_width=Fixed.TEN)]
        if criteria:
            layout.append(HTML('<h2 class="govuk-heading-m">Quality</h2>'))
        for c in criteria:
            name = f"answer_{c.pk}"
            self.fields[name] = forms.CharField(
                label=escape(f"Q{c.number} {c.title}"),
                help_text=escape(c.question),
                required=False,
                widget=forms.Textarea(attrs={"rows": 5}),
            )
            layout.append(Field.textarea(name, label_size=Size.SMALL))
        if sections:
            layout.append(HTML('<h2 class="govuk-heading-m">Social value</h2>'))
        for section in sections:
            outcome = section["outcome"]
            method = f"method_{outcome.pk}"
            self.fields[method] = forms.CharField(
                label=escape(f"How you will deliver outcome {outcome.number}: {outcome.title}"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 4}),
            )
            layout.append(Field.textarea(method, label_size=Size.SMALL))
            for item in section["indicators"]:
                indicator = item.indicator
                name = f"quantity_{indicator.pk}"
                self.fields[name] = QuantityField(
                    name=f"the quantity for {indicator.code}",
                    example="12",
                    label=escape(formatting.with_unit(f"{indicator.code} {indicator.name}", indicator.unit)),
                    help_text=f"Target: {item.target}" if item.target is not None else "",
                    required=False,
                )
                layout.append(Field.text(name, field_width=Fixed.TEN))
        self.helper = gds_helper(*layout)
        self.helper.layout.fields.pop()  # the page has its own two buttons: save, and submit
        self.helper.form_tag = False

    def content(self):
        data = self.cleaned_data
        return BidContent(
            price=data.get("price"),
            answers={c.pk: data.get(f"answer_{c.pk}", "") for c in self.criteria},
            methods={s["outcome"].pk: data.get(f"method_{s['outcome'].pk}", "") for s in self.sections},
            commitments={
                item.indicator.pk: data[f"quantity_{item.indicator.pk}"]
                for s in self.sections
                for item in s["indicators"]
                if data.get(f"quantity_{item.indicator.pk}") is not None
            },
        )
