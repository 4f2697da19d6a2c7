"""Submitting a usage report and reminding companies of the ones they owe; the API and the pages call these."""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.errors import Conflict, DomainError, PermissionDenied
from backend.plumbing import user_or_none
from bookings.models import Booking

from . import notices, selectors
from .models import Outcome, UsageReport

REMIND_BEFORE_DAYS = 7  # the reminder before the deadline goes out from this many days before it
REMIND_AFTER_DAYS = 14  # the reminder after it is sent within this many days of it (not for long-forgotten ones)


@transaction.atomic
def submit_usage_report(
    *,
    actor,
    booking: Booking,
    summary: str,
    outcome: str,
    publishable: bool | None = None,
    embargo_until: date | None = None,
    publications: str = "",
    today: date | None = None,
) -> tuple[UsageReport, bool]:
    """The booking's company (its requester or admins) reports on a completed use. A second submission amends the
    report (e.g. to lift an embargo); it keeps the deadline and whether the first one met it. Returns (report,
    created). `publishable` defaults to false for a confidential (成果非公開) booking, true otherwise."""
    today = today or timezone.localdate()
    booking = Booking.objects.select_for_update().select_related("instrument__institution").get(pk=booking.pk)
    if not selectors.may_submit(actor, booking):
        raise PermissionDenied(
            "not_the_company", _("Only the booking's requester or their company's admins may submit.")
        )
    if booking.status != Booking.Status.COMPLETED or booking.company_id is None:
        raise Conflict(
            "no_usage_report_owed",
            _("A usage report is owed only for a company's completed booking."),
        )
    summary = (summary or "").strip()
    if not summary:
        raise DomainError("summary_required", _("Write a summary."), field="summary")
    if outcome not in Outcome.values:
        raise DomainError("invalid_outcome", _("Choose the kind of outcome."), field="outcome")
    fields = {
        "summary": summary[:4000],
        "outcome": outcome,
        "publishable": (not booking.confidential) if publishable is None else bool(publishable),
        "embargo_until": embargo_until,
        "publications": (publications or "").strip()[:4000],
    }
    report = UsageReport.objects.filter(booking=booking).first()  # read under the booking's lock: current
    if report is not None:
        for key, value in fields.items():
            setattr(report, key, value)
        report.save(update_fields=[*fields, "updated_at"])
        return report, False
    due = selectors.due_on(booking)
    report = UsageReport.objects.create(
        booking=booking,
        company_id=booking.company_id,
        due_on=due,
        on_time=today <= due,
        submitted_by=user_or_none(actor),
        submitted_at=timezone.now(),
        **fields,
    )
    return report, True


def send_reminders(*, today: date | None = None) -> int:
    """Remind companies of reports they owe: once from REMIND_BEFORE_DAYS before the deadline, and once after it
    (within REMIND_AFTER_DAYS). Idempotent: each e-mail has a key naming the booking, the kind and the recipient,
    and the outbox never queues a key twice, so beat may run this as often as it likes."""
    today = today or timezone.localdate()
    missing = selectors.owing().filter(usage_report__isnull=True)
    past_due = selectors.ended_before(0, today)
    soon = missing.exclude(past_due).filter(selectors.ended_before(-(REMIND_BEFORE_DAYS + 1), today))
    late = missing.filter(past_due).exclude(selectors.ended_before(REMIND_AFTER_DAYS, today))
    sent = 0
    for kind, bookings in (("before", soon), ("after", late)):
        for booking in bookings.select_related("instrument__institution", "company", "requester").order_by("id"):
            with transaction.atomic():
                sent += notices.remind(booking, kind=kind, due=selectors.due_on(booking), today=today)
    return sent
