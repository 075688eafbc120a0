"""Reads of the board's review packs: the lists, and a pack's figures (live while a draft, as stored once
frozen, less what is not public for everyone)."""

from datetime import date

from django.db.models import Max, QuerySet

from outcomes.models import ModelReview

from ..models import ReviewPack
from ..pack import snapshot
from ..pack.build import build
from ..pack.period import Period


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
    if pack.is_draft:
        built = build(Period(pack.period_start, pack.period_end, pack.period_label), review=pack.review)
    else:
        built = snapshot.load(pack.content)
    return built.public() if public else built
