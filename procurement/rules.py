"""The rules of a tender, a bid, moderation and the award (DESIGN §5.1–5.3, §5.5): pure functions, no
Django, no ORM, no request. How a bid is scored is procurement/scoring.py.

Each check returns the problems it finds as plain-English sentences that name the figures ("weights add
up to 95, not 100"), empty when there are none. Forms and services show the sentences; tests assert them.
"""

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal, localcontext

from knowsley_sv import formatting
from knowsley_sv.money import EXACT_PRECISION, to_pennies

MIN_SOCIAL_VALUE_WEIGHT = 10
FLAG_SPREAD = 40  # evaluators' scores this far apart flag the row for moderation
STANDSTILL_WORKING_DAYS = 8
WEIGHTS_MUST_TOTAL_100 = "The price, quality and social value weights add up to {total}, not 100."
WEIGHT_OUT_OF_RANGE = "The {name} weight is {weight}%. Enter a whole number from 0 to 100."
SOCIAL_VALUE_UNDER_MINIMUM = (
    f"Social value is {{weight}}%, under the {MIN_SOCIAL_VALUE_WEIGHT}% minimum: give a justification."
)
CRITERIA_MUST_TOTAL_QUALITY = (
    "The quality criteria weights add up to {total}, not the quality weight of {quality}."
)
CRITERION_WEIGHT_OUT_OF_RANGE = (
    "Quality criterion {number} has a weight of {weight}. Enter a whole number from 1 to 100."
)
NO_CRITERIA = "Add at least one quality criterion, or set the quality weight to 0."
SPLIT_MUST_TOTAL_100 = "The social value split adds up to {total}%, not 100%."
SHARE_OUT_OF_RANGE = "Outcome {number} has a {share}% share. Enter a whole number from 0 to 100."
OUTCOME_NEEDS_INDICATOR = "Outcome {number} has a {share}% share but offers no indicator."
DEADLINE_PASSED = "The deadline, {deadline}, has passed. Set a later deadline before publishing."
TENDER_PERIOD_TOO_SHORT = (
    "The deadline for bids must be at least {days} days after the tender is published. "
    "Published on {published}, its deadline can be {earliest} or later."
)
DEADLINE_ONLY_LATER = (
    "The tender has been published, so its deadline for bids cannot move earlier than {deadline}. "
    "Suppliers are working to it."
)
PRICE_MUST_BE_POSITIVE = "Enter a price of more than £0."
QUANTITY_NOT_A_NUMBER = "Enter the quantity for {code} as a number."
QUANTITY_NOT_NEGATIVE = "The quantity for {code} cannot be negative."
INDICATOR_NOT_OFFERED = "Indicator {code} is not offered by this tender."


# --- a tender ---------------------------------------------------------------------------------------
def weight_problems(*, price: int, quality: int, social_value: int, justification: str) -> list[str]:
    """Whole percentages from 0 to 100 that add up to 100; social value under 10% needs a reason."""
    weights = {"price": price, "quality": quality, "social value": social_value}
    problems = []
    total = sum(weights.values())
    if total != 100:
        problems.append(WEIGHTS_MUST_TOTAL_100.format(total=total))
    problems += [
        WEIGHT_OUT_OF_RANGE.format(name=name, weight=weight)
        for name, weight in weights.items()
        if not 0 <= weight <= 100
    ]
    if 0 <= social_value < MIN_SOCIAL_VALUE_WEIGHT and not justification.strip():
        problems.append(SOCIAL_VALUE_UNDER_MINIMUM.format(weight=social_value))
    return problems


def criteria_problems(*, quality_weight: int, criterion_weights: Sequence[int]) -> list[str]:
    """The criteria's points (1 to 100 each) add up to the quality weight; none needed at quality 0."""
    if quality_weight > 0 and not criterion_weights:
        return [NO_CRITERIA]
    problems = []
    total = sum(criterion_weights)
    if total != quality_weight:
        problems.append(CRITERIA_MUST_TOTAL_QUALITY.format(total=total, quality=quality_weight))
    problems += [
        CRITERION_WEIGHT_OUT_OF_RANGE.format(number=number, weight=weight)
        for number, weight in enumerate(criterion_weights, start=1)
        if not 1 <= weight <= 100
    ]
    return problems


def split_problems(*, shares: Mapping[int, int], indicators_offered: Mapping[int, int]) -> list[str]:
    """shares: outcome number -> whole %; indicators_offered: outcome number -> indicators offered.
    The shares add up to 100, and each outcome given a share offers at least one indicator."""
    problems = []
    total = sum(shares.values())
    if total != 100:
        problems.append(SPLIT_MUST_TOTAL_100.format(total=total))
    for number, share in sorted(shares.items()):
        if not 0 <= share <= 100:
            problems.append(SHARE_OUT_OF_RANGE.format(number=number, share=share))
        if share > 0 and not indicators_offered.get(number):
            problems.append(OUTCOME_NEEDS_INDICATOR.format(number=number, share=share))
    return problems


def _day(moment: datetime) -> date:
    return formatting.uk_time(moment).date()


def tender_period_problems(*, published: datetime, deadline: datetime, minimum_days: int) -> list[str]:
    """The tendering period: the deadline's day (UK time) is at least `minimum_days` calendar days after the
    day of publication, or of republication after a withdrawal, which starts the count again.

    Published on 1 March 2027 with a 25-day minimum, a deadline at midday on 26 March 2027 is allowed and
    one on 25 March 2027 is refused, whatever the time of day of either."""
    earliest = _day(published) + timedelta(days=minimum_days)
    if _day(deadline) >= earliest:
        return []
    return [
        TENDER_PERIOD_TOO_SHORT.format(
            days=minimum_days, published=formatting.day(_day(published)), earliest=formatting.day(earliest)
        )
    ]


def deadline_change_problems(*, before: datetime, after: datetime, ever_published: bool) -> list[str]:
    """Once a tender has been published, its deadline only moves later, whatever its status since (a draft
    after a withdrawal included). Bids or not: a rule that held only when bids exist would tell the council
    whether any do, which the seal forbids (DESIGN §5.2).

    Published with a deadline of midday on 26 March 2027: 2 April is allowed, 26 March again is allowed,
    25 March is refused; a tender never published may move its deadline anywhere in the future."""
    if ever_published and after < before:
        return [DEADLINE_ONLY_LATER.format(deadline=formatting.moment(before))]
    return []


def publication_problems(**facts) -> list[str]:
    """Everything that stops a tender being published `now`, in the order of the steps that build it: the
    problems of problems_by_step (which takes the same keyword arguments), one list."""
    return [problem for problems in problems_by_step(**facts).values() for problem in problems]


def problems_by_step(
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
    minimum_days: int,
) -> dict[str, list[str]]:
    """What stops a tender being published `now`, under the step of the tender builder that puts each
    right (the task list). With a social value weight of 0 there is no split to check. A deadline that has
    passed is named once, not also as too short a tendering period."""
    return {  # in the order the problems are read: the deadline last
        "weights": weight_problems(
            price=price, quality=quality, social_value=social_value, justification=justification
        ),
        "criteria": criteria_problems(quality_weight=quality, criterion_weights=criterion_weights),
        "social_value": (
            split_problems(shares=shares, indicators_offered=indicators_offered) if social_value != 0 else []
        ),
        "details": (
            [DEADLINE_PASSED.format(deadline=formatting.moment(deadline))]
            if deadline <= now
            else tender_period_problems(published=now, deadline=deadline, minimum_days=minimum_days)
        ),
    }


# --- a bid ------------------------------------------------------------------------------------------
def committed_value(*, commitments: Iterable[tuple[Decimal, Decimal | None]]) -> Decimal:
    """Σ quantity × proxy (£ per unit) over (quantity, proxy) pairs, exact, rounded half up to the penny
    only at the end. An indicator without a proxy counts £0. A figure shown beside a bid, never a score."""
    with localcontext(prec=EXACT_PRECISION):
        total = sum((quantity * proxy for quantity, proxy in commitments if proxy is not None), Decimal(0))
        return to_pennies(total)


def bid_problems(
    *, price: Decimal | None, commitments: Iterable[tuple[str, Decimal]], offered_codes: Collection[str]
) -> dict[str, list[str]]:
    """Problems by field: "price" for a missing, zero or negative price; "commitments" for a quantity
    that is negative or not a number, or an indicator the tender does not offer (whatever its quantity)."""
    problems: dict[str, list[str]] = {}
    if price is None or not price.is_finite() or price <= 0:
        problems["price"] = [PRICE_MUST_BE_POSITIVE]
    commitment_problems = []
    for code, quantity in commitments:
        if code not in offered_codes:
            commitment_problems.append(INDICATOR_NOT_OFFERED.format(code=code))
        elif not quantity.is_finite():
            commitment_problems.append(QUANTITY_NOT_A_NUMBER.format(code=code))
        elif quantity < 0:
            commitment_problems.append(QUANTITY_NOT_NEGATIVE.format(code=code))
    if commitment_problems:
        problems["commitments"] = commitment_problems
    return problems


def revision_changes(before: Mapping, after: Mapping) -> tuple[dict, dict]:
    """What a revision changed, as (before, after) holding only the changed entries, one level deep:
    {"price": "1000.00", "answers": {"Q1": "A"}} then {"price": "950.00", "answers": {"Q1": "B"}} gives
    ({"price": "1000.00", "answers": {"Q1": "A"}}, {"price": "950.00", "answers": {"Q1": "B"}}); an entry
    added or removed shows as None on the side it is missing from. Nothing changed: ({}, {})."""
    old, new = {}, {}
    for key in dict.fromkeys([*before, *after]):
        was, now = before.get(key), after.get(key)
        if was == now:
            continue
        if isinstance(was, Mapping) and isinstance(now, Mapping):
            keys = [k for k in dict.fromkeys([*was, *now]) if was.get(k) != now.get(k)]
            old[key], new[key] = {k: was.get(k) for k in keys}, {k: now.get(k) for k in keys}
        else:
            old[key], new[key] = was, now
    return old, new


# --- the scoring scale (DESIGN §5.3) ----------------------------------------------------------------
def default_scoring_scale() -> list[tuple[int, str, str]]:
    """(value, label, descriptor): the scale every tender starts with."""
    return [
        (0, "Unacceptable", "No response, or the response is unacceptable"),
        (20, "Poor", "Falls well short of the requirement, with little or no evidence"),
        (40, "Limited", "Meets only part of the requirement, or gives limited evidence"),
        (60, "Satisfactory", "Meets the requirement"),
        (80, "Good", "Meets the requirement in full, with good evidence"),
        (100, "Excellent", "Exceeds the requirement with strong evidence"),
    ]


def five_point_scoring_scale() -> list[tuple[int, str, str]]:
    """A common alternative: five points from 0 to 100 in steps of 25."""
    return [
        (0, "Unacceptable", "No response, or the response is unacceptable"),
        (25, "Poor", "Falls short of the requirement, with little evidence"),
        (50, "Satisfactory", "Meets the requirement"),
        (75, "Good", "Meets the requirement in full, with good evidence"),
        (100, "Excellent", "Exceeds the requirement with strong evidence"),
    ]


SCORING_SCALES: dict[str, tuple[str, Callable[[], list[tuple[int, str, str]]]]] = {
    "six_point": ("0 to 100 in steps of 20 (six points; the default)", default_scoring_scale),
    "five_point": ("0 to 100 in steps of 25 (five points)", five_point_scoring_scale),
}


# --- moderation (DESIGN §5.3) ----------------------------------------------------------------------
def spread_flagged(scores: Sequence[int]) -> bool:
    """Evaluators differ by 40 or more on a line: moderation must look at it closely."""
    return len(scores) > 1 and max(scores) - min(scores) >= FLAG_SPREAD


# --- the award (DESIGN §5.5) ------------------------------------------------------------------------
def standstill_end(published: date, holidays: Mapping[date, str] | set[date]) -> date:
    """The last day of the standstill: 8 working days beginning with the day of publication, skipping
    weekends and the given bank holidays. The contract may be entered from the day after."""
    day, counted = published, 0
    while True:
        if day.weekday() < 5 and day not in holidays:
            counted += 1
            if counted == STANDSTILL_WORKING_DAYS:
                return day
        day += timedelta(days=1)


# --- What became of a bid, in the supplier's words ------------------------------------------------------
BID_WON = "Won"
BID_NOT_SUCCESSFUL = "Not successful"
BID_STILL_OPEN = "Still open"
BID_WITHDRAWN = "Withdrawn"
BID_NOT_SUBMITTED = "Not submitted"
TENDER_CANCELLED = "Tender cancelled"


def bid_outcome(*, bid_status: str, tender_status: str, won: bool, deadline_passed: bool) -> str:
    """Withdrawn and cancelled first (nothing else applies); a draft left at the deadline was never sent; a
    sent bid is won or not once the tender is awarded, and still open until then."""
    if bid_status == "withdrawn":
        return BID_WITHDRAWN
    if tender_status == "cancelled":
        return TENDER_CANCELLED
    if bid_status == "draft":
        return BID_NOT_SUBMITTED if deadline_passed else BID_STILL_OPEN
    if tender_status == "awarded":
        return BID_WON if won else BID_NOT_SUCCESSFUL
    return BID_STILL_OPEN
