"""Free time of many instruments at once, for lists: the catalogue's "free in the next 7 days" filter and each
card's next free slot. A fixed number of queries whatever the number of instruments (holds and downtimes of all of
them in one query each); the rules are those of a request (`rules.requestable_intervals`, `rules.bookable_stretches`),
so what a list calls free is what the request form would accept as far as time goes."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from bookings import rules
from bookings.models import Booking
from equipment.models import Downtime, Instrument, UsageMode

from .holds import policy_of
from .operators import default_mode, needs_operator, operated_time

LOOK_AHEAD_DAYS = 30  # how far a catalogue card looks for the next free slot


def _taken_by_instrument(ids: list[int], start: datetime, end: datetime, *, margin: timedelta):
    """({instrument id: holds}, {instrument id: downtimes}) overlapping [start, end) in two queries; holds are read
    `margin` further on both sides, since a hold's buffers can push into the window."""
    holds: dict[int, list] = {i: [] for i in ids}
    for instrument_id, s, e in Booking.objects.filter(
        instrument_id__in=ids, status__in=Booking.HOLDING, hold_start__lt=end + margin, hold_end__gt=start - margin
    ).values_list("instrument_id", "hold_start", "hold_end"):
        holds[instrument_id].append(rules.Interval(s, e))
    downtimes: dict[int, list] = {i: [] for i in ids}
    for instrument_id, s, e in Downtime.objects.filter(instrument_id__in=ids, start__lt=end, end__gt=start).values_list(
        "instrument_id", "start", "end"
    ):
        downtimes[instrument_id].append(rules.Interval(s, e))
    return holds, downtimes


def _bookable(instruments, start: datetime, end: datetime, *, now: datetime, mode_of):
    """({id: policy}, {id: bookable stretches within [start, end)}) of the active instruments (opening hours
    prefetched), each in the usage mode `mode_of(instrument, policy)` says: an assisted or commissioned one only where
    an operator could take the booking too (`operators.operated_time`). Two queries whatever their number (holds,
    downtimes), six more when some mode needs an operator."""
    policies = {i.id: policy_of(i) for i in instruments if i.status == Instrument.Status.ACTIVE}
    if not policies:
        return {}, {}
    longest_buffer = max(max(p.setup_minutes, p.cleanup_minutes) for p in policies.values())
    holds, downtimes = _taken_by_instrument(list(policies), start, end, margin=timedelta(minutes=longest_buffer))
    operated_ids = {i.id for i in instruments if i.id in policies and needs_operator(mode_of(i, policies[i.id]))}
    operated = operated_time([i for i in instruments if i.id in operated_ids], start, end) if operated_ids else {}
    stretches = {}
    for instrument_id, policy in policies.items():
        requestable = rules.requestable_intervals(
            policy, start, end, downtimes=downtimes[instrument_id], holds=holds[instrument_id]
        )
        if instrument_id in operated:
            requestable = rules.intersect(requestable, operated[instrument_id])
        stretches[instrument_id] = rules.bookable_stretches(policy, requestable, now=now)
    return policies, stretches


def instruments_free_between(
    instruments, start: datetime, end: datetime, *, now: datetime | None = None, mode: str | None = None
) -> set[int]:
    """Ids of the given instruments (opening hours prefetched) where a request could be made now for a slot
    within [start, end): on the grid, within lead time and horizon, of at least the minimum length; in `mode` where
    the instrument offers it, else its default mode (`operators.default_mode`), an operated mode with an operator
    free. A fixed number of queries whatever their number."""

    def mode_of(instrument, policy):
        return mode if mode and mode in policy.modes else default_mode(policy)

    _policies, stretches = _bookable(instruments, start, end, now=now or timezone.now(), mode_of=mode_of)
    return {instrument_id for instrument_id, found in stretches.items() if found}


@dataclass(frozen=True)
class NextFree:
    """An instrument's next free slot for a viewer: where the first bookable stretch starts, the shortest request
    there (`end`, what the card's link proposes), how long one request may run from it (`longest_minutes`), and in
    which usage mode; `slot` is None when there is none within LOOK_AHEAD_DAYS (or none in that mode for the viewer:
    `needs_qualification`)."""

    mode: str
    slot: rules.Interval | None
    longest_minutes: int = 0
    needs_qualification: bool = False

    @property
    def mode_label(self) -> str:
        return UsageMode(self.mode).label if self.mode in UsageMode.values else self.mode


def viewer_mode(instrument: Instrument, *, wanted: str | None, qualified: bool, anonymous: bool) -> str | None:
    """The usage mode a card speaks of: the one the viewer filtered by, if the instrument offers it; for an
    anonymous visitor the instrument's first offered mode; for a user the first they could request (self-operation
    only where they hold a qualification or none is needed)."""
    modes = list(instrument.modes or [])
    if wanted and wanted in modes:
        return wanted
    if not modes:
        return None
    if anonymous:
        return modes[0]
    usable = [m for m in modes if qualified or not (m == "self" and instrument.requires_qualification)]
    return (usable or modes)[0]


def next_free_slots(
    instruments,
    *,
    now: datetime,
    wanted_mode: str | None = None,
    qualified_ids: set[int] = frozenset(),
    anonymous: bool = True,
    days: int = LOOK_AHEAD_DAYS,
) -> dict[int, NextFree]:
    """Each instrument's next free slot within `days` from `now`, as `NextFree`, for a viewer: `qualified_ids` are
    the instruments they may operate alone (`equipment.selectors.qualified_instrument_ids`). Instruments out of
    service or offering no mode are left out. A fixed number of queries whatever their number (opening hours
    prefetched); an assisted or commissioned mode's slot is one an operator is free for too."""

    def mode_of(instrument, _policy):
        return viewer_mode(
            instrument, wanted=wanted_mode, qualified=instrument.id in qualified_ids, anonymous=anonymous
        )

    policies, stretches = _bookable(instruments, now, now + timedelta(days=days), now=now, mode_of=mode_of)
    found = {}
    for instrument in instruments:
        policy = policies.get(instrument.id)
        mode = viewer_mode(
            instrument, wanted=wanted_mode, qualified=instrument.id in qualified_ids, anonymous=anonymous
        )
        if policy is None or mode is None:
            continue
        if not anonymous and instrument.id not in qualified_ids and rules.needs_qualification(policy, mode):
            found[instrument.id] = NextFree(mode=mode, slot=None, needs_qualification=True)
            continue
        first = next(iter(stretches[instrument.id]), None)
        if first is None:
            found[instrument.id] = NextFree(mode=mode, slot=None)
            continue
        shortest = rules.shortest_request_minutes(policy)
        longest = policy.max_minutes // policy.slot_minutes * policy.slot_minutes
        found[instrument.id] = NextFree(
            mode=mode,
            slot=rules.Interval(first.start, first.start + timedelta(minutes=shortest)),
            longest_minutes=min(int(first.seconds // 60), longest),
        )
    return found
