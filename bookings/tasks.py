"""Celery tasks: thin and idempotent; they call services."""

from celery import shared_task

from . import services


@shared_task(name="bookings.expire_overdue")
def expire_overdue_bookings() -> int:
    """Pending requests past their decision limit become expired (safe to run twice)."""
    return services.expire_overdue()
