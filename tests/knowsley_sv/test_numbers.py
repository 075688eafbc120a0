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


# --- Through every form page: hostile dates and figures, as the role that owns the page --------------------
# The security probes' world holds an object of every kind; it is built once for this module and rolled back.
RAW = (
    "Enter a whole number.",
    "Enter a number.",
    "Enter a valid date",
    "Enter a valid month",
    "Enter a valid year",
    "Ensure this value",
    "Ensure that there are no more than",
    "out of range",
    "This field is required.",
)
DATE_PAGES = [  # who, path, field, what the date is called
    ("board member", "/model/reviews/new/", "held_on", "The date of the review meeting"),
    (
        "board member",
        "/organisations/{org}/board-members/new/",
        "started_on",
        "The date they joined the board",
    ),
    ("board member", "/board-memberships/{bm}/end/", "ended_on", "The date they left the board"),
    (
        "commissioner",
        "/consultations/{oc}/manage/responses/new/",
        "received_on",
        "The date the response was received",
    ),
    ("board member", "/consultations/new/", "opens_on", "The opening date"),
    ("board member", "/consultations/{oc}/manage/edit/", "closes_on", "The closing date"),
]
HOSTILE_DATES = [  # day, month, year, what is wrong
    ("31", "2", "2026", "must be a real date"),  # Python: "day is out of range for month"
    ("1", "1", "99999", "must be a real date"),  # Python: "year 99999 is out of range"
    ("1" * 20, "1", "2026", "must be a real date"),  # was an OverflowError: a 500
    ("٣", "1", "2026", "must be a real date"),  # Arabic-Indic 3
    ("", "3", "2026", "must include a day, month and year"),
    ("27", "3", "26", "must have a year with 4 numbers"),  # a real date in the year 26, but not the one meant
]
OUTCOME, INDICATOR = "/model/drafts/{dm}/outcomes/1/", "/model/drafts/{dm}/outcomes/1/indicators/new/"
WARD, WEIGHTS = "/consultations/wards/{wp}/", "/tenders/{dr}/edit/weights/"
CRITERIA, SHARES = "/tenders/{dr}/edit/criteria/", "/tenders/{dr}/edit/social-value/"
BOARD, COMMISSIONER = "board member", "commissioner"
HOSTILE_FIGURES = [  # who, path, field, typed, message
    (BOARD, OUTCOME, "default_share", "٣", "Enter the default share as a whole number, like 17"),
    (BOARD, OUTCOME, "default_share", "1e3", "Enter the default share as a whole number, like 17"),
    (BOARD, OUTCOME, "default_share", "1" * 20, "The default share must be 100% or less"),
    (BOARD, INDICATOR, "proxy_year", "٢٠٢١", "Enter the edition year as 4 digits, like 2021"),
    (BOARD, INDICATOR, "proxy_year", "99999", "The edition year must be 2099 or earlier"),
    (BOARD, WARD, "population", "٩٨٥٠", "Enter the population as a whole number, like 9850"),
    (BOARD, WARD, "population", "9" * 20, "The population must be 2,147,483,647 or less"),
    (BOARD, WARD, "year", "٢٠٢٤", "Enter the year as 4 digits, like 2024"),
    (BOARD, WARD, "year", "99999", "The year must be 2099 or earlier"),
    (COMMISSIONER, WEIGHTS, "price_weight", "٥٠", "Enter the price weight as a whole number, like 30"),
    (COMMISSIONER, WEIGHTS, "quality_weight", "-1", "The quality weight cannot be negative"),
    (COMMISSIONER, WEIGHTS, "social_value_weight", "1" * 20, "The social value weight must be 100 or less"),
    (COMMISSIONER, CRITERIA, "weight", "١٠", "Enter the weight as a whole number, like 10"),
    (
        COMMISSIONER,
        CRITERIA,
        "minimum_score",
        "1e3",
        "Enter the minimum score as a whole number from 0 to 100",
    ),
    (COMMISSIONER, SHARES, "share_1", "٢٠", "Enter the share for outcome 1 as a whole number, like 20"),
]
HOSTILE_POSTS = [
    pytest.param(who, path, {f"{field}_0": day, f"{field}_1": month, f"{field}_2": year}, f"{name} {wrong}",
                 id=f"{field}-{day[:4] or 'blank'}-{month}-{year}")
    for who, path, field, name in DATE_PAGES
    for day, month, year, wrong in HOSTILE_DATES
] + [
    pytest.param(who, path, {field: typed}, message, id=f"{field}-{typed[:4]}")
    for who, path, field, typed, message in HOSTILE_FIGURES
]  # fmt: skip


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, baseline_data):
    from tests.conftest import restore_baseline
    from tests.security.conftest import rolled_back
    from tests.security.world import build_world

    with rolled_back(django_db_blocker):
        restore_baseline(baseline_data)
        yield build_world()


@pytest.mark.django_db
@pytest.mark.parametrize(("who", "path", "typed", "message"), HOSTILE_POSTS)
def test_hostile_dates_and_figures_get_a_named_message_through_every_form_page(
    world, who, path, typed, message
):
    from django.test import Client

    from tests.security.world import fingerprint

    client = Client(raise_request_exception=False)
    client.force_login(world.users[who])
    before = fingerprint()

    response = client.post(path.format(**world.values()), typed)

    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert [raw for raw in RAW if raw in html] == []
    assert fingerprint() == before  # nothing saved, not even an audit row


def project_form_classes() -> list[type]:
    """Every form class the four apps define (imported through their URLconfs, so views' own forms too)."""
    from django import forms
    from django.urls import get_resolver

    assert get_resolver().url_patterns  # imports every view module, and the forms they define
    found, todo = [], [forms.BaseForm]
    while todo:
        cls = todo.pop()
        todo += cls.__subclasses__()
        if cls.__module__.split(".")[0] in {"knowsley_sv", "outcomes", "consultation", "procurement"}:
            found.append(cls)
    return found


def test_no_form_reads_a_date_or_number_with_djangos_own_fields():
    """Django's IntegerField, DecimalField, FloatField and date fields read "٣" as 3 and say "Enter a whole
    number." or "Enter a valid date."; crispy-forms-gds' DateInputField says "day is out of range for month".
    Fields a form adds in __init__ (the shares, the date received) are checked through their pages above."""
    from crispy_forms_gds.fields import DateInputField
    from django import forms

    from knowsley_sv.forms import GovDateField

    raw = (forms.IntegerField, forms.DecimalField, forms.FloatField, forms.DateField, forms.DateTimeField)
    forms_found = project_form_classes()
    assert {"OutcomeForm", "WardPopulationForm", "CriterionForm", "ContractForm"} <= {
        f.__name__ for f in forms_found
    }
    found = [
        f"{form.__module__}.{form.__name__}.{name}"
        for form in forms_found
        for name, field in form.base_fields.items()
        if isinstance(field, raw)
        or (isinstance(field, DateInputField) and not isinstance(field, GovDateField))
    ]
    assert found == []
