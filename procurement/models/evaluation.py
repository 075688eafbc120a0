"""Evaluation and moderation (DESIGN §5.3–5.4): the panel, its scores and the moderated scores."""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q

from .bids import Bid
from .tenders import OutcomeShare, QualityCriterion, Tender


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
