"""Writes for tenders and bids. Each runs in one transaction with its audit row; the deadline is checked
in the same transaction as a bid's write, against the tender row locked for update."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone

from knowsley_sv.audit import audit_record
from knowsley_sv.models import User
from outcomes.models import Indicator, Organisation, SocialValueModel

from . import rules
from .models import (
    Bid,
    Commitment,
    MethodStatement,
    OfferedIndicator,
    OutcomeShare,
    QualityAnswer,
    QualityCriterion,
    ScoringScalePoint,
    SupplierMember,
    Tender,
)

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
NOT_OPEN_FOR_BIDS = "This tender is not open for bids."
LATE = (
    "The deadline was {deadline}. Bids can no longer be submitted or changed; what you saved before is kept."
)
BID_WITHDRAWN = "This bid was withdrawn. Start a new bid to take part."
NOT_YOUR_ORGANISATION = "You can only bid for your own organisation."
NOT_OPENABLE = "The tender is {status}, so its bids cannot be opened."
BIDS_SEALED = "Bids stay sealed until the deadline, {deadline}."


def _deadline_text(tender: Tender) -> str:
    return f"{timezone.localtime(tender.deadline):%-d %B %Y at %-I:%M%p}".replace("AM", "am").replace(
        "PM", "pm"
    )


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


def _locked(tender: Tender) -> Tender:
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
        problems["deadline"] = rules.DEADLINE_PASSED.format(
            deadline=rules.format_deadline(fields["deadline"])
        )
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
    return tender


@transaction.atomic
def tender_update(*, tender: Tender, by: User, **fields) -> Tender:
    """Details, weights, price formula or deadline of a draft."""
    tender = _locked(tender)
    _require_draft(tender)
    _check_fields(fields)
    before = _tender_snapshot(tender)
    for name, value in fields.items():
        setattr(tender, name, value)
    tender.full_clean()
    tender.save()
    audit_record(
        actor=by, action="tender.update", target=tender, before=before, after=_tender_snapshot(tender)
    )
    return tender


@transaction.atomic
def scale_set(*, tender: Tender, scale: str, by: User) -> Tender:
    """Replace the scoring scale with one of rules.SCORING_SCALES (drafts only)."""
    tender = _locked(tender)
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
    tender = _locked(tender)
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
    return tender


@transaction.atomic
def split_set(
    *, tender: Tender, shares: dict[int, int], offered: dict[int, Decimal | None], by: User
) -> Tender:
    """Set the social value split (outcome number -> %) and offered indicators (indicator id -> target)."""
    tender = _locked(tender)
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
    return tender


def tender_publication_problems(tender: Tender, now=None) -> list[str]:
    shares = dict(tender.shares.values_list("outcome__number", "share"))
    offered = dict(
        tender.offered_indicators.values("indicator__outcome__number")
        .annotate(n=Count("id"))
        .values_list("indicator__outcome__number", "n")
    )
    return rules.publication_problems(
        price=tender.price_weight,
        quality=tender.quality_weight,
        social_value=tender.social_value_weight,
        justification=tender.social_value_justification,
        criterion_weights=list(tender.criteria.values_list("weight", flat=True)),
        shares=shares,
        indicators_offered=offered,
        deadline=tender.deadline,
        now=now or timezone.now(),
    )


@transaction.atomic
def tender_publish(*, tender: Tender, by: User) -> Tender:
    tender = _locked(tender)
    _require_draft(tender)
    problems = tender_publication_problems(tender)
    if problems:
        raise ValidationError(problems, code="not_publishable")
    tender.status, tender.published_at = Tender.Status.PUBLISHED, timezone.now()
    tender.save(update_fields=["status", "published_at"])
    audit_record(actor=by, action="tender.publish", target=tender, after=_tender_snapshot(tender))
    return tender


@transaction.atomic
def tender_withdraw(*, tender: Tender, reason: str, by: User) -> Tender:
    """Back to draft before the deadline, with a recorded reason; submitted bids stay sealed and kept."""
    tender = _locked(tender)
    if tender.status != Tender.Status.PUBLISHED:
        raise ValidationError(ONLY_PUBLISHED_WITHDRAW)
    if tender.deadline_passed():
        raise ValidationError(WITHDRAW_AFTER_DEADLINE)
    if not reason.strip():
        raise ValidationError({"reason": REASON_REQUIRED})
    tender.status = Tender.Status.DRAFT
    tender.save(update_fields=["status"])
    audit_record(actor=by, action="tender.withdraw", target=tender, after={"reason": reason.strip()})
    return tender


@transaction.atomic
def tender_cancel(*, tender: Tender, reason: str, by: User) -> Tender:
    tender = _locked(tender)
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
    return tender


# --- Bids ---------------------------------------------------------------------------------------------
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
        raise ValidationError(LATE.format(deadline=_deadline_text(tender)), code="late")
    return tender


@transaction.atomic
def supplier_register(
    *,
    first_name,
    last_name,
    email,
    username,
    password,
    organisation,
    sector,
    size,
    postcode="",
    is_local=False,
) -> User:
    """A new supplier organisation with its first user, who gets the Supplier role."""
    from django.contrib.auth.models import Group

    from knowsley_sv.roles import Role

    org = Organisation(
        name=organisation,
        sector=sector,
        size=size,
        postcode=postcode.strip().upper(),
        is_local=is_local,
        local_basis=Organisation.LocalBasis.DECLARATION if is_local else "",
    )
    org.full_clean()
    org.save()
    user = User(username=username, first_name=first_name, last_name=last_name, email=email)
    user.set_password(password)
    user.full_clean()
    user.save()
    user.groups.add(Group.objects.get(name=Role.SUPPLIER))
    SupplierMember.objects.create(user=user, organisation=org)
    audit_record(actor=user, action="supplier.register", target=org, after={"user": user.pk})
    return user


@transaction.atomic
def supplier_add_user(*, by: User, first_name, last_name, email, username, password) -> User:
    """A colleague's account for the same supplier organisation, with the Supplier role."""
    from django.contrib.auth.models import Group

    from knowsley_sv.roles import Role

    organisation = supplier_of(by)
    user = User(username=username, first_name=first_name, last_name=last_name, email=email)
    user.set_password(password)
    user.full_clean()
    user.save()
    user.groups.add(Group.objects.get(name=Role.SUPPLIER))
    SupplierMember.objects.create(user=user, organisation=organisation)
    audit_record(actor=by, action="supplier.add_user", target=organisation, after={"user": user.pk})
    return user


def supplier_of(user: User) -> Organisation:
    member = SupplierMember.objects.select_related("organisation").filter(user=user).first()
    if member is None:
        raise ValidationError(NOT_YOUR_ORGANISATION)
    return member.organisation


@transaction.atomic
def bid_save(*, tender: Tender, by: User, content: BidContent, submit: bool = False, now=None) -> Bid:
    """Save (and optionally submit) the supplier's one active bid, only before the deadline."""
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
    bid.price = content.price
    if final:
        bid.status, bid.submitted_at = Bid.Status.SUBMITTED, now
    bid.full_clean(validate_constraints=False)
    bid.save()
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
    # Suppliers' own actions are not in the council's audit trail: it would reveal that a bid exists.
    return bid


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
    return bid


@transaction.atomic
def bids_open(*, tender: Tender, by: User, now=None) -> Tender:
    """After the deadline: the tender closes and the opening (who, when, how many) is recorded once."""
    now = now or timezone.now()
    tender = _locked(tender)
    if tender.status in Tender.OPENED_STATUSES:
        return tender
    if tender.status != Tender.Status.PUBLISHED:
        raise ValidationError(NOT_OPENABLE.format(status=tender.get_status_display().lower()))
    if not tender.deadline_passed(now):
        raise ValidationError(BIDS_SEALED.format(deadline=_deadline_text(tender)))
    if tender.status == Tender.Status.PUBLISHED:
        tender.status = Tender.Status.CLOSED
        tender.save(update_fields=["status"])
        count = Bid.objects.filter(tender=tender, status=Bid.Status.SUBMITTED).count()
        audit_record(actor=by, action="tender.open_bids", target=tender, after={"submitted_bids": count})
    return tender
