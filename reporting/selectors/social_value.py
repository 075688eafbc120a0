"""a. Social value committed and delivered, by outcome: £ and each indicator unit's quantities, with the
year before beside a chosen year."""

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum

from procurement.models import ContractKPI, DeliveryLine

from ..arithmetic import percent, to_pennies
from ..filters import Filters
from ..years import financial_year_bounds
from .common import committed_value, delivered_value, verified

Quantities = tuple[tuple[str, Decimal], ...]  # (unit, quantity), by unit: "people", 12


@dataclass(frozen=True)
class OutcomeValue:
    number: int
    title: str
    committed: Decimal
    delivered: Decimal
    without_proxy: int = 0
    # The same commitments and verified delivery in their indicators' own units, each unit's total.
    committed_quantities: Quantities = ()
    delivered_quantities: Quantities = ()
    # The financial year before the one filtered (None when every year is shown).
    previous_committed: Decimal | None = None
    previous_delivered: Decimal | None = None
    illustrative: int = 0  # commitments priced with an illustrative (made-up) proxy

    @property
    def delivered_percent(self) -> Decimal | None:
        return percent(self.delivered, self.committed)


def _sum_or_none(values: Sequence[Decimal | None]) -> Decimal | None:
    return None if any(v is None for v in values) else sum(values, Decimal(0))


def totals(rows: Sequence[OutcomeValue], label: str = "") -> OutcomeValue:
    """The outcomes' totals. Quantities are not added across outcomes: "people" helped into work and
    "people" given early help are different people, or the same ones counted twice."""
    return OutcomeValue(
        number=0,
        title=label,
        committed=sum((r.committed for r in rows), Decimal(0)),
        delivered=sum((r.delivered for r in rows), Decimal(0)),
        without_proxy=sum(r.without_proxy for r in rows),
        illustrative=sum(r.illustrative for r in rows),
        previous_committed=_sum_or_none([r.previous_committed for r in rows]),
        previous_delivered=_sum_or_none([r.previous_delivered for r in rows]),
    )


def _by_outcome_and_unit(rows, outcome: str, unit: str) -> dict[int, dict[str, dict]]:
    """Rows grouped in the database by outcome and unit -> {outcome: {unit: row}}."""
    result: dict[int, dict[str, dict]] = defaultdict(dict)
    for row in rows:
        result[row[outcome]][row[unit]] = row
    return result


def _total(groups: Mapping[str, dict], name: str) -> Decimal | None:
    values = [row[name] for row in groups.values() if row[name] is not None]
    return sum(values, Decimal(0)) if values else None


def nonzero(totals_by_unit: Mapping[str, Decimal | None]) -> Quantities:
    """unit -> total as (unit, total) pairs by unit, leaving out units with nothing."""
    return tuple((unit, totals_by_unit[unit]) for unit in sorted(totals_by_unit) if totals_by_unit[unit])


def _quantities(groups: Mapping[str, dict], name: str) -> Quantities:
    return nonzero({unit: row[name] for unit, row in groups.items()})


@dataclass(frozen=True)
class _Years:
    """What counts in the year chosen and in the year before (all None: every year, nothing before)."""

    this_kpi: Q | None = None
    this_line: Q | None = None
    previous_kpi: Q | None = None
    previous_line: Q | None = None


def _filtered(filters: Filters) -> tuple[QuerySet[ContractKPI], QuerySet[DeliveryLine], _Years]:
    """The KPIs and verified lines the filters select (with a year, that year and the one before)."""
    kpis, lines, years = ContractKPI.objects.all(), verified(), _Years()
    if filters.year:
        this_year, last_year = financial_year_bounds(filters.year), financial_year_bounds(filters.year - 1)
        kpis = kpis.filter(contract__start_date__range=(last_year[0], this_year[1]))
        lines = lines.filter(report__period_end__range=(last_year[0], this_year[1]))
        years = _Years(
            this_kpi=Q(contract__start_date__range=this_year),
            this_line=Q(report__period_end__range=this_year),
            previous_kpi=Q(contract__start_date__range=last_year),
            previous_line=Q(report__period_end__range=last_year),
        )
    if filters.sector:
        kpis = kpis.filter(contract__award__bid__supplier__sector=filters.sector)
        lines = lines.filter(kpi__contract__award__bid__supplier__sector=filters.sector)
    if filters.outcome:
        kpis = kpis.filter(outcome_number=filters.outcome)
        lines = lines.filter(kpi__outcome_number=filters.outcome)
    return kpis, lines, years


def _committed(kpis: QuerySet[ContractKPI], years: _Years) -> dict[int, dict[str, dict]]:
    no_proxy = Q(proxy_value__isnull=True) & (years.this_kpi or Q())
    illustrative = Q(proxy_value__isnull=False, indicator__proxy_illustrative=True) & (years.this_kpi or Q())
    return _by_outcome_and_unit(
        kpis.order_by()
        .values("outcome_number", "unit")
        .annotate(
            value=committed_value(years.this_kpi),
            units=Sum("committed", filter=years.this_kpi),
            without_proxy=Count("id", filter=no_proxy),
            illustrative=Count("id", filter=illustrative),
            previous=committed_value(years.previous_kpi),
        ),
        "outcome_number",
        "unit",
    )


def _delivered(lines: QuerySet[DeliveryLine], years: _Years) -> dict[int, dict[str, dict]]:
    return _by_outcome_and_unit(
        lines.order_by()
        .values("kpi__outcome_number", "kpi__unit")
        .annotate(
            value=delivered_value(years.this_line),
            units=Sum("quantity", filter=years.this_line),
            previous=delivered_value(years.previous_line),
        ),
        "kpi__outcome_number",
        "kpi__unit",
    )


def social_value(filters: Filters, *, titles: Mapping[int, str]) -> list[OutcomeValue]:
    """Per outcome: £ committed by contracts starting in the year and £ delivered (verified) in reports
    ending in the year, for suppliers of the sector; the same in each unit of the outcome's indicators; and,
    with a year chosen, the £ of the year before. Two queries, grouped by outcome and unit."""
    kpis, lines, years = _filtered(filters)
    committed, delivered = _committed(kpis, years), _delivered(lines, years)

    def previous(groups: Mapping[str, dict]) -> Decimal | None:
        return to_pennies(_total(groups, "previous")) if filters.year else None

    return [
        OutcomeValue(
            number=n,
            title=titles.get(n, ""),
            committed=to_pennies(_total(committed[n], "value")),
            delivered=to_pennies(_total(delivered[n], "value")),
            without_proxy=sum(row["without_proxy"] for row in committed[n].values()),
            illustrative=sum(row["illustrative"] for row in committed[n].values()),
            committed_quantities=_quantities(committed[n], "units"),
            delivered_quantities=_quantities(delivered[n], "units"),
            previous_committed=previous(committed[n]),
            previous_delivered=previous(delivered[n]),
        )
        for n in filters.outcomes
    ]
