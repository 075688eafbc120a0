"""Reads for tender pages: everyone sees published tenders (and what became of them), commissioners drafts
too. Fixed query counts."""

from django.db.models import Prefetch, Q, QuerySet

from knowsley_sv.access import user_has_role
from knowsley_sv.roles import Role

from .. import scoring
from ..models import OfferedIndicator, OutcomeShare, QualityCriterion, Tender

PUBLIC_STATUSES = [
    Tender.Status.PUBLISHED,
    Tender.Status.CLOSED,
    Tender.Status.EVALUATING,
    Tender.Status.AWARDED,
    Tender.Status.CANCELLED,
]


def tenders_visible_to(user) -> QuerySet[Tender]:
    """Everyone sees published tenders (and what became of them); commissioners also see drafts."""
    qs = Tender.objects.all()
    if user_has_role(user, Role.COMMISSIONER):
        return qs
    return qs.filter(status__in=PUBLIC_STATUSES, published_at__isnull=False)


def tender_list(*, user, status: str = "", query: str = "") -> QuerySet[Tender]:
    qs = tenders_visible_to(user).select_related("model").order_by("deadline", "reference")
    if status:
        qs = qs.filter(status=status)
    if query:
        query = query.strip()
        qs = qs.filter(
            Q(title__icontains=query) | Q(reference__icontains=query) | Q(service_area__icontains=query)
        )
    return qs


def tender_detail(*, reference: str, user) -> Tender:
    return (
        tenders_visible_to(user)
        .select_related("model")
        .prefetch_related(
            "scale",
            Prefetch("criteria", queryset=QualityCriterion.objects.order_by("number")),
            Prefetch(
                "shares", queryset=OutcomeShare.objects.select_related("outcome").order_by("outcome__number")
            ),
            Prefetch(
                "offered_indicators",
                queryset=OfferedIndicator.objects.select_related("indicator__outcome").order_by(
                    "indicator__outcome__number", "indicator__code"
                ),
            ),
        )
        .get(reference=reference)
    )


def social_value_sections(tender: Tender) -> list[dict]:
    """Per outcome with a share: the share, its points of the total and the indicators offered (no query)."""
    offered = {}
    for item in tender.offered_indicators.all():
        offered.setdefault(item.indicator.outcome_id, []).append(item)
    return [
        {
            "outcome": s.outcome,
            "share": s.share,
            "points": scoring.social_value_points(tender.social_value_weight, s.share),
            "indicators": offered.get(s.outcome_id, []),
        }
        for s in tender.shares.all()
        if s.share > 0
    ]
