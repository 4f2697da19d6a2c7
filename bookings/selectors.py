"""Read queries over bookings, shared by the API, the pages, the services and (later) reports."""

from datetime import datetime, timedelta

from django.db.models import Prefetch, Q, QuerySet

from consortia.selectors import access_for, institution_ids_of_consortia
from equipment.models import Instrument

from . import rules
from .models import Booking, BookingEvent

TOKYO = rules.TOKYO


def policy_of(instrument: Instrument) -> rules.InstrumentPolicy:
    """The instrument's booking rules as the pure rule functions take them (uses prefetched opening hours)."""
    return rules.InstrumentPolicy(
        slot_minutes=instrument.slot_minutes,
        min_minutes=instrument.min_minutes,
        max_minutes=instrument.max_minutes,
        lead_time_hours=instrument.lead_time_hours,
        horizon_days=instrument.horizon_days,
        setup_minutes=instrument.setup_minutes,
        cleanup_minutes=instrument.cleanup_minutes,
        modes=tuple(instrument.modes),
        requires_qualification=instrument.requires_qualification,
        status=instrument.status,
        weekly_hours=tuple((h.weekday, h.opens, h.closes) for h in instrument.opening_hours.all()),
    )


def holds_between(instrument_id: int, start: datetime, end: datetime, *, exclude_id: int | None = None):
    """Held intervals (buffers included) of holding bookings that overlap [start, end)."""
    qs = Booking.objects.filter(
        instrument_id=instrument_id, status__in=Booking.HOLDING, hold_start__lt=end, hold_end__gt=start
    )
    if exclude_id is not None:
        qs = qs.exclude(pk=exclude_id)
    return [rules.Interval(s, e) for s, e in qs.order_by("hold_start").values_list("hold_start", "hold_end")]


def downtimes_between(instrument: Instrument, start: datetime, end: datetime) -> list[rules.Interval]:
    rows = instrument.downtimes.filter(start__lt=end, end__gt=start).order_by("start").values_list("start", "end")
    return [rules.Interval(s, e) for s, e in rows]


def availability(instrument: Instrument, start: datetime, end: datetime):
    """(free, busy) for a window: free are the intervals a new request may use, busy carry no identity."""
    policy = policy_of(instrument)
    window = rules.Interval(start, end)
    downtimes = downtimes_between(instrument, start, end)
    margin = rules.held_interval(window, policy)
    # widen by both buffers: a hold just outside the window can still push into it
    holds = holds_between(instrument.id, margin.start - timedelta(minutes=policy.cleanup_minutes),
                          margin.end + timedelta(minutes=policy.setup_minutes))  # fmt: skip
    _free, busy = rules.availability(policy, start, end, downtimes=downtimes, holds=holds)
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


def bookings_visible_to(user) -> QuerySet[Booking]:
    """Staff see their institution's bookings; company admins their company's; others their own;
    the secretariat the bookings at its member institutions (confidential details redacted on output)."""
    access = access_for(user)
    qs = Booking.objects.select_related("instrument__institution", "requester", "company").prefetch_related(
        Prefetch("events", queryset=BookingEvent.objects.select_related("actor").order_by("at", "id"))
    )
    if access.is_superuser:
        return qs
    if not user.is_authenticated:
        return qs.none()
    scope = Q(requester=user) | Q(company_id__in=access.admin_of) | Q(instrument__institution_id__in=access.staff_of)
    if access.secretariat_of:
        scope |= Q(instrument__institution_id__in=institution_ids_of_consortia(access.secretariat_of))
    return qs.filter(scope)


def sees_full_details(user, booking: Booking) -> bool:
    """Whether purpose and sample of a confidential booking may be shown to this user."""
    access = access_for(user)
    return (
        access.is_superuser
        or booking.requester_id == user.id
        or booking.company_id in access.admin_of
        or booking.instrument.institution_id in access.staff_of
        or not booking.confidential
    )


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
