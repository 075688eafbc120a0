"""Writes to the board's review packs. Each runs in a transaction and leaves an audit row; a frozen pack's
content is written once, when the board approves it, and never again."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from knowsley_sv import caching, formatting
from knowsley_sv.audit import audit_record
from knowsley_sv.models import User
from knowsley_sv.notifications import notify
from knowsley_sv.roles import Role
from outcomes.models import ModelReview

from .models import ReviewPack
from .pack import snapshot
from .pack.build import build
from .pack.period import Period

NOT_A_DRAFT = "This pack was approved on {day}, so it cannot be approved again. Supersede it to change it."
NOT_APPROVED = "Only a pack the board has approved can be published."
ALREADY_PUBLISHED = "This pack was published on {day}."
SUPERSEDED = "This pack has been superseded, so it cannot be changed."
NEEDS_REASON = "Enter why the pack is being superseded"
PERIOD_IN_FUTURE = "The period must start on or before today."


def _locked(pack: ReviewPack) -> ReviewPack:
    return ReviewPack.objects.select_for_update().get(pk=pack.pk)


def _facts(pack: ReviewPack) -> dict:
    return {
        "period": [pack.period_start, pack.period_end],
        "status": pack.status,
        "review": pack.review_id,
        "published": pack.published_at is not None,
    }


@transaction.atomic
def pack_prepare(*, period: Period, review: ModelReview | None, by: User) -> ReviewPack:
    """Start a draft pack for a period: it shows live figures until the board approves it."""
    if period.start > timezone.localdate():
        raise ValidationError({"period": PERIOD_IN_FUTURE})
    pack = ReviewPack(
        period_start=period.start,
        period_end=period.end,
        period_label=period.label,
        review=review,
        prepared_by=by,
    )
    pack.full_clean()
    pack.save()
    caching.changed(ReviewPack)
    audit_record(actor=by, action="pack.prepare", target=pack, after=_facts(pack))
    _tell_the_board(pack, by)
    return pack


def _tell_the_board(pack: ReviewPack, by: User) -> None:
    """Every board member hears that a pack is ready for them to read and approve (one query)."""
    board = User.objects.filter(groups__name=Role.BOARD_MEMBER, is_active=True).distinct()
    notify(
        board,
        kind="pack_ready",
        subject=f"A review pack is ready to approve: {pack.period_label}",
        body=(
            f"{by.get_full_name() or by.username} has prepared the review pack for {pack.period_text}. Its "
            "figures stay live until the board approves it for the meeting."
        ),
        url=pack.get_absolute_url(),
    )


def period_of(pack: ReviewPack) -> Period:
    return Period(pack.period_start, pack.period_end, pack.period_label)


@transaction.atomic
def pack_approve(*, pack: ReviewPack, by: User, now: datetime | None = None) -> ReviewPack:
    """Freeze the pack for the meeting: every figure, table and chart is stored as it is now."""
    pack = _locked(pack)
    if not pack.is_draft:
        raise ValidationError(
            SUPERSEDED
            if pack.status == ReviewPack.Status.SUPERSEDED
            else NOT_A_DRAFT.format(day=formatting.day(pack.approved_at))
        )
    now = now or timezone.now()
    built = build(period_of(pack), review=pack.review, now=now)
    pack.content = snapshot.dump(built)
    pack.status, pack.approved_by, pack.approved_at = ReviewPack.Status.APPROVED, by, now
    pack.save(update_fields=["content", "status", "approved_by", "approved_at"])
    caching.changed(ReviewPack)
    audit_record(actor=by, action="pack.approve", target=pack, after=_facts(pack))
    return pack


@transaction.atomic
def pack_publish(*, pack: ReviewPack, by: User) -> ReviewPack:
    """Publish the approved pack's public version (no personal data, nothing commercially confidential)."""
    pack = _locked(pack)
    if pack.status != ReviewPack.Status.APPROVED:
        raise ValidationError(SUPERSEDED if pack.status == ReviewPack.Status.SUPERSEDED else NOT_APPROVED)
    if pack.published_at is not None:
        raise ValidationError(
            ALREADY_PUBLISHED.format(day=f"{timezone.localdate(pack.published_at):%-d %B %Y}")
        )
    before = _facts(pack)
    pack.published_by, pack.published_at = by, timezone.now()
    pack.save(update_fields=["published_by", "published_at"])
    caching.changed(ReviewPack)
    audit_record(actor=by, action="pack.publish", target=pack, before=before, after=_facts(pack))
    return pack


@transaction.atomic
def pack_supersede(*, pack: ReviewPack, reason: str, by: User) -> ReviewPack:
    """Replace an approved pack with a new draft for the same period and review; the old one stays, marked
    superseded with the reason (and, if it was published, its public version says so)."""
    pack = _locked(pack)
    if pack.status != ReviewPack.Status.APPROVED:
        raise ValidationError(SUPERSEDED if pack.status == ReviewPack.Status.SUPERSEDED else NOT_APPROVED)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": NEEDS_REASON})
    before = _facts(pack)
    successor = ReviewPack.objects.create(
        period_start=pack.period_start,
        period_end=pack.period_end,
        period_label=pack.period_label,
        review=pack.review,
        prepared_by=by,
    )
    pack.status, pack.superseded_by = ReviewPack.Status.SUPERSEDED, successor
    pack.superseded_reason, pack.superseded_at = reason, timezone.now()
    pack.save(update_fields=["status", "superseded_by", "superseded_reason", "superseded_at"])
    caching.changed(ReviewPack)
    audit_record(
        actor=by,
        action="pack.supersede",
        target=pack,
        before=before,
        after={**_facts(pack), "reason": reason, "superseded_by": successor.pk},
    )
    audit_record(actor=by, action="pack.prepare", target=successor, after=_facts(successor))
    _tell_the_board(successor, by)
    return successor


@transaction.atomic
def pack_link_review(*, pack: ReviewPack, review: ModelReview | None, by: User) -> ReviewPack:
    """Say which review meeting the pack was for (the review is recorded after the meeting)."""
    pack = _locked(pack)
    if pack.status == ReviewPack.Status.SUPERSEDED:
        raise ValidationError(SUPERSEDED)
    before = _facts(pack)
    pack.review = review
    pack.save(update_fields=["review"])
    caching.changed(ReviewPack)
    audit_record(actor=by, action="pack.link_review", target=pack, before=before, after=_facts(pack))
    return pack
