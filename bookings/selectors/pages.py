"""Reads that the booking pages are built of: an instrument's week, the approval queue, the schedule."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.i18n import long_datetime
from backend.tokyo import TOKYO
from bookings import rules
from bookings.models import Booking
from consortia.selectors import access_for
from equipment.models import Downtime, Instrument

from .holds import requestable_and_busy


@dataclass(frozen=True)
class DayView:
    day: date
    free: list
    busy: list

    @property
    def closed(self) -> bool:
        return not self.free and not self.busy


def week_of(instrument: Instrument, first_day: date, *, days: int = 7, now: datetime | None = None) -> list[DayView]:
    """The instrument's free (requestable) and busy time per Tokyo day, for the week view.

    Free time in the past or inside the lead time is not offered."""
    start = datetime.combine(first_day, time.min, tzinfo=TOKYO)
    end = start + timedelta(days=days)
    free, busy = requestable_and_busy(instrument, start, end)
    earliest = (now or timezone.now()) + timedelta(hours=instrument.lead_time_hours)
    free = rules.subtract(free, [rules.Interval(start, earliest)]) if earliest > start else free
    free = rules.on_grid(free, instrument.slot_minutes)
    result = []
    for n in range(days):
        day_start = start + timedelta(days=n)
        day = rules.Interval(day_start, day_start + timedelta(days=1))
        result.append(
            DayView(
                day=first_day + timedelta(days=n),
                free=[i.in_zone(TOKYO) for i in rules.intersect(free, [day])],
                busy=[i.in_zone(TOKYO) for i in rules.intersect(busy, [day])],
            )
        )
    return result


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
