"""The period a review pack covers (pure): a financial year by default, or the time since the last review."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from knowsley_sv import formatting

from ..years import financial_year_bounds, financial_year_label, financial_year_of


@dataclass(frozen=True)
class Period:
    start: date  # first day, included
    end: date  # last day, included
    label: str

    @classmethod
    def financial_year(cls, year: int) -> "Period":
        first, last = financial_year_bounds(year)
        return cls(first, last, f"Financial year {financial_year_label(year)}")

    @classmethod
    def since(cls, last_review: date, until: date) -> "Period":
        """From the day after the last review to `until` (the day the pack is prepared), both included."""
        start = last_review + timedelta(days=1)
        return cls(start, until, f"{formatting.day(start)} to {formatting.day(until)}")

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def financial_year_of(self) -> int | None:
        """The financial year this period is, if it is exactly one."""
        year = financial_year_of(self.start)
        return year if (self.start, self.end) == financial_year_bounds(year) else None

    def last_day(self, today: date) -> date:
        """The last day the pack can report on: the period's end, or today while the period runs on."""
        return min(today, self.end)

    def previous(self) -> "Period":
        """The period before, for year on year: the financial year before, or as many days just before."""
        if (year := self.financial_year_of) is not None:
            return Period.financial_year(year - 1)
        end = self.start - timedelta(days=1)
        start = end - timedelta(days=self.days - 1)
        return Period(start, end, f"{formatting.day(start)} to {formatting.day(end)}")

    def moments(self) -> tuple[datetime, datetime]:
        """The period as [start, after) instants in the service's time zone (for DateTimeFields)."""
        return (
            timezone.make_aware(datetime.combine(self.start, time.min)),
            timezone.make_aware(datetime.combine(self.end + timedelta(days=1), time.min)),
        )

    def as_json(self) -> dict:
        return {"start": self.start.isoformat(), "end": self.end.isoformat(), "label": self.label}

    @classmethod
    def from_json(cls, data: dict) -> "Period":
        return cls(date.fromisoformat(data["start"]), date.fromisoformat(data["end"]), data["label"])
