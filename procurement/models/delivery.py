"""Delivery (DESIGN §6): what suppliers report each period, its evidence, and performance ratings."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from .contracts import Contract, ContractKPI


class DeliveryReport(models.Model):
    """What a supplier reports for one reporting period of a contract."""

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="reports")
    period_start = models.DateField()
    period_end = models.DateField()
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField()

    class Meta:
        ordering = ["contract", "period_start"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "period_start"], name="%(app_label)s_%(class)s_once"),
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="%(app_label)s_%(class)s_period_dates"
            ),
        ]

    def __str__(self) -> str:
        return f"Report for {self.period_start:%-d %b %Y} to {self.period_end:%-d %b %Y}"


class DeliveryLine(models.Model):
    """The quantity delivered on one KPI in one period. Only verified lines count as delivered."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for the council to check"
        VERIFIED = "verified", "Verified"
        QUERIED = "queried", "Queried"

    report = models.ForeignKey(DeliveryReport, on_delete=models.CASCADE, related_name="lines")
    kpi = models.ForeignKey(ContractKPI, on_delete=models.PROTECT, related_name="lines")
    quantity = models.DecimalField(max_digits=14, decimal_places=2)
    notes = models.TextField("evidence notes", blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    question = models.TextField(blank=True, help_text="The council's query")
    answer = models.TextField(blank=True, help_text="The supplier's answer to the query")
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["report", "kpi"]
        constraints = [
            models.UniqueConstraint(fields=["report", "kpi"], name="%(app_label)s_%(class)s_once"),
            models.CheckConstraint(
                condition=Q(quantity__gte=0), name="%(app_label)s_%(class)s_quantity_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "verified", "queried"]),
                name="%(app_label)s_%(class)s_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status="queried") | ~Q(question=""),
                name="%(app_label)s_%(class)s_query_has_question",
            ),
            models.CheckConstraint(
                condition=Q(status="pending") | Q(reviewed_by__isnull=False, reviewed_at__isnull=False),
                name="%(app_label)s_%(class)s_reviewed_has_reviewer",
            ),
            models.CheckConstraint(
                condition=~Q(reviewed_by=F("reported_by")), name="%(app_label)s_%(class)s_not_self_verified"
            ),
        ]
        indexes = [models.Index(fields=["status", "kpi"], name="deliveryline_status_kpi_idx")]

    def __str__(self) -> str:
        return f"{self.quantity} on {self.kpi_id} ({self.status})"


class Evidence(models.Model):
    """A file backing a delivery line, stored through Django's storage API (object storage in production)."""

    line = models.ForeignKey(DeliveryLine, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to="evidence/%Y/%m/")
    name = models.CharField(max_length=200, help_text="The file's name as uploaded")
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class PerformanceRating(models.Model):
    """At least yearly, the contract's performance in the Procurement Act 2023's terms."""

    class Rating(models.TextChoices):
        GOOD = "good", "Good"
        APPROACHING = "approaching", "Approaching target"
        REQUIRES_IMPROVEMENT = "requires_improvement", "Requires improvement"
        INADEQUATE = "inadequate", "Inadequate"
        OTHER = "other", "Other"

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="ratings")
    period_end = models.DateField(help_text="The last day of the year rated")
    rating = models.CharField(max_length=20, choices=Rating.choices)
    notes = models.TextField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["contract", "-period_end"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "period_end"], name="%(app_label)s_%(class)s_once"),
            models.CheckConstraint(
                condition=Q(
                    rating__in=["good", "approaching", "requires_improvement", "inadequate", "other"]
                ),
                name="%(app_label)s_%(class)s_rating_valid",
            ),
            models.CheckConstraint(condition=~Q(notes=""), name="%(app_label)s_%(class)s_has_notes"),
        ]

    def __str__(self) -> str:
        return f"{self.get_rating_display()} to {self.period_end}"
