"""Writes to the Social Value Model that carry rules. Each runs in a transaction and leaves an audit row."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone

from knowsley_sv import caching
from knowsley_sv.audit import audit_record
from knowsley_sv.models import User

from . import rules
from .models import (
    BoardMembership,
    Indicator,
    ModelReview,
    Organisation,
    Outcome,
    ReviewAction,
    SocialValueModel,
)

NOT_A_DRAFT = "Version {version} is {status}, so it cannot be changed. Start a new draft to propose changes."
DRAFT_EXISTS = "Version {version} is already being drafted. Carry on with that draft."
NOTHING_ADOPTED = "There is no adopted version to start a draft from."
MEMBERSHIP_ALREADY_ENDED = "This membership ended on {ended_on:%d %B %Y}."


def _require_draft(model: SocialValueModel) -> None:
    if not model.is_draft:
        raise ValidationError(
            NOT_A_DRAFT.format(version=model.version, status=model.get_status_display().lower()),
            code="not_draft",
        )


def _model_snapshot(model: SocialValueModel) -> dict:
    return {"version": model.version, "status": model.status, "title": model.title}


@transaction.atomic
def model_start_draft(*, by: User) -> SocialValueModel:
    """Clone the adopted version, its outcomes and indicators, into a new draft."""
    existing = (
        SocialValueModel.objects.select_for_update().filter(status=SocialValueModel.Status.DRAFT).first()
    )
    if existing:
        raise ValidationError(DRAFT_EXISTS.format(version=existing.version), code="draft_exists")
    source = SocialValueModel.objects.adopted().first()
    if source is None:
        raise ValidationError(NOTHING_ADOPTED, code="nothing_adopted")
    next_version = (SocialValueModel.objects.aggregate(v=Max("version"))["v"] or 0) + 1
    draft = SocialValueModel(
        version=next_version,
        title=source.title,
        statement=source.statement,
        status=SocialValueModel.Status.DRAFT,
        based_on=source,
        created_by=by,
    )
    draft.full_clean()
    draft.save()
    outcomes = list(source.outcomes.prefetch_related("indicators"))
    new_outcomes = Outcome.objects.bulk_create(
        Outcome(
            model=draft,
            number=o.number,
            title=o.title,
            description=o.description,
            pillar=o.pillar,
            default_share=o.default_share,
        )
        for o in outcomes
    )
    Indicator.objects.bulk_create(
        Indicator(
            outcome=new,
            code=i.code,
            name=i.name,
            unit=i.unit,
            proxy_value=i.proxy_value,
            proxy_source=i.proxy_source,
            proxy_year=i.proxy_year,
            proxy_licence=i.proxy_licence,
            proxy_illustrative=i.proxy_illustrative,
            evidence=i.evidence,
            guidance=i.guidance,
        )
        for old, new in zip(outcomes, new_outcomes, strict=True)
        for i in old.indicators.all()
    )
    caching.changed(SocialValueModel, Outcome, Indicator)
    audit_record(actor=by, action="model.draft_start", target=draft, after={"based_on": source.version})
    return draft


@transaction.atomic
def model_update(*, model: SocialValueModel, by: User, **fields) -> SocialValueModel:
    """Change the title or statement of a draft."""
    model = SocialValueModel.objects.select_for_update().get(pk=model.pk)
    _require_draft(model)
    before = {name: getattr(model, name) for name in fields}
    for name, value in fields.items():
        setattr(model, name, value)
    model.full_clean()
    model.save(update_fields=list(fields))
    caching.changed(SocialValueModel)
    audit_record(actor=by, action="model.update", target=model, before=before, after=fields)
    return model


@transaction.atomic
def outcome_update(*, outcome: Outcome, by: User, **fields) -> Outcome:
    _require_draft(SocialValueModel.objects.select_for_update().get(pk=outcome.model_id))
    stored = Outcome.objects.get(pk=outcome.pk)  # the caller's copy may already carry the new values
    before = {name: getattr(stored, name) for name in fields}
    for name, value in fields.items():
        setattr(outcome, name, value)
    outcome.full_clean()
    outcome.save(update_fields=list(fields))
    caching.changed(Outcome)
    audit_record(actor=by, action="outcome.update", target=outcome, before=before, after=fields)
    return outcome


# What a board member sets on an indicator: its code, what the compare view reads, and the illustrative flag.
INDICATOR_FIELDS = ("code", *rules.INDICATOR_FIELDS, "proxy_illustrative")


def _indicator_snapshot(indicator: Indicator) -> dict:
    return {name: getattr(indicator, name) for name in INDICATOR_FIELDS}


@transaction.atomic
def indicator_create(*, outcome: Outcome, by: User, **fields) -> Indicator:
    _require_draft(SocialValueModel.objects.select_for_update().get(pk=outcome.model_id))
    indicator = Indicator(outcome=outcome, **fields)
    indicator.full_clean()
    indicator.save()
    caching.changed(Indicator)
    audit_record(actor=by, action="indicator.create", target=indicator, after=_indicator_snapshot(indicator))
    return indicator


@transaction.atomic
def indicator_update(*, indicator: Indicator, by: User, **fields) -> Indicator:
    _require_draft(SocialValueModel.objects.select_for_update().get(pk=indicator.outcome.model_id))
    before = _indicator_snapshot(Indicator.objects.get(pk=indicator.pk))  # the caller's copy may be edited
    for name, value in fields.items():
        setattr(indicator, name, value)
    indicator.full_clean()
    indicator.save()
    caching.changed(Indicator)
    audit_record(
        actor=by,
        action="indicator.update",
        target=indicator,
        before=before,
        after=_indicator_snapshot(indicator),
    )
    return indicator


@transaction.atomic
def indicator_delete(*, indicator: Indicator, by: User) -> None:
    _require_draft(SocialValueModel.objects.select_for_update().get(pk=indicator.outcome.model_id))
    audit_record(actor=by, action="indicator.delete", target=indicator, before=_indicator_snapshot(indicator))
    indicator.delete()
    caching.changed(Indicator)


def model_adoption_problems(model: SocialValueModel) -> list[str]:
    outcomes = list(
        model.outcomes.annotate(n_indicators=Count("indicators")).values(
            "number", "default_share", "n_indicators"
        )
    )
    return rules.adoption_problems(
        shares={o["number"]: o["default_share"] for o in outcomes},
        indicator_counts={o["number"]: o["n_indicators"] for o in outcomes},
    )


@transaction.atomic
def model_adopt(*, model: SocialValueModel, change_summary: str, by: User) -> SocialValueModel:
    """Adopt a draft: the adopted version becomes superseded, dated, in the same transaction."""
    model = SocialValueModel.objects.select_for_update().get(pk=model.pk)
    _require_draft(model)
    problems = model_adoption_problems(model)
    if problems:
        raise ValidationError(problems, code="not_adoptable")
    now = timezone.now()
    previous = SocialValueModel.objects.select_for_update().adopted().first()
    if previous is not None:
        previous.status, previous.superseded_at = SocialValueModel.Status.SUPERSEDED, now
        previous.save(update_fields=["status", "superseded_at"])
        audit_record(actor=by, action="model.supersede", target=previous, after=_model_snapshot(previous))
    model.status, model.adopted_at, model.adopted_by = SocialValueModel.Status.ADOPTED, now, by
    model.change_summary = change_summary
    model.full_clean()
    model.save()
    caching.changed(SocialValueModel)  # this version adopted, the one before superseded
    audit_record(
        actor=by,
        action="model.adopt",
        target=model,
        after={**_model_snapshot(model), "change_summary": change_summary},
    )
    return model


@transaction.atomic
def review_record(
    *,
    model: SocialValueModel,
    held_on: date,
    attendees: list[User],
    evidence: str,
    findings: str,
    decisions: str,
    result: str,
    by: User,
    consultations=(),
) -> ModelReview:
    """Record the board's review of the adopted version; a "new draft" result starts one if none is open."""
    review = ModelReview(
        model=model,
        held_on=held_on,
        evidence=evidence,
        findings=findings,
        decisions=decisions,
        result=result,
        recorded_by=by,
    )
    review.full_clean()
    review.save()
    review.attendees.set(attendees)
    review.consultations.set(consultations)
    caching.changed(ModelReview, ModelReview.attendees.through, ModelReview.consultations.through)
    audit_record(
        actor=by,
        action="review.record",
        target=review,
        after={
            "held_on": held_on,
            "result": result,
            "attendees": [a.pk for a in attendees],
            "consultations": [c.pk for c in consultations],
        },
    )
    if (
        result == ModelReview.Result.NEW_DRAFT
        and not SocialValueModel.objects.filter(status="draft").exists()
    ):
        model_start_draft(by=by)
    return review


@transaction.atomic
def organisation_save(*, organisation: Organisation, by: User) -> Organisation:
    creating = organisation.pk is None
    organisation.full_clean()
    organisation.save()
    caching.changed(Organisation)
    audit_record(
        actor=by,
        action="organisation.create" if creating else "organisation.update",
        target=organisation,
        after={"name": organisation.name, "sector": organisation.sector, "size": organisation.size},
    )
    return organisation


@transaction.atomic
def board_membership_add(*, membership: BoardMembership, by: User) -> BoardMembership:
    membership.full_clean()
    membership.save()
    caching.changed(BoardMembership)
    audit_record(
        actor=by,
        action="board_membership.add",
        target=membership,
        after={"person": membership.person_id, "organisation": membership.organisation_id},
    )
    return membership


@transaction.atomic
def board_membership_end(*, membership: BoardMembership, ended_on: date, by: User) -> BoardMembership:
    membership = BoardMembership.objects.select_for_update().get(pk=membership.pk)
    if membership.ended_on is not None:
        raise ValidationError(MEMBERSHIP_ALREADY_ENDED.format(ended_on=membership.ended_on), code="ended")
    membership.ended_on = ended_on
    membership.full_clean()
    membership.save(update_fields=["ended_on"])
    caching.changed(BoardMembership)
    audit_record(actor=by, action="board_membership.end", target=membership, after={"ended_on": ended_on})
    return membership


def _action_snapshot(action: ReviewAction) -> dict:
    return {
        "action": action.action,
        "owner": action.owner_id,
        "due_on": action.due_on,
        "status": action.status,
    }


@transaction.atomic
def review_action_save(*, action: ReviewAction, by: User) -> ReviewAction:
    """Add an action to a review's log, or change one (its wording, owner, due date or status)."""
    before = None
    if action.pk is not None:
        before = _action_snapshot(ReviewAction.objects.select_for_update().get(pk=action.pk))
    action.full_clean()
    action.save()
    caching.changed(ReviewAction)
    audit_record(
        actor=by,
        action="review.action_update" if before else "review.action_add",
        target=action,
        before=before,
        after=_action_snapshot(action),
    )
    return action
