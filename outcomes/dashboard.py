"""The board's dashboard and the recognition pages (DESIGN §6–7): one selector a figure, aggregating in the
database, so each figure takes a fixed number of queries whatever the number of contracts, KPIs, delivery
lines or responses. Pure helpers (financial years, filters, percentages, a contract's RAG) take no query.

Definitions the page text repeats:
- Financial year: 1 April to 31 March; year 2025 is 1 April 2025 to 31 March 2026.
- Committed £: Σ KPI committed × KPI financial proxy (£ per unit), for contracts starting in the year.
  A KPI without a proxy counts £0 and is counted as a "commitment without a financial proxy".
- Delivered £: Σ verified delivery line quantity × the KPI's proxy, for reports whose period ends in the
  year. Pending and queried lines never count.
- Contract value "let in the year": the whole value of contracts starting in the year.
- RAG: as procurement.delivery.rag on each KPI today; a contract is red if any KPI is red, amber if any is
  amber (and none red), green if every KPI with anything expected yet is green, and "not started" when
  nothing is expected yet.
Money is summed exactly and rounded to the penny once, at the end of each figure.
"""

import hashlib
import json
import re
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal, localcontext
from functools import cached_property
from urllib.parse import urlencode

from django.core.cache import cache
from django.db.models import Count, DecimalField, F, Max, Min, Q, QuerySet, Sum
from django.urls import reverse
from django.utils import timezone

from consultation.models import Consultation
from consultation.selectors import RESPONSES_VERSION_KEY, cached_results
from knowsley_sv import formatting, versioned_cache
from knowsley_sv.money import EXACT_PRECISION, PENNY
from procurement import delivery
from procurement.models import Contract, ContractKPI, DeliveryLine, DeliveryReport, OutcomeShare, Tender

from . import selectors
from .charts import RAG_COLOURS, WEIGHTING_COLOURS
from .models import Organisation, Outcome, SocialValueModel

ALL = "all"
OUTCOME_NUMBERS = range(1, 7)
SME_SIZES = (Organisation.Size.MICRO, Organisation.Size.SMALL, Organisation.Size.MEDIUM)
VCSE_SECTORS = (Organisation.Sector.VOLUNTARY, Organisation.Sector.SOCIAL_ENTERPRISE)
TENTH = Decimal("0.1")
MONEY = DecimalField(max_digits=32, decimal_places=4)

UNKNOWN_YEAR = "There are no figures for a financial year called {value}, so the dashboard shows all years."
UNKNOWN_OUTCOME = (
    "There is no outcome called {value} (outcomes are numbered 1 to 6), so the dashboard shows all outcomes."
)
UNKNOWN_SECTOR = "There is no sector called {value}, so the page shows all sectors."
NO_CONSULTATION = "No consultation has closed yet, so there are no residents' priorities to compare."
NO_SPLIT = (
    "The latest closed consultation, {title}, had too few responses to publish a proposed split, "
    "so there are no residents' priorities to compare."
)
NO_TENDERS = "No tender with a social value weight has been published since {title} closed."
NOT_APPLICABLE = "—"
MAX_SHOWN = 30  # characters of an unknown filter value repeated back in a message


# --- Financial years (pure) ----------------------------------------------------------------------------
def financial_year_of(day: date) -> int:
    """The UK financial year a day falls in, named by the calendar year it starts in (1 April)."""
    return day.year if day.month >= 4 else day.year - 1


def financial_year_bounds(year: int) -> tuple[date, date]:
    """First and last day of financial year `year`: 1 April `year` to 31 March `year + 1`."""
    return date(year, 4, 1), date(year + 1, 3, 31)


def financial_year_label(year: int) -> str:
    return f"April {year} to March {year + 1}"


def financial_years_spanning(days: Sequence[date | None]) -> list[int]:
    """Every financial year from the earliest to the latest of the days, newest first."""
    known = [d for d in days if d is not None]
    if not known:
        return []
    return list(range(financial_year_of(max(known)), financial_year_of(min(known)) - 1, -1))


def _local_day(moment: datetime | None) -> date | None:
    return timezone.localdate(moment) if moment is not None else None


def _moment_bounds(year: int) -> tuple[datetime, datetime]:
    """The financial year as [start, end) instants in the service's time zone (for DateTimeFields)."""
    first, last = financial_year_bounds(year)
    return (
        timezone.make_aware(datetime.combine(first, time.min)),
        timezone.make_aware(datetime.combine(last + timedelta(days=1), time.min)),
    )


# --- Arithmetic (pure) ---------------------------------------------------------------------------------
def to_pennies(value: Decimal | None) -> Decimal:
    return (value or Decimal(0)).quantize(PENNY, rounding=ROUND_HALF_UP)


def to_tenth(value: Decimal) -> Decimal:
    return value.quantize(TENTH, rounding=ROUND_HALF_UP)


def ratio(part, whole) -> Decimal | None:
    """part ÷ whole, exact (None when whole is 0)."""
    if not whole:
        return None
    with localcontext(prec=EXACT_PRECISION):
        return Decimal(part) / Decimal(whole)


def percent(part, whole) -> Decimal | None:
    """part as a percentage of whole, to one decimal place, half up (None when whole is 0)."""
    exact = ratio(part, whole)
    return None if exact is None else to_tenth(exact * 100)


def contract_status(kpi_statuses: Sequence[str]) -> str:
    """A contract's RAG from its KPIs': the worst of those with anything expected yet."""
    for status in (delivery.RED, delivery.AMBER, delivery.GREEN):
        if status in kpi_statuses:
            return status
    return delivery.NOT_STARTED


# --- Filters (pure but for year_choices) ---------------------------------------------------------------
@dataclass(frozen=True)
class Filters:
    year: int | None = None
    outcome: int | None = None
    sector: str | None = None

    @property
    def outcomes(self) -> list[int]:
        return [self.outcome] if self.outcome else list(OUTCOME_NUMBERS)

    def query(self) -> str:
        return urlencode(
            {"year": self.year or ALL, "outcome": self.outcome or ALL, "sector": self.sector or ALL}
        )

    def slug(self) -> str:
        """For file names: fy2025-outcome1-private; empty when nothing is filtered."""
        parts = [f"fy{self.year}" if self.year else "", f"outcome{self.outcome}" if self.outcome else ""]
        return "-".join(p for p in [*parts, self.sector or ""] if p)

    def describe(self) -> str:
        year = f"Financial year {financial_year_label(self.year)}" if self.year else "All years"
        outcome = f"outcome {self.outcome}" if self.outcome else "all outcomes"
        sector = Organisation.Sector(self.sector).label.lower() if self.sector else "all sectors"
        return f"{year}, {outcome}, {sector}"


def year_choices() -> list[int]:
    """Financial years with data (contracts starting, delivery periods ending, consultations opening),
    newest first. Three queries."""
    contracts = Contract.objects.aggregate(first=Min("start_date"), last=Max("start_date"))
    reports = DeliveryReport.objects.aggregate(first=Min("period_end"), last=Max("period_end"))
    consultations = Consultation.objects.aggregate(first=Min("opens_at"), last=Max("opens_at"))
    return financial_years_spanning(
        [
            contracts["first"],
            contracts["last"],
            reports["first"],
            reports["last"],
            _local_day(consultations["first"]),
            _local_day(consultations["last"]),
        ]
    )


def _shown(value: str) -> str:
    return value if len(value) <= MAX_SHOWN else value[: MAX_SHOWN - 1] + "…"


def parse_sector(raw: str | None) -> tuple[str | None, list[str]]:
    raw = (raw or "").strip()
    if raw in ("", ALL):
        return None, []
    if raw in Organisation.Sector.values:
        return raw, []
    return None, [UNKNOWN_SECTOR.format(value=_shown(raw))]


def parse_filters(params: Mapping[str, str], *, years: Sequence[int]) -> tuple[Filters, list[str]]:
    """The filters from a query string; anything unknown falls back to "all" with a message saying so."""
    problems: list[str] = []
    raw_year = (params.get("year") or "").strip()
    year = None
    if raw_year not in ("", ALL):
        if re.fullmatch(r"[0-9]{4}", raw_year) and int(raw_year) in years:
            year = int(raw_year)
        else:
            problems.append(UNKNOWN_YEAR.format(value=_shown(raw_year)))
    raw_outcome = (params.get("outcome") or "").strip()
    outcome = None
    if raw_outcome not in ("", ALL):
        if re.fullmatch(r"[1-6]", raw_outcome):
            outcome = int(raw_outcome)
        else:
            problems.append(UNKNOWN_OUTCOME.format(value=_shown(raw_outcome)))
    sector, sector_problems = parse_sector(params.get("sector"))
    return Filters(year=year, outcome=outcome, sector=sector), problems + sector_problems


def outcome_titles() -> dict[int, str]:
    """Outcome number -> title in the adopted model (one query)."""
    return dict(
        Outcome.objects.filter(model__status=SocialValueModel.Status.ADOPTED).values_list("number", "title")
    )


# --- Querysets the figures share ----------------------------------------------------------------------
def _contracts_let(filters: Filters) -> QuerySet[Contract]:
    """Contracts starting in the year, with suppliers of the sector."""
    qs = Contract.objects.all()
    if filters.year:
        qs = qs.filter(start_date__range=financial_year_bounds(filters.year))
    if filters.sector:
        qs = qs.filter(award__bid__supplier__sector=filters.sector)
    return qs


def _contracts_running(filters: Filters) -> QuerySet[Contract]:
    """Contracts running at any time in the year, with suppliers of the sector."""
    qs = Contract.objects.all()
    if filters.year:
        first, last = financial_year_bounds(filters.year)
        qs = qs.filter(start_date__lte=last, end_date__gte=first)
    if filters.sector:
        qs = qs.filter(award__bid__supplier__sector=filters.sector)
    return qs


def _committed_value(condition: Q | None = None) -> Sum:
    return Sum(F("committed") * F("proxy_value"), output_field=MONEY, filter=condition)


def _delivered_value(condition: Q | None = None) -> Sum:
    return Sum(F("quantity") * F("kpi__proxy_value"), output_field=MONEY, filter=condition)


def _verified() -> QuerySet[DeliveryLine]:
    return DeliveryLine.objects.filter(status=DeliveryLine.Status.VERIFIED)


# --- a. Social value committed and delivered, by outcome ------------------------------------------------
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


def _totals(rows: Sequence[OutcomeValue], label: str = "") -> OutcomeValue:
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


def quantities_text(quantities: Quantities) -> str:
    """ "12 apprenticeship starts, 3.5 full-time equivalent years": each unit's total (pure)."""
    parts = []
    for unit, quantity in quantities:
        number = f"{quantity:,.2f}".rstrip("0").rstrip(".")
        parts.append(f"£{quantity:,.2f}" if unit == "£" else f"{number} {unit}")
    return ", ".join(parts) if parts else NOT_APPLICABLE


def _by_outcome_and_unit(rows, outcome: str, unit: str) -> dict[int, dict[str, dict]]:
    """Rows grouped in the database by outcome and unit -> {outcome: {unit: row}}."""
    result: dict[int, dict[str, dict]] = defaultdict(dict)
    for row in rows:
        result[row[outcome]][row[unit]] = row
    return result


def _total(groups: Mapping[str, dict], name: str) -> Decimal | None:
    values = [row[name] for row in groups.values() if row[name] is not None]
    return sum(values, Decimal(0)) if values else None


def _nonzero(totals: Mapping[str, Decimal | None]) -> Quantities:
    """unit -> total as (unit, total) pairs by unit, leaving out units with nothing."""
    return tuple((unit, totals[unit]) for unit in sorted(totals) if totals[unit])


def _quantities(groups: Mapping[str, dict], name: str) -> Quantities:
    return _nonzero({unit: row[name] for unit, row in groups.items()})


def social_value(filters: Filters, *, titles: Mapping[int, str]) -> list[OutcomeValue]:
    """Per outcome: £ committed by contracts starting in the year and £ delivered (verified) in reports
    ending in the year, for suppliers of the sector; the same in each unit of the outcome's indicators; and,
    with a year chosen, the £ of the year before. Two queries, grouped by outcome and unit."""
    kpis, lines = ContractKPI.objects.all(), _verified()
    this_kpi = this_line = previous_kpi = previous_line = None  # every year
    if filters.year:
        this_year, last_year = financial_year_bounds(filters.year), financial_year_bounds(filters.year - 1)
        kpis = kpis.filter(contract__start_date__range=(last_year[0], this_year[1]))
        lines = lines.filter(report__period_end__range=(last_year[0], this_year[1]))
        this_kpi, previous_kpi = (
            Q(contract__start_date__range=this_year),
            Q(contract__start_date__range=last_year),
        )
        this_line, previous_line = (
            Q(report__period_end__range=this_year),
            Q(report__period_end__range=last_year),
        )
    if filters.sector:
        kpis = kpis.filter(contract__award__bid__supplier__sector=filters.sector)
        lines = lines.filter(kpi__contract__award__bid__supplier__sector=filters.sector)
    if filters.outcome:
        kpis = kpis.filter(outcome_number=filters.outcome)
        lines = lines.filter(kpi__outcome_number=filters.outcome)
    no_proxy = Q(proxy_value__isnull=True) & (this_kpi or Q())
    illustrative = Q(proxy_value__isnull=False, indicator__proxy_illustrative=True) & (this_kpi or Q())
    committed = _by_outcome_and_unit(
        kpis.order_by()
        .values("outcome_number", "unit")
        .annotate(
            value=_committed_value(this_kpi),
            units=Sum("committed", filter=this_kpi),
            without_proxy=Count("id", filter=no_proxy),
            illustrative=Count("id", filter=illustrative),
            previous=_committed_value(previous_kpi),
        ),
        "outcome_number",
        "unit",
    )
    delivered = _by_outcome_and_unit(
        lines.order_by()
        .values("kpi__outcome_number", "kpi__unit")
        .annotate(
            value=_delivered_value(this_line),
            units=Sum("quantity", filter=this_line),
            previous=_delivered_value(previous_line),
        ),
        "kpi__outcome_number",
        "kpi__unit",
    )

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


# --- b. Contract value let with a social value weight -----------------------------------------------------
@dataclass(frozen=True)
class WeightGroup:
    contracts: int
    value: Decimal
    weight_sum: int  # Σ social value weight (simple average = weight_sum ÷ contracts)
    value_weight_sum: Decimal  # Σ weight × value (value-weighted average = this ÷ value)

    @property
    def simple_average(self) -> Decimal | None:
        exact = ratio(self.weight_sum, self.contracts)
        return None if exact is None else to_tenth(exact)

    @property
    def value_weighted_average(self) -> Decimal | None:
        exact = ratio(self.value_weight_sum, self.value)
        return None if exact is None else to_tenth(exact)


@dataclass(frozen=True)
class Weighting:
    weighted: WeightGroup
    unweighted: WeightGroup

    @property
    def all(self) -> WeightGroup:
        return WeightGroup(
            contracts=self.weighted.contracts + self.unweighted.contracts,
            value=self.weighted.value + self.unweighted.value,
            weight_sum=self.weighted.weight_sum,
            value_weight_sum=self.weighted.value_weight_sum,
        )


def weighting(filters: Filters) -> Weighting:
    """Contracts let in the year (sector filter) with and without a social value weight. One query."""
    has_weight = Q(award__tender__social_value_weight__gt=0)
    row = _contracts_let(filters).aggregate(
        n=Count("id"),
        total=Sum("value"),
        n_weighted=Count("id", filter=has_weight),
        total_weighted=Sum("value", filter=has_weight),
        weight_sum=Sum("award__tender__social_value_weight"),
        value_weight_sum=Sum(F("value") * F("award__tender__social_value_weight"), output_field=MONEY),
    )
    value, value_weighted = row["total"] or Decimal(0), row["total_weighted"] or Decimal(0)
    return Weighting(
        weighted=WeightGroup(
            contracts=row["n_weighted"],
            value=value_weighted,
            weight_sum=row["weight_sum"] or 0,
            value_weight_sum=row["value_weight_sum"] or Decimal(0),
        ),
        unweighted=WeightGroup(
            contracts=row["n"] - row["n_weighted"],
            value=value - value_weighted,
            weight_sum=0,
            value_weight_sum=Decimal(0),
        ),
    )


# --- c. Spend with local organisations, SMEs and VCSEs ---------------------------------------------------
@dataclass(frozen=True)
class SpendGroup:
    label: str
    contracts: int
    value: Decimal


@dataclass(frozen=True)
class LocalSpend:
    groups: list[SpendGroup]
    total: SpendGroup


def local_spend(filters: Filters) -> LocalSpend:
    """Contract value let in the year (sector filter) with local organisations, SMEs and VCSEs. One query."""
    groups = {
        "local": ("Local organisations", Q(award__bid__supplier__is_local=True)),
        "sme": ("Small and medium-sized enterprises (SMEs)", Q(award__bid__supplier__size__in=SME_SIZES)),
        "vcse": (
            "Voluntary, community and social enterprises (VCSEs)",
            Q(award__bid__supplier__sector__in=VCSE_SECTORS),
        ),
    }
    aggregates = {"n": Count("id"), "total": Sum("value")}
    for key, (_label, condition) in groups.items():
        aggregates[f"n_{key}"] = Count("id", filter=condition)
        aggregates[f"total_{key}"] = Sum("value", filter=condition)
    row = _contracts_let(filters).aggregate(**aggregates)
    return LocalSpend(
        groups=[
            SpendGroup(label, row[f"n_{key}"], row[f"total_{key}"] or Decimal(0))
            for key, (label, _condition) in groups.items()
        ],
        total=SpendGroup("All contracts let", row["n"], row["total"] or Decimal(0)),
    )


# --- d. Contracts at red, amber, green ---------------------------------------------------------------------
@dataclass(frozen=True)
class ContractStatus:
    pk: int
    reference: str
    title: str
    supplier: str
    status: str


RAG_ORDER = (delivery.RED, delivery.AMBER, delivery.GREEN, delivery.NOT_STARTED)


def rag(filters: Filters, *, today: date | None = None) -> list[ContractStatus]:
    """Every contract running in the year (sector filter) with its status today. Two queries: the contracts,
    and every KPI with its verified delivery summed in the database; the pro-rata arithmetic is pure."""
    today = today or timezone.localdate()
    contracts = _contracts_running(filters)
    rows = list(
        contracts.order_by("award__tender__reference").values_list(
            "pk", "award__tender__reference", "award__tender__title", "award__bid__supplier__name"
        )
    )
    statuses: dict[int, list[str]] = defaultdict(list)
    for contract_id, committed, start, end, delivered in (
        ContractKPI.objects.filter(contract__in=contracts)
        .annotate(delivered=Sum("lines__quantity", filter=Q(lines__status=DeliveryLine.Status.VERIFIED)))
        .values_list("contract_id", "committed", "contract__start_date", "contract__end_date", "delivered")
    ):
        expected = delivery.expected_to_date(committed, start, end, today)
        statuses[contract_id].append(delivery.rag(delivered or Decimal(0), expected))
    return [
        ContractStatus(pk, reference, title, supplier, contract_status(statuses.get(pk, [])))
        for pk, reference, title, supplier in rows
    ]


# --- e. Consultation participation --------------------------------------------------------------------------
@dataclass(frozen=True)
class Participation:
    title: str
    slug: str
    opens_on: date
    closes_on: date
    responses: int


def participation(filters: Filters) -> list[Participation]:
    """Consultations opened in the year with their responses, suspected duplicates left out. One query."""
    qs = Consultation.objects.all()
    if filters.year:
        first, after = _moment_bounds(filters.year)
        qs = qs.filter(opens_at__gte=first, opens_at__lt=after)
    rows = (
        qs.annotate(n=Count("responses", filter=Q(responses__is_suspected_duplicate=False)))
        .order_by("opens_at", "pk")
        .values_list("title", "slug", "opens_at", "closes_at", "n")
    )
    return [
        Participation(title, slug, timezone.localdate(opens), timezone.localdate(closes), n)
        for title, slug, opens, closes, n in rows
    ]


# --- f. Residents' priorities against tender weighting ------------------------------------------------------
@dataclass(frozen=True)
class PriorityRow:
    number: int
    title: str
    residents: int | None  # the consultation's proposed split, whole %
    tenders: Decimal | None  # estimated-value-weighted average share, % to 0.1
    difference: Decimal | None  # tenders − residents, points to 0.1


@dataclass(frozen=True)
class Priorities:
    consultation: Consultation | None
    responses: int
    has_split: bool
    tenders: int
    tenders_value: Decimal
    rows: list[PriorityRow] = field(default_factory=list)

    @property
    def note(self) -> str:
        if self.consultation is None:
            return NO_CONSULTATION
        closed = formatting.day(self.consultation.closes_at)
        parts = []
        if self.has_split:
            parts.append(
                f"Residents: the proposed split of {self.consultation.title} (closed {closed}, "
                f"{self.responses} response{'' if self.responses == 1 else 's'})."
            )
        else:
            parts.append(NO_SPLIT.format(title=self.consultation.title))
        if self.tenders:
            parts.append(
                f"Tenders: {self.tenders} published since it closed with a social value weight, "
                f"estimated value {formatting.money(self.tenders_value)}."
            )
        else:
            parts.append(NO_TENDERS.format(title=self.consultation.title))
        return " ".join(parts)


def priorities(filters: Filters, *, titles: Mapping[int, str], now: datetime | None = None) -> Priorities:
    """The proposed split of the latest closed consultation against the split of tenders published since
    it closed (not cancelled, with a social value weight above 0), each tender counting in proportion to
    its estimated value. Outcome filter only. 1 + 7 (consultation results, none when cached) + 2 queries."""
    now = now or timezone.now()
    consultation = Consultation.objects.closed(now).order_by("-closes_at", "-pk").first()
    if consultation is None:
        return Priorities(None, 0, False, 0, Decimal(0))
    outcome = cached_results(consultation)  # the public results page's entry in the shared cache
    split = outcome.proposed_split
    tenders = (
        Tender.objects.filter(published_at__gte=consultation.closes_at, social_value_weight__gt=0)
        .exclude(status=Tender.Status.CANCELLED)
        .exclude(published_at__isnull=True)
    )
    totals = tenders.aggregate(n=Count("id"), value=Sum("estimated_value"))
    total_value = totals["value"] or Decimal(0)
    weighted = dict(
        OutcomeShare.objects.filter(tender__in=tenders)
        .order_by()
        .values_list("outcome__number")
        .annotate(w=Sum(F("share") * F("tender__estimated_value"), output_field=MONEY))
    )
    rows = []
    for n in filters.outcomes:
        exact = ratio(weighted.get(n) or Decimal(0), total_value)
        residents = split.get(n) if split else None
        rows.append(
            PriorityRow(
                number=n,
                title=titles.get(n, ""),
                residents=residents,
                tenders=None if exact is None else to_tenth(exact),
                difference=None if exact is None or residents is None else to_tenth(exact - residents),
            )
        )
    return Priorities(
        consultation=consultation,
        responses=outcome.n_responses,
        has_split=bool(split),
        tenders=totals["n"],
        tenders_value=to_pennies(total_value),
        rows=rows,
    )


# --- g. Model review ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Review:
    version: int | None
    adopted_on: date | None
    last_review_on: date | None
    due_on: date | None
    overdue: bool


def review(*, today: date | None = None) -> Review:
    """The adopted model's annual review: when it was last held and when it is due (one query)."""
    status = selectors.review_status(today=today)
    model = status.model
    if model is None:
        return Review(None, None, None, None, False)
    return Review(
        version=model.version,
        adopted_on=_local_day(model.adopted_at),
        last_review_on=getattr(model, "last_review_on", None),
        due_on=status.due_on,
        overdue=status.overdue,
    )


# --- Recognition: who commits and delivers social value -----------------------------------------------------
# Delivered is compared with what is expected by today, pro rata by days, as each contract's page does
# (procurement.delivery.expected_to_date): expected £ = committed £ × the share of the contract's days gone.
# A commitment priced with an illustrative proxy (a made-up demonstration figure) is counted, so the pages
# can say which £ figures rest on one.
def _expected_value(committed: Decimal | None, start: date, end: date, today: date) -> Decimal:
    return delivery.expected_to_date(committed or Decimal(0), start, end, today)


def _committed_by_contract(kpis: QuerySet[ContractKPI], *by: str) -> QuerySet:
    """£ committed, commitments without a proxy and with an illustrative one, grouped by contract (and `by`),
    with the contract's dates for what is expected to date. One query."""
    return (
        kpis.order_by()
        .values("contract_id", "contract__start_date", "contract__end_date", *by)
        .annotate(
            value=_committed_value(),
            without_proxy=Count("id", filter=Q(proxy_value__isnull=True)),
            illustrative=Count("id", filter=Q(proxy_value__isnull=False, indicator__proxy_illustrative=True)),
        )
    )


@dataclass(frozen=True)
class OrganisationValue:
    pk: int
    name: str
    sector: str
    is_local: bool
    contracts: int
    contract_value: Decimal
    committed: Decimal
    delivered: Decimal
    without_proxy: int
    expected: Decimal = Decimal(0)  # £ expected to have been delivered by today
    illustrative: int = 0  # commitments priced with an illustrative proxy

    @property
    def sector_label(self) -> str:
        return Organisation.Sector(self.sector).label

    @property
    def delivered_of_expected(self) -> Decimal | None:
        return percent(self.delivered, self.expected)


def recognition(*, sector: str | None = None, today: date | None = None) -> list[OrganisationValue]:
    """Every organisation with a contract: contracts, their value, £ committed, £ expected by today and £
    delivered (verified), all years. Three queries."""
    today = today or timezone.localdate()
    organisations = Organisation.objects.filter(bids__award__contract__isnull=False)
    kpis = ContractKPI.objects.all()
    lines = _verified()
    if sector:
        organisations = organisations.filter(sector=sector)
        kpis = kpis.filter(contract__award__bid__supplier__sector=sector)
        lines = lines.filter(kpi__contract__award__bid__supplier__sector=sector)
    committed: dict[int, dict] = defaultdict(
        lambda: {"value": Decimal(0), "expected": Decimal(0), "without_proxy": 0, "illustrative": 0}
    )
    for row in _committed_by_contract(kpis, "contract__award__bid__supplier_id"):
        mine = committed[row["contract__award__bid__supplier_id"]]
        mine["value"] += row["value"] or 0
        mine["expected"] += _expected_value(
            row["value"], row["contract__start_date"], row["contract__end_date"], today
        )
        mine["without_proxy"] += row["without_proxy"]
        mine["illustrative"] += row["illustrative"]
    delivered = dict(
        lines.order_by()
        .values_list("kpi__contract__award__bid__supplier_id")
        .annotate(value=_delivered_value())
    )
    rows = (
        organisations.annotate(
            n_contracts=Count("bids__award__contract"), value=Sum("bids__award__contract__value")
        )
        .order_by("name")
        .values_list("pk", "name", "sector", "is_local", "n_contracts", "value")
    )
    return [
        OrganisationValue(
            pk=pk,
            name=name,
            sector=org_sector,
            is_local=is_local,
            contracts=n,
            contract_value=value,
            committed=to_pennies(committed[pk]["value"]),
            delivered=to_pennies(delivered.get(pk)),
            without_proxy=committed[pk]["without_proxy"],
            expected=to_pennies(committed[pk]["expected"]),
            illustrative=committed[pk]["illustrative"],
        )
        for pk, name, org_sector, is_local, n, value in rows
    ]


@dataclass(frozen=True)
class SectorValue:
    sector: str
    label: str
    organisations: int
    contracts: int
    committed: Decimal
    delivered: Decimal
    expected: Decimal = Decimal(0)
    illustrative: int = 0


def by_sector(rows: Sequence[OrganisationValue]) -> list[SectorValue]:
    """Totals per sector, in the sectors' order, sectors without contracts left out (pure)."""
    result = []
    for value, label in Organisation.Sector.choices:
        mine = [r for r in rows if r.sector == value]
        if mine:
            result.append(
                SectorValue(
                    sector=value,
                    label=label,
                    organisations=len(mine),
                    contracts=sum(r.contracts for r in mine),
                    committed=sum((r.committed for r in mine), Decimal(0)),
                    delivered=sum((r.delivered for r in mine), Decimal(0)),
                    expected=sum((r.expected for r in mine), Decimal(0)),
                    illustrative=sum(r.illustrative for r in mine),
                )
            )
    return result


@dataclass(frozen=True)
class ContractValue:
    pk: int
    reference: str
    title: str
    start_date: date
    end_date: date
    value: Decimal
    committed: Decimal
    delivered: Decimal
    expected: Decimal = Decimal(0)
    illustrative: int = 0


@dataclass(frozen=True)
class OrganisationRecognition:
    organisation: Organisation
    outcomes: list[OutcomeValue]
    contracts: list[ContractValue]

    @property
    def illustrative(self) -> int:
        return sum(c.illustrative for c in self.contracts)


def organisation_recognition(
    pk: int, *, titles: Mapping[int, str], today: date | None = None
) -> OrganisationRecognition:
    """One organisation's contracts and its £ committed, expected by today and delivered by outcome and by
    contract, all years, with the quantities in each unit by outcome. Raises Organisation.DoesNotExist when it
    has no contract. Three queries."""
    today = today or timezone.localdate()
    contracts = list(
        Contract.objects.filter(award__bid__supplier_id=pk)
        .select_related("award__tender", "award__bid__supplier")
        .order_by("start_date", "pk")
    )
    if not contracts:
        raise Organisation.DoesNotExist("The organisation has no contracts.")
    committed = _committed_by_contract(
        ContractKPI.objects.filter(contract__award__bid__supplier_id=pk), "outcome_number", "unit"
    ).annotate(units=Sum("committed"))
    delivered = (
        _verified()
        .filter(kpi__contract__award__bid__supplier_id=pk)
        .order_by()
        .values("kpi__contract_id", "kpi__outcome_number", "kpi__unit")
        .annotate(value=_delivered_value(), units=Sum("quantity"))
    )
    zero = Decimal(0)
    by_outcome: dict[int, dict] = defaultdict(
        lambda: {"committed": zero, "delivered": zero, "without_proxy": 0, "units": {}, "delivered_units": {}}
    )
    by_contract: dict[int, dict] = defaultdict(
        lambda: {"committed": zero, "delivered": zero, "expected": zero, "illustrative": 0}
    )
    for row in committed:
        outcome, contract = by_outcome[row["outcome_number"]], by_contract[row["contract_id"]]
        outcome["committed"] += row["value"] or 0
        outcome["without_proxy"] += row["without_proxy"]
        outcome["units"][row["unit"]] = outcome["units"].get(row["unit"], zero) + row["units"]
        contract["committed"] += row["value"] or 0
        contract["illustrative"] += row["illustrative"]
        contract["expected"] += _expected_value(
            row["value"], row["contract__start_date"], row["contract__end_date"], today
        )
    for row in delivered:
        outcome, contract = by_outcome[row["kpi__outcome_number"]], by_contract[row["kpi__contract_id"]]
        outcome["delivered"] += row["value"] or 0
        units = outcome["delivered_units"]
        units[row["kpi__unit"]] = units.get(row["kpi__unit"], zero) + row["units"]
        contract["delivered"] += row["value"] or 0
    return OrganisationRecognition(
        organisation=contracts[0].award.bid.supplier,
        outcomes=[
            OutcomeValue(
                number=n,
                title=titles.get(n, ""),
                committed=to_pennies(by_outcome[n]["committed"]),
                delivered=to_pennies(by_outcome[n]["delivered"]),
                without_proxy=by_outcome[n]["without_proxy"],
                committed_quantities=_nonzero(by_outcome[n]["units"]),
                delivered_quantities=_nonzero(by_outcome[n]["delivered_units"]),
            )
            for n in OUTCOME_NUMBERS
        ],
        contracts=[
            ContractValue(
                pk=c.pk,
                reference=c.award.tender.reference,
                title=c.award.tender.title,
                start_date=c.start_date,
                end_date=c.end_date,
                value=c.value,
                committed=to_pennies(by_contract[c.pk]["committed"]),
                delivered=to_pennies(by_contract[c.pk]["delivered"]),
                expected=to_pennies(by_contract[c.pk]["expected"]),
                illustrative=by_contract[c.pk]["illustrative"],
            )
            for c in contracts
        ],
    )


# --- Tables: what the pages show and the downloads contain --------------------------------------------------
TEXT, OUTCOME, MONEY_GBP, PERCENT, POINTS, COUNT, DATE, YES_NO = (
    "text",
    "outcome",
    "money",
    "percent",
    "points",
    "count",
    "date",
    "yes_no",
)
NUMERIC_KINDS = {MONEY_GBP, PERCENT, POINTS, COUNT}


@dataclass(frozen=True)
class Column:
    key: str  # the download's header
    label: str  # the page's header
    kind: str = TEXT

    @property
    def numeric(self) -> bool:
        return self.kind in NUMERIC_KINDS


@dataclass(frozen=True)
class Link:
    text: str
    url: str

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Cell:
    text: str
    numeric: bool
    value: str = ""  # the raw number, for charts
    url: str = ""


def display(value, kind: str) -> str:
    """A figure as the page shows it."""
    if value is None:
        return NOT_APPLICABLE
    if isinstance(value, str | Link):
        return str(value)
    if kind == OUTCOME:
        return f"Outcome {value}"
    if kind == MONEY_GBP:
        return formatting.money(value)
    if kind == PERCENT:
        return formatting.percentage(value)
    if kind == POINTS:
        return "0.0" if value == 0 else f"{value:+.1f}"
    if kind == COUNT:
        return f"{value:,}"
    if kind == DATE:
        return formatting.day(value)
    if kind == YES_NO:
        return "Yes" if value else "No"
    return str(value)


def exported(value, kind: str):
    """A figure as the download holds it: numbers stay numbers, dates stay dates."""
    if isinstance(value, Link):
        return value.text
    if kind == YES_NO and isinstance(value, bool):
        return "yes" if value else "no"
    return value


@dataclass
class Table:
    key: str
    caption: str
    columns: list[Column]
    rows: list[list]
    foot: list[list] = field(default_factory=list)
    chart: str = ""  # "bar" or "doughnut": drawn from the table by static/js/charts.js
    chart_columns: tuple[int, ...] = ()
    chart_colours: tuple[str, ...] = ()  # one a row, for a single series
    chart_axis: str = ""  # the value axis's title with its unit (by default from the plotted columns' kind)
    note: str = ""
    empty: str = "There are no figures for these filters."
    shown: int | None = None  # the page shows the first `shown` rows (None: all); downloads have every row

    def _cells(self, row: list) -> list[Cell]:
        return [
            Cell(
                text=display(value, column.kind),
                numeric=column.numeric,
                value="" if not column.numeric or value is None or isinstance(value, str) else str(value),
                url=value.url if isinstance(value, Link) else "",
            )
            for value, column in zip(row, self.columns, strict=True)
        ]

    @property
    def body(self) -> list[list[Cell]]:
        return [self._cells(row) for row in self.rows[: self.shown]]

    @property
    def not_shown(self) -> int:
        """Rows left off the page (they are in the downloads)."""
        return 0 if self.shown is None else max(0, len(self.rows) - self.shown)

    @property
    def footer(self) -> list[list[Cell]]:
        return [self._cells(row) for row in self.foot]

    @property
    def header(self) -> list[str]:
        return [c.key for c in self.columns]

    def export_rows(self) -> list[list]:
        return [
            [exported(v, c.kind) for v, c in zip(row, self.columns, strict=True)]
            for row in [*self.rows, *self.foot]
        ]

    @property
    def chart_columns_attr(self) -> str:
        return " ".join(str(c) for c in self.chart_columns)

    @property
    def axis_title(self) -> str:
        """The chart's value axis: its quantity and unit, from the plotted columns unless told."""
        if self.chart_axis:
            return self.chart_axis
        plotted = [self.columns[i] for i in self.chart_columns]
        kinds = {c.kind for c in plotted}
        if kinds == {MONEY_GBP}:
            return "Pounds (£)"
        if kinds <= {PERCENT, POINTS}:
            return "Per cent (%)"
        if kinds == {COUNT} and len(plotted) == 1:
            return f"{plotted[0].label} (number)"
        return "Number"

    @property
    def chart_colours_attr(self) -> str:
        return " ".join(self.chart_colours)


def illustrative_note(n: int) -> str:
    """What a table says when n of the commitments it counts are priced with an illustrative proxy."""
    if not n:
        return ""
    counted = (
        "1 of the commitments counted here is" if n == 1 else f"{n:,} of the commitments counted here are"
    )
    return (
        f"{counted} priced with an illustrative financial proxy: a made-up figure for demonstrations, "
        "so the £ they add is not a real value."
    )


def short_year(year: int) -> str:
    """A financial year as GOV.UK writes it in a heading: 2025 to 2026."""
    return f"{year} to {year + 1}"


def outcome_columns(year: int | None = None) -> list[Column]:
    """The social value table's columns: with a year, its figures are labelled with it and the year before
    follows, for comparison."""
    when = f", {short_year(year)}" if year else ""
    columns = [
        Column("outcome", "Outcome", OUTCOME),
        Column("title", "Title"),
        Column("committed_gbp", f"Committed{when}", MONEY_GBP),
        Column("committed_quantities", f"Committed{when}, in the indicators' units"),
        Column("delivered_gbp", f"Delivered, verified{when}", MONEY_GBP),
        Column("delivered_quantities", f"Delivered, verified{when}, in the indicators' units"),
        Column("delivered_percent", "Delivered as % of committed", PERCENT),
    ]
    if year:
        before = short_year(year - 1)
        columns += [
            Column("previous_year_committed_gbp", f"Committed, {before}", MONEY_GBP),
            Column("previous_year_delivered_gbp", f"Delivered, verified, {before}", MONEY_GBP),
        ]
    return [*columns, Column("commitments_without_proxy", "Commitments without a financial proxy", COUNT)]


def _outcome_row(r: OutcomeValue, *, year: int | None) -> list:
    label, title = (r.number, r.title) if r.number else (r.title, "")
    # The totals row has no quantities: different indicators' "people" are not added up.
    committed_units = quantities_text(r.committed_quantities) if r.number else ""
    delivered_units = quantities_text(r.delivered_quantities) if r.number else ""
    previous = [r.previous_committed, r.previous_delivered] if year else []
    return [
        label,
        title,
        r.committed,
        committed_units,
        r.delivered,
        delivered_units,
        r.delivered_percent,
        *previous,
        r.without_proxy,
    ]


def social_value_table(
    rows: list[OutcomeValue], *, caption: str = "", key: str = "social_value", year: int | None = None
) -> Table:
    return Table(
        key=key,
        caption=caption or "Social value committed and delivered, by outcome",
        columns=outcome_columns(year),
        rows=[_outcome_row(r, year=year) for r in rows],
        foot=[_outcome_row(_totals(rows, "All outcomes"), year=year)] if len(rows) > 1 else [],
        chart="bar",
        chart_columns=(2, 4, 7, 8) if year else (2, 4),
        note=illustrative_note(sum(r.illustrative for r in rows)),
    )


def weighting_table(figures: Weighting) -> Table:
    total = figures.all

    def row(label, group: WeightGroup):
        share = percent(group.value, total.value)
        return [
            label,
            group.contracts,
            group.value,
            share,
            group.simple_average,
            group.value_weighted_average,
        ]

    return Table(
        key="weighting",
        caption="Contract value let with a social value weight",
        columns=[
            Column("group", "Contracts let"),
            Column("contracts", "Contracts", COUNT),
            Column("value_gbp", "Value", MONEY_GBP),
            Column("share_of_value_percent", "Share of value", PERCENT),
            Column("average_weight_percent", "Average social value weight", PERCENT),
            Column("value_weighted_average_weight_percent", "Average weight, by value", PERCENT),
        ],
        rows=[
            row("With a social value weight", figures.weighted),
            row("Without a social value weight", figures.unweighted),
        ],
        foot=[row("All contracts let", total)],
        chart="doughnut",
        chart_columns=(2,),
        chart_colours=WEIGHTING_COLOURS,
    )


def local_spend_table(figures: LocalSpend) -> Table:
    total = figures.total
    return Table(
        key="local_spend",
        caption="Contract value with local organisations, SMEs and VCSEs",
        columns=[
            Column("group", "Organisations"),
            Column("contracts", "Contracts", COUNT),
            Column("value_gbp", "Value", MONEY_GBP),
            Column("percent_of_all_contract_value", "Share of all contract value", PERCENT),
        ],
        rows=[[g.label, g.contracts, g.value, percent(g.value, total.value)] for g in figures.groups],
        foot=[[total.label, total.contracts, total.value, percent(total.value, total.value)]],
        chart="bar",
        chart_columns=(3,),
    )


RAG_LABELS = {
    delivery.RED: ("Red", "At least one commitment under 75% of what is expected to date"),
    delivery.AMBER: ("Amber", "At least one commitment at 75% to under 95%, none under 75%"),
    delivery.GREEN: ("Green", "Every commitment due so far at 95% or more"),
    delivery.NOT_STARTED: ("Not started", "Nothing expected yet"),
}


def rag_table(contracts: list[ContractStatus]) -> Table:
    counts = {status: sum(1 for c in contracts if c.status == status) for status in RAG_ORDER}
    return Table(
        key="rag",
        caption="Contracts by delivery status today",
        columns=[
            Column("status", "Status"),
            Column("meaning", "Meaning"),
            Column("contracts", "Contracts", COUNT),
        ],
        rows=[[RAG_LABELS[s][0], RAG_LABELS[s][1], counts[s]] for s in RAG_ORDER],
        foot=[["All contracts", "", len(contracts)]],
        chart="bar",
        chart_columns=(2,),
        chart_colours=RAG_COLOURS,
    )


# The page lists this many contracts at red or amber, red first (a council with years of contracts has
# hundreds: 550 of the 1,000 contracts in seed_scale, 270 KB of the page); the downloads list them all.
RAG_CONTRACTS_SHOWN = 25


def rag_contracts_table(contracts: list[ContractStatus]) -> Table:
    return Table(
        key="rag_contracts",
        caption="Contracts at red or amber",
        columns=[Column("contract", "Contract"), Column("supplier", "Supplier"), Column("status", "Status")],
        rows=[
            [
                Link(
                    f"{c.reference}: {c.title}", reverse("procurement:contract_detail", kwargs={"pk": c.pk})
                ),
                c.supplier,
                RAG_LABELS[c.status][0],
            ]
            for status in (delivery.RED, delivery.AMBER)
            for c in contracts
            if c.status == status
        ],
        empty="No contract is at red or amber.",
        shown=RAG_CONTRACTS_SHOWN,
    )


def participation_table(rows: list[Participation]) -> Table:
    return Table(
        key="participation",
        caption="Responses to consultations",
        columns=[
            Column("consultation", "Consultation"),
            Column("opened", "Opened", DATE),
            Column("closes", "Closes", DATE),
            Column("responses", "Responses", COUNT),
        ],
        rows=[[r.title, r.opens_on, r.closes_on, r.responses] for r in rows],
        foot=[["All consultations", "", "", sum(r.responses for r in rows)]] if len(rows) > 1 else [],
        chart="bar",
        chart_columns=(3,),
        empty="No consultation opened in this period.",
    )


def priorities_table(figures: Priorities) -> Table:
    return Table(
        key="priorities",
        caption="Residents' priorities and tender weighting, by outcome",
        columns=[
            Column("outcome", "Outcome", OUTCOME),
            Column("title", "Title"),
            Column("residents_percent", "Residents' proposed split", PERCENT),
            Column("tenders_percent", "Tenders' split, by value", PERCENT),
            Column("difference_points", "Difference (points)", POINTS),
        ],
        rows=[[r.number, r.title, r.residents, r.tenders, r.difference] for r in figures.rows],
        chart="bar",
        chart_columns=(2, 3),
        note=figures.note,
        empty=NO_CONSULTATION,
    )


def review_table(figures: Review) -> Table:
    status = "Overdue" if figures.overdue else "Not yet due"
    return Table(
        key="review",
        caption="Annual review of the model",
        columns=[
            Column("version", "Adopted version"),
            Column("adopted_on", "Adopted on", DATE),
            Column("last_review_on", "Last review", DATE),
            Column("review_due_on", "Next review due", DATE),
            Column("status", "Status"),
        ],
        rows=[]
        if figures.version is None
        else [
            [
                f"Version {figures.version}",
                figures.adopted_on,
                figures.last_review_on,
                figures.due_on,
                status,
            ]
        ],
        empty="No version of the model has been adopted.",
    )


# --- The dashboard's tables, built once a request -----------------------------------------------------------
class Figures:
    """One request's figures: shares the outcome titles and contract statuses between the tables, and keeps
    each table in the shared cache (see `cached`)."""

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

    def tables(self, keys: Sequence[str] | None = None) -> dict[str, "Table"]:
        """The tables named (all by default): from the shared cache, or worked out in a fixed number of
        queries whatever the data."""
        keys = keys or TABLE_KEYS
        # The day as well as the filters: contracts' RAG and the review's status change with it.
        names = {key: f"table:{key}:{self.filters.query()}:{self.today.isoformat()}" for key in keys}
        found = cached(
            {names[key]: (TABLE_TOPICS[key], lambda key=key: self._build(key)) for key in keys}, now=self.now
        )
        return {key: found[names[key]] for key in keys}

    def _build(self, key: str) -> "Entry":
        table = BUILDERS[key](self)
        # The residents' side of the priorities table is the latest consultation closed: it changes, with no
        # write, when the next one closes.
        return Entry(table, until=next_closing(self.now) if key == "priorities" else None)

    @cached_property
    def titles(self) -> dict[int, str]:
        return outcome_titles()

    @cached_property
    def rag(self) -> list[ContractStatus]:
        return rag(self.filters, today=self.today)


BUILDERS: dict[str, Callable[[Figures], Table]] = {
    "social_value": lambda f: social_value_table(
        social_value(f.filters, titles=f.titles), year=f.filters.year
    ),
    "weighting": lambda f: weighting_table(weighting(f.filters)),
    "local_spend": lambda f: local_spend_table(local_spend(f.filters)),
    "rag": lambda f: rag_table(f.rag),
    "rag_contracts": lambda f: rag_contracts_table(f.rag),
    "participation": lambda f: participation_table(participation(f.filters)),
    "priorities": lambda f: priorities_table(priorities(f.filters, titles=f.titles, now=f.now)),
    "review": lambda f: review_table(review(today=f.today)),
}
TABLE_KEYS = tuple(BUILDERS)
# The filters each table is worked out with (the page says the same under each heading).
TABLE_FILTERS: dict[str, tuple[str, ...]] = {
    "social_value": ("year", "outcome", "sector"),
    "weighting": ("year", "sector"),
    "local_spend": ("year", "sector"),
    "rag": ("year", "sector"),
    "rag_contracts": ("year", "sector"),
    "participation": ("year",),
    "priorities": ("outcome",),
    "review": (),
}
NOT_APPLIED = "not applied to this table"


def export_filters(filters: Filters, key: str) -> list[tuple[str, str, bool]]:
    """What a download records of the filters behind it: (filter, value chosen, applied to the table)."""
    sector = Organisation.Sector(filters.sector).label if filters.sector else "All sectors"
    applied = TABLE_FILTERS[key]
    return [
        (
            "Financial year",
            financial_year_label(filters.year) if filters.year else "All years",
            "year" in applied,
        ),
        (
            "Outcome",
            f"Outcome {filters.outcome}" if filters.outcome else "All outcomes",
            "outcome" in applied,
        ),
        ("Supplier's sector", sector, "sector" in applied),
    ]


def csv_preface(filters: Filters, key: str) -> list[list[str]]:
    """The CSV's first row: the filters, before the header row."""
    return [
        [
            "Filters",
            *(
                f"{name}: {value}" + ("" if applied else f" ({NOT_APPLIED})")
                for name, value, applied in export_filters(filters, key)
            ),
        ]
    ]


def xlsx_about(filters: Filters, key: str, caption: str) -> list[list[str]]:
    """The workbook's second sheet: which table, and the filters that produced it."""
    return [
        ["Table", caption],
        ["Filter", "Chosen", "Applied to this table"],
        *([name, value, "Yes" if applied else "No"] for name, value, applied in export_filters(filters, key)),
    ]


# --- The shared cache ---------------------------------------------------------------------------------------
# Every table, the filters' choices and the rendered page are kept in the shared cache (Redis in production,
# so every app server reads the same entries) under a key naming what the figure is (the table, the filters
# and the day) and the versions of the data it reads (knowsley_sv.versioned_cache):
# - PROCUREMENT_VERSION: bumped whenever any model of the outcomes or procurement apps is saved;
# - CONSULTATIONS_VERSION: bumped whenever any consultation model is saved, and by every response added,
#   withdrawn or moderated (consultation.selectors.results_changed).
# A table names only the versions it reads, so a surge of responses leaves the contract tables cached. Writes
# that bypass save() (bulk loads, deletions through the admin or a shell) call `data_changed()`; entries
# expire after DASHBOARD_CACHE_SECONDS only to bound anything that forgets to.
DASHBOARD_CACHE_SECONDS = 10 * 60
PROCUREMENT_VERSION = "dashboard:procurement-version"
CONSULTATIONS_VERSION = RESPONSES_VERSION_KEY
VERSION_OF_APP = {
    "outcomes": PROCUREMENT_VERSION,
    "procurement": PROCUREMENT_VERSION,
    "consultation": CONSULTATIONS_VERSION,
}
BOTH = (PROCUREMENT_VERSION, CONSULTATIONS_VERSION)
# Written only by consultation.services, whose every write of them bumps CONSULTATIONS_VERSION itself
# (results_changed): a second bump from post_save would cost every submission two more cache writes.
VERSIONED_BY_THEIR_SERVICES = frozenset({"consultation.response", "consultation.comment"})
TABLE_TOPICS: dict[str, tuple[str, ...]] = {
    "social_value": (PROCUREMENT_VERSION,),
    "weighting": (PROCUREMENT_VERSION,),
    "local_spend": (PROCUREMENT_VERSION,),
    "rag": (PROCUREMENT_VERSION,),
    "rag_contracts": (PROCUREMENT_VERSION,),
    "participation": (CONSULTATIONS_VERSION,),
    "priorities": BOTH,  # residents' split and the tenders published since
    "review": (PROCUREMENT_VERSION,),
}


@dataclass(frozen=True)
class Entry:
    value: object
    until: datetime | None = None  # worked out again from this moment, whatever the versions say


def cached(entries: Mapping[str, tuple[Sequence[str], Callable[[], Entry]]], *, now: datetime) -> dict:
    """name -> value for each entry (name -> (versions it reads, compute)): two round trips to the cache when
    every entry is there, and compute() for each one that is not (then one more to store them)."""
    topics = sorted({topic for versions, _ in entries.values() for topic in versions})
    current = dict(zip(topics, versioned_cache.current(topics), strict=True))
    keys = {
        name: ":".join(["dashboard", name, *(current[topic] for topic in versions)])
        for name, (versions, _) in entries.items()
    }
    found = cache.get_many(list(keys.values()))
    values, fresh = {}, {}
    for name, (_, compute) in entries.items():
        entry = found.get(keys[name])
        if entry is None or (entry.until is not None and now >= entry.until):
            entry = fresh[keys[name]] = compute()
        values[name] = entry.value
    if fresh:
        cache.set_many(fresh, DASHBOARD_CACHE_SECONDS)
    return values


def choices(*, now: datetime) -> tuple[list[int], dict[int, str]]:
    """The financial years with data and the outcome titles, for the filters (from the shared cache)."""
    found = cached(
        {
            "years": (BOTH, lambda: Entry(year_choices())),
            "titles": ((PROCUREMENT_VERSION,), lambda: Entry(outcome_titles())),
        },
        now=now,
    )
    return found["years"], found["titles"]


FILTER_NAMES = ("year", "outcome", "sector")


def cached_page(params: Mapping[str, str], *, now: datetime, render: Callable[[], str]) -> str:
    """The dashboard's body for these filters as asked for (render() makes it), from the shared cache: it
    shows every table, so it reads both versions, and the priorities table's `until`. Keyed on a digest of
    the filters as typed, so an unknown value cannot make a long key."""
    asked = json.dumps([params.get(name, "") for name in FILTER_NAMES])
    name = f"page:{timezone.localdate(now).isoformat()}:{hashlib.sha256(asked.encode()).hexdigest()}"
    return cached({name: (BOTH, lambda: Entry(render(), until=next_closing(now)))}, now=now)[name]


def cached_review_status(today: date | None = None) -> selectors.ReviewStatus:
    """selectors.review_status(), from the shared cache (one round trip): the banner every board member's
    page shows. Any save in the outcomes app (a model adopted, a review recorded) bumps its version."""
    today = today or timezone.localdate()
    return versioned_cache.read_through(
        f"dashboard:review-status:{today.isoformat()}",
        [PROCUREMENT_VERSION],
        lambda: selectors.review_status(today=today),
        DASHBOARD_CACHE_SECONDS,
    )


def next_closing(now: datetime) -> datetime | None:
    """When the next consultation closes (one query)."""
    return Consultation.objects.filter(closes_at__gt=now).aggregate(next=Min("closes_at"))["next"]


def data_saved(sender, **kwargs) -> None:
    """post_save for every model (connected in OutcomesConfig.ready): bumps the version its app's data is
    cached under. Deletions are not connected: a receiver would stop Django deleting in bulk; the services
    that delete what the dashboard reads bump it themselves (a withdrawn response through results_changed)."""
    version = VERSION_OF_APP.get(sender._meta.app_label)
    if version is not None and sender._meta.label_lower not in VERSIONED_BY_THEIR_SERVICES:
        versioned_cache.bump(version)


def data_changed() -> None:
    """Call after writing the dashboard's data without save() (bulk inserts, a deletion)."""
    versioned_cache.bump(*BOTH)


EXPECTED_COLUMNS = [
    Column("committed_gbp", "Committed", MONEY_GBP),
    Column("expected_to_date_gbp", "Expected to date", MONEY_GBP),
    Column("delivered_gbp", "Delivered, verified", MONEY_GBP),
    Column("delivered_of_expected_percent", "Delivered of expected", PERCENT),
    Column("commitments_with_illustrative_proxy", "Commitments priced with an illustrative proxy", COUNT),
]


def _expected_cells(committed, expected, delivered, illustrative) -> list:
    return [committed, expected, delivered, percent(delivered, expected), illustrative]


def recognition_table(rows: list[OrganisationValue]) -> Table:
    return Table(
        key="recognition",
        caption="Social value by organisation",
        columns=[
            Column("organisation", "Organisation"),
            Column("sector", "Sector"),
            Column("local", "Local", YES_NO),
            Column("contracts", "Contracts", COUNT),
            *EXPECTED_COLUMNS,
        ],
        rows=[
            [
                Link(r.name, reverse("outcomes:organisation_recognition", kwargs={"pk": r.pk})),
                r.sector_label,
                r.is_local,
                r.contracts,
                *_expected_cells(r.committed, r.expected, r.delivered, r.illustrative),
            ]
            for r in rows
        ],
        empty="No organisation in this sector has a contract yet.",
    )


def sector_table(rows: list[SectorValue]) -> Table:
    def total(name):
        return sum((getattr(s, name) for s in rows), Decimal(0))

    return Table(
        key="sectors",
        caption="Social value by sector",
        columns=[
            Column("sector", "Sector"),
            Column("organisations", "Organisations", COUNT),
            Column("contracts", "Contracts", COUNT),
            *EXPECTED_COLUMNS,
        ],
        rows=[
            [
                s.label,
                s.organisations,
                s.contracts,
                *_expected_cells(s.committed, s.expected, s.delivered, s.illustrative),
            ]
            for s in rows
        ],
        foot=[
            [
                "All sectors",
                sum(s.organisations for s in rows),
                sum(s.contracts for s in rows),
                *_expected_cells(
                    total("committed"),
                    total("expected"),
                    total("delivered"),
                    sum(s.illustrative for s in rows),
                ),
            ]
        ]
        if len(rows) > 1
        else [],
        chart="bar",
        chart_columns=(3, 4, 5),
        empty="No organisation in this sector has a contract yet.",
    )


def organisation_contracts_table(contracts: list[ContractValue]) -> Table:
    return Table(
        key="contracts",
        caption="Contracts",
        columns=[
            Column("contract", "Contract"),
            Column("start_date", "Starts", DATE),
            Column("end_date", "Ends", DATE),
            Column("value_gbp", "Value", MONEY_GBP),
            *EXPECTED_COLUMNS,
        ],
        rows=[
            [
                Link(
                    f"{c.reference}: {c.title}",
                    reverse("procurement:tender", kwargs={"reference": c.reference}),
                ),
                c.start_date,
                c.end_date,
                c.value,
                *_expected_cells(c.committed, c.expected, c.delivered, c.illustrative),
            ]
            for c in contracts
        ],
    )
