"""The review pack's "How the model was applied": the tenders published in the period, the social value weight
they gave, how they split it across the outcomes against residents' priorities, and by service area.

A tender counts as published in the period when its publication moment falls in it and it is still published
(or went on to close, be evaluated or awarded): a tender cancelled later is left out and counted apart, and
one withdrawn to draft is not published. The tenders' outcome split counts each tender with a social value
weight in proportion to its estimated value, as the dashboard's priorities table does.
"""

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from functools import partial

from django.db.models import Count, Q, QuerySet, Sum

from consultation.models import Consultation
from consultation.selectors import cached_results
from knowsley_sv import formatting
from procurement.models import Tender

from ...arithmetic import ratio, to_pennies, to_tenth
from ...filters import OUTCOME_NUMBERS
from ...selectors.common import outcome_titles
from ...selectors.consultations import Priorities, PriorityRow, latest_closed, priority_rows, tender_split
from ...tables.base import COUNT, MONEY_GBP, PERCENT, Column, Table
from ...tables.dashboard import priorities_table
from .. import words
from ..period import Period
from .base import SHOWN, Headline, Section

# "1 tender", "No tenders": the summary's counts.
plural = partial(words.plural, no_for_zero=True)
KEY = "application"
TITLE = "How the model was applied"
LOW_WEIGHT = 10  # a weight under this needs a recorded justification (DESIGN §5.1)
NOT_PUBLISHED = (Tender.Status.DRAFT, Tender.Status.CANCELLED)


# --- Pure ---------------------------------------------------------------------------------------------------
def median(counts: Mapping[int, int]) -> Decimal | None:
    """The median of values given as value -> how many times it occurs; of an even count, the mean of the
    middle two; to 0.1, half up (None when there are none)."""
    ordered = sorted((value, n) for value, n in counts.items() if n > 0)
    total = sum(n for _value, n in ordered)
    if not total:
        return None
    wanted = {(total - 1) // 2, total // 2}  # the middle position, or the two middle ones (0-based)
    middle, seen = [], 0
    for value, n in ordered:
        middle += [value for position in sorted(wanted) if seen <= position < seen + n]
        seen += n
    return to_tenth(Decimal(sum(middle)) / len(middle))


@dataclass(frozen=True)
class Weights:
    lowest: int | None
    median: Decimal | None
    highest: int | None


def weights_of(counts: Mapping[int, int]) -> Weights:
    present = [w for w, n in counts.items() if n > 0]
    return Weights(min(present, default=None), median(counts), max(present, default=None))


# --- Reads --------------------------------------------------------------------------------------------------
def _in_period(period: Period) -> QuerySet[Tender]:
    first, after = period.moments()
    return Tender.objects.filter(published_at__gte=first, published_at__lt=after)


def published(period: Period) -> QuerySet[Tender]:
    """Tenders published in the period and not since withdrawn to draft or cancelled."""
    return _in_period(period).exclude(status__in=NOT_PUBLISHED)


@dataclass(frozen=True)
class Totals:
    tenders: int
    value: Decimal
    cancelled: int  # published in the period, cancelled since


def totals(period: Period) -> Totals:
    """One query."""
    counted = ~Q(status__in=NOT_PUBLISHED)
    row = _in_period(period).aggregate(
        n=Count("id", filter=counted),
        value=Sum("estimated_value", filter=counted),
        cancelled=Count("id", filter=Q(status=Tender.Status.CANCELLED)),
    )
    return Totals(row["n"], to_pennies(row["value"]), row["cancelled"])


def weight_counts(period: Period) -> dict[int, int]:
    """Social value weight -> tenders published with it (one query; at most 101 rows)."""
    return dict(published(period).order_by().values_list("social_value_weight").annotate(n=Count("id")))


# --- Tables -------------------------------------------------------------------------------------------------
def weights_table(weights: Weights) -> Table:
    return Table(
        key=f"{KEY}-weights",
        caption="Social value weight of the tenders published",
        columns=[Column("measure", "Measure"), Column("weight_percent", "Social value weight", PERCENT)],
        rows=[]
        if weights.median is None
        else [
            ["Lowest", weights.lowest],
            ["Median", weights.median],
            ["Highest", weights.highest],
        ],
        empty="No tender was published in this period.",
    )


def low_weights_table(period: Period) -> Table:
    """The tenders weighting social value under 10%, with the reason recorded. One query."""
    rows = (
        published(period)
        .filter(social_value_weight__lt=LOW_WEIGHT)
        .order_by("social_value_weight", "reference")
        .values_list("reference", "title", "social_value_weight", "social_value_justification")
    )
    return Table(
        key=f"{KEY}-low_weights",
        shown=SHOWN,
        caption=f"Tenders weighting social value under {LOW_WEIGHT}%",
        columns=[
            Column("reference", "Reference"),
            Column("title", "Title"),
            Column("social_value_weight_percent", "Social value weight", PERCENT),
            Column("justification", "Why, as recorded"),
        ],
        rows=[list(row) for row in rows],
        empty=f"Every tender published in this period weighted social value at {LOW_WEIGHT}% or more.",
    )


def service_areas_table(period: Period) -> Table:
    """Tenders, estimated value and average weight by service area. One query."""
    rows = (
        published(period)
        .order_by("service_area")
        .values_list("service_area")
        .annotate(n=Count("id"), value=Sum("estimated_value"), weights=Sum("social_value_weight"))
    )
    return Table(
        key=f"{KEY}-service_areas",
        caption="Tenders published, by service area",
        columns=[
            Column("service_area", "Service area"),
            Column("tenders", "Tenders", COUNT),
            Column("estimated_value_gbp", "Estimated value", MONEY_GBP),
            Column("average_weight_percent", "Average social value weight", PERCENT),
        ],
        rows=[[area, n, to_pennies(value), to_tenth(ratio(weights, n))] for area, n, value, weights in rows],
        chart="bar",
        chart_columns=(2,),
        empty="No tender was published in this period.",
    )


def _residents(period: Period, now: datetime) -> tuple[Consultation | None, dict[int, int], int]:
    """The latest consultation closed by the end of the period (and by now), its proposed split and responses.
    One query, and the consultation's results (seven more, none when cached)."""
    consultation = latest_closed(min(now, period.moments()[1]))
    if consultation is None:
        return None, {}, 0
    results = cached_results(consultation)
    return consultation, results.proposed_split, results.n_responses


def _priorities_note(consultation: Consultation | None, split: Mapping, responses: int, tenders) -> str:
    if consultation is None:
        residents = "No consultation had closed by the end of the period, so there is no residents' split."
    elif not split:
        residents = (
            f"{consultation.title}, the latest consultation closed by the end of the period, had too few "
            "responses to publish a proposed split."
        )
    else:
        residents = (
            f"Residents: the proposed split of {consultation.title} (closed "
            f"{formatting.day(consultation.closes_at)}, {plural(responses, 'response', 'responses')})."
        )
    counted = (
        f"Tenders: the {plural(tenders.tenders, 'tender', 'tenders').lower()} published in the period with a "
        f"social value weight, each counting in proportion to its estimated value "
        f"({formatting.money(to_pennies(tenders.value))} in all)."
        if tenders.tenders
        else "No tender with a social value weight was published in the period."
    )
    return f"{residents} {counted}"


def priorities(period: Period, *, now: datetime) -> tuple[Table, list[PriorityRow]]:
    """The tenders' outcome split against residents' proposed split, and the gap in points. Four queries
    (seven more when the consultation's results are not cached)."""
    consultation, split, responses = _residents(period, now)
    tenders = tender_split(published(period))
    rows = (
        priority_rows(OUTCOME_NUMBERS, titles=outcome_titles(), residents=split, tenders=tenders)
        if tenders.tenders or split
        else []
    )
    figures = Priorities(
        consultation, responses, bool(split), tenders.tenders, to_pennies(tenders.value), rows
    )
    table = replace(
        priorities_table(figures),
        key=f"{KEY}-priorities",
        caption="Tenders' outcome split against residents' priorities",
        note=_priorities_note(consultation, split, responses, tenders),
        empty="No tender with a social value weight was published, and no consultation had closed.",
    )
    return table, rows


# --- Summary ------------------------------------------------------------------------------------------------
def _summary(figures: Totals, weights: Weights, low: int, gaps: list[PriorityRow]) -> list[str]:
    if not figures.tenders:
        paragraphs = ["No tenders were published in this period."]
    else:
        paragraphs = [
            f"{plural(figures.tenders, 'tender was', 'tenders were')} published in this period, with a total "
            f"estimated value of {formatting.money(figures.value)}."
            f" Social value weights ran from {formatting.percentage(weights.lowest)} to "
            f"{formatting.percentage(weights.highest)}; the median was "
            f"{formatting.percentage(weights.median)}."
        ]
        paragraphs.append(
            f"{plural(low, 'tender', 'tenders')} weighted social value under {LOW_WEIGHT}%"
            + ("; the table gives the reasons recorded." if low else ".")
        )
    if figures.cancelled:
        one = figures.cancelled == 1
        paragraphs.append(
            f"{plural(figures.cancelled, 'more tender was', 'more tenders were')} published and later "
            f"cancelled; {'it is' if one else 'they are'} left out of these figures."
        )
    compared = [r for r in gaps if r.difference is not None]
    if compared:
        widest = max(compared, key=lambda r: (abs(r.difference), -r.number))
        more = "more" if widest.difference > 0 else "less"
        paragraphs.append(
            f"The widest gap from residents' priorities is outcome {widest.number}: tenders gave it "
            f"{abs(widest.difference)} points {more} of the social value weight than residents proposed."
        )
    return paragraphs


def section(period: Period, *, today: date, now: datetime) -> Section:
    """The section, in 8 queries (15 when the consultation's results are not cached), whatever the data."""
    figures, weights = totals(period), weights_of(weight_counts(period))
    low = low_weights_table(period)
    priorities_tab, gaps = priorities(period, now=now)
    return Section(
        key=KEY,
        title=TITLE,
        summary=_summary(figures, weights, len(low.rows), gaps),
        tables=[weights_table(weights), low, priorities_tab, service_areas_table(period)],
    )


def headlines(period: Period, *, today: date) -> list[Headline]:
    """Tenders published, their estimated value and the median weight. Two queries."""
    figures = totals(period)
    return [
        Headline("tenders_published", "Tenders published", COUNT, figures.tenders),
        Headline("tenders_published_value", "Estimated value of tenders published", MONEY_GBP, figures.value),
        Headline(
            "median_social_value_weight", "Median social value weight", PERCENT, median(weight_counts(period))
        ),
    ]
