"""The users who act for a supplier organisation."""

from django.conf import settings
from django.db import models

from outcomes.models import Organisation


class SupplierMember(models.Model):
    """A user who acts for a supplier organisation."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="supplier_member"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="supplier_members")

    def __str__(self) -> str:
        return f"{self.user} for {self.organisation}"
