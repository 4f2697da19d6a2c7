"""Celery tasks: thin and idempotent; they call services."""

from celery import shared_task

from . import services


@shared_task(name="usage_reports.remind")
def remind_usage_reports() -> int:
    """Remind companies of usage reports due soon or overdue, each reminder once (beat: daily)."""
    return services.send_reminders()
