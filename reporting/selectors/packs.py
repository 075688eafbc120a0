"""Reads of the board's review packs: the lists, and a pack's figures (live while a draft, as stored once
frozen, less what is not public for everyone)."""

from datetime import date, datetime

from django.db.models import Max, QuerySet
from django.utils import timezone

from knowsley_sv import caching
from outcomes.models import ModelReview
from outcomes.topics import REVIEW_STATUS

from ..models import ReviewPack
from ..pack import snapshot
from ..pack.build import build
from ..pack.period import Period
from ..topics import CONSULTATIONS, PACK, PROCUREMENT
from .consultations import next_closing


def packs() -> QuerySet[ReviewPack]:
    return ReviewPack.objects.select_related("review", "prepared_by", "approved_by").order_by(
        "-period_end", "-id"
    )


def published_packs() -> QuerySet[ReviewPack]:
    return ReviewPack.objects.published().order_by("-period_end", "-id")


def last_review_day() -> date | None:
    return ModelReview.objects.aggregate(last=Max("held_on"))["last"]


def figures(pack: ReviewPack, *, public: bool = False) -> snapshot.Pack:
    """The pack's content: worked out now while a draft, else as the board approved it; `public` leaves out
    every table that is not for everyone."""
    built = draft_figures(pack) if pack.is_draft else snapshot.load(pack.content)
    return built.public() if public else built


def draft_figures(pack: ReviewPack, *, now: datetime | None = None) -> snapshot.Pack:
    """A draft's live figures, from the shared cache until anything they read changes, the day turns (the
    as-at day and RAG move with it) or the next consultation closes (one may close within the period)."""
    now = now or timezone.now()
    period = Period(pack.period_start, pack.period_end, pack.period_label)
    made = int(pack.prepared_at.timestamp() * 1_000_000)  # a pack made again with the same id is another
    key = f"pack:draft:{pack.pk}:{made}:{pack.review_id}:{timezone.localdate(now).isoformat()}"
    return caching.cached(
        key,
        (PROCUREMENT, CONSULTATIONS, REVIEW_STATUS, PACK),
        lambda: caching.Until(build(period, review=pack.review, now=now), next_closing(now)),
        now=now,
    )
