"""Writes for evaluation (DESIGN §5.3): the panel, each evaluator's declaration, blind scores and their
submission, and the commissioner's moderation into consensus scores."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from knowsley_sv import caching
from knowsley_sv.audit import audit_record
from knowsley_sv.models import User
from knowsley_sv.notifications import notify
from knowsley_sv.roles import Role

from .. import rules
from ..models import Bid, ModeratedScore, PanelMember, Score, Tender
from ..selectors.evaluation import evaluated_bids, evaluation_lines
from .tenders import locked_tender

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


def _status_text(tender: Tender) -> str:
    return tender.get_status_display().lower()


def evaluating_tender(tender: Tender, *allowed: str) -> Tender:
    tender = locked_tender(tender)
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
    tender = evaluating_tender(tender, Tender.Status.CLOSED, Tender.Status.EVALUATING)
    if not evaluator.has_role(Role.EVALUATOR):
        raise ValidationError({"evaluator": NOT_AN_EVALUATOR.format(name=_name(evaluator))})
    if PanelMember.objects.filter(tender=tender, evaluator=evaluator).exists():
        raise ValidationError({"evaluator": ALREADY_ON_PANEL.format(name=_name(evaluator))})
    member = PanelMember.objects.create(tender=tender, evaluator=evaluator, added_by=by)
    if tender.status == Tender.Status.CLOSED:
        tender.status = Tender.Status.EVALUATING
        tender.save(update_fields=["status"])
    audit_record(actor=by, action="panel.add", target=tender, after={"evaluator": evaluator.username})
    caching.changed(PanelMember, Tender)
    notify(
        [evaluator],
        kind="panel_added",
        subject=f"You are on the evaluation panel for {tender.reference}",
        body=(
            f"{_name(by)} has added you to the panel that evaluates {tender.reference}: {tender.title}.\n\n"
            "Before you see any bid, you will be asked to declare whether you have a conflict of interest."
        ),
        url=reverse("procurement:evaluate", args=[tender.reference]),
    )
    return member


@transaction.atomic
def panel_remove(*, member: PanelMember, by: User) -> None:
    evaluating_tender(member.tender)
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
    caching.changed(PanelMember)


def _seat(tender: Tender, user: User, *, lock: bool = False) -> PanelMember:
    qs = PanelMember.objects.filter(tender=tender, evaluator=user)
    member = (qs.select_for_update() if lock else qs).first()
    if member is None:
        raise ValidationError(NOT_ON_PANEL, code="not_on_panel")
    return member


@transaction.atomic
def declare(*, tender: Tender, by: User, conflict: bool, details: str = "", now=None) -> PanelMember:
    """The evaluator's declaration, once, before they see a bid. A conflict takes them off the tender."""
    tender = evaluating_tender(tender)
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
    caching.changed(PanelMember)
    return member


def scoring_seat(tender: Tender, user: User) -> PanelMember:
    """The user's seat, if they may see and score this tender's bids; else a clear refusal."""
    member = _seat(tender, user)
    if member.declaration == PanelMember.Declaration.PENDING:
        raise ValidationError(DECLARE_FIRST, code="declare_first")
    if member.declaration == PanelMember.Declaration.CONFLICT:
        raise ValidationError(CONFLICTED, code="conflicted")
    return member


# --- Line scores: an evaluator's score and justification, or the consensus score and its rationale ------
JUSTIFICATION, RATIONALE = "justification", "rationale"  # the text that goes with each kind of score


def score_field(key: str) -> str:
    """The name under which a line's score is entered, and its problem raised: score_<line key>."""
    return f"score_{key}"


def text_field(text: str, key: str) -> str:
    """The name under which a line's justification or rationale is entered: <text>_<line key>."""
    return f"{text}_{key}"


_MISSING = {  # the text -> what is said when it is missing, and when the score is
    JUSTIFICATION: (JUSTIFICATION_REQUIRED, SCORE_REQUIRED),
    RATIONALE: (RATIONALE_REQUIRED, CONSENSUS_REQUIRED),
}


def _check_entries(entries, lines, scale, *, text: str) -> dict:
    """Entries are line key -> (value or None, text). Returns the complete ones as line key -> (line, value,
    text); raises for the rest, each problem under its field (score_field, text_field)."""
    text_message, value_message = _MISSING[text]
    by_key = {line.key: line for line in lines}
    problems, complete = {}, {}
    for key, (value, typed) in entries.items():
        line = by_key.get(key)
        if line is None:
            continue
        typed = (typed or "").strip()
        if value is None and not typed:
            continue  # not scored yet: fine while saving
        if value is None:
            problems[score_field(key)] = value_message.format(label=line.label)
        elif value not in scale:
            scale_text = ", ".join(map(str, scale))
            problems[score_field(key)] = OFF_SCALE.format(label=line.label, value=value, scale=scale_text)
        elif not typed:
            problems[text_field(text, key)] = text_message.format(label=line.label)
        else:
            complete[key] = (line, value, typed)
    if problems:
        raise ValidationError(problems)
    return complete


def _changed(complete: dict, existing: dict, text: str):
    """The complete entries that differ from what is stored: (line, value, text, stored or None, before)."""
    for key, (line, value, typed) in complete.items():
        stored = existing.get(key)
        before = {"value": stored.value, text: getattr(stored, text)} if stored else None
        if before != {"value": value, text: typed}:
            yield line, value, typed, stored, before


@transaction.atomic
def scores_save(*, tender: Tender, bid: Bid, by: User, entries: dict[str, tuple[int | None, str]]) -> int:
    """Save an evaluator's scores of one bid (some or all lines); each change is in the audit trail.
    Returns how many scores changed."""
    tender = evaluating_tender(tender)
    member = scoring_seat(tender, by)
    member = PanelMember.objects.select_for_update().get(pk=member.pk)
    if member.submitted_at:
        raise ValidationError(ALREADY_SUBMITTED)
    if not Bid.objects.opened().filter(pk=bid.pk, tender=tender).exists():
        raise ValidationError(NOT_A_BID_HERE)
    complete = _check_entries(entries, evaluation_lines(tender), _scale_values(tender), text=JUSTIFICATION)
    existing = {s.line_key: s for s in Score.objects.filter(panel_member=member, bid=bid)}
    changed = 0
    for line, value, text, score, before in _changed(complete, existing, JUSTIFICATION):
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
    caching.changed(Score)
    return changed


def scores_outstanding(member: PanelMember, lines, bid_ids) -> int:
    done = {(s.bid_id, s.line_key) for s in Score.objects.filter(panel_member=member)}
    return sum((b, line.key) not in done for b in bid_ids for line in lines)


@transaction.atomic
def scores_submit(*, tender: Tender, by: User, now=None) -> PanelMember:
    """The evaluator submits all their scores at once: they are then fixed, and the evaluator may see the
    rest of the panel's."""
    tender = evaluating_tender(tender)
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
    caching.changed(PanelMember)
    # Everyone still to act: a seat not yet declared, or free of conflict and not yet submitted.
    waiting = PanelMember.objects.filter(tender=tender).filter(
        Q(declaration=PanelMember.Declaration.PENDING)
        | Q(declaration=PanelMember.Declaration.NO_CONFLICT, submitted_at__isnull=True)
    )
    if not waiting.exists():
        notify(
            tender.commissioners.filter(is_active=True),
            kind="panel_submitted",
            subject=f"Every evaluator has submitted scores for {tender.reference}",
            body=(
                f"Every evaluator on the panel for {tender.reference}: {tender.title} has submitted their "
                "scores. The panel can now moderate them."
            ),
            url=reverse("procurement:panel", args=[tender.reference]),
        )
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
    tender = evaluating_tender(tender)
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
        text=RATIONALE,
    )
    existing = {m.line_key: m for m in ModeratedScore.objects.filter(bid=bid)}
    now = now or timezone.now()
    changed = 0
    for line, value, text, moderated, before in _changed(complete, existing, RATIONALE):
        if moderated is None:
            moderated = ModeratedScore(bid=bid, **line.ids)
        moderated.value, moderated.rationale = value, text
        moderated.flagged = rules.spread_flagged(panel_scores.get(line.key, []))
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
                "panel": sorted(panel_scores.get(line.key, [])),
            },
        )
    caching.changed(ModeratedScore)
    return changed
