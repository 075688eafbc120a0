"""Writes for the award (DESIGN §5.4–5.5): the decision, frozen with the evaluation's figures, and the
award notice that starts the standstill."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from knowsley_sv import caching, formatting
from knowsley_sv.audit import audit_record
from knowsley_sv.models import User
from knowsley_sv.notifications import Message, notify_each

from .. import rules
from ..models import Award, Bid, SupplierMember, Tender
from ..selectors.evaluation import evaluation
from .evaluation import NOT_A_BID_HERE, evaluating_tender
from .tenders import locked_tender

AWARDED_ALREADY = "This tender has already been awarded."
MODERATION_INCOMPLETE = "Moderate every line of every bid before the award: {count} still to moderate."
NOT_COMPLIANT = "That bid is not compliant, so it cannot be awarded: {reasons}"
AWARD_REASON_REQUIRED = "Enter the reason for awarding a bid that is not the top-ranked one."
TIE_REASON_REQUIRED = "The top-ranked bids are tied: enter the reason for choosing this one."
NOT_AWARDED = "The tender has not been awarded yet."
NOTICE_ALREADY = "The award notice was published on {day}."


def _results_snapshot(evaluation) -> dict:
    """The evaluation as JSON, frozen with the award: the figures every summary shows."""
    return {
        "lines": [
            {
                "key": line.key,
                "label": line.label,
                "short": line.short,
                "points": str(line.points),
                "minimum": line.minimum,
            }
            for line in evaluation.lines
        ],
        "bids": {
            str(b.pk): {
                "supplier": b.supplier.name,
                "price": str(b.price),
                "price_score": str(r.price_score),
                "quality": str(r.quality),
                "social_value": str(r.social_value),
                "total": str(r.total),
                "rank": r.rank,
                "tied": r.tied,
                "failures": r.failures,
                "committed": str(evaluation.committed[b.pk]),
                "lines": {
                    line.key: {
                        "score": evaluation.moderated[(b.pk, line.key)].value,
                        "weighted": str(r.weighted[line.key]),
                        "reason": evaluation.moderated[(b.pk, line.key)].rationale,
                    }
                    for line in evaluation.lines
                },
            }
            for b, r in evaluation.ranked()
        },
    }


def award_check(*, evaluation, bid: Bid, reason: str):
    """The award's rules, checked before the commissioner confirms it and again when it is made: the
    chosen bid's result, or a ValidationError saying what stands in the way."""
    if not evaluation.complete:
        raise ValidationError(MODERATION_INCOMPLETE.format(count=evaluation.outstanding or "every bid"))
    chosen = evaluation.results.get(bid.pk)
    if chosen is None:
        raise ValidationError({"bid": NOT_A_BID_HERE})
    if not chosen.compliant:
        raise ValidationError({"bid": NOT_COMPLIANT.format(reasons=" ".join(chosen.failures))})
    if chosen.rank != 1 and not reason.strip():
        raise ValidationError({"reason": AWARD_REASON_REQUIRED})
    if chosen.tied and chosen.rank == 1 and not reason.strip():
        raise ValidationError({"reason": TIE_REASON_REQUIRED})
    return chosen


@transaction.atomic
def award(*, tender: Tender, bid: Bid, by: User, reason: str = "", now=None) -> Award:
    """Award the top-ranked compliant bid, or another compliant one with a recorded reason."""
    locked = locked_tender(tender)
    if locked.status == Tender.Status.AWARDED or Award.objects.filter(tender=locked).exists():
        raise ValidationError(AWARDED_ALREADY, code="awarded")
    tender = evaluating_tender(locked)
    result = evaluation(tender)
    reason = reason.strip()
    chosen = award_check(evaluation=result, bid=bid, reason=reason)
    now = now or timezone.now()
    snapshot = _results_snapshot(result)
    made = Award.objects.create(
        tender=tender, bid=bid, reason=reason, results=snapshot, awarded_by=by, awarded_at=now
    )
    tender.status = Tender.Status.AWARDED
    tender.save(update_fields=["status"])
    audit_record(
        actor=by,
        action="award.decide",
        target=tender,
        after={
            "bid": bid.pk,
            "supplier": bid.supplier.name,
            "rank": chosen.rank,
            "total": str(chosen.total),
            "reason": reason,
        },
    )
    caching.changed(Award, Tender)
    return made


def bank_holidays():
    """England and Wales bank holidays (the `holidays` package; it works out any year asked about)."""
    import holidays

    return holidays.country_holidays("GB", subdiv="ENG")


@transaction.atomic
def award_notice_publish(*, tender: Tender, by: User, now=None) -> Award:
    """Publishing the award notice starts the standstill: 8 working days beginning with today."""
    now = now or timezone.now()
    award = Award.objects.select_for_update().filter(tender=tender).first()
    if award is None:
        raise ValidationError(NOT_AWARDED)
    if award.notice_published_at:
        raise ValidationError(
            NOTICE_ALREADY.format(day=f"{timezone.localtime(award.notice_published_at):%-d %B %Y}")
        )
    award.notice_published_at = now
    award.standstill_ends = rules.standstill_end(timezone.localdate(now), bank_holidays())
    award.save(update_fields=["notice_published_at", "standstill_ends"])
    audit_record(
        actor=by,
        action="award.notice",
        target=tender,
        after={"published": now.isoformat(), "standstill_ends": award.standstill_ends.isoformat()},
    )
    caching.changed(Award)
    _tell_bidders(tender, award)
    return award


def _tell_bidders(tender: Tender, award: Award) -> None:
    """Every member of each organisation that bid hears the decision, with a link to its own assessment
    summary and the standstill's end (three queries whatever the number of bids)."""
    bids = {b.supplier_id: b for b in Bid.objects.filter(tender=tender, status=Bid.Status.SUBMITTED)}
    members = SupplierMember.objects.filter(organisation_id__in=list(bids)).select_related("user")
    ends = formatting.day(award.standstill_ends, weekday=True)
    notify_each(
        "award_decision",
        [
            Message(
                member.user,
                f"The award decision for {tender.reference}",
                (
                    f"The council has decided who wins {tender.reference}: {tender.title}. Your assessment "
                    "summary says how your bid scored against each criterion and why.\n\n"
                    f"The standstill period ends on {ends}. The contract is not entered into before it "
                    "has ended."
                ),
                reverse("procurement:summary", args=[tender.reference, bids[member.organisation_id].pk]),
            )
            for member in members
        ],
    )
