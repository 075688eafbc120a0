"""What residents said (section "residents"): every consultation that closed in the period, oldest first, with
its responses by channel and by ward, its priorities by outcome, the change from the consultation before and
the board's "you said, we did".

Figures come from consultation.selectors.cached_results (the public results page's entry in the shared cache),
so the pack shows what the results page shows: suspected duplicates left out, and any count under 10 (or one
that would give such a count away) not shown."""

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Count, Q, Subquery
from django.utils import timezone

from consultation.models import Consultation
from consultation.selectors import PREFER_NOT_TO_SAY, Results, cached_results
from knowsley_sv import formatting

from ...arithmetic import to_tenth
from ...tables.base import COUNT, OUTCOME, PERCENT, POINTS, Column, Table
from ..period import Period
from ..words import listing, plural
from .base import Headline, Section

KEY, TITLE = "residents", "What residents said"
TOO_FEW = "Too few responses to show"

NONE_CLOSED = "No consultation closed in this period, so there is nothing from residents to report."
CLOSED = "{n} closed in this period: {titles}."
RESPONSES = "{title} closed on {day} with {responses}{duplicates}."
SUPPRESSED = (
    "{title} closed on {day} with fewer than 10 responses{duplicates}, so no figures are shown: "
    "small numbers could identify people."
)
NO_GAPS = "Every ward's responses can be shown."
GAPS = "Too few responses to show for {n}: {wards}."
FIRST = "There was no consultation before it, so there is no earlier split to compare with."
NO_SPLIT = "{title} had too few responses for a proposed split, so there is no change to show."
NO_CHANGE = "The proposed split is the same as that of {previous} (closed {day})."
LARGEST_CHANGE = (
    "Compared with {previous} (closed {day}), the proposed split moved most for outcome {number}: "
    "{direction} {points} points."
)
RESPONSE_PUBLISHED = 'The board\'s response ("you said, we did"), published on {day}:'
NO_RESPONSE = 'The board has not yet published its response to {title} ("you said, we did").'


# --- Pure arithmetic and wording ------------------------------------------------------------------------
def to_share(value: float | None) -> Decimal | None:
    """A mean of points out of 100 (a float from consultation.aggregation) as a % to one decimal place, half
    up, read as it prints (so 12.25 is 12.3)."""
    return None if value is None else to_tenth(Decimal(repr(value)))


def split_change(split: dict[int, int], previous: dict[int, int] | None) -> dict[int, int]:
    """Points each outcome's share of the proposed split moved since the previous consultation (outcomes
    matched by number; none when either has no split)."""
    if not split or not previous:
        return {}
    return {number: share - previous[number] for number, share in split.items() if number in previous}


def largest_change(change: dict[int, int]) -> tuple[int, int] | None:
    """(outcome, points) of the largest move either way, the lower outcome number first among equals; None
    when nothing moved."""
    moved = [(abs(points), -number, number, points) for number, points in change.items() if points]
    if not moved:
        return None
    *_, number, points = max(moved)
    return number, points


def ward_gaps(by_ward: list[tuple[str, int | None]]) -> list[str]:
    """The wards whose count the results do not show (under 10, or one that would give such a count away)."""
    return [ward for ward, n in by_ward if n is None and ward != PREFER_NOT_TO_SAY]


def paragraphs(text: str) -> list[str]:
    """Text as its paragraphs (split at blank lines)."""
    return [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]


# --- Tables (pure) --------------------------------------------------------------------------------------
def _counted(rows: list[tuple[str, int | None]]) -> list[list]:
    return [[label, TOO_FEW if n is None else n] for label, n in rows]


def channels_table(consultation: Consultation, results: Results) -> Table:
    return Table(
        key=f"{KEY}-{consultation.slug}-channels",
        caption=f"{consultation.title}: responses by channel",
        columns=[Column("channel", "Channel"), Column("responses", "Responses", COUNT)],
        rows=_counted(results.by_channel),
        foot=[["All responses", results.n_responses]],
        chart="bar",
        chart_columns=(1,),
        note="Suspected duplicates are left out.",
    )


def wards_table(consultation: Consultation, results: Results) -> Table:
    return Table(
        key=f"{KEY}-{consultation.slug}-wards",
        caption=f"{consultation.title}: responses by ward",
        columns=[Column("ward", "Ward"), Column("responses", "Responses", COUNT)],
        rows=_counted(results.by_ward),
        foot=[["All responses", results.n_responses]],
        note=(
            "A count under 10 is not shown, nor is any count that would let someone work one out: "
            "small numbers could identify people."
        ),
    )


def priorities_rows(results: Results, change: dict[int, int]) -> list[list]:
    rows = []
    for o in results.outcomes:
        lower, upper = o.ci if o.ci is not None else (None, None)
        rows.append(
            [
                o.number,
                o.title,
                to_share(o.mean),
                to_share(lower),
                to_share(upper),
                to_share(o.weighted_mean),
                results.proposed_split.get(o.number),
                results.weighted_split.get(o.number),
                change.get(o.number),
            ]
        )
    return rows


def priorities_table(
    consultation: Consultation, results: Results, change: dict[int, int], previous: Consultation | None
) -> Table:
    since = f"since {previous.title}" if previous else "since the consultation before"
    notes = [
        "Shares are of the 100 points each resident gave across the outcomes. The interval is a 95% "
        "bootstrap confidence interval for the unweighted average. A split rounds the averages to whole "
        "percentages that add up to 100.",
        results.weighting_note,
    ]
    return Table(
        key=f"{KEY}-{consultation.slug}-priorities",
        caption=f"{consultation.title}: residents' priorities by outcome",
        columns=[
            Column("outcome", "Outcome", OUTCOME),
            Column("title", "Title"),
            Column("average_share_percent", "Average share", PERCENT),
            Column("interval_from_percent", "95% confidence interval, from", PERCENT),
            Column("interval_to_percent", "95% confidence interval, to", PERCENT),
            Column("weighted_average_share_percent", "Average share, weighted by ward", PERCENT),
            Column("proposed_split_percent", "Proposed split", PERCENT),
            Column("weighted_split_percent", "Weighted split", PERCENT),
            Column("change_points", f"Change in the proposed split {since} (points)", POINTS),
        ],
        rows=priorities_rows(results, change),
        chart="bar",
        chart_columns=(6, 7),
        note=" ".join(n for n in notes if n),
    )


# --- One consultation -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Closed:
    consultation: Consultation
    results: Results
    previous: Consultation | None
    previous_split: dict[int, int] | None  # None: no consultation before it


def _duplicates(results: Results) -> str:
    n = results.n_duplicates
    return f" ({plural(n, 'suspected duplicate', 'suspected duplicates')} left out)" if n else ""


def _change_sentence(item: Closed, change: dict[int, int]) -> str:
    if item.previous is None:
        return FIRST
    if not item.results.proposed_split or not item.previous_split:
        title = item.consultation.title if not item.results.proposed_split else item.previous.title
        return NO_SPLIT.format(title=title)
    day = formatting.day(item.previous.closes_at)
    largest = largest_change(change)
    if largest is None:
        return NO_CHANGE.format(previous=item.previous.title, day=day)
    number, points = largest
    return LARGEST_CHANGE.format(
        previous=item.previous.title,
        day=day,
        number=number,
        direction="up" if points > 0 else "down",
        points=abs(points),
    )


def _board_response(consultation: Consultation) -> list[str]:
    if consultation.board_response_published_at is None:
        return [NO_RESPONSE.format(title=consultation.title)]
    day = formatting.day(consultation.board_response_published_at)
    return [RESPONSE_PUBLISHED.format(day=day), *paragraphs(consultation.board_response)]


def consultation_part(item: Closed) -> tuple[list[str], list[Table]]:
    """One consultation's paragraphs and tables (pure: its results are already read)."""
    consultation, results = item.consultation, item.results
    day = formatting.day(consultation.closes_at)
    if results.suppressed:
        text = SUPPRESSED.format(title=consultation.title, day=day, duplicates=_duplicates(results))
        return [text, *_board_response(consultation)], []
    change = split_change(results.proposed_split, item.previous_split)
    gaps = ward_gaps(results.by_ward)
    summary = [
        RESPONSES.format(
            title=consultation.title,
            day=day,
            responses=plural(results.n_responses, "response", "responses"),
            duplicates=_duplicates(results),
        ),
        GAPS.format(n=plural(len(gaps), "ward", "wards"), wards=listing(gaps)) if gaps else NO_GAPS,
        _change_sentence(item, change),
        *_board_response(consultation),
    ]
    tables = [
        channels_table(consultation, results),
        wards_table(consultation, results),
        priorities_table(consultation, results, change, item.previous),
    ]
    return summary, tables


# --- Reads ----------------------------------------------------------------------------------------------
def _closed_in(period: Period, now: datetime):
    """Closed in the period, and by now: a consultation still open at the period's end is not."""
    start, after = period.moments()
    return Q(closes_at__gte=start, closes_at__lt=after, closes_at__lte=now)


def closed_in_period(period: Period, *, now: datetime | None = None) -> list[Closed]:
    """The consultations closed in the period, oldest first, each with its results and the consultation
    before it (the latest closed before it, in the period or not). 1 query, then 7 for each consultation's
    results and 7 for the one closed last before the period (none for results already in the shared cache)."""
    start, _after = period.moments()
    before = Consultation.objects.filter(closes_at__lt=start).order_by("-closes_at", "-pk").values("pk")[:1]
    found = list(
        Consultation.objects.filter(_closed_in(period, now or timezone.now()) | Q(pk=Subquery(before)))
        .select_related("model")  # results() reads the consultation's model's outcomes
        .order_by("closes_at", "pk")
    )
    closed, previous, previous_split = [], None, None
    for consultation in found:
        results = cached_results(consultation)
        if consultation.closes_at >= start:  # not the one before the period
            closed.append(Closed(consultation, results, previous, previous_split))
        previous, previous_split = consultation, results.proposed_split
    return closed


def section(period: Period, *, today: date, now: datetime) -> Section:
    """Every consultation closed in the period: its paragraphs and its three tables (channels, wards,
    priorities). Queries as closed_in_period: 1, and 7 for each consultation's results not yet cached."""
    result = Section(key=KEY, title=TITLE)
    closed = closed_in_period(period, now=now)
    if not closed:
        result.summary = [NONE_CLOSED]
        return result
    titles = [item.consultation.title for item in closed]
    result.summary = [
        CLOSED.format(n=plural(len(closed), "consultation", "consultations"), titles=listing(titles))
    ]
    for item in closed:
        summary, tables = consultation_part(item)
        result.summary += summary
        result.tables += tables
    return result


def headlines(period: Period, *, today: date) -> list[Headline]:
    """Consultations closed in the period and their responses, suspected duplicates left out. One query."""
    counts = Consultation.objects.filter(_closed_in(period, timezone.now())).aggregate(
        consultations=Count("id", distinct=True),
        responses=Count("responses", filter=Q(responses__is_suspected_duplicate=False)),
    )
    return [
        Headline("consultations_closed", "Consultations closed", COUNT, counts["consultations"]),
        Headline("consultation_responses", "Responses", COUNT, counts["responses"]),
    ]
