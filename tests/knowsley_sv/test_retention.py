"""knowsley_sv.retention: the schedule's periods, cut-offs and plain-English entries (pure, no database)."""

import re
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from knowsley_sv.retention import ENTRIES, Period, parse_period, schedule

DEFAULTS = {
    "contacts": "30 days",
    "contacts_unanswered": "1 year",
    "responses": "2 years",
    "evidence": "6 years",
    "signin": "90 days",
    "audit": "7 years",
}


@pytest.mark.parametrize(
    ("text", "period", "label"),
    [
        ("30 days", Period(30, "days"), "30 days"),
        ("1 day", Period(1, "days"), "1 day"),
        (" 18 Months ", Period(18, "months"), "18 months"),
        ("1 year", Period(1, "years"), "1 year"),
        ("6years", Period(6, "years"), "6 years"),
    ],
)
def test_periods_read_as_written(text, period, label):
    assert parse_period(text) == period
    assert str(period) == label


@pytest.mark.parametrize("text", ["0 days", "-1 days", "30", "2 weeks", "1.5 years", "", "forever"])
def test_a_period_that_is_not_a_whole_number_of_days_months_or_years_is_refused(text):
    with pytest.raises(ValueError, match="whole number of days, months or years"):
        parse_period(text)


@pytest.mark.parametrize(
    ("period", "moment", "before", "after"),
    [
        ("30 days", datetime(2027, 6, 1, 9, 0), datetime(2027, 5, 2, 9, 0), datetime(2027, 7, 1, 9, 0)),
        ("1 month", date(2027, 3, 31), date(2027, 2, 28), date(2027, 4, 30)),
        ("1 year", date(2028, 2, 29), date(2027, 2, 28), date(2029, 2, 28)),
        ("6 years", date(2028, 3, 31), date(2022, 3, 31), date(2034, 3, 31)),
        ("18 months", date(2027, 8, 31), date(2026, 2, 28), date(2029, 2, 28)),
        (
            "2 years",
            datetime(2027, 1, 15, 23, 59, 59),
            datetime(2025, 1, 15, 23, 59, 59),
            datetime(2029, 1, 15, 23, 59, 59),
        ),
    ],
)
def test_worked_examples_of_cut_offs(period, moment, before, after):
    assert parse_period(period).before(moment) == before
    assert parse_period(period).after(moment) == after


@given(
    count=st.integers(min_value=1, max_value=120),
    unit=st.sampled_from(["days", "months", "years"]),
    moment=st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31)),
)
def test_a_cut_off_is_never_later_than_now_and_moves_back_as_the_period_grows(count, unit, moment):
    period, longer = Period(count, unit), Period(count + 1, unit)
    assert longer.before(moment) < period.before(moment) < moment
    # Going back and forward again never lands after where it started (month ends clamp downwards).
    assert period.after(period.before(moment)) <= moment
    assert moment - period.before(moment) >= timedelta(days=count if unit == "days" else 28 * count)


def test_the_schedule_has_every_entry_in_plain_english():
    entries = schedule(DEFAULTS)
    assert list(entries) == list(ENTRIES)
    assert entries["contacts"].sentence == (
        "Residents' email addresses for updates: kept for 30 days after the council publishes its response "
        "to the consultation (“you said, we did”), then erased."
    )
    assert entries["evidence"].sentence == (
        "Delivery evidence (files suppliers upload and their records): kept for 6 years after the contract "
        "ends, then the files and their records are deleted."
    )


def test_a_schedule_missing_an_entry_or_naming_an_unknown_one_is_refused():
    with pytest.raises(ValueError, match=r"missing \['audit'\], unknown \['emails'\]"):
        schedule({**{k: v for k, v in DEFAULTS.items() if k != "audit"}, "emails": "1 day"})
    with pytest.raises(ValueError, match="whole number"):
        schedule({**DEFAULTS, "signin": "soon"})


def test_the_readme_table_lists_every_entry_with_its_default_period():
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    rows = dict(re.findall(r"^\| `([a-z_]+)` \| [^|]+ \| ([^|]+?) \|", readme, re.M))
    assert {key: rows.get(key) for key in ENTRIES} == DEFAULTS
