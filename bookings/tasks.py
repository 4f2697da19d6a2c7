"""Celery tasks: thin and idempotent; they call services."""

from celery import shared_task

from . import services


@shared_task(name="bookings.expire_overdue")
def expire_overdue_bookings() -> int:
    """Pending requests past their decision limit become expired (safe to run twice)."""
    return services.expire_overdue()


@shared_task(name="bookings.send_reminders")
def send_booking_reminders() -> int:
    """Reminders for tomorrow's approved bookings; beat runs it hourly in office hours."""
    return services.send_reminders()


@shared_task(name="bookings.send_digests")
def send_morning_digests() -> int:
    """Each institution's staff get the list of undecided requests; beat runs it at 08:00."""
    return services.send_digests()
