"""Pure rules of the model: exact worked examples and properties."""

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from outcomes import rules


def test_review_is_due_a_year_after_adoption_without_reviews():
    assert rules.review_due_on(adopted_on=date(2026, 3, 14), last_review_on=None) == date(2027, 3, 14)


def test_review_is_due_a_year_after_the_last_review():
    assert rules.review_due_on(adopted_on=date(2025, 1, 10), last_review_on=date(2026, 2, 1)) == date(
        2027, 2, 1
    )


def test_a_review_older_than_the_adoption_does_not_bring_the_date_forward():
    assert rules.review_due_on(adopted_on=date(2026, 5, 1), last_review_on=date(2025, 12, 1)) == date(
        2027, 5, 1
    )


def test_29_february_rolls_to_28_february():
    assert rules.one_year_after(date(2028, 2, 29)) == date(2029, 2, 28)


def test_overdue_only_after_the_due_date():
    due = date(2027, 3, 14)
    assert not rules.is_review_overdue(due_on=due, today=date(2027, 3, 14))
    assert rules.is_review_overdue(due_on=due, today=date(2027, 3, 15))
    assert not rules.is_review_overdue(due_on=None, today=date(2030, 1, 1))


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31)))
def test_one_year_after_is_between_365_and_366_days_later(day):
    assert 365 <= (rules.one_year_after(day) - day).days <= 366


def test_adoption_problems_name_each_outcome_without_indicators_and_a_bad_total():
    problems = rules.adoption_problems(
        shares={1: 20, 2: 20, 3: 20, 4: 20, 5: 10, 6: 5}, indicator_counts={1: 3, 2: 0, 3: 1, 4: 1, 5: 1}
    )
    assert problems == [
        rules.OUTCOME_HAS_NO_INDICATOR.format(number=2),
        rules.OUTCOME_HAS_NO_INDICATOR.format(number=6),
        rules.SPLIT_MUST_TOTAL_100.format(total=95),
    ]


def test_a_complete_draft_has_no_problems():
    shares = {1: 17, 2: 17, 3: 17, 4: 17, 5: 16, 6: 16}
    assert rules.adoption_problems(shares=shares, indicator_counts=dict.fromkeys(shares, 1)) == []


@given(st.lists(st.integers(min_value=0, max_value=100), min_size=6, max_size=6))
def test_shares_are_accepted_exactly_when_they_total_100(shares):
    problems = rules.adoption_problems(
        shares=dict(enumerate(shares, start=1)), indicator_counts=dict.fromkeys(range(1, 7), 1)
    )
    assert (problems == []) == (sum(shares) == 100)


def _version(statement="S", share1=17, indicators=None):
    return {
        "title": "Knowsley Social Value Model",
        "statement": statement,
        "outcomes": {
            1: {
                "title": "Jobs",
                "description": "",
                "pillar": "economic",
                "default_share": share1,
                "indicators": indicators
                if indicators is not None
                else {"1.1": {"name": "Jobs", "unit": "people"}},
            }
        },
    }


def test_comparing_a_version_with_itself_finds_no_change():
    result = rules.compare_versions(base=_version(), draft=_version())
    assert result["any_change"] is False
    assert not result["outcomes"][0].changed


def test_comparison_reports_statement_field_and_indicator_changes():
    base = _version(
        indicators={"1.1": {"name": "Jobs", "unit": "people"}, "1.2": {"name": "Old", "unit": "hours"}}
    )
    draft = _version(
        statement="New statement",
        share1=20,
        indicators={"1.1": {"name": "Jobs", "unit": "FTE years"}, "1.3": {"name": "New", "unit": "weeks"}},
    )
    result = rules.compare_versions(base=base, draft=draft)
    outcome = result["outcomes"][0]
    assert result["any_change"] and result["statement_changed"]
    assert outcome.fields == [rules.FieldChange("default_share", 17, 20)]
    assert [i["code"] for i in outcome.indicators_added] == ["1.3"]
    assert [i["code"] for i in outcome.indicators_removed] == ["1.2"]
    assert outcome.indicators_changed == [("1.1", [rules.FieldChange("unit", "people", "FTE years")])]
    assert outcome.fields[0].label == "Default share (%)"
