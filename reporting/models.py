"""The board's review packs (issue 16): a pack is live while a draft, and frozen (its whole content stored as
JSON) once the board approves it for the meeting; a frozen pack is never edited, only superseded by a new one
with a reason. Its public version is the frozen content less what is personal or commercially confidential
(reporting.pack.snapshot.public)."""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.urls import reverse

from knowsley_sv import formatting
from outcomes.models import ModelReview


class ReviewPackQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published_at__isnull=False)


class ReviewPack(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        APPROVED = "approved", "Approved for the meeting"
        SUPERSEDED = "superseded", "Superseded"

    period_start = models.DateField()
    period_end = models.DateField()
    period_label = models.CharField(max_length=200)
    review = models.ForeignKey(
        ModelReview, null=True, blank=True, on_delete=models.PROTECT, related_name="packs"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    content = models.JSONField(null=True, blank=True, encoder=DjangoJSONEncoder, editable=False)
    prepared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    prepared_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    superseded_by = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="supersedes"
    )
    superseded_reason = models.TextField(blank=True)
    superseded_at = models.DateTimeField(null=True, blank=True)

    objects = ReviewPackQuerySet.as_manager()

    class Meta:
        ordering = ["-period_end", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["draft", "approved", "superseded"]),
                name="%(app_label)s_%(class)s_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="%(app_label)s_%(class)s_period_ends_after_start",
            ),
            # Frozen means stored: a draft has no content, an approved or superseded pack has it all.
            models.CheckConstraint(
                condition=Q(status="draft", content__isnull=True, approved_at__isnull=True)
                | (~Q(status="draft") & Q(content__isnull=False, approved_at__isnull=False)),
                name="%(app_label)s_%(class)s_frozen_when_approved",
            ),
            # Only an approved pack is published; a superseded one keeps its publication, marked superseded.
            models.CheckConstraint(
                condition=Q(published_at__isnull=True) | ~Q(status="draft"),
                name="%(app_label)s_%(class)s_published_once_approved",
            ),
            models.CheckConstraint(
                condition=Q(status="superseded", superseded_at__isnull=False) & ~Q(superseded_reason="")
                | (~Q(status="superseded") & Q(superseded_at__isnull=True)),
                name="%(app_label)s_%(class)s_superseded_with_reason",
            ),
        ]
        indexes = [models.Index(fields=["published_at"], name="pack_published_idx")]

    def __str__(self) -> str:
        return f"Review pack: {self.period_label}"

    def get_absolute_url(self) -> str:
        return reverse("reporting:pack", kwargs={"pk": self.pk})

    def get_public_url(self) -> str:
        return reverse("reporting:public_pack", kwargs={"pk": self.pk})

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def period_text(self) -> str:
        return f"{formatting.day(self.period_start)} to {formatting.day(self.period_end)}"
