"""The review pack's model section: the version in force at the period's end, what changed since the last
review, and its indicators, worked by hand from two small versions (and the dashboard's data set)."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from outcomes.models import Indicator, ModelReview, Outcome, SocialValueModel
from reporting.pack.period import Period
from reporting.pack.sections import model as section_model
from reporting.pack.sections.base import Headline
from reporting.tables.base import COUNT

from ...factories import UserFactory
from ..dataset import aware

pytestmark = pytest.mark.django_db
D = Decimal
FY2025 = Period.financial_year(2025)  # 1 April 2025 to 31 March 2026
TODAY = date(2026, 4, 20)
NOW = aware(2026, 4, 20, 9)
HOSTILE = "<script>alert('x')</script> ١٢٣ ٤٥"  # Arabic-Indic digits


def _version(number, *, status, adopted, superseded=None, statement, outcomes, indicators):
    """A version with outcomes {number: (title, pillar, share)} and indicators [(outcome, code, name, unit,
    proxy, source, year, illustrative)]."""
    version = SocialValueModel.objects.create(
        version=number,
        statement=statement,
        status=status,
        adopted_at=adopted,
        superseded_at=superseded,
    )
    made = {
        n: Outcome.objects.create(model=version, number=n, title=title, pillar=pillar, default_share=share)
        for n, (title, pillar, share) in outcomes.items()
    }
    for n, code, name, unit, proxy, source, year, illustrative in indicators:
        Indicator.objects.create(
            outcome=made[n],
            code=code,
            name=name,
            unit=unit,
            proxy_value=None if proxy is None else D(proxy),
            proxy_source=source,
            proxy_year=year,
            proxy_licence="Open Government Licence v3.0" if proxy else "",
            proxy_illustrative=illustrative,
            evidence="Records",
        )
    return version


def _review(version, held_on, by):
    return ModelReview.objects.create(
        model=version,
        held_on=held_on,
        evidence="Delivery figures",
        findings="f",
        decisions="d",
        result=ModelReview.Result.NEW_DRAFT,
        recorded_by=by,
    )


@pytest.fixture
def versions(adopted_model):
    """Version 1 (migrated) in force until 1 June 2024; version 10 from then until 1 July 2025; version 11
    since. The board reviewed version 10 on 10 January 2025 (and, after the period, version 11)."""
    SocialValueModel.objects.filter(pk=adopted_model.pk).update(
        status=SocialValueModel.Status.SUPERSEDED,
        adopted_at=aware(2020, 1, 6, 10),
        superseded_at=aware(2024, 6, 1, 10),
    )
    v10 = _version(
        10,
        status=SocialValueModel.Status.SUPERSEDED,
        adopted=aware(2024, 6, 1, 10),
        superseded=aware(2025, 7, 1, 10),
        statement="Old statement",
        outcomes={1: ("Local jobs", "economic", 60), 2: ("Fewer crises", "social", 40)},
        indicators=[
            (1, "1.1", "Local people employed", "people", "1000.00", "ONS annual survey", 2023, False),
            (1, "1.2", "Apprenticeships", "weeks", None, "", None, False),
            (2, "2.1", "Early help", "hours", "12.50", "Illustrative demo figure", 2025, True),
        ],
    )
    v11 = _version(
        11,
        status=SocialValueModel.Status.ADOPTED,
        adopted=aware(2025, 7, 1, 10),
        statement="New statement",
        outcomes={1: ("Local jobs", "economic", 50), 2: ("Fewer crises", "environmental", 50)},
        indicators=[
            (1, "1.1", "Local people employed", "people", "1200.00", "ONS annual survey", 2023, False),
            (1, "1.3", "Work placements", "weeks", "150.00", "DWP", 2024, False),
            (1, "1.10", "Local suppliers used", "£", None, "", None, False),
            (2, "2.1", "Early help", "hours", "12.50", "Illustrative demo figure", 2025, True),
        ],
    )
    board = UserFactory(username="model-board")
    _review(v10, date(2024, 11, 1), board)
    _review(v10, date(2025, 1, 10), board)
    _review(v11, date(2026, 5, 1), board)  # after the period: not the last review before its end
    return v10, v11


def test_the_version_in_force_and_what_changed_since_the_last_review(versions):
    result = section_model.section(FY2025, today=TODAY, now=NOW)
    assert (result.key, result.title) == ("model", "The model in force")
    # version 11: 4 indicators, of which 1.1, 1.3 and 2.1 have a proxy
    assert result.summary == [
        "Version 11 of the model was in force on 31 March 2026. The board adopted it on 1 July 2025. "
        "It has 4 indicators, 3 of them with a financial proxy.",
        # statement 1 + outcome 1 (share, 1.10 and 1.3 added, 1.2 removed, 1.1's proxy) 5 + outcome 2 2 = 8
        "Since the last review on 10 January 2025, when version 10 was in force, version 11 made 8 changes. "
        "They are listed below.",
    ]
    changes, indicators = result.tables
    assert changes.key == "model-changes" and changes.public
    assert [c.label for c in changes.columns] == [
        "Outcome or indicator",
        "What changed",
        "Before (version 10)",
        "After (version 11)",
    ]
    assert changes.rows == [
        ["The model as a whole", "Statement on social value", "Old statement", "New statement"],
        ["Outcome 1", "Default share (%)", "60%", "50%"],
        ["Indicator 1.10", "Indicator added", None, "Local suppliers used (£)"],
        ["Indicator 1.3", "Indicator added", None, "Work placements (weeks)"],
        ["Indicator 1.2", "Indicator removed", "Apprenticeships (weeks)", None],
        ["Indicator 1.1", "Financial proxy (£ per unit)", "£1,000", "£1,200"],
        ["Outcome 2", "Pillar", "Social", "Environmental"],
        ["Outcome 2", "Default share (%)", "40%", "50%"],
    ]
    assert [c.text for c in changes.body[2]] == [
        "Indicator 1.10",
        "Indicator added",
        "—",
        "Local suppliers used (£)",
    ]


def test_the_indicators_of_the_version_in_force(versions):
    indicators = section_model.section(FY2025, today=TODAY, now=NOW).tables[-1]
    assert (indicators.key, indicators.public) == ("model-indicators", True)
    # by outcome, then code in reading order (1.3 before 1.10); no proxy: no source and no yes or no
    assert indicators.rows == [
        ["1.1", 1, "Local people employed", "people", D("1200.00"), "ONS annual survey (2023)", False],
        ["1.3", 1, "Work placements", "weeks", D("150.00"), "DWP (2024)", False],
        ["1.10", 1, "Local suppliers used", "£", None, None, None],
        ["2.1", 2, "Early help", "hours", D("12.50"), "Illustrative demo figure (2025)", True],
    ]
    assert [[c.text for c in row] for row in indicators.body] == [
        ["1.1", "Outcome 1", "Local people employed", "people", "£1,200", "ONS annual survey (2023)", "No"],
        ["1.3", "Outcome 1", "Work placements", "weeks", "£150", "DWP (2024)", "No"],
        ["1.10", "Outcome 1", "Local suppliers used", "£", "—", "—", "—"],
        ["2.1", "Outcome 2", "Early help", "hours", "£12.50", "Illustrative demo figure (2025)", "Yes"],
    ]
    assert indicators.note == (
        "An illustrative financial proxy is a made-up figure for demonstration, not a real value: never use "
        "one in a real evaluation. 1 of these 3 proxies is illustrative."
    )


def test_headlines_count_the_indicators_of_the_version_in_force_at_the_end(versions):
    assert section_model.headlines(FY2025, today=TODAY) == [
        Headline("indicators_in_model", "Indicators in the model", COUNT, 4),
        Headline("indicators_with_proxy", "Indicators with a financial proxy", COUNT, 3),
    ]
    # 31 March 2025: version 10 (1.1, 1.2, 2.1; proxies on 1.1 and 2.1)
    assert [h.value for h in section_model.headlines(FY2025.previous(), today=TODAY)] == [3, 2]


def test_no_change_when_the_version_reviewed_is_still_in_force(data):
    # the data set: version 1 adopted 15 January 2025 and reviewed on 1 December 2025
    result = section_model.section(FY2025, today=TODAY, now=NOW)
    assert (
        result.summary[1]
        == "No change since the last review on 1 December 2025: version 1 was in force then too."
    )
    assert [t.key for t in result.tables] == ["model-indicators"]
    # the migrated version 1: 24 indicators, proxies on 3.4 (£1, face value) and 6.3 (£245 a tonne, BEIS)
    rows = result.tables[0].rows
    assert len(rows) == 24 and [(r[0], r[4]) for r in rows if r[4] is not None] == [
        ("3.4", D("1.00")),
        ("6.3", D("245.00")),
    ]
    assert result.tables[0].note.endswith("No proxy here is illustrative.")
    assert [h.value for h in section_model.headlines(FY2025, today=TODAY)] == [24, 2]


def test_a_version_in_force_before_any_review_has_nothing_to_compare_with(data):
    # 31 March 2025: version 1 adopted on 15 January 2025, first reviewed on 1 December 2025
    result = section_model.section(FY2025.previous(), today=TODAY, now=NOW)
    assert result.summary == [
        "Version 1 of the model was in force on 31 March 2025. The board adopted it on 15 January 2025. "
        "It has 24 indicators, 2 of them with a financial proxy.",
        "The board had not reviewed the model by 31 March 2025, so there is no earlier version to compare it "
        "with.",
    ]
    assert [t.key for t in result.tables] == ["model-indicators"]


def test_a_period_before_any_version_was_adopted(data):
    period = Period.financial_year(2023)
    result = section_model.section(period, today=TODAY, now=NOW)
    assert result.summary == [
        "No version of the model was in force on 31 March 2024, so this section has no figures."
    ]
    assert result.tables == []
    assert [h.value for h in section_model.headlines(period, today=TODAY)] == [None, None]


def test_a_new_version_the_same_as_the_one_reviewed(versions):
    v10, v11 = versions
    v10.statement = v11.statement
    v10.save()
    Outcome.objects.filter(model=v10).update(default_share=50)
    Outcome.objects.filter(model=v10, number=2).update(pillar="environmental")
    Indicator.objects.filter(outcome__model=v10, code="1.2").delete()
    Indicator.objects.filter(outcome__model=v10, code="1.1").update(proxy_value=D("1200.00"))
    outcome_1 = Outcome.objects.get(model=v10, number=1)
    for code, name, unit, proxy, source, year in [
        ("1.3", "Work placements", "weeks", D("150.00"), "DWP", 2024),
        ("1.10", "Local suppliers used", "£", None, "", None),
    ]:
        Indicator.objects.create(
            outcome=outcome_1,
            code=code,
            name=name,
            unit=unit,
            proxy_value=proxy,
            proxy_source=source,
            proxy_year=year,
            proxy_licence="Open Government Licence v3.0" if proxy else "",
            evidence="Records",
        )
    result = section_model.section(FY2025, today=TODAY, now=NOW)
    assert result.summary[1] == (
        "Version 11 replaced version 10, which the board reviewed on 10 January 2025, but made no change to "
        "the statement, the outcomes or the indicators."
    )
    assert [t.key for t in result.tables] == ["model-indicators"]


def test_in_force_takes_the_whole_last_day(versions):
    """Adopted or superseded at any time on a day counts by its end; at the next day's midnight, not yet."""
    v10, v11 = versions
    next_midnight = timezone.make_aware(datetime.combine(date(2025, 7, 1) + timedelta(days=1), time.min))
    assert list(SocialValueModel.objects.in_force(date(2025, 6, 30))) == [v10]
    assert list(SocialValueModel.objects.in_force(date(2025, 7, 1))) == [v11]
    SocialValueModel.objects.filter(pk=v10.pk).update(superseded_at=next_midnight)
    SocialValueModel.objects.filter(pk=v11.pk).update(adopted_at=next_midnight)
    assert list(SocialValueModel.objects.in_force(date(2025, 7, 1))) == [v10]


def test_hostile_text_stays_text(versions):
    Indicator.objects.filter(outcome__model=versions[1], code="1.1").update(
        name=HOSTILE, proxy_source=HOSTILE
    )
    indicators = section_model.section(FY2025, today=TODAY, now=NOW).tables[-1]
    assert indicators.rows[0][2] == HOSTILE and indicators.rows[0][5] == f"{HOSTILE} (2023)"
    assert indicators.body[0][2].text == HOSTILE  # the template escapes it; the table keeps it as typed


def _more_indicators(version, n):
    outcome = version.outcomes.get(number=2)
    Indicator.objects.bulk_create(
        Indicator(outcome=outcome, code=f"2.{k + 2}", name=f"Extra {k}", unit="people", evidence="Records")
        for k in range(n)
    )


@pytest.mark.parametrize("extra", [0, 60])
def test_queries_do_not_grow_with_indicators(versions, extra, django_assert_max_num_queries):
    v10, v11 = versions
    _more_indicators(v10, extra)
    _more_indicators(v11, extra // 2)
    with django_assert_max_num_queries(6):  # the version in force (3), the last review with its version (3)
        result = section_model.section(FY2025, today=TODAY, now=NOW)
    assert len(result.tables[-1].rows) == 4 + extra // 2
    with django_assert_max_num_queries(1):
        section_model.headlines(FY2025, today=TODAY)
