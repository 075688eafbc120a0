"""The dashboard's pure helpers: financial years, the filters and their fallbacks, percentages to a tenth,
and a contract's status from its KPIs'."""

from datetime import date
from decimal import Decimal

from procurement import delivery
from reporting import arithmetic, years
from reporting.filters import UNKNOWN_OUTCOME, Filters, parse_filters
from reporting.selectors.contracts import contract_status

D = Decimal


def test_financial_years_start_on_1_april():
    assert years.financial_year_of(date(2026, 3, 31)) == 2025
    assert years.financial_year_of(date(2026, 4, 1)) == 2026
    assert years.financial_year_bounds(2027) == (date(2027, 4, 1), date(2028, 3, 31))
    assert years.financial_year_label(2027) == "April 2027 to March 2028"
    assert years.financial_years_spanning([date(2024, 9, 1), None, date(2026, 2, 1)]) == [2025, 2024]
    assert years.financial_years_spanning([None]) == []


def test_filters_parse_and_fall_back_with_a_message():
    years = [2025, 2024]
    assert parse_filters({"year": "2025", "outcome": "3", "sector": "private"}, years=years) == (
        Filters(year=2025, outcome=3, sector="private"),
        [],
    )
    assert parse_filters({"year": "all", "outcome": "all", "sector": "all"}, years=years) == (
        Filters(),
        [],
    )
    assert parse_filters({"year": "abc", "outcome": "7", "sector": "pirate"}, years=years) == (
        Filters(),
        [
            "There are no figures for a financial year called abc, so the dashboard shows all years.",
            UNKNOWN_OUTCOME.format(value="7"),
            "There is no sector called pirate, so the page shows all sectors.",
        ],
    )
    # a year without data is unknown too; a long value is cut short in the message
    filters, problems = parse_filters({"year": "2019", "sector": "x" * 40}, years=years)
    assert filters == Filters()
    assert problems[0].startswith("There are no figures for a financial year called 2019,")
    assert "x" * 29 + "…," in problems[1]


def test_a_contract_takes_the_worst_status_of_its_kpis():
    red, amber, green, not_started = delivery.RED, delivery.AMBER, delivery.GREEN, delivery.NOT_STARTED
    assert contract_status([green, amber, red]) == red
    assert contract_status([green, not_started, amber]) == amber
    assert contract_status([green, not_started]) == green
    assert contract_status([not_started]) == not_started
    assert contract_status([]) == not_started


def test_percentages_round_half_up_to_a_tenth():
    assert arithmetic.percent(D(11950), D(14250)) == D("83.9")  # 83.859…
    assert arithmetic.percent(1, 8) == D("12.5")
    assert arithmetic.percent(1, 0) is None
