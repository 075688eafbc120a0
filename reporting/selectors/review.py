"""g. The adopted model's annual review, as the dashboard's table shows it (the banner is outcomes')."""

from dataclasses import dataclass
from datetime import date

from outcomes import selectors as outcome_selectors

from ..years import local_day


@dataclass(frozen=True)
class Review:
    version: int | None
    adopted_on: date | None
    last_review_on: date | None
    due_on: date | None
    overdue: bool


def review(*, today: date | None = None) -> Review:
    """The adopted model's annual review: when it was last held and when it is due (one query)."""
    status = outcome_selectors.review_status(today=today)
    model = status.model
    if model is None:
        return Review(None, None, None, None, False)
    return Review(
        version=model.version,
        adopted_on=local_day(model.adopted_at),
        last_review_on=getattr(model, "last_review_on", None),
        due_on=status.due_on,
        overdue=status.overdue,
    )
