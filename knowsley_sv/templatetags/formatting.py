"""Template filters over knowsley_sv.formatting, built in to every template (settings TEMPLATES "builtins"):
`{{ tender.deadline|moment }}`, `{{ price|money }}`, `{{ n|quantity }}`, `{{ p|percentage }}`.
An empty value (None or "") shows as nothing, so `|default:"–"` can follow."""

from django import template

from knowsley_sv import formatting

register = template.Library()


def _over(function):
    def apply(value):
        return "" if value is None or value == "" else function(value)

    apply.__doc__ = function.__doc__
    return apply


for _name in ("moment", "day", "time_of_day", "money", "amount_input", "quantity", "percentage"):
    register.filter(_name, _over(getattr(formatting, _name)))


@register.filter
def with_unit(label, unit):
    """`{{ "Quantity delivered"|with_unit:kpi.unit }}`: never doubled brackets."""
    return formatting.with_unit(str(label), unit or "")
