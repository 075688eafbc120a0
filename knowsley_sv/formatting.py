"""How the service writes times, dates, money, quantities and percentages: one place for every page, PDF
and export, in GOV.UK style (the A to Z of GOV.UK style, "Times", "Dates", "Money", "Numbers").

Pure: no ORM, no request. Template filters over it are in knowsley_sv/templatetags/formatting.py.

    time_of_day  3:25pm · 9am · midday · midnight         (never "3:25p.m." or "12:00pm")
    day          21 January 2027
    moment       11:59pm on 21 January 2027              (UK time, whatever the datetime's zone)
    money        £15,000 · £15,000.50 · -£20              (pence only when not whole pounds)
    amount_input 250000 · 250000.50                      (what a money box shows before it is changed)
    number_input 3 · 2.5 · 1200                           (what a quantity box shows)
    with_unit    Hours given (hours) · Hours (pro bono), in hours   (never doubled brackets)
    quantity     3 · 1,200 · 2.5                          (no ".00")
    percentage   12.5% · 100.0%                           (one decimal place, half up)
"""

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from .money import TENTH, to_pennies

DISPLAY_TIME_ZONE = ZoneInfo("Europe/London")
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def uk_time(moment: datetime) -> datetime:
    """The moment on a UK clock; a naive datetime is taken to be UK time already."""
    return moment.astimezone(DISPLAY_TIME_ZONE) if moment.utcoffset() is not None else moment


def time_of_day(moment: datetime) -> str:
    """ "3:25pm", "9am", "midday", "midnight": GOV.UK's words ("midday", not "12 noon" or "12pm";
    "midnight", not "00:00"). Seconds are not shown."""
    local = uk_time(moment)
    if local.minute == 0 and local.hour in (0, 12):
        return "midnight" if local.hour == 0 else "midday"
    hour = local.hour % 12 or 12
    suffix = "am" if local.hour < 12 else "pm"
    return f"{hour}{suffix}" if local.minute == 0 else f"{hour}:{local.minute:02d}{suffix}"


WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def day(value: date | datetime, *, weekday: bool = False) -> str:
    """ "21 January 2027", or with `weekday` "Thursday 21 January 2027"; a datetime is taken on the UK clock
    first."""
    if isinstance(value, datetime):
        value = uk_time(value).date()
    text = f"{value.day} {MONTHS[value.month - 1]} {value.year}"
    return f"{WEEKDAYS[value.weekday()]} {text}" if weekday else text


def moment(value: datetime) -> str:
    """ "11:59pm on 21 January 2027": when something happens or happened, time first, in UK time."""
    return f"{time_of_day(value)} on {day(value)}"


def _decimal(value) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _plain(value: Decimal, *, places: int, commas: bool) -> str:
    """`value` to at most `places` decimal places, half up, with no trailing zeros after the point."""
    rounded = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP) + 0  # + 0: never "-0"
    if rounded == rounded.to_integral_value():
        return f"{rounded:,.0f}" if commas else f"{rounded:.0f}"
    text = f"{rounded:,f}" if commas else f"{rounded:f}"
    return text.rstrip("0")


def money(value) -> str:
    """ "£15,000", "£15,000.50", "-£20": whole pounds without pence, otherwise to the penny."""
    amount = to_pennies(_decimal(value)) + 0  # + 0: never "-£0"
    sign = "-" if amount < 0 else ""
    amount = abs(amount)
    text = f"{amount:,.0f}" if amount == amount.to_integral_value() else f"{amount:,.2f}"
    return f"{sign}£{text}"


def amount_input(value) -> str:
    """What a money text box holds before anyone types: "250000", "250000.50" (never "250000.00")."""
    amount = to_pennies(_decimal(value)) + 0
    return f"{amount:.0f}" if amount == amount.to_integral_value() else f"{amount:.2f}"


def number_input(value) -> str:
    """What a quantity text box holds before anyone types: "3", "2.5", "1200" (never "3.00" or "1E+3")."""
    text = f"{_decimal(value):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def quantity(value, places: int = 2) -> str:
    """ "3", "1,200", "2.5": a count or measure to at most `places` decimal places, no trailing zeros."""
    return _plain(_decimal(value), places=places, commas=True)


def with_unit(label: str, unit: str) -> str:
    """ "Quantity delivered (hours)"; "Volunteering (pro bono), in hours" when the label or the unit has
    brackets of its own, so that brackets never nest or double up."""
    if not unit:
        return label
    return f"{label}, in {unit}" if any(b in label + unit for b in "()") else f"{label} ({unit})"


def percentage(value) -> str:
    """ "12.5%", "100.0%": a percentage (already ×100) to one decimal place, half up."""
    return f"{_decimal(value).quantize(TENTH, rounding=ROUND_HALF_UP) + 0}%"  # + 0: never "-0.0%"
