"""Reads for contracts: who may see which, and each contract's status for the lists."""

from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from knowsley_sv.access import user_has_role
from knowsley_sv.roles import Role

from .. import delivery
from ..models import Contract, ContractKPI, DeliveryLine


def contracts_visible_to(user) -> QuerySet[Contract]:
    """Commissioners and board members see every contract; a supplier sees its own; nobody else any."""
    qs = Contract.objects.select_related("award__tender", "award__bid__supplier")
    if user_has_role(user, Role.COMMISSIONER, Role.BOARD_MEMBER):
        return qs
    if user_has_role(user, Role.SUPPLIER):
        member = getattr(user, "supplier_member", None)
        return qs.filter(award__bid__supplier_id=member.organisation_id) if member else qs.none()
    return qs.none()


def contract_statuses(contracts: list[Contract], today=None) -> dict[int, tuple[str | None, int]]:
    """Per contract id: the worst RAG of its KPIs (None without KPIs) and the lines waiting for checks. Two
    queries for any number of contracts (the KPIs, and verified sums and waiting counts grouped per KPI in the
    database); the same figures as `contract_performance`, which works one contract at a time."""
    today = today or timezone.localdate()
    if not contracts:
        return {}
    ids = [c.pk for c in contracts]
    kpis = ContractKPI.objects.filter(contract_id__in=ids).values_list("pk", "contract_id", "committed")
    sums = {
        row["kpi_id"]: row
        for row in DeliveryLine.objects.filter(kpi__contract_id__in=ids)
        .values("kpi_id")
        .annotate(
            delivered=Sum("quantity", filter=Q(status=DeliveryLine.Status.VERIFIED)),
            waiting=Count("pk", filter=Q(status=DeliveryLine.Status.PENDING)),
        )
    }
    by_id = {c.pk: c for c in contracts}
    statuses: dict[int, list[str]] = {pk: [] for pk in ids}
    waiting = dict.fromkeys(ids, 0)
    for kpi_id, contract_id, committed in kpis:
        contract, row = by_id[contract_id], sums.get(kpi_id, {})
        expected = delivery.expected_to_date(committed, contract.start_date, contract.end_date, today)
        statuses[contract_id].append(delivery.rag(row.get("delivered") or Decimal(0), expected))
        waiting[contract_id] += row.get("waiting") or 0
    worst_first = [delivery.RED, delivery.AMBER, delivery.GREEN, delivery.NOT_STARTED]
    return {
        pk: (min(statuses[pk], key=worst_first.index) if statuses[pk] else None, waiting[pk]) for pk in ids
    }
