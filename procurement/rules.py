"""Rules of a tender's weights and a bid's content: pure functions, no ORM, no request."""

from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

MIN_SOCIAL_VALUE_WEIGHT = 10
PENNY = Decimal("0.01")

WEIGHTS_MUST_TOTAL_100 = "The price, quality and social value weights add up to {total}, not 100."
SOCIAL_VALUE_UNDER_MINIMUM = "Social value is {weight}%, under the 10% minimum: give a justification."
CRITERIA_MUST_TOTAL_QUALITY = (
    "The quality criteria weights add up to {total}, not the quality weight of {quality}."
)
NO_CRITERIA = "Add at least one quality criterion, or set the quality weight to 0."
SPLIT_MUST_TOTAL_100 = "The social value split adds up to {total}%, not 100%."
OUTCOME_NEEDS_INDICATOR = "Outcome {number} has a {share}% share but offers no indicator."
DEADLINE_PASSED = "The deadline, {deadline}, has passed. Set a later deadline before publishing."
PRICE_MUST_BE_POSITIVE = "Enter a price of more than £0."
QUANTITY_NOT_NEGATIVE = "The quantity for {code} cannot be negative."
INDICATOR_NOT_OFFERED = "Indicator {code} is not offered by this tender."


def weight_problems(*, price: int, quality: int, social_value: int, justification: str) -> list[str]:
    problems = []
    total = price + quality + social_value
    if total != 100:
        problems.append(WEIGHTS_MUST_TOTAL_100.format(total=total))
    if social_value < MIN_SOCIAL_VALUE_WEIGHT and not justification.strip():
        problems.append(SOCIAL_VALUE_UNDER_MINIMUM.format(weight=social_value))
    return problems


def criteria_problems(*, quality_weight: int, criterion_weights: Sequence[int]) -> list[str]:
    if quality_weight > 0 and not criterion_weights:
        return [NO_CRITERIA]
    total = sum(criterion_weights)
    if total != quality_weight:
        return [CRITERIA_MUST_TOTAL_QUALITY.format(total=total, quality=quality_weight)]
    return []


def split_problems(*, shares: Mapping[int, int], indicators_offered: Mapping[int, int]) -> list[str]:
    problems = []
    total = sum(shares.values())
    if total != 100:
        problems.append(SPLIT_MUST_TOTAL_100.format(total=total))
    problems += [
        OUTCOME_NEEDS_INDICATOR.format(number=number, share=share)
        for number, share in sorted(shares.items())
        if share > 0 and not indicators_offered.get(number)
    ]
    return problems


def format_deadline(deadline: datetime) -> str:
    local = timezone.localtime(deadline) if timezone.is_aware(deadline) else deadline
    return f"{local:%-d %B %Y at %-I:%M}{local:%p}".replace("AM", "am").replace("PM", "pm")


def publication_problems(
    *,
    price: int,
    quality: int,
    social_value: int,
    justification: str,
    criterion_weights: Sequence[int],
    shares: Mapping[int, int],
    indicators_offered: Mapping[int, int],
    deadline: datetime,
    now: datetime,
) -> list[str]:
    """Everything that stops a tender being published, each naming its figures."""
    problems = weight_problems(
        price=price, quality=quality, social_value=social_value, justification=justification
    )
    problems += criteria_problems(quality_weight=quality, criterion_weights=criterion_weights)
    if social_value > 0:
        problems += split_problems(shares=shares, indicators_offered=indicators_offered)
    if deadline <= now:
        problems.append(DEADLINE_PASSED.format(deadline=format_deadline(deadline)))
    return problems


def committed_value(*, commitments: Iterable[tuple[Decimal, Decimal | None]]) -> Decimal:
    """Σ quantity × proxy (£ per unit), exact, rounded half up to the penny only at the end.
    Commitments to indicators without a proxy count £0. Information beside a bid, never a score."""
    total = sum((quantity * proxy for quantity, proxy in commitments if proxy is not None), Decimal(0))
    return total.quantize(PENNY, rounding=ROUND_HALF_UP)


def bid_problems(
    *, price: Decimal | None, commitments: Iterable[tuple[str, Decimal]], offered_codes: Collection[str]
) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}
    if price is None or price <= 0:
        problems["price"] = [PRICE_MUST_BE_POSITIVE]
    commitment_problems = []
    for code, quantity in commitments:
        if code not in offered_codes:
            commitment_problems.append(INDICATOR_NOT_OFFERED.format(code=code))
        elif quantity < 0:
            commitment_problems.append(QUANTITY_NOT_NEGATIVE.format(code=code))
    if commitment_problems:
        problems["commitments"] = commitment_problems
    return problems


def five_point_scoring_scale() -> list[tuple[int, str, str]]:
    """A common alternative: five points from 0 to 100 in steps of 25."""
    return [
        (0, "Unacceptable", "No response, or the response is unacceptable or does not answer the question."),
        (25, "Poor", "The response addresses the requirement only in part, with significant gaps."),
        (50, "Satisfactory", "The response meets the requirement, with adequate evidence."),
        (75, "Good", "The response meets the requirement in full, with good evidence."),
        (100, "Excellent", "The response exceeds the requirement, with strong evidence."),
    ]


def default_scoring_scale() -> list[tuple[int, str, str]]:
    """DESIGN §5.3: the scale every tender starts with (value, label, descriptor)."""
    return [
        (0, "Unacceptable", "No response, or the response is unacceptable or does not answer the question."),
        (
            20,
            "Poor",
            "The response addresses the requirement only in part, with major gaps or little evidence.",
        ),
        (40, "Limited", "The response addresses the requirement with some gaps or limited evidence."),
        (60, "Satisfactory", "The response meets the requirement, with adequate evidence."),
        (80, "Good", "The response meets the requirement in full, with good evidence."),
        (100, "Excellent", "The response exceeds the requirement, with strong evidence."),
    ]


SCORING_SCALES = {
    "six_point": ("0 to 100 in steps of 20 (six points; the default)", default_scoring_scale),
    "five_point": ("0 to 100 in steps of 25 (five points)", five_point_scoring_scale),
}
