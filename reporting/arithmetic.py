"""Exact sums and percentages (pure): money is summed exactly and rounded to the penny once, at the end of
each figure; a percentage is rounded half up to one decimal place."""

from decimal import ROUND_HALF_UP, Decimal, localcontext

from knowsley_sv import money
from knowsley_sv.money import EXACT_PRECISION, TENTH


def to_pennies(value: Decimal | None) -> Decimal:
    """money.to_pennies, with no figure (an empty sum) as £0."""
    return money.to_pennies(value or Decimal(0))


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
