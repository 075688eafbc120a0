"""The consultation's part of the retention schedule (knowsley_sv/retention.py): residents' contact records
and the free text of their answers."""

from datetime import datetime

from knowsley_sv import caching
from knowsley_sv.retention import Counts, Entry, job

from .models import Comment, Consultation, ContactRecord


def contacts_erased_by(consultation: Consultation, entries: dict[str, Entry]) -> datetime:
    """When the consultation's contact records are erased at the latest: a period after the council's
    response is published, and never later than a (longer) period after the consultation closes."""
    at_the_latest = entries["contacts_unanswered"].period.after(consultation.closes_at)
    published = consultation.board_response_published_at
    return min(at_the_latest, entries["contacts"].period.after(published)) if published else at_the_latest


def _erase(contacts, dry_run: bool) -> Counts:
    if dry_run:
        return {"contact records": contacts.count()}
    erased, _ = contacts.delete()
    caching.changed(ContactRecord)
    return {"contact records": erased}


@job("contacts")
def contacts_after_response(*, cutoff: datetime, now: datetime, dry_run: bool) -> Counts:
    return _erase(ContactRecord.objects.filter(consultation__board_response_published_at__lt=cutoff), dry_run)


@job("contacts_unanswered")
def contacts_at_the_latest(*, cutoff: datetime, now: datetime, dry_run: bool) -> Counts:
    return _erase(ContactRecord.objects.filter(consultation__closes_at__lt=cutoff), dry_run)


@job("responses")
def comments_after_model(*, cutoff: datetime, now: datetime, dry_run: bool) -> Counts:
    """Residents' free text goes; the response, its points, ward and demographics stay as anonymous
    evidence."""
    comments = Comment.objects.filter(response__consultation__model__superseded_at__lt=cutoff)
    if dry_run:
        return {"comments": comments.count()}
    consultations = set(comments.values_list("response__consultation_id", flat=True).distinct())
    if not consultations:
        return {"comments": 0}
    erased, _ = comments.delete()
    for consultation_id in consultations:
        caching.changed(Comment, scope=consultation_id)  # published comments leave the results pages
    return {"comments": erased}
