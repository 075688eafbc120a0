"""Recognition: who commits and delivers social value, by organisation and by sector (public pages).

Delivered is compared with what is expected by today, pro rata by days, as each contract's page does
(procurement.delivery.expected_to_date): expected £ = committed £ × the share of the contract's days gone.
A commitment priced with an illustrative proxy (a made-up demonstration figure) is counted, so the pages
can say which £ figures rest on one.
"""

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from outcomes.models import Organisation
from procurement import delivery
from procurement.models import Contract, ContractKPI

from ..arithmetic import percent, to_pennies
from ..filters import OUTCOME_NUMBERS
from .common import DateRange, committed_value, delivered_value, verified
from .social_value import OutcomeValue, nonzero


def _expected_value(committed: Decimal | None, start: date, end: date, today: date) -> Decimal:
    return delivery.expected_to_date(committed or Decimal(0), start, end, today)


def _committed_by_contract(kpis: QuerySet[ContractKPI], *by: str) -> QuerySet:
    """£ committed, commitments without a proxy and with an illustrative one, grouped by contract (and `by`),
    with the contract's dates for what is expected to date. One query."""
    return (
        kpis.order_by()
        .values("contract_id", "contract__start_date", "contract__end_date", *by)
        .annotate(
            value=committed_value(),
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


def recognition(
    *, sector: str | None = None, today: date | None = None, between: DateRange | None = None
) -> list[OrganisationValue]:
    """Every organisation with a contract: contracts, their value, £ committed, £ expected by today and £
    delivered (verified), all years. With `between` (a review pack's period), only the contracts running
    between the two days count, and only delivery reported for periods ending between them. Three queries."""
    today = today or timezone.localdate()
    organisations = Organisation.objects.filter(bids__award__contract__isnull=False)
    kpis = ContractKPI.objects.all()
    lines = verified()
    if between:
        first, last = between
        # One filter() call, so the counts and sums below join the same (running) contracts.
        organisations = Organisation.objects.filter(
            bids__award__contract__start_date__lte=last, bids__award__contract__end_date__gte=first
        )
        kpis = kpis.filter(contract__start_date__lte=last, contract__end_date__gte=first)
        lines = lines.filter(
            report__period_end__range=between,
            kpi__contract__start_date__lte=last,
            kpi__contract__end_date__gte=first,
        )
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
        .annotate(value=delivered_value())
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


def _organisation_sums(pk: int, today: date) -> tuple[dict[int, dict], dict[int, dict]]:
    """One organisation's £ committed, expected by today and delivered, and the quantities in each unit, by
    outcome and by contract. Two queries."""
    committed = _committed_by_contract(
        ContractKPI.objects.filter(contract__award__bid__supplier_id=pk), "outcome_number", "unit"
    ).annotate(units=Sum("committed"))
    delivered = (
        verified()
        .filter(kpi__contract__award__bid__supplier_id=pk)
        .order_by()
        .values("kpi__contract_id", "kpi__outcome_number", "kpi__unit")
        .annotate(value=delivered_value(), units=Sum("quantity"))
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
    return by_outcome, by_contract


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
    by_outcome, by_contract = _organisation_sums(pk, today)
    return OrganisationRecognition(
        organisation=contracts[0].award.bid.supplier,
        outcomes=[
            OutcomeValue(
                number=n,
                title=titles.get(n, ""),
                committed=to_pennies(by_outcome[n]["committed"]),
                delivered=to_pennies(by_outcome[n]["delivered"]),
                without_proxy=by_outcome[n]["without_proxy"],
                committed_quantities=nonzero(by_outcome[n]["units"]),
                delivered_quantities=nonzero(by_outcome[n]["delivered_units"]),
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
