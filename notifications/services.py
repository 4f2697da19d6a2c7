"""Queue e-mails in the outbox and deliver them, each exactly once.

`notify` is called by other apps' services inside their transaction. It renders the message in the
recipient's language now (so what is sent is what the event looked like), stores it under a unique
key, and after commit hands its id to the Celery task `notifications.deliver`. If the broker cannot
be reached the row simply stays queued and `drain` (Celery beat, every minute) delivers it later.

Delivery is at most once per row in normal operation: `deliver` claims the row with a conditional
update and only the claimer sends. A worker that dies between sending and recording leaves the row
`sending`; after STALE_AFTER it is retried, so a crash at that exact moment can repeat one e-mail,
which is the price of never losing one.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import select_template
from django.utils import timezone, translation

from backend.escaping import one_line

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


def backoff(attempts: int) -> timedelta:
    """Wait before the next attempt: 1, 2, 4, … minutes, at most 6 hours."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 360))


def language_of(user) -> str:
    language = getattr(user, "language", "") or settings.LANGUAGE_CODE
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def render(template: str, context: dict, *, language: str) -> tuple[str, str]:
    """(subject, body) from `<template>.<language>.txt` (falling back to Japanese): the first line is
    the subject, the rest after one blank line the body."""
    with translation.override(language):
        text = select_template([f"{template}.{language}.txt", f"{template}.ja.txt"]).render(
            {**context, "site_url": settings.SITE_URL.rstrip("/")}
        )
    subject, _, body = text.lstrip().partition("\n")
    return one_line(subject).strip()[:255], body.strip() + "\n"  # a header: a CR from a name would refuse to send


def _fields(recipient, template: str, context: dict, attachments) -> dict:
    """The columns of a queued row: the message rendered now, in the recipient's language."""
    subject, body = render(template, context, language=language_of(recipient))
    return {
        "recipient": recipient,
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
    """Queue one e-mail to `recipient`; the same key never queues a second one. None if the user has
    no address."""
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
    """Hand a committed row to Celery. A broker that is down is not an error: the drain sends it."""
    from celery.exceptions import Retry

    from .tasks import deliver_notification

    try:
        deliver_notification.delay(notification_id)
    except (Retry, DeliveryFailed) as exc:  # in-process mode: the send failed; its retries are queued
        logger.warning("notification %s not sent yet, will retry: %s", notification_id, exc)
    except Exception as exc:  # kombu.exceptions.OperationalError and friends: the outbox keeps it
        logger.warning("broker unavailable, notification %s stays queued for the drain: %s", notification_id, exc)


def _message(notification: Notification) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(notification.subject, notification.body, to=[notification.to_email])
    for item in notification.attachments:
        message.attach(item["filename"], item["content"], item["mimetype"])
    return message


def deliver(notification_id: int, *, now: datetime | None = None) -> bool:
    """Send one queued row. True if this call sent it; False if someone else has or is sending it."""
    now = now or timezone.now()
    claimable = Q(status=Status.QUEUED) | Q(status=Status.SENDING, claimed_at__lt=now - STALE_AFTER)
    claimed = (
        Notification.objects.filter(claimable, pk=notification_id)
        .update(status=Status.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    )  # fmt: skip
    if not claimed:
        return False
    notification = Notification.objects.get(pk=notification_id)
    try:
        _message(notification).send()
    except Exception as exc:
        failed = notification.attempts >= MAX_ATTEMPTS
        Notification.objects.filter(pk=notification_id, status=Status.SENDING).update(
            status=Status.FAILED if failed else Status.QUEUED,
            last_error=f"{type(exc).__name__}: {exc}"[:2000],
            next_attempt_at=now + backoff(notification.attempts),
        )
        (logger.error if failed else logger.warning)("notification %s not sent: %s", notification_id, exc)
        raise DeliveryFailed(str(exc)) from exc
    Notification.objects.filter(pk=notification_id).update(status=Status.SENT, sent_at=timezone.now(), last_error="")
    return True


def drain(*, now: datetime | None = None, limit: int = 500) -> int:
    """Deliver what is due: rows whose task never ran or failed, and rows stuck `sending`. Returns the
    number sent. Safe to run beside the tasks: every row is claimed before it is sent."""
    now = now or timezone.now()
    due = Q(status=Status.QUEUED, next_attempt_at__lte=now) | Q(status=Status.SENDING, claimed_at__lt=now - STALE_AFTER)
    sent = 0
    for notification_id in Notification.objects.filter(due).order_by("id").values_list("id", flat=True)[:limit]:
        try:
            sent += deliver(notification_id, now=now)
        except DeliveryFailed:
            continue
    return sent
