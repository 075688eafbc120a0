"""The review pack's residents section, worked by hand from three consultations.

Before 2025   closes 1 February 2025: 10 online responses, no ward, each 20/20/20/20/10/10
              -> proposed split 20/20/20/20/10/10
Priorities    closes 30 April 2025 (financial year 2025):
              ward A (population 3,000): 10 online responses, each 40/20/10/10/10/10, 1 suspected duplicate
              ward B (population 1,000): 10 paper responses, each 20/20/20/20/10/10
              no board response published yet
Late          closes 30 November 2025: 3 online responses (too few to show), board response published
"""

from datetime import date
from decimal import Decimal
from itertools import count

import pytest

from consultation import aggregation
from consultation.models import Allocation, Consultation, Response, WardPopulation
from outcomes.models import Ward
from reporting.pack.period import Period
from reporting.pack.sections import residents
from reporting.pack.sections.base import Headline
from reporting.pack.words import listing
from reporting.tables.base import COUNT

from ...factories import UserFactory
from ..dataset import aware

pytestmark = pytest.mark.django_db
D = Decimal
FY2025 = Period.financial_year(2025)
TODAY = date(2026, 4, 20)
NOW = aware(2026, 4, 20, 9)
HOSTILE = "<script>alert('x')</script> ١٢٣ ٤٥"  # Arabic-Indic digits
TOO_FEW = "Too few responses to show"
RECEIPTS = count()


def consultation(model, slug, title, closes, **fields):
    return Consultation.objects.create(
        title=title,
        slug=slug,
        summary="s",
        how_answers_are_used="h",
        model=model,
        opens_at=aware(closes.year - 1, 12, 1, 9),
        closes_at=closes,
        created_by=UserFactory(username=f"creator-{slug}"),
        **fields,
    )


def respond(consultation, n, points, *, ward=None, channel="online", duplicates=0, by=None):
    """n responses giving each outcome its points (the last `duplicates` of them suspected duplicates)."""
    outcomes = {o.number: o for o in consultation.model.outcomes.all()}
    made = Response.objects.bulk_create(
        Response(
            consultation=consultation,
            receipt_code=f"T{next(RECEIPTS):09d}",
            ward=ward,
            channel=channel,
            entered_by=by if channel != "online" else None,
            submitted_at=consultation.closes_at,
            is_suspected_duplicate=i >= n - duplicates,
        )
        for i in range(n)
    )
    Allocation.objects.bulk_create(
        Allocation(response=r, outcome=outcomes[k], points=v) for r in made for k, v in points.items()
    )


EVEN = {1: 20, 2: 20, 3: 20, 4: 20, 5: 10, 6: 10}
JOBS_FIRST = {1: 40, 2: 20, 3: 10, 4: 10, 5: 10, 6: 10}


class Data:
    pass


@pytest.fixture
def consultations(adopted_model):
    d = Data()
    d.wards = list(Ward.objects.order_by("name"))
    d.a, d.b = d.wards[0], d.wards[1]
    WardPopulation.objects.filter(ward=d.a).update(population=3000, year=2023, source="ONS")
    WardPopulation.objects.filter(ward=d.b).update(population=1000, year=2023, source="ONS")
    officer = UserFactory(username="paper-officer")
    d.before = consultation(adopted_model, "before-2025", "Before 2025", aware(2025, 2, 1, 17))
    respond(d.before, 10, EVEN)
    d.main = consultation(adopted_model, "priorities", "Priorities", aware(2025, 4, 30, 17))
    respond(d.main, 11, JOBS_FIRST, ward=d.a, duplicates=1)
    respond(d.main, 10, EVEN, ward=d.b, channel="paper", by=officer)
    d.late = consultation(
        adopted_model,
        "late",
        "Late",
        aware(2025, 11, 30, 17),
        board_response="You said jobs.\n\nWe did more jobs.",
        board_response_published_at=aware(2025, 12, 15, 10),
    )
    respond(d.late, 3, EVEN)
    return d


def test_summary_of_each_consultation_closed_in_the_period(consultations):
    d = consultations
    result = residents.section(FY2025, today=TODAY, now=NOW)
    assert (result.key, result.title) == ("residents", "What residents said")
    gaps = [w.name for w in d.wards[2:]]  # the 13 wards without a response: 0 is under 10
    assert len(gaps) == 13
    assert result.summary == [
        "2 consultations closed in this period: Priorities and Late.",
        "Priorities closed on 30 April 2025 with 20 responses (1 suspected duplicate left out).",
        f"Too few responses to show for 13 wards: {', '.join(gaps[:-1])} and {gaps[-1]}.",
        # proposed split 30/20/15/15/10/10 against Before 2025's 20/20/20/20/10/10
        "Compared with Before 2025 (closed 1 February 2025), the proposed split moved most for outcome 1: "
        "up 10 points.",
        'The board has not yet published its response to Priorities ("you said, we did").',
        # Late: 3 responses, so no figures and no tables
        "Late closed on 30 November 2025 with fewer than 10 responses, so no figures are shown: "
        "small numbers could identify people.",
        'The board\'s response ("you said, we did"), published on 15 December 2025:',
        "You said jobs.",
        "We did more jobs.",
    ]
    assert [t.key for t in result.tables] == [
        "residents-priorities-channels",
        "residents-priorities-wards",
        "residents-priorities-priorities",
    ]
    assert all(t.public for t in result.tables)


def test_responses_by_channel_and_by_ward(consultations):
    d = consultations
    channels, wards, _ = residents.section(FY2025, today=TODAY, now=NOW).tables
    assert channels.caption == "Priorities: responses by channel"
    # the duplicate (ward A, online) is left out. No event responses: 0 is under 10, and a single hidden count
    # is given away by the total, so the smallest shown (online, the first of equals) is hidden as well.
    assert channels.rows == [["Online", TOO_FEW], ["Paper form", 10], ["Event", TOO_FEW]]
    assert channels.foot == [["All responses", 20]]
    assert (channels.chart, channels.chart_columns) == ("bar", (1,))
    assert [c.text for c in channels.body[2]] == ["Event", TOO_FEW]
    assert [c.value for c in channels.body[1]] == ["", "10"]  # the chart's figure
    assert [c.value for c in channels.body[0]] == ["", ""]  # no figure to draw
    assert wards.rows == [
        [d.a.name, 10],
        [d.b.name, 10],
        *[[w.name, TOO_FEW] for w in d.wards[2:]],
        ["Prefer not to say", TOO_FEW],
    ]
    assert wards.foot == [["All responses", 20]]


def test_priorities_by_outcome(consultations):
    table = residents.section(FY2025, today=TODAY, now=NOW).tables[2]
    assert table.caption == "Priorities: residents' priorities by outcome"
    assert [c.label for c in table.columns] == [
        "Outcome",
        "Title",
        "Average share",
        "95% confidence interval, from",
        "95% confidence interval, to",
        "Average share, weighted by ward",
        "Proposed split",
        "Weighted split",
        "Change in the proposed split since Before 2025 (points)",
    ]
    # Unweighted means: outcome 1 (10 × 40 + 10 × 20) ÷ 20 = 30; 2: 20; 3 and 4: (100 + 200) ÷ 20 = 15;
    # 5 and 6: 10. Ward weights, population share ÷ sample share: A 3,000 × 20 ÷ (4,000 × 10) = 1.5, B 0.5
    # (within 0.2–5). Weighted means Σ w × points ÷ Σ w × n (= 20): outcome 1 (1.5 × 400 + 0.5 × 200) ÷ 20
    # = 35; 2: 20; 3 and 4: (1.5 × 100 + 0.5 × 200) ÷ 20 = 12.5; 5 and 6: 10. Weighted split: 35, 20, 12,
    # 12, 10, 10 leaves 1 for the largest remainder, a tie of 0.5 that goes to the lower outcome:
    # 35/20/13/12/10/10.
    # Change: 30 − 20 = +10, 20 − 20 = 0, 15 − 20 = −5, −5, 0, 0.
    # Intervals: everyone gave outcomes 2, 5 and 6 the same points v, so each resample's mean is v: (v, v).
    # Outcomes 1, 3 and 4 resample 10 of one value and 10 of another (the seeded bootstrap).
    ci_1 = aggregation.bootstrap_mean_ci({40: 10, 20: 10})
    ci_3 = aggregation.bootstrap_mean_ci({10: 10, 20: 10})
    tenth = residents.to_share
    assert 20 < ci_1[0] < 30 < ci_1[1] < 40 and 10 < ci_3[0] < 15 < ci_3[1] < 20
    titles = [row[1] for row in table.rows]
    assert [row[:1] + row[2:] for row in table.rows] == [
        [1, D("30.0"), tenth(ci_1[0]), tenth(ci_1[1]), D("35.0"), 30, 35, 10],
        [2, D("20.0"), D("20.0"), D("20.0"), D("20.0"), 20, 20, 0],
        [3, D("15.0"), tenth(ci_3[0]), tenth(ci_3[1]), D("12.5"), 15, 13, -5],
        [4, D("15.0"), tenth(ci_3[0]), tenth(ci_3[1]), D("12.5"), 15, 12, -5],
        [5, D("10.0"), D("10.0"), D("10.0"), D("10.0"), 10, 10, 0],
        [6, D("10.0"), D("10.0"), D("10.0"), D("10.0"), 10, 10, 0],
    ]
    assert titles == [o.title for o in consultations.main.model.outcomes.order_by("number")]
    assert [c.text for c in table.body[2]] == [
        "Outcome 3",
        titles[2],
        "15.0%",
        f"{tenth(ci_3[0])}%",
        f"{tenth(ci_3[1])}%",
        "12.5%",
        "15.0%",
        "13.0%",
        "-5.0",
    ]
    assert (table.chart, table.chart_columns) == ("bar", (6, 7))
    assert [table.columns[i].label for i in table.chart_columns] == ["Proposed split", "Weighted split"]
    assert table.axis_title == "Per cent (%)"


def test_headlines_count_consultations_and_responses_without_duplicates(consultations):
    assert residents.headlines(FY2025, today=TODAY) == [
        Headline("consultations_closed", "Consultations closed", COUNT, 2),
        Headline("consultation_responses", "Responses", COUNT, 23),  # 20 + Late's 3; the duplicate left out
    ]
    assert [h.value for h in residents.headlines(FY2025.previous(), today=TODAY)] == [1, 10]  # Before 2025


def test_the_first_consultation_has_nothing_to_compare_with(consultations):
    d = consultations
    result = residents.section(FY2025.previous(), today=TODAY, now=NOW)
    assert result.summary[:3] == [
        "1 consultation closed in this period: Before 2025.",
        "Before 2025 closed on 1 February 2025 with 10 responses.",
        f"Too few responses to show for 15 wards: {listing([w.name for w in d.wards])}.",
    ]
    assert (
        result.summary[3]
        == "There was no consultation before it, so there is no earlier split to compare with."
    )
    priorities = result.tables[2]
    assert (
        priorities.columns[-1].label == "Change in the proposed split since the consultation before (points)"
    )
    assert [row[-1] for row in priorities.rows] == [None] * 6
    # no response gave a ward: no weighting, and the table says why
    assert [row[5:8] for row in priorities.rows] == [[None, 20, None]] * 4 + [[None, 10, None]] * 2
    assert priorities.note.endswith("No response gave a ward, so results cannot be weighted.")


def test_a_consultation_after_one_with_too_few_responses(consultations):
    d = consultations
    after_late = consultation(d.main.model, "after-late", "After Late", aware(2026, 1, 31, 17))
    respond(after_late, 10, EVEN)
    result = residents.section(FY2025, today=TODAY, now=NOW)
    assert (
        result.summary[-2]
        == "Late had too few responses for a proposed split, so there is no change to show."
    )
    assert [row[-1] for row in result.tables[-1].rows] == [None] * 6


def test_a_period_with_no_consultation_closed(consultations):
    period = Period.financial_year(2030)
    result = residents.section(period, today=TODAY, now=NOW)
    assert result.summary == [
        "No consultation closed in this period, so there is nothing from residents to report."
    ]
    assert result.tables == []
    assert [h.value for h in residents.headlines(period, today=TODAY)] == [0, 0]


def test_the_period_takes_consultations_closing_from_its_first_moment_to_its_last(adopted_model):
    first = consultation(adopted_model, "at-start", "At the start", aware(2025, 4, 1, 0, 0))
    consultation(adopted_model, "just-after", "Just after", aware(2026, 4, 1, 0, 0))
    consultation(adopted_model, "just-before", "Just before", aware(2025, 3, 31, 23, 59))
    closed = residents.closed_in_period(FY2025)
    assert [(c.consultation.slug, c.previous.slug) for c in closed] == [(first.slug, "just-before")]
    assert [h.value for h in residents.headlines(FY2025, today=TODAY)] == [1, 0]


def test_pure_wording():
    assert listing(["A"]) == "A"
    assert listing(["A", "B", "C"]) == "A, B and C"
    assert residents.split_change({1: 30, 2: 70}, {1: 40, 2: 60}) == {1: -10, 2: 10}
    assert residents.split_change({1: 30}, {}) == {} and residents.split_change({}, {1: 30}) == {}
    assert residents.largest_change({1: -10, 2: 10, 3: 5}) == (1, -10)  # equals: the lower outcome
    assert residents.largest_change({1: 0, 2: 0}) is None
    assert residents.to_share(12.25) == D("12.3") and residents.to_share(None) is None
    assert residents.paragraphs("One.\n \nTwo\nlines.\n\n\n") == ["One.", "Two\nlines."]
    assert residents.ward_gaps([("Halewood", None), ("Prefer not to say", None), ("Page Moss", 12)]) == [
        "Halewood"
    ]


def test_hostile_text_stays_text(consultations):
    Consultation.objects.filter(pk=consultations.main.pk).update(title=HOSTILE)
    result = residents.section(FY2025, today=TODAY, now=NOW)
    assert result.summary[0] == f"2 consultations closed in this period: {HOSTILE} and Late."
    assert result.tables[0].caption == f"{HOSTILE}: responses by channel"
    assert result.tables[2].caption == f"{HOSTILE}: residents' priorities by outcome"


@pytest.mark.parametrize("more", [0, 150])
def test_queries_do_not_grow_with_responses_or_wards(consultations, more, django_assert_max_num_queries):
    d = consultations
    for ward in d.wards[2:]:
        respond(d.main, more // 10, JOBS_FIRST, ward=ward)
    respond(d.before, more, JOBS_FIRST)
    # 1 (the consultations) + 7 a consultation's results: Priorities, Late, and Before 2025 for the change
    with django_assert_max_num_queries(1 + 7 * 3) as cold:
        residents.section(FY2025, today=TODAY, now=NOW)
    assert len(cold.captured_queries) == 1 + 7 * 3
    with django_assert_max_num_queries(1):  # every results now in the shared cache
        residents.section(FY2025, today=TODAY, now=NOW)
    with django_assert_max_num_queries(1):
        residents.headlines(FY2025, today=TODAY)
