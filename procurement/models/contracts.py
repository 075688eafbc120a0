"""The contract entered from the awarded bid, and its KPIs frozen from the bid's commitments."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from outcomes.models import Indicator

from .award import Award


class Contract(models.Model):
    """The contract entered after the standstill, from the awarded bid."""

    award = models.OneToOneField(Award, on_delete=models.PROTECT, related_name="contract")
    start_date = models.DateField()
    end_date = models.DateField()
    value = models.DecimalField(max_digits=14, decimal_places=2)
    reporting_months = models.PositiveSmallIntegerField(
        default=3, help_text="Length of a delivery reporting period in months (3: quarterly)"
    )
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(reporting_months__in=[1, 3, 6, 12]), name="%(app_label)s_%(class)s_period_valid"
            ),
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="%(app_label)s_%(class)s_dates"
            ),
            models.CheckConstraint(condition=Q(value__gt=0), name="%(app_label)s_%(class)s_value_positive"),
        ]

    def __str__(self) -> str:
        return f"Contract for {self.award.tender.reference}"


class ContractKPI(models.Model):
    """A commitment of the awarded bid, frozen when the contract is entered: what delivery is measured on.
    The indicator's code, name, unit and proxy value are copied, so a later model version changes nothing."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="kpis")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    outcome_number = models.PositiveSmallIntegerField()
    code = models.CharField(max_length=10)
    name = models.CharField(max_length=300)
    unit = models.CharField(max_length=60)
    committed = models.DecimalField(max_digits=14, decimal_places=2)
    proxy_value = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["contract", "outcome_number", "code"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "indicator"], name="%(app_label)s_%(class)s_once"),
            models.CheckConstraint(
                condition=Q(committed__gte=0), name="%(app_label)s_%(class)s_committed_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(proxy_value__isnull=True) | Q(proxy_value__gte=0),
                name="%(app_label)s_%(class)s_proxy_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.committed} {self.unit}"
