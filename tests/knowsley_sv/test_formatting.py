"""knowsley_sv.formatting: GOV.UK style for times, dates, money, quantities and percentages, worked examples
verbatim and properties; and that no template can write "a.m." or "p.m."."""

import re
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.template import Context, Template
from hypothesis import given
from hypothesis import strategies as st

from knowsley_sv import formatting
from knowsley_sv.forms import AmountField, QuantityField, parse_number

LONDON = formatting.DISPLAY_TIME_ZONE


@pytest.mark.parametrize(
    ("moment", "shown"),
    [
        (datetime(2027, 1, 21, 3, 25, tzinfo=LONDON), "3:25am on 21 January 2027"),
        (datetime(2027, 1, 21, 15, 25, tzinfo=LONDON), "3:25pm on 21 January 2027"),
        (datetime(2027, 1, 21, 23, 59, 59, tzinfo=LONDON), "11:59pm on 21 January 2027"),
        (datetime(2027, 1, 21, 12, 0, tzinfo=LONDON), "midday on 21 January 2027"),
        (datetime(2027, 1, 21, 0, 0, tzinfo=LONDON), "midnight on 21 January 2027"),
        (datetime(2027, 1, 21, 0, 5, tzinfo=LONDON), "12:05am on 21 January 2027"),
        (datetime(2027, 1, 21, 12, 30, tzinfo=LONDON), "12:30pm on 21 January 2027"),
        (datetime(2027, 1, 21, 9, 0, tzinfo=LONDON), "9am on 21 January 2027"),
        (datetime(2027, 1, 21, 17, 0, tzinfo=LONDON), "5pm on 21 January 2027"),
        (datetime(2026, 12, 2, 15, 25, tzinfo=UTC), "3:25pm on 2 December 2026"),  # GMT = UTC
        (datetime(2027, 6, 1, 23, 5, tzinfo=UTC), "12:05am on 2 June 2027"),  # BST: the next day in the UK
        (datetime(2027, 7, 1, 11, 0, tzinfo=UTC), "midday on 1 July 2027"),  # British Summer Time
        (datetime(2027, 12, 31, 23, 59, tzinfo=UTC), "11:59pm on 31 December 2027"),
        (datetime(2027, 1, 5, 0, 0, tzinfo=UTC), "midnight on 5 January 2027"),
        (datetime(2027, 6, 9, 8, 5, tzinfo=UTC), "9:05am on 9 June 2027"),  # BST
        (datetime(2027, 11, 25, 12, 30), "12:30pm on 25 November 2027"),  # naive: already UK time
    ],
)
def test_a_moment_is_written_time_first_in_uk_time(moment, shown):
    assert formatting.moment(moment) == shown


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (date(2027, 1, 1), "1 January 2027"),
        (datetime(2027, 3, 31, 23, 30, tzinfo=UTC), "1 April 2027"),  # BST
        (datetime(2027, 12, 31, 23, 30, tzinfo=UTC), "31 December 2027"),  # GMT
    ],
)
def test_a_day_is_written_in_full(value, shown):
    assert formatting.day(value) == shown


def test_a_day_can_name_its_weekday():
    assert formatting.day(date(2027, 1, 21), weekday=True) == "Thursday 21 January 2027"
    assert formatting.day(datetime(2027, 3, 31, 23, 30, tzinfo=UTC), weekday=True) == "Thursday 1 April 2027"


@pytest.mark.parametrize(
    ("value", "money", "amount_input"),
    [
        (Decimal("15000"), "£15,000", "15000"),
        (Decimal("15000.00"), "£15,000", "15000"),
        (Decimal("250000.00"), "£250,000", "250000"),
        (Decimal("15000.5"), "£15,000.50", "15000.50"),
        (Decimal("0.07"), "£0.07", "0.07"),
        (Decimal("0"), "£0", "0"),
        (Decimal("1234567.891"), "£1,234,567.89", "1234567.89"),
        (Decimal("-20"), "-£20", "-20"),
        (Decimal("-0.001"), "£0", "0"),
        (3, "£3", "3"),
    ],
)
def test_money_shows_pence_only_when_not_whole_pounds(value, money, amount_input):
    assert (formatting.money(value), formatting.amount_input(value)) == (money, amount_input)


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("3.00"), "3"),
        (Decimal("1200"), "1,200"),
        (Decimal("2.50"), "2.5"),
        (Decimal("0.125"), "0.13"),
        (Decimal("-0.001"), "0"),
        (7, "7"),
    ],
)
def test_a_quantity_has_no_trailing_zeros(value, shown):
    assert formatting.quantity(value) == shown


def test_a_money_box_shows_whole_pounds_without_pence_and_keeps_what_was_typed():
    field = AmountField(name="the value", example="£250,000")
    assert [field.prepare_value(v) for v in (Decimal("250000.00"), Decimal("0.50"), "250,000.00")] == [
        "250000",
        "0.50",
        "250,000.00",
    ]
    assert QuantityField(name="the quantity", example="3").prepare_value(Decimal("3.00")) == "3"


@pytest.mark.parametrize(
    ("value", "shown"),
    [(Decimal("3.00"), "3"), (Decimal("2.50"), "2.5"), (Decimal("1200"), "1200"), (Decimal("1E+3"), "1000")],
)
def test_a_quantity_box_shows_the_figure_without_trailing_zeros(value, shown):
    assert formatting.number_input(value) == shown


@pytest.mark.parametrize(
    ("label", "unit", "shown"),
    [
        ("Quantity delivered this period", "hours", "Quantity delivered this period (hours)"),
        (
            "6.3 Residents in clean-ups (recycling)",
            "people",
            "6.3 Residents in clean-ups (recycling), in people",
        ),
        ("Hours given", "hours (FTE)", "Hours given, in hours (FTE)"),
        ("Hours given", "", "Hours given"),
    ],
)
def test_a_unit_never_doubles_the_brackets(label, unit, shown):
    assert formatting.with_unit(label, unit) == shown


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("12.45"), "12.5%"),
        (Decimal("100"), "100.0%"),
        (Decimal("33.333"), "33.3%"),
        (Decimal("-0.04"), "0.0%"),
    ],
)
def test_a_percentage_has_one_decimal_place(value, shown):
    assert formatting.percentage(value) == shown


instants = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31), timezones=st.just(UTC)
)
pennies = st.decimals(min_value=-(10**12), max_value=10**12, places=2, allow_nan=False, allow_infinity=False)


@given(instants)
def test_a_time_never_has_dots_a_24_hour_clock_or_12_oclock(moment):
    text = formatting.time_of_day(moment)
    assert re.fullmatch(r"midday|midnight|(?:[1-9]|1[0-2])(?::[0-5]\d)?[ap]m", text), text
    assert not re.fullmatch(r"12(?::00)?[ap]m", text)


@given(instants)
def test_a_moment_reads_back_to_the_same_minute_in_uk_time(moment):
    text = formatting.moment(moment)
    local = moment.astimezone(LONDON)
    clock, _, when = text.partition(" on ")
    assert when == f"{local.day} {formatting.MONTHS[local.month - 1]} {local.year}"
    if clock in ("midday", "midnight"):
        assert (local.hour, local.minute) == ((12, 0) if clock == "midday" else (0, 0))
    else:
        parsed = datetime.strptime(clock.upper(), "%I:%M%p" if ":" in clock else "%I%p")
        assert (parsed.hour, parsed.minute) == (local.hour, local.minute)


@given(pennies)
def test_money_and_its_input_read_back_to_the_same_amount(amount):
    shown, typed = formatting.money(amount), formatting.amount_input(amount)
    assert not shown.endswith(".00") and not typed.endswith(".00")
    assert parse_number(shown.lstrip("-"), pounds=True, decimal_places=2, max_value=Decimal(10**13)) == abs(
        amount
    )
    assert Decimal(typed) == amount


@given(st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False))
def test_a_quantity_reads_back_to_the_same_figure(value):
    shown = formatting.quantity(value)
    assert not re.search(r"\.\d*0$", shown)
    assert Decimal(shown.replace(",", "")) == value


def test_the_filters_are_built_in_and_show_nothing_for_nothing():
    template = Template(
        "{{ a|moment }}|{{ b|money }}|{{ c|quantity }}|{{ d|percentage }}|{{ e|day }}|{{ f|money }}"
    )
    context = Context(
        {
            "a": datetime(2027, 1, 21, 23, 59, tzinfo=LONDON),
            "b": Decimal("250000.00"),
            "c": Decimal("3.00"),
            "d": Decimal("12.34"),
            "e": date(2027, 1, 21),
            "f": None,
        }
    )
    assert template.render(context) == "11:59pm on 21 January 2027|£250,000|3|12.3%|21 January 2027|"


TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
# Django's date format characters that write a.m./p.m. or AM/PM ("a", "A", "P"), unescaped.
RAW_CLOCK = re.compile(r"""\|(?:date|time):\s*["'][^"']*(?<!\\)[aAP][^"']*["']""")


def test_no_template_writes_the_time_with_djangos_am_pm():
    offending = [
        f"{path.relative_to(TEMPLATES)}:{number}: {line.strip()}"
        for path in sorted(TEMPLATES.rglob("*.html")) + sorted(TEMPLATES.rglob("*.txt"))
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if RAW_CLOCK.search(line)
    ]
    assert offending == [], "Use |moment or |time_of_day (knowsley_sv.formatting):\n" + "\n".join(offending)
