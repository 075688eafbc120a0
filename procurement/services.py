"""Writes for tenders and bids. Each runs in one transaction with its audit row; the deadline is checked
in the same transaction as a bid's write, against the tender row locked for update."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone

from knowsley_sv import formatting
from knowsley_sv.audit import audit_record
from knowsley_sv.models import User
from knowsley_sv.roles import Role
from outcomes.models import Indicator, Organisation, SocialValueModel

from . import rules
from .models import (
    Award,
    Bid,
    Commitment,
    Contract,
    ContractKPI,
    DeliveryLine,
    DeliveryReport,
    Evidence,
    MethodStatement,
    ModeratedScore,
    OfferedIndicator,
    OutcomeShare,
    PanelMember,
    PerformanceRating,
    QualityAnswer,
    QualityCriterion,
    Score,
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
    return tender


@transaction.atomic
def tender_update(*, tender: Tender, by: User, **fields) -> Tender:
    """Details, weights, price formula or deadline of a draft. A tender once published (then withdrawn)
    keeps bids, so its deadline may only move later; the change is in the audit row's before and after."""
    tender = _locked(tender)
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
    tender = _locked(tender)
    _require_draft(tender)
    problems = tender_publication_problems(tender, now=now)
    if problems:
        raise ValidationError(problems, code="not_publishable")
    tender.status, tender.published_at = Tender.Status.PUBLISHED, now
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
        raise ValidationError(LATE.format(deadline=formatting.moment(tender.deadline)), code="late")
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
        raise ValidationError(BIDS_SEALED.format(deadline=formatting.moment(tender.deadline)))
    if tender.status == Tender.Status.PUBLISHED:
        tender.status = Tender.Status.CLOSED
        tender.save(update_fields=["status"])
        count = Bid.objects.filter(tender=tender, status=Bid.Status.SUBMITTED).count()
        audit_record(actor=by, action="tender.open_bids", target=tender, after={"submitted_bids": count})
    return tender


# --- Evaluation, moderation and award (DESIGN §5.3–5.5) ------------------------------------------------
NOT_EVALUATING = "The tender is {status}: its bids are not being evaluated."
NOT_AN_EVALUATOR = "{name} does not have the Evaluator role."
ALREADY_ON_PANEL = "{name} is already on the panel."
CANNOT_REMOVE_SCORER = "{name} has already scored bids, so they stay on the panel."
NOT_ON_PANEL = "You are not on the evaluation panel for this tender."
ALREADY_DECLARED = "You have already made your declaration for this tender."
CONFLICT_DETAILS_REQUIRED = "Describe the conflict of interest."
DECLARE_FIRST = "Declare any conflict of interest before you see or score a bid."
CONFLICTED = "You declared a conflict of interest, so you are not evaluating this tender."
ALREADY_SUBMITTED = "You have submitted your scores; they can no longer change."
NOT_A_BID_HERE = "That bid is not one of this tender's submitted bids."
OFF_SCALE = "{label}: {value} is not on this tender's scale. Choose one of {scale}."
JUSTIFICATION_REQUIRED = "{label}: enter the justification for your score."
SCORE_REQUIRED = "{label}: choose a score to go with the justification."
SCORES_MISSING = "Score every bid on every line before you submit: {count} still to score."
PANEL_NOT_FINISHED = "Moderation starts when every evaluator has submitted their scores: {waiting}."
NO_PANEL = "Add at least one evaluator, who declares no conflict, before moderation."
RATIONALE_REQUIRED = "{label}: enter the rationale for the consensus score."
AGREED_RATIONALE = "Every evaluator on the panel scored {value}, and the panel kept that score."
CONSENSUS_REQUIRED = "{label}: choose the consensus score."
AWARDED_ALREADY = "This tender has already been awarded."
MODERATION_INCOMPLETE = "Moderate every line of every bid before the award: {count} still to moderate."
NOT_COMPLIANT = "That bid is not compliant, so it cannot be awarded: {reasons}"
AWARD_REASON_REQUIRED = "Enter the reason for awarding a bid that is not the top-ranked one."
TIE_REASON_REQUIRED = "The top-ranked bids are tied: enter the reason for choosing this one."
NOT_AWARDED = "The tender has not been awarded yet."
NOTICE_ALREADY = "The award notice was published on {day}."
NOTICE_FIRST = "Publish the award notice first: the standstill starts with it."
IN_STANDSTILL = "The standstill runs until the end of {day}. Enter the contract after that."
CONTRACT_ALREADY = "The contract has already been entered."
CONTRACT_DATES = "The end date must be on or after the start date."
CONTRACT_VALUE = "Enter a contract value of more than £0."
REPORTING_MONTHS = "Choose reporting every 1, 3, 6 or 12 months."


def _status_text(tender: Tender) -> str:
    return tender.get_status_display().lower()


def _require_evaluating(tender: Tender, *allowed: str) -> Tender:
    tender = _locked(tender)
    if tender.status not in (allowed or (Tender.Status.EVALUATING,)):
        raise ValidationError(NOT_EVALUATING.format(status=_status_text(tender)), code="not_evaluating")
    return tender


def _scale_values(tender: Tender) -> list[int]:
    return list(tender.scale.order_by("value").values_list("value", flat=True))


def _name(user: User) -> str:
    return user.get_full_name() or user.username


@transaction.atomic
def panel_add(*, tender: Tender, evaluator: User, by: User) -> PanelMember:
    """Put an evaluator on the panel; the first one moves an opened tender into evaluation."""
    tender = _require_evaluating(tender, Tender.Status.CLOSED, Tender.Status.EVALUATING)
    if not evaluator.has_role(Role.EVALUATOR):
        raise ValidationError({"evaluator": NOT_AN_EVALUATOR.format(name=_name(evaluator))})
    if PanelMember.objects.filter(tender=tender, evaluator=evaluator).exists():
        raise ValidationError({"evaluator": ALREADY_ON_PANEL.format(name=_name(evaluator))})
    member = PanelMember.objects.create(tender=tender, evaluator=evaluator, added_by=by)
    if tender.status == Tender.Status.CLOSED:
        tender.status = Tender.Status.EVALUATING
        tender.save(update_fields=["status"])
    audit_record(actor=by, action="panel.add", target=tender, after={"evaluator": evaluator.username})
    return member


@transaction.atomic
def panel_remove(*, member: PanelMember, by: User) -> None:
    _require_evaluating(member.tender)
    member = PanelMember.objects.select_for_update().get(pk=member.pk)
    if member.scores.exists() or member.submitted_at:
        raise ValidationError(CANNOT_REMOVE_SCORER.format(name=_name(member.evaluator)))
    audit_record(
        actor=by,
        action="panel.remove",
        target=member.tender,
        before={"evaluator": member.evaluator.username, "declaration": member.declaration},
    )
    member.delete()


def _seat(tender: Tender, user: User, *, lock: bool = False) -> PanelMember:
    qs = PanelMember.objects.filter(tender=tender, evaluator=user)
    member = (qs.select_for_update() if lock else qs).first()
    if member is None:
        raise ValidationError(NOT_ON_PANEL, code="not_on_panel")
    return member


@transaction.atomic
def declare(*, tender: Tender, by: User, conflict: bool, details: str = "", now=None) -> PanelMember:
    """The evaluator's declaration, once, before they see a bid. A conflict takes them off the tender."""
    tender = _require_evaluating(tender)
    member = _seat(tender, by, lock=True)
    if member.declaration != PanelMember.Declaration.PENDING:
        raise ValidationError(ALREADY_DECLARED)
    details = details.strip()
    if conflict and not details:
        raise ValidationError({"details": CONFLICT_DETAILS_REQUIRED})
    member.declaration = PanelMember.Declaration.CONFLICT if conflict else PanelMember.Declaration.NO_CONFLICT
    member.conflict_details = details if conflict else ""
    member.declared_at = now or timezone.now()
    member.save(update_fields=["declaration", "conflict_details", "declared_at"])
    audit_record(
        actor=by,
        action="panel.declare",
        target=tender,
        after={
            "evaluator": by.username,
            "declaration": member.declaration,
            "details": member.conflict_details,
        },
    )
    return member


def scoring_seat(tender: Tender, user: User) -> PanelMember:
    """The user's seat, if they may see and score this tender's bids; else a clear refusal."""
    member = _seat(tender, user)
    if member.declaration == PanelMember.Declaration.PENDING:
        raise ValidationError(DECLARE_FIRST, code="declare_first")
    if member.declaration == PanelMember.Declaration.CONFLICT:
        raise ValidationError(CONFLICTED, code="conflicted")
    return member


def _check_entries(entries, lines, scale, *, text_message, value_message) -> dict:
    """Entries are line key -> (value or None, text). Returns the complete ones; raises for the rest."""
    by_key = {line.key: line for line in lines}
    problems, complete = [], {}
    for key, (value, text) in entries.items():
        line = by_key.get(key)
        if line is None:
            continue
        text = (text or "").strip()
        if value is None and not text:
            continue  # not scored yet: fine while saving
        if value is None:
            problems.append(value_message.format(label=line.label))
        elif value not in scale:
            problems.append(OFF_SCALE.format(label=line.label, value=value, scale=", ".join(map(str, scale))))
        elif not text:
            problems.append(text_message.format(label=line.label))
        else:
            complete[key] = (line, value, text)
    if problems:
        raise ValidationError(problems)
    return complete


@transaction.atomic
def scores_save(*, tender: Tender, bid: Bid, by: User, entries: dict[str, tuple[int | None, str]]) -> int:
    """Save an evaluator's scores of one bid (some or all lines); each change is in the audit trail.
    Returns how many scores changed."""
    from .selectors import evaluation_lines

    tender = _require_evaluating(tender)
    member = scoring_seat(tender, by)
    member = PanelMember.objects.select_for_update().get(pk=member.pk)
    if member.submitted_at:
        raise ValidationError(ALREADY_SUBMITTED)
    if not Bid.objects.opened().filter(pk=bid.pk, tender=tender).exists():
        raise ValidationError(NOT_A_BID_HERE)
    complete = _check_entries(
        entries,
        evaluation_lines(tender),
        _scale_values(tender),
        text_message=JUSTIFICATION_REQUIRED,
        value_message=SCORE_REQUIRED,
    )
    existing = {s.line_key: s for s in Score.objects.filter(panel_member=member, bid=bid)}
    changed = 0
    for key, (line, value, text) in complete.items():
        score = existing.get(key)
        before = {"value": score.value, "justification": score.justification} if score else None
        if before == {"value": value, "justification": text}:
            continue
        if score is None:
            score = Score(panel_member=member, bid=bid, **line.ids)
        score.value, score.justification = value, text
        score.save()
        changed += 1
        audit_record(
            actor=by,
            action="score.save",
            target=tender,
            before=before,
            after={
                "evaluator": by.username,
                "bid": bid.pk,
                "supplier": bid.supplier.name,
                "line": line.short,
                "value": value,
                "justification": text,
            },
        )
    return changed


def scores_outstanding(member: PanelMember, lines, bid_ids) -> int:
    done = {(s.bid_id, s.line_key) for s in Score.objects.filter(panel_member=member)}
    return sum((b, line.key) not in done for b in bid_ids for line in lines)


@transaction.atomic
def scores_submit(*, tender: Tender, by: User, now=None) -> PanelMember:
    """The evaluator submits all their scores at once: they are then fixed, and the evaluator may see the
    rest of the panel's."""
    from .selectors import evaluated_bids, evaluation_lines

    tender = _require_evaluating(tender)
    member = scoring_seat(tender, by)
    member = PanelMember.objects.select_for_update().get(pk=member.pk)
    if member.submitted_at:
        raise ValidationError(ALREADY_SUBMITTED)
    missing = scores_outstanding(
        member, evaluation_lines(tender), list(evaluated_bids(tender).values_list("pk", flat=True))
    )
    if missing:
        raise ValidationError(SCORES_MISSING.format(count=missing))
    member.submitted_at = now or timezone.now()
    member.save(update_fields=["submitted_at"])
    audit_record(actor=by, action="score.submit", target=tender, after={"evaluator": by.username})
    return member


def moderation_problems(tender: Tender) -> list[str]:
    """Why moderation cannot start yet: no one to score, or evaluators still scoring."""
    members = list(PanelMember.objects.filter(tender=tender).select_related("evaluator"))
    active = [m for m in members if m.declaration == PanelMember.Declaration.NO_CONFLICT]
    waiting = [
        m
        for m in members
        if m.declaration == PanelMember.Declaration.PENDING or (m in active and not m.submitted_at)
    ]
    if waiting:
        return [PANEL_NOT_FINISHED.format(waiting=", ".join(_name(m.evaluator) for m in waiting))]
    if not active:
        return [NO_PANEL]
    return []


def agreed_score(values: list[int]) -> int | None:
    """The score every evaluator gave the line, or None when they differ (or nobody scored it)."""
    return values[0] if values and len(set(values)) == 1 else None


def _with_agreed_rationales(entries: dict, panel_scores: dict[str, list[int]]) -> dict:
    """Keeping the score every evaluator agreed needs no rationale of the commissioner's: it gets one
    saying so. A changed score, or one where the evaluators differed, still needs its own."""
    filled = {}
    for key, (value, text) in entries.items():
        values = panel_scores.get(key, [])
        if value is not None and not (text or "").strip() and value == agreed_score(values):
            text = AGREED_RATIONALE.format(value=value)
        filled[key] = (value, text)
    return filled


@transaction.atomic
def moderate(
    *, tender: Tender, bid: Bid, by: User, entries: dict[str, tuple[int | None, str]], now=None
) -> int:
    """Record the consensus score and rationale per line of one bid; flags rows 40 or more apart."""
    from .selectors import evaluation_lines

    tender = _require_evaluating(tender)
    problems = moderation_problems(tender)
    if problems:
        raise ValidationError(problems)
    if not Bid.objects.opened().filter(pk=bid.pk, tender=tender).exists():
        raise ValidationError(NOT_A_BID_HERE)
    panel_scores: dict[str, list[int]] = {}
    for score in Score.objects.filter(bid=bid, panel_member__declaration=PanelMember.Declaration.NO_CONFLICT):
        panel_scores.setdefault(score.line_key, []).append(score.value)
    complete = _check_entries(
        _with_agreed_rationales(entries, panel_scores),
        evaluation_lines(tender),
        _scale_values(tender),
        text_message=RATIONALE_REQUIRED,
        value_message=CONSENSUS_REQUIRED,
    )
    existing = {m.line_key: m for m in ModeratedScore.objects.filter(bid=bid)}
    now = now or timezone.now()
    changed = 0
    for key, (line, value, text) in complete.items():
        moderated = existing.get(key)
        before = {"value": moderated.value, "rationale": moderated.rationale} if moderated else None
        if before == {"value": value, "rationale": text}:
            continue
        if moderated is None:
            moderated = ModeratedScore(bid=bid, **line.ids)
        moderated.value, moderated.rationale = value, text
        moderated.flagged = rules.spread_flagged(panel_scores.get(key, []))
        moderated.moderated_by, moderated.moderated_at = by, now
        moderated.save()
        changed += 1
        audit_record(
            actor=by,
            action="moderation.save",
            target=tender,
            before=before,
            after={
                "bid": bid.pk,
                "supplier": bid.supplier.name,
                "line": line.short,
                "value": value,
                "rationale": text,
                "flagged": moderated.flagged,
                "panel": sorted(panel_scores.get(key, [])),
            },
        )
    return changed


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
    from .selectors import evaluation

    locked = _locked(tender)
    if locked.status == Tender.Status.AWARDED or Award.objects.filter(tender=locked).exists():
        raise ValidationError(AWARDED_ALREADY, code="awarded")
    tender = _require_evaluating(locked)
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
    return award


@transaction.atomic
def contract_enter(
    *, tender: Tender, by: User, start_date, end_date, value: Decimal, reporting_months: int = 3, now=None
) -> Contract:
    """After the standstill: the contract, from the awarded bid, its commitments frozen as KPIs."""
    now = now or timezone.now()
    award = Award.objects.select_for_update().filter(tender=tender).first()
    if award is None:
        raise ValidationError(NOT_AWARDED)
    if award.notice_published_at is None:
        raise ValidationError(NOTICE_FIRST)
    if timezone.localdate(now) <= award.standstill_ends:
        raise ValidationError(IN_STANDSTILL.format(day=f"{award.standstill_ends:%A %-d %B %Y}"))
    if Contract.objects.filter(award=award).exists():
        raise ValidationError(CONTRACT_ALREADY)
    problems = {}
    if end_date < start_date:
        problems["end_date"] = CONTRACT_DATES
    if value is None or value <= 0:
        problems["value"] = CONTRACT_VALUE
    if reporting_months not in (1, 3, 6, 12):
        problems["reporting_months"] = REPORTING_MONTHS
    if problems:
        raise ValidationError(problems)
    contract = Contract.objects.create(
        award=award,
        start_date=start_date,
        end_date=end_date,
        value=value,
        reporting_months=reporting_months,
        entered_by=by,
        entered_at=now,
    )
    ContractKPI.objects.bulk_create(
        ContractKPI(
            contract=contract,
            indicator=c.indicator,
            outcome_number=c.indicator.outcome.number,
            code=c.indicator.code,
            name=c.indicator.name,
            unit=c.indicator.unit,
            committed=c.quantity,
            proxy_value=c.indicator.proxy_value,
        )
        for c in Commitment.objects.filter(bid_id=award.bid_id).select_related("indicator__outcome")
    )
    audit_record(
        actor=by,
        action="contract.enter",
        target=tender,
        after={"start": start_date.isoformat(), "end": end_date.isoformat(), "value": str(value)},
    )
    return contract


# --- Delivery (DESIGN §6) -----------------------------------------------------------------------------
EVIDENCE_TYPES = {  # extension -> content types accepted for it
    ".pdf": {"application/pdf"},
    ".png": {"image/png"},
    ".jpg": {"image/jpeg"},
    ".jpeg": {"image/jpeg"},
    ".csv": {"text/csv", "application/vnd.ms-excel", "text/plain"},
    ".txt": {"text/plain"},
    ".docx": {"application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
    ".xlsx": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
}
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
EVIDENCE_MAGIC = {".pdf": b"%PDF", ".png": b"\x89PNG", ".jpg": b"\xff\xd8\xff", ".jpeg": b"\xff\xd8\xff",
                  ".docx": b"PK\x03\x04", ".xlsx": b"PK\x03\x04"}  # fmt: skip

NOT_YOUR_CONTRACT = "This contract is not one your organisation holds."
NOT_A_PERIOD = "{start} is not the start of one of this contract's reporting periods."
PERIOD_NOT_STARTED = "The period starting {start} has not started yet, so there is nothing to report."
QUANTITY_NEGATIVE = "{code}: the quantity delivered cannot be negative."
UNKNOWN_KPI = "That commitment is not part of this contract."
LINE_VERIFIED = "{code} was verified for this period, so it can no longer change."
EVIDENCE_TYPE = "{name} is not a file type we accept. Upload a PDF, PNG, JPEG, CSV, text, Word or Excel file."
EVIDENCE_TOO_BIG = "{name} is {size:.1f} MB. Each file must be 10 MB or smaller."
EVIDENCE_EMPTY = "{name} is empty."
EVIDENCE_STORAGE = "The file store is not available, so nothing was saved. Try again later."
OWN_REPORT = "You reported this line, so someone else must verify or query it."
QUESTION_REQUIRED = "Enter the question for the supplier."
NOT_QUERIED = "Only a queried line can be answered."
ANSWER_REQUIRED = "Enter your answer to the council's question."
RATING_NOTES_REQUIRED = "Explain the rating."
RATING_REQUIRED = "Choose a rating: good, approaching target, requires improvement, inadequate or other."
NOT_REVIEWABLE = "This line has already been {status}."


def _contract_for_reporter(contract: Contract, user: User) -> Contract:
    """The supplier holding the contract, or a commissioner of its tender on the supplier's behalf."""
    contract = Contract.objects.select_related("award__bid", "award__tender").get(pk=contract.pk)
    if user.has_role(Role.SUPPLIER):
        member = SupplierMember.objects.filter(user=user).first()
        if member and member.organisation_id == contract.award.bid.supplier_id:
            return contract
    if user.has_role(Role.COMMISSIONER) and contract.award.tender.commissioners.filter(pk=user.pk).exists():
        return contract
    raise ValidationError(NOT_YOUR_CONTRACT, code="not_yours")


def _check_evidence(files) -> None:
    from pathlib import PurePath

    problems = []
    for upload in files:
        name = PurePath(upload.name).name
        extension = PurePath(name).suffix.lower()
        if extension not in EVIDENCE_TYPES:
            problems.append(EVIDENCE_TYPE.format(name=name))
            continue
        if upload.size > EVIDENCE_MAX_BYTES:
            problems.append(EVIDENCE_TOO_BIG.format(name=name, size=upload.size / 1024 / 1024))
            continue
        if upload.size == 0:
            problems.append(EVIDENCE_EMPTY.format(name=name))
            continue
        magic = EVIDENCE_MAGIC.get(extension)
        head = upload.read(8)
        upload.seek(0)
        if magic and not head.startswith(magic):
            problems.append(EVIDENCE_TYPE.format(name=name))
    if problems:
        raise ValidationError({"evidence": problems})


def _store_evidence(line: DeliveryLine, files, by: User) -> None:
    from pathlib import PurePath

    for upload in files:
        name = PurePath(upload.name).name
        extension = PurePath(name).suffix.lower()
        evidence = Evidence(
            line=line,
            name=name[:200],
            content_type=sorted(EVIDENCE_TYPES[extension])[0],
            size=upload.size,
            uploaded_by=by,
        )
        try:
            evidence.file.save(name, upload, save=False)
        except OSError as error:  # storage full or unreachable: the transaction rolls back the report too
            raise ValidationError({"evidence": [EVIDENCE_STORAGE]}) from error
        evidence.save()


@dataclass
class LineEntry:
    quantity: Decimal | None
    notes: str = ""
    files: list = field(default_factory=list)


@transaction.atomic
def delivery_report_save(
    *, contract: Contract, period_start, by: User, lines: dict[int, LineEntry], now=None
) -> DeliveryReport:
    """Report the quantities delivered per KPI in one period, with notes and evidence. A line the council
    verified stays as it was; others are (re)set to wait for checking."""
    from . import delivery

    now = now or timezone.now()
    contract = _contract_for_reporter(contract, by)
    periods = dict(
        delivery.reporting_periods(contract.start_date, contract.end_date, contract.reporting_months)
    )
    if period_start not in periods:
        raise ValidationError(NOT_A_PERIOD.format(start=f"{period_start:%-d %B %Y}"))
    if period_start > timezone.localdate(now):
        raise ValidationError(PERIOD_NOT_STARTED.format(start=f"{period_start:%-d %B %Y}"))
    kpis = {k.pk: k for k in contract.kpis.all()}
    if set(lines) - set(kpis):
        raise ValidationError(UNKNOWN_KPI)
    report, _ = DeliveryReport.objects.select_for_update().get_or_create(
        contract=contract,
        period_start=period_start,
        defaults={"period_end": periods[period_start], "submitted_by": by, "submitted_at": now},
    )
    existing = {line.kpi_id: line for line in report.lines.select_for_update()}
    problems = []
    for kpi_id, entry in lines.items():
        if entry.quantity is None:
            continue
        if entry.quantity < 0:
            problems.append(QUANTITY_NEGATIVE.format(code=kpis[kpi_id].code))
        line = existing.get(kpi_id)
        if (
            line
            and line.status == DeliveryLine.Status.VERIFIED
            and (line.quantity != entry.quantity or entry.notes.strip() != line.notes or entry.files)
        ):
            problems.append(LINE_VERIFIED.format(code=kpis[kpi_id].code))
    if problems:
        raise ValidationError({"lines": problems})
    _check_evidence([f for entry in lines.values() for f in entry.files])
    changed = []
    for kpi_id, entry in lines.items():
        line = existing.get(kpi_id)
        if entry.quantity is None or (line and line.status == DeliveryLine.Status.VERIFIED):
            continue
        if line is None:
            line = DeliveryLine(report=report, kpi=kpis[kpi_id])
        elif line.quantity == entry.quantity and line.notes == entry.notes.strip() and not entry.files:
            continue
        line.quantity, line.notes, line.reported_by = entry.quantity, entry.notes.strip(), by
        line.status, line.reviewed_by, line.reviewed_at = DeliveryLine.Status.PENDING, None, None
        line.save()
        _store_evidence(line, entry.files, by)
        changed.append({"kpi": kpis[kpi_id].code, "quantity": str(entry.quantity), "files": len(entry.files)})
    report.submitted_by, report.submitted_at = by, now
    report.save(update_fields=["submitted_by", "submitted_at"])
    audit_record(
        actor=by,
        action="delivery.report",
        target=contract,
        after={"period_start": period_start.isoformat(), "lines": changed},
    )
    return report


def _reviewable(line: DeliveryLine, by: User) -> DeliveryLine:
    line = (
        DeliveryLine.objects.select_for_update()
        .select_related("report__contract__award__tender", "kpi")
        .get(pk=line.pk)
    )
    tender = line.report.contract.award.tender
    if not (by.has_role(Role.COMMISSIONER) and tender.commissioners.filter(pk=by.pk).exists()):
        raise ValidationError(NOT_YOUR_CONTRACT, code="not_yours")
    if line.reported_by_id == by.pk:
        raise ValidationError(OWN_REPORT, code="own_report")
    if line.status != DeliveryLine.Status.PENDING:
        raise ValidationError(NOT_REVIEWABLE.format(status=line.get_status_display().lower()))
    return line


@transaction.atomic
def line_verify(*, line: DeliveryLine, by: User, now=None) -> DeliveryLine:
    line = _reviewable(line, by)
    line.status, line.reviewed_by, line.reviewed_at = DeliveryLine.Status.VERIFIED, by, now or timezone.now()
    line.save(update_fields=["status", "reviewed_by", "reviewed_at"])
    audit_record(
        actor=by,
        action="delivery.verify",
        target=line.report.contract,
        after={
            "period_start": line.report.period_start.isoformat(),
            "kpi": line.kpi.code,
            "quantity": str(line.quantity),
        },
    )
    return line


@transaction.atomic
def line_query(*, line: DeliveryLine, by: User, question: str, now=None) -> DeliveryLine:
    question = question.strip()
    if not question:
        raise ValidationError({"question": QUESTION_REQUIRED})
    line = _reviewable(line, by)
    line.status, line.question = DeliveryLine.Status.QUERIED, question
    line.reviewed_by, line.reviewed_at = by, now or timezone.now()
    line.save(update_fields=["status", "question", "reviewed_by", "reviewed_at"])
    audit_record(
        actor=by,
        action="delivery.query",
        target=line.report.contract,
        after={
            "period_start": line.report.period_start.isoformat(),
            "kpi": line.kpi.code,
            "question": question,
        },
    )
    return line


@transaction.atomic
def line_answer(
    *, line: DeliveryLine, by: User, answer: str, quantity: Decimal, notes: str = "", files=()
) -> DeliveryLine:
    """The supplier answers the council's query (and may correct the figure); the line is checked again."""
    line = DeliveryLine.objects.select_for_update().select_related("report__contract", "kpi").get(pk=line.pk)
    _contract_for_reporter(line.report.contract, by)
    if line.status != DeliveryLine.Status.QUERIED:
        raise ValidationError(NOT_QUERIED)
    problems = {}
    if not answer.strip():
        problems["answer"] = ANSWER_REQUIRED
    if quantity is None or quantity < 0:
        problems["quantity"] = QUANTITY_NEGATIVE.format(code=line.kpi.code)
    if problems:
        raise ValidationError(problems)
    _check_evidence(files)
    before = {"quantity": str(line.quantity), "notes": line.notes}
    line.answer, line.quantity, line.notes = answer.strip(), quantity, notes.strip() or line.notes
    line.status, line.reviewed_by, line.reviewed_at, line.reported_by = (
        DeliveryLine.Status.PENDING,
        None,
        None,
        by,
    )
    line.save()
    _store_evidence(line, files, by)
    audit_record(
        actor=by,
        action="delivery.answer",
        target=line.report.contract,
        before=before,
        after={"kpi": line.kpi.code, "quantity": str(quantity), "answer": line.answer, "files": len(files)},
    )
    return line


@transaction.atomic
def rating_record(*, contract: Contract, by: User, period_end, rating: str, notes: str) -> PerformanceRating:
    contract = Contract.objects.select_related("award__tender").get(pk=contract.pk)
    if not (by.has_role(Role.COMMISSIONER) and contract.award.tender.commissioners.filter(pk=by.pk).exists()):
        raise ValidationError(NOT_YOUR_CONTRACT, code="not_yours")
    problems = {}
    if rating not in PerformanceRating.Rating.values:
        problems["rating"] = RATING_REQUIRED
    if not notes.strip():
        problems["notes"] = RATING_NOTES_REQUIRED
    if problems:
        raise ValidationError(problems)
    made, created = PerformanceRating.objects.update_or_create(
        contract=contract,
        period_end=period_end,
        defaults={"rating": rating, "notes": notes.strip(), "recorded_by": by},
    )
    audit_record(
        actor=by,
        action="contract.rating",
        target=contract,
        after={
            "period_end": period_end.isoformat(),
            "rating": rating,
            "notes": notes.strip(),
            "new": created,
        },
    )
    return made
