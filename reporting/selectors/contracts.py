"""b. Contract value let with a social value weight, c. spend with local organisations, SMEs and VCSEs, and
d. contracts at red, amber and green today."""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from outcomes.models import Organisation
from procurement import delivery
from procurement.models import ContractKPI, DeliveryLine

from ..arithmetic import ratio, to_tenth
from ..filters import Filters
from .common import MONEY, DateRange, contracts_let, contracts_running

SME_SIZES = (Organisation.Size.MICRO, Organisation.Size.SMALL, Organisation.Size.MEDIUM)
VCSE_SECTORS = (Organisation.Sector.VOLUNTARY, Organisation.Sector.SOCIAL_ENTERPRISE)


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
    row = contracts_let(filters).aggregate(
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


def local_spend(filters: Filters, *, between: DateRange | None = None) -> LocalSpend:
    """Contract value let in the year, or between the two days (sector filter), with local organisations,
    SMEs and VCSEs. One query."""
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
    row = contracts_let(filters, between=between).aggregate(**aggregates)
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


def contract_status(kpi_statuses: Sequence[str]) -> str:
    """A contract's RAG from its KPIs': the worst of those with anything expected yet (pure)."""
    for status in (delivery.RED, delivery.AMBER, delivery.GREEN):
        if status in kpi_statuses:
            return status
    return delivery.NOT_STARTED


def rag(
    filters: Filters,
    *,
    today: date | None = None,
    between: DateRange | None = None,
    reported_by: date | None = None,
) -> list[ContractStatus]:
    """Every contract running in the year, or between the two days (sector filter), with its status today.
    With `reported_by`, only delivery reported for periods ending on or before that day counts (a review
    pack's status on a past day); else all verified delivery. Two queries: the contracts, and every KPI with
    its verified delivery summed in the database; the pro-rata arithmetic is pure."""
    today = today or timezone.localdate()
    contracts = contracts_running(filters, between=between)
    counted = Q(lines__status=DeliveryLine.Status.VERIFIED)
    if reported_by is not None:
        counted &= Q(lines__report__period_end__lte=reported_by)
    rows = list(
        contracts.order_by("award__tender__reference").values_list(
            "pk", "award__tender__reference", "award__tender__title", "award__bid__supplier__name"
        )
    )
    statuses: dict[int, list[str]] = defaultdict(list)
    for contract_id, committed, start, end, delivered in (
        ContractKPI.objects.filter(contract__in=contracts)
        .annotate(delivered=Sum("lines__quantity", filter=counted))
        .values_list("contract_id", "committed", "contract__start_date", "contract__end_date", "delivered")
    ):
        expected = delivery.expected_to_date(committed, start, end, today)
        statuses[contract_id].append(delivery.rag(delivered or Decimal(0), expected))
    return [
        ContractStatus(pk, reference, title, supplier, contract_status(statuses.get(pk, [])))
        for pk, reference, title, supplier in rows
    ]
