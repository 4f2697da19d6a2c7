"""The rules a booking request is checked against, one small check each, run in order by `check_request`.

No ORM, like `rules`: the services load the instrument's policy, downtimes, qualification and quota and call
`check_request`; the first rule broken is the refusal, its message through the catalogues in the reader's language
(a datetime without an offset gets the product's one refusal, `backend.plumbing.naive_datetime_error`). Overlap with other bookings is not checked here (the
services check it against the database, see `rules.find_clash`, and PostgreSQL's exclusion constraint holds it).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

import jpholiday
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from backend.errors import DomainError
from backend.i18n import long_date, long_datetime
from backend.plumbing import naive_datetime_error
from backend.tokyo import TOKYO
from bookings.errors import BookingRuleError
from equipment.models import UsageMode  # the modes' names (a choices enum; nothing is queried)

from .rules import (
    HolidayTest,
    InstrumentPolicy,
    Interval,
    find_clash,
    is_on_slot_grid,
    local_dates,
    needs_qualification,
    opening_intervals,
    total_seconds,
)

MESSAGES = {
    "end_before_start": _("The end must be after the start."),
    "maintenance": _("The instrument is under maintenance and cannot be booked; choose another in the catalogue."),
    "retired": _("The instrument has been retired and cannot be booked; choose another in the catalogue."),
    "mode_not_offered": _("The instrument does not offer the usage mode “%(mode)s”; choose one of: %(offered)s."),
    "too_short": _("Shorter than the minimum booking of %(n)d minutes: end at %(end)s or later."),
    "too_long": _("Longer than the maximum booking of %(n)d minutes: end at %(end)s at the latest."),
    "off_grid": _("Start and end must be on the %(n)d-minute slot grid, e.g. %(time)s."),
    "lead_time": _("Bookings close %(n)d hours before the start: choose a start from %(earliest)s."),
    "beyond_horizon": _("Bookings open only %(n)d days ahead: choose a start before %(latest)s."),
    "public_holiday": _("The instrument is closed on public holidays (%(date)s); choose another day."),
    "outside_opening_hours": _("Outside the instrument's opening hours: on %(date)s it is open %(hours)s."),
    "closed_that_day": _("Outside the instrument's opening hours: it is closed on %(date)s; choose another day."),
    "downtime": _("Overlaps a downtime of the instrument (%(start)s–%(end)s); choose a time outside it."),
    "qualification_required": _(
        "Self-operation needs a qualification: ask the instrument's staff for one, or choose another usage mode."
    ),
    "qualification_required_try_assisted": _(
        "Self-operation needs a qualification; you can request staff-assisted use instead."
    ),
    "quota_exceeded": _(
        "This exceeds the monthly quota of %(quota)g hours (%(used)g hours used, %(requested)g hours requested): "
        "request at most %(left)g hours this month."
    ),
}


def refusal(code: str, message: str = "", *, field: str | None = None, params: dict | None = None, **extra):
    """A BookingRuleError with the message named `message` (default: the code), filled in with `params`."""
    return BookingRuleError(code, str(MESSAGES[message or code]) % (params or {}), field=field, **extra)


def _local_text(moment: datetime) -> str:
    """A moment in a refusal's text: Tokyo time, as the reader's language writes it."""
    return long_datetime(moment)


def _list(items: Iterable[str]) -> str:
    """Items of a refusal's text joined as the reader's language lists them (「、」 in Japanese)."""
    return pgettext("list separator", ", ").join(items)


def _grid_after(moment: datetime, slot_minutes: int) -> datetime:
    """The first moment on the slot grid at or after `moment` (whole minutes since Tokyo midnight)."""
    local = moment.astimezone(TOKYO).replace(second=0, microsecond=0)
    if local < moment:
        local += timedelta(minutes=1)
    late = (local.hour * 60 + local.minute) % slot_minutes
    return local + timedelta(minutes=(slot_minutes - late) % slot_minutes)


@dataclass(frozen=True)
class BookingRequest:
    """What `check_request` is given, as one value its checks read."""

    policy: InstrumentPolicy
    start: datetime
    end: datetime
    mode: str
    now: datetime
    downtimes: Iterable[Interval]
    is_qualified: bool
    quota_hours: float | None
    used_hours_in_month: float
    is_holiday: HolidayTest = jpholiday.is_holiday

    @property
    def interval(self) -> Interval:
        return Interval(self.start, self.end)

    @property
    def minutes(self) -> float:
        return (self.end - self.start).total_seconds() / 60


# Each check below returns the refusal for the one rule it names, or None. They run in the order of
# REQUEST_CHECKS, and a check may take the ones before it as passed (aware datetimes, end after start).
Check = Callable[[BookingRequest], DomainError | None]


def refuse_naive_datetime(request: BookingRequest) -> DomainError | None:
    """The product's one refusal of a datetime without an offset (backend.plumbing), named for the field."""
    for field in ("start", "end"):
        if getattr(request, field).utcoffset() is None:
            return naive_datetime_error(field)
    return None


def refuse_end_before_start(request: BookingRequest) -> BookingRuleError | None:
    return refusal("end_before_start", field="end") if request.end <= request.start else None


def refuse_inactive_instrument(request: BookingRequest) -> BookingRuleError | None:
    status = request.policy.status
    if status == "active":
        return None
    message = "maintenance" if status == "maintenance" else "retired"
    return refusal("instrument_unavailable", message, instrument_status=status)


def refuse_mode_not_offered(request: BookingRequest) -> BookingRuleError | None:
    if request.mode in request.policy.modes:
        return None
    name = UsageMode(request.mode).label if request.mode in UsageMode.values else request.mode
    offered = _list(str(UsageMode(m).label) for m in request.policy.modes if m in UsageMode.values)
    return refusal("mode_not_offered", field="mode", params={"mode": name, "offered": offered})


def refuse_too_short(request: BookingRequest) -> BookingRuleError | None:
    shortest = request.policy.min_minutes
    if request.minutes >= shortest:
        return None
    end = request.start + timedelta(minutes=shortest)
    return refusal("too_short", field="end", params={"n": shortest, "end": _local_text(end)})


def refuse_too_long(request: BookingRequest) -> BookingRuleError | None:
    longest = request.policy.max_minutes
    if request.minutes <= longest:
        return None
    end = request.start + timedelta(minutes=longest)
    return refusal("too_long", field="end", params={"n": longest, "end": _local_text(end)})


def refuse_off_grid(request: BookingRequest) -> BookingRuleError | None:
    slot = request.policy.slot_minutes
    for field in ("start", "end"):
        moment = getattr(request, field)
        if not is_on_slot_grid(moment, slot):
            return refusal("off_grid", field=field, params={"n": slot, "time": _local_text(_grid_after(moment, slot))})
    return None


def refuse_inside_lead_time(request: BookingRequest) -> BookingRuleError | None:
    hours = request.policy.lead_time_hours
    earliest = request.now + timedelta(hours=hours)
    if request.start < earliest:
        slot = request.policy.slot_minutes
        return refusal(
            "lead_time",
            field="start",
            params={"n": hours, "earliest": _local_text(_grid_after(earliest, slot))},
            earliest=earliest.astimezone(TOKYO).isoformat(),
        )
    return None


def refuse_beyond_horizon(request: BookingRequest) -> BookingRuleError | None:
    days = request.policy.horizon_days
    latest = request.now + timedelta(days=days)
    if request.start > latest:
        return refusal(
            "beyond_horizon",
            field="start",
            params={"n": days, "latest": _local_text(latest)},
            latest=latest.astimezone(TOKYO).isoformat(),
        )
    return None


def refuse_public_holiday(request: BookingRequest) -> BookingRuleError | None:
    """Named before opening hours, so the refusal says why the instrument is closed."""
    for day in local_dates(request.interval):
        if request.is_holiday(day):
            return refusal("public_holiday", field="start", params={"date": long_date(day)}, date=day.isoformat())
    return None


def refuse_outside_opening_hours(request: BookingRequest) -> BookingRuleError | None:
    opening = opening_intervals(request.policy, request.start, request.end, is_holiday=request.is_holiday)
    if total_seconds(opening) >= request.interval.seconds:
        return None
    day = request.start.astimezone(TOKYO).date()
    hours = sorted(
        (opens, closes) for weekday, opens, closes in request.policy.weekly_hours if weekday == day.weekday()
    )
    if not hours:
        return refusal("outside_opening_hours", "closed_that_day", field="start", params={"date": long_date(day)})
    text = _list(f"{opens.hour}:{opens:%M}–{closes.hour}:{closes:%M}" for opens, closes in hours)
    return refusal(
        "outside_opening_hours",
        field="start",
        params={"date": long_date(day), "hours": text},
        opening_hours=[[f"{opens:%H:%M}", f"{closes:%H:%M}"] for opens, closes in hours],
    )


def refuse_downtime(request: BookingRequest) -> BookingRuleError | None:
    clash = find_clash(request.interval, request.downtimes)
    if not clash:
        return None
    return refusal(
        "downtime",
        field="start",
        params={"start": _local_text(clash.start), "end": _local_text(clash.end)},
        clash={"start": clash.start.astimezone(TOKYO).isoformat(), "end": clash.end.astimezone(TOKYO).isoformat()},
    )


def refuse_unqualified(request: BookingRequest) -> BookingRuleError | None:
    """Self-operation needs a qualification; the refusal suggests staff-assisted use where it is offered."""
    if request.is_qualified or not needs_qualification(request.policy, request.mode):
        return None
    message = "qualification_required_try_assisted" if "assisted" in request.policy.modes else ""
    return refusal("qualification_required", message, field="mode")


def refuse_over_quota(request: BookingRequest) -> BookingRuleError | None:
    quota_hours, used_hours = request.quota_hours, request.used_hours_in_month
    requested_hours = request.interval.seconds / 3600
    if quota_hours is None or used_hours + requested_hours <= quota_hours + 1e-9:
        return None
    return refusal(
        "quota_exceeded",
        params={
            "quota": quota_hours,
            "used": used_hours,
            "requested": requested_hours,
            "left": max(quota_hours - used_hours, 0),
        },
        quota_hours=quota_hours,
        used_hours=used_hours,
        requested_hours=requested_hours,
    )


REQUEST_CHECKS: tuple[Check, ...] = (
    refuse_naive_datetime,
    refuse_end_before_start,
    refuse_inactive_instrument,
    refuse_mode_not_offered,
    refuse_too_short,
    refuse_too_long,
    refuse_off_grid,
    refuse_inside_lead_time,
    refuse_beyond_horizon,
    refuse_public_holiday,
    refuse_outside_opening_hours,
    refuse_downtime,
    refuse_unqualified,
    refuse_over_quota,
)


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
    """Refuse a booking request that breaks one of the instrument's rules: the checks of REQUEST_CHECKS run in
    order and the first refusal is raised.

    Overlap with other bookings is not checked here (services do it against the database, see `find_clash`).
    `used_hours_in_month` is the company's use in the request's month: a request inside opening hours lies within
    one Tokyo day (hours close by 23:59), so it never spans two months.
    """
    request = BookingRequest(
        policy=policy,
        start=start,
        end=end,
        mode=mode,
        now=now,
        downtimes=downtimes,
        is_qualified=is_qualified,
        quota_hours=quota_hours,
        used_hours_in_month=used_hours_in_month,
        is_holiday=is_holiday,
    )
    for check in REQUEST_CHECKS:
        refused = check(request)
        if refused is not None:
            raise refused
