"""consultation.rules: the points a resident types, by worked examples and by properties. No database."""

import inspect

import pytest
from hypothesis import given
from hypothesis import strategies as st

from consultation import rules
from consultation.rules import (
    AT_MOST_100,
    ENTER_WHOLE_NUMBER,
    MUST_TOTAL_100,
    NOT_NEGATIVE,
    allocation_problems,
    answers_fingerprint,
    client_key,
    device_key,
    parse_points,
    running_total,
)

NUMBERS = range(1, 7)


def typed(**by_number) -> dict[int, object]:
    """Six outcomes, blank unless given: typed(o1="40", o2="60")."""
    points: dict[int, object] = dict.fromkeys(NUMBERS, "")
    for key, value in by_number.items():
        points[int(key.removeprefix("o"))] = value
    return points


# --- allocation_problems: worked examples -------------------------------------------------------------------
def test_a_valid_allocation_has_no_problems():
    assert allocation_problems({1: "30", 2: "20", 3: "15", 4: "10", 5: "10", 6: "15"}) == {}


def test_ints_are_accepted_as_well_as_strings():
    assert allocation_problems({1: 30, 2: 20, 3: 15, 4: 10, 5: 10, 6: 15}) == {}


def test_blanks_count_as_zero():
    assert allocation_problems(typed(o1="60", o4="40")) == {}
    assert allocation_problems(typed(o2="100")) == {}
    assert allocation_problems({1: None, 2: "100", 3: "", 4: "  ", 5: None, 6: ""}) == {}
    assert allocation_problems({1: "60", 2: "40", 3: "", 4: None, 5: "0", 6: " "}) == {}


def test_all_blank_totals_zero():
    assert allocation_problems(typed()) == {None: MUST_TOTAL_100.format(total=0)}
    assert allocation_problems(typed()) == {
        None: "Your points must add up to 100. At the moment they add up to 0."
    }


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("12.5", ENTER_WHOLE_NUMBER),
        ("ten", ENTER_WHOLE_NUMBER),
        ("1e2", ENTER_WHOLE_NUMBER),
        ("20%", ENTER_WHOLE_NUMBER),
        ("-3", NOT_NEGATIVE),
        ("150", AT_MOST_100),
        ("101", AT_MOST_100),
    ],
)
@pytest.mark.parametrize("number", [1, 4, 6])
def test_a_bad_value_names_its_outcome(raw, message, number):
    points = typed(o1="50", o2="50")
    points[number] = raw
    assert allocation_problems(points) == {number: message.format(number=number)}


def test_messages_read_as_plain_english():
    assert allocation_problems(typed(o3="12.5")) == {
        3: "Enter the points for outcome 3 as a whole number, like 20"
    }
    assert allocation_problems(typed(o2="-3")) == {2: "Points for outcome 2 cannot be less than 0"}
    assert allocation_problems(typed(o5="150")) == {5: "Points for outcome 5 cannot be more than 100"}


def test_every_bad_value_is_reported_and_the_total_waits_until_they_are_fixed():
    problems = allocation_problems({1: "ten", 2: "-3", 3: "150", 4: "12.5", 5: "", 6: "10"})
    assert problems == {
        1: ENTER_WHOLE_NUMBER.format(number=1),
        2: NOT_NEGATIVE.format(number=2),
        3: AT_MOST_100.format(number=3),
        4: ENTER_WHOLE_NUMBER.format(number=4),
    }
    assert None not in problems
    # the good values add up to 100 here: each bad one still gets its own message
    assert allocation_problems({1: "12.5", 2: "ten", 3: "-3", 4: "150", 5: "50", 6: "50"}) == {
        1: ENTER_WHOLE_NUMBER.format(number=1),
        2: ENTER_WHOLE_NUMBER.format(number=2),
        3: NOT_NEGATIVE.format(number=3),
        4: AT_MOST_100.format(number=4),
    }


@pytest.mark.parametrize(
    ("points", "total"),
    [
        (typed(o1="90"), 90),
        (typed(o1="50", o2="40"), 90),
        (typed(o1="60", o2="50"), 110),
        ({1: "100", 2: "100", 3: "100", 4: "100", 5: "100", 6: "100"}, 600),
        (typed(o1="99"), 99),
        (typed(o1="0", o2="0"), 0),
        ({1: "50", 2: "40"}, 90),  # outcomes left out altogether count as zero too
    ],
)
def test_a_total_other_than_100_says_the_current_total(points, total):
    assert allocation_problems(points) == {None: MUST_TOTAL_100.format(total=total)}


def test_the_total_message_shows_the_number():
    assert allocation_problems(typed(o1="50", o2="40")) == {
        None: "Your points must add up to 100. At the moment they add up to 90."
    }


def test_surrounding_spaces_and_a_plus_sign_are_tolerated():
    assert allocation_problems(typed(o1=" 40 ", o2="+60")) == {}


# --- parse_points -------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("raw", "value"),
    [
        (None, 0),
        ("", 0),
        ("   ", 0),
        ("0", 0),
        ("20", 20),
        (" 20 ", 20),
        ("007", 7),
        ("+5", 5),
        ("-3", -3),
        ("150", 150),
        ("9999", 9999),
        (35, 35),
        (0, 0),
        ("12.5", None),
        ("ten", None),
        ("1e2", None),
        ("1,000", None),
        ("20 points", None),
        ("-", None),
        ("99999", 99999),  # a number, refused by the range check with its own message
        ("1234567", None),  # more than six digits is not read as a number
        ("7", 7),
        (" 8 ", 8),
        ("x", None),
        ("-2", -2),
    ],
)
def test_parse_points(raw, value):
    assert parse_points(raw) == value


def test_only_ascii_digits_are_whole_numbers_and_big_numbers_are_out_of_range():
    assert [parse_points(v) for v in ("²", "+-5", "٣", "10000")] == [None, None, None, 10000]
    assert allocation_problems({1: "10000"}) == {1: AT_MOST_100.format(number=1)}


# --- running_total ------------------------------------------------------------------------------------------
def test_running_total_adds_the_whole_numbers_typed_so_far():
    assert running_total({1: "20", 2: "abc", 3: "", 4: None, 5: "30", 6: "12.5"}) == 50
    assert running_total({1: "10", 2: "abc", 3: "25"}) == 35


def test_running_total_counts_out_of_range_numbers_as_typed():
    # The page says what the resident typed adds up to, even if one of them is refused.
    assert running_total({1: "150", 2: "-3", 3: "10"}) == 157


def test_running_total_of_nothing_is_zero():
    assert running_total({}) == 0
    assert running_total(typed()) == 0


def test_running_total_of_a_valid_allocation_is_100():
    assert running_total({1: 30, 2: "20", 3: "15", 4: "10", 5: "10", 6: "15"}) == rules.TOTAL_POINTS


# --- answers_fingerprint ------------------------------------------------------------------------------------
ANSWERS = {
    "points": {"1": 30, "2": 20, "3": 15, "4": 10, "5": 10, "6": 15},
    "comments": {"1": "More apprenticeships"},
    "missing": "",
    "ward_id": 3,
    "consent": True,
}


def test_fingerprint_is_stable_under_key_order():
    reordered = {
        "consent": True,
        "ward_id": 3,
        "missing": "",
        "comments": {"1": "More apprenticeships"},
        "points": {"6": 15, "5": 10, "4": 10, "3": 15, "2": 20, "1": 30},
    }
    assert answers_fingerprint(reordered) == answers_fingerprint(ANSWERS)
    assert answers_fingerprint({"a": 1, "b": 2}) == answers_fingerprint({"b": 2, "a": 1})


def test_fingerprint_is_a_sha256_hex_digest():
    fingerprint = answers_fingerprint(ANSWERS)
    assert len(fingerprint) == 64
    int(fingerprint, 16)


@pytest.mark.parametrize(
    "change",
    [
        {"points": {**ANSWERS["points"], "1": 29, "2": 21}},
        {"comments": {"1": "More apprenticeships!"}},
        {"ward_id": None},
        {"consent": False},
    ],
)
def test_fingerprint_changes_when_any_answer_changes(change):
    assert answers_fingerprint({**ANSWERS, **change}) != answers_fingerprint(ANSWERS)


# --- client_key and device_key -----------------------------------------------------------------------------
ADDRESS = "203.0.113.7"


def test_client_key_is_stable_for_the_same_address_and_secret():
    assert client_key(secret="one", address=ADDRESS) == client_key(secret="one", address=ADDRESS)


def test_client_key_differs_by_secret_and_address():
    key = client_key(secret="one", address=ADDRESS)
    assert client_key(secret="two", address=ADDRESS) != key
    assert client_key(secret="one", address="203.0.113.8") != key


def test_the_device_key_differs_by_browser_but_the_client_key_does_not_see_it():
    """Changing the User-Agent makes another device (accepted once apart), never another client (the rate
    limit and the duplicate flag)."""
    one = device_key(secret="one", address=ADDRESS, user_agent="Mozilla/5.0 (Android 14)")
    assert device_key(secret="one", address=ADDRESS, user_agent="curl/8.5") != one
    assert device_key(secret="one", address="203.0.113.8", user_agent="Mozilla/5.0 (Android 14)") != one
    assert "user_agent" not in inspect.signature(client_key).parameters


@pytest.mark.parametrize(
    "key",
    [
        client_key(secret="one", address=ADDRESS),
        device_key(secret="one", address=ADDRESS, user_agent="Mozilla/5.0"),
    ],
)
def test_keys_do_not_contain_the_address(key):
    assert len(key) == 32
    assert ADDRESS not in key
    int(key, 16)


# --- Properties ---------------------------------------------------------------------------------------------
six_points = st.lists(st.integers(min_value=0, max_value=100), min_size=6, max_size=6)


@st.composite
def six_points_totalling_100(draw):
    """Six whole numbers from 0 to 100 that add up to exactly 100 (cut 0..100 at five points)."""
    cuts = sorted(draw(st.lists(st.integers(min_value=0, max_value=100), min_size=5, max_size=5)))
    bounds = [0, *cuts, 100]
    return [bounds[i + 1] - bounds[i] for i in range(6)]


@given(six_points)
def test_six_whole_numbers_have_no_problems_exactly_when_they_total_100(values):
    points = dict(zip(NUMBERS, values, strict=True))
    problems = allocation_problems(points)
    assert (problems == {}) == (sum(values) == 100)
    if problems:
        assert problems == {None: MUST_TOTAL_100.format(total=sum(values))}
    assert allocation_problems({n: str(v) for n, v in points.items()}) == problems  # as typed


@given(six_points_totalling_100())
def test_six_whole_numbers_totalling_100_have_no_problems(values):
    assert sum(values) == 100
    assert allocation_problems(dict(zip(NUMBERS, values, strict=True))) == {}
    assert allocation_problems({n: str(v) for n, v in zip(NUMBERS, values, strict=True)}) == {}


@given(six_points)
def test_typed_strings_behave_like_the_numbers_they_spell(values):
    as_ints = dict(zip(NUMBERS, values, strict=True))
    as_text = {n: f" {v} " for n, v in as_ints.items()}
    assert allocation_problems(as_text) == allocation_problems(as_ints)
    assert running_total(as_text) == sum(values)


@given(st.lists(st.integers(min_value=-1000, max_value=1000), min_size=6, max_size=6))
def test_any_out_of_range_number_is_reported_against_its_outcome(values):
    problems = allocation_problems(dict(zip(NUMBERS, values, strict=True)))
    for number, value in zip(NUMBERS, values, strict=True):
        if value < 0:
            assert problems[number] == NOT_NEGATIVE.format(number=number)
        elif value > 100:
            assert problems[number] == AT_MOST_100.format(number=number)
        else:
            assert number not in problems


@given(st.dictionaries(st.text(max_size=5), st.integers() | st.text(max_size=10), max_size=8))
def test_fingerprint_ignores_insertion_order(answers):
    assert answers_fingerprint(dict(reversed(list(answers.items())))) == answers_fingerprint(answers)
