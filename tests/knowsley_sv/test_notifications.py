"""Messages (issue 17): each is stored for the Messages page and sent by email by a task on the queue, once;
nothing is sent for a rolled-back change; a failure is recorded and can be sent again; and the first events
that tell people what happened: an evaluator added to a panel, the award decision to every bidder, a review
pack ready for the board."""

import smtplib
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from knowsley_sv.models import Notification, User
from knowsley_sv.notifications import notify, retry_failed, send_notification, send_queued
from knowsley_sv.roles import Role
from procurement.models import DeliveryLine
from procurement.services import delivery as delivery_services
from reporting import services as pack_services
from reporting.pack.period import Period

from ..factories import UserFactory
from ..procurement.helpers import (
    bids_by_supplier,
    contracted_tender,
    panel_of,
    score_as,
    worked_example_tender,
)

pytestmark = pytest.mark.django_db


def _tell(user, url="/tenders/"):
    return notify([user], kind="test", subject="Your bid was received", body="Line one.\nLine two.", url=url)


@override_settings(SITE_URL="https://sv.knowsley.example")
def test_a_message_is_listed_and_emailed_once_with_a_link_back(django_capture_on_commit_callbacks):
    person = UserFactory(username="sam", email="sam@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        (made,) = _tell(person, "/tenders/KSV-1/")
    made.refresh_from_db()
    assert (made.status, made.attempts) == (Notification.Status.SENT, 1) and made.sent_at
    (email,) = mail.outbox
    assert email.to == ["sam@example.org"] and email.subject == "Your bid was received"
    assert "https://sv.knowsley.example/tenders/KSV-1/" in email.body
    html, kind = email.alternatives[0]
    assert kind == "text/html" and '<a href="https://sv.knowsley.example/tenders/KSV-1/">' in html
    assert email.extra_headers["Message-ID"] == f"<notification-{made.pk}@knowsley-social-value>"
    with django_capture_on_commit_callbacks(execute=True):
        notify([person], kind="test", subject="S", body="Tender <script>x</script> & co", url="/x/")
    html = mail.outbox[-1].alternatives[0][0]
    assert "&lt;script&gt;x&lt;/script&gt; &amp; co" in html and "<script>" not in html

    assert send_notification.call(made.pk) == "skipped"  # a task run twice sends nothing the second time
    assert len(mail.outbox) == 2


def test_nothing_is_sent_for_a_change_rolled_back(django_capture_on_commit_callbacks):
    person = UserFactory(username="sam", email="sam@example.org")
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        _tell(person)
        raise RuntimeError("the write failed")
    assert not Notification.objects.exists() and mail.outbox == []


def test_a_failed_send_is_recorded_and_sent_again_by_the_administrator(
    django_capture_on_commit_callbacks, monkeypatch
):
    person = UserFactory(username="sam", email="sam@example.org")

    def refuse(self, *args, **kwargs):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refuse)
    with django_capture_on_commit_callbacks(execute=True):  # the queue records the task's error; no 500
        (made,) = _tell(person)
    made.refresh_from_db()
    assert made.status == Notification.Status.FAILED and made.attempts == 1
    assert made.last_error == "SMTPServerDisconnected: Connection unexpectedly closed"

    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        assert retry_failed([made.pk]) == 1
    made.refresh_from_db()
    assert (made.status, made.attempts, len(mail.outbox)) == (Notification.Status.SENT, 2, 1)


def test_a_person_without_an_email_address_still_sees_the_message(django_capture_on_commit_callbacks):
    person = UserFactory(username="no-email", email="")
    with django_capture_on_commit_callbacks(execute=True):
        (made,) = _tell(person)
    made.refresh_from_db()
    assert (made.status, made.last_error) == (Notification.Status.FAILED, "No email address")
    assert mail.outbox == []


def test_messages_still_queued_are_sent_by_send_queued(django_capture_on_commit_callbacks):
    person = UserFactory(username="sam", email="sam@example.org")
    _tell(person)  # its on-commit enqueue never runs: as if the process died after the commit
    assert Notification.objects.get().status == Notification.Status.QUEUED and mail.outbox == []
    assert send_queued() == 1
    assert Notification.objects.get().status == Notification.Status.SENT and len(mail.outbox) == 1


def test_the_messages_page_lists_only_ones_own_messages(client, django_assert_max_num_queries):
    sam, alex = UserFactory(username="sam"), UserFactory(username="alex")
    for n in range(3):
        notify([sam], kind="test", subject=f"For Sam {n}", body="<b>Body</b>", url="/tenders/")
    notify([alex], kind="test", subject="For Alex", body="Body", url="/tenders/")
    assert client.get(reverse("messages")).status_code == 302  # sign in first
    client.force_login(sam)
    with django_assert_max_num_queries(8):
        page = client.get(reverse("messages")).content.decode()
    assert page.count("For Sam") == 3 and "For Alex" not in page
    assert "&lt;b&gt;Body&lt;/b&gt;" in page  # bodies are text, escaped


def test_an_evaluator_added_to_a_panel_is_told(django_capture_on_commit_callbacks):
    commissioner = UserFactory(username="commissioner", roles=[Role.COMMISSIONER])
    tender = worked_example_tender(commissioner)
    with django_capture_on_commit_callbacks(execute=True):
        evaluators = panel_of(tender, commissioner, count=2)
    for evaluator in evaluators:
        (message,) = Notification.objects.filter(recipient=evaluator)
        assert message.kind == "panel_added" and message.url == f"/tenders/{tender.reference}/evaluate/"
        assert message.subject == f"You are on the evaluation panel for {tender.reference}"
    assert sorted(e.to[0] for e in mail.outbox) == sorted(e.email for e in evaluators)


def test_every_bidder_hears_the_award_decision_with_its_own_summary(django_capture_on_commit_callbacks):
    commissioner = UserFactory(username="commissioner", roles=[Role.COMMISSIONER])
    with django_capture_on_commit_callbacks(execute=True):
        contract = contracted_tender(commissioner)
    tender = contract.award.tender
    decisions = Notification.objects.filter(kind="award_decision").select_related("recipient")
    bids = bids_by_supplier(tender)
    assert decisions.count() == len(bids)
    for message in decisions:
        organisation = message.recipient.supplier_member.organisation.name
        assert message.url == f"/tenders/{tender.reference}/summaries/{bids[organisation].pk}/"
        assert "The standstill period ends on" in message.body
        assert "£" not in message.body  # no price, not even one's own


def test_the_board_hears_a_review_pack_is_ready(django_capture_on_commit_callbacks):
    board = [UserFactory(username=f"board{n}", roles=[Role.BOARD_MEMBER]) for n in range(2)]
    UserFactory(username="commissioner", roles=[Role.COMMISSIONER])
    year = Period.financial_year(timezone.localdate().year - 2)
    with django_capture_on_commit_callbacks(execute=True):
        pack = pack_services.pack_prepare(period=year, review=None, by=board[0])
    messages = Notification.objects.filter(kind="pack_ready")
    assert sorted(m.recipient.username for m in messages) == ["board0", "board1"]
    assert {m.url for m in messages} == {pack.get_absolute_url()}


DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.mark.django_db(transaction=True)  # the worker closes its database connection when it is done
@override_settings(TASKS=DATABASE_QUEUE)
def test_on_the_database_queue_the_task_is_a_row_of_the_same_transaction_and_a_worker_sends_it():
    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    person = UserFactory(username="sam", email="sam@example.org")
    with pytest.raises(RuntimeError), transaction.atomic():
        _tell(person)
        assert DBTaskResult.objects.count() == 1  # enqueued inside the write's transaction
        raise RuntimeError("the write failed")
    assert DBTaskResult.objects.count() == 0 and not Notification.objects.exists()  # both rolled back

    (made,) = _tell(person)
    assert mail.outbox == []  # nothing is sent in the request
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    made.refresh_from_db()
    assert made.status == Notification.Status.SENT and len(mail.outbox) == 1
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)  # nothing left to do
    assert len(mail.outbox) == 1


def test_a_query_goes_to_the_supplier_and_its_answer_to_the_commissioners(
    django_capture_on_commit_callbacks, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    commissioner = UserFactory(username="commissioner", roles=[Role.COMMISSIONER])
    contract = contracted_tender(commissioner)
    supplier = User.objects.get(username="supplier-gamma-works")
    kpi = contract.kpis.order_by("pk").first()
    delivery_services.delivery_report_save(
        contract=contract,
        period_start=date(2027, 4, 1),
        by=supplier,
        lines={kpi.pk: delivery_services.LineEntry(Decimal(3), "Payroll", [])},
        now=timezone.make_aware(datetime(2027, 7, 5, 9)),
    )
    line = DeliveryLine.objects.get(kpi=kpi)
    with django_capture_on_commit_callbacks(execute=True):
        delivery_services.line_query(line=line, by=commissioner, question="Which <payroll>?")
    (asked,) = Notification.objects.filter(kind="line_queried")
    assert asked.recipient == supplier
    assert asked.url == f"/contracts/{contract.pk}/lines/{line.pk}/answer/"
    assert "Which <payroll>?" in asked.body and "30 June 2027" in asked.body

    pdf = SimpleUploadedFile("june.pdf", b"%PDF-1.4 payroll", content_type="application/pdf")
    with django_capture_on_commit_callbacks(execute=True):
        delivery_services.line_answer(
            line=line, by=supplier, answer="June's", quantity=Decimal(3), files=[pdf]
        )
    (answered,) = Notification.objects.filter(kind="query_answered")
    assert answered.recipient == commissioner
    assert answered.url == f"/contracts/{contract.pk}/lines/{line.pk}/review/"
    assert {e.to[0] for e in mail.outbox} >= {supplier.email, commissioner.email}


def test_the_commissioners_hear_when_the_last_evaluator_submits(django_capture_on_commit_callbacks):
    commissioner = UserFactory(username="commissioner", roles=[Role.COMMISSIONER])
    tender = worked_example_tender(commissioner)
    first, second = panel_of(tender, commissioner, count=2)
    with django_capture_on_commit_callbacks(execute=True):
        score_as(tender, first)
    assert not Notification.objects.filter(kind="panel_submitted").exists()  # one still scoring
    with django_capture_on_commit_callbacks(execute=True):
        score_as(tender, second)
    (done,) = Notification.objects.filter(kind="panel_submitted")
    assert done.recipient == commissioner and done.url == f"/tenders/{tender.reference}/panel/"
