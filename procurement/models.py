"""Tenders with weighted social value, and suppliers' sealed bids."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from knowsley_sv.roles import Role
from outcomes.models import Indicator, Organisation, Outcome, SocialValueModel


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


class SupplierMember(models.Model):
    """A user who acts for a supplier organisation."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="supplier_member"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="supplier_members")

    def __str__(self) -> str:
        return f"{self.user} for {self.organisation}"


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


# --- Evaluation, moderation and award (DESIGN §5.3–5.5) ------------------------------------------------
class PanelMember(models.Model):
    """An evaluator on a tender's panel. A declared conflict takes them off the tender; the row stays as
    the record of it."""

    class Declaration(models.TextChoices):
        PENDING = "pending", "Not yet declared"
        NO_CONFLICT = "none", "No conflict of interest"
        CONFLICT = "conflict", "Conflict of interest declared"

    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="panel")
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="panel_seats"
    )
    declaration = models.CharField(max_length=8, choices=Declaration.choices, default=Declaration.PENDING)
    conflict_details = models.TextField(blank=True)
    declared_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(
        null=True, blank=True, help_text="When all their scores were submitted"
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["tender", "added_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["tender", "evaluator"], name="%(app_label)s_%(class)s_once"),
            models.CheckConstraint(
                condition=Q(declaration__in=["pending", "none", "conflict"]),
                name="%(app_label)s_%(class)s_declaration_valid",
            ),
            models.CheckConstraint(
                condition=Q(declaration="pending", declared_at__isnull=True)
                | (~Q(declaration="pending") & Q(declared_at__isnull=False)),
                name="%(app_label)s_%(class)s_declared_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(declaration="conflict") | ~Q(conflict_details=""),
                name="%(app_label)s_%(class)s_conflict_has_details",
            ),
            models.CheckConstraint(
                condition=Q(submitted_at__isnull=True) | Q(declaration="none"),
                name="%(app_label)s_%(class)s_only_declared_submit",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.evaluator} on {self.tender.reference}"

    @property
    def can_score(self) -> bool:
        return self.declaration == self.Declaration.NO_CONFLICT and self.submitted_at is None


def _one_line() -> list:
    """A score is for exactly one line: a quality criterion or an outcome share, never both."""
    return [
        models.CheckConstraint(
            condition=Q(criterion__isnull=False, share__isnull=True)
            | Q(criterion__isnull=True, share__isnull=False),
            name="%(app_label)s_%(class)s_exactly_one_line",
        ),
        models.CheckConstraint(condition=Q(value__lte=100), name="%(app_label)s_%(class)s_value_0_to_100"),
    ]


class Score(models.Model):
    """One evaluator's score of one bid on one line, with the required justification."""

    panel_member = models.ForeignKey(PanelMember, on_delete=models.PROTECT, related_name="scores")
    bid = models.ForeignKey(Bid, on_delete=models.PROTECT, related_name="scores")
    criterion = models.ForeignKey(
        QualityCriterion, on_delete=models.PROTECT, related_name="scores", null=True, blank=True
    )
    share = models.ForeignKey(
        OutcomeShare, on_delete=models.PROTECT, related_name="scores", null=True, blank=True
    )
    value = models.PositiveSmallIntegerField(validators=[MaxValueValidator(100)])
    justification = models.TextField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            *_one_line(),
            models.UniqueConstraint(
                fields=["panel_member", "bid", "criterion"],
                condition=Q(criterion__isnull=False),
                name="%(app_label)s_%(class)s_once_per_criterion",
            ),
            models.UniqueConstraint(
                fields=["panel_member", "bid", "share"],
                condition=Q(share__isnull=False),
                name="%(app_label)s_%(class)s_once_per_outcome",
            ),
            models.CheckConstraint(condition=~Q(justification=""), name="%(app_label)s_%(class)s_justified"),
        ]

    def __str__(self) -> str:
        return f"{self.value} by {self.panel_member_id} on bid {self.bid_id}"

    @property
    def line_key(self) -> str:
        return line_key(self.criterion_id, self.share_id)


class ModeratedScore(models.Model):
    """The panel's consensus score of one bid on one line, with its rationale: what the bid is scored on."""

    bid = models.ForeignKey(Bid, on_delete=models.PROTECT, related_name="moderated_scores")
    criterion = models.ForeignKey(
        QualityCriterion, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    share = models.ForeignKey(OutcomeShare, on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    value = models.PositiveSmallIntegerField(validators=[MaxValueValidator(100)])
    rationale = models.TextField()
    flagged = models.BooleanField(default=False, help_text="Evaluators' scores differed by 40 or more")
    moderated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    moderated_at = models.DateTimeField()

    class Meta:
        constraints = [
            *_one_line(),
            models.UniqueConstraint(
                fields=["bid", "criterion"],
                condition=Q(criterion__isnull=False),
                name="%(app_label)s_%(class)s_once_per_criterion",
            ),
            models.UniqueConstraint(
                fields=["bid", "share"],
                condition=Q(share__isnull=False),
                name="%(app_label)s_%(class)s_once_per_outcome",
            ),
            models.CheckConstraint(condition=~Q(rationale=""), name="%(app_label)s_%(class)s_has_rationale"),
        ]

    def __str__(self) -> str:
        return f"Moderated {self.value} on bid {self.bid_id}"

    @property
    def line_key(self) -> str:
        return line_key(self.criterion_id, self.share_id)


def line_key(criterion_id: int | None, share_id: int | None) -> str:
    """The key of a scored line: "q<criterion id>" or "o<outcome share id>"."""
    return f"q{criterion_id}" if criterion_id is not None else f"o{share_id}"


class Award(models.Model):
    """The award decision; publishing its notice starts the standstill."""

    tender = models.OneToOneField(Tender, on_delete=models.PROTECT, related_name="award")
    bid = models.OneToOneField(Bid, on_delete=models.PROTECT, related_name="award")
    reason = models.TextField(
        blank=True, help_text="Why, when the bid awarded is not the clear top-ranked one"
    )
    results = models.JSONField(help_text="The evaluation as it stood at award: every figure of the summaries")
    awarded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    awarded_at = models.DateTimeField()
    notice_published_at = models.DateTimeField(null=True, blank=True)
    standstill_ends = models.DateField(null=True, blank=True, help_text="The last day of the standstill")

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(notice_published_at__isnull=True, standstill_ends__isnull=True)
                | Q(notice_published_at__isnull=False, standstill_ends__isnull=False),
                name="%(app_label)s_%(class)s_notice_has_standstill",
            ),
        ]

    def __str__(self) -> str:
        return f"Award of {self.tender.reference}"


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


# --- Delivery (DESIGN §6) -----------------------------------------------------------------------------
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
