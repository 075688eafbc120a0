"""The public results page's lead summary (consultation/summary.py): worked examples."""

from datetime import UTC, datetime

import pytest

from consultation.summary import (
    NOT_YET_RESPONDED,
    OutcomeFigure,
    council_did,
    residents_said,
    results_summary,
)

JOBS, HEALTH, GREEN, SKILLS = "Local jobs", "Better health", "Greener places", "Skills"


@pytest.mark.parametrize(
    ("n", "figures", "expected"),
    [
        pytest.param(
            1234,
            [(1, JOBS, 24.12), (2, HEALTH, 20.0), (3, GREEN, 9.8), (4, SKILLS, 46.08)],
            "1,234 residents responded. They gave most points to Outcome 4 (Skills), 46.1% on average, "
            "and least to Outcome 3 (Greener places), 9.8%.",
            id="most-and-least",
        ),
        pytest.param(
            40,
            [(1, JOBS, 30.04), (2, HEALTH, 29.96), (3, GREEN, 20.0), (4, SKILLS, 20.0)],
            "40 residents responded. They gave most points to Outcome 1 (Local jobs) and Outcome 2 "
            "(Better health), 30.0% each on average, and least to Outcome 3 (Greener places) and "
            "Outcome 4 (Skills), 20.0% each.",
            id="ties-on-the-figure-shown",
        ),
        pytest.param(
            10,
            [(1, JOBS, 25.0), (2, HEALTH, 25.0), (3, GREEN, 25.0), (4, SKILLS, 25.0)],
            "10 residents responded. They gave every outcome the same share of points, 25.0% on average.",
            id="all-equal",
        ),
        pytest.param(
            12,
            [(1, JOBS, 100.0)],
            "12 residents responded. Outcome 1 (Local jobs) had 100.0% of their points on average.",
            id="one-outcome",
        ),
        pytest.param(
            15,
            [(1, JOBS, 60.0), (2, HEALTH, None), (3, GREEN, 40.0)],
            "15 residents responded. They gave most points to Outcome 1 (Local jobs), 60.0% on average, "
            "and least to Outcome 3 (Greener places), 40.0%.",
            id="an-unpublished-figure-is-left-out",
        ),
        pytest.param(15, [(1, JOBS, None), (2, HEALTH, None)], "15 residents responded.", id="no-figures"),
        pytest.param(
            9,
            [(1, JOBS, 60.0), (2, HEALTH, 40.0)],
            "There are fewer than 10 responses, so no figures are published: small numbers could identify "
            "people.",
            id="too-few-to-publish",
        ),
    ],
)
def test_what_residents_said(n, figures, expected):
    outcomes = [OutcomeFigure(number, title, mean) for number, title, mean in figures]
    assert residents_said(n_responses=n, outcomes=outcomes) == expected


def test_too_few_once_duplicates_are_set_aside():
    said = residents_said(n_responses=9, outcomes=[], n_set_aside=1)
    assert said.startswith("There are fewer than 10 responses once suspected duplicates are set aside, so no")


def test_the_council_has_not_yet_published_its_response():
    assert council_did(published_at=None) == NOT_YET_RESPONDED
    assert NOT_YET_RESPONDED == "The council has not yet published its response to what residents said."


def test_the_council_published_its_response_on_a_uk_day():
    # 11:30pm UTC on 31 March is 12:30am on 1 April in the UK (summer time)
    published = datetime(2027, 3, 31, 23, 30, tzinfo=UTC)
    summary = results_summary(n_responses=0, outcomes=[], response_published_at=published)
    assert summary.council == "The council published its response on 1 April 2027:"
