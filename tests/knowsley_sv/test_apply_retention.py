"""`manage.py apply_retention`: each kind of record goes exactly when the schedule says, and nothing else.

The clock is moved by passing `now`; the schedule is pinned to its defaults (test_retention.py's DEFAULTS).
"""

import json
from datetime import date, datetime, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from consultation.models import Allocation, Comment, Consultation, ContactRecord, Response
from knowsley_sv import retention
from knowsley_sv.models import AuditEvent, User
from knowsley_sv.roles import Role
from outcomes.models import Outcome, SocialValueModel
from procurement.models import Contract, Evidence
from procurement.services.delivery import LineEntry, delivery_report_save

from ..factories import UserFactory
from ..procurement.helpers import contracted_tender
from .test_retention import DEFAULTS

pytestmark = pytest.mark.django_db
NOW = timezone.make_aware(datetime(2031, 6, 1, 9, 0))
SECOND = timedelta(seconds=1)


@pytest.fixture(autouse=True)
def _schedule_and_storage(settings):
    settings.RETENTION = dict(DEFAULTS)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }


def run(now=NOW, *options) -> str:
    out = StringIO()
    call_command("apply_retention", *options, now=now.isoformat(), stdout=out)
    return out.getvalue()


def consultation(slug, *, model=None, closes_at, published_at=None) -> Consultation:
    return Consultation.objects.create(
        title=slug,
        slug=slug,
        summary="What is proposed",
        how_answers_are_used="How answers are used",
        model=model or SocialValueModel.objects.get(version=1),
        opens_at=closes_at - timedelta(days=56),
        closes_at=closes_at,
        created_by=UserFactory(username=f"creator-{slug}"),
        board_response="You said, we did" if published_at else "",
        board_response_published_at=published_at,
    )


def response_with_comment(on: Consultation, text: str) -> Response:
    response = Response.objects.create(consultation=on, submitted_at=on.opens_at + timedelta(days=1))
    outcomes = Outcome.objects.filter(model=on.model).order_by("number")
    Allocation.objects.bulk_create(
        Allocation(response=response, outcome=o, points=p)
        for o, p in zip(outcomes, [50, 50, 0, 0, 0, 0], strict=True)
    )
    Comment.objects.create(response=response, outcome=outcomes[0], text=text)
    return response


def set_time(model, field, pk, when) -> None:
    model.objects.filter(pk=pk).update(**{field: when})  # auto_now_add fields can only be moved after saving


def stored_evidence() -> set[str]:
    def walk(folder):
        try:
            folders, files = default_storage.listdir(folder)
        except FileNotFoundError:
            return
        yield from (f"{folder}/{name}" for name in files)
        for sub in folders:
            yield from walk(f"{folder}/{sub}")

    return set(walk("evidence"))


# --- Residents' contact details -----------------------------------------------------------------------------
def test_contacts_go_a_period_after_the_response_is_published_or_at_the_latest_a_year_after_close():
    cases = {  # slug: (closes, published, erased?)
        "answered-past": (NOW - timedelta(days=90), NOW - timedelta(days=30) - SECOND, True),
        "answered-on-the-day": (NOW - timedelta(days=90), NOW - timedelta(days=30), False),
        "unanswered-past": (NOW - timedelta(days=365) - SECOND, None, True),
        "unanswered-on-the-day": (NOW - timedelta(days=365), None, False),
        "answered-late-past": (NOW - timedelta(days=365) - SECOND, NOW - timedelta(days=2), True),
    }
    for slug, (closes, published, _) in cases.items():
        ContactRecord.objects.create(
            consultation=consultation(slug, closes_at=closes, published_at=published),
            email=f"{slug}@example.org",
        )

    out = run()

    kept = {slug for slug, (_c, _p, erased) in cases.items() if not erased}
    assert set(ContactRecord.objects.values_list("consultation__slug", flat=True)) == kept
    assert "contacts (before 2 May 2031 09:00): contact records 1" in out  # after the response
    assert "contacts_unanswered (before 1 June 2030 09:00): contact records 2" in out  # at the latest


# --- Consultation answers and comments ----------------------------------------------------------------------
def test_comments_go_two_years_after_the_model_is_replaced_and_the_points_stay():
    two_years_before_now = timezone.make_aware(datetime(2029, 6, 1, 9, 0))
    SocialValueModel.objects.filter(version=1).update(superseded_at=two_years_before_now - SECOND)
    response = response_with_comment(
        consultation("old", closes_at=NOW - timedelta(days=1500)), "I live at no. 4"
    )

    out = run(NOW - 2 * SECOND)

    assert response.comments.count() == 1
    assert "responses (before 1 June 2029 08:59): comments 0" in out

    out = run(NOW)

    assert not Comment.objects.exists()
    assert Response.objects.get() == response and response.allocations.count() == 6  # anonymous evidence
    assert "responses (before 1 June 2029 09:00): comments 1" in out


# --- Delivery evidence --------------------------------------------------------------------------------------
@pytest.fixture
def evidence(adopted_model) -> Evidence:
    commissioner = UserFactory(username="commissioner", roles=[Role.COMMISSIONER])
    contract = contracted_tender(commissioner)  # ends 31 March 2028
    supplier = User.objects.get(username="supplier-gamma-works")
    kpi = contract.kpis.order_by("outcome_number").first()
    pdf = SimpleUploadedFile("payroll.pdf", b"%PDF-1.4 evidence", content_type="application/pdf")
    delivery_report_save(
        contract=contract,
        period_start=date(2027, 4, 1),
        by=supplier,
        lines={kpi.pk: LineEntry(Decimal(3), "Payroll extract", [pdf])},
        now=timezone.make_aware(datetime(2027, 7, 5, 10, 0)),
    )
    return Evidence.objects.get()


def test_evidence_files_and_records_go_six_years_after_the_contract_ends(
    evidence, django_capture_on_commit_callbacks
):
    assert Contract.objects.get().end_date == date(2028, 3, 31)
    default_storage.save("evidence/2027/07/upload-rolled-back.pdf", ContentFile(b"%PDF-1.4"))
    on_the_day = timezone.make_aware(datetime(2034, 3, 31, 23, 0))

    with django_capture_on_commit_callbacks(execute=True):
        out = run(on_the_day)

    assert "evidence (before 31 March 2028 23:00): evidence records 0, files without a record 1" in out
    assert list(Evidence.objects.all()) == [evidence]
    assert stored_evidence() == {evidence.file.name}  # the stray file went, the recorded one stayed

    with django_capture_on_commit_callbacks(execute=True):
        out = run(on_the_day + timedelta(hours=1))

    assert "evidence (before 1 April 2028 00:00): evidence records 1, files without a record 0" in out
    assert not Evidence.objects.exists() and stored_evidence() == set()


def test_a_run_that_fails_deletes_no_file_and_no_row(
    evidence, django_capture_on_commit_callbacks, monkeypatch
):
    def broken(**kwargs):
        raise RuntimeError("the audit job failed")

    monkeypatch.setitem(retention._jobs, "audit", broken)  # the last job: the others have run
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        run(NOW + timedelta(days=3650))

    assert list(Evidence.objects.all()) == [evidence]
    assert stored_evidence() == {evidence.file.name}


# --- Sign-in records and the audit trail --------------------------------------------------------------------
def test_sign_in_records_go_after_ninety_days():
    for i, age in enumerate([timedelta(days=90) + SECOND, timedelta(days=90)]):
        fields = {"user_agent": "browser", "ip_address": f"192.0.2.{i}", "username": f"user{i}"}
        for model, extra in [
            (AccessAttempt, {"get_data": "", "post_data": "", "failures_since_start": 3}),
            (AccessLog, {}),
            (AccessFailureLog, {}),
        ]:
            row = model.objects.create(**fields, **extra)
            set_time(model, "attempt_time", row.pk, NOW - age)

    out = run()

    for model in (AccessAttempt, AccessLog, AccessFailureLog):
        assert list(model.objects.values_list("username", flat=True)) == ["user1"]
    assert (
        "signin (before 3 March 2031 09:00): failed sign-in attempts 1, sign-in log entries 1, "
        "failed sign-in log entries 1"
    ) in out


def test_audit_entries_past_seven_years_keep_what_happened_but_not_who(adopted_model):
    officer = UserFactory(username="officer", first_name="Olive", last_name="Officer")
    old, recent = (
        AuditEvent.objects.create(
            actor=officer,
            actor_label="Olive Officer",
            action="model.adopt",
            target_type=ContentType.objects.get_for_model(adopted_model),
            target_id=str(adopted_model.pk),
            target_label="Version 1",
            before={"status": "draft"},
            after={"status": "adopted", "by": "Olive Officer"},
        )
        for _ in range(2)
    )
    seven_years_before_now = timezone.make_aware(datetime(2024, 6, 1, 9, 0))
    set_time(AuditEvent, "at", old.pk, seven_years_before_now - SECOND)
    set_time(AuditEvent, "at", recent.pk, seven_years_before_now)

    out = run()

    old.refresh_from_db()
    assert (old.actor, old.actor_label, old.target_label, old.before, old.after) == (
        None,
        "anonymised",
        "anonymised",
        None,
        None,
    )
    assert (old.action, old.target_id) == ("model.adopt", str(adopted_model.pk))
    recent.refresh_from_db()
    assert recent.actor == officer and recent.after["by"] == "Olive Officer"
    assert "audit (before 1 June 2024 09:00): audit entries 1" in out


# --- The run as a whole -------------------------------------------------------------------------------------
def everything_past_its_date() -> None:
    SocialValueModel.objects.filter(version=1).update(superseded_at=NOW - timedelta(days=3000))
    past = consultation("past", closes_at=NOW - timedelta(days=3000), published_at=NOW - timedelta(days=2900))
    ContactRecord.objects.create(consultation=past, email="resident@example.org")
    response_with_comment(past, "My address is 1 High Street")
    row = AccessLog.objects.create(user_agent="b", ip_address="192.0.2.1", username="officer")
    set_time(AccessLog, "attempt_time", row.pk, NOW - timedelta(days=3000))
    event = AuditEvent.objects.create(
        actor_label="Olive", action="x", target_type=ContentType.objects.get_for_model(past), target_id="1"
    )
    set_time(AuditEvent, "at", event.pk, NOW - timedelta(days=3000))


def snapshot() -> dict:
    return {
        "contacts": list(ContactRecord.objects.values()),
        "comments": list(Comment.objects.values()),
        "sign-ins": list(AccessLog.objects.values()),
        "audit": list(AuditEvent.objects.values()),
    }


def test_a_dry_run_counts_what_would_go_and_changes_nothing():
    everything_past_its_date()
    before = snapshot()

    out = run(NOW, "--dry-run")

    assert snapshot() == before  # and so no audit event either
    assert out.startswith("Dry run, nothing changed. Would go:")
    for line in [
        "contacts (before 2 May 2031 09:00): contact records 1",
        "responses (before 1 June 2029 09:00): comments 1",
        "signin (before 3 March 2031 09:00): failed sign-in attempts 0, sign-in log entries 1",
        "audit (before 1 June 2024 09:00): audit entries 1",
    ]:
        assert line in out


def test_a_run_records_its_counts_without_personal_data_and_a_second_run_changes_nothing():
    everything_past_its_date()

    run()
    after_first = snapshot()
    out = run()

    summaries = AuditEvent.objects.filter(action="retention.apply").order_by("at", "id")
    first, second = (event.after for event in summaries)
    assert {key: {k: v for k, v in counts.items() if k != "cutoff"} for key, counts in first.items()} == {
        "contacts": {"contact records": 1},
        "contacts_unanswered": {"contact records": 0},
        "responses": {"comments": 1},
        "evidence": {"evidence records": 0, "files without a record": 0},
        "signin": {"failed sign-in attempts": 0, "sign-in log entries": 1, "failed sign-in log entries": 0},
        "audit": {"audit entries": 1},
    }
    assert not any(word in json.dumps(first) for word in ["resident@example.org", "High Street", "Olive"])
    assert all(n == 0 for counts in second.values() for k, n in counts.items() if k != "cutoff")
    assert {k: v for k, v in snapshot().items() if k != "audit"} == {
        k: v for k, v in after_first.items() if k != "audit"
    }
    assert "contact records 0" in out


def test_an_entry_with_no_job_stops_the_run_before_anything_changes(monkeypatch):
    everything_past_its_date()
    before = snapshot()
    monkeypatch.delitem(retention._jobs, "evidence")

    with pytest.raises(LookupError, match="The retention entries evidence have no job"):
        run()

    assert snapshot() == before
