from functools import cached_property

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from .roles import Role


class User(AbstractUser):
    """A person with an account: an officer, a board member, an evaluator or a supplier's staff.

    Residents never need one.
    """

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        ordering = ["first_name", "last_name", "username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @cached_property
    def role_names(self) -> frozenset[str]:
        """The user's roles, read once per request (one query, or none if groups were prefetched)."""
        if not self.is_active:
            return frozenset()
        return frozenset(group.name for group in self.groups.all())

    def has_role(self, *roles: Role) -> bool:
        return any(role in self.role_names for role in roles)


class AuditEvent(models.Model):
    """An append-only record of who did what, when, with the state before and after.

    Written by services in the same transaction as the change; nobody edits or deletes an entry through
    the app or the admin. Only the retention schedule touches it: past its period an entry is anonymised
    (knowsley_sv/retention_apply.py).
    """

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(max_length=300, help_text="The actor's name when it happened.")
    action = models.CharField(max_length=100, db_index=True)
    target_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    target_id = models.CharField(max_length=64)
    target_label = models.CharField(max_length=300)
    before = models.JSONField(null=True, blank=True, encoder=DjangoJSONEncoder)
    after = models.JSONField(null=True, blank=True, encoder=DjangoJSONEncoder)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id", "at"], name="audit_target_at_idx")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.target_label}"


class Notification(models.Model):
    """A message to a person: listed on their Messages page the moment it is made, and sent by email by a task
    on the queue (knowsley_sv.notifications). Each send is recorded: queued, sent or failed, with the attempts
    and the last error an administrator sees."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=60, help_text="What the message is about: panel_added, bid_received …")
    subject = models.CharField(max_length=200)
    body = models.TextField()
    url = models.CharField(max_length=300, help_text="The page the message is about, as a path")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_inbox_idx"),
            models.Index(fields=["status"], name="notification_status_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["queued", "sent", "failed"]),
                name="%(app_label)s_%(class)s_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(status="sent", sent_at__isnull=False) | ~models.Q(status="sent"),
                name="%(app_label)s_%(class)s_sent_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject} (to {self.recipient_id}, {self.status})"
