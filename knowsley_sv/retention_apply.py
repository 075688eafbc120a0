"""Applying the retention schedule: the core's own entries (sign-in records, the audit trail) and the run.

Each app applies its part in its `retention.py` (found by autodiscovery, so the core imports no app); one run
applies every entry of the schedule in one transaction and records one audit event with the counts.
"""

from dataclasses import dataclass
from datetime import datetime

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from .models import AuditEvent
from .retention import Counts, Entry, job, jobs, schedule

ANONYMISED = "anonymised"
SCHEDULE_INCOMPLETE = "The retention entries {keys} have no job: an app's retention.py is missing one."


@job("signin")
def signin_records(*, cutoff: datetime, now: datetime, dry_run: bool) -> Counts:
    counts = {}
    for label, model in [
        ("failed sign-in attempts", AccessAttempt),
        ("sign-in log entries", AccessLog),
        ("failed sign-in log entries", AccessFailureLog),
    ]:
        old = model.objects.filter(attempt_time__lt=cutoff)
        counts[label] = old.count() if dry_run else old.delete()[1].get(model._meta.label, 0)
    return counts


@job("audit")
def audit_events(*, cutoff: datetime, now: datetime, dry_run: bool) -> Counts:
    """Old entries keep what was done, to which record and when; who did it and the details before and after
    (which can quote people) go. Anonymised rather than deleted, so the trail of the records the service keeps
    has no gaps, and rather than kept whole, so a person's name does not outlive its purpose."""
    old = AuditEvent.objects.filter(at__lt=cutoff).exclude(actor_label=ANONYMISED)
    if dry_run:
        return {"audit entries": old.count()}
    return {
        "audit entries": old.update(
            actor=None, actor_label=ANONYMISED, target_label=ANONYMISED, before=None, after=None
        )
    }


@dataclass(frozen=True)
class Applied:
    entry: Entry
    cutoff: datetime
    counts: Counts


def retention_schedule() -> dict[str, Entry]:
    return schedule(settings.RETENTION)


@transaction.atomic
def retention_apply(*, now: datetime | None = None, dry_run: bool = False) -> list[Applied]:
    """Erase or anonymise everything past its date (a dry run only counts). A second run changes nothing."""
    now = timezone.localtime(now or timezone.now())
    autodiscover_modules("retention")
    entries, registered = retention_schedule(), jobs()
    if missing := [key for key in entries if key not in registered]:
        raise LookupError(SCHEDULE_INCOMPLETE.format(keys=", ".join(missing)))
    applied = []
    for key, entry in entries.items():
        cutoff = entry.period.before(now)
        applied.append(Applied(entry, cutoff, registered[key](cutoff=cutoff, now=now, dry_run=dry_run)))
    if not dry_run:
        AuditEvent.objects.create(
            actor=None,
            actor_label="system",
            action="retention.apply",
            target_type=ContentType.objects.get_for_model(AuditEvent),
            target_id="",
            target_label="The retention schedule",
            after={a.entry.key: {"cutoff": a.cutoff, **a.counts} for a in applied},
        )
    return applied
