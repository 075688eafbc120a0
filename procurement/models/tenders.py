"""Tenders with weighted social value: the scale, quality criteria, outcome shares and offered indicators."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from outcomes.models import Indicator, Outcome, SocialValueModel


class Tender(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        CLOSED = "closed", "Closed"
        EVALUATING = "evaluating", "Evaluating"
        AWARDED = "awarded", "Awarded"
        CANCELLED = "cancelled", "Cancelled"

    class PriceFormula(models.TextChoices):
        RELATIVE_TO_LOWEST = "relative", "Relative to the lowest price"
        PROPORTIONAL_DEVIATION = "deviation", "Proportional deviation from the lowest price"

    OPENED_STATUSES = ("closed", "evaluating", "awarded")  # bids were opened after the deadline

    reference = models.CharField(max_length=30, unique=True)
    title = models.CharField(max_length=200)
    specification = models.TextField()
    service_area = models.CharField(max_length=100)
    estimated_value = models.DecimalField(max_digits=14, decimal_places=2, validators=[MinValueValidator(0)])
    model = models.ForeignKey(
        SocialValueModel, on_delete=models.PROTECT, related_name="tenders", help_text="Frozen at publication"
    )
    deadline = models.DateTimeField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    price_weight = models.PositiveSmallIntegerField(default=50, validators=[MaxValueValidator(100)])
    quality_weight = models.PositiveSmallIntegerField(default=30, validators=[MaxValueValidator(100)])
    social_value_weight = models.PositiveSmallIntegerField(default=20, validators=[MaxValueValidator(100)])
    social_value_justification = models.TextField(
        blank=True, help_text="Why social value is weighted under 10%, if it is"
    )
    price_formula = models.CharField(
        max_length=10, choices=PriceFormula.choices, default=PriceFormula.RELATIVE_TO_LOWEST
    )
    commissioners = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="tenders")
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    status__in=["draft", "published", "closed", "evaluating", "awarded", "cancelled"]
                ),
                name="%(app_label)s_%(class)s_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(price_weight__lte=100)
                & Q(quality_weight__lte=100)
                & Q(social_value_weight__lte=100)
                & Q(price_weight=100 - F("quality_weight") - F("social_value_weight")),
                name="%(app_label)s_%(class)s_weights_total_100",
            ),
            models.CheckConstraint(
                condition=Q(social_value_weight__gte=10) | ~Q(social_value_justification=""),
                name="%(app_label)s_%(class)s_low_social_value_justified",
            ),
            models.CheckConstraint(
                condition=Q(price_formula__in=["relative", "deviation"]),
                name="%(app_label)s_%(class)s_price_formula_valid",
            ),
            models.CheckConstraint(
                condition=Q(status="draft")
                | Q(status="cancelled", published_at__isnull=True)
                | Q(published_at__isnull=False),
                name="%(app_label)s_%(class)s_published_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(status="cancelled") | Q(cancelled_at__isnull=False),
                name="%(app_label)s_%(class)s_cancelled_has_date",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "deadline"], name="tender_status_deadline_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("procurement:tender", kwargs={"reference": self.reference})

    def deadline_passed(self, now=None) -> bool:
        return (now or timezone.now()) >= self.deadline

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT


class ScoringScalePoint(models.Model):
    """One point of the tender's published scoring scale (DESIGN §5.3)."""

    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="scale")
    value = models.PositiveSmallIntegerField(validators=[MaxValueValidator(100)])
    label = models.CharField(max_length=50)
    descriptor = models.TextField()

    class Meta:
        ordering = ["tender", "value"]
        constraints = [
            models.UniqueConstraint(fields=["tender", "value"], name="%(app_label)s_%(class)s_value_unique"),
            models.CheckConstraint(
                condition=Q(value__lte=100), name="%(app_label)s_%(class)s_value_0_to_100"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.value} {self.label}"


class QualityCriterion(models.Model):
    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="criteria")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    question = models.TextField()
    weight = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(100)])
    minimum_score = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(100)]
    )

    class Meta:
        ordering = ["tender", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["tender", "number"], name="%(app_label)s_%(class)s_number_unique"
            ),
            models.CheckConstraint(
                condition=Q(weight__gte=1, weight__lte=100), name="%(app_label)s_%(class)s_weight_1_to_100"
            ),
            models.CheckConstraint(
                condition=Q(minimum_score__isnull=True) | Q(minimum_score__lte=100),
                name="%(app_label)s_%(class)s_minimum_0_to_100",
            ),
        ]

    def __str__(self) -> str:
        return f"Q{self.number} {self.title}"


class OutcomeShare(models.Model):
    """The share of the social value weight given to one outcome of the tender's model version."""

    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="shares")
    outcome = models.ForeignKey(Outcome, on_delete=models.PROTECT, related_name="+")
    share = models.PositiveSmallIntegerField(validators=[MaxValueValidator(100)])

    class Meta:
        ordering = ["tender", "outcome__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["tender", "outcome"], name="%(app_label)s_%(class)s_one_per_outcome"
            ),
            models.CheckConstraint(
                condition=Q(share__lte=100), name="%(app_label)s_%(class)s_share_0_to_100"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.share}% to outcome {self.outcome_id}"


class OfferedIndicator(models.Model):
    """An indicator suppliers may commit to in this tender, with an optional target."""

    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="offered_indicators")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    target = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["tender", "indicator__outcome__number", "indicator__code"]
        constraints = [
            models.UniqueConstraint(fields=["tender", "indicator"], name="%(app_label)s_%(class)s_once"),
            models.CheckConstraint(
                condition=Q(target__isnull=True) | Q(target__gte=0),
                name="%(app_label)s_%(class)s_target_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} offered"
