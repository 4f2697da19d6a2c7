"""Operators' availability for the instruments' assisted and commissioned modes: candidates (staffing) meet the
assignments in force (this app's table) in staffing's pure rules."""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from backend.intervals import Interval, intersect, local_dates, merge
from backend.tokyo import TOKYO
from equipment.models import Instrument, UsageMode
from staffing import rules as staffing_rules
from staffing import selectors as staffing_selectors
from staffing.models import Absence, LendingAgreement, Operator

from ..models import Assignment, Booking

# The modes that reserve an operator; self-operated bookings reserve nobody.
OPERATED_MODES = (UsageMode.ASSISTED, UsageMode.COMMISSIONED)


def needs_operator(mode: str) -> bool:
    return mode in OPERATED_MODES


def default_mode(policy) -> str | None:
    """The usage mode free time is answered for when none is asked (the grid, the availability API): self-operation
    if the instrument offers it (its time is the instrument's alone), else its first mode."""
    modes = tuple(policy.modes or ())
    if "self" in modes:
        return "self"
    return modes[0] if modes else None


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


def _assigned_to(operator_id: int, now: datetime) -> QuerySet[Assignment]:
    """The operator's assignments in force for holding bookings not over at `now` (a completed booking keeps its
    assignment: it is the record of time operated, not a reservation an absence could disturb)."""
    return Assignment.objects.filter(
        operator_id=operator_id, released_at__isnull=True, booking__status__in=Booking.HOLDING, booking__end__gt=now
    )


def _affected(booking_ids) -> QuerySet[Booking]:
    return (
        Booking.objects.filter(pk__in=booking_ids)
        .select_related("company", "requester", "instrument")
        .order_by("start", "id")
    )


def bookings_assigned_over(operator_id: int, start: datetime, end: datetime, *, now: datetime) -> QuerySet[Booking]:
    """The holding bookings not yet over whose operator hold, with this operator assigned, overlaps [start, end)."""
    hit = _assigned_to(operator_id, now).filter(hold_start__lt=end, hold_end__gt=start)
    return _affected(hit.values("booking_id"))


def bookings_assigned_in_absence(operator_id: int, *, now: datetime) -> QuerySet[Booking]:
    """The holding bookings not yet over whose operator hold overlaps any absence of their assigned operator."""
    away = Absence.objects.filter(
        operator_id=operator_id, start__lt=OuterRef("hold_end"), end__gt=OuterRef("hold_start")
    )
    return _affected(_assigned_to(operator_id, now).filter(Exists(away)).values("booking_id"))


def absence_over(operator_id: int, booking_ids) -> dict[int, Absence]:
    """For each booking, the first absence of the operator overlapping its assignment in force (one query each
    way)."""
    holds = Assignment.objects.filter(
        booking_id__in=list(booking_ids), operator_id=operator_id, released_at__isnull=True
    )
    holds = list(holds.values_list("booking_id", "hold_start", "hold_end"))
    if not holds:
        return {}
    first, last = min(h[1] for h in holds), max(h[2] for h in holds)
    away = list(Absence.objects.filter(operator_id=operator_id, start__lt=last, end__gt=first).order_by("start", "id"))
    found = {}
    for booking_id, a, b in holds:
        hit = next((absence for absence in away if absence.start < b and absence.end > a), None)
        if hit is not None:
            found[booking_id] = hit
    return found


def bookings_assigned_to(operator_id: int, booking_ids, *, now: datetime) -> QuerySet[Booking]:
    """Those of `booking_ids` (as a page sent them back) still held with this operator assigned."""
    return _affected(_assigned_to(operator_id, now).filter(booking_id__in=list(booking_ids)).values("booking_id"))


def stand_ins(bookings, *, absent_id: int) -> dict[int, list[Offer]]:
    """For each booking, the free operators who could take it instead of the absent one (the choice page's list;
    the reassignment checks again when it is carried out)."""
    return {
        b.id: [
            offer
            for offer in offers_for(b.instrument, b.start, b.end, exclude_booking_id=b.pk)
            if offer.free and offer.operator.id != absent_id
        ]
        for b in bookings
    }


def operated_time(
    instruments, start: datetime, end: datetime, *, exclude_booking_id: int | None = None
) -> dict[int, list[Interval]]:
    """Where within [start, end) a booking's own time may lie for at least one candidate to take it, per instrument
    (`staffing.rules.startable` of each candidate's free time, their union): what the grid, the availability API and
    the catalogue intersect an assisted or commissioned mode's free time with (docs/operators.md, "Availability is the
    intersection"). Six queries whatever the number of instruments, operators and days (candidates for the whole window
    at once: `staffing.selectors.candidates_by_day`; free time of every candidate once: `free_time_of`).

    Candidates are those of the booking's Tokyo start date, so each day's union is clipped to that day: a booking that
    would run past midnight is shown free only up to midnight (an understatement, never an overstatement). The union
    overstates as documented in staffing.rules (a request spanning two operators' stretches); the request and the
    approval check one operator (`offers_for`). `exclude_booking_id`: a booking being moved, its own operator's time
    free to move into."""
    instruments = list(instruments)
    days = local_dates(Interval(start, end))
    by_day = staffing_selectors.candidates_by_day(instruments, days)
    operator_ids = {c.operator.id for per_day in by_day.values() for found in per_day.values() for c in found}
    if not operator_ids:
        return {i.id: [] for i in instruments}
    widest = max(max(operator_buffers(i)) for i in instruments)
    free = free_time_of(sorted(operator_ids), start - widest, end + widest, exclude_booking_id=exclude_booking_id)
    result = {}
    for instrument in instruments:
        before, after = operator_buffers(instrument)
        pieces = []
        for day in days:
            midnight = datetime.combine(day, time.min, tzinfo=TOKYO)
            union = merge(
                piece
                for c in by_day[instrument.id][day]
                for piece in staffing_rules.startable(free[c.operator.id], before=before, after=after)
            )
            pieces += intersect(union, [Interval(max(midnight, start), min(midnight + timedelta(days=1), end))])
        result[instrument.id] = merge(pieces)
    return result


def operated_time_of_id(
    instrument_id: int, start: datetime, end: datetime, *, exclude_booking_id: int | None = None
) -> list[Interval]:
    """`operated_time` of one instrument by id: one more query for its buffers and institution."""
    instrument = Instrument.objects.only(
        "id", "institution_id", "setup_minutes", "cleanup_minutes", "operator_buffer_minutes"
    ).get(pk=instrument_id)
    return operated_time([instrument], start, end, exclude_booking_id=exclude_booking_id)[instrument_id]


SCHEDULE_PAST = timedelta(days=14)  # the recent past an operator's schedule shows (what they just ran)
SCHEDULE_AHEAD = timedelta(weeks=8)  # and the coming weeks


def assignments_of(operator_id: int, start: datetime, end: datetime):
    """An operator's assignments in force whose booking touches [start, end), in time order, with the booking's
    instrument, institution, requester and company (one query)."""
    return (
        Assignment.objects.filter(
            operator_id=operator_id, released_at__isnull=True, booking__start__lt=end, booking__end__gt=start
        )
        .select_related(
            "booking__instrument__institution", "booking__company", "booking__requester", "agreement__borrower"
        )
        .order_by("booking__start", "id")
    )


@dataclass(frozen=True)
class Schedule:
    """What an operator's schedule page shows: their assignments in force and absences from SCHEDULE_PAST ago to
    SCHEDULE_AHEAD on."""

    operator: Operator
    start: datetime
    end: datetime
    assignments: list
    absences: list


def schedule_of(operator: Operator, *, now: datetime) -> Schedule:
    """The operator's schedule around `now`: two queries (assignments, absences)."""
    start, end = now - SCHEDULE_PAST, now + SCHEDULE_AHEAD
    return Schedule(
        operator=operator,
        start=start,
        end=end,
        assignments=list(assignments_of(operator.id, start, end)),
        absences=list(staffing_selectors.absences_between(operator.id, start, end)),
    )


def personal_feed_assignments(user, *, now: datetime):
    """An operator's assignments for their calendar feed, from `holds.FEED_PAST` ago on, released ones included (the
    feed writes them CANCELLED, as it does ended bookings, so a subscribed calendar drops them). Empty for a user who
    is not an operator: one query either way (the operator is joined, not read first)."""
    from .holds import FEED_PAST

    return list(
        Assignment.objects.filter(operator__user=user, booking__end__gt=now - FEED_PAST)
        .select_related("booking__instrument__institution", "booking__company", "booking__requester")
        .order_by("hold_start", "id")
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
