"""Writes for contracts: after the standstill, the contract from the awarded bid, its commitments frozen
as KPIs."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from knowsley_sv import caching
from knowsley_sv.audit import audit_record
from knowsley_sv.models import User

from ..models import Award, Commitment, Contract, ContractKPI, Tender
from .award import NOT_AWARDED

NOTICE_FIRST = "Publish the award notice first: the standstill starts with it."
IN_STANDSTILL = "The standstill runs until the end of {day}. Enter the contract after that."
CONTRACT_ALREADY = "The contract has already been entered."
CONTRACT_DATES = "The end date must be on or after the start date."
CONTRACT_VALUE = "Enter a contract value of more than £0."
REPORTING_MONTHS = "Choose reporting every 1, 3, 6 or 12 months."


@transaction.atomic
def contract_enter(
    *, tender: Tender, by: User, start_date, end_date, value: Decimal, reporting_months: int = 3, now=None
) -> Contract:
    """After the standstill: the contract, from the awarded bid, its commitments frozen as KPIs."""
    now = now or timezone.now()
    award = Award.objects.select_for_update().filter(tender=tender).first()
    if award is None:
        raise ValidationError(NOT_AWARDED)
    if award.notice_published_at is None:
        raise ValidationError(NOTICE_FIRST)
    if timezone.localdate(now) <= award.standstill_ends:
        raise ValidationError(IN_STANDSTILL.format(day=f"{award.standstill_ends:%A %-d %B %Y}"))
    if Contract.objects.filter(award=award).exists():
        raise ValidationError(CONTRACT_ALREADY)
    problems = {}
    if end_date < start_date:
        problems["end_date"] = CONTRACT_DATES
    if value is None or value <= 0:
        problems["value"] = CONTRACT_VALUE
    if reporting_months not in (1, 3, 6, 12):
        problems["reporting_months"] = REPORTING_MONTHS
    if problems:
        raise ValidationError(problems)
    contract = Contract.objects.create(
        award=award,
        start_date=start_date,
        end_date=end_date,
        value=value,
        reporting_months=reporting_months,
        entered_by=by,
        entered_at=now,
    )
    ContractKPI.objects.bulk_create(
        ContractKPI(
            contract=contract,
            indicator=c.indicator,
            outcome_number=c.indicator.outcome.number,
            code=c.indicator.code,
            name=c.indicator.name,
            unit=c.indicator.unit,
            committed=c.quantity,
            proxy_value=c.indicator.proxy_value,
        )
        for c in Commitment.objects.filter(bid_id=award.bid_id).select_related("indicator__outcome")
    )
    audit_record(
        actor=by,
        action="contract.enter",
        target=tender,
        after={"start": start_date.isoformat(), "end": end_date.isoformat(), "value": str(value)},
    )
    caching.changed(Contract, ContractKPI)
    return contract
