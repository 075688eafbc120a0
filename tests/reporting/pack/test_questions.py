"""The questions for the board: each rule with worked examples at every boundary, hypothesis properties, and
hostile names that stay exactly as given (escaping is the template's job)."""

import inspect
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from procurement.delivery import AMBER, GREEN, NOT_STARTED, RED
from reporting.pack.questions import (
    RULES,
    Question,
    never_delivered,
    red_for_quarters,
    review_overdue,
    thin_wards,
    unused_indicators,
    weight_gaps,
)

D = Decimal
HOSTILE = '<script>alert("x")</script> & Co'
ARABIC_DIGITS = "Ward ٣٤"  # Arabic-Indic digits stay as given text
RULE_FUNCTIONS = [
    weight_gaps,
    unused_indicators,
    never_delivered,
    red_for_quarters,
    thin_wards,
    review_overdue,
]


# --- The rules as the pack prints them ----------------------------------------------------------------------
def test_every_rule_has_a_title_and_its_docstring_states_it_in_one_sentence():
    assert set(RULES) == {f.__name__ for f in RULE_FUNCTIONS}
    for function in RULE_FUNCTIONS:
        title, statement = RULES[function.__name__]
        first_paragraph = " ".join(inspect.getdoc(function).split("\n\n")[0].split())
        assert first_paragraph == statement
        assert title and title[0].isupper() and not title.endswith(".")
        assert statement.endswith(".") and statement.count(". ") == 0


def test_the_printed_rules_state_the_default_threshold_and_run():
    gap = inspect.signature(weight_gaps).parameters["threshold"].default
    run = inspect.signature(red_for_quarters).parameters["minimum"].default
    assert f"more than {gap} percentage points" in RULES["weight_gaps"][1]
    assert f"last {run} or more quarter ends" in RULES["red_for_quarters"][1]


def test_a_question_survives_a_snapshot():
    asked = red_for_quarters({"K-1": [RED, RED]})[0]
    assert asked.as_json() == {
        "rule": "red_for_quarters",
        "question": "What is being done to bring contract K-1 back on track?",
        "figures": "It was at red at each of its last 2 quarter ends.",
        "public": False,
    }
    assert Question.from_json(asked.as_json()) == asked


# --- Tender weights against residents' priorities -----------------------------------------------------------
# tests/reporting/dataset.py: residents' proposed split of Priorities 2025 and the split of tenders published
# since it closed, by estimated value (DASH-001 £200,000 1: 50, 3: 30, 6: 20; DASH-003 £100,000 1: 20, 2: 40,
# 4: 40): outcome 1 is 40.0 against 30 (+10.0) and outcome 5 0.0 against 10 (-10.0), both exactly the
# threshold.
DATASET_RESIDENTS = {1: 30, 2: 10, 3: 20, 4: 10, 5: 10, 6: 20}
DATASET_TENDERS = {1: D("40.0"), 2: D("13.3"), 3: D("20.0"), 4: D("13.3"), 5: D("0.0"), 6: D("13.3")}


def test_a_gap_of_exactly_the_threshold_is_not_a_question():
    assert weight_gaps(DATASET_RESIDENTS, DATASET_TENDERS, {}) == []
    assert weight_gaps({1: 30}, {1: D("40.1")}, {}) != []
    assert weight_gaps({5: 10}, {5: D("-0.1")}, {}) != []  # 10.1 below: asked too


def test_a_gap_question_says_which_way_and_by_how_much():
    asked = weight_gaps({2: 30}, {2: D("12.5")}, {2: "Healthier communities"})
    assert asked == [
        Question(
            rule="weight_gaps",
            question="Should tenders give more weight to Outcome 2, Healthier communities?",
            figures="Tenders gave it 12.5% of the social value weight, residents 30% (17.5 points less).",
        )
    ]
    assert weight_gaps({1: 30}, {1: D("40.1")}, {1: "Local skills and jobs"}) == [
        Question(
            rule="weight_gaps",
            question="Should tenders give less weight to Outcome 1, Local skills and jobs?",
            figures="Tenders gave it 40.1% of the social value weight, residents 30% (10.1 points more).",
        )
    ]


def test_gap_questions_come_largest_first_and_skip_outcomes_without_both_figures():
    residents = {1: 30, 2: 10, 3: 20, 4: None, 5: 10, 6: 20}
    tenders = {1: D("45.0"), 2: D("30.0"), 3: D("5.0"), 4: D("50.0"), 5: None, 7: D("90.0")}
    titles = {1: "One", 3: "Three"}
    assert [q.question for q in weight_gaps(residents, tenders, titles)] == [
        "Should tenders give less weight to Outcome 2?",  # +20.0, no title
        "Should tenders give less weight to Outcome 1, One?",  # +15.0, ties with 3: lower number first
        "Should tenders give more weight to Outcome 3, Three?",  # -15.0
    ]
    assert (
        weight_gaps(residents, tenders, titles, threshold=D(15))
        == weight_gaps(residents, tenders, titles)[:1]
    )


def test_an_outcome_title_stays_as_given():
    asked = weight_gaps({6: 0}, {6: D("50.0")}, {6: HOSTILE + " ٣"})
    assert asked[0].question == f"Should tenders give less weight to Outcome 6, {HOSTILE} ٣?"


shares = st.dictionaries(st.integers(1, 6), st.one_of(st.none(), st.integers(0, 100)))
tender_shares = st.dictionaries(
    st.integers(1, 6), st.one_of(st.none(), st.integers(0, 1000).map(lambda n: D(n).scaleb(-1)))
)


@settings(max_examples=200)
@given(residents=shares, tenders=tender_shares, threshold=st.integers(0, 200).map(lambda n: D(n).scaleb(-1)))
def test_a_gap_question_is_asked_iff_the_gap_is_over_the_threshold_largest_first(
    residents, tenders, threshold
):
    asked = weight_gaps(residents, tenders, {n: f"Title {n}" for n in range(1, 7)}, threshold=threshold)
    gaps = {
        n: tenders[n] - residents[n]
        for n in residents.keys() & tenders.keys()
        if residents[n] is not None and tenders[n] is not None
    }
    expected = sorted(
        (n for n, gap in gaps.items() if abs(gap) > threshold), key=lambda n: (-abs(gaps[n]), n)
    )
    assert [q.question.split("Outcome ")[1].split(",")[0] for q in asked] == [str(n) for n in expected]
    for q, n in zip(asked, expected, strict=True):
        assert ("more weight" in q.question) == (gaps[n] < 0)
        assert q.figures.endswith(f"({abs(gaps[n])} points {'less' if gaps[n] < 0 else 'more'}).")


# --- Indicators no tender offered ---------------------------------------------------------------------------
def test_indicators_no_tender_offered_are_asked_about_in_the_order_given():
    indicators = [
        ("NT1", "Local people employed"),
        ("NT10", "Volunteering hours"),
        ("NT3", "Apprenticeships"),
    ]
    asked = unused_indicators(indicators, used={"NT10", "XX9"})
    assert asked == [
        Question(
            rule="unused_indicators",
            question=(
                "Why did no tender offer indicator NT1, Local people employed, "
                "and does the model still need it?"
            ),
            figures="No tender published in the period offered it to bidders.",
        ),
        Question(
            rule="unused_indicators",
            question=(
                "Why did no tender offer indicator NT3, Apprenticeships, and does the model still need it?"
            ),
            figures="No tender published in the period offered it to bidders.",
        ),
    ]
    assert unused_indicators(indicators, used=["NT1", "NT3", "NT10"]) == []
    assert unused_indicators([], used=[]) == []


def test_an_indicator_name_and_code_stay_as_given():
    (asked,) = unused_indicators([("٣٤", HOSTILE)], used=["34"])  # Arabic-Indic 34 is not the code "34"
    assert (
        asked.question
        == f"Why did no tender offer indicator ٣٤, {HOSTILE}, and does the model still need it?"
    )


@given(
    codes=st.lists(st.text(min_size=1, max_size=4), unique=True, max_size=12),
    used=st.sets(st.text(min_size=1, max_size=4), max_size=12),
)
def test_exactly_the_indicators_not_used_are_asked_about(codes, used):
    asked = unused_indicators([(c, "Name") for c in codes], used)
    assert [q.question for q in asked] == [
        f"Why did no tender offer indicator {c}, Name, and does the model still need it?"
        for c in codes
        if c not in used
    ]


# --- Commitments with nothing delivered ---------------------------------------------------------------------
def test_an_indicator_is_asked_about_only_when_committed_expected_and_nothing_delivered():
    totals = {
        "NT1": ("Local people employed", D(10), D("2.5"), D(0)),  # asked
        "NT2": ("Nothing committed", D(0), D(0), D(0)),
        "NT3": ("Nothing expected yet", D(4), D(0), D(0)),
        "NT4": ("A little delivered", D(4), D(2), D("0.01")),
        "NT5": ("Weeks of training", D(1200), D("1200.5"), D("0.00")),  # asked
    }
    assert never_delivered(totals) == [
        Question(
            rule="never_delivered",
            question="Why has nothing been delivered for indicator NT1, Local people employed?",
            figures="Contracts committed 10 and expected 2.5 by now, but none has been delivered.",
        ),
        Question(
            rule="never_delivered",
            question="Why has nothing been delivered for indicator NT5, Weeks of training?",
            figures="Contracts committed 1,200 and expected 1,200.5 by now, but none has been delivered.",
        ),
    ]


def test_an_undelivered_indicator_name_stays_as_given():
    (asked,) = never_delivered({"NT1": (HOSTILE, D(1), D(1), D(0))})
    assert HOSTILE in asked.question


quantities = st.integers(0, 3).map(D)


@given(
    totals=st.dictionaries(
        st.text(max_size=3), st.tuples(st.just("Name"), quantities, quantities, quantities)
    )
)
def test_never_delivered_is_asked_iff_committed_and_expected_but_none_delivered(totals):
    asked = never_delivered(totals)
    expected = [code for code, (_, c, e, d) in totals.items() if c > 0 and e > 0 and d == 0]
    assert [q.question for q in asked] == [
        f"Why has nothing been delivered for indicator {code}, Name?" for code in expected
    ]


# --- Contracts at red quarter after quarter -----------------------------------------------------------------
@pytest.mark.parametrize(
    "history, asked",
    [
        ([], False),
        ([RED], False),  # one red quarter end is not a question
        ([RED, RED], True),  # two are
        ([RED, AMBER, RED], False),  # not consecutive
        ([RED, RED, AMBER], False),  # red before, not at the latest quarter end
        ([GREEN, RED, RED], True),
        ([NOT_STARTED, NOT_STARTED], False),
    ],
)
def test_a_contract_is_asked_about_after_two_consecutive_red_quarter_ends(history, asked):
    assert bool(red_for_quarters({"K-1": history})) is asked


def test_red_contracts_come_longest_run_first_and_are_not_public():
    histories = {"K-2": [RED, RED], "K-9": [GREEN, RED, RED, RED], "K-1": [AMBER, RED, RED], "K-3": [RED]}
    asked = red_for_quarters(histories)
    assert [(q.question, q.figures) for q in asked] == [
        (
            "What is being done to bring contract K-9 back on track?",
            "It was at red at each of its last 3 quarter ends.",
        ),
        (
            "What is being done to bring contract K-1 back on track?",
            "It was at red at each of its last 2 quarter ends.",
        ),
        (
            "What is being done to bring contract K-2 back on track?",
            "It was at red at each of its last 2 quarter ends.",
        ),
    ]
    assert {q.public for q in asked} == {False}
    assert [q.figures for q in red_for_quarters(histories, minimum=1)][
        -1
    ] == "It was at red at its last quarter end."
    assert [q.question for q in red_for_quarters(histories, minimum=3)] == [asked[0].question]
    with pytest.raises(ValueError):
        red_for_quarters(histories, minimum=0)


def test_a_contract_reference_stays_as_given():
    (asked,) = red_for_quarters({HOSTILE + "٣": [RED, RED]})
    assert asked.question == f"What is being done to bring contract {HOSTILE}٣ back on track?"


statuses = st.lists(st.sampled_from([RED, AMBER, GREEN, NOT_STARTED]), max_size=8)


@given(history=statuses, minimum=st.integers(1, 5))
def test_a_contract_is_asked_about_iff_its_latest_quarter_ends_are_all_red(history, minimum):
    asked = red_for_quarters({"K-1": history}, minimum=minimum)
    assert bool(asked) == (len(history) >= minimum and all(s == RED for s in history[-minimum:]))


# --- Wards with too few responses ---------------------------------------------------------------------------
def test_one_question_names_every_ward_with_too_few_responses():
    coverage = [("Halewood North", None), ("Prescot South", 24), ("Whiston", None), ("Page Moss", None)]
    assert thin_wards(coverage, "Priorities 2025") == [
        Question(
            rule="thin_wards",
            question=(
                "How can the next consultation hear from more residents in "
                "Halewood North, Whiston and Page Moss?"
            ),
            figures="In Priorities 2025, 3 of 4 wards had too few responses to show.",
        )
    ]
    (one,) = thin_wards([("Halewood North", None), ("Whiston", 12)], "Priorities 2025")
    assert one.question == "How can the next consultation hear from more residents in Halewood North?"
    assert one.figures == "In Priorities 2025, 1 of 2 wards had too few responses to show."


def test_no_ward_question_when_every_count_is_shown():
    assert thin_wards([("Whiston", 10), ("Prescot South", 0)], "Priorities 2025") == []
    assert thin_wards([], "Priorities 2025") == []


def test_ward_and_consultation_names_stay_as_given():
    (asked,) = thin_wards([(HOSTILE, None), (ARABIC_DIGITS, None)], "<b>Priorities</b> ٢٠٢٥")
    assert asked.question.endswith(f"in {HOSTILE} and {ARABIC_DIGITS}?")
    assert asked.figures.startswith("In <b>Priorities</b> ٢٠٢٥, 2 of 2 wards")


# --- The model's annual review ------------------------------------------------------------------------------
def test_the_review_is_asked_about_from_the_day_after_it_was_due():
    due = date(2026, 12, 1)  # tests/reporting/dataset.py: reviewed 1 December 2025
    assert review_overdue(due, today=date(2026, 11, 30)) == []
    assert review_overdue(due, today=due) == []
    assert review_overdue(None, today=due) == []
    assert review_overdue(due, today=date(2026, 12, 2)) == [
        Question(
            rule="review_overdue",
            question="When will the board review the model?",
            figures="Its annual review was due on 1 December 2026, 1 day ago.",
        )
    ]
    (late,) = review_overdue(due, today=date(2027, 1, 31))
    assert late.figures == "Its annual review was due on 1 December 2026, 61 days ago."
