"""Writes for consultations: each in one transaction, validated, audited where an officer acts."""

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from knowsley_sv import caching, formatting
from knowsley_sv.audit import audit_record
from knowsley_sv.models import User
from outcomes import services as outcome_services
from outcomes.models import Outcome, SocialValueModel, Ward

from . import rules
from .models import Allocation, Comment, Consultation, ContactRecord, Response, WardPopulation

NOT_OPEN_YET = "This consultation opens at {opens}."
CLOSED = "This consultation closed at {closes}. Thank you for your interest."
RESPONSE_PUBLISHED = (
    "The board has published its response to this consultation, so no more answers can be entered."
)
NOT_CLOSED_YET = "The consultation is still open. Wait until it closes at {closes}."
WITHDRAW_CLOSED = "The consultation has closed, so responses can no longer be withdrawn."
NO_SUCH_RECEIPT = "We could not find a response with that receipt code. Check the code and try again."
SPLIT_ALREADY_ADOPTED = "The proposed split was already adopted into version {version} on {on:%-d %B %Y}."
NOTHING_TO_ADOPT = "There are not enough responses to propose a split."
STARTED_AFTER_OPENING = "The questions cannot change once the consultation has opened."

ACCEPT_ONCE_SECONDS = 10 * 60  # the same answers from the same browser within this time return the first
SUSPECT_DUPLICATE_SECONDS = 24 * 60 * 60  # the same answers from the same address within a day are flagged


@dataclass
class Answers:
    """A resident's answers, as the forms produce them."""

    points: dict[int, int]  # outcome number -> points
    comments: dict[int, str] = field(default_factory=dict)  # outcome number -> text
    missing: str = ""
    ward_id: int | None = None
    age_band: str = ""
    lives_in_borough: bool = False
    works_in_borough: bool = False
    runs_business_in_borough: bool = False
    volunteers_in_borough: bool = False
    consent_to_quote: bool = False

    @staticmethod
    def connection_flags(connections) -> dict[str, bool]:
        """The forms' connection choices ("lives", "works", "business", "volunteers") as the four flags."""
        chosen = set(connections)
        return {
            "lives_in_borough": "lives" in chosen,
            "works_in_borough": "works" in chosen,
            "runs_business_in_borough": "business" in chosen,
            "volunteers_in_borough": "volunteers" in chosen,
        }

    def as_dict(self) -> dict:
        return {
            "points": {str(k): v for k, v in sorted(self.points.items())},
            "comments": {str(k): v for k, v in sorted(self.comments.items()) if v.strip()},
            "missing": self.missing.strip(),
            "ward_id": self.ward_id,
            "age_band": self.age_band,
            "lives": self.lives_in_borough,
            "works": self.works_in_borough,
            "business": self.runs_business_in_borough,
            "volunteers": self.volunteers_in_borough,
            "consent": self.consent_to_quote,
        }


def check_accepting(consultation: Consultation, *, channel: str, now=None) -> None:
    """Online answers only while open; officers may key paper and event answers until the board responds."""
    now = now or timezone.now()
    if now < consultation.opens_at:
        raise ValidationError(
            NOT_OPEN_YET.format(opens=formatting.moment(consultation.opens_at)), code="not_open"
        )
    if channel == Response.Channel.ONLINE and now >= consultation.closes_at:
        raise ValidationError(CLOSED.format(closes=formatting.moment(consultation.closes_at)), code="closed")
    if consultation.board_response_published_at:
        raise ValidationError(RESPONSE_PUBLISHED, code="responded")


def _check_answers(
    consultation: Consultation,
    answers: Answers,
    outcomes: Sequence[Outcome] | None = None,
    ward_ids: Collection[int] | None = None,
) -> dict[int, Outcome]:
    outcomes = {o.number: o for o in (consultation.model.outcomes.all() if outcomes is None else outcomes)}
    problems = rules.allocation_problems({n: answers.points.get(n) for n in outcomes})
    if problems:
        raise ValidationError({f"points_{k}" if k else "__all__": v for k, v in problems.items()})
    unknown = set(answers.points) - set(outcomes)
    if unknown:
        raise ValidationError(f"Outcomes {sorted(unknown)} are not part of this consultation.")
    if answers.ward_id is not None:
        if ward_ids is None:
            ward_ids = set(Ward.objects.filter(pk=answers.ward_id).values_list("pk", flat=True))
        if answers.ward_id not in ward_ids:
            raise ValidationError({"ward": "Select your ward from the list"})
    return outcomes


@transaction.atomic
def _store(*, consultation, outcomes, answers, receipt, channel, entered_by, submitted_at, suspected, email):
    response = Response(
        consultation=consultation,
        receipt_code=receipt,
        channel=channel,
        entered_by=entered_by,
        submitted_at=submitted_at or timezone.now(),
        ward_id=answers.ward_id,
        age_band=answers.age_band,
        lives_in_borough=answers.lives_in_borough,
        works_in_borough=answers.works_in_borough,
        runs_business_in_borough=answers.runs_business_in_borough,
        volunteers_in_borough=answers.volunteers_in_borough,
        consent_to_quote=answers.consent_to_quote,
        is_suspected_duplicate=suspected,
    )
    # Field checks only: the database's foreign keys, check constraints and unique receipt code settle the
    # rest (a race included), so the store is three INSERTs with no SELECT before them.
    response.full_clean(
        exclude=["consultation", "ward", "entered_by"], validate_unique=False, validate_constraints=False
    )
    response.save()
    Allocation.objects.bulk_create(
        Allocation(response=response, outcome=outcomes[n], points=answers.points.get(n, 0)) for n in outcomes
    )
    comments = [
        Comment(response=response, outcome=outcomes[n], text=text.strip())
        for n, text in sorted(answers.comments.items())
        if text.strip() and n in outcomes
    ]
    if answers.missing.strip():
        comments.append(Comment(response=response, outcome=None, text=answers.missing.strip()))
    Comment.objects.bulk_create(comments)
    if email:
        contact_add(consultation=consultation, email=email)
    if entered_by is not None:
        audit_record(actor=entered_by, action="response.enter", target=response, after={"channel": channel})
    caching.changed(Response, Allocation, Comment, scope=consultation.pk)
    return response


@dataclass
class _Attempt:
    """One submission's keys in the cache (response_submit): `once_key` (the device and the answers) and
    `seen_key` (the client and the answers), each None when there is no device or client to key on."""

    receipt: str
    once_key: str | None
    seen_key: str | None
    first: bool = True

    @classmethod
    def of(cls, consultation: Consultation, answers: Answers, *, client: str, device: str) -> "_Attempt":
        fingerprint = rules.answers_fingerprint(answers.as_dict())
        return cls(
            receipt=Response._meta.get_field("receipt_code").default(),
            once_key=f"consultation:{consultation.pk}:once:{device}:{fingerprint}" if device else None,
            seen_key=f"consultation:{consultation.pk}:seen:{client}:{fingerprint}" if client else None,
        )

    def claim(self) -> Response | None:
        """Claim the accept-once key; the same answers again from the same device return the first
        response when it is stored (and take its receipt code when it is still being stored)."""
        if not self.once_key:
            return None
        self.first = cache.add(self.once_key, self.receipt, ACCEPT_ONCE_SECONDS)
        if self.first:
            return None
        # The same answers again: reuse the first attempt's receipt code, so that if it has been stored
        # we return it, and if it is still being stored the unique receipt code stops a second copy.
        earlier = cache.get(self.once_key)
        if earlier and cache.get(_withdrawn_key(earlier)):
            # The earlier response was withdrawn: this is a fresh response with its own code.
            cache.set(self.once_key, self.receipt, ACCEPT_ONCE_SECONDS)
            if self.seen_key:
                cache.delete(self.seen_key)
            self.first = True
            return None
        self.receipt = earlier or self.receipt
        return Response.objects.filter(receipt_code=self.receipt).first()

    def suspected_duplicate(self) -> bool:
        seen = cache.get(self.seen_key) if self.seen_key else None
        if seen and cache.get(_withdrawn_key(seen)):
            cache.delete(self.seen_key)  # the same answers were sent and withdrawn: not a duplicate
            seen = None
        return bool(seen)

    def store(self, **values) -> Response:
        """_store(...) under this attempt's receipt code; on failure the accept-once key is released."""
        try:
            response = _store(receipt=self.receipt, **values)
        except IntegrityError:
            # A concurrent retry stored these answers under this attempt's receipt code first (it read the
            # code from the cache before this attempt committed): that response is this one.
            existing = Response.objects.filter(receipt_code=self.receipt).first() if self.once_key else None
            if existing is not None:
                return existing
            self._release()
            raise
        except Exception:
            self._release()
            raise
        if self.seen_key:
            cache.set(self.seen_key, self.receipt, SUSPECT_DUPLICATE_SECONDS)
        return response

    def _release(self) -> None:
        if self.first and self.once_key:
            cache.delete(self.once_key)


def response_submit(
    *,
    consultation: Consultation,
    answers: Answers,
    channel: str = Response.Channel.ONLINE,
    entered_by: User | None = None,
    client: str = "",
    device: str = "",
    submitted_at=None,
    email: str = "",
    outcomes: Sequence[Outcome] | None = None,
    ward_ids: Collection[int] | None = None,
) -> Response:
    """Store a response with its allocations and comments, once. `outcomes` (the consultation's model's
    outcomes) and `ward_ids` (every ward's id) when the caller has them already; read from the database
    when not.

    `client` is the keyed hash of the sender's address and `device` of its address and browser (the
    client's when not given). The same answers from the same device within ACCEPT_ONCE_SECONDS return the
    first response: a double click or a retry makes one response. The same answers from the same client
    within a day, whatever the browser, are stored but flagged as a suspected duplicate (never deleted: an
    office or a library carries many residents behind one address); the results are shown with and without
    them. The accept-once check keys on the device, not the address, because it hands back the first
    response's receipt code: two residents behind one address who happen to give the same answers must
    each get their own. Keys live only in the cache, never in the database.
    """
    check_accepting(consultation, channel=channel)
    outcomes = _check_answers(consultation, answers, outcomes, ward_ids)
    attempt = _Attempt.of(consultation, answers, client=client, device=device or client)
    earlier = attempt.claim()
    if earlier is not None:
        return earlier
    return attempt.store(
        consultation=consultation,
        outcomes=outcomes,
        answers=answers,
        channel=channel,
        entered_by=entered_by,
        submitted_at=submitted_at,
        suspected=attempt.suspected_duplicate(),
        email=email,
    )


def contact_add(*, consultation: Consultation, email: str) -> ContactRecord:
    """Erased by the retention schedule (consultation/retention.py), or sooner by the board."""
    contact = ContactRecord(consultation=consultation, email=email.strip().lower())
    contact.full_clean()
    contact.save()
    caching.changed(ContactRecord, scope=consultation.pk)
    return contact


@transaction.atomic
def contacts_erase(*, consultation: Consultation, ids: list[int] | None, by: User) -> int:
    """Erase the consultation's contact records with these ids (all of them when ids is None)."""
    contacts = consultation.contacts.all() if ids is None else consultation.contacts.filter(pk__in=ids)
    erased, _ = contacts.delete()
    caching.changed(ContactRecord, scope=consultation.pk)
    audit_record(actor=by, action="contacts.erase", target=consultation, after={"erased": erased})
    return erased


def response_find(*, consultation: Consultation, receipt_code: str) -> Response:
    code = receipt_code.strip().upper().replace(" ", "").replace("-", "")
    try:
        return consultation.responses.get(receipt_code=code)
    except Response.DoesNotExist:
        raise ValidationError({"receipt_code": NO_SUCH_RECEIPT}) from None


@transaction.atomic
def response_withdraw(*, response: Response) -> None:
    """Withdrawal deletes the response, its allocations and comments: nothing of it is kept."""
    if not response.consultation.is_open():
        raise ValidationError(WITHDRAW_CLOSED, code="closed")
    # Sending the same answers again soon after is a new response, not a resubmission of this one.
    cache.set(_withdrawn_key(response.receipt_code), True, SUSPECT_DUPLICATE_SECONDS)
    response.delete()  # its allocations and comments with it
    caching.changed(Response, Allocation, Comment, scope=response.consultation_id)


def _withdrawn_key(receipt_code: str) -> str:
    return f"consultation:withdrawn:{receipt_code}"


@transaction.atomic
def consultation_save(*, consultation: Consultation, by: User) -> Consultation:
    creating = consultation.pk is None
    if not creating:
        before = Consultation.objects.get(pk=consultation.pk)
        if before.opens_at <= timezone.now() and (
            before.model_id != consultation.model_id or before.opens_at != consultation.opens_at
        ):
            raise ValidationError(STARTED_AFTER_OPENING, code="opened")
    consultation.full_clean()
    consultation.save()
    caching.changed(Consultation, scope=consultation.pk)
    audit_record(
        actor=by,
        action="consultation.create" if creating else "consultation.update",
        target=consultation,
        after={"opens_at": consultation.opens_at, "closes_at": consultation.closes_at},
    )
    return consultation


@transaction.atomic
def comment_publish(*, comment: Comment, published_text: str, by: User) -> Comment:
    before = {"status": comment.status}
    comment.status, comment.published_text = Comment.Status.PUBLISHED, published_text.strip()
    comment.hidden_reason = ""
    comment.moderated_by, comment.moderated_at = by, timezone.now()
    comment.full_clean()
    comment.save()
    redacted = comment.published_text != comment.text.strip()
    audit_record(
        actor=by, action="comment.publish", target=comment, before=before, after={"redacted": redacted}
    )
    caching.changed(Comment, scope=comment.response.consultation_id)
    return comment


@transaction.atomic
def comment_hide(*, comment: Comment, reason: str, by: User) -> Comment:
    before = {"status": comment.status}
    comment.status, comment.hidden_reason, comment.published_text = Comment.Status.HIDDEN, reason.strip(), ""
    comment.moderated_by, comment.moderated_at = by, timezone.now()
    comment.full_clean()
    comment.save()
    audit_record(actor=by, action="comment.hide", target=comment, before=before, after={"reason": reason})
    caching.changed(Comment, scope=comment.response.consultation_id)
    return comment


@transaction.atomic
def board_response_publish(*, consultation: Consultation, text: str, by: User) -> Consultation:
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    if not consultation.is_closed():
        raise ValidationError(NOT_CLOSED_YET.format(closes=formatting.moment(consultation.closes_at)))
    consultation.board_response, consultation.board_response_published_at = text.strip(), timezone.now()
    consultation.full_clean()
    consultation.save(update_fields=["board_response", "board_response_published_at"])
    caching.changed(Consultation, scope=consultation.pk)
    audit_record(actor=by, action="consultation.respond", target=consultation, after={"text": text.strip()})
    return consultation


@transaction.atomic
def split_adopt(*, consultation: Consultation, split: dict[int, int], by: User) -> SocialValueModel:
    """Make the proposed split the default shares of the draft model (a new draft if none is open)."""
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    if not consultation.is_closed():
        raise ValidationError(NOT_CLOSED_YET.format(closes=formatting.moment(consultation.closes_at)))
    if consultation.split_adopted_at:
        raise ValidationError(
            SPLIT_ALREADY_ADOPTED.format(
                version=consultation.split_adopted_into.version,
                on=timezone.localtime(consultation.split_adopted_at),
            )
        )
    if not split or sum(split.values()) != rules.TOTAL_POINTS:
        raise ValidationError(NOTHING_TO_ADOPT)
    draft = SocialValueModel.objects.filter(status=SocialValueModel.Status.DRAFT).first()
    if draft is None:
        draft = outcome_services.model_start_draft(by=by)
    for outcome in draft.outcomes.all():
        if outcome.number in split:
            outcome_services.outcome_update(outcome=outcome, by=by, default_share=split[outcome.number])
    consultation.split_adopted_into, consultation.split_adopted_at = draft, timezone.now()
    consultation.split_adopted_by, consultation.adopted_split = by, {str(k): v for k, v in split.items()}
    consultation.save(
        update_fields=["split_adopted_into", "split_adopted_at", "split_adopted_by", "adopted_split"]
    )
    caching.changed(Consultation, scope=consultation.pk)  # the draft's outcomes: outcome_update names them
    audit_record(
        actor=by,
        action="consultation.adopt_split",
        target=consultation,
        after={"version": draft.version, **split},
    )
    return draft


@transaction.atomic
def ward_population_update(*, figure: WardPopulation, by: User, **fields) -> WardPopulation:
    before = {"population": figure.population, "year": figure.year, "source": figure.source}
    for name, value in fields.items():
        setattr(figure, name, value)
    figure.full_clean()
    figure.save()
    audit_record(actor=by, action="ward_population.update", target=figure, before=before, after=fields)
    caching.changed(WardPopulation)  # every consultation's weighted results
    return figure
