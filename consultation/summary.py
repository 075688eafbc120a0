"""The plain-English summary the public results page leads with: what residents said, and whether the council
has published what it did with it. Pure: no ORM, no request; numbers through knowsley_sv.formatting.

    12 residents responded. They gave most points to Outcome 1 (Local jobs), 30% on average, and least to
    Outcome 5 (Greener places), 9.5%.

Outcomes are compared on the figure the sentence shows (one decimal place), so the sentence never names one
outcome "most" beside another with the same figure: equal figures are named together ("Outcome 1 (…) and
Outcome 3 (…), 24.1% each on average"). An outcome whose figure is not published (fewer than 10 responses
gave it points) is left out of the comparison.
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from knowsley_sv import formatting

from .aggregation import SUPPRESSION_THRESHOLD

TOO_FEW = (
    "There are fewer than {threshold} responses{aside}, so no figures are published: small numbers could "
    "identify people."
)
DUPLICATES_ASIDE = " once suspected duplicates are set aside"
NOT_YET_RESPONDED = "The council has not yet published its response to what residents said."
RESPONDED = "The council published its response on {day}:"


@dataclass(frozen=True)
class OutcomeFigure:
    number: int
    title: str
    mean: float | None  # average points out of 100; None when not published


@dataclass(frozen=True)
class Summary:
    residents: str
    council: str


def _shown(mean: float) -> Decimal:
    return Decimal(str(mean)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _names(figures: list[OutcomeFigure]) -> str:
    named = [f"Outcome {f.number} ({f.title})" for f in figures]
    return named[0] if len(named) == 1 else ", ".join(named[:-1]) + " and " + named[-1]


def residents_said(*, n_responses: int, outcomes: list[OutcomeFigure], n_set_aside: int = 0) -> str:
    """`n_responses` counts the responses the figures come from, `n_set_aside` the suspected duplicates not
    among them."""
    if n_responses < SUPPRESSION_THRESHOLD:
        return TOO_FEW.format(threshold=SUPPRESSION_THRESHOLD, aside=DUPLICATES_ASIDE if n_set_aside else "")
    counted = f"{formatting.quantity(n_responses)} residents responded."
    published = [o for o in outcomes if o.mean is not None]
    if not published:
        return counted
    if len(published) == 1:
        only = published[0]
        share = formatting.percentage(only.mean)
        return f"{counted} {_names([only])} had {share} of their points on average."
    top, bottom = max(_shown(o.mean) for o in published), min(_shown(o.mean) for o in published)
    if top == bottom:
        share = formatting.percentage(top)
        return f"{counted} They gave every outcome the same share of points, {share} on average."
    most = [o for o in published if _shown(o.mean) == top]
    least = [o for o in published if _shown(o.mean) == bottom]
    each_most = " each" if len(most) > 1 else ""
    each_least = " each" if len(least) > 1 else ""
    return (
        f"{counted} They gave most points to {_names(most)}, {formatting.percentage(top)}{each_most} on "
        f"average, and least to {_names(least)}, {formatting.percentage(bottom)}{each_least}."
    )


def council_did(*, published_at: datetime | None) -> str:
    if published_at is None:
        return NOT_YET_RESPONDED
    return RESPONDED.format(day=formatting.day(published_at))


def results_summary(
    *,
    n_responses: int,
    outcomes: list[OutcomeFigure],
    response_published_at: datetime | None,
    n_set_aside: int = 0,
) -> Summary:
    return Summary(
        residents=residents_said(n_responses=n_responses, outcomes=outcomes, n_set_aside=n_set_aside),
        council=council_did(published_at=response_published_at),
    )
