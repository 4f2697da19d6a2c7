"""Read queries over bookings, shared by the API, the pages, the services and (later) reports."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.db import connection
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from consortia.selectors import access_for, can_manage_institution, institution_ids_of_consortia
from equipment.models import Downtime, Instrument, OpeningHours

from . import pricing, rules
from .models import Booking, BookingEvent

TOKYO = rules.TOKYO


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
    qs = booking_rows().prefetch_related(events_prefetch())
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


# --- Pages ---------------------------------------------------------------------------------------------
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


def instruments_free_between(instruments, start: datetime, end: datetime) -> set[int]:
    """Ids of the given instruments (opening hours prefetched) with requestable time in [start, end)
    of at least their minimum length: three queries whatever their number."""
    instruments = [i for i in instruments if i.status == Instrument.Status.ACTIVE]
    ids = [i.id for i in instruments]
    holds: dict[int, list] = {}
    for instrument_id, s, e in Booking.objects.filter(
        instrument_id__in=ids,
        status__in=Booking.HOLDING,
        hold_start__lt=end + timedelta(days=1),
        hold_end__gt=start - timedelta(days=1),
    ).values_list("instrument_id", "hold_start", "hold_end"):
        holds.setdefault(instrument_id, []).append(rules.Interval(s, e))
    downtimes: dict[int, list] = {}
    for instrument_id, s, e in Downtime.objects.filter(instrument_id__in=ids, start__lt=end, end__gt=start).values_list(
        "instrument_id", "start", "end"
    ):
        downtimes.setdefault(instrument_id, []).append(rules.Interval(s, e))
    free = set()
    for instrument in instruments:
        policy = policy_of(instrument)
        earliest = max(start, timezone.now() + timedelta(hours=policy.lead_time_hours))
        if earliest >= end:
            continue
        intervals = rules.requestable_intervals(
            policy, earliest, end, downtimes=downtimes.get(instrument.id, []), holds=holds.get(instrument.id, [])
        )
        if any(i.seconds >= policy.min_minutes * 60 for i in intervals):
            free.add(instrument.id)
    return free


def approval_queue(user) -> QuerySet[Booking]:
    """Undecided requests at the user's institutions, oldest first."""
    access = access_for(user)
    qs = Booking.objects.filter(status=Booking.Status.PENDING)
    if not access.is_superuser:
        qs = qs.filter(instrument__institution_id__in=access.staff_of)
    return qs.select_related("instrument__institution", "requester", "company").order_by("created_at", "id")


def warnings_for(bookings: list[Booking], *, now: datetime) -> dict[int, list[str]]:
    """What staff should notice before deciding: downtime now lying in the slot (added after the
    request), a decision deadline within a day. One query whatever the number of bookings."""
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
                found[booking.id].append(f"停止期間と重複: {title or '—'} (overlaps downtime)")
    for booking in bookings:
        if booking.status == Booking.Status.PENDING and booking.expires_at <= now + timedelta(hours=24):
            found[booking.id].append(
                f"回答期限 {booking.expires_at.astimezone(TOKYO):%m/%d %H:%M} (decide by then or it expires)"
            )
        if booking.proposal_pending:
            found[booking.id].append("変更提案への回答待ち (waiting for the requester's answer)")
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


# --- Who may act on a booking: one predicate per verb, raised by bookings.services, read by the pages -----------
# (Who may request one is equipment.selectors.may_book.) Whether the booking's status takes the verb is not a
# question of who: the service answers it with a conflict, and the page shows a verb only in the statuses that take it.
def may_decide(user, booking: Booking) -> bool:
    """Approving, rejecting, proposing another time, setting the consumables: the staff of the instrument's
    institution (and site operators)."""
    return can_manage_institution(user, booking.instrument.institution_id)


def may_record_use(user, booking: Booking) -> bool:
    """Recording the actual use or a no-show: the same staff."""
    return can_manage_institution(user, booking.instrument.institution_id)


def may_answer_proposal(user, booking: Booking) -> bool:
    """Accepting or declining the time staff proposed: the requester, their company's admins (and site
    operators)."""
    access = access_for(user)
    return access.is_superuser or booking.requester_id == user.id or booking.company_id in access.admin_of


def may_cancel(user, booking: Booking) -> bool:
    """Cancelling: the staff, any time and with a reason; the requester's side, until the instrument's deadline
    (a rule the service checks, not a question of who)."""
    return may_decide(user, booking) or may_answer_proposal(user, booking)


def permitted_actions(user, booking: Booking) -> dict[str, bool]:
    """Who may do each verb of the booking's page (keyed as its actions, `no_show` for "no-show"), from the
    predicates above."""
    decide, record, answer = (
        may_decide(user, booking),
        may_record_use(user, booking),
        may_answer_proposal(user, booking),
    )
    return {
        "approve": decide,
        "reject": decide,
        "propose": decide,
        "consumables": decide,
        "complete": record,
        "no_show": record,
        "accept": answer,
        "decline": answer,
        "cancel": may_cancel(user, booking),
    }


def quote_of(booking: Booking) -> dict:
    """A booking's quote as its quotation shows it: recomputed now while it is not fixed (what approving it would
    fix), the stored one once approval fixed it. Other apps read it here, not from `bookings.pricing`."""
    if booking.quote_fixed_at is not None:
        return booking.quote
    return pricing.current_quote(booking)
