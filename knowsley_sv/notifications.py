"""Telling people what happened (issue 17): every message is a Notification row, listed at once on the
person's Messages page, and sent by email by a task on the queue (django-tasks; knowsley_sv.settings TASKS).

- `notify(...)` is called by a service inside its transaction. It stores the messages and enqueues their
  sending in the same transaction (the database queue's rows commit or roll back with the write), so nothing
  is sent for a change that is rolled back and nothing is lost if a worker dies. A queue outside the
  database (the immediate one of local development and tests) is given the tasks when the transaction
  commits. A message still queued can always be sent again by `send_queued`.
- `send_notification` is the task. It locks the row and sends only a message still queued, so two workers, or
  a task run twice, never send it twice. A failure is recorded on the row (failed, the attempt count and the
  error) and the task raises, so the queue records it too.

Messages carry a subject, a plain-text body and a link back to the page that matters, and no personal data
beyond what the message needs (never a price but the recipient's own).
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape, linebreaks
from django_tasks import task

from . import caching
from .models import Notification, User

ERROR_LENGTH = 300


@dataclass(frozen=True)
class Message:
    recipient: User
    subject: str
    body: str
    url: str  # a path on this service: the page the message is about


def notify(recipients: Iterable[User], *, kind: str, subject: str, body: str, url: str) -> list[Notification]:
    """The same message to each recipient (once each, active accounts only)."""
    return notify_each(kind, [Message(r, subject, body, url) for r in recipients if r is not None])


def notify_each(kind: str, messages: Iterable[Message]) -> list[Notification]:
    """Store each message (active accounts only, once per recipient and page) in one query, and enqueue its
    sending."""
    unique = {(m.recipient.pk, m.url): m for m in messages if m.recipient.is_active}
    made = Notification.objects.bulk_create(
        Notification(recipient=m.recipient, kind=kind, subject=m.subject, body=m.body, url=m.url)
        for m in unique.values()
    )
    caching.changed(Notification)  # the one write, announced as every service announces its own
    _enqueue([n.pk for n in made])
    return made


def _enqueue(ids: list[int]) -> None:
    if settings.TASKS["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend":
        for pk in ids:  # rows of the queue, in this transaction
            send_notification.enqueue(pk)
    else:
        transaction.on_commit(lambda: [send_notification.enqueue(pk) for pk in ids])


def _link(url: str) -> str:
    return settings.SITE_URL + url


def _email(notification: Notification) -> EmailMultiAlternatives:
    link = _link(notification.url)
    text = f"{notification.body}\n\n{link}\n\nKnowsley Social Value\n"
    html = (
        f'{linebreaks(notification.body, autoescape=True)}<p><a href="{escape(link)}">{escape(link)}</a></p>'
        "<p>Knowsley Social Value</p>"
    )
    email = EmailMultiAlternatives(subject=notification.subject, body=text, to=[notification.recipient.email])
    email.attach_alternative(html, "text/html")
    # The same message sent twice (if it ever were) carries the same id, so a mail system can drop the copy.
    email.extra_headers["Message-ID"] = f"<notification-{notification.pk}@knowsley-social-value>"
    return email


@task()
def send_notification(notification_id: int) -> str:
    """Send one queued message by email; record the outcome on it. Returns its status."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(skip_locked=True)
            .select_related("recipient")
            .filter(pk=notification_id, status=Notification.Status.QUEUED)
            .first()
        )
        if notification is None:  # sent already, being sent by another worker, or gone
            return "skipped"
        notification.attempts += 1
        if not notification.recipient.email:
            notification.status, notification.last_error = Notification.Status.FAILED, "No email address"
            notification.save(update_fields=["status", "attempts", "last_error"])
            return notification.status
        try:
            _email(notification).send()
        except Exception as error:  # recorded in this transaction, raised after it commits
            failure = error
            notification.status = Notification.Status.FAILED
            notification.last_error = f"{type(error).__name__}: {error}"[:ERROR_LENGTH]
            notification.save(update_fields=["status", "attempts", "last_error"])
        else:
            failure = None
            notification.status, notification.sent_at = Notification.Status.SENT, timezone.now()
            notification.save(update_fields=["status", "attempts", "sent_at"])
    if failure is not None:
        raise failure  # the queue records the task as failed too
    return notification.status


def send_queued() -> int:
    """Enqueue a send for every message still queued (a task lost before it ran, say). Returns how many."""
    ids = list(Notification.objects.filter(status=Notification.Status.QUEUED).values_list("pk", flat=True))
    for pk in ids:
        send_notification.enqueue(pk)
    return len(ids)


def retry_failed(ids: Iterable[int]) -> int:
    """Put failed messages back in the queue and enqueue them (the administrator's "Send again")."""
    ids = list(
        Notification.objects.filter(pk__in=list(ids), status=Notification.Status.FAILED).values_list(
            "pk", flat=True
        )
    )
    Notification.objects.filter(pk__in=ids).update(status=Notification.Status.QUEUED)
    _enqueue(ids)
    return len(ids)
