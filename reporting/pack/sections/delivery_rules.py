"""The delivery section's rules (pure): quarter ends, a contract's status and delivered ÷ expected on a day
from its commitments, whether a contract at red is recovering, and how indicators and quantities are shown."""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, localcontext

from knowsley_sv.money import EXACT_PRECISION
from procurement import delivery

from ...arithmetic import ratio
from ...selectors.contracts import contract_status

# (month, day) of the quarter ends: 31 March, 30 June, 30 September, 31 December
QUARTER_ENDS = ((3, 31), (6, 30), (9, 30), (12, 31))


def quarter_ends(first: date, last: date) -> list[date]:
    """Every quarter end (30 June, 30 September, 31 December, 31 March) from `first` to `last`, both included,
    oldest first."""
    return [
        day
        for year in range(first.year, last.year + 1)
        for month, day_of_month in QUARTER_ENDS
        if first <= (day := date(year, month, day_of_month)) <= last
    ]


def quarter_before(day: date) -> date:
    """The same day three months earlier; a month's last day gives the last day of the month three before, so
    a quarter end gives the quarter end before (30 June -> 31 March, 31 May -> 28 or 29 February)."""
    earlier = delivery.add_months(day, -3)
    if (day + timedelta(days=1)).month == day.month:
        return earlier
    return delivery.add_months(earlier.replace(day=1), 1) - timedelta(days=1)


RECOVERING = "Recovering"
FALLING_BEHIND = "Falling further behind"
NO_CHANGE = "No change"
TOO_NEW = "Too new to compare"  # nothing was expected yet a quarter before
RECOVERY_POINTS = Decimal(5)


def recovery_status(now: Decimal | None, before: Decimal | None) -> str:
    """Delivered as a % of expected now against a quarter before: "Recovering" when it rose by 5 points or
    more, "Falling further behind" when it fell by 5 or more, else "No change"; "Too new to compare" when
    nothing was expected a quarter before (or yet). Exact percentages, not rounded ones."""
    if now is None or before is None:
        return TOO_NEW
    if now - before >= RECOVERY_POINTS:
        return RECOVERING
    if before - now >= RECOVERY_POINTS:
        return FALLING_BEHIND
    return NO_CHANGE


@dataclass(frozen=True)
class Commitment:
    """One contract KPI and its verified delivery by the end day of each report period (pure)."""

    contract_id: int
    committed: Decimal
    proxy: Decimal | None
    start: date
    end: date
    delivered: tuple[tuple[date, Decimal], ...] = ()  # (report period end, quantity)

    def delivered_by(self, day: date) -> Decimal:
        return sum((q for period_end, q in self.delivered if period_end <= day), Decimal(0))

    def expected_at(self, day: date) -> Decimal:
        return delivery.expected_to_date(self.committed, self.start, self.end, day)

    def status_at(self, day: date) -> str:
        return delivery.rag(self.delivered_by(day), self.expected_at(day))

    def in_pounds(self, quantity: Decimal) -> Decimal:
        """£ where the commitment is priced, else its own units."""
        return quantity if self.proxy is None else quantity * self.proxy


def status_at(commitments: Sequence[Commitment], day: date) -> str:
    """A contract's RAG on a day: the worst of its commitments' (pure)."""
    return contract_status([c.status_at(day) for c in commitments])


def delivered_of_expected(commitments: Sequence[Commitment], day: date) -> Decimal | None:
    """A contract's delivered ÷ expected on a day as an exact %, all its commitments together, each in £ where
    priced, else in its own units (None when nothing is expected yet)."""
    with localcontext(prec=EXACT_PRECISION):
        delivered = sum((c.in_pounds(c.delivered_by(day)) for c in commitments), Decimal(0))
        expected = sum((c.in_pounds(c.expected_at(day)) for c in commitments), Decimal(0))
        exact = ratio(delivered, expected)
        return None if exact is None else exact * 100


def indicator_keys(indicators: Iterable[tuple[str, str]]) -> list[str]:
    """Each (code, unit)'s key: its code, or "code (unit)" when the same code is measured in more than one
    unit (a later model version changed it), so different units are never added together."""
    pairs = list(indicators)
    units: dict[str, set[str]] = defaultdict(set)
    for code, unit in pairs:
        units[code].add(unit)
    return [code if len(units[code]) == 1 else f"{code} ({unit})" for code, unit in pairs]


def plain_quantity(value: Decimal) -> Decimal:
    """A quantity as the page should show it: 12 not 12.00, 2.5 not 2.50 (it stays a number for downloads)."""
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()
