"""Operators' availability for the instruments' assisted and commissioned modes: candidates (staffing) meet the
assignments in force (this app's table) in staffing's pure rules."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Prefetch

from backend.intervals import Interval
from backend.tokyo import TOKYO
from equipment.models import Instrument, UsageMode
from staffing import rules as staffing_rules
from staffing import selectors as staffing_selectors
from staffing.models import LendingAgreement, Operator

from ..models import Assignment, Booking

# The modes that reserve an operator; self-operated bookings reserve nobody.
OPERATED_MODES = (UsageMode.ASSISTED, UsageMode.COMMISSIONED)


def needs_operator(mode: str) -> bool:
    return mode in OPERATED_MODES


def operator_buffers(instrument: Instrument) -> tuple[timedelta, timedelta]:
    """How long before and after a booking of the instrument its operator is reserved."""
    return staffing_rules.buffers(
        setup_minutes=instrument.setup_minutes,
        cleanup_minutes=instrument.cleanup_minutes,
        buffer_minutes=instrument.operator_buffer_minutes,
    )


def operator_hold_of(instrument: Instrument, start: datetime, end: datetime) -> Interval:
    before, after = operator_buffers(instrument)
    return staffing_rules.operator_hold(Interval(start, end), before=before, after=after)


def assignment_holds(operator_ids, start: datetime, end: datetime, *, exclude_booking_id: int | None = None):
    """Each operator's assignments in force touching [start, end): {operator id: [Interval]} in one query."""
    found: dict[int, list[Interval]] = {pk: [] for pk in operator_ids}
    rows = Assignment.objects.filter(
        operator_id__in=list(found), released_at__isnull=True, hold_start__lt=end, hold_end__gt=start
    )
    if exclude_booking_id is not None:
        rows = rows.exclude(booking_id=exclude_booking_id)
    for operator_id, a, b in rows.values_list("operator_id", "hold_start", "hold_end"):
        found[operator_id].append(Interval(a, b))
    return found


def free_time_of(operator_ids, start: datetime, end: datetime, *, exclude_booking_id: int | None = None):
    """Each operator's free time within [start, end) (at work, minus absences and assignments): three queries."""
    operator_ids = list(operator_ids)
    times = staffing_selectors.time_of(operator_ids, start, end)
    taken = assignment_holds(operator_ids, start, end, exclude_booking_id=exclude_booking_id)
    return {
        pk: staffing_rules.free_time(
            staffing_rules.at_work(times[pk].weekly, start, end),
            absences=times[pk].absences,
            assignments=taken[pk],
        )
        for pk in operator_ids
    }


@dataclass(frozen=True)
class Offer:
    """A candidate for a booking's time: whether they can take it, whether the request named them."""

    operator: Operator
    agreement: LendingAgreement | None
    free: bool
    preferred: bool = False

    @property
    def lent(self) -> bool:
        return self.agreement is not None


def offers_for(
    instrument: Instrument,
    start: datetime,
    end: datetime,
    *,
    preferred_id: int | None = None,
    exclude_booking_id: int | None = None,
) -> list[Offer]:
    """Every candidate for [start, end) on the instrument, the free ones first (own institution, then lent ones; the
    order of `staffing.selectors.candidates_for`), then those who cannot take it. Qualification and agreements are
    read for the booking's Tokyo date."""
    candidates = staffing_selectors.candidates_for(instrument, start.astimezone(TOKYO).date())
    if not candidates:
        return []
    hold = operator_hold_of(instrument, start, end)
    free = free_time_of(
        [c.operator.id for c in candidates], hold.start, hold.end, exclude_booking_id=exclude_booking_id
    )
    offers = [
        Offer(
            operator=c.operator,
            agreement=c.agreement,
            free=staffing_rules.can_take(hold, free[c.operator.id]),
            preferred=c.operator.id == preferred_id,
        )
        for c in candidates
    ]
    return [o for o in offers if o.free] + [o for o in offers if not o.free]


def operators_to_prefer(instrument: Instrument, on) -> list[Operator]:
    """Whom a request form offers as its preferred operator: the candidates on `on` (names only are shown), none for
    an instrument without an assisted or commissioned mode. The request checks the candidates of its own day."""
    if not any(needs_operator(m) for m in instrument.modes):
        return []
    return [c.operator for c in staffing_selectors.candidates_for(instrument, on)]


def first_free(offers: list[Offer]) -> Offer | None:
    """Whom approval assigns when staff name nobody: the preferred operator if free, else the first free offer."""
    free = [o for o in offers if o.free]
    return next((o for o in free if o.preferred), free[0] if free else None)


def assignment_in_force(booking_id: int) -> Assignment | None:
    return (
        Assignment.objects.filter(booking_id=booking_id, released_at__isnull=True)
        .select_related("operator__user", "operator__institution", "agreement")
        .first()
    )


def assignment_prefetch() -> Prefetch:
    """A booking's assignment in force (a list of none or one) as `assignments_in_force`, with its operator's name:
    one query for a whole list of bookings."""
    return Prefetch(
        "assignments",
        queryset=Assignment.objects.filter(released_at__isnull=True).select_related("operator__user"),
        to_attr="assignments_in_force",
    )


def operator_of(booking: Booking) -> Assignment | None:
    """The booking's assignment in force: from `assignment_prefetch` when loaded, else one query."""
    if hasattr(booking, "assignments_in_force"):
        return booking.assignments_in_force[0] if booking.assignments_in_force else None
    return assignment_in_force(booking.pk) if booking.pk else None
