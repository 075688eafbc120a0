"""Reads of the Social Value Model for pages: a fixed number of queries whatever the size of the model."""

from dataclasses import dataclass
from datetime import date
from itertools import groupby

from django.db.models import Count, Prefetch, QuerySet
from django.utils import timezone

from knowsley_sv import caching
from knowsley_sv.access import user_has_role
from knowsley_sv.roles import Role

from . import rules
from .models import (
    BoardMembership,
    Indicator,
    ModelReview,
    Organisation,
    Outcome,
    ReviewAction,
    SocialValueModel,
    current_membership_q,
)
from .topics import REVIEW_STATUS


def _with_outcomes(qs: QuerySet[SocialValueModel]) -> QuerySet[SocialValueModel]:
    return qs.prefetch_related(
        Prefetch(
            "outcomes",
            queryset=Outcome.objects.prefetch_related(
                Prefetch("indicators", queryset=Indicator.objects.order_by("code"))
            ),
        )
    )


def adopted_model() -> SocialValueModel | None:
    return _with_outcomes(SocialValueModel.objects.adopted().with_last_review()).first()


def model_in_force(*, on: date) -> SocialValueModel | None:
    """The version in force at the end of a day, with its outcomes and indicators (three queries)."""
    return _with_outcomes(SocialValueModel.objects.in_force(on).order_by("-adopted_at", "-version")).first()


def last_review(*, on: date) -> ModelReview | None:
    """The last review held on or before a day, with the version it reviewed and that version's outcomes and
    indicators (three queries)."""
    return (
        ModelReview.objects.filter(held_on__lte=on)
        .select_related("model")
        .prefetch_related(
            Prefetch("model__outcomes", queryset=Outcome.objects.order_by("number")),
            Prefetch("model__outcomes__indicators", queryset=Indicator.objects.order_by("code")),
        )
        .order_by("-held_on", "-id")
        .first()
    )


def model_version(*, version: int, user) -> SocialValueModel:
    """The version with its outcomes and indicators; raises DoesNotExist if the user may not see it."""
    return _with_outcomes(SocialValueModel.objects.visible_to(user).with_last_review()).get(version=version)


def model_versions_for(*, user) -> QuerySet[SocialValueModel]:
    return SocialValueModel.objects.visible_to(user).select_related("adopted_by").order_by("-version")


def outcomes_by_pillar(model: SocialValueModel) -> list[tuple[str, list[Outcome]]]:
    """The prefetched outcomes grouped under their pillar, in the pillars' order (no query)."""
    order = list(Outcome.Pillar.values)
    ordered = sorted(model.outcomes.all(), key=lambda o: (order.index(o.pillar), o.number))
    return [
        (Outcome.Pillar(pillar).label, list(group))
        for pillar, group in groupby(ordered, key=lambda o: o.pillar)
    ]


def model_snapshot(model: SocialValueModel) -> dict:
    """A prefetched version as the plain dict that rules.compare_versions reads (no query)."""
    return {
        "title": model.title,
        "statement": model.statement,
        "outcomes": {
            o.number: {
                **{f: getattr(o, f) for f in rules.OUTCOME_FIELDS},
                "indicators": {
                    i.code: {"name": i.name, **{f: getattr(i, f) for f in rules.INDICATOR_FIELDS}}
                    for i in o.indicators.all()
                },
            }
            for o in model.outcomes.all()
        },
    }


def version_changes(*, base: SocialValueModel, after: SocialValueModel) -> dict:
    """What a later version changes from a base version (rules.compare_versions), both prefetched (no query):
    a draft against the adopted version, or the version in force now against the one last reviewed."""
    return rules.compare_versions(base=model_snapshot(base), draft=model_snapshot(after))


@dataclass(frozen=True)
class ReviewStatus:
    model: SocialValueModel | None
    due_on: date | None
    overdue: bool


def review_status(today: date | None = None) -> ReviewStatus:
    """When the adopted model's annual review is due, and whether it is overdue (one query)."""
    today = today or timezone.localdate()
    model = SocialValueModel.objects.adopted().with_last_review().first()
    due_on = model.review_due_on() if model else None
    return ReviewStatus(
        model=model, due_on=due_on, overdue=rules.is_review_overdue(due_on=due_on, today=today)
    )


def cached_review_status(today: date | None = None) -> ReviewStatus:
    """review_status(), from the shared cache (one round trip): the banner every board member's page shows.
    A write to the adopted model or its reviews (a version adopted, a review recorded) makes it stale."""
    today = today or timezone.localdate()
    return caching.cached(
        f"outcomes:review-status:{today.isoformat()}", [REVIEW_STATUS], lambda: review_status(today=today)
    )


def review_banner(user) -> dict:
    """Every page's context (knowsley_sv.context_processors.register): the review status for the board's
    review-overdue banner; None for everyone else."""
    return {"review_status": cached_review_status() if user_has_role(user, Role.BOARD_MEMBER) else None}


def reviews() -> QuerySet[ModelReview]:
    return (
        ModelReview.objects.select_related("model", "recorded_by")
        .annotate(n_attendees=Count("attendees"))
        .order_by("-held_on", "-id")
    )


def review_detail(pk: int) -> ModelReview:
    return (
        ModelReview.objects.select_related("model", "recorded_by")
        .prefetch_related(
            "attendees", "consultations", Prefetch("actions", ReviewAction.objects.select_related("owner"))
        )
        .get(pk=pk)
    )


def organisations(*, sector: str = "", query: str = "") -> QuerySet[Organisation]:
    """Organisations with their number of current board members, filtered by sector and name."""
    qs = Organisation.objects.select_related("ward").annotate(
        n_board_members=Count("board_memberships", filter=current_membership_q("board_memberships__"))
    )
    qs = qs.order_by("name")
    if sector:
        qs = qs.filter(sector=sector)
    if query:
        qs = qs.filter(name__icontains=query.strip())
    return qs


def organisation_detail(pk: int) -> Organisation:
    return (
        Organisation.objects.select_related("ward")
        .prefetch_related(
            Prefetch(
                "board_memberships",
                queryset=BoardMembership.objects.select_related("person").order_by("ended_on", "-started_on"),
            )
        )
        .get(pk=pk)
    )


def draft_model() -> SocialValueModel | None:
    return SocialValueModel.objects.filter(status=SocialValueModel.Status.DRAFT).first()
