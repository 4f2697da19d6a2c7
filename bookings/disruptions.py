"""Staff changes to an instrument that hurt bookings, never silently: a downtime added by hand or imported from an
.ics file, opening hours narrowed, the instrument retired.

Each service makes the change through equipment's verb and, in the same transaction, finds the holding bookings
it hits. With none, the change is simply made. With some, the caller must say what to do with each (`Resolution`:
keep and notify, propose another time, or cancel with a reason): without any, `BookingsAffected` (409) lists them
and nothing is stored; a resolution for a booking not hit, none for one that is, or one that cannot be carried out
refuses the whole change (400, naming the booking). Otherwise every choice is carried out by bookings' verbs
(`services.propose`, `services.cancel`) or recorded as kept, each booking's history records the change, and the
requester gets one e-mail in their language saying what changed and what was chosen (bookings.notices).

A resolution may carry the booking's `sequence` as the caller saw it: a booking changed meanwhile is refused
(STYLE 14), so a choice made on a stale page is never applied to a booking that moved."""

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.errors import Conflict, DomainError
from backend.plumbing import as_id, lock_current, parse_aware_datetime, user_or_none
from backend.tokyo import TOKYO
from equipment import services as equipment_services
from equipment.models import Downtime, Instrument

from . import notices, rules, selectors, services
from .models import Booking, BookingEvent

KEEP, PROPOSE, CANCEL, REASSIGN = "keep", "propose", "cancel", "reassign"
ACTIONS = (KEEP, PROPOSE, CANCEL)
# An operator's absence over their assigned bookings (bookings.absences): the booking cannot keep its operator.
ABSENCE_ACTIONS = (REASSIGN, PROPOSE, CANCEL)
REASON_MAX = 2000


@dataclass(frozen=True)
class Resolution:
    """What to do with one booking a change hits."""

    booking: int
    action: str
    start: datetime | None = None
    end: datetime | None = None
    reason: str = ""
    sequence: int | None = None  # the booking's version as the caller saw it: a newer one is refused
    operator: int | None = None  # reassign: the operator to put in (None: the first free one)


class BookingsAffected(Conflict):
    """The change hits holding bookings and no choice was given for them (409, listing them)."""

    def __init__(self, bookings: list[Booking]):
        super().__init__(
            "bookings_affected",
            _("This change affects %(count)d booking(s); choose what to do with each.") % {"count": len(bookings)},
            field="resolutions",
            affected=[affected_row(b) for b in bookings],
        )
        self.bookings = bookings


def affected_row(booking: Booking) -> dict:
    """One affected booking as the staff may see it (the API's 409 and the choice page)."""
    return {
        "id": booking.id,
        "start": booking.start.astimezone(TOKYO).isoformat(),
        "end": booking.end.astimezone(TOKYO).isoformat(),
        "status": booking.status,
        "sequence": booking.sequence,
        "company": booking.company.name if booking.company_id else None,
    }


def _refuse(code: str, message: str, index: int | None, booking_id) -> DomainError:
    field = "resolutions" if index is None else f"resolutions[{index}]"
    return DomainError(code, message, field=field, booking=booking_id)


def _unknown_action(booking_id: int, actions, index: int | None) -> DomainError:
    message = (
        _("Choose reassign, propose or cancel for booking #%(id)d.")
        if actions == ABSENCE_ACTIONS
        else _("Choose keep, propose or cancel for booking #%(id)d.")
    )
    return _refuse("invalid_choice", message % {"id": booking_id}, index, booking_id)


def parse_resolutions(items, *, actions=ACTIONS) -> list[Resolution] | None:
    """Resolutions as the API takes them (a list of objects; None when not given); a malformed one is a 400
    naming it."""
    if items is None:
        return None
    if not isinstance(items, list):
        raise DomainError("invalid", _("Give the resolutions as a list."), field="resolutions")
    found = []
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            raise _refuse("invalid", _("Each resolution is an object."), index, None)
        booking_id = as_id(item.get("booking")) if not isinstance(item.get("booking"), bool) else None
        if booking_id is None:
            raise _refuse("invalid", _("Name the booking by its id."), index, item.get("booking"))
        action = item.get("action")
        if action not in actions:
            raise _unknown_action(booking_id, actions, index)
        times = {}
        for name in ("start", "end"):
            if item.get(name) is not None:
                times[name] = parse_aware_datetime(item[name], field=f"resolutions[{index}].{name}")
        reason = item.get("reason", "")
        if not isinstance(reason, str):
            raise _refuse("invalid", _("A reason is text."), index, booking_id)
        sequence = item.get("sequence")
        if sequence is not None and (isinstance(sequence, bool) or not isinstance(sequence, int)):
            raise _refuse("invalid", _("A sequence is a whole number."), index, booking_id)
        operator = item.get("operator")
        if operator is not None:
            operator = as_id(operator) if not isinstance(operator, bool) else None
            if operator is None:
                raise _refuse("invalid", _("Name the operator by their id."), index, booking_id)
        found.append(Resolution(booking_id, action, reason=reason, sequence=sequence, operator=operator, **times))
    return found


def _check(resolution: Resolution, index: int) -> None:
    """A choice that can be carried out at all (the verbs check the rest: the slot, the rules)."""
    number = resolution.booking
    if resolution.action == PROPOSE and (resolution.start is None or resolution.end is None):
        raise _refuse(
            "proposal_times_required",
            _("Give the start and end of the time proposed for booking #%(id)d.") % {"id": number},
            index,
            number,
        )
    if resolution.action == CANCEL and not resolution.reason.strip():
        raise _refuse(
            "reason_required", _("Give a reason for cancelling booking #%(id)d.") % {"id": number}, index, number
        )
    if len(resolution.reason) > REASON_MAX:
        raise _refuse(
            "too_long",
            _("The reason for booking #%(id)d is longer than %(max)d characters.") % {"id": number, "max": REASON_MAX},
            index,
            number,
        )


def _plan(
    affected: list[Booking], resolutions: list[Resolution] | None, *, actions=ACTIONS
) -> list[tuple[Booking, Resolution]]:
    """Each affected booking with its choice (one of `actions`), or the refusal of the whole change."""
    if not affected:
        if resolutions:
            first = resolutions[0]
            raise _refuse(
                "not_affected",
                _("Booking #%(id)d is not affected by this change.") % {"id": first.booking},
                0,
                first.booking,
            )
        return []
    if resolutions is None:
        raise BookingsAffected(affected)
    by_id = {b.id: b for b in affected}
    chosen: dict[int, Resolution] = {}
    for index, resolution in enumerate(resolutions):
        if resolution.booking not in by_id:
            raise _refuse(
                "not_affected",
                _("Booking #%(id)d is not affected by this change.") % {"id": resolution.booking},
                index,
                resolution.booking,
            )
        if resolution.booking in chosen:
            raise _refuse(
                "duplicate_resolution",
                _("Booking #%(id)d has more than one resolution.") % {"id": resolution.booking},
                index,
                resolution.booking,
            )
        if resolution.action not in actions:
            raise _unknown_action(resolution.booking, actions, index)
        _check(resolution, index)
        chosen[resolution.booking] = resolution
    missing = [b.id for b in affected if b.id not in chosen]
    if missing:
        raise _refuse(
            "resolution_missing",
            _("Choose what to do with booking #%(id)d.") % {"id": missing[0]},
            None,
            missing[0],
        )
    return [(by_id[b.id], chosen[b.id]) for b in affected]


def _carry_out(plan, *, actor, change: dict) -> None:
    for booking, resolution in plan:
        if resolution.sequence is not None and resolution.sequence != booking.sequence:
            raise Conflict(
                "booking_changed",
                _("Booking #%(id)d was changed meanwhile; look at it again.") % {"id": booking.id},
                field="resolutions",
                booking=booking.id,
            )
        because = {**change, "choice": resolution.action}
        try:
            _apply(booking, resolution, actor=actor, because=because)
        except DomainError as error:  # the verb's refusal, said of this booking
            error.extra.setdefault("booking", booking.id)
            error.message = _("Booking #%(id)d: %(problem)s") % {"id": booking.id, "problem": error.message}
            error.args = (error.message,)
            raise


def _apply(booking: Booking, resolution: Resolution, *, actor, because: dict) -> None:
    if resolution.action == PROPOSE:
        services.propose(
            actor=actor,
            booking=booking,
            start=resolution.start,
            end=resolution.end,
            reason=resolution.reason.strip(),
            because=because,
        )
    elif resolution.action == CANCEL:
        services.cancel(actor=actor, booking=booking, reason=resolution.reason.strip(), because=because)
    elif resolution.action == REASSIGN:
        services.reassign_operator(
            actor=actor,
            booking=booking,
            operator_id=resolution.operator,
            reason=resolution.reason.strip(),
            because=because,
        )
    else:
        _keep(booking, actor=actor, reason=resolution.reason.strip(), because=because)


def _keep(booking: Booking, *, actor, reason: str, because: dict) -> None:
    """The booking stays as it is; its history says why and the requester is told."""
    event = BookingEvent.objects.create(
        booking=booking,
        actor=user_or_none(actor),
        action="disrupted",
        from_status=booking.status,
        to_status=booking.status,
        reason=reason,
        data={"because": because},
    )
    notices.announce(event)


def _locked(bookings) -> list[Booking]:
    """The bookings as they are now, their rows locked until the change commits."""
    return [lock_current(b) for b in bookings]


def _downtime_change(downtime: Downtime) -> dict:
    return {
        "change": "downtime",
        "downtime": downtime.id,
        "start": downtime.start.isoformat(),
        "end": downtime.end.isoformat(),
        "title": downtime.title,
    }


def _conflicting_ids(instrument_id: int, now: datetime) -> set[int]:
    return set(
        selectors.in_conflict(Booking.objects.filter(instrument_id=instrument_id), now=now).values_list("id", flat=True)
    )


def _bookings(ids) -> list[Booking]:
    return list(Booking.objects.filter(pk__in=ids).select_related("company", "requester").order_by("start", "id"))


# --- Services -------------------------------------------------------------------------------------
@transaction.atomic
def add_downtime(
    *, actor, instrument: Instrument, resolutions: list[Resolution] | None = None, now: datetime | None = None, **fields
) -> Downtime:
    """Add a downtime (equipment's verb: permission, validation), then settle the holding bookings it hits."""
    now = now or timezone.now()
    downtime = equipment_services.add_downtime(actor=actor, instrument=instrument, **fields)
    hit = selectors.overlapping_holding_bookings(instrument.id, downtime.start, downtime.end).filter(end__gt=now)
    affected = _locked(hit)
    _carry_out(_plan(affected, resolutions), actor=actor, change=_downtime_change(downtime))
    return downtime


@transaction.atomic
def import_downtimes(
    *, actor, instrument: Instrument, upload, kind: str = Downtime.Kind.MAINTENANCE, resolutions=None, now=None
) -> dict:
    """Import an .ics file (equipment's verb, all or nothing), then settle the holding bookings that the import put
    in conflict with a downtime (those already in conflict before it were settled then)."""
    now = now or timezone.now()
    before = _conflicting_ids(instrument.id, now)
    counts = equipment_services.import_downtimes(actor=actor, instrument=instrument, upload=upload, kind=kind, now=now)
    affected = _locked(_bookings(_conflicting_ids(instrument.id, now) - before))
    plan = _plan(affected, resolutions)
    if plan:
        hits = selectors.downtimes_over([b for b, _r in plan])
        for booking, resolution in plan:
            _carry_out([(booking, resolution)], actor=actor, change=_downtime_change(hits[booking.id][0]))
    return counts


def _outside_hours(instrument_id: int, bookings: list[Booking]) -> set[int]:
    """Those of `bookings` not wholly inside the instrument's opening hours as they are now (holidays aside)."""
    policy = selectors.policy_of_id(instrument_id)
    return {
        b.id
        for b in bookings
        if rules.subtract(
            [rules.Interval(b.start, b.end)], rules.opening_intervals(policy, b.start, b.end, is_holiday=_never)
        )
    }


def _never(_day) -> bool:
    return False


@transaction.atomic
def set_opening_hours(
    *, actor, instrument: Instrument, opening_hours: list[dict], resolutions=None, now=None
) -> Instrument:
    """Replace the weekly opening hours (equipment's verb), then settle the holding bookings that now fall
    outside them."""
    now = now or timezone.now()
    future = list(Booking.objects.filter(instrument_id=instrument.id, status__in=Booking.HOLDING, end__gt=now))
    before = _outside_hours(instrument.id, future)
    instrument = equipment_services.update_instrument(actor=actor, instrument=instrument, opening_hours=opening_hours)
    affected = _locked(_bookings(_outside_hours(instrument.id, future) - before))
    _carry_out(_plan(affected, resolutions), actor=actor, change={"change": "hours"})
    return instrument


@transaction.atomic
def retire_instrument(*, actor, instrument: Instrument, resolutions=None, now=None) -> Instrument:
    """Retire the instrument (equipment's verb), then settle its holding bookings that have not ended."""
    now = now or timezone.now()
    instrument = equipment_services.retire_instrument(actor=actor, instrument=instrument)
    held = Booking.objects.filter(instrument_id=instrument.id, status__in=Booking.HOLDING, end__gt=now)
    affected = _locked(held.select_related("company", "requester").order_by("start", "id"))
    _carry_out(_plan(affected, resolutions), actor=actor, change={"change": "retired"})
    return instrument
