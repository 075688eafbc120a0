"""The retention schedule: how long each kind of record is kept, from when, and what happens at the end.

One schedule (settings.RETENTION, periods like "30 days" or "2 years", each overridable from the environment)
drives both `manage.py apply_retention` and the privacy notice, so the two cannot disagree. This module gives
the schedule its meaning and is pure: no ORM, no request. Each app applies its own part in its `retention.py`,
registering one job per entry with `@job("key")`; `knowsley_sv.retention_apply` runs them.

Worked examples (Period.before is "this long before", month ends clamped):
    parse_period("30 days").before(datetime(2027, 6, 1, 9, 0))   == datetime(2027, 5, 2, 9, 0)
    parse_period("1 month").before(date(2027, 3, 31))            == date(2027, 2, 28)
    parse_period("1 year").before(date(2028, 2, 29))             == date(2027, 2, 28)
    parse_period("6 years").after(date(2028, 3, 31))             == date(2034, 3, 31)
A record is past its date when its starting point is earlier than the period before now: with "30 days" and
now 1 June 2027 09:00, a record that started at 09:00 on 2 May 2027 is kept; one a second earlier goes.
"""

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TypeVar

Moment = TypeVar("Moment", date, datetime)

UNITS = ("days", "months", "years")
_PERIOD = re.compile(r"\s*([0-9]+)\s*(day|month|year)s?\s*", re.IGNORECASE)


@dataclass(frozen=True)
class Period:
    count: int
    unit: str  # one of UNITS

    def __str__(self) -> str:
        return f"{self.count} {self.unit if self.count != 1 else self.unit[:-1]}"

    def before(self, moment: Moment) -> Moment:
        return _shift(moment, self, -1)

    def after(self, moment: Moment) -> Moment:
        return _shift(moment, self, 1)


def parse_period(text: str) -> Period:
    """Read "30 days", "18 months" or "1 year" (any case, plural or not); at least 1."""
    match = _PERIOD.fullmatch(str(text))
    if match is None or int(match[1]) < 1:
        raise ValueError(
            f'A retention period is a whole number of days, months or years, like "30 days"; got {text!r}.'
        )
    return Period(int(match[1]), match[2].lower() + "s")


def _shift(moment: Moment, period: Period, sign: int) -> Moment:
    if period.unit == "days":
        return moment + sign * timedelta(days=period.count)
    months = period.count * (12 if period.unit == "years" else 1)
    index = moment.year * 12 + moment.month - 1 + sign * months
    year, month = divmod(index, 12)
    month += 1
    return moment.replace(year=year, month=month, day=min(moment.day, _days_in(year, month)))


def _days_in(year: int, month: int) -> int:
    following = date(year + month // 12, month % 12 + 1, 1)
    return (following - date(year, month, 1)).days


# --- The entries: what is kept, from when, and what happens at the end (the notice's words) ----------------
@dataclass(frozen=True)
class Entry:
    key: str
    what: str
    starts: str  # the starting point, completing "kept for <period> …"
    then: str  # what happens at the end, completing "… then …"
    period: Period

    @property
    def sentence(self) -> str:
        return f"{self.what}: kept for {self.period} {self.starts}, then {self.then}."


ENTRIES: dict[str, tuple[str, str, str]] = {
    "contacts": (
        "Residents' email addresses for updates",
        "after the council publishes its response to the consultation (“you said, we did”)",
        "erased",
    ),
    "contacts_unanswered": (
        "Residents' email addresses for updates, at the latest",
        "after the consultation closes, even if the council has not published its response by then",
        "erased",
    ),
    "responses": (
        "Consultation answers and comments",
        "after the version of the Social Value Model they informed is replaced",
        "comments are erased; the points given to each outcome, the ward and any demographic answers are "
        "kept as anonymous evidence",
    ),
    "evidence": (
        "Delivery evidence (files suppliers upload and their records)",
        "after the contract ends",
        "the files and their records are deleted",
    ),
    "signin": (
        "Sign-in records (sign-ins and failed attempts, with the username and network address used)",
        "after the sign-in",
        "deleted",
    ),
    "audit": (
        "The audit trail of decisions made in the service",
        "after each entry is made",
        "who acted, the record's name at the time and the before-and-after details are removed; what was "
        "done, to which record and when are kept",
    ),
}


def schedule(config: Mapping[str, str]) -> dict[str, Entry]:
    """The schedule from its settings ({key: period text}), in the order of ENTRIES; each needs a period."""
    if set(config) != set(ENTRIES):
        missing, unknown = sorted(set(ENTRIES) - set(config)), sorted(set(config) - set(ENTRIES))
        raise ValueError(
            f"RETENTION needs exactly the entries {sorted(ENTRIES)}; missing {missing}, unknown {unknown}."
        )
    return {
        key: Entry(key, what, starts, then, parse_period(config[key]))
        for key, (what, starts, then) in ENTRIES.items()
    }


# --- Jobs: each app registers the one that applies an entry -----------------------------------------------
Counts = dict[str, int]  # what was (or would be) erased or anonymised: {"contact records": 3}
Job = Callable[..., Counts]  # job(*, cutoff: datetime, now: datetime, dry_run: bool) -> Counts
_jobs: dict[str, Job] = {}


def job(key: str) -> Callable[[Job], Job]:
    """Register the function that applies entry `key`: it is given the cut-off (records that started before
    it are past their date), the time of the run and whether it is a dry run, and returns what it erased or
    anonymised (or, in a dry run, would)."""
    if key not in ENTRIES:
        raise ValueError(f"No retention entry {key!r}.")

    def register(function: Job) -> Job:
        if _jobs.get(key, function) is not function:
            raise ValueError(f"Retention entry {key!r} already has a job.")
        _jobs[key] = function
        return function

    return register


def jobs() -> dict[str, Job]:
    return dict(_jobs)
