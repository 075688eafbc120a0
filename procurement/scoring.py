"""Scoring a tender's bids (DESIGN §5.4): pure functions, exact decimals, no Django.

Every intermediate figure is an exact `Decimal` (a context with 100 digits, so nothing is rounded on the
way); each published figure is rounded half up to 2 places only at the end. The published, rounded figures
are the ones bids are ranked on, so a bidder can check their rank from their own assessment summary.

Worked example (DESIGN §5.4; a unit test asserts it verbatim): price 50, quality 30 (Q1 20, Q2 10), social
value 20 split 50/30/20 over outcomes 1, 3 and 6; bid C scores 32.00 + 28.00 + 18.80 = 78.80 and ranks 1.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, localcontext
from enum import StrEnum

from knowsley_sv.money import EXACT_PRECISION, HUNDRED, to_pennies

ZERO = Decimal(0)

RELATIVE = "relative"  # price weight × lowest ÷ bid
DEVIATION = "deviation"  # price weight × (1 − (bid − lowest) ÷ lowest), floored at 0


class LineKind(StrEnum):
    """What a scored line counts towards. Each member equals its value ("quality" == LineKind.QUALITY)."""

    QUALITY = "quality"
    SOCIAL_VALUE = "social_value"


KINDS = frozenset(LineKind)
BELOW_MINIMUM = "Scored {score} on {label}, below the minimum of {minimum}."
UNKNOWN_KIND = "Criterion {key} is of kind {kind!r}, which is neither quality nor social value."


@dataclass(frozen=True)
class Criterion:
    """One scored line: a quality criterion, or one outcome of the social value split.

    `points` is the part of the 100 it carries: a quality criterion's weight, or the social value weight ×
    the outcome's share ÷ 100. `minimum` is the lowest acceptable moderated score, if any.
    """

    key: str
    kind: LineKind
    label: str
    points: Decimal
    minimum: int | None = None


@dataclass(frozen=True)
class BidScores:
    key: str
    price: Decimal
    scores: Mapping[str, int]  # criterion key -> moderated score 0-100


@dataclass
class BidResult:
    key: str
    price: Decimal
    price_score: Decimal
    quality: Decimal
    social_value: Decimal
    total: Decimal
    weighted: dict[str, Decimal]  # criterion key -> points scored, to 2 places
    failures: list[str] = field(default_factory=list)  # why the bid is not compliant
    rank: int | None = None
    tied: bool = False  # level on total and on quality + social value with another bid: commissioner decides

    @property
    def compliant(self) -> bool:
        return not self.failures

    @property
    def quality_and_social_value(self) -> Decimal:
        return self.quality + self.social_value


def social_value_points(social_value_weight: int, share: int) -> Decimal:
    """The points of the total an outcome carries: social value weight × share ÷ 100 (exact)."""
    with localcontext(prec=EXACT_PRECISION):
        return Decimal(social_value_weight) * Decimal(share) / HUNDRED


def price_score(*, weight: int, lowest: Decimal, price: Decimal, formula: str) -> Decimal:
    """The price score, unrounded. `lowest` is the lowest compliant price; prices are positive.

    Only a non-compliant bid can be cheaper than the lowest compliant price: it scores the full weight."""
    if price <= 0 or lowest <= 0:
        raise ValueError("Prices must be more than £0.")
    with localcontext(prec=EXACT_PRECISION):
        weight = Decimal(weight)
        if formula == RELATIVE:
            return min(weight, weight * lowest / price)
        if formula == DEVIATION:
            return min(weight, max(ZERO, weight * (1 - (price - lowest) / lowest)))
    raise ValueError(f"Unknown price formula {formula!r}")


def weighted_score(points: Decimal, score: int) -> Decimal:
    """Points scored on one line: its points × the moderated score ÷ 100 (exact)."""
    with localcontext(prec=EXACT_PRECISION):
        return points * Decimal(score) / HUNDRED


def evaluate(
    *, price_weight: int, formula: str, criteria: Sequence[Criterion], bids: Sequence[BidScores]
) -> list[BidResult]:
    """Score and rank every bid; results come back in the order the bids were given.

    A bid below any line's minimum is not compliant: it is scored (so its bidder can see why) but not
    ranked, and its price does not set the lowest price. Ranks follow the rounded total; a tie goes to the
    higher quality + social value; a remaining tie shares the rank and is flagged `tied`. A line of a kind
    that is neither quality nor social value is refused, never left out of both totals.
    """
    for criterion in criteria:
        if criterion.kind not in KINDS:
            raise ValueError(UNKNOWN_KIND.format(key=criterion.key, kind=criterion.kind))
    results = []
    failures = {}
    for bid in bids:
        missing = [c.label for c in criteria if c.key not in bid.scores]
        if missing:
            raise ValueError(f"Bid {bid.key} has no moderated score for {', '.join(missing)}")
        failures[bid.key] = [
            BELOW_MINIMUM.format(score=bid.scores[c.key], label=c.label, minimum=c.minimum)
            for c in criteria
            if c.minimum is not None and bid.scores[c.key] < c.minimum
        ]
    compliant_prices = [b.price for b in bids if not failures[b.key]]
    lowest = min(compliant_prices) if compliant_prices else None
    for bid in bids:
        exact = {c.key: weighted_score(c.points, bid.scores[c.key]) for c in criteria}
        with localcontext(prec=EXACT_PRECISION):
            quality = sum((exact[c.key] for c in criteria if c.kind == LineKind.QUALITY), ZERO)
            social = sum((exact[c.key] for c in criteria if c.kind == LineKind.SOCIAL_VALUE), ZERO)
            price = (
                price_score(weight=price_weight, lowest=lowest, price=bid.price, formula=formula)
                if lowest is not None
                else ZERO
            )
            total = price + quality + social
        results.append(
            BidResult(
                key=bid.key,
                price=bid.price,
                price_score=to_pennies(price),
                quality=to_pennies(quality),
                social_value=to_pennies(social),
                total=to_pennies(total),
                weighted={key: to_pennies(value) for key, value in exact.items()},
                failures=failures[bid.key],
            )
        )
    _rank(results)
    return results


def _rank(results: list[BidResult]) -> None:
    """Competition ranking (1, 2, 2, 4) on (total, quality + social value) among compliant bids."""
    ranked = sorted(
        (r for r in results if r.compliant),
        key=lambda r: (r.total, r.quality_and_social_value),
        reverse=True,
    )
    previous = None
    for position, result in enumerate(ranked, start=1):
        key = (result.total, result.quality_and_social_value)
        if previous is not None and key == (previous.total, previous.quality_and_social_value):
            result.rank = previous.rank
            result.tied = previous.tied = True
        else:
            result.rank = position
        previous = result
