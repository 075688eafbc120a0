"""Building a review pack live for a period: every section, the questions for the board, year on year, and
the charts. Each section takes a fixed number of queries whatever the data (tests/reporting/pack/)."""

from collections.abc import Sequence
from datetime import date, datetime

from django.utils import timezone

from knowsley_sv import formatting
from outcomes.models import ModelReview, ReviewAction

from ..tables.base import DATE, FIGURE, PERCENT, POINTS, Column, Figure, Table
from . import svg
from .period import Period
from .sections import application, creators, delivery, model, partnership, questions, residents
from .sections.base import Headline, Section
from .snapshot import Pack

NO_REVIEW_BEFORE = "No review was held before this one, so there are no actions to follow up."
# The sections in the order the pack prints them, after the last review's actions.
SECTIONS = (model, residents, application, delivery, creators, partnership)


def last_review(*, before: date | None, as_at: date) -> ModelReview | None:
    """The review whose actions the pack opens with: the one before the pack's own review (when it is for
    one), else the latest held by the as-at day. One query."""
    reviews = ModelReview.objects.order_by("-held_on", "-id")
    reviews = reviews.filter(held_on__lt=before) if before else reviews.filter(held_on__lte=as_at)
    return reviews.first()


def actions_section(review: ModelReview | None, *, as_at: date) -> Section:
    """How the last review's actions stand (one query for the review, one for its actions)."""
    section = Section("actions", "Actions from the last review")
    if review is None:
        section.summary.append(
            "No review has been held before this one, so there are no actions to follow up."
        )
        return section
    actions = list(
        ReviewAction.objects.filter(review=review).select_related("owner").order_by("due_on", "pk")
    )
    done = sum(a.status == ReviewAction.Status.DONE for a in actions)
    late = [a for a in actions if a.due_on < as_at and a.status in OPEN_STATUSES]
    held = f"the review held on {formatting.day(review.held_on)}"
    if not actions:
        section.summary.append(f"No actions were recorded at {held}.")
        return section
    section.summary.append(
        f"{len(actions)} action{'' if len(actions) == 1 else 's'} agreed at {held}: {done} done, "
        f"{len(late)} past {'its' if len(late) == 1 else 'their'} due date and not done."
    )
    section.tables.append(
        Table(
            key="actions-log",
            caption=f"Actions agreed at {held}",
            columns=[
                Column("action", "Action"),
                Column("owner", "Owner"),
                Column("due_on", "Due", DATE),
                Column("status", "Status"),
            ],
            rows=[
                [
                    a.action,
                    a.owner.name,
                    a.due_on,
                    a.get_status_display() + (" (overdue)" if a in late else ""),
                ]
                for a in actions
            ],
        )
    )
    return section


OPEN_STATUSES = (ReviewAction.Status.NOT_STARTED, ReviewAction.Status.IN_PROGRESS)


def change(this: Figure, previous: Figure) -> Figure:
    """This period's figure less the previous period's, for year on year: a percentage's change is in points;
    None when either is missing (pure)."""
    kind = POINTS if this.kind == PERCENT else this.kind
    if this.value is None or previous.value is None:
        return Figure(None, kind)
    return Figure(this.value - previous.value, kind)


def year_on_year_section(
    period: Period, previous: Period, this: Sequence[Headline], before: Sequence[Headline]
) -> Section:
    """Each headline figure beside the previous period's (pure)."""
    earlier = {h.key: h for h in before}
    rows = []
    for h in this:
        was = earlier.get(h.key)
        now, before = Figure(h.value, h.kind), Figure(was.value if was else None, h.kind)
        rows.append([h.label, now, before, change(now, before)])
    return Section(
        "year_on_year",
        "Year on year",
        [f"Each headline figure of this pack ({period.label}) beside the same figure for {previous.label}."],
        [
            Table(
                key="year_on_year-headlines",
                caption="Headline figures, this period and the one before",
                columns=[
                    Column("figure", "Figure"),
                    Column("this_period", period.label, FIGURE),
                    Column("previous_period", previous.label, FIGURE),
                    Column("change", "Change", FIGURE),
                ],
                rows=rows,
            )
        ],
    )


def build(
    period: Period,
    *,
    review: ModelReview | None = None,
    today: date | None = None,
    now: datetime | None = None,
) -> Pack:
    """The pack for `period`, worked out now from the data as it is."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    as_at = period.last_day(today)
    previous = period.previous()
    sections = [
        actions_section(last_review(before=review.held_on if review else None, as_at=as_at), as_at=as_at)
    ]
    sections += [module.section(period, today=today, now=now) for module in SECTIONS]
    sections.append(questions.section(period, today=today, now=now))
    this, before = [], []
    for module in SECTIONS:
        if hasattr(module, "headlines"):
            this += module.headlines(period, today=today)
            before += module.headlines(previous, today=today)
    sections.append(year_on_year_section(period, previous, this, before))
    charts = {t.key: drawn for s in sections for t in s.tables if (drawn := svg.chart(t))}
    return Pack(period, previous, as_at, now, sections, charts)
