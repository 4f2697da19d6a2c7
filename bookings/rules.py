"""Booking rules as pure functions: interval arithmetic, opening hours, availability and request checks.

No ORM and no request objects: services load rows, build an `InstrumentPolicy` and `Interval`s, and call in here.

Conventions:
- An `Interval` is half-open, [start, end), with aware datetimes; 10:00–11:00 and 11:00–12:00 touch but do not overlap.
- Set operations (`merge`, `subtract`, `intersect`) return sorted, disjoint, non-adjacent intervals and keep the
  datetimes they were given. Intervals this module *builds* (`opening_intervals`, `free_and_busy_intervals`,
  `requestable_intervals`) are in UTC, like the database; convert to `TOKYO` for display.
- Opening hours are wall-clock times in Asia/Tokyo; an instrument is closed on Japanese public holidays.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import jpholiday
from django.utils.translation import gettext_lazy as _

from bookings.errors import BookingRuleError

TOKYO = ZoneInfo("Asia/Tokyo")

HolidayTest = Callable[[date], bool]


@dataclass(frozen=True, order=True)
class Interval:
    start: datetime
    end: datetime

    def __post_init__(self):
        if self.start.utcoffset() is None or self.end.utcoffset() is None:
            raise ValueError("Interval needs aware datetimes")
        if not self.start < self.end:
            raise ValueError(f"Interval must end after it starts: {self.start} .. {self.end}")

    @property
    def seconds(self) -> float:
        return (self.end - self.start).total_seconds()

    def in_zone(self, zone) -> "Interval":
        """The same interval with both ends expressed in `zone` (for display)."""
        return Interval(self.start.astimezone(zone), self.end.astimezone(zone))


@dataclass(frozen=True)
class InstrumentPolicy:
    """The booking rules of one instrument (mirrors the rule fields of equipment.Instrument).

    `weekly_hours` holds (weekday, opens, closes) with 0 = Monday, local Tokyo times, opens < closes; a weekday may
    appear several times (a lunch break is two intervals).
    """

    slot_minutes: int = 30
    min_minutes: int = 30
    max_minutes: int = 480
    lead_time_hours: int = 24
    horizon_days: int = 90
    setup_minutes: int = 0
    cleanup_minutes: int = 0
    modes: tuple[str, ...] = ("self", "assisted", "commissioned")
    requires_qualification: bool = True
    status: str = "active"
    weekly_hours: tuple[tuple[int, time, time], ...] = ()


# --- Interval arithmetic -------------------------------------------------------------------------------------------


def overlaps(a: Interval, b: Interval) -> bool:
    """Whether two half-open intervals share a moment (touching ends do not count)."""
    return a.start < b.end and b.start < a.end


def merge(intervals: Iterable[Interval]) -> list[Interval]:
    """The same moments as sorted, disjoint intervals; overlapping and touching intervals become one."""
    merged: list[Interval] = []
    for interval in sorted(intervals, key=lambda i: (i.start, i.end)):
        if merged and interval.start <= merged[-1].end:
            if interval.end > merged[-1].end:
                merged[-1] = Interval(merged[-1].start, interval.end)
        else:
            merged.append(interval)
    return merged


def subtract(base: Iterable[Interval], cuts: Iterable[Interval]) -> list[Interval]:
    """The moments of `base` that are in none of `cuts`."""
    cuts = merge(cuts)
    result = []
    for piece in merge(base):
        start = piece.start
        for cut in cuts:
            if cut.end <= start or cut.start >= piece.end:
                continue
            if cut.start > start:
                result.append(Interval(start, cut.start))
            start = max(start, cut.end)
            if start >= piece.end:
                break
        if start < piece.end:
            result.append(Interval(start, piece.end))
    return result


def intersect(a: Iterable[Interval], b: Iterable[Interval]) -> list[Interval]:
    """The moments that are in both `a` and `b`."""
    b = merge(b)
    pieces = []
    for x in merge(a):
        for y in b:
            start, end = max(x.start, y.start), min(x.end, y.end)
            if start < end:
                pieces.append(Interval(start, end))
    return merge(pieces)


def in_utc(intervals: Iterable[Interval]) -> list[Interval]:
    """The same intervals with their datetimes expressed in UTC."""
    return [Interval(i.start.astimezone(UTC), i.end.astimezone(UTC)) for i in intervals]


def total_seconds(intervals: Iterable[Interval]) -> float:
    """Seconds covered by the intervals, each moment counted once."""
    return sum(i.seconds for i in merge(intervals))


def find_clash(request_hold: Interval, holds: Iterable[Interval]) -> Interval | None:
    """The earliest of `holds` that overlaps `request_hold` (both already widened by their buffers), or None."""
    return next((hold for hold in sorted(holds) if overlaps(request_hold, hold)), None)


# --- Opening hours and availability --------------------------------------------------------------------------------


def held_interval(booking: Interval, policy: InstrumentPolicy) -> Interval:
    """What a holding booking blocks: its own time plus the set-up before and the clean-up after."""
    return Interval(
        booking.start - timedelta(minutes=policy.setup_minutes),
        booking.end + timedelta(minutes=policy.cleanup_minutes),
    )


def local_dates(interval: Interval) -> list[date]:
    """The Tokyo calendar dates [start, end) touches; an interval ending at midnight does not touch the next day."""
    first = interval.start.astimezone(TOKYO).date()
    last = (interval.end.astimezone(TOKYO) - timedelta(microseconds=1)).date()
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def opening_intervals(
    policy: InstrumentPolicy, start: datetime, end: datetime, *, is_holiday: HolidayTest = jpholiday.is_holiday
) -> list[Interval]:
    """When the instrument is open within [start, end): weekly hours on each Tokyo date, none on public holidays.

    Clipped to the window, merged, in UTC.
    """
    window = Interval(start, end)
    pieces = []
    for day in local_dates(window):
        if is_holiday(day):
            continue
        for weekday, opens, closes in policy.weekly_hours:
            if weekday == day.weekday():
                pieces.append(
                    Interval(
                        datetime.combine(day, opens, tzinfo=TOKYO).astimezone(UTC),
                        datetime.combine(day, closes, tzinfo=TOKYO).astimezone(UTC),
                    )
                )
    return intersect(pieces, [Interval(start.astimezone(UTC), end.astimezone(UTC))])


def free_and_busy_intervals(
    policy: InstrumentPolicy,
    start: datetime,
    end: datetime,
    *,
    downtimes: Iterable[Interval],
    holds: Iterable[Interval],
    is_holiday: HolidayTest = jpholiday.is_holiday,
) -> tuple[list[Interval], list[Interval]]:
    """(free, busy) within [start, end), for showing a calendar. Both in UTC, merged, and never overlapping.

    `holds` are the `held_interval`s of other holding bookings (buffers included). busy = (downtimes ∪ holds) clipped
    to the window: bare intervals, saying nothing of whose booking it is. free = opening hours minus busy.

    A request [s, e) needs [s, e) inside free, but that is not enough: its own buffers, [s - setup, s) and
    [e, e + cleanup), must not run into other holds either (they may fall outside opening hours or in downtime).
    `requestable_intervals` gives the exact answer.
    """
    busy = busy_intervals(start, end, downtimes=downtimes, holds=holds)
    free = subtract(opening_intervals(policy, start, end, is_holiday=is_holiday), busy)
    return free, busy


def busy_intervals(start: datetime, end: datetime, *, downtimes: Iterable[Interval], holds: Iterable[Interval]):
    """Downtimes and holds clipped to [start, end), merged, in UTC: what a calendar shows as taken."""
    window = Interval(start.astimezone(UTC), end.astimezone(UTC))
    return intersect(in_utc([*downtimes, *holds]), [window])


def requestable_intervals(
    policy: InstrumentPolicy,
    start: datetime,
    end: datetime,
    *,
    downtimes: Iterable[Interval],
    holds: Iterable[Interval],
    is_holiday: HolidayTest = jpholiday.is_holiday,
) -> list[Interval]:
    """Where a new request [s, e) may lie, as far as time is concerned: in UTC, a subset of the free intervals.

    [s - setup, e + cleanup) misses a hold [hs, he) exactly when [s, e) misses [hs - cleanup, he + setup); so this is
    opening hours minus downtime minus each hold widened that way. A request inside one of these intervals that also
    passes `check_request` (length, grid, ...) clashes with nothing. Pass every hold overlapping
    `held_interval(Interval(start, end), policy)`: holds just outside the window can still push into it.
    """
    widened = [
        Interval(h.start - timedelta(minutes=policy.cleanup_minutes), h.end + timedelta(minutes=policy.setup_minutes))
        for h in holds
    ]
    return subtract(opening_intervals(policy, start, end, is_holiday=is_holiday), in_utc([*downtimes, *widened]))


# --- Checking a request --------------------------------------------------------------------------------------------


def is_on_slot_grid(moment: datetime, slot_minutes: int) -> bool:
    """Whether a moment falls on the slot grid: whole minutes since Tokyo midnight divisible by the slot length."""
    local = moment.astimezone(TOKYO)
    return local.second == 0 and local.microsecond == 0 and (local.hour * 60 + local.minute) % slot_minutes == 0


def on_grid(intervals: Iterable[Interval], slot_minutes: int) -> list[Interval]:
    """Each interval shrunk to the slot grid (start rounded up, end rounded down, Tokyo time); what is
    then shorter than one slot is dropped. What a calendar may offer as a bookable slot."""
    step = timedelta(minutes=slot_minutes)
    result = []
    for interval in intervals:
        local_start = interval.start.astimezone(TOKYO)
        midnight = local_start.replace(hour=0, minute=0, second=0, microsecond=0)
        start = midnight + -(-(local_start - midnight) // step) * step  # ceil to the grid
        end = start + ((interval.end - start) // step) * step if interval.end > start else start
        if end - start >= step:
            result.append(Interval(start.astimezone(UTC), end.astimezone(UTC)))
    return result


def hours_by_month(interval: Interval, tz: ZoneInfo = TOKYO) -> dict[tuple[int, int], float]:
    """The interval's hours in each (year, month) of `tz`, split at local midnight on the 1st.

    Used for monthly quotas and reports when a booking runs across a month end.
    """
    parts: dict[tuple[int, int], float] = {}
    cursor = interval.start.astimezone(tz)
    while cursor < interval.end:
        year, month = (cursor.year + 1, 1) if cursor.month == 12 else (cursor.year, cursor.month + 1)
        next_month = datetime(year, month, 1, tzinfo=tz)
        part_end = min(next_month, interval.end)
        # Subtract in UTC: aware datetimes sharing a tzinfo subtract as wall-clock time (wrong across DST).
        seconds = (part_end.astimezone(UTC) - cursor.astimezone(UTC)).total_seconds()
        parts[(cursor.year, cursor.month)] = seconds / 3600
        cursor = next_month
    return parts


MESSAGES = {
    "naive_datetime": _(
        "日時にはタイムゾーン（例: +09:00）を付けてください。 (Give date-times with a time-zone offset.)"
    ),
    "end_before_start": _("終了日時は開始日時より後にしてください。 (The end must be after the start.)"),
    "maintenance": _("この機器は保守中のため予約できません。 (The instrument is under maintenance.)"),
    "retired": _("この機器は廃止されたため予約できません。 (The instrument has been retired.)"),
    "mode_not_offered": _(
        "この機器では利用形態「%(mode)s」を提供していません。 (The instrument does not offer the “%(mode)s” mode.)"
    ),
    "too_short": _("最短予約時間（%(n)d分）より短い予約です。 (Shorter than the minimum of %(n)d minutes.)"),
    "too_long": _("最長予約時間（%(n)d分）を超える予約です。 (Longer than the maximum of %(n)d minutes.)"),
    "off_grid": _("開始・終了は%(n)d分単位で指定してください。 (Start and end must be on the %(n)d-minute slot grid.)"),
    "lead_time": _("受付締切（開始の%(n)d時間前）を過ぎています。 (Bookings close %(n)d hours before the start.)"),
    "beyond_horizon": _("予約可能期間（%(n)d日先まで）を超えています。 (Bookings open only %(n)d days ahead.)"),
    "public_holiday": _("祝日（%(date)s）は利用できません。 (The instrument is closed on public holidays: %(date)s.)"),
    "outside_opening_hours": _("利用可能時間外です。 (Outside the instrument's opening hours.)"),
    "downtime": _("機器の停止時間（%(start)s–%(end)s）と重なります。 (Overlaps a downtime, %(start)s–%(end)s.)"),
    "qualification_required": _("自己操作には利用資格が必要です。 (Self-operation needs a qualification.)"),
    "qualification_required_try_assisted": _(
        "自己操作には利用資格が必要です。技術補助での利用は申請できます。"
        " (Self-operation needs a qualification; you can request staff-assisted use instead.)"
    ),
    "quota_exceeded": _(
        "今月の利用上限（%(quota)g時間）を超えます（利用済み%(used)g時間、申請%(requested)g時間）。"
        " (This exceeds the monthly quota of %(quota)g hours: %(used)g used, %(requested)g requested.)"
    ),
}


def refusal(code: str, message: str = "", *, field: str | None = None, params: dict | None = None, **extra):
    """A BookingRuleError with the message named `message` (default: the code), filled in with `params`."""
    return BookingRuleError(code, str(MESSAGES[message or code]) % (params or {}), field=field, **extra)


def needs_qualification(policy: InstrumentPolicy, mode: str) -> bool:
    """Whether a request in this mode is only open to qualified users (operating the instrument alone)."""
    return mode == "self" and policy.requires_qualification


def _local_text(moment: datetime) -> str:
    return f"{moment.astimezone(TOKYO):%Y-%m-%d %H:%M}"


def check_request(
    *,
    policy: InstrumentPolicy,
    start: datetime,
    end: datetime,
    mode: str,
    now: datetime,
    downtimes: Iterable[Interval],
    is_qualified: bool,
    quota_hours: float | None,
    used_hours_in_month: float,
    is_holiday: HolidayTest = jpholiday.is_holiday,
) -> None:
    """Refuse a booking request that breaks one of the instrument's rules; the first rule broken wins.

    Overlap with other bookings is not checked here (services do it against the database, see `find_clash`).
    `used_hours_in_month` is the user's use in the request's month: a request inside opening hours lies within one
    Tokyo day (hours close by 23:59), so it never spans two months.
    """
    for field, moment in (("start", start), ("end", end)):
        if moment.utcoffset() is None:
            raise refusal("naive_datetime", field=field)
    if end <= start:
        raise refusal("end_before_start", field="end")
    if policy.status != "active":
        message = "maintenance" if policy.status == "maintenance" else "retired"
        raise refusal("instrument_unavailable", message, instrument_status=policy.status)
    if mode not in policy.modes:
        raise refusal("mode_not_offered", field="mode", params={"mode": mode})

    minutes = (end - start).total_seconds() / 60
    if minutes < policy.min_minutes:
        raise refusal("too_short", field="end", params={"n": policy.min_minutes})
    if minutes > policy.max_minutes:
        raise refusal("too_long", field="end", params={"n": policy.max_minutes})
    for field, moment in (("start", start), ("end", end)):
        if not is_on_slot_grid(moment, policy.slot_minutes):
            raise refusal("off_grid", field=field, params={"n": policy.slot_minutes})

    if start < now + timedelta(hours=policy.lead_time_hours):
        raise refusal("lead_time", field="start", params={"n": policy.lead_time_hours})
    if start > now + timedelta(days=policy.horizon_days):
        raise refusal("beyond_horizon", field="start", params={"n": policy.horizon_days})

    request = Interval(start, end)
    for day in local_dates(request):
        if is_holiday(day):
            raise refusal("public_holiday", field="start", params={"date": day.isoformat()}, date=day.isoformat())
    if total_seconds(opening_intervals(policy, start, end, is_holiday=is_holiday)) < request.seconds:
        raise refusal("outside_opening_hours", field="start")
    clash = find_clash(request, downtimes)
    if clash:
        raise refusal(
            "downtime",
            field="start",
            params={"start": _local_text(clash.start), "end": _local_text(clash.end)},
            clash={"start": clash.start.astimezone(TOKYO).isoformat(), "end": clash.end.astimezone(TOKYO).isoformat()},
        )

    if needs_qualification(policy, mode) and not is_qualified:
        message = "qualification_required_try_assisted" if "assisted" in policy.modes else ""
        raise refusal("qualification_required", message, field="mode")

    requested_hours = request.seconds / 3600
    if quota_hours is not None and used_hours_in_month + requested_hours > quota_hours + 1e-9:
        raise refusal(
            "quota_exceeded",
            params={"quota": quota_hours, "used": used_hours_in_month, "requested": requested_hours},
            quota_hours=quota_hours,
            used_hours=used_hours_in_month,
            requested_hours=requested_hours,
        )
