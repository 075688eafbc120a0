"""Reads for delivery (DESIGN §6): per KPI of a contract, what was committed, expected to date and
delivered."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, Sum
from django.utils import timezone

from .. import delivery, scoring
from ..models import Contract, ContractKPI, DeliveryLine


@dataclass
class KpiPerformance:
    kpi: ContractKPI
    committed_value: Decimal | None  # £, None without a proxy
    expected: Decimal  # quantity expected to date, exact
    delivered: Decimal  # verified quantity
    pending: Decimal  # reported but not yet verified (or queried)
    status: str  # delivery.GREEN / AMBER / RED / NOT_STARTED

    @property
    def expected_value(self) -> Decimal | None:
        return (
            None if self.kpi.proxy_value is None else scoring.to_pennies(self.expected * self.kpi.proxy_value)
        )

    @property
    def delivered_value(self) -> Decimal | None:
        return (
            None
            if self.kpi.proxy_value is None
            else scoring.to_pennies(self.delivered * self.kpi.proxy_value)
        )

    @property
    def percent(self) -> Decimal | None:
        return delivery.percent_of(self.delivered, self.expected)


def contract_performance(contract: Contract, today=None) -> list[KpiPerformance]:
    """Per KPI: committed, expected to date (pro rata), verified delivered and awaiting checks, with RAG.
    2 queries: the KPIs, and the delivered sums grouped in the database."""
    today = today or timezone.localdate()
    kpis = list(contract.kpis.all())
    sums = {
        row["kpi_id"]: row
        for row in DeliveryLine.objects.filter(report__contract=contract)
        .values("kpi_id")
        .annotate(
            delivered=Sum("quantity", filter=Q(status=DeliveryLine.Status.VERIFIED)),
            pending=Sum("quantity", filter=~Q(status=DeliveryLine.Status.VERIFIED)),
        )
    }
    result = []
    for kpi in kpis:
        row = sums.get(kpi.pk, {})
        delivered = row.get("delivered") or Decimal(0)
        expected = delivery.expected_to_date(kpi.committed, contract.start_date, contract.end_date, today)
        result.append(
            KpiPerformance(
                kpi=kpi,
                committed_value=None
                if kpi.proxy_value is None
                else scoring.to_pennies(kpi.committed * kpi.proxy_value),
                expected=expected,
                delivered=delivered,
                pending=row.get("pending") or Decimal(0),
                status=delivery.rag(delivered, expected),
            )
        )
    return result
