"""Run daily (cron or a scheduler): erases residents' contact records past their retention date."""

from django.core.management.base import BaseCommand

from consultation.services import contacts_erase_expired


class Command(BaseCommand):
    help = "Erases consultation contact records whose retention date has passed."

    def handle(self, *args, **options):
        erased = contacts_erase_expired()
        self.stdout.write(f"Erased {erased} expired contact record{'s' if erased != 1 else ''}.")
