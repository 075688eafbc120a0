"""Writes for bids: a supplier's one active bid, saved and submitted only before the deadline (checked in
the same transaction as the write, against the tender row locked for update), withdrawn, and opened by the
council after the deadline."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from knowsley_sv import caching, formatting
from knowsley_sv.audit import audit_record
from knowsley_sv.models import User
from outcomes.models import Indicator

from .. import rules
from ..models import Bid, Commitment, MethodStatement, OfferedIndicator, QualityAnswer, Tender
from .suppliers import NOT_YOUR_ORGANISATION, supplier_of
from .tenders import locked_tender

NOT_OPEN_FOR_BIDS = "This tender is not open for bids."
LATE = (
    "The deadline was {deadline}. Bids can no longer be submitted or changed; what you saved before is kept."
)
BID_WITHDRAWN = "This bid was withdrawn. Start a new bid to take part."
NOT_OPENABLE = "The tender is {status}, so its bids cannot be opened."
BIDS_SEALED = "Bids stay sealed until the deadline, {deadline}."


@dataclass
class BidContent:
    price: Decimal | None
    answers: dict[int, str] = field(default_factory=dict)  # criterion id -> text
    methods: dict[int, str] = field(default_factory=dict)  # outcome id -> text
    commitments: dict[int, Decimal] = field(default_factory=dict)  # indicator id -> quantity


def _open_tender_for_bids(tender: Tender, now) -> Tender:
    tender = Tender.objects.select_for_update().get(pk=tender.pk)
    if tender.status != Tender.Status.PUBLISHED:
        raise ValidationError(NOT_OPEN_FOR_BIDS, code="not_open")
    if tender.deadline_passed(now):
        raise ValidationError(LATE.format(deadline=formatting.moment(tender.deadline)), code="late")
    return tender


@transaction.atomic
def bid_save(*, tender: Tender, by: User, content: BidContent, submit: bool = False, now=None) -> Bid:
    """Save (and optionally submit) the supplier's one active bid, only before the deadline. A submitted bid
    stays submitted: every save of it is a resubmission (submitted_at moves to `now`, a bid.revise audit
    row holds the changed fields before and after), and a save that changes nothing leaves it as it was."""
    now = now or timezone.now()
    tender = _open_tender_for_bids(tender, now)
    supplier = supplier_of(by)
    offered = {
        o.indicator_id: o.indicator.code
        for o in OfferedIndicator.objects.filter(tender=tender).select_related("indicator")
    }
    bid = Bid.objects.select_for_update().filter(tender=tender, supplier=supplier).active().first()
    if bid is None:
        bid = Bid(tender=tender, supplier=supplier)
    final = submit or bid.status == Bid.Status.SUBMITTED  # a submitted bid stays complete when revised
    unknown = set(content.commitments) - set(offered)
    codes = {**dict(Indicator.objects.filter(pk__in=unknown).values_list("pk", "code")), **offered}
    problems = rules.bid_problems(
        price=content.price,
        commitments=[(codes.get(i, f"#{i}"), q) for i, q in content.commitments.items()],
        offered_codes=set(offered.values()),
    )
    if content.price is None and not final:
        problems.pop("price", None)  # a draft may be saved before the price is known
    if problems:
        raise ValidationError(problems)
    revising = bid.status == Bid.Status.SUBMITTED
    before = _bid_snapshot(bid) if revising else {}
    bid.price = content.price
    if final and not revising:
        bid.status, bid.submitted_at = Bid.Status.SUBMITTED, now
    bid.full_clean(validate_constraints=False)
    bid.save()
    _replace_content(bid, tender, content)
    caching.changed(Bid, QualityAnswer, MethodStatement, Commitment)
    if revising:
        changed_before, changed_after = rules.revision_changes(before, _bid_snapshot(bid))
        if not changed_after:
            return bid  # nothing changed: the bid submitted before stands, at its time
        # The last submitted version counts. The row targets the bid, and the audit trail shows it to
        # nobody until the bids are opened (apps.py): before that it would reveal that a bid exists.
        audit_record(actor=by, action="bid.revise", target=bid, before=changed_before, after=changed_after)
        bid.submitted_at = now
        bid.save(update_fields=["submitted_at", "updated_at"])
    return bid


def _bid_snapshot(bid: Bid) -> dict:
    """A bid's content by what suppliers read: Q1, outcome 3, indicator 1.1."""
    return {
        "price": None if bid.price is None else f"{bid.price:.2f}",
        "answers": {
            f"Q{a.criterion.number}": a.text for a in bid.quality_answers.select_related("criterion")
        },
        "methods": {
            f"outcome {m.outcome.number}": m.text for m in bid.method_statements.select_related("outcome")
        },
        "commitments": {
            c.indicator.code: f"{c.quantity:.2f}" for c in bid.commitments.select_related("indicator")
        },
    }


def _replace_content(bid: Bid, tender: Tender, content: BidContent) -> None:
    criteria = set(tender.criteria.values_list("pk", flat=True))
    outcomes = set(tender.shares.filter(share__gt=0).values_list("outcome_id", flat=True))
    bid.quality_answers.all().delete()
    QualityAnswer.objects.bulk_create(
        QualityAnswer(bid=bid, criterion_id=c, text=t)
        for c, t in content.answers.items()
        if c in criteria and t.strip()
    )
    bid.method_statements.all().delete()
    MethodStatement.objects.bulk_create(
        MethodStatement(bid=bid, outcome_id=o, text=t)
        for o, t in content.methods.items()
        if o in outcomes and t.strip()
    )
    bid.commitments.all().delete()
    Commitment.objects.bulk_create(
        Commitment(bid=bid, indicator_id=i, quantity=q) for i, q in content.commitments.items()
    )


@transaction.atomic
def bid_withdraw(*, bid: Bid, by: User, now=None) -> Bid:
    now = now or timezone.now()
    _open_tender_for_bids(bid.tender, now)
    if supplier_of(by).pk != bid.supplier_id:
        raise ValidationError(NOT_YOUR_ORGANISATION)
    bid = Bid.objects.select_for_update().get(pk=bid.pk)
    if bid.status == Bid.Status.WITHDRAWN:
        raise ValidationError(BID_WITHDRAWN)
    bid.status, bid.withdrawn_at = Bid.Status.WITHDRAWN, now
    bid.save(update_fields=["status", "withdrawn_at", "updated_at"])
    caching.changed(Bid)
    return bid


@transaction.atomic
def bids_open(*, tender: Tender, by: User, now=None) -> Tender:
    """After the deadline: the tender closes and the opening (who, when, how many) is recorded once."""
    now = now or timezone.now()
    tender = locked_tender(tender)
    if tender.status in Tender.OPENED_STATUSES:
        return tender
    if tender.status != Tender.Status.PUBLISHED:
        raise ValidationError(NOT_OPENABLE.format(status=tender.get_status_display().lower()))
    if not tender.deadline_passed(now):
        raise ValidationError(BIDS_SEALED.format(deadline=formatting.moment(tender.deadline)))
    if tender.status == Tender.Status.PUBLISHED:
        tender.status = Tender.Status.CLOSED
        tender.save(update_fields=["status"])
        count = Bid.objects.filter(tender=tender, status=Bid.Status.SUBMITTED).count()
        audit_record(actor=by, action="tender.open_bids", target=tender, after={"submitted_bids": count})
        caching.changed(Tender)
    return tender
