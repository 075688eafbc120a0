"""The querysets and sums the dashboard's figures share, and the filters' choices."""

from datetime import date

from django.db.models import DecimalField, F, Max, Min, Q, QuerySet, Sum

from consultation.models import Consultation
from outcomes.models import Outcome, SocialValueModel
from procurement.models import Contract, DeliveryLine, DeliveryReport

from ..filters import Filters
from ..years import financial_year_bounds, financial_years_spanning, local_day

MONEY = DecimalField(max_digits=32, decimal_places=4)
DateRange = tuple[date, date]  # first and last day, both included


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
            local_day(consultations["first"]),
            local_day(consultations["last"]),
        ]
    )


def outcome_titles() -> dict[int, str]:
    """Outcome number -> title in the adopted model (one query)."""
    return dict(
        Outcome.objects.filter(model__status=SocialValueModel.Status.ADOPTED).values_list("number", "title")
    )


def _days(filters: Filters, between: DateRange | None) -> DateRange | None:
    """The days a figure covers: `between` when given (a review pack's period), else the filters' year."""
    if between is not None:
        return between
    return financial_year_bounds(filters.year) if filters.year else None


def contracts_let(filters: Filters, *, between: DateRange | None = None) -> QuerySet[Contract]:
    """Contracts starting in the year (or between the two days), with suppliers of the sector."""
    qs = Contract.objects.all()
    if days := _days(filters, between):
        qs = qs.filter(start_date__range=days)
    if filters.sector:
        qs = qs.filter(award__bid__supplier__sector=filters.sector)
    return qs


def contracts_running(filters: Filters, *, between: DateRange | None = None) -> QuerySet[Contract]:
    """Contracts running at any time in the year (or between the two days), with suppliers of the sector."""
    qs = Contract.objects.all()
    if days := _days(filters, between):
        first, last = days
        qs = qs.filter(start_date__lte=last, end_date__gte=first)
    if filters.sector:
        qs = qs.filter(award__bid__supplier__sector=filters.sector)
    return qs


def committed_value(condition: Q | None = None) -> Sum:
    return Sum(F("committed") * F("proxy_value"), output_field=MONEY, filter=condition)


def delivered_value(condition: Q | None = None) -> Sum:
    return Sum(F("quantity") * F("kpi__proxy_value"), output_field=MONEY, filter=condition)


def verified() -> QuerySet[DeliveryLine]:
    return DeliveryLine.objects.filter(status=DeliveryLine.Status.VERIFIED)
