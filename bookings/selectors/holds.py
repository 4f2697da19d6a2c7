"""Instrument policies, holds and busy time, visibility, feeds and quotes of bookings."""

from datetime import UTC, datetime, timedelta

from django.db import connection
from django.db.models import Prefetch, Q, QuerySet
from django.utils.dateparse import parse_datetime

from backend.tokyo import TOKYO
from bookings import pricing, rules
from bookings.models import Booking, BookingEvent
from bookings.selectors.operators import assignment_prefetch
from consortia.selectors import access_for, institution_ids_of_consortia
from equipment.models import Downtime, Instrument, OpeningHours

from .operators import needs_operator, operated_time_of_id

POLICY_FIELDS = (
    "slot_minutes",
    "min_minutes",
    "max_minutes",
    "lead_time_hours",
    "horizon_days",
    "setup_minutes",
    "cleanup_minutes",
    "modes",
    "requires_qualification",
    "status",
)


def _policy(values: dict, weekly_hours) -> rules.InstrumentPolicy:
    """An InstrumentPolicy from the instrument's POLICY_FIELDS values and its (weekday, opens, closes) rows."""
    return rules.InstrumentPolicy(**{**values, "modes": tuple(values["modes"])}, weekly_hours=tuple(weekly_hours))


def _values_of(instrument: Instrument) -> dict:
    return {name: getattr(instrument, name) for name in POLICY_FIELDS}


def policy_of(instrument: Instrument) -> rules.InstrumentPolicy:
    """The instrument's booking rules as the pure rule functions take them (uses prefetched opening hours)."""
    return _policy(_values_of(instrument), ((h.weekday, h.opens, h.closes) for h in instrument.opening_hours.all()))


def policies_of(instruments) -> dict[int, rules.InstrumentPolicy]:
    """The booking rules of many instruments by id, their opening hours read in one query as plain values (no
    model instances: a report reads those of a thousand instruments)."""
    hours: dict[int, list] = {i.id: [] for i in instruments}
    for instrument_id, *row in (
        OpeningHours.objects.filter(instrument_id__in=hours)
        .order_by("instrument_id", "weekday", "opens")
        .values_list("instrument_id", "weekday", "opens", "closes")
    ):
        hours[instrument_id].append(tuple(row))
    return {i.id: _policy(_values_of(i), hours[i.id]) for i in instruments}


def policy_of_id(instrument_id: int) -> rules.InstrumentPolicy | None:
    """The booking rules of an instrument by id in one query (its opening hours joined), None if there is none:
    for the availability endpoint, which needs nothing else of the instrument."""
    rows = list(
        Instrument.objects.filter(pk=instrument_id)
        .order_by("opening_hours__weekday", "opening_hours__opens")
        .values_list(*POLICY_FIELDS, "opening_hours__weekday", "opening_hours__opens", "opening_hours__closes")
    )
    if not rows:
        return None
    values = dict(zip(POLICY_FIELDS, rows[0], strict=False))
    return _policy(values, (row[-3:] for row in rows if row[-3] is not None))


def holds_between(instrument_id: int, start: datetime, end: datetime, *, exclude_id: int | None = None):
    """Held intervals (buffers included) of holding bookings that overlap [start, end)."""
    qs = Booking.objects.filter(
        instrument_id=instrument_id, status__in=Booking.HOLDING, hold_start__lt=end, hold_end__gt=start
    )
    if exclude_id is not None:
        qs = qs.exclude(pk=exclude_id)
    return [rules.Interval(s, e) for s, e in qs.order_by("hold_start").values_list("hold_start", "hold_end")]


HOLD, DOWNTIME = 0, 1


def _busy_sql(*, excluding: bool) -> str:
    q = connection.ops.quote_name
    booking, downtime = q(Booking._meta.db_table), q(Downtime._meta.db_table)
    return (
        f"SELECT {HOLD}, {q('hold_start')}, {q('hold_end')} FROM {booking} WHERE {q('instrument_id')} = %s "
        f"AND {q('status')} IN (%s, %s) AND {q('hold_start')} < %s AND {q('hold_end')} > %s"
        + (f" AND {q('id')} <> %s" if excluding else "")
        + f" UNION ALL SELECT {DOWNTIME}, {q('start')}, {q('end')} FROM {downtime} WHERE {q('instrument_id')} = %s "
        f"AND {q('start')} < %s AND {q('end')} > %s"
    )


def _aware(value) -> datetime:
    """A datetime column read by a plain cursor: aware on PostgreSQL; on SQLite naive UTC, or its text."""
    if isinstance(value, str):
        value = parse_datetime(value)
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def busy_between(
    instrument_id: int,
    start: datetime,
    end: datetime,
    *,
    holds_from: datetime,
    holds_until: datetime,
    exclude_id: int | None = None,
):
    """(downtimes in [start, end), holds in [holds_from, holds_until)) of an instrument in one query (UNION ALL);
    the holds leave out booking `exclude_id` (the one being moved).

    Written as SQL because every availability request and every booking request runs it: the ORM took 1.6 ms to
    build the same union, the statement itself 0.4 ms (docs/benchmarks.md)."""
    dt = connection.ops.adapt_datetimefield_value
    params = [instrument_id, *Booking.HOLDING, dt(holds_until), dt(holds_from)]
    if exclude_id is not None:
        params.append(exclude_id)
    params += [instrument_id, dt(end), dt(start)]
    found: dict[int, list] = {HOLD: [], DOWNTIME: []}
    with connection.cursor() as cursor:
        cursor.execute(_busy_sql(excluding=exclude_id is not None), params)
        for kind, s, e in cursor.fetchall():
            found[kind].append(rules.Interval(_aware(s), _aware(e)))
    return found[DOWNTIME], found[HOLD]


def requestable_and_busy(instrument: Instrument, start: datetime, end: datetime):
    """(free, busy) for a window, what the availability API and the week view show: free is where a new request may
    lie (`rules.requestable_intervals`, stricter than opening hours minus busy), busy carries no identity."""
    return requestable_and_busy_of(instrument.id, policy_of(instrument), start, end)


def requestable_and_busy_of(instrument_id: int, policy: rules.InstrumentPolicy, start: datetime, end: datetime):
    """`requestable_and_busy` from an instrument's id and rules: one query for everything that takes time."""
    margin = rules.held_interval(rules.Interval(start, end), policy)
    # widen by both buffers: a hold just outside the window can still push into it
    downtimes, holds = busy_between(
        instrument_id,
        start,
        end,
        holds_from=margin.start - timedelta(minutes=policy.cleanup_minutes),
        holds_until=margin.end + timedelta(minutes=policy.setup_minutes),
    )
    busy = rules.busy_intervals(start, end, downtimes=downtimes, holds=holds)
    free = rules.requestable_intervals(policy, start, end, downtimes=downtimes, holds=holds)
    return free, busy


def availability_of(instrument_id: int, policy: rules.InstrumentPolicy, start: datetime, end: datetime, *, mode):
    """(free, busy, no operator free) for the availability API: `requestable_and_busy_of`, and for an assisted or
    commissioned mode the free time narrowed to where an operator could take a booking, the rest named apart."""
    free, busy = requestable_and_busy_of(instrument_id, policy, start, end)
    if not needs_operator(mode) or not free:
        return free, busy, []
    narrowed = rules.intersect(free, operated_time_of_id(instrument_id, start, end))
    return narrowed, busy, rules.subtract(free, narrowed)


def company_hours_in_month(company_id: int, start: datetime, *, exclude_id: int | None = None) -> float:
    """Hours a company holds or used in the Tokyo month of `start` (pending, approved, completed)."""
    local = start.astimezone(TOKYO)
    month_start = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    next_month = (month_start + timedelta(days=32)).replace(day=1)
    qs = Booking.objects.filter(
        company_id=company_id,
        status__in=[*Booking.HOLDING, Booking.Status.COMPLETED],
        start__lt=next_month,
        end__gt=month_start,
    )
    if exclude_id is not None:
        qs = qs.exclude(pk=exclude_id)
    total = 0.0
    for s, e in qs.values_list("start", "end"):
        parts = rules.hours_by_month(rules.Interval(s, e))
        total += parts.get((local.year, local.month), 0.0)
    return total


def events_prefetch() -> Prefetch:
    """A booking's events, oldest first, with who did each."""
    return Prefetch("events", queryset=BookingEvent.objects.select_related("actor").order_by("at", "id"))


def booking_rows() -> QuerySet[Booking]:
    """Bookings with the rows every answer about one shows: its instrument and institution, requester, company."""
    return Booking.objects.select_related("instrument__institution", "requester", "company")


def bookings_visible_to(user) -> QuerySet[Booking]:
    """Staff see their institution's bookings; company admins their company's; others their own;
    the secretariat the bookings at its member institutions (confidential details redacted on output)."""
    access = access_for(user)
    qs = (
        booking_rows()
        .select_related("preferred_operator__user")
        .prefetch_related(events_prefetch(), assignment_prefetch())
    )
    if access.is_superuser:
        return qs
    if not user.is_authenticated:
        return qs.none()
    scope = Q(requester=user) | Q(company_id__in=access.admin_of) | Q(instrument__institution_id__in=access.staff_of)
    if access.secretariat_of:
        scope |= Q(instrument__institution_id__in=institution_ids_of_consortia(access.secretariat_of))
    return qs.filter(scope)


def is_party_to(user, booking: Booking) -> bool:
    """The requester, their company's admins and the instrument's staff (and site operators): who may read
    everything about a booking, confidential or not."""
    access = access_for(user)
    return (
        access.is_superuser
        or booking.requester_id == user.id
        or booking.company_id in access.admin_of
        or booking.instrument.institution_id in access.staff_of
    )


def sees_full_details(user, booking: Booking) -> bool:
    """Whether purpose and sample of a confidential booking may be shown to this user."""
    return is_party_to(user, booking) or not booking.confidential


FEED_PAST = timedelta(days=90)
INSTRUMENT_FEED_FUTURE = timedelta(days=400)


def instrument_feed_items(instrument: Instrument, *, now: datetime):
    """(holding bookings, downtimes) of an instrument from FEED_PAST ago on, for its public busy feed."""
    since = now - FEED_PAST
    until = now + INSTRUMENT_FEED_FUTURE
    bookings = (
        Booking.objects.filter(instrument=instrument, status__in=Booking.HOLDING, end__gt=since, start__lt=until)
        .select_related("instrument__institution")
        .order_by("start")
    )
    downtimes = instrument.downtimes.filter(end__gt=since, start__lt=until).select_related("instrument__institution")
    return list(bookings), list(downtimes.order_by("start"))


def personal_feed_bookings(user, *, now: datetime) -> QuerySet[Booking]:
    """A user's own bookings, and for staff their institutions' bookings, from FEED_PAST ago on.

    Ended requests (cancelled, rejected, expired) stay in, marked CANCELLED, so that subscribed
    calendars remove the entry instead of keeping a stale one."""
    access = access_for(user)
    return (
        Booking.objects.filter(Q(requester=user) | Q(instrument__institution_id__in=access.staff_of))
        .filter(end__gt=now - FEED_PAST)
        .select_related("instrument__institution", "company")
        .order_by("start", "id")
    )


def quote_of(booking: Booking) -> dict:
    """A booking's quote as its quotation shows it: recomputed now while it is not fixed (what approving it would
    fix), the stored one once approval fixed it. Other apps read it here, not from `bookings.pricing`."""
    if booking.quote_fixed_at is not None:
        return booking.quote
    return pricing.current_quote(booking)
