"""The bench world's operators (docs/operators.md): each institution's staff run its assisted and commissioned
instruments, and the operated bookings that hold or were held (approved, completed) get their assignments, written in
bulk like the bookings.

The assignments are planned as plain data by the product's pure rules (`staffing.rules.operator_hold`, `at_work`,
`free_time`, `can_take`): per institution, in time order, each booking goes to the first operator (in the order of the
staff) who can take its operator hold, so no operator is held twice at once nor outside their working hours. A booking
none can take keeps no assignment (the bench's history predates the operators' records), as in the demo data.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.db import connection

from backend.intervals import Interval
from backend.tokyo import TOKYO
from bookings.models import Assignment, Booking
from bookings.selectors import OPERATED_MODES, needs_operator
from equipment.models import Instrument, Qualification
from staffing import rules as staffing_rules
from staffing.models import Operator, WorkingHours

from . import writer

# Monday to Friday 08:30–18:00: the bench instruments open 09:00–17:30 at the latest, buffers reach 30 minutes beyond.
WEEKLY = tuple((day, time(8, 30), time(18)) for day in range(5))
ASSIGNMENT_COLUMNS = (
    "booking_id",
    "operator_id",
    "hold_start",
    "hold_end",
    "agreement_id",
    "assigned_by_id",
    "assigned_at",
    "released_at",
    "release_reason",
)


@dataclass(frozen=True)
class OperatedBooking:
    id: int
    institution_id: int
    start: datetime
    end: datetime
    before: timedelta  # the instrument's operator buffers (staffing.rules.buffers)
    after: timedelta
    decided_by_id: int | None
    decided_at: datetime | None


class WorkCalendar:
    """`staffing.rules.at_work` of one weekly pattern, per Tokyo date, computed once per date."""

    def __init__(self, weekly):
        self.weekly = tuple(weekly)
        self._days: dict[date, list[Interval]] = {}

    def on(self, day: date) -> list[Interval]:
        if day not in self._days:
            start = datetime.combine(day, time(0), tzinfo=TOKYO)
            self._days[day] = staffing_rules.at_work(self.weekly, start, start + timedelta(days=1))
        return self._days[day]


def plan_assignments(
    bookings: Iterable[OperatedBooking], operators_of: dict[int, list[int]], calendar: WorkCalendar
) -> Iterator[tuple[OperatedBooking, int, Interval]]:
    """(booking, operator id, hold) for each booking an operator of its institution can take. `bookings` must come
    in (institution, start) order; the state kept is one day of one institution's assignments."""
    current: tuple[int, date] | None = None
    held: dict[int, list[Interval]] = {}
    for booking in bookings:
        day = booking.start.astimezone(TOKYO).date()
        if (booking.institution_id, day) != current:
            current, held = (booking.institution_id, day), {}
        hold = staffing_rules.operator_hold(
            Interval(booking.start, booking.end), before=booking.before, after=booking.after
        )
        at_work = calendar.on(day)
        for operator_id in operators_of.get(booking.institution_id, ()):
            taken = held.setdefault(operator_id, [])
            free = staffing_rules.free_time(at_work, absences=(), assignments=taken)
            if staffing_rules.can_take(hold, free):
                taken.append(hold)
                yield booking, operator_id, hold
                break


# --- Writing -------------------------------------------------------------------------------------------------------


def write_operators(institution_ids: list[int], staff_ids_of: dict[int, list[int]]) -> dict[int, list[int]]:
    """An operator for every staff member of the institutions, with the weekly pattern, qualified for the
    institution's operated instruments. Returns the operator ids of each institution, in the staff's order."""
    operators = Operator.objects.bulk_create(
        (
            Operator(user_id=user_id, institution_id=institution_id, named_in_reports=n == 0)
            for institution_id in institution_ids
            for n, user_id in enumerate(staff_ids_of.get(institution_id, ()))
        ),
        batch_size=2000,
    )
    WorkingHours.objects.bulk_create(
        (WorkingHours(operator=o, weekday=d, starts=a, ends=b) for o in operators for d, a, b in WEEKLY),
        batch_size=5000,
    )
    by_institution: dict[int, list[Operator]] = {}
    for operator in operators:
        by_institution.setdefault(operator.institution_id, []).append(operator)
    instruments = Instrument.objects.filter(institution_id__in=institution_ids).values_list(
        "id", "institution_id", "modes"
    )
    Qualification.objects.bulk_create(
        (
            Qualification(instrument_id=instrument_id, user_id=o.user_id, note="bench: operator")
            for instrument_id, institution_id, modes in instruments
            if any(needs_operator(m) for m in modes)
            for o in by_institution.get(institution_id, ())
        ),
        batch_size=5000,
    )
    return {pk: [o.id for o in ops] for pk, ops in by_institution.items()}


def operated_bookings(institution_ids: list[int]) -> Iterator[OperatedBooking]:
    """The approved and completed assisted and commissioned bookings of the institutions, in (institution, start)
    order: one query per institution (a few thousand rows each), so no cursor stays open while rows are written."""
    buffers: dict[int, tuple[timedelta, timedelta]] = {}
    for pk, setup, cleanup, buffer in Instrument.objects.filter(institution_id__in=institution_ids).values_list(
        "id", "setup_minutes", "cleanup_minutes", "operator_buffer_minutes"
    ):
        buffers[pk] = staffing_rules.buffers(setup_minutes=setup, cleanup_minutes=cleanup, buffer_minutes=buffer)
    operated = Booking.objects.filter(
        mode__in=OPERATED_MODES, status__in=(Booking.Status.APPROVED, Booking.Status.COMPLETED)
    ).order_by("start", "id")
    for institution_id in sorted(institution_ids):
        rows = operated.filter(instrument__institution_id=institution_id).values_list(
            "id", "instrument_id", "start", "end", "decided_by_id", "decided_at"
        )
        for pk, instrument_id, start, end, decided_by, decided_at in rows:
            before, after = buffers[instrument_id]
            yield OperatedBooking(pk, institution_id, start, end, before, after, decided_by, decided_at)


def write_assignments(institution_ids: list[int], operators_of: dict[int, list[int]], *, on_chunk=None) -> int:
    """Plan and write the assignments (COPY / executemany); returns how many."""
    suffix = "+00" if connection.vendor == "postgresql" else ""

    def text(moment: datetime | None) -> str | None:
        return None if moment is None else moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S") + suffix

    calendar = WorkCalendar(WEEKLY)
    rows = (
        (
            booking.id,
            operator_id,
            text(hold.start),
            text(hold.end),
            None,
            booking.decided_by_id,
            text(booking.decided_at or booking.start),
            None,
            "",
        )
        for booking, operator_id, hold in plan_assignments(operated_bookings(institution_ids), operators_of, calendar)
    )
    # Written a chunk at a time between the reads (a COPY holds the connection while it lasts).
    written, chunk = 0, []
    for row in rows:
        chunk.append(row)
        if len(chunk) == writer.CHUNK:
            written += writer.write_rows(Assignment._meta.db_table, ASSIGNMENT_COLUMNS, chunk, on_chunk=on_chunk)
            chunk = []
    return written + writer.write_rows(Assignment._meta.db_table, ASSIGNMENT_COLUMNS, chunk, on_chunk=on_chunk)
