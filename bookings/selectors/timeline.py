"""The institution timeline of staff: one row per instrument of their institutions, their bookings (pending,
approved, completed, no-show) and downtime over one to seven Tokyo days. Read by the staff calendar page (the
plain table and the timeline component's data) and by `GET /api/v1/staff/timeline/`; five queries whatever the
number of instruments, bookings and operators.

Each booking carries `operator_assignment` (its assignment in force, with the operator, or None) and
`operator_missing`: an approved assisted or commissioned booking with no operator in force (approved before operators
were reserved, or its operator released) — staff must assign one (docs/operators.md)."""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Prefetch

from backend.tokyo import TOKYO
from bookings.models import Assignment, Booking
from consortia.selectors import access_for
from equipment.models import Downtime, Instrument, OpeningHours

from .operators import needs_operator

MAX_DAYS = 7
SHOWN = (*Booking.HOLDING, Booking.Status.COMPLETED, Booking.Status.NO_SHOW)
DEFAULT_HOURS = (time(9), time(17))  # the hours drawn when no instrument has opening hours


def sees_institution_timeline(user) -> bool:
    """Institution staff (their institutions' instruments) and site operators (every institution's): whom the staff
    pages let in (`backend.web.staff_only`), asked by the timeline's API. A read, not a verb: no service raises it."""
    access = access_for(user)
    return bool(access.staff_of) or access.is_superuser


@dataclass
class Row:
    instrument: Instrument
    bookings: list[Booking] = field(default_factory=list)
    downtimes: list[Downtime] = field(default_factory=list)


@dataclass
class Timeline:
    first: date
    days: int
    start: datetime
    end: datetime
    rows: list[Row]
    opens: time  # the earliest opening and latest closing of the rows' instruments (and of what they hold)
    closes: time
    several_institutions: bool

    @property
    def bookings(self) -> list[Booking]:
        return [b for row in self.rows for b in row.bookings]

    @property
    def downtimes(self) -> list[Downtime]:
        return [d for row in self.rows for d in row.downtimes]

    def day_by_day(self):
        """[(day, [(instrument, [booking or downtime in time order])])], for the plain table."""
        result = []
        for n in range(self.days):
            day_start = self.start + timedelta(days=n)
            day_end = day_start + timedelta(days=1)
            rows = []
            for row in self.rows:
                items = [x for x in (*row.bookings, *row.downtimes) if x.start < day_end and x.end > day_start]
                rows.append((row.instrument, sorted(items, key=lambda x: (x.start, x.end))))
            result.append((self.first + timedelta(days=n), rows))
        return result


def _instruments_of(user):
    access = access_for(user)
    qs = Instrument.objects.exclude(status=Instrument.Status.RETIRED).select_related("institution")
    if not access.is_superuser:
        qs = qs.filter(institution_id__in=access.staff_of)
    return list(qs.order_by("institution_id", "name", "id"))


def _hours(instrument_ids, items, start: datetime, end: datetime) -> tuple[time, time]:
    """The earliest opening and the latest closing among the instruments, widened to what the items hold on the
    days shown (a booking outside opening hours is still drawn)."""
    hours = list(OpeningHours.objects.filter(instrument_id__in=instrument_ids).values_list("opens", "closes"))
    opens = [o for o, _c in hours]
    closes = [c for _o, c in hours]
    for item in items:
        s, e = max(item.start, start).astimezone(TOKYO), min(item.end, end).astimezone(TOKYO)
        if (e - s) < timedelta(hours=20):  # a downtime of whole days would stretch every day to 24 hours
            opens.append(s.time())
            closes.append(time.max if e.date() > s.date() else e.time())
    if not opens:
        return DEFAULT_HOURS
    earliest, latest = min(opens), max(closes)
    earliest = time(earliest.hour)  # whole hours: the timeline's axis starts and ends on a label
    latest = time.max if latest > time(23) else (time(latest.hour + 1) if latest.minute or latest.second else latest)
    return earliest, latest


def assignments_in_force_prefetch() -> Prefetch:
    """A booking's assignment in force with its operator, as `in_force` (a list of at most one)."""
    return Prefetch(
        "assignments",
        queryset=Assignment.objects.filter(released_at__isnull=True).select_related("operator__user"),
        to_attr="in_force",
    )


def mark_operators(bookings) -> None:
    """Set `operator_assignment` and `operator_missing` on bookings read with `assignments_in_force_prefetch`."""
    for booking in bookings:
        booking.operator_assignment = booking.in_force[0] if booking.in_force else None
        booking.operator_missing = (
            needs_operator(booking.mode)
            and booking.status == Booking.Status.APPROVED
            and booking.operator_assignment is None
        )


def institution_timeline(user, first: date, days: int) -> Timeline:
    """The timeline of the user's institutions over `days` Tokyo days from `first` (1 ≤ days ≤ MAX_DAYS)."""
    start = datetime.combine(first, time.min, tzinfo=TOKYO)
    end = start + timedelta(days=days)
    instruments = _instruments_of(user)
    rows = {i.id: Row(i) for i in instruments}
    if rows:
        for booking in (
            Booking.objects.filter(instrument_id__in=rows, status__in=SHOWN, start__lt=end, end__gt=start)
            .select_related("instrument", "company", "requester")
            .prefetch_related(assignments_in_force_prefetch())
            .order_by("start", "id")
        ):
            rows[booking.instrument_id].bookings.append(booking)
        mark_operators(b for row in rows.values() for b in row.bookings)
        for downtime in Downtime.objects.filter(instrument_id__in=rows, start__lt=end, end__gt=start).order_by(
            "start", "id"
        ):
            rows[downtime.instrument_id].downtimes.append(downtime)
    everything = [x for row in rows.values() for x in (*row.bookings, *row.downtimes)]
    opens, closes = _hours(list(rows), everything, start, end) if rows else DEFAULT_HOURS
    return Timeline(
        first=first,
        days=days,
        start=start,
        end=end,
        rows=list(rows.values()),
        opens=opens,
        closes=closes,
        several_institutions=len({i.institution_id for i in instruments}) > 1,
    )
