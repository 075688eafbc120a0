"""Suppliers' sealed bids: the price, quality answers, method statements and commitments."""

from django.db import models
from django.db.models import Q
from django.utils import timezone

from knowsley_sv.roles import Role
from outcomes.models import Indicator, Organisation, Outcome

from .tenders import QualityCriterion, Tender


class BidQuerySet(models.QuerySet):
    def active(self):
        return self.exclude(status=Bid.Status.WITHDRAWN)

    def opened(self, now=None):
        """Submitted bids of tenders whose bids were opened (after the deadline, with a record).
        A draft or cancelled tender never shows its bids, whatever its deadline says."""
        return self.filter(
            status=Bid.Status.SUBMITTED,
            tender__status__in=Tender.OPENED_STATUSES,
            tender__deadline__lte=now or timezone.now(),
        )

    def visible_to(self, user, now=None):
        """The seal: a supplier sees its own organisation's bids; council users see submitted bids only
        once the tender's deadline has passed; everyone else sees none."""
        now = now or timezone.now()
        if not user.is_authenticated:
            return self.none()
        member = getattr(user, "supplier_member", None) if user.has_role(Role.SUPPLIER) else None
        if member is not None:
            return self.filter(supplier_id=member.organisation_id)
        if user.has_role(Role.COMMISSIONER, Role.EVALUATOR, Role.BOARD_MEMBER):
            return self.opened(now=now)
        return self.none()


class Bid(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        WITHDRAWN = "withdrawn", "Withdrawn"

    tender = models.ForeignKey(Tender, on_delete=models.PROTECT, related_name="bids")
    supplier = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="bids")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    price = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    objects = BidQuerySet.as_manager()

    class Meta:
        ordering = ["tender", "submitted_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["draft", "submitted", "withdrawn"]),
                name="%(app_label)s_%(class)s_status_valid",
            ),
            models.UniqueConstraint(
                fields=["tender", "supplier"],
                condition=~Q(status="withdrawn"),
                name="%(app_label)s_%(class)s_one_active_per_supplier",
            ),
            models.CheckConstraint(
                condition=Q(price__isnull=True) | Q(price__gt=0),
                name="%(app_label)s_%(class)s_price_positive",
            ),
            models.CheckConstraint(
                condition=~Q(status="submitted") | (Q(price__isnull=False) & Q(submitted_at__isnull=False)),
                name="%(app_label)s_%(class)s_submitted_is_complete",
            ),
        ]
        indexes = [models.Index(fields=["tender", "status"], name="bid_tender_status_idx")]

    def __str__(self) -> str:
        return f"Bid by {self.supplier} for {self.tender.reference}"


class QualityAnswer(models.Model):
    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="quality_answers")
    criterion = models.ForeignKey(QualityCriterion, on_delete=models.PROTECT, related_name="answers")
    text = models.TextField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["bid", "criterion"], name="%(app_label)s_%(class)s_one_per_criterion"
            )
        ]

    def __str__(self) -> str:
        return f"Answer to {self.criterion}"


class MethodStatement(models.Model):
    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="method_statements")
    outcome = models.ForeignKey(Outcome, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["bid", "outcome"], name="%(app_label)s_%(class)s_one_per_outcome")
        ]

    def __str__(self) -> str:
        return f"Method statement for outcome {self.outcome_id}"


class Commitment(models.Model):
    """A measurable promise: a quantity of an indicator the tender offers."""

    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="commitments")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["indicator__outcome__number", "indicator__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["bid", "indicator"], name="%(app_label)s_%(class)s_one_per_indicator"
            ),
            models.CheckConstraint(
                condition=Q(quantity__gte=0), name="%(app_label)s_%(class)s_quantity_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.indicator_id}"
