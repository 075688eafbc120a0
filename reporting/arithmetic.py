"""Exact sums and percentages (pure): money is summed exactly and rounded to the penny once, at the end of
each figure; a percentage is rounded half up to one decimal place."""

from decimal import ROUND_HALF_UP, Decimal, localcontext

PENNY = Decimal("0.01")
TENTH = Decimal("0.1")
EXACT_PRECISION = 100


def to_pennies(value: Decimal | None) -> Decimal:
    return (value or Decimal(0)).quantize(PENNY, rounding=ROUND_HALF_UP)


def to_tenth(value: Decimal) -> Decimal:
    return value.quantize(TENTH, rounding=ROUND_HALF_UP)


def ratio(part, whole) -> Decimal | None:
    """part ÷ whole, exact (None when whole is 0)."""
    if not whole:
        return None
    with localcontext(prec=EXACT_PRECISION):
        return Decimal(part) / Decimal(whole)


def percent(part, whole) -> Decimal | None:
    """part as a percentage of whole, to one decimal place, half up (None when whole is 0)."""
    exact = ratio(part, whole)
    return None if exact is None else to_tenth(exact * 100)
