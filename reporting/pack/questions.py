"""The questions for the board (pure): each drawn from the pack's figures by one stated rule.

Every rule is one function over plain values (no database, no request) that returns the questions it asks,
in a fixed order. The first paragraph of its docstring is the rule as the pack prints it beside its
questions; RULES holds the same sentences (tests/reporting/pack/test_questions.py keeps the two equal).
Names and titles stay exactly as given: escaping them is the template's job.
"""

from collections.abc import Collection, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import date
from decimal import Decimal

from knowsley_sv import formatting
from outcomes.rules import is_review_overdue
from procurement.delivery import RED

from ..arithmetic import to_tenth
from .words import listing as _listed
from .words import plural as _plural

GAP_THRESHOLD = Decimal(10)  # percentage points
RED_QUARTERS = 2


@dataclass(frozen=True)
class Question:
    rule: str  # a key of RULES
    question: str  # "Should tenders give more weight to Outcome 2, Healthier communities?"
    figures: str  # the figures behind it, one short sentence
    # In the pack's public version? False where the question names one supplier's contract (its performance
    # is commercially confidential, as Table.public).
    public: bool = True

    def as_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> "Question":
        return cls(**data)


def _outcome(number: int, titles: Mapping[int, str]) -> str:
    title = titles.get(number, "")
    return f"Outcome {number}, {title}" if title else f"Outcome {number}"


def _indicator(code: str, name: str) -> str:
    return f"indicator {code}, {name}" if name else f"indicator {code}"


def weight_gaps(
    residents: Mapping[int, int | None],
    tenders: Mapping[int, Decimal | None],
    titles: Mapping[int, str],
    threshold: Decimal = GAP_THRESHOLD,
) -> list[Question]:
    """The pack asks about an outcome when the average share of the social value weight that tenders gave it
    differs from residents' proposed share by more than 10 percentage points.

    residents: outcome number -> the consultation's proposed share (whole %); tenders: outcome number -> the
    tenders' average share (% to 0.1), as the dashboard's priorities table has them. An outcome without
    either figure is not asked about. Largest gap first, then by outcome number."""
    gaps = []
    for number in sorted(residents.keys() & tenders.keys()):
        wanted, given = residents[number], tenders[number]
        if wanted is None or given is None:
            continue
        difference = Decimal(given) - wanted
        if abs(difference) > threshold:
            gaps.append((-abs(difference), number, wanted, given, difference))
    gaps.sort()
    questions = []
    for _, number, wanted, given, difference in gaps:
        more_or_less = "more" if difference < 0 else "less"
        less_or_more = "less" if difference < 0 else "more"
        questions.append(
            Question(
                rule="weight_gaps",
                question=f"Should tenders give {more_or_less} weight to {_outcome(number, titles)}?",
                figures=(
                    f"Tenders gave it {formatting.percentage(given)} of the social value weight, "
                    f"residents {wanted}% ({to_tenth(abs(difference))} points {less_or_more})."
                ),
            )
        )
    return questions


def unused_indicators(indicators: Sequence[tuple[str, str]], used: Collection[str]) -> list[Question]:
    """The pack asks about an indicator of the model when no tender published in the period offered it to
    bidders.

    indicators: (code, name) of each of the model's indicators, in the order the pack lists them; used: the
    codes that tenders published in the period offered."""
    offered = set(used)
    return [
        Question(
            rule="unused_indicators",
            question=f"Why did no tender offer {_indicator(code, name)}, and does the model still need it?",
            figures="No tender published in the period offered it to bidders.",
        )
        for code, name in indicators
        if code not in offered
    ]


def never_delivered(totals: Mapping[str, tuple[str, Decimal, Decimal, Decimal]]) -> list[Question]:
    """The pack asks about an indicator when contracts committed to it and expected some of it by now, but
    nothing has been delivered.

    totals: indicator code -> (name, committed, expected to date, delivered), quantities in the indicator's
    own unit summed over the contracts. In the order given."""
    return [
        Question(
            rule="never_delivered",
            question=f"Why has nothing been delivered for {_indicator(code, name)}?",
            figures=(
                f"Contracts committed {formatting.quantity(committed)} and expected "
                f"{formatting.quantity(expected)} by now, but none has been delivered."
            ),
        )
        for code, (name, committed, expected, delivered) in totals.items()
        if committed > 0 and expected > 0 and delivered == 0
    ]


def _red_run(statuses: Sequence[str]) -> int:
    """How many of the latest statuses, counting back from the last, are red in a row."""
    run = 0
    for status in reversed(statuses):
        if status != RED:
            break
        run += 1
    return run


def red_for_quarters(histories: Mapping[str, Sequence[str]], minimum: int = RED_QUARTERS) -> list[Question]:
    """The pack asks about a contract when it was at red at each of its last 2 or more quarter ends.

    histories: contract reference -> its status at each quarter end, oldest first (procurement.delivery's
    RED, AMBER, GREEN, NOT_STARTED). Longest run of red first, then by reference. The questions name
    contracts, so they are left out of the pack's public version."""
    if minimum < 1:
        raise ValueError(f"A run of red needs at least 1 quarter end, not {minimum}.")
    runs = sorted(
        ((reference, _red_run(statuses)) for reference, statuses in histories.items()),
        key=lambda item: (-item[1], item[0]),
    )
    return [
        Question(
            rule="red_for_quarters",
            question=f"What is being done to bring contract {reference} back on track?",
            figures=(
                "It was at red at its last quarter end."
                if run == 1
                else f"It was at red at each of its last {run:,} quarter ends."
            ),
            public=False,
        )
        for reference, run in runs
        if run >= minimum
    ]


def thin_wards(coverage: Sequence[tuple[str, int | None]], consultation: str) -> list[Question]:
    """The pack asks about the wards where a consultation that closed in the period had too few responses to
    show.

    coverage: (ward, responses) for each ward in the order the results list them, responses None where the
    results hide the count (too few to show). One question for the consultation, naming every such ward;
    none when every ward's count is shown."""
    thin = [ward for ward, responses in coverage if responses is None]
    if not thin:
        return []
    return [
        Question(
            rule="thin_wards",
            question=f"How can the next consultation hear from more residents in {_listed(thin)}?",
            figures=(
                f"In {consultation}, {len(thin):,} of {_plural(len(coverage), 'ward', 'wards')} "
                "had too few responses to show."
            ),
        )
    ]


def review_overdue(due_on: date | None, today: date) -> list[Question]:
    """The pack asks about the model's annual review when the day it was due has passed.

    due_on: when the adopted model's review is due (None when no model is adopted: nothing to ask)."""
    if not is_review_overdue(due_on=due_on, today=today):
        return []
    late = _plural((today - due_on).days, "day", "days")
    return [
        Question(
            rule="review_overdue",
            question="When will the board review the model?",
            figures=f"Its annual review was due on {formatting.day(due_on)}, {late} ago.",
        )
    ]


# rule key -> (title, the rule in one sentence): the pack prints them beside the questions.
RULES: dict[str, tuple[str, str]] = {
    "weight_gaps": (
        "Tender weights and residents' priorities",
        "The pack asks about an outcome when the average share of the social value weight that tenders gave "
        "it differs from residents' proposed share by more than 10 percentage points.",
    ),
    "unused_indicators": (
        "Indicators no tender offered",
        "The pack asks about an indicator of the model when no tender published in the period offered it to "
        "bidders.",
    ),
    "never_delivered": (
        "Commitments with nothing delivered",
        "The pack asks about an indicator when contracts committed to it and expected some of it by now, but "
        "nothing has been delivered.",
    ),
    "red_for_quarters": (
        "Contracts at red quarter after quarter",
        "The pack asks about a contract when it was at red at each of its last 2 or more quarter ends.",
    ),
    "thin_wards": (
        "Wards with too few responses",
        "The pack asks about the wards where a consultation that closed in the period had too few responses "
        "to show.",
    ),
    "review_overdue": (
        "The model's annual review",
        "The pack asks about the model's annual review when the day it was due has passed.",
    ),
}
