"""Run daily (cron or a scheduler): applies the retention schedule (README, knowsley_sv/retention.py)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from knowsley_sv.retention_apply import retention_apply


class Command(BaseCommand):
    help = "Erases or anonymises every kind of record past its retention period; --dry-run only counts."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Print what would go; change nothing.")
        parser.add_argument("--now", help="Apply the schedule as at this ISO date and time instead of now.")

    def handle(self, *args, dry_run=False, now=None, **options):
        if isinstance(now, str):
            now = parse_datetime(now)
            if now is None:
                raise CommandError("--now must be an ISO date and time, like 2027-06-01T09:00.")
            now = timezone.make_aware(now) if timezone.is_naive(now) else now
        applied = retention_apply(now=now, dry_run=dry_run)
        self.stdout.write("Dry run, nothing changed. Would go:" if dry_run else "Retention schedule applied:")
        for item in applied:
            counts = ", ".join(f"{label} {n}" for label, n in item.counts.items())
            cutoff = timezone.localtime(item.cutoff)
            self.stdout.write(f"  {item.entry.key} (before {cutoff:%-d %B %Y %H:%M}): {counts}")
