"""Celery tasks of the outbox: thin, and safe to run twice (each row is claimed before sending)."""

from celery import shared_task

from . import services


@shared_task(name="notifications.deliver", bind=True, max_retries=5)
def deliver_notification(self, notification_id: int) -> bool:
    """Send one queued e-mail; on failure retry with exponential back-off (then the drain goes on)."""
    try:
        return services.deliver(notification_id)
    except services.DeliveryFailed as exc:
        raise self.retry(exc=exc, countdown=services.backoff(self.request.retries + 1).total_seconds()) from exc


@shared_task(name="notifications.drain_outbox")
def drain_outbox() -> int:
    """Deliver queued e-mails whose task was lost (broker down) or failed; runs every minute in beat."""
    return services.drain()
