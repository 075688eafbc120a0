from hypothesis import given
from hypothesis import strategies as st

from consultation import rules


def test_valid_allocations_have_no_problem_and_blanks_count_as_zero():
    assert rules.allocation_problems({1: "60", 2: "40", 3: "", 4: None, 5: "0", 6: " "}) == {}


def test_each_bad_value_gets_its_own_message():
    problems = rules.allocation_problems({1: "12.5", 2: "ten", 3: "-3", 4: "150", 5: "50", 6: "50"})
    assert problems == {
        1: rules.ENTER_WHOLE_NUMBER.format(number=1),
        2: rules.ENTER_WHOLE_NUMBER.format(number=2),
        3: rules.NOT_NEGATIVE.format(number=3),
        4: rules.AT_MOST_100.format(number=4),
    }


def test_a_wrong_total_says_the_current_total():
    assert rules.allocation_problems({1: "50", 2: "40"}) == {None: rules.MUST_TOTAL_100.format(total=90)}
    assert "At the moment they add up to 90." in rules.MUST_TOTAL_100.format(total=90)


def test_parse_points_and_running_total():
    assert [rules.parse_points(v) for v in ("7", " 8 ", "", None, "x", "1e2", "+5", "-2")] == [
        7,
        8,
        0,
        0,
        None,
        None,
        5,
        -2,
    ]
    assert rules.running_total({1: "10", 2: "abc", 3: "25"}) == 35


def test_fingerprint_ignores_key_order():
    assert rules.answers_fingerprint({"a": 1, "b": 2}) == rules.answers_fingerprint({"b": 2, "a": 1})


@given(st.lists(st.integers(min_value=0, max_value=100), min_size=6, max_size=6))
def test_six_whole_numbers_are_accepted_exactly_when_they_total_100(values):
    problems = rules.allocation_problems({n: str(v) for n, v in enumerate(values, start=1)})
    assert (problems == {}) == (sum(values) == 100)


def test_only_ascii_digits_are_whole_numbers_and_big_numbers_are_out_of_range():
    assert [rules.parse_points(v) for v in ("²", "+-5", "٣", "10000")] == [None, None, None, 10000]
    assert rules.allocation_problems({1: "10000"}) == {1: rules.AT_MOST_100.format(number=1)}
