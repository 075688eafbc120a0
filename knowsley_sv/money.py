"""The service's arithmetic of money and points: one place for its constants and its one rounding.

Pure: no Django, no ORM. Every intermediate figure is an exact `Decimal`, worked out inside
`localcontext(prec=EXACT_PRECISION)` so that nothing is rounded on the way; a published figure is rounded
half up to the penny (or to 2 places of a point) once, at the end, by `to_pennies`.
"""

from decimal import ROUND_HALF_UP, Decimal

# Enough digits that no product or sum of 14-digit figures is rounded before the final penny.
EXACT_PRECISION = 100
PENNY = Decimal("0.01")
TENTH = Decimal("0.1")  # a percentage's last place
HUNDRED = Decimal(100)


def to_pennies(value: Decimal) -> Decimal:
    """Round half up to 2 places: 2.675 -> 2.68, -0.005 -> -0.01. The only rounding there is, at the end.

    Like `Decimal.quantize`, it works in the caller's decimal context: a caller adding up figures of more
    than 28 digits calls it inside its `localcontext(prec=EXACT_PRECISION)`."""
    return value.quantize(PENNY, rounding=ROUND_HALF_UP)
