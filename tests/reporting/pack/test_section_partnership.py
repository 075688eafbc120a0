"""The review pack's partnership section, worked by hand from a small board (financial year 2025: 1 April 2025
to 31 March 2026), on the founding organisations the data migration loads.

  Ann Ashworth  Knowsley Council (public)         chair       1 Jan 2020 –
  Ann Ashworth  Knowsley Housing Trust (housing)  member      1 Jan 2019 –              two seats, one person
  Bob Bell      Knowsley Council                  member      1 Jun 2025 –              joined
  Cat Cole      Knowsley CVS (voluntary)          vice chair  1 Jan 2021 – 31 Oct 2025  left
  Dan Dale      Knowsley CVS                      member      1 Jan 2022 –
  Eve Evans     Knowsley Housing Trust            member      1 Apr 2025 – 31 Mar 2026  joined and left, but
                                                                                        on the board on 31 Mar
  Fay Ford      Knowsley CVS                      member      1 Apr 2026 –              after the period
  Gus Gray      Knowsley Council                  member      1 Jan 2020 – 31 Mar 2025  left before it
"""

from datetime import date

import pytest

from outcomes.models import BoardMembership, Organisation
from reporting.pack.period import Period
from reporting.pack.sections import partnership
from reporting.pack.sections.base import Headline
from reporting.tables.base import COUNT

from ...factories import UserFactory
from ..dataset import aware

pytestmark = pytest.mark.django_db
FY2025 = Period.financial_year(2025)
TODAY = date(2026, 4, 20)
NOW = aware(2026, 4, 20, 9)
HOSTILE = "<script>alert('x')</script> ١٢٣ ٤٥"  # Arabic-Indic digits
Role = BoardMembership.BoardRole
MEMBER, CHAIR, VICE = Role.MEMBER, Role.CHAIR, Role.VICE_CHAIR


def seat(person, organisation, role, started, ended=None):
    return BoardMembership.objects.create(
        person=person, organisation=organisation, board_role=role, started_on=started, ended_on=ended
    )


def person(first, last):
    return UserFactory(username=f"{first}-{last}".lower(), first_name=first, last_name=last)


@pytest.fixture
def board(db):
    council, cvs, trust = (
        Organisation.objects.get(name=name)
        for name in ("Knowsley Council", "Knowsley CVS", "Knowsley Housing Trust")
    )
    ann = person("Ann", "Ashworth")
    seat(ann, council, CHAIR, date(2020, 1, 1))
    seat(ann, trust, MEMBER, date(2019, 1, 1))
    seat(person("Bob", "Bell"), council, MEMBER, date(2025, 6, 1))
    seat(person("Cat", "Cole"), cvs, VICE, date(2021, 1, 1), date(2025, 10, 31))
    seat(person("Dan", "Dale"), cvs, MEMBER, date(2022, 1, 1))
    seat(person("Eve", "Evans"), trust, MEMBER, date(2025, 4, 1), date(2026, 3, 31))
    seat(person("Fay", "Ford"), cvs, MEMBER, date(2026, 4, 1))
    seat(person("Gus", "Gray"), council, MEMBER, date(2020, 1, 1), date(2025, 3, 31))
    return council, cvs, trust


def test_the_board_at_the_end_of_the_period(board):
    result = partnership.section(FY2025, today=TODAY, now=NOW)
    assert (result.key, result.title) == ("partnership", "The partnership")
    # on 31 March 2026: Ann (two seats), Bob, Dan, Eve (her last day): 4 people from 3 organisations
    assert result.summary == [
        "On 31 March 2026 the board had 4 members from 3 organisations.",
        "In the period, 2 joined and 2 left.",  # Bob and Eve joined; Cat and Eve left
    ]
    sectors, organisations, changes = result.tables
    assert (sectors.key, sectors.public, organisations.key, organisations.public) == (
        "partnership-sectors",
        True,
        "partnership-organisations",
        True,
    )
    # public: Ann and Bob for the council; voluntary: Dan; housing: Ann and Eve for the trust. Ann counts in
    # two sectors but once in the total.
    assert sectors.rows == [
        ["Public sector", 2, 1],
        ["Private sector", 0, 0],
        ["Voluntary and community sector", 1, 1],
        ["Social enterprise", 0, 0],
        ["Housing", 2, 1],
        ["Business representative body", 0, 0],
    ]
    assert sectors.foot == [["All sectors", 4, 3]]
    assert (sectors.chart, sectors.chart_columns) == ("bar", (1, 2))
    assert organisations.rows == [
        ["Knowsley Council", "Public sector", 2],  # by name, whatever the case: Council before CVS
        ["Knowsley CVS", "Voluntary and community sector", 1],
        ["Knowsley Housing Trust", "Housing", 2],
    ]


def test_who_joined_and_left_is_not_public(board):
    changes = partnership.section(FY2025, today=TODAY, now=NOW).tables[2]
    assert (changes.key, changes.public) == ("partnership-changes", False)
    assert changes.rows == [
        ["Joined", "Eve Evans", "Knowsley Housing Trust", "Member", date(2025, 4, 1)],
        ["Joined", "Bob Bell", "Knowsley Council", "Member", date(2025, 6, 1)],
        ["Left", "Cat Cole", "Knowsley CVS", "Vice chair", date(2025, 10, 31)],
        ["Left", "Eve Evans", "Knowsley Housing Trust", "Member", date(2026, 3, 31)],
    ]
    assert [c.text for c in changes.body[2]] == [
        "Left",
        "Cat Cole",
        "Knowsley CVS",
        "Vice chair",
        "31 October 2025",
    ]


def test_headlines(board):
    assert partnership.headlines(FY2025, today=TODAY) == [
        Headline("board_members", "Board members at the end of the period", COUNT, 4),
        Headline("board_organisations", "Organisations on the board", COUNT, 3),
    ]
    # 31 March 2025: Ann (two seats), Cat, Dan, Gus (his last day)
    assert [h.value for h in partnership.headlines(FY2025.previous(), today=TODAY)] == [4, 3]


def test_a_period_with_nobody_on_the_board(board):
    period = Period.financial_year(2010)
    result = partnership.section(period, today=TODAY, now=NOW)
    assert result.summary == [
        "Nobody sat on the board on 31 March 2011.",
        "In the period, 0 joined and 0 left.",
    ]
    sectors, organisations, changes = result.tables
    assert [row[1:] for row in sectors.rows] == [[0, 0]] * 6 and sectors.foot == [["All sectors", 0, 0]]
    assert organisations.rows == [] and changes.rows == []
    assert [h.value for h in partnership.headlines(period, today=TODAY)] == [0, 0]


def test_one_member_and_one_organisation_read_in_the_singular(board):
    period = Period(date(2019, 6, 1), date(2019, 12, 31), "2019")  # only Ann, for the trust
    assert partnership.section(period, today=TODAY, now=NOW).summary[0] == (
        "On 31 December 2019 the board had 1 member from 1 organisation."
    )


def test_hostile_text_stays_text(board):
    Organisation.objects.filter(name="Knowsley CVS").update(name=HOSTILE)
    result = partnership.section(FY2025, today=TODAY, now=NOW)
    organisations, changes = result.tables[1], result.tables[2]
    assert [HOSTILE, "Voluntary and community sector", 1] in organisations.rows
    assert ["Left", "Cat Cole", HOSTILE, "Vice chair", date(2025, 10, 31)] in changes.rows
    row = next(r for r in organisations.body if r[0].text == HOSTILE)
    assert row[0].text == HOSTILE  # the template escapes it; the table keeps it as typed


@pytest.mark.parametrize("more", [0, 40])
def test_queries_do_not_grow_with_members(board, more, django_assert_max_num_queries):
    council, cvs, trust = board
    for i in range(more):
        seat(person(f"Extra{i}", "Member"), (council, cvs, trust)[i % 3], MEMBER, date(2025, 5, 1))
    # by sector, by organisation, the totals, who joined and left
    with django_assert_max_num_queries(4):
        result = partnership.section(FY2025, today=TODAY, now=NOW)
    assert result.tables[0].foot == [["All sectors", 4 + more, 3]]
    with django_assert_max_num_queries(1):
        partnership.headlines(FY2025, today=TODAY)
