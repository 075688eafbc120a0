"""The award decision and its notice (DESIGN §5.5)."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from .bids import Bid
from .tenders import Tender


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
