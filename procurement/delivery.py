"""Delivery of committed social value (DESIGN §6): pure functions, exact decimals, no Django.

- Reporting periods run from the contract's start in steps of whole months (3 by default), the last one
  cut at the contract's end.
- Expected to date is pro rata by days: committed × days elapsed ÷ contract days (inclusive of both ends).
- RAG: delivered value against the value expected to date: green at 95% or more, amber from 75% to under
  95%, red under 75%. Nothing is expected before the contract starts: then the status is "not started".
"""

import calendar
from datetime import date, timedelta
from decimal import Decimal, localcontext

from knowsley_sv.money import EXACT_PRECISION, to_pennies

GREEN_FROM = Decimal(95)
AMBER_FROM = Decimal(75)

GREEN, AMBER, RED, NOT_STARTED = "green", "amber", "red", "not started"


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day when it is shorter (31 Jan + 1 = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def reporting_periods(start: date, end: date, months: int = 3) -> list[tuple[date, date]]:
    """(first day, last day) of each period from start to end inclusive."""
    if end < start:
        raise ValueError("The contract ends before it starts.")
    if months < 1:
        raise ValueError("A reporting period is at least a month.")
    periods, n = [], 0
    while True:
        first = add_months(start, months * n)
        if first > end:
            return periods
        last = min(add_months(start, months * (n + 1)) - timedelta(days=1), end)
        periods.append((first, last))
        n += 1


def expected_to_date(committed: Decimal, start: date, end: date, today: date) -> Decimal:
    """The part of a commitment expected by the end of `today`, pro rata by days, exact."""
    if today < start:
        return Decimal(0)
    total_days = (end - start).days + 1
    elapsed = min((today - start).days + 1, total_days)
    with localcontext(prec=EXACT_PRECISION):
        return committed * Decimal(elapsed) / Decimal(total_days)


def percent_of(delivered: Decimal, expected: Decimal) -> Decimal | None:
    """Delivered as a percentage of expected, to 2 places (None when nothing is expected yet)."""
    if expected <= 0:
        return None
    with localcontext(prec=EXACT_PRECISION):
        return to_pennies(delivered * 100 / expected)


def rag(delivered: Decimal, expected: Decimal) -> str:
    """Green ≥ 95% of the value expected to date, amber 75% to under 95%, red under 75%. The thresholds
    apply to the exact ratio, not a rounded one."""
    if expected <= 0:
        return NOT_STARTED
    with localcontext(prec=EXACT_PRECISION):
        ratio = delivered * 100 / expected
    if ratio >= GREEN_FROM:
        return GREEN
    if ratio >= AMBER_FROM:
        return AMBER
    return RED
