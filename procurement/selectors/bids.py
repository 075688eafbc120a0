"""Reads for bids: the seal applies in every query touching bids (none is seen before the deadline, and the
audit trail tells nobody that a bid exists until the bids are opened)."""

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Cast
from django.utils import timezone

from .. import rules
from ..models import Award, Bid, Tender


def opened_bids(*, tender: Tender, user, now=None) -> QuerySet[Bid]:
    """Submitted bids the user may see (none before the deadline, whoever asks)."""
    return (
        Bid.objects.visible_to(user, now=now or timezone.now())
        .filter(tender=tender, status=Bid.Status.SUBMITTED)
        .select_related("supplier")
        .prefetch_related("commitments__indicator")
        .order_by("supplier__name")
    )


@dataclass(frozen=True)
class SupplierBid:
    bid: Bid
    outcome: str  # rules.bid_outcome: won, not successful, still open, withdrawn...


def supplier_bids(*, user, now=None) -> list[SupplierBid]:
    """The supplier's own bids, newest first, each with what became of it: one query however many."""
    now = now or timezone.now()
    bids = (
        Bid.objects.visible_to(user, now=now)
        .select_related("tender")
        .annotate(won=Exists(Award.objects.filter(bid=OuterRef("pk"))))
        .order_by("-updated_at", "-pk")
    )
    return [
        SupplierBid(
            bid=bid,
            outcome=rules.bid_outcome(
                bid_status=bid.status,
                tender_status=bid.tender.status,
                won=bid.won,
                deadline_passed=bid.tender.deadline <= now,
            ),
        )
        for bid in bids
    ]


def audit_events_unsealed(events: QuerySet) -> QuerySet:
    """Audit events without those about bids not yet opened (a bid's revisions): until the opening they would
    tell the council that a bid exists. Registered with the core's audit trail in apps.py."""
    opened = Bid.objects.opened().annotate(key=Cast("pk", CharField())).values("key")
    bid_type = ContentType.objects.get_for_model(Bid)
    return events.exclude(Q(target_type=bid_type) & ~Q(target_id__in=opened))
