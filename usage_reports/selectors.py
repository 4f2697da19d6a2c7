"""Reads: which completed bookings owe a usage report, when it is due, who may see which report, and the
`usage_reports` block of the consortium's utilization report.

A completed booking with a company owes a report due `usage_report_due_days` (its institution's setting) after
the Tokyo day its use ended: `due_on = day(actual_end) + days`. It is
- `submitted` once the company sent it (`on_time` if by the due day),
- `owed` while there is none and today ≤ due_on,
- `overdue` when there is none and today > due_on.

The deadline is compared in SQL without date arithmetic per row: "today > day(end) + d" is "end < Tokyo midnight of
(today − d)", one condition per distinct number of days (a handful), so the lists and the counts filter and page
in the database on SQLite and PostgreSQL alike.
"""

import operator
from datetime import date, datetime, time, timedelta
from functools import reduce

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from backend.tokyo import TOKYO
from bookings.models import Booking
from bookings.selectors import is_party_to
from consortia.models import Institution
from consortia.selectors import access_for, institution_ids_of_consortia

from .models import Outcome, UsageReport

STATUSES = ("owed", "submitted", "overdue")


def midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=TOKYO)


def due_on(booking: Booking) -> date:
    ended = (booking.actual_end or booking.end).astimezone(TOKYO).date()
    return ended + timedelta(days=booking.instrument.institution.usage_report_due_days)


def owing() -> QuerySet[Booking]:
    """Completed bookings with a company: each owes a report (`used_until` is when its use ended)."""
    return Booking.objects.filter(status=Booking.Status.COMPLETED, company__isnull=False).annotate(
        used_until=Coalesce("actual_end", "end")
    )


def _due_days() -> list[int]:
    return sorted(set(Institution.objects.values_list("usage_report_due_days", flat=True)))


def ended_before(days_back: int, today: date) -> Q:
    """Bookings whose use ended before Tokyo midnight of (today − days − days_back) for their institution's days:
    with days_back = 0, those whose deadline has passed."""
    clauses = [
        Q(
            instrument__institution__usage_report_due_days=days,
            used_until__lt=midnight(today - timedelta(days=days + days_back)),
        )
        for days in _due_days()
    ]
    return reduce(operator.or_, clauses) if clauses else Q(pk__in=[])


def with_status(bookings: QuerySet[Booking], status: str, today: date) -> QuerySet[Booking]:
    if status == "submitted":
        return bookings.filter(usage_report__isnull=False)
    missing = bookings.filter(usage_report__isnull=True)
    past_due = ended_before(0, today)
    return missing.filter(past_due) if status == "overdue" else missing.exclude(past_due)


def status_of(booking: Booking, today: date) -> str:
    if getattr(booking, "usage_report", None) is not None:
        return "submitted"
    return "overdue" if today > due_on(booking) else "owed"


# --- Who sees what -------------------------------------------------------------------------------------------------
def rows_visible_to(user) -> QuerySet[Booking]:
    """The obligations (and reports) a user may list: the requester and the company's admins their company's, staff
    their institution's, the secretariat its consortium's member institutions' (text of confidential ones hidden
    on output), site admins all."""
    access = access_for(user)
    qs = owing().select_related("instrument__institution", "company", "requester", "usage_report")
    if access.is_superuser:
        return qs
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    scope = Q(requester=user) | Q(company_id__in=access.admin_of) | Q(instrument__institution_id__in=access.staff_of)
    if access.secretariat_of:
        scope |= Q(instrument__institution_id__in=institution_ids_of_consortia(access.secretariat_of))
    return qs.filter(scope)


def sees_text(user, booking: Booking, today: date) -> bool:
    """The company and the institution's staff read every report; others (the secretariat) only a report whose
    booking was not confidential (成果非公開) and whose embargo has passed."""
    if is_party_to(user, booking):
        return True
    report = getattr(booking, "usage_report", None)
    embargoed = report is not None and report.embargo_until is not None and report.embargo_until > today
    return not booking.confidential and not embargoed


def may_submit(user, booking: Booking) -> bool:
    """Submitting (or amending) the booking's usage report: its requester, their company's admins and site
    operators. Raised by `services.submit_usage_report`; the pages show the form by it."""
    access = access_for(user)
    return access.is_superuser or booking.requester_id == user.id or booking.company_id in access.admin_of


# --- The block of the utilization report ---------------------------------------------------------------------------
def usage_report_summary(bookings: QuerySet[Booking], start: datetime, end: datetime, *, today: date | None = None):
    """The `usage_reports` block for the completed company bookings among `bookings` (the report's, already scoped to
    the consortium and its members) that start in [start, end), as of today: how many reports are owed (not yet
    due), submitted on time, submitted late and overdue — these four add up to `due` — the submitted ones by
    outcome, and the publishable outcomes whose embargo has passed (names and labels in the active language).
    Three queries."""
    today = today or timezone.localdate()
    scoped = bookings.filter(
        status=Booking.Status.COMPLETED, company__isnull=False, start__gte=start, start__lt=end
    ).annotate(used_until=Coalesce("actual_end", "end"))
    missing = Q(usage_report__isnull=True)
    past_due = ended_before(0, today)
    counts = scoped.aggregate(
        due=Count("id"),
        owed=Count("id", filter=missing & ~past_due),
        overdue=Count("id", filter=missing & past_due),
        on_time=Count("id", filter=Q(usage_report__on_time=True)),
        late=Count("id", filter=Q(usage_report__on_time=False)),
        **{outcome: Count("id", filter=Q(usage_report__outcome=outcome)) for outcome in Outcome.values},
    )
    published = (
        UsageReport.objects.filter(booking__in=scoped.values("id"), publishable=True)
        .filter(Q(embargo_until__isnull=True) | Q(embargo_until__lte=today))
        .select_related("booking__instrument__institution", "company")
        .order_by("booking__start", "id")
    )
    return {
        "due": counts["due"],
        "owed": counts["owed"],
        "submitted_on_time": counts["on_time"],
        "submitted_late": counts["late"],
        "overdue": counts["overdue"],
        "by_outcome": {outcome: counts[outcome] for outcome in Outcome.values},
        "publishable_outcomes": [
            {
                "booking": report.booking_id,
                "used_on": report.booking.start.astimezone(TOKYO).date().isoformat(),
                "institution": report.booking.instrument.institution.localized_name,
                "instrument": report.booking.instrument.localized_name,
                "company": report.company.name,
                "outcome": report.outcome,
                "outcome_label": str(Outcome(report.outcome).label),
                "summary": report.summary,
                "publications": report.publications,
            }
            for report in published
        ],
    }


def reports_submitted_by(user) -> QuerySet[UsageReport]:
    """The usage reports the person submitted (for their personal-data download), oldest first."""
    return UsageReport.objects.filter(submitted_by_id=user.pk).order_by("submitted_at", "id")
