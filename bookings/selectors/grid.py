"""An instrument's time grid: typed blocks over [first day, + N days) in Tokyo, for the instrument page, the
counter-proposal form and the grid API.

Every block is one of KINDS; together they say why each moment is or is not free for this viewer:
`closed` (outside opening hours; on a public holiday its name; while the instrument is not active its status),
`too_soon` (inside the lead time, or past), `too_far` (beyond the booking horizon), `downtime` (its title),
`busy` (another's booking: its slot, and its set-up and clean-up as separate parts, each where it really lies;
never whose), `own_pending` / `own_approved` (the viewer's own bookings, or their company's for a company admin,
with id), `subject` (the booking a counter-proposal is for), `no_operator_free` (for an assisted or commissioned
mode: time the instrument could take a request but no candidate operator is free for it, `operators.operated_time`),
`no_room` (open, but no booking fits: a gap shorter
than the minimum, or where set-up or clean-up would run into another booking) and `free` (on the slot grid, where a
request may lie as far as time is concerned: `rules.requestable_intervals`, as the availability API says).

The rules are those of `rules` and the request checks; nothing here decides differently. Two queries whatever the
number of bookings and downtimes (the instrument's rules come prefetched, or by `policy_of_id`); an assisted or
commissioned mode seven more whatever the number of operators and days (`operators.operated_time_of_id`).
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

import jpholiday
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from backend.i18n import is_japanese
from backend.tokyo import TOKYO
from bookings import rules
from bookings.models import Booking
from consortia.selectors import access_for
from equipment.models import Downtime, Instrument

from .operators import default_mode, needs_operator, operated_time_of_id

MAX_DAYS = 14  # the most days one grid answers
MAX_DISTANCE_DAYS = 800  # how far from today a grid may start (the pages page that far ahead)
BACKGROUND = ("closed", "too_soon", "too_far", "downtime", "busy", "no_operator_free", "no_room")
OWN = ("own_pending", "own_approved")
KINDS = (*BACKGROUND, *OWN, "subject", "free")
DEFAULT_HOURS = (time(9), time(18))  # the visible hours of an instrument without opening hours


@dataclass(frozen=True)
class Block:
    kind: str
    start: datetime
    end: datetime
    label: str = ""  # a holiday's name, a downtime's title, an inactive instrument's status
    booking_id: int | None = None  # own bookings and the subject only
    part: str = ""  # busy and own: "use", "setup" or "cleanup"

    def in_tokyo(self) -> "Block":
        return Block(
            self.kind, self.start.astimezone(TOKYO), self.end.astimezone(TOKYO), self.label, self.booking_id, self.part
        )


@dataclass(frozen=True)
class TimeGrid:
    instrument_id: int
    first_day: date
    days: int
    slot_minutes: int
    min_minutes: int
    max_minutes: int
    opens: time  # the earliest opening time of the window's weekdays: the first visible hour
    closes: time  # the latest closing time
    blocks: list[Block] = field(default_factory=list)
    mode: str | None = None  # the usage mode whose free time the grid shows

    @property
    def previous_first_day(self) -> date:
        return self.first_day - timedelta(days=7)

    @property
    def next_first_day(self) -> date:
        return self.first_day + timedelta(days=7)

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first_day, time.min, tzinfo=TOKYO)

    @property
    def end(self) -> datetime:
        return self.start + timedelta(days=self.days)

    def by_day(self) -> list[tuple[date, list[Block]]]:
        """The blocks split at Tokyo midnight, per day, in Tokyo time (the plain list of the page without
        JavaScript)."""
        result = []
        for n in range(self.days):
            day = self.first_day + timedelta(days=n)
            window = rules.Interval(self.start + timedelta(days=n), self.start + timedelta(days=n + 1))
            pieces = []
            for block in self.blocks:
                s, e = max(block.start, window.start), min(block.end, window.end)
                if s < e:
                    pieces.append(Block(block.kind, s, e, block.label, block.booking_id, block.part).in_tokyo())
            result.append((day, pieces))
        return result


def visible_hours(policy: rules.InstrumentPolicy, first_day: date, days: int) -> tuple[time, time]:
    """The earliest opening and latest closing time on the weekdays of the window (every weekday's hours when
    the window is shorter than a week, so paging days does not make the grid jump); 9:00–18:00 without hours."""
    weekdays = {(first_day + timedelta(days=n)).weekday() for n in range(max(days, 7))}
    hours = [(opens, closes) for weekday, opens, closes in policy.weekly_hours if weekday in weekdays]
    if not hours:
        return DEFAULT_HOURS
    return min(o for o, _c in hours), max(c for _o, c in hours)


def _holiday_label(day: date) -> str:
    """A public holiday as the reader's language names it: its Japanese name on a Japanese page."""
    name = jpholiday.is_holiday_name(day) or ""
    return name if is_japanese() and name else _("Public holiday")


def _inactive_label(status: str) -> str:
    return str(Instrument.Status(status).label)


def _own_scope(viewer):
    """(user id, company ids) whose bookings the viewer sees as their own; (None, ∅) for anonymous visitors."""
    if viewer is None or not viewer.is_authenticated:
        return None, frozenset()
    return viewer.id, access_for(viewer).admin_of


def _time_of(instrument_id: int, window: rules.Interval, policy: rules.InstrumentPolicy):
    """(holding bookings, downtimes) of the instrument near the window: two queries. Bookings as far out as their
    buffers can reach into it (as `requestable_and_busy_of` reads them)."""
    reach = timedelta(minutes=policy.setup_minutes + policy.cleanup_minutes)
    bookings = list(
        Booking.objects.filter(
            instrument_id=instrument_id,
            status__in=Booking.HOLDING,
            hold_start__lt=window.end + reach,
            hold_end__gt=window.start - reach,
        )
        .order_by("hold_start", "id")
        .values_list("id", "status", "start", "end", "hold_start", "hold_end", "requester_id", "company_id")
    )
    downtimes = list(
        Downtime.objects.filter(instrument_id=instrument_id, start__lt=window.end, end__gt=window.start)
        .order_by("start", "id")
        .values_list("start", "end", "title")
    )
    return bookings, downtimes


def _closed_blocks(window: rules.Interval, opening: list[rules.Interval]) -> list[Block]:
    """Outside opening hours; a public holiday's whole day carries its name."""
    blocks, holidays = [], []
    for day in rules.local_dates(window):
        if jpholiday.is_holiday(day):
            midnight = datetime.combine(day, time.min, tzinfo=TOKYO).astimezone(UTC)
            span = rules.intersect([rules.Interval(midnight, midnight + timedelta(days=1))], [window])[0]
            holidays.append(span)
            blocks.append(Block("closed", span.start, span.end, _holiday_label(day)))
    for piece in rules.subtract(rules.subtract([window], opening), holidays):
        blocks.append(Block("closed", piece.start, piece.end))
    return blocks


def _out_of_reach(policy: rules.InstrumentPolicy, window: rules.Interval, opening, now: datetime) -> list[Block]:
    """Open time nobody may request now: all of it while the instrument is not active; else what lies inside the
    lead time (or is past) and beyond the horizon (`request_rules.refuse_inside_lead_time`, `…beyond_horizon`)."""
    if policy.status != "active":
        return [Block("closed", i.start, i.end, _inactive_label(policy.status)) for i in opening]
    earliest = now + timedelta(hours=policy.lead_time_hours)
    latest = now + timedelta(days=policy.horizon_days)  # the last moment a request may start
    too_soon = rules.intersect(opening, [rules.Interval(window.start, earliest)]) if earliest > window.start else []
    too_far = rules.intersect(opening, [rules.Interval(latest, window.end)]) if latest < window.end else []
    return [Block("too_soon", i.start, i.end) for i in too_soon] + [Block("too_far", i.start, i.end) for i in too_far]


def _kind_of(status: str, requester_id, company_id, *, user_id, companies) -> str:
    if requester_id == user_id or company_id in companies:
        return "own_approved" if status == Booking.Status.APPROVED else "own_pending"
    return "busy"


def _booking_blocks(bookings, window: rules.Interval, *, viewer, subject_id: int | None):
    """(blocks, holds): each booking's use and, apart, its set-up and clean-up where they really lie; the holds
    (buffers included) of all but the subject. Another's booking says nothing of whose."""
    user_id, companies = _own_scope(viewer)
    blocks, holds = [], []
    for booking_id, status, s, e, hold_start, hold_end, requester_id, company_id in bookings:
        if booking_id == subject_id:
            kind = "subject"
        else:
            kind = _kind_of(status, requester_id, company_id, user_id=user_id, companies=companies)
            holds.append(rules.Interval(hold_start, hold_end))
        shown_id = None if kind == "busy" else booking_id
        buffer_kind = "subject" if kind == "subject" else "busy"
        for part, ps, pe in (("setup", hold_start, s), ("use", s, e), ("cleanup", e, hold_end)):
            if ps < pe and ps < window.end and pe > window.start:
                blocks.append(
                    Block(
                        kind if part == "use" else buffer_kind,
                        max(ps, window.start),
                        min(pe, window.end),
                        booking_id=shown_id if part == "use" else None,
                        part=part,
                    )
                )
    return blocks, holds


def _on_grid_and_long_enough(policy, intervals) -> list[rules.Interval]:
    return [i for i in rules.on_grid(intervals, policy.slot_minutes) if i.seconds >= policy.min_minutes * 60]


def _free_and_no_room(policy, window, opening, *, downtimes, holds, unavailable, taken, operated) -> list[Block]:
    """Free: where a request may lie (`rules.requestable_intervals`) outside `unavailable`, on the slot grid, at
    least the minimum long; for an operated mode (`operated` not None) also where an operator could take it, the rest
    of that time `no_operator_free`. No room: open time that is none of these nor `taken` by a block."""
    requestable = rules.requestable_intervals(policy, window.start, window.end, downtimes=downtimes, holds=holds)
    requestable = rules.subtract(requestable, unavailable)
    instrument_free = _on_grid_and_long_enough(policy, requestable)
    if operated is None:
        free, no_operator = instrument_free, []
    else:
        free = _on_grid_and_long_enough(policy, rules.intersect(requestable, operated))
        no_operator = rules.subtract(instrument_free, free)
    no_room = rules.subtract(opening, [*free, *no_operator, *unavailable, *taken])
    return (
        [Block("free", i.start, i.end) for i in free]
        + [Block("no_operator_free", i.start, i.end) for i in no_operator]
        + [Block("no_room", i.start, i.end) for i in no_room]
    )


def time_grid(
    *,
    instrument_id: int,
    policy: rules.InstrumentPolicy,
    viewer,
    first_day: date,
    days: int = 7,
    now: datetime | None = None,
    subject_id: int | None = None,
    mode: str | None = None,
) -> TimeGrid:
    """The typed blocks of an instrument's time for `viewer` over [first_day, + days) in Tokyo. `subject_id` is a
    booking being moved (a counter-proposal): it is shown as `subject` and does not hold its own time (nor its
    operator's). `mode` is the usage mode the free time is for: an assisted or commissioned one is free only where an
    operator is free too; without one, `default_mode`."""
    now = now or timezone.now()
    days = max(1, min(days, MAX_DAYS))
    start = datetime.combine(first_day, time.min, tzinfo=TOKYO).astimezone(UTC)
    window = rules.Interval(start, start + timedelta(days=days))
    bookings, downtimes = _time_of(instrument_id, window, policy)
    opening = rules.opening_intervals(policy, window.start, window.end)
    out_of_reach = _out_of_reach(policy, window, opening, now)
    downtime_blocks = [Block("downtime", max(s, window.start), min(e, window.end), title) for s, e, title in downtimes]
    booking_blocks, holds = _booking_blocks(bookings, window, viewer=viewer, subject_id=subject_id)
    blocks = [*_closed_blocks(window, opening), *out_of_reach, *downtime_blocks, *booking_blocks]
    if policy.status == "active":
        blocks += _free_and_no_room(
            policy,
            window,
            opening,
            downtimes=[rules.Interval(s, e) for s, e, _title in downtimes],
            holds=holds,
            unavailable=[rules.Interval(b.start, b.end) for b in out_of_reach],
            taken=[rules.Interval(b.start, b.end) for b in [*downtime_blocks, *booking_blocks]],
            operated=operated_time_of_id(instrument_id, window.start, window.end, exclude_booking_id=subject_id)
            if needs_operator(mode or default_mode(policy))
            else None,
        )
    blocks.sort(key=lambda b: (b.start, KINDS.index(b.kind)))
    opens, closes = visible_hours(policy, first_day, days)
    return TimeGrid(
        instrument_id=instrument_id,
        first_day=first_day,
        days=days,
        slot_minutes=policy.slot_minutes,
        min_minutes=policy.min_minutes,
        max_minutes=policy.max_minutes,
        opens=opens,
        closes=closes,
        blocks=blocks,
        mode=mode or default_mode(policy),
    )


def kind_labels() -> dict[str, str]:
    """The legend: each kind's name in the reader's language (the page and its script read them)."""
    return {
        "free": pgettext("time slot", "Free"),
        "closed": pgettext("time slot", "Closed"),
        "too_soon": _("Too late to request"),
        "too_far": _("Not open for requests yet"),
        "downtime": pgettext("time slot", "Downtime"),
        "busy": pgettext("time slot", "Busy"),
        "no_room": _("No room for a booking"),
        "no_operator_free": _("No operator free"),
        "own_pending": _("Your request (pending)"),
        "own_approved": _("Your booking (approved)"),
        "subject": _("This request"),
        "setup": _("Set-up of a booking"),
        "cleanup": _("Clean-up of a booking"),
    }
