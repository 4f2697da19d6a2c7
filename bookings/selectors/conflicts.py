"""Bookings that a staff change has put in conflict: a holding booking that a downtime now overlaps (added by hand,
imported from .ics, or left by a narrowing of opening hours is a separate check of the services). The conflict is
read from the data, never stored, so it ends by itself when the downtime moves, the booking moves or is cancelled.

The home pages, the booking page and the staff pages read these; the service that adds a downtime reads
`overlapping_holding_bookings` to show what a new downtime would hit before it is saved."""

from datetime import datetime

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from bookings.models import Booking
from equipment.models import Downtime


def _overlapping_downtime():
    return Downtime.objects.filter(
        instrument_id=OuterRef("instrument_id"), start__lt=OuterRef("end"), end__gt=OuterRef("start")
    )


def in_conflict(bookings: QuerySet[Booking], *, now: datetime | None = None) -> QuerySet[Booking]:
    """Those of `bookings` that still hold their slot, have not ended, and overlap a downtime of their instrument."""
    return bookings.filter(status__in=Booking.HOLDING, end__gt=now or timezone.now()).filter(
        Exists(_overlapping_downtime())
    )


def downtimes_over(bookings: list[Booking]) -> dict[int, list[Downtime]]:
    """For each booking, the downtimes of its instrument overlapping its slot (one query whatever their number)."""
    found: dict[int, list[Downtime]] = {b.id: [] for b in bookings}
    if not bookings:
        return found
    by_instrument: dict[int, list[Booking]] = {}
    for booking in bookings:
        by_instrument.setdefault(booking.instrument_id, []).append(booking)
    for downtime in Downtime.objects.filter(
        instrument_id__in=by_instrument,
        start__lt=max(b.end for b in bookings),
        end__gt=min(b.start for b in bookings),
    ).order_by("start"):
        for booking in by_instrument[downtime.instrument_id]:
            if downtime.start < booking.end and downtime.end > booking.start:
                found[booking.id].append(downtime)
    return found


def overlapping_holding_bookings(instrument_id: int, start: datetime, end: datetime) -> QuerySet[Booking]:
    """Holding bookings of one instrument whose slot overlaps [start, end): what a downtime there would hit."""
    return (
        Booking.objects.filter(instrument_id=instrument_id, status__in=Booking.HOLDING, start__lt=end, end__gt=start)
        .select_related("requester", "company")
        .order_by("start", "id")
    )


def holding_bookings_of(instrument_id: int, ids) -> list[Booking]:
    """The holding bookings of one instrument among `ids`, as a page that listed them shows them again."""
    return list(
        Booking.objects.filter(instrument_id=instrument_id, status__in=Booking.HOLDING, pk__in=ids)
        .select_related("requester", "company")
        .order_by("start", "id")
    )
