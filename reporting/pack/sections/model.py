"""The model in force (section "model"): the version in force at the period's end, what changed since the
board last reviewed the model, and its indicators with their financial proxies.

The comparison is outcomes' own (outcomes.selectors.version_changes, the draft compare page's): outcomes
match by number and indicators by code."""

from datetime import date, datetime

from django.db.models import Count, Q

from knowsley_sv import formatting
from outcomes import selectors as outcome_selectors
from outcomes.models import Outcome, SocialValueModel
from outcomes.rules import FIELD_LABELS

from ...tables.base import COUNT, MONEY_GBP, OUTCOME, YES_NO, Column, Table
from ...years import local_day
from ..period import Period
from .base import Headline, Section

KEY, TITLE = "model", "The model in force"

NO_VERSION = "No version of the model was in force on {day}, so this section has no figures."
IN_FORCE = (
    "Version {version} of the model was in force on {day}. The board adopted it on {adopted}. "
    "It has {indicators} indicators, {with_proxy} of them with a financial proxy."
)
NO_REVIEW = (
    "The board had not reviewed the model by {day}, so there is no earlier version to compare it with."
)
NO_CHANGE = "No change since the last review on {held}: version {version} was in force then too."
SAME_CONTENT = (
    "Version {version} replaced version {before}, which the board reviewed on {held}, "
    "but made no change to the statement, the outcomes or the indicators."
)
CHANGED = (
    "Since the last review on {held}, when version {before} was in force, version {version} made "
    "{changes}. They are listed below."
)
ILLUSTRATIVE_NOTE = (
    "An illustrative financial proxy is a made-up figure for demonstration, not a real value: never use one "
    "in a real evaluation. {which}"
)
THE_MODEL = "The model as a whole"
STATEMENT = "Statement on social value"
ADDED, REMOVED = "Indicator added", "Indicator removed"


# --- What changed (pure) --------------------------------------------------------------------------------
def shown(field: str, value) -> str | None:
    """A compared field's value as the table shows it: pillars by name, shares as %, proxies in £; an empty
    value as None (the table's dash)."""
    if value is None or value == "":
        return None
    if field == "pillar":
        return Outcome.Pillar(value).label
    if field == "default_share":
        return f"{value}%"
    if field == "proxy_value":
        return formatting.money(value)
    return str(value)


def _indicator_text(indicator: dict) -> str:
    return f"{indicator['name']} ({indicator['unit']})"


def change_rows(comparison: dict, *, statements: tuple[str, str]) -> list[list]:
    """outcomes.rules.compare_versions' answer as rows: what (the model, an outcome, an indicator), what
    changed, before, after. `statements` are the two versions' statements, shown whole when they differ."""
    rows = [[THE_MODEL, FIELD_LABELS["title"], c.before, c.after] for c in comparison["title"]]
    if comparison["statement_changed"]:
        rows.append([THE_MODEL, STATEMENT, *statements])
    for outcome in comparison["outcomes"]:
        where = f"Outcome {outcome.number}"
        rows += [[where, c.label, shown(c.field, c.before), shown(c.field, c.after)] for c in outcome.fields]
        rows += [
            [f"Indicator {i['code']}", ADDED, None, _indicator_text(i)] for i in outcome.indicators_added
        ]
        rows += [
            [f"Indicator {i['code']}", REMOVED, _indicator_text(i), None] for i in outcome.indicators_removed
        ]
        rows += [
            [f"Indicator {code}", c.label, shown(c.field, c.before), shown(c.field, c.after)]
            for code, changes in outcome.indicators_changed
            for c in changes
        ]
    return rows


def changes_text(n: int) -> str:
    return "1 change" if n == 1 else f"{n:,} changes"


def changes_table(rows: list[list], *, before: int, after: int) -> Table:
    return Table(
        key=f"{KEY}-changes",
        caption="What changed since the last review",
        columns=[
            Column("what", "Outcome or indicator"),
            Column("change", "What changed"),
            Column("before", f"Before (version {before})"),
            Column("after", f"After (version {after})"),
        ],
        rows=rows,
        empty="Nothing changed.",
    )


# --- The indicators (pure) ------------------------------------------------------------------------------
def proxy_citation(source: str, year: int | None) -> str | None:
    """ "HM Treasury Green Book (2022)": a proxy's source and edition year, as far as they are known."""
    if not source:
        return str(year) if year else None
    return f"{source} ({year})" if year else source


def code_key(code: str) -> tuple:
    """Indicator codes in reading order: 1.2 before 1.10."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part) for part in code.split("."))


def indicator_rows(model: SocialValueModel) -> list[list]:
    """One row an indicator of a prefetched version, by outcome then code (no query)."""
    return [
        [
            i.code,
            o.number,
            i.name,
            i.unit,
            i.proxy_value,
            proxy_citation(i.proxy_source, i.proxy_year) if i.proxy_value is not None else None,
            i.proxy_illustrative if i.proxy_value is not None else None,
        ]
        for o in sorted(model.outcomes.all(), key=lambda o: o.number)
        for i in sorted(o.indicators.all(), key=lambda i: code_key(i.code))
    ]


def illustrative_note(rows: list[list]) -> str:
    with_proxy = [row for row in rows if row[4] is not None]
    n = sum(1 for row in with_proxy if row[6])
    if not n:
        which = "No proxy here is illustrative."
    elif n == 1:
        which = f"1 of these {len(with_proxy):,} proxies is illustrative."
    else:
        which = f"{n:,} of these {len(with_proxy):,} proxies are illustrative."
    return ILLUSTRATIVE_NOTE.format(which=which)


def indicators_table(rows: list[list]) -> Table:
    return Table(
        key=f"{KEY}-indicators",
        caption="Indicators of the model in force",
        columns=[
            Column("code", "Code"),
            Column("outcome", "Outcome", OUTCOME),
            Column("indicator", "Indicator"),
            Column("unit", "Unit"),
            Column("proxy_gbp_per_unit", "Financial proxy (£ per unit)", MONEY_GBP),
            Column("proxy_source", "Source of the proxy, edition year"),
            Column("illustrative", "Illustrative", YES_NO),
        ],
        rows=rows,
        note=illustrative_note(rows),
        empty="The version in force has no indicators.",
    )


# --- The section ----------------------------------------------------------------------------------------
def _comparison(model: SocialValueModel, end: date) -> tuple[str, Table | None]:
    """The summary's sentence about the last review and, when the version changed since, the changes table.
    Three queries (the last review, with its version's outcomes and indicators)."""
    review = outcome_selectors.last_review(on=end)
    if review is None:
        return NO_REVIEW.format(day=formatting.day(end)), None
    held = formatting.day(review.held_on)
    if review.model_id == model.pk:
        return NO_CHANGE.format(held=held, version=model.version), None
    before = review.model
    comparison = outcome_selectors.version_changes(base=before, after=model)
    if not comparison["any_change"]:
        return SAME_CONTENT.format(version=model.version, before=before.version, held=held), None
    rows = change_rows(comparison, statements=(before.statement, model.statement))
    text = CHANGED.format(
        held=held, before=before.version, version=model.version, changes=changes_text(len(rows))
    )
    return text, changes_table(rows, before=before.version, after=model.version)


def section(period: Period, *, today: date, now: datetime) -> Section:
    """The version in force at the period's end (today, while it runs on), what changed since the last review,
    and its indicators. Six queries: the version (three) and the last review (three); three when no version
    was in force."""
    result = Section(key=KEY, title=TITLE)
    on = period.last_day(today)
    model = outcome_selectors.model_in_force(on=on)
    if model is None:
        result.summary = [NO_VERSION.format(day=formatting.day(on))]
        return result
    rows = indicator_rows(model)
    result.summary = [
        IN_FORCE.format(
            version=model.version,
            day=formatting.day(on),
            adopted=formatting.day(local_day(model.adopted_at)),
            indicators=f"{len(rows):,}",
            with_proxy=f"{sum(1 for row in rows if row[4] is not None):,}",
        )
    ]
    text, changes = _comparison(model, on)
    result.summary.append(text)
    result.tables = [*([changes] if changes else []), indicators_table(rows)]
    return result


def headlines(period: Period, *, today: date) -> list[Headline]:
    """The version in force at the period's end: its indicators, and those with a financial proxy (None when
    no version was in force). One query."""
    counts = (
        SocialValueModel.objects.in_force(period.last_day(today))
        .order_by("-adopted_at", "-version")
        .annotate(
            n=Count("outcomes__indicators"),
            with_proxy=Count(
                "outcomes__indicators", filter=Q(outcomes__indicators__proxy_value__isnull=False)
            ),
        )
        .values("n", "with_proxy")
        .first()
    ) or {"n": None, "with_proxy": None}
    return [
        Headline("indicators_in_model", "Indicators in the model", COUNT, counts["n"]),
        Headline("indicators_with_proxy", "Indicators with a financial proxy", COUNT, counts["with_proxy"]),
    ]
