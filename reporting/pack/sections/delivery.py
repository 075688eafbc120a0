"""The review pack's "What was promised and delivered": for the contracts running in the period (starting on
or before its last day and ending on or after its first), each indicator's commitment, what was expected by
the as-at day and what was delivered and verified in reports for periods ending in the period, in the
indicators' own units first and £ beside; local spend; the contracts at red, and whether each is recovering.

The as-at day is the period's last day, or today while the period is running. Statuses on a day count only
the delivery reported for periods ending by that day (procurement.delivery: pro rata by days, green at 95% or
more, amber from 75%, red under 75%).
"""

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Count, Max, Q, QuerySet, Sum

from knowsley_sv import formatting
from procurement import delivery
from procurement.models import Contract, ContractKPI, PerformanceRating

from ...arithmetic import percent, to_pennies, to_tenth
from ...filters import Filters
from ...selectors.common import committed_value, contracts_running, delivered_value, outcome_titles, verified
from ...selectors.contracts import RAG_ORDER, ContractStatus, LocalSpend, SpendGroup, local_spend, rag
from ...selectors.recognition import by_sector
from ...tables.base import COUNT, DATE, MONEY_GBP, OUTCOME, PERCENT, Column, Table
from ...tables.dashboard import local_spend_table, rag_table
from ..period import Period
from ..words import plural as _count
from . import creators
from .base import SHOWN, Headline, Section
from .delivery_rules import (
    FALLING_BEHIND,
    RECOVERING,
    Commitment,
    delivered_of_expected,
    indicator_keys,
    plain_quantity,
    quarter_before,
    quarter_ends,
    recovery_status,
    status_at,
)

KEY = "delivery"
TITLE = "What was promised and delivered"


# --- Reads -------------------------------------------------------------------------------------------------
def running(period: Period) -> QuerySet[Contract]:
    return contracts_running(Filters(), between=(period.start, period.end))


def commitments(contracts: QuerySet[Contract], *, reported_by: date) -> dict[int, list[Commitment]]:
    """Contract id -> its commitments, each with its verified delivery by report period end, counting reports
    for periods ending by `reported_by`. Two queries."""
    lines: dict[int, list[tuple[date, Decimal]]] = defaultdict(list)
    for kpi_id, period_end, quantity in (
        verified()
        .filter(kpi__contract__in=contracts, report__period_end__lte=reported_by)
        .order_by()
        .values_list("kpi_id", "report__period_end")
        .annotate(quantity=Sum("quantity"))
    ):
        lines[kpi_id].append((period_end, quantity))
    result: dict[int, list[Commitment]] = defaultdict(list)
    for pk, contract_id, committed, proxy, start, end in ContractKPI.objects.filter(
        contract__in=contracts
    ).values_list(
        "pk", "contract_id", "committed", "proxy_value", "contract__start_date", "contract__end_date"
    ):
        result[contract_id].append(Commitment(contract_id, committed, proxy, start, end, tuple(lines[pk])))
    return result


def rag_history(period: Period, *, today: date) -> dict[str, list[str]]:
    """Contract reference -> its RAG (procurement.delivery's constants) at each quarter end from the
    contract's start to the as-at day, oldest first, for the contracts running in the period. Three
    queries."""
    day = period.last_day(today)
    contracts = running(period)
    mine = commitments(contracts, reported_by=day)
    return {
        reference: [status_at(mine.get(pk, []), q) for q in quarter_ends(start, day)]
        for pk, reference, start in contracts.order_by("award__tender__reference").values_list(
            "pk", "award__tender__reference", "start_date"
        )
    }


@dataclass
class _Sums:
    """One indicator's exact sums (units and £) over the contracts running in the period."""

    outcome: int
    code: str
    unit: str
    name: str = ""
    committed: Decimal = Decimal(0)
    expected: Decimal = Decimal(0)
    delivered: Decimal = Decimal(0)
    committed_gbp: Decimal = Decimal(0)
    expected_gbp: Decimal = Decimal(0)
    delivered_gbp: Decimal = Decimal(0)
    commitments: int = 0
    without_proxy: int = 0

    @property
    def priced(self) -> bool:
        return self.commitments > self.without_proxy


def _indicator_sums(period: Period, day: date) -> list[_Sums]:
    """Per indicator (outcome, code, unit): committed, expected by `day` and delivered in the period, in units
    and £. Two queries; the pro-rata arithmetic is pure, on sums grouped by contract dates."""
    contracts = running(period)
    sums: dict[tuple[int, str, str], _Sums] = {}
    for row in (
        ContractKPI.objects.filter(contract__in=contracts)
        .order_by()
        .values("outcome_number", "code", "unit", "contract__start_date", "contract__end_date")
        .annotate(
            label=Max("name"),
            units=Sum("committed"),
            value=committed_value(),
            n=Count("id"),
            without_proxy=Count("id", filter=Q(proxy_value__isnull=True)),
        )
    ):
        key = (row["outcome_number"], row["code"], row["unit"])
        mine = sums.setdefault(key, _Sums(*key))
        start, end = row["contract__start_date"], row["contract__end_date"]
        value = row["value"] or Decimal(0)
        mine.name = max(mine.name, row["label"])
        mine.committed += row["units"]
        mine.expected += delivery.expected_to_date(row["units"], start, end, day)
        mine.committed_gbp += value
        mine.expected_gbp += delivery.expected_to_date(value, start, end, day)
        mine.commitments += row["n"]
        mine.without_proxy += row["without_proxy"]
    for row in (
        verified()
        .filter(kpi__contract__in=contracts, report__period_end__range=(period.start, period.end))
        .order_by()
        .values("kpi__outcome_number", "kpi__code", "kpi__unit")
        .annotate(units=Sum("quantity"), value=delivered_value())
    ):
        key = (row["kpi__outcome_number"], row["kpi__code"], row["kpi__unit"])
        mine = sums.setdefault(key, _Sums(*key))
        mine.delivered += row["units"]
        mine.delivered_gbp += row["value"] or Decimal(0)
    return [sums[key] for key in sorted(sums)]


@dataclass(frozen=True)
class IndicatorTotal:
    """One indicator over the contracts running in the period: units to 2 places, £ to the penny (£ None when
    none of its commitments has a financial proxy)."""

    outcome: int
    code: str
    name: str
    unit: str
    committed: Decimal
    expected: Decimal  # by the as-at day
    delivered: Decimal  # verified, in reports for periods ending in the period
    committed_gbp: Decimal | None
    expected_gbp: Decimal | None
    delivered_gbp: Decimal | None
    commitments: int
    without_proxy: int


def _total(s: _Sums) -> IndicatorTotal:
    def pounds(value: Decimal) -> Decimal | None:
        return to_pennies(value) if s.priced else None

    return IndicatorTotal(
        outcome=s.outcome,
        code=s.code,
        name=s.name,
        unit=s.unit,
        committed=to_pennies(s.committed),
        expected=to_pennies(s.expected),
        delivered=to_pennies(s.delivered),
        committed_gbp=pounds(s.committed_gbp),
        expected_gbp=pounds(s.expected_gbp),
        delivered_gbp=pounds(s.delivered_gbp),
        commitments=s.commitments,
        without_proxy=s.without_proxy,
    )


def indicator_totals(period: Period, *, today: date) -> dict[str, IndicatorTotal]:
    """Indicator code -> committed, expected by the as-at day and delivered (verified, reports for periods
    ending in the period), in its units and in £, for the contracts running in the period; by outcome and
    code. Two queries."""
    return _keyed([_total(s) for s in _indicator_sums(period, period.last_day(today))])


def _keyed(totals: Sequence[IndicatorTotal]) -> dict[str, IndicatorTotal]:
    return dict(zip(indicator_keys((t.code, t.unit) for t in totals), totals, strict=True))


# --- Red contracts ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class RedContract:
    reference: str
    title: str
    supplier: str
    now: Decimal | None  # delivered as % of expected on the as-at day, to 0.1
    before: Decimal | None  # the same a quarter before
    recovery: str
    rating: str = ""  # the latest performance rating by the as-at day, its year's end and notes
    rating_period_end: date | None = None
    rating_notes: str = ""


def red_contracts(contracts: Sequence[ContractStatus], day: date) -> list[RedContract]:
    """The contracts at red with their recovery and latest performance rating. Three queries."""
    red = {c.pk: c for c in contracts if c.status == delivery.RED}
    mine = commitments(Contract.objects.filter(pk__in=list(red)), reported_by=day)
    ratings: dict[int, PerformanceRating] = {}
    for rating in PerformanceRating.objects.filter(contract__in=list(red), period_end__lte=day).order_by(
        "contract", "-period_end"
    ):
        ratings.setdefault(rating.contract_id, rating)
    result = []
    for pk, c in red.items():
        now = delivered_of_expected(mine.get(pk, []), day)
        before = delivered_of_expected(mine.get(pk, []), quarter_before(day))
        rating = ratings.get(pk)
        result.append(
            RedContract(
                reference=c.reference,
                title=c.title,
                supplier=c.supplier,
                now=None if now is None else to_tenth(now),
                before=None if before is None else to_tenth(before),
                recovery=recovery_status(now, before),
                rating=rating.get_rating_display() if rating else "",
                rating_period_end=rating.period_end if rating else None,
                rating_notes=rating.notes if rating else "",
            )
        )
    return result


# --- Tables -------------------------------------------------------------------------------------------------
def indicators_table(totals: Mapping[str, IndicatorTotal], day: date) -> Table:
    when = formatting.day(day)
    return Table(
        key=f"{KEY}-indicators",
        caption="Social value committed, expected and delivered, by indicator",
        columns=[
            Column("outcome", "Outcome", OUTCOME),
            Column("indicator", "Indicator"),
            Column("unit", "Unit"),
            Column("committed", "Committed", COUNT),
            Column("expected_to_date", f"Expected by {when}", COUNT),
            Column("delivered", "Delivered, verified, in the period", COUNT),
            Column("committed_gbp", "Committed (£)", MONEY_GBP),
            Column("expected_to_date_gbp", f"Expected by {when} (£)", MONEY_GBP),
            Column("delivered_gbp", "Delivered, verified, in the period (£)", MONEY_GBP),
            Column("commitments_without_proxy", "Commitments without a financial proxy", COUNT),
        ],
        rows=[
            [
                t.outcome,
                f"{t.code}: {t.name}",
                t.unit,
                plain_quantity(t.committed),
                plain_quantity(t.expected),
                plain_quantity(t.delivered),
                t.committed_gbp,
                t.expected_gbp,
                t.delivered_gbp,
                t.without_proxy,
            ]
            for t in totals.values()
        ],
        note=creators.money_note(day)
        + " An indicator without a financial proxy shows — for £: it counts in its own units only.",
        empty="No contract was running in this period.",
    )


def _sum_pounds(sums: Sequence[_Sums], name: str) -> Decimal:
    """Indicators' £ summed exactly and rounded once (£0 for none)."""
    return to_pennies(sum((getattr(s, name) for s in sums), Decimal(0)))


def _pounds(sums: Sequence[_Sums], name: str) -> Decimal | None:
    """As _sum_pounds, but None when none of the indicators' commitments is priced (shown as "—")."""
    return _sum_pounds(sums, name) if any(s.priced for s in sums) else None


def _pounds_row(label, title: str, sums: Sequence[_Sums]) -> list:
    names = ("committed_gbp", "expected_gbp", "delivered_gbp")
    return [label, title, *(_pounds(sums, name) for name in names), sum(s.without_proxy for s in sums)]


def outcomes_table(sums: Sequence[_Sums], titles: Mapping[int, str], day: date) -> Table:
    """£ by outcome and in all."""
    numbers = sorted({s.outcome for s in sums})
    return Table(
        key=f"{KEY}-outcomes",
        caption="Social value in £, by outcome",
        columns=[
            Column("outcome", "Outcome", OUTCOME),
            Column("title", "Title"),
            Column("committed_gbp", "Committed", MONEY_GBP),
            Column("expected_to_date_gbp", f"Expected by {formatting.day(day)}", MONEY_GBP),
            Column("delivered_gbp", "Delivered, verified, in the period", MONEY_GBP),
            Column("commitments_without_proxy", "Commitments without a financial proxy", COUNT),
        ],
        rows=[_pounds_row(n, titles.get(n, ""), [s for s in sums if s.outcome == n]) for n in numbers],
        foot=[_pounds_row("All outcomes", "", sums)] if sums else [],
        chart="bar",
        chart_columns=(2, 3, 4),
        note=creators.money_note(day),
        empty="No contract was running in this period.",
    )


def red_contracts_table(rows: Sequence[RedContract], day: date) -> Table:
    before = formatting.day(quarter_before(day))
    return Table(
        key=f"{KEY}-red_contracts",
        shown=SHOWN,
        caption=f"Contracts at red on {formatting.day(day)}",
        columns=[
            Column("contract", "Contract"),
            Column("supplier", "Supplier"),
            Column("delivered_of_expected_percent", "Delivered of expected", PERCENT),
            Column(
                "delivered_of_expected_quarter_before_percent", f"Delivered of expected, {before}", PERCENT
            ),
            Column("recovery", "Recovery"),
            Column("latest_rating", "Latest performance rating"),
            Column("rating_year_end", "Rating for the year to", DATE),
            Column("rating_notes", "Rating notes"),
        ],
        rows=[
            [
                f"{r.reference}: {r.title}",
                r.supplier,
                r.now,
                r.before,
                r.recovery,
                r.rating or "No rating recorded",
                r.rating_period_end,
                r.rating_notes,
            ]
            for r in rows
        ],
        note=(
            "Delivered of expected counts all a contract's commitments, each in £ where it has a financial "
            "proxy, else in its own units. Recovering: up by 5 points or more since a quarter before; "
            "falling further behind: down by 5 points or more."
        ),
        empty="No contract was at red.",
        public=False,  # one named supplier's performance: commercially confidential
    )


# --- Section ------------------------------------------------------------------------------------------------
def local_group(spend: LocalSpend) -> SpendGroup:
    """The local organisations' share of local_spend (its first group)."""
    return spend.groups[0]


def _summary(sums, statuses, spend, red: Sequence[RedContract], day: date) -> list[str]:
    if not statuses:
        return ["No contract was running in this period."]
    when = formatting.day(day)
    committed = _sum_pounds(sums, "committed_gbp")
    expected = _sum_pounds(sums, "expected_gbp")
    delivered = _sum_pounds(sums, "delivered_gbp")
    without_proxy = sum(s.without_proxy for s in sums)
    paragraphs = [
        f"{_count(len(statuses), 'contract was', 'contracts were')} running in this period, with figures "
        f"as at {when}. Together they committed {formatting.money(committed)} of social value; "
        f"{formatting.money(expected)} of it was expected by {when}, and {formatting.money(delivered)} was "
        "delivered and verified in reports for periods ending in this period."
    ]
    if without_proxy:
        one = without_proxy == 1
        paragraphs.append(
            f"{_count(without_proxy, 'commitment has', 'commitments have')} no financial proxy, so "
            f"{'it counts in its' if one else 'they count in their'} own units only."
        )
    local = local_group(spend)
    if spend.total.contracts:
        paragraphs.append(
            f"{formatting.percentage(percent(local.value, spend.total.value))} of the value of contracts "
            f"starting in this period went to local organisations ({formatting.money(local.value)} of "
            f"{formatting.money(spend.total.value)})."
        )
    counts = {status: sum(1 for c in statuses if c.status == status) for status in RAG_ORDER}
    paragraphs.append(
        f"Delivery status on {when}: {counts[delivery.RED]:,} at red, {counts[delivery.AMBER]:,} at amber, "
        f"{counts[delivery.GREEN]:,} at green and {counts[delivery.NOT_STARTED]:,} not started yet."
    )
    if red:
        recovering = sum(1 for r in red if r.recovery == RECOVERING)
        falling = sum(1 for r in red if r.recovery == FALLING_BEHIND)
        paragraphs.append(
            f"Of those at red, {recovering:,} {'is' if recovering == 1 else 'are'} recovering and "
            f"{falling:,} {'is' if falling == 1 else 'are'} falling further behind, compared with "
            f"{formatting.day(quarter_before(day))}."
        )
    return paragraphs


def section(period: Period, *, today: date, now: datetime) -> Section:
    """The section, in 12 queries whatever the data."""
    day = period.last_day(today)
    between = (period.start, period.end)
    sums = _indicator_sums(period, day)
    spend = local_spend(Filters(), between=between)
    statuses = rag(Filters(), today=day, between=between, reported_by=day)
    red = red_contracts(statuses, day)
    sectors = by_sector(creators.figures(period, today=today))
    return Section(
        key=KEY,
        title=TITLE,
        summary=_summary(sums, statuses, spend, red, day),
        tables=[
            indicators_table(_keyed([_total(s) for s in sums]), day),
            outcomes_table(sums, outcome_titles(), day),
            creators.sector_table(
                sectors, day, key=f"{KEY}-sectors", caption="Social value in £, by the suppliers' sector"
            ),
            replace(
                local_spend_table(spend),
                key=f"{KEY}-local_spend",
                caption="Value of contracts starting in the period with local organisations, SMEs and VCSEs",
            ),
            replace(
                rag_table(statuses),
                key=f"{KEY}-rag",
                caption=f"Contracts by delivery status on {formatting.day(day)}",
            ),
            red_contracts_table(red, day),
        ],
    )


def headlines(period: Period, *, today: date) -> list[Headline]:
    """£ committed and delivered, the local share and the contracts at red. Five queries."""
    day = period.last_day(today)
    between = (period.start, period.end)
    sums = _indicator_sums(period, day)
    spend = local_spend(Filters(), between=between)
    statuses = rag(Filters(), today=day, between=between, reported_by=day)
    return [
        Headline(
            "social_value_committed",
            "Social value committed",
            MONEY_GBP,
            _sum_pounds(sums, "committed_gbp"),
        ),
        Headline(
            "social_value_delivered",
            "Social value delivered, verified",
            MONEY_GBP,
            _sum_pounds(sums, "delivered_gbp"),
        ),
        Headline(
            "local_share",
            "Share of contract value with local organisations",
            PERCENT,
            percent(local_group(spend).value, spend.total.value),
        ),
        Headline(
            "contracts_red", "Contracts at red", COUNT, sum(1 for c in statuses if c.status == delivery.RED)
        ),
    ]
