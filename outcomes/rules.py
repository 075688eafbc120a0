"""Pure rules of the Social Value Model: no ORM, no request."""

from dataclasses import dataclass, field
from datetime import date

REVIEW_INTERVAL_YEARS = 1

SPLIT_MUST_TOTAL_100 = "The default shares of the outcomes must add up to 100%. They add up to {total}%."
OUTCOME_HAS_NO_INDICATOR = "Outcome {number} has no indicator. Add at least one before adopting."


def one_year_after(day: date) -> date:
    """The same day a year later; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + REVIEW_INTERVAL_YEARS)
    except ValueError:
        return day.replace(year=day.year + REVIEW_INTERVAL_YEARS, day=28)


def review_due_on(*, adopted_on: date, last_review_on: date | None) -> date:
    """12 months after adoption, or after the last review if that came later."""
    latest = max(adopted_on, last_review_on) if last_review_on else adopted_on
    return one_year_after(latest)


def is_review_overdue(*, due_on: date | None, today: date) -> bool:
    return due_on is not None and today > due_on


def adoption_problems(*, shares: dict[int, int], indicator_counts: dict[int, int]) -> list[str]:
    """Why a draft cannot be adopted yet: one plain-English sentence per problem (empty if none)."""
    problems = [
        OUTCOME_HAS_NO_INDICATOR.format(number=number)
        for number in sorted(shares)
        if indicator_counts.get(number, 0) == 0
    ]
    total = sum(shares.values())
    if total != 100:
        problems.append(SPLIT_MUST_TOTAL_100.format(total=total))
    return problems


# --- Comparing two versions ---------------------------------------------------------------------------
OUTCOME_FIELDS = ("title", "description", "pillar", "default_share")
INDICATOR_FIELDS = (
    "name",
    "unit",
    "evidence",
    "guidance",
    "proxy_value",
    "proxy_source",
    "proxy_year",
    "proxy_licence",
)


FIELD_LABELS = {
    "title": "Title",
    "description": "Description",
    "pillar": "Pillar",
    "default_share": "Default share (%)",
    "name": "Indicator",
    "unit": "Unit",
    "evidence": "Evidence a supplier keeps",
    "guidance": "Guidance",
    "proxy_value": "Financial proxy (£ per unit)",
    "proxy_source": "Source of the proxy",
    "proxy_year": "Edition year of the proxy",
    "proxy_licence": "Licence of the proxy",
}


@dataclass(frozen=True)
class FieldChange:
    field: str
    before: object
    after: object

    @property
    def label(self) -> str:
        return FIELD_LABELS.get(self.field, self.field)


@dataclass
class OutcomeChanges:
    number: int
    title: str
    fields: list[FieldChange] = field(default_factory=list)
    indicators_added: list[dict] = field(default_factory=list)
    indicators_removed: list[dict] = field(default_factory=list)
    indicators_changed: list[tuple[str, list[FieldChange]]] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(
            self.fields or self.indicators_added or self.indicators_removed or self.indicators_changed
        )


def _field_changes(before: dict, after: dict, names: tuple[str, ...]) -> list[FieldChange]:
    return [FieldChange(n, before.get(n), after.get(n)) for n in names if before.get(n) != after.get(n)]


def compare_versions(*, base: dict, draft: dict) -> dict:
    """What a later version (`draft`: a draft, or any version after `base`) changes from a base version.

    Each version is a plain dict: {"title", "statement", "outcomes": {number: {fields..., "indicators":
    {code: {fields...}}}}}. Outcomes match by number and indicators by code.
    """
    outcomes = []
    for number in sorted(set(base["outcomes"]) | set(draft["outcomes"])):
        old = base["outcomes"].get(number, {"indicators": {}})
        new = draft["outcomes"].get(number, {"indicators": {}})
        changes = OutcomeChanges(
            number=number,
            title=new.get("title") or old.get("title", ""),
            fields=_field_changes(old, new, OUTCOME_FIELDS),
        )
        old_ind, new_ind = old["indicators"], new["indicators"]
        changes.indicators_added = [new_ind[c] | {"code": c} for c in sorted(set(new_ind) - set(old_ind))]
        changes.indicators_removed = [old_ind[c] | {"code": c} for c in sorted(set(old_ind) - set(new_ind))]
        for code in sorted(set(old_ind) & set(new_ind)):
            diff = _field_changes(old_ind[code], new_ind[code], INDICATOR_FIELDS)
            if diff:
                changes.indicators_changed.append((code, diff))
        outcomes.append(changes)
    return {
        "title": _field_changes(base, draft, ("title",)),
        "statement_changed": base["statement"] != draft["statement"],
        "outcomes": outcomes,
        "any_change": base["statement"] != draft["statement"]
        or base["title"] != draft["title"]
        or any(o.changed for o in outcomes),
    }
