"""The one reader of typed figures (knowsley_sv.forms.parse_number): worked examples and properties."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from knowsley_sv.forms import NumberRefused, parse_number

LARGEST = Decimal("999999999999")  # 14 digits with 2 decimal places, in whole pounds


def pounds(text: str) -> Decimal:
    return parse_number(text, pounds=True, decimal_places=2, max_value=LARGEST)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("420000", "420000"),
        ("420,000", "420000"),
        ("£420,000", "420000"),
        ("  £1,234,567.89 ", "1234567.89"),
        ("0.5", "0.5"),
        ("999,999,999,999", "999999999999"),
    ],
)
def test_amounts_people_type_are_read_exactly(text, value):
    assert pounds(text) == Decimal(value)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("1e3", "invalid"),
        ("1_000", "invalid"),
        ("٤٢٠٠٠٠", "invalid"),  # Arabic-Indic digits
        ("४२००००", "invalid"),  # Devanagari
        ("４２００００", "invalid"),  # full-width
        ("42,00,000", "invalid"),  # commas only between thousands
        ("--5", "invalid"),
        ("4\x002", "invalid"),
        ("NaN", "invalid"),
        ("Infinity", "invalid"),
        ("1" * 10_000, "invalid"),
        ("-5", "negative"),
        ("12.345", "places"),
        ("1,000,000,000,000", "too_big"),
    ],
)
def test_inputs_that_mean_something_else_are_refused(text, code):
    with pytest.raises(NumberRefused) as refused:
        pounds(text)
    assert refused.value.code == code


def test_a_quantity_takes_no_pound_sign_and_a_whole_number_no_point():
    with pytest.raises(NumberRefused):
        parse_number("£3", pounds=False, decimal_places=2, max_value=LARGEST)
    with pytest.raises(NumberRefused):
        parse_number("3.5", pounds=False, decimal_places=0, max_value=LARGEST)
    assert parse_number("1,200", pounds=False, decimal_places=0, max_value=LARGEST) == 1200


@given(st.decimals(min_value=0, max_value=LARGEST, places=2, allow_nan=False, allow_infinity=False))
def test_every_amount_written_with_thousands_and_a_pound_sign_reads_back_as_itself(value):
    assert pounds(f"£{value:,.2f}") == value
    assert pounds(f"{value:.2f}") == value


@given(st.text(max_size=60))
def test_anything_typed_is_read_as_a_figure_in_range_or_refused_with_a_reason(text):
    try:
        value = pounds(text)
    except NumberRefused as refused:
        assert refused.code in {"invalid", "negative", "places", "too_big"}
    else:
        assert 0 <= value <= LARGEST and value == value.quantize(Decimal("0.01"))
        assert set(text.strip()) <= set("0123456789,.£")
