"""Writes for tenders: the builder (details, weights, scale, criteria, split), publication, withdrawal and
cancellation. Each runs in one transaction with its audit row, against the tender row locked for update."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone

from knowsley_sv import caching, formatting
from knowsley_sv.audit import audit_record
from knowsley_sv.models import User
from outcomes.models import Indicator, SocialValueModel

from .. import rules
from ..models import OfferedIndicator, OutcomeShare, QualityCriterion, ScoringScalePoint, Tender

NOT_A_DRAFT = (
    "Tender {reference} is {status}: its weights, criteria and split cannot change. "
    "Withdraw it to draft first."
)
NO_ADOPTED_MODEL = "There is no adopted Social Value Model to build a tender on."
ONLY_PUBLISHED_WITHDRAW = "Only a published tender can be withdrawn to draft."
WITHDRAW_AFTER_DEADLINE = "The deadline has passed, so the tender can no longer be withdrawn to draft."
ALREADY_CANCELLED = "This tender is already cancelled."
CANNOT_CANCEL_AWARDED = "An awarded tender cannot be cancelled."
REASON_REQUIRED = "Enter the reason."


def _tender_snapshot(tender: Tender) -> dict:
    return {
        "status": tender.status,
        "weights": [tender.price_weight, tender.quality_weight, tender.social_value_weight],
        "price_formula": tender.price_formula,
        "deadline": tender.deadline,
        "criteria": [(c.number, c.title, c.weight, c.minimum_score) for c in tender.criteria.all()],
        "split": {s.outcome.number: s.share for s in tender.shares.select_related("outcome")},
        "indicators": sorted(
            (o.indicator.code, o.target) for o in tender.offered_indicators.select_related("indicator")
        ),
    }


def locked_tender(tender: Tender) -> Tender:
    return Tender.objects.select_for_update().get(pk=tender.pk)


def _require_draft(tender: Tender) -> None:
    if not tender.is_draft:
        raise ValidationError(
            NOT_A_DRAFT.format(reference=tender.reference, status=tender.get_status_display().lower()),
            code="not_draft",
        )


def _check_fields(fields: dict) -> None:
    """A deadline must be in the future (a past one would unseal bids), and weights are refused with
    their figures named, before the database constraints are reached."""
    problems = {}
    if "deadline" in fields and fields["deadline"] <= timezone.now():
        problems["deadline"] = rules.DEADLINE_PASSED.format(deadline=formatting.moment(fields["deadline"]))
    weights = ("price_weight", "quality_weight", "social_value_weight")
    if all(name in fields for name in weights):
        found = rules.weight_problems(
            price=fields["price_weight"],
            quality=fields["quality_weight"],
            social_value=fields["social_value_weight"],
            justification=fields.get("social_value_justification", ""),
        )
        if found:
            problems["price_weight"] = found
    if problems:
        raise ValidationError(problems)


def next_reference(now=None) -> str:
    year = (now or timezone.now()).year
    prefix = f"KSV-{year}-"
    last = Tender.objects.filter(reference__startswith=prefix).aggregate(m=Max("reference"))["m"]
    number = int(last.removeprefix(prefix)) + 1 if last else 1
    return f"{prefix}{number:04d}"


@transaction.atomic
def tender_create(*, by: User, **fields) -> Tender:
    """A draft tender on the adopted model, with the default scoring scale and the model's default split."""
    model = SocialValueModel.objects.adopted().first()
    if model is None:
        raise ValidationError(NO_ADOPTED_MODEL)
    _check_fields(fields)
    tender = Tender(reference=next_reference(), model=model, **fields)
    tender.full_clean()
    tender.save()
    tender.commissioners.add(by)
    ScoringScalePoint.objects.bulk_create(
        ScoringScalePoint(tender=tender, value=v, label=label, descriptor=d)
        for v, label, d in rules.default_scoring_scale()
    )
    OutcomeShare.objects.bulk_create(
        OutcomeShare(tender=tender, outcome=o, share=o.default_share) for o in model.outcomes.all()
    )
    audit_record(actor=by, action="tender.create", target=tender, after=_tender_snapshot(tender))
    caching.changed(Tender, Tender.commissioners.through, ScoringScalePoint, OutcomeShare)
    return tender


@transaction.atomic
def tender_update(*, tender: Tender, by: User, **fields) -> Tender:
    """Details, weights, price formula or deadline of a draft. A tender once published (then withdrawn)
    keeps bids, so its deadline may only move later; the change is in the audit row's before and after."""
    tender = locked_tender(tender)
    _require_draft(tender)
    _check_fields(fields)
    if "deadline" in fields:
        moved = rules.deadline_change_problems(
            before=tender.deadline, after=fields["deadline"], ever_published=tender.published_at is not None
        )
        if moved:
            raise ValidationError({"deadline": moved})
    before = _tender_snapshot(tender)
    for name, value in fields.items():
        setattr(tender, name, value)
    tender.full_clean()
    tender.save()
    audit_record(
        actor=by, action="tender.update", target=tender, before=before, after=_tender_snapshot(tender)
    )
    caching.changed(Tender)
    return tender


@transaction.atomic
def scale_set(*, tender: Tender, scale: str, by: User) -> Tender:
    """Replace the scoring scale with one of rules.SCORING_SCALES (drafts only)."""
    tender = locked_tender(tender)
    _require_draft(tender)
    before = list(tender.scale.values_list("value", "label"))
    tender.scale.all().delete()
    ScoringScalePoint.objects.bulk_create(
        ScoringScalePoint(tender=tender, value=v, label=label, descriptor=d)
        for v, label, d in rules.SCORING_SCALES[scale][1]()
    )
    audit_record(
        actor=by, action="tender.scale", target=tender, before={"scale": before}, after={"scale": scale}
    )
    caching.changed(ScoringScalePoint)
    return tender


def scale_choice_of(tender: Tender) -> str:
    values = list(tender.scale.values_list("value", flat=True))
    for key, (_, points) in rules.SCORING_SCALES.items():
        if values == [v for v, _, _ in points()]:
            return key
    return ""


@transaction.atomic
def criteria_set(*, tender: Tender, criteria: list[dict], by: User) -> Tender:
    """Replace the quality criteria: [{"title", "question", "weight", "minimum_score"}, ...] in order."""
    tender = locked_tender(tender)
    _require_draft(tender)
    before = _tender_snapshot(tender)
    tender.criteria.all().delete()
    for number, data in enumerate(criteria, start=1):
        criterion = QualityCriterion(tender=tender, number=number, **data)
        criterion.full_clean()
        criterion.save()
    audit_record(
        actor=by, action="tender.criteria", target=tender, before=before, after=_tender_snapshot(tender)
    )
    caching.changed(QualityCriterion)
    return tender


@transaction.atomic
def split_set(
    *, tender: Tender, shares: dict[int, int], offered: dict[int, Decimal | None], by: User
) -> Tender:
    """Set the social value split (outcome number -> %) and offered indicators (indicator id -> target)."""
    tender = locked_tender(tender)
    _require_draft(tender)
    before = _tender_snapshot(tender)
    outcomes = {o.number: o for o in tender.model.outcomes.all()}
    indicators = Indicator.objects.filter(outcome__model=tender.model, pk__in=offered)
    if len(indicators) != len(offered):
        raise ValidationError("Choose indicators from the tender's version of the model.")
    tender.shares.all().delete()
    OutcomeShare.objects.bulk_create(
        OutcomeShare(tender=tender, outcome=outcomes[n], share=shares.get(n, 0)) for n in sorted(outcomes)
    )
    tender.offered_indicators.all().delete()
    OfferedIndicator.objects.bulk_create(
        OfferedIndicator(tender=tender, indicator=i, target=offered[i.pk]) for i in indicators
    )
    audit_record(
        actor=by, action="tender.split", target=tender, before=before, after=_tender_snapshot(tender)
    )
    caching.changed(OutcomeShare, OfferedIndicator)
    return tender


def minimum_tender_period_days(procedure: str = "open") -> int:
    return settings.MINIMUM_TENDER_PERIOD_DAYS[procedure]


def tender_publication_problems(tender: Tender, now=None) -> list[str]:
    return [problem for problems in tender_problems_by_step(tender, now).values() for problem in problems]


def tender_problems_by_step(tender: Tender, now=None) -> dict[str, list[str]]:
    """What stops publication, under the builder step that puts it right (in the order problems are read)."""
    shares = dict(tender.shares.values_list("outcome__number", "share"))
    offered = dict(
        tender.offered_indicators.values("indicator__outcome__number")
        .annotate(n=Count("id"))
        .values_list("indicator__outcome__number", "n")
    )
    return rules.problems_by_step(
        price=tender.price_weight,
        quality=tender.quality_weight,
        social_value=tender.social_value_weight,
        justification=tender.social_value_justification,
        criterion_weights=list(tender.criteria.values_list("weight", flat=True)),
        shares=shares,
        indicators_offered=offered,
        deadline=tender.deadline,
        now=now or timezone.now(),
        minimum_days=minimum_tender_period_days(),
    )


@transaction.atomic
def tender_publish(*, tender: Tender, by: User, now=None) -> Tender:
    """Publish (or republish after a withdrawal): the tendering period is counted from now."""
    now = now or timezone.now()
    tender = locked_tender(tender)
    _require_draft(tender)
    problems = tender_publication_problems(tender, now=now)
    if problems:
        raise ValidationError(problems, code="not_publishable")
    tender.status, tender.published_at = Tender.Status.PUBLISHED, now
    tender.save(update_fields=["status", "published_at"])
    audit_record(actor=by, action="tender.publish", target=tender, after=_tender_snapshot(tender))
    caching.changed(Tender)
    return tender


@transaction.atomic
def tender_withdraw(*, tender: Tender, reason: str, by: User) -> Tender:
    """Back to draft before the deadline, with a recorded reason; submitted bids stay sealed and kept."""
    tender = locked_tender(tender)
    if tender.status != Tender.Status.PUBLISHED:
        raise ValidationError(ONLY_PUBLISHED_WITHDRAW)
    if tender.deadline_passed():
        raise ValidationError(WITHDRAW_AFTER_DEADLINE)
    if not reason.strip():
        raise ValidationError({"reason": REASON_REQUIRED})
    tender.status = Tender.Status.DRAFT
    tender.save(update_fields=["status"])
    audit_record(actor=by, action="tender.withdraw", target=tender, after={"reason": reason.strip()})
    caching.changed(Tender)
    return tender


@transaction.atomic
def tender_cancel(*, tender: Tender, reason: str, by: User) -> Tender:
    tender = locked_tender(tender)
    if tender.status == Tender.Status.CANCELLED:
        raise ValidationError(ALREADY_CANCELLED)
    if tender.status == Tender.Status.AWARDED:
        raise ValidationError(CANNOT_CANCEL_AWARDED)
    if not reason.strip():
        raise ValidationError({"reason": REASON_REQUIRED})
    before = {"status": tender.status}
    tender.status, tender.cancelled_at = Tender.Status.CANCELLED, timezone.now()
    tender.save(update_fields=["status", "cancelled_at"])
    audit_record(
        actor=by, action="tender.cancel", target=tender, before=before, after={"reason": reason.strip()}
    )
    caching.changed(Tender)
    return tender
