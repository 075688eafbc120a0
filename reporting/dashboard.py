"""The board's dashboard as a whole: its tables, worked out once a request from the selectors and kept in the
shared cache (knowsley_sv.caching: Redis in production, so every app server reads the same entries), with the
filters' choices and the rendered body.

Each entry reads the topics of reporting.topics (and the review table outcomes' banner topic), so a write to a
model it reads makes it stale and a surge of responses leaves the contract tables cached. Entries are keyed on
what they are: the table, the filters and the day (contracts' RAG and the review's status change with it).
The priorities table, and the body that shows it, are worked out again when the next consultation closes
(caching.Until): the latest closed consultation changes then, with no write.
"""

import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from functools import cached_property

from django.utils import timezone

from knowsley_sv import caching
from outcomes.topics import REVIEW_STATUS

from .filters import FILTER_NAMES, Filters
from .selectors.common import outcome_titles, year_choices
from .selectors.consultations import next_closing, participation, priorities
from .selectors.contracts import ContractStatus, local_spend, rag, weighting
from .selectors.review import review
from .selectors.social_value import social_value
from .tables import dashboard as tables
from .tables.base import Table
from .topics import CONSULTATIONS, PROCUREMENT


class Figures:
    """One request's figures: shares the outcome titles and contract statuses between the tables, and keeps
    each table in the shared cache."""

    def __init__(
        self,
        filters: Filters,
        *,
        today: date | None = None,
        now: datetime | None = None,
        titles: dict[int, str] | None = None,
    ):
        self.filters = filters
        self.today, self.now = today or timezone.localdate(), now or timezone.now()
        if titles is not None:
            self.titles = titles

    def tables(self, keys: Sequence[str] | None = None) -> dict[str, Table]:
        """The tables named (all by default): from the shared cache, or worked out in a fixed number of
        queries whatever the data."""
        keys = keys or TABLE_KEYS
        asked = f"{self.filters.query()}:{self.today.isoformat()}"
        names = {key: f"dashboard:table:{key}:{asked}" for key in keys}
        found = caching.cached_many(
            {names[key]: (TABLE_TOPICS[key], lambda key=key: self._build(key)) for key in keys}, now=self.now
        )
        return {key: found[names[key]] for key in keys}

    def _build(self, key: str) -> object:
        table = BUILDERS[key](self)
        # The residents' side of the priorities table is the latest consultation closed: it changes, with no
        # write, when the next one closes.
        return caching.Until(table, next_closing(self.now)) if key == "priorities" else table

    @cached_property
    def titles(self) -> dict[int, str]:
        return outcome_titles()

    @cached_property
    def rag(self) -> list[ContractStatus]:
        return rag(self.filters, today=self.today)


BUILDERS: dict[str, Callable[[Figures], Table]] = {
    "social_value": lambda f: tables.social_value_table(
        social_value(f.filters, titles=f.titles), year=f.filters.year
    ),
    "weighting": lambda f: tables.weighting_table(weighting(f.filters)),
    "local_spend": lambda f: tables.local_spend_table(local_spend(f.filters)),
    "rag": lambda f: tables.rag_table(f.rag),
    "rag_contracts": lambda f: tables.rag_contracts_table(f.rag),
    "participation": lambda f: tables.participation_table(participation(f.filters)),
    "priorities": lambda f: tables.priorities_table(priorities(f.filters, titles=f.titles, now=f.now)),
    "review": lambda f: tables.review_table(review(today=f.today)),
}
TABLE_KEYS = tuple(BUILDERS)
TABLE_TOPICS: dict[str, tuple[caching.Topic, ...]] = {
    "social_value": (PROCUREMENT,),
    "weighting": (PROCUREMENT,),
    "local_spend": (PROCUREMENT,),
    "rag": (PROCUREMENT,),
    "rag_contracts": (PROCUREMENT,),
    "participation": (CONSULTATIONS,),
    "priorities": (PROCUREMENT, CONSULTATIONS),  # the tenders published since residents' split
    "review": (REVIEW_STATUS,),
}
# The body shows every table, so it reads every topic they read.
PAGE_TOPICS = (PROCUREMENT, CONSULTATIONS, REVIEW_STATUS)


def choices(*, now: datetime) -> tuple[list[int], dict[int, str]]:
    """The financial years with data and the outcome titles, for the filters (from the shared cache)."""
    found = caching.cached_many(
        {
            "dashboard:years": ((PROCUREMENT, CONSULTATIONS), year_choices),
            "dashboard:titles": ((PROCUREMENT,), outcome_titles),
        },
        now=now,
    )
    return found["dashboard:years"], found["dashboard:titles"]


def cached_page(params: Mapping[str, str], *, now: datetime, render: Callable[[], str]) -> str:
    """The dashboard's body for these filters as asked for (render() makes it), from the shared cache: it
    shows every table, so it reads every topic, and the priorities table's `until`. Keyed on a digest of the
    filters as typed, so an unknown value cannot make a long key. The body depends on the filters asked for,
    never on who asks (tests/reporting/test_cache.py renders it for each role allowed and compares bytes)."""
    key = page_key(params, day=timezone.localdate(now))
    return caching.cached(key, PAGE_TOPICS, lambda: caching.Until(render(), next_closing(now)), now=now)


def page_key(params: Mapping[str, str], *, day: date) -> str:
    """The body's key in the shared cache: the day and a digest of the filters as typed."""
    asked = json.dumps([params.get(name, "") for name in FILTER_NAMES])
    return f"dashboard:page:{day.isoformat()}:{hashlib.sha256(asked.encode()).hexdigest()}"
