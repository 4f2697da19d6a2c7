"""Queue e-mails in the outbox and deliver them, each exactly once but for a crash mid-send.

`notify` is called by other apps' services inside their transaction. It renders the message in the
recipient's language now (so what is sent is what the event looked like), stores it under a unique
key, and after commit hands its id to the Celery task `notifications.deliver`. If the broker cannot
be reached the row simply stays queued and `drain` (every minute: Celery beat, or the embedded
schedule of backend.schedule) delivers it later.

Delivery takes one row at a time, each step in its own transaction: claim it (`UPDATE … SET
status='sending', claim=<token> WHERE status='queued'`; only the claimer sends), send it, and record
`sent` at once, on a new connection if the old one was lost meanwhile. A row recorded sent is never
sent again. A sender that dies between sending and recording leaves its row `sending`; after
STALE_AFTER (longer than any send can take, see EMAIL_TIMEOUT) the drain queues it again, so a crash
at that moment repeats that one e-mail, the price of never losing one; it never repeats another. The
steps refuse to run inside a caller's transaction, whose rollback would forget what was sent.
"""

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import InterfaceError, OperationalError, connection, transaction
from django.db.models import F
from django.template.loader import get_template
from django.utils import timezone, translation

from backend.escaping import one_line
from backend.language import language_of
from backend.outages import BROKER, outage_of

from .models import Notification

logger = logging.getLogger(__name__)

Status = Notification.Status
MAX_ATTEMPTS = 12
STALE_AFTER = timedelta(minutes=15)
DRAIN_GRACE = timedelta(minutes=1)  # the task gets this long before the drain steps in


class DeliveryFailed(Exception):
    """The mail backend refused or failed; the row is queued again for a later attempt."""


@dataclass(frozen=True)
class Attachment:
    filename: str
    mimetype: str
    content: str


@dataclass(frozen=True)
class Address:
    """A recipient who has no account yet (e.g. the person an invitation is sent to): where to write and in which
    language. `notify` takes it where it takes a user."""

    email: str
    language: str
    pk = None


def backoff(attempts: int) -> timedelta:
    """Wait before the next attempt: 1, 2, 4, … minutes, at most 6 hours."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 360))


def render(template: str, context: dict, *, language: str) -> tuple[str, str]:
    """(subject, body) from `<template>.txt` rendered in `language` (its text through the catalogues): the first
    line is the subject, the rest after one blank line the body."""
    with translation.override(language):
        text = get_template(f"{template}.txt").render({**context, "site_url": settings.SITE_URL.rstrip("/")})
    subject, _, body = text.lstrip().partition("\n")
    return one_line(subject).strip()[:255], body.strip() + "\n"  # a header: a CR from a name would refuse to send


def _fields(recipient, template: str, context: dict, attachments) -> dict:
    """The columns of a queued row: the message rendered now, in the recipient's language."""
    subject, body = render(template, context, language=language_of(recipient))
    return {
        "recipient": recipient if recipient.pk else None,
        "to_email": recipient.email,
        "subject": subject,
        "body": body,
        "attachments": [vars(a) if isinstance(a, Attachment) else dict(a) for a in attachments],
        "next_attempt_at": timezone.now() + DRAIN_GRACE,
    }


def _has_address(key: str, recipient) -> bool:
    if not recipient.email:
        logger.info("notification %s skipped: user %s has no e-mail address", key, recipient.pk)
    return bool(recipient.email)


def notify(*, key: str, recipient, template: str, context: dict, attachments=()) -> Notification | None:
    """Queue one e-mail to `recipient` (a user, or an `Address` of someone without an account); the same key never
    queues a second one. None if the user has no address."""
    if not _has_address(key, recipient):
        return None
    notification, created = Notification.objects.get_or_create(
        key=key[:200], defaults=_fields(recipient, template, context, attachments)
    )
    if created:
        transaction.on_commit(lambda: dispatch(notification.pk), robust=True)
    return notification


@dataclass(frozen=True)
class Message:
    key: str
    recipient: object
    template: str
    context: dict
    attachments: tuple = ()


def notify_new(messages: list[Message]) -> list[Notification]:
    """Queue e-mails whose keys are new by construction, because they name a row this transaction has just
    created (a booking event): one INSERT for all of them and no look-up first. Were a key to exist after
    all, the unique constraint refuses and the transaction fails rather than sending twice."""
    rows = [
        Notification(key=m.key[:200], **_fields(m.recipient, m.template, m.context, m.attachments))
        for m in messages
        if _has_address(m.key, m.recipient)
    ]
    if not rows:
        return []
    created = Notification.objects.bulk_create(rows)
    for notification in created:
        transaction.on_commit(lambda pk=notification.pk: dispatch(pk), robust=True)
    return created


def notify_once(*, key: str, **kwargs) -> bool:
    """For work that runs again and again (reminders, digests): queue unless a row with this key exists,
    in which case nothing is rendered. True if this call queued it."""
    if Notification.objects.filter(key=key[:200]).exists():
        return False
    return notify(key=key, **kwargs) is not None


def dispatch(notification_id: int) -> None:
    """Hand a committed row to Celery. A broker that is down is not an error: the drain sends it. In embedded mode
    the task runs here and now, so a failure of the mail server or of the database shows up here too; each is
    logged as what it is, and the row waits for its retry or the drain."""
    from celery.exceptions import Retry

    from .tasks import deliver_notification

    try:
        deliver_notification.delay(notification_id)
    except (Retry, DeliveryFailed) as exc:  # in-process mode: the send failed; its retries are queued
        logger.warning("notification %s not sent yet, will retry: %s", notification_id, exc)
    except Exception as exc:
        outage = outage_of(exc)
        if outage is BROKER:  # kombu.exceptions.OperationalError: the outbox keeps the row
            logger.warning("broker unavailable, notification %s stays queued for the drain: %s", notification_id, exc)
        elif outage is not None:
            logger.warning("database unavailable, notification %s is left for the drain: %s", notification_id, exc)
        else:
            logger.exception("notification %s failed unexpectedly; it is left for the drain", notification_id)


def _message(notification: Notification) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(notification.subject, notification.body, to=[notification.to_email])
    for item in notification.attachments:
        message.attach(item["filename"], item["content"], item["mimetype"])
    return message


def deliver(notification_id: int, *, now: datetime | None = None) -> bool:
    """Send one queued row. True if this call sent it; False if someone else has or is sending it."""
    now = now or timezone.now()
    claim = _claim(notification_id, now)
    if claim is None:
        return False
    notification = Notification.objects.get(pk=notification_id)
    try:
        _message(notification).send()
    except Exception as exc:
        failed = notification.attempts >= MAX_ATTEMPTS
        with transaction.atomic(durable=True):
            Notification.objects.filter(pk=notification_id, claim=claim).update(
                status=Status.FAILED if failed else Status.QUEUED,
                claim=None,
                last_error=f"{type(exc).__name__}: {exc}"[:2000],
                next_attempt_at=now + backoff(notification.attempts),
            )
        (logger.error if failed else logger.warning)("notification %s not sent: %s", notification_id, exc)
        raise DeliveryFailed(str(exc)) from exc
    _record_sent(notification_id)
    return True


def _claim(notification_id: int, now: datetime) -> uuid.UUID | None:
    """queued → sending under a new claim token, in a transaction of its own; None if the row is not queued."""
    claim = uuid.uuid4()
    with transaction.atomic(durable=True):
        claimed = Notification.objects.filter(pk=notification_id, status=Status.QUEUED).update(
            status=Status.SENDING, claim=claim, claimed_at=now, attempts=F("attempts") + 1
        )
    return claim if claimed else None


def _record_sent(notification_id: int) -> None:
    """Record that the e-mail has left, in a transaction of its own, at once: no drain sends the row again. The
    e-mail is out whatever happens now, so a connection lost meanwhile is replaced and the record made on the new
    one, rather than leaving the row `sending` to be sent a second time."""

    def record():
        with transaction.atomic(durable=True):
            Notification.objects.filter(pk=notification_id).exclude(status=Status.SENT).update(
                status=Status.SENT, sent_at=timezone.now(), last_error="", claim=None
            )

    try:
        record()
    except (OperationalError, InterfaceError) as exc:
        logger.warning("notification %s was sent; recording it again on a new connection: %s", notification_id, exc)
        if not connection.in_atomic_block:  # (only a test's transaction) drop a lost connection; Django reconnects
            connection.close_if_unusable_or_obsolete()
        record()


def requeue_stale(*, now: datetime) -> int:
    """Queue again the rows left `sending` for longer than STALE_AFTER: their sender died (or lost the database
    for good) between claiming and recording. Their e-mail may have left, so this may repeat it; a row recorded
    sent is never touched. Returns how many were queued again."""
    stale = Notification.objects.filter(status=Status.SENDING, claimed_at__lt=now - STALE_AFTER)
    ids = list(stale.values_list("id", flat=True))
    if not ids:
        return 0
    with transaction.atomic(durable=True):
        count = stale.filter(id__in=ids).update(status=Status.QUEUED, claim=None, next_attempt_at=now)
    logger.warning("notifications %s were left sending since before %s; queued again", ids, now - STALE_AFTER)
    return count


def drain(*, now: datetime | None = None, limit: int = 500) -> int:
    """Deliver what is due: rows whose task never ran or failed, and rows left `sending` by a dead sender (queued
    again first). One row at a time, each claimed before it is sent, so it is safe beside the tasks and another
    drain. Returns the number sent."""
    now = now or timezone.now()
    requeue_stale(now=now)
    due = Notification.objects.filter(status=Status.QUEUED, next_attempt_at__lte=now).order_by("id")
    sent = 0
    for notification_id in list(due.values_list("id", flat=True)[:limit]):
        try:
            sent += deliver(notification_id, now=now)
        except DeliveryFailed:
            continue
    return sent
