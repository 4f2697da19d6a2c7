"""Reads that the booking pages are built of: instruments free in a window, the approval queue, the schedule (an
instrument's week is `grid`)."""

from datetime import date, datetime, timedelta

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from backend.i18n import long_datetime
from bookings import rules
from bookings.models import Booking
from consortia.models import Consortium
from consortia.selectors import access_for, active_memberships, consortia_of, institutions_with_ids
from equipment.models import Downtime
from registrations import selectors as registration_selectors


def approval_queue(user) -> QuerySet[Booking]:
    """Undecided requests at the user's institutions, oldest first."""
    access = access_for(user)
    qs = Booking.objects.filter(status=Booking.Status.PENDING)
    if not access.is_superuser:
        qs = qs.filter(instrument__institution_id__in=access.staff_of)
    return qs.select_related("instrument__institution", "requester", "company").order_by("created_at", "id")


def warnings_for(bookings: list[Booking], *, now: datetime) -> dict[int, list[str]]:
    """What staff should notice before deciding: downtime now lying in the slot (added after the
    request), a decision deadline within a day; in the reader's language. One query whatever the number of
    bookings."""
    found: dict[int, list[str]] = {b.id: [] for b in bookings}
    if not bookings:
        return found
    by_instrument: dict[int, list[Booking]] = {}
    for booking in bookings:
        by_instrument.setdefault(booking.instrument_id, []).append(booking)
    span_start = min(b.start for b in bookings)
    span_end = max(b.end for b in bookings)
    for instrument_id, s, e, title in Downtime.objects.filter(
        instrument_id__in=by_instrument, start__lt=span_end, end__gt=span_start
    ).values_list("instrument_id", "start", "end", "title"):
        for booking in by_instrument[instrument_id]:
            if s < booking.end and e > booking.start:
                found[booking.id].append(_("Overlaps a downtime: %(title)s") % {"title": title or "—"})
    for booking in bookings:
        if booking.status == Booking.Status.PENDING and booking.expires_at <= now + timedelta(hours=24):
            found[booking.id].append(
                _("Decide by %(deadline)s, or the request expires.") % {"deadline": long_datetime(booking.expires_at)}
            )
        if booking.proposal_pending:
            found[booking.id].append(_("Waiting for the requester's answer to the proposed time."))
    return found


def next_steps(booking: Booking, *, now: datetime) -> dict | None:
    """What the requester's side should expect of a booking that holds its time and has not ended: the decision
    deadline (pending), whether a proposed time waits for their answer, until when they may cancel, and the usage
    report a company owes after use (its institution's deadline, in days). None for any other booking."""
    if booking.status not in Booking.HOLDING or booking.end <= now:
        return None
    instrument = booking.instrument
    cancel_until = rules.cancellation_deadline(
        start=booking.start, cancellation_deadline_hours=instrument.cancellation_deadline_hours
    )
    return {
        "pending": booking.status == Booking.Status.PENDING,
        "decide_by": booking.expires_at,
        "proposal": booking.proposal_pending,
        "cancel_until": cancel_until,
        "may_still_cancel": now <= cancel_until,
        "report_due_days": instrument.institution.usage_report_due_days if booking.company_id else None,
    }


# The refusals of `services.cannot_book_refusal` that the instrument page answers with what to do (membership_help).
MEMBERSHIP_HELP_CODES = {"institution_not_member", "registration_pending", "join_request_pending", "no_company"}


def membership_help(user, instrument, *, on: date) -> dict:
    """What a person who may not book the instrument is shown. A researcher whose institution is not a member of the
    instrument's consortia (`services.cannot_book_refusal` said `institution_not_member`): their institutions, the
    instrument's consortia (whose secretariat they may ask about membership) and their own institutions' consortia on
    `on`, whose instruments they may book. A person of no company: their pending registration or join request
    (`registration`, `join_request`), or neither, and the instrument's consortia to register for."""
    researcher_of = access_for(user).researcher_of
    if not researcher_of:
        waiting = registration_selectors.waiting_for_approval(user) or {}
        return {"company": True, "consortia": list(consortia_of(instrument.institution_id, on)), **waiting}
    own = active_memberships(on).filter(institution_id__in=researcher_of).values("consortium_id")
    return {
        "institutions": list(institutions_with_ids(researcher_of)),
        "consortia": list(consortia_of(instrument.institution_id, on)),
        "own_consortia": list(Consortium.objects.filter(id__in=own).order_by("id")),
    }


def institution_schedule(user, start: datetime, end: datetime):
    """(bookings, downtimes) at the user's institutions within [start, end), for the staff calendar."""
    access = access_for(user)
    institutions = Q() if access.is_superuser else Q(instrument__institution_id__in=access.staff_of)
    bookings = (
        Booking.objects.filter(institutions, start__lt=end, end__gt=start)
        .filter(status__in=[*Booking.HOLDING, Booking.Status.COMPLETED, Booking.Status.NO_SHOW])
        .select_related("instrument", "company", "requester")
        .order_by("start", "instrument_id")
    )
    downtimes = (
        Downtime.objects.filter(institutions, start__lt=end, end__gt=start)
        .select_related("instrument")
        .order_by("start")
    )
    return list(bookings), list(downtimes)


def own_bookings(user) -> QuerySet[Booking]:
    """What a user asked for, and for a company admin everything their company asked for; newest first."""
    access = access_for(user)
    return (
        Booking.objects.filter(Q(requester=user) | Q(company_id__in=access.admin_of))
        .select_related("instrument__institution", "company", "requester")
        .order_by("-start", "-id")
    )
