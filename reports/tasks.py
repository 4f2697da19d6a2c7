"""Celery tasks: thin and idempotent; they call services."""

from datetime import date

from celery import shared_task

from . import services


@shared_task(name="reports.build")
def build_report_task(report_id: str) -> bool:
    """Build one requested report (a second delivery finds it claimed and does nothing)."""
    return services.build_report(report_id)


@shared_task(name="reports.monthly")
def monthly_reports_task(today: str | None = None) -> int:
    """Beat, on the 1st: last month's report for each consortium, each built and announced by its own task.

    `today` (YYYY-MM-DD) re-runs the schedule as of another day; by default it is today in Tokyo.
    """
    ids = services.schedule_monthly_reports(today=date.fromisoformat(today) if today else None)
    for report_id in ids:
        build_and_announce_task.delay(str(report_id))
    return len(ids)


@shared_task(name="reports.build_and_announce")
def build_and_announce_task(report_id: str) -> bool:
    return services.build_and_announce(report_id)
