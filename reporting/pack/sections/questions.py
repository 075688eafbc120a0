"""Questions for the board: the data each rule of reporting.pack.questions needs, gathered for the period,
and the questions they ask as two tables (those naming one supplier's contract are not public) with the
rules printed beside them."""

from datetime import date, datetime

from outcomes import selectors as outcome_selectors
from procurement.models import OfferedIndicator

from ...tables.base import Column, Table
from .. import questions as rules
from ..period import Period
from . import application, delivery, residents
from .base import SHOWN, Section

KEY = "questions"
COLUMNS = [Column("question", "Question"), Column("figures", "The figures behind it"), Column("rule", "Rule")]


def gather(period: Period, *, today: date, now: datetime) -> list[rules.Question]:
    """Every question the rules ask of the period's figures, in the order of RULES. A fixed number of queries
    (each section's reads; the consultations' results come from the shared cache)."""
    as_at = period.last_day(today)
    _table, priorities = application.priorities(period, now=now)
    titles = {row.number: row.title for row in priorities}
    model = outcome_selectors.model_in_force(on=as_at)
    indicators = [(i.code, i.name) for o in model.outcomes.all() for i in o.indicators.all()] if model else []
    offered = set(
        OfferedIndicator.objects.filter(tender__in=application.published(period)).values_list(
            "indicator__code", flat=True
        )
    )
    totals = delivery.indicator_totals(period, today=today)
    questions = [
        *rules.weight_gaps(
            {row.number: row.residents for row in priorities},
            {row.number: row.tenders for row in priorities},
            titles,
        ),
        *rules.unused_indicators(indicators, offered),
        *rules.never_delivered(
            {t.code: (t.name, t.committed, t.expected, t.delivered) for t in totals.values()}
        ),
        *rules.red_for_quarters(delivery.rag_history(period, today=today)),
    ]
    for closed in residents.closed_in_period(period, now=now):
        questions += rules.thin_wards(closed.results.by_ward, closed.consultation.title)
    questions += rules.review_overdue(outcome_selectors.review_status(today=as_at).due_on, as_at)
    return questions


def _table(key: str, caption: str, questions: list[rules.Question], *, public: bool) -> Table:
    return Table(
        key=key,
        caption=caption,
        columns=COLUMNS,
        rows=[[q.question, q.figures, rules.RULES[q.rule][0]] for q in questions],
        empty="The rules ask no question of this period's figures.",
        public=public,
        shown=SHOWN,
    )


def section(period: Period, *, today: date, now: datetime) -> Section:
    found = gather(period, today=today, now=now)
    shared = [q for q in found if q.public]
    confidential = [q for q in found if not q.public]
    n = len(found)
    summary = [
        (
            f"The figures raise {n} question{'' if n == 1 else 's'} for the board, each drawn by a rule "
            "stated below."
            if n
            else "The rules below ask no question of this period's figures."
        )
    ]
    tables = [_table(f"{KEY}-asked", "Questions the figures raise", shared, public=True)]
    if confidential:
        tables.append(
            _table(f"{KEY}-contracts", "Questions about named contracts", confidential, public=False)
        )
    tables.append(
        Table(
            key=f"{KEY}-rules",
            caption="The rules that draw the questions",
            columns=[Column("rule", "Rule"), Column("statement", "When the pack asks")],
            rows=[[title, statement] for title, statement in rules.RULES.values()],
        )
    )
    return Section(KEY, "Questions for the board", summary, tables)
