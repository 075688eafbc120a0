"""Financial years (pure): 1 April to 31 March, each named by the calendar year it starts in, so year 2025 is
1 April 2025 to 31 March 2026."""

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta

from django.utils import timezone


def financial_year_of(day: date) -> int:
    """The UK financial year a day falls in, named by the calendar year it starts in (1 April)."""
    return day.year if day.month >= 4 else day.year - 1


def financial_year_bounds(year: int) -> tuple[date, date]:
    """First and last day of financial year `year`: 1 April `year` to 31 March `year + 1`."""
    return date(year, 4, 1), date(year + 1, 3, 31)


def financial_year_label(year: int) -> str:
    return f"April {year} to March {year + 1}"


def short_year(year: int) -> str:
    """A financial year as GOV.UK writes it in a heading: 2025 to 2026."""
    return f"{year} to {year + 1}"


def financial_years_spanning(days: Sequence[date | None]) -> list[int]:
    """Every financial year from the earliest to the latest of the days, newest first."""
    known = [d for d in days if d is not None]
    if not known:
        return []
    return list(range(financial_year_of(max(known)), financial_year_of(min(known)) - 1, -1))


def local_day(moment: datetime | None) -> date | None:
    return timezone.localdate(moment) if moment is not None else None


def moment_bounds(year: int) -> tuple[datetime, datetime]:
    """The financial year as [start, end) instants in the service's time zone (for DateTimeFields)."""
    first, last = financial_year_bounds(year)
    return (
        timezone.make_aware(datetime.combine(first, time.min)),
        timezone.make_aware(datetime.combine(last + timedelta(days=1), time.min)),
    )
