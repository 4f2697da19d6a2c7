"""Celery tasks: thin and idempotent; they call services."""

from celery import shared_task

from . import services


@shared_task(name="consultations.remind_unreferred")
def remind_unreferred_consultations() -> int:
    """Remind coordinators, once, of consultations not referred within two business days (beat: hourly)."""
    return services.remind_unreferred()
