"""Writing to the audit trail. Call inside the service's transaction, after the change is saved."""

from collections.abc import Callable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import QuerySet

from .models import AuditEvent, User


def audit_record(
    *,
    actor: User | None,
    action: str,
    target: models.Model,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    return AuditEvent.objects.create(
        actor=actor,
        actor_label=str(actor) if actor else "system",
        action=action,
        target_type=ContentType.objects.get_for_model(target),
        target_id=str(target.pk),
        target_label=str(target)[:300],
        before=before,
        after=after,
    )


def audit_trail_for(target: models.Model):
    return AuditEvent.objects.filter(
        target_type=ContentType.objects.get_for_model(target), target_id=str(target.pk)
    ).select_related("actor")


# Apps whose events must stay hidden for a while (a sealed bid's revisions until the bids are opened) register
# a filter here from their AppConfig.ready(), so the core reads no app of ours.
_SEALS: list[Callable[[QuerySet], QuerySet]] = []


def register_seal(seal: Callable[[QuerySet], QuerySet]) -> None:
    if seal not in _SEALS:
        _SEALS.append(seal)


def unsealed(events: QuerySet) -> QuerySet:
    """The events anyone may read now: every registered seal applied."""
    for seal in _SEALS:
        events = seal(events)
    return events
