"""An operator's absence over the bookings they are assigned to, handled as downtime over bookings is
(bookings.disruptions; docs/operators.md).

The absence is entered or imported through staffing's verbs (permission, validation, UIDs), then, in the same
transaction, the holding bookings not yet over whose operator hold (with this operator assigned) overlaps it are
found. With none, the absence is simply saved. With some, each needs a choice (`disruptions.Resolution`): reassign
to another free candidate (the one named, or the first free one; refused when nobody is free), propose another
time, or cancel with a reason. Without choices, `AbsenceOverBookings` (409) lists them and nothing is stored; a
choice that cannot be carried out refuses the whole change, naming the booking, and nothing is stored either.

Each choice is an event in the booking's history: `reassign` (bookings.assignments.reassign; the booking's time
does not change, so the requester is not e-mailed), or the `propose`/`cancel` verbs, which release the assignment
and e-mail the requester as they always do. Proposing and cancelling stay the booking verbs' own: only staff of the
instrument's institution may (a lent operator's absence over a borrower's booking needs that staff's choice, or a
reassignment). Reassigning is allowed to whoever may enter the absence: the absence is what forces it, and the
replacement must be a free candidate the instrument's institution already allows (qualified, own or lent)."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from staffing import absences as staffing_absences
from staffing.models import Absence, Operator

from . import disruptions
from .disruptions import ABSENCE_ACTIONS, BookingsAffected, Resolution, _carry_out, _locked, _plan
from .models import Booking
from .selectors.operators import absence_over, bookings_assigned_in_absence, bookings_assigned_over


class AbsenceOverBookings(BookingsAffected):
    """The absence overlaps bookings the operator is assigned to and no choice was given (409, listing them with
    their instrument)."""

    def __init__(self, bookings: list[Booking]):
        super().__init__(bookings)
        self.extra["affected"] = [
            {**row, "instrument": b.instrument.localized_name} for row, b in zip(self.extra["affected"], bookings)
        ]
        self.extra["choices"] = list(ABSENCE_ACTIONS)


def _absence_change(absence: Absence) -> dict:
    return {
        "change": "absence",
        "absence": absence.id,
        "operator": absence.operator_id,
        "start": absence.start.isoformat(),
        "end": absence.end.isoformat(),
    }


def _plan_for(affected: list[Booking], resolutions: list[Resolution] | None):
    try:
        return _plan(affected, resolutions, actions=ABSENCE_ACTIONS)
    except BookingsAffected as error:
        raise AbsenceOverBookings(error.bookings) from None


@transaction.atomic
def add_absence(
    *,
    actor,
    operator: Operator,
    resolutions: list[Resolution] | None = None,
    now: datetime | None = None,
    **fields,
) -> Absence:
    """Enter an absence (staffing's verb), then settle the assigned bookings it hits. The absence is saved before
    the choices are carried out, so a reassignment never picks the absent operator."""
    now = now or timezone.now()
    absence = staffing_absences.create_absence(actor=actor, operator=operator, **fields)
    affected = _locked(bookings_assigned_over(operator.id, absence.start, absence.end, now=now))
    _carry_out(_plan_for(affected, resolutions), actor=actor, change=_absence_change(absence))
    return absence


@transaction.atomic
def import_absences(
    *,
    actor,
    operator: Operator,
    upload,
    kind: str = Absence.Kind.LEAVE,
    resolutions: list[Resolution] | None = None,
    now: datetime | None = None,
) -> dict:
    """Import an .ics file (staffing's verb, all or nothing), then settle the assigned bookings the import put in
    an absence (those in one before were settled then)."""
    now = now or timezone.now()
    before = set(bookings_assigned_in_absence(operator.id, now=now).values_list("id", flat=True))
    counts = staffing_absences.import_absences(actor=actor, operator=operator, upload=upload, kind=kind, now=now)
    hit = bookings_assigned_in_absence(operator.id, now=now).exclude(id__in=before)
    plan = _plan_for(_locked(hit), resolutions)
    if plan:
        over = absence_over(operator.id, [b.id for b, _r in plan])
        for booking, resolution in plan:
            _carry_out([(booking, resolution)], actor=actor, change=_absence_change(over[booking.id]))
    return counts


def parse_resolutions(items) -> list[Resolution] | None:
    """The API's `resolutions` for an absence: reassign, propose or cancel each."""
    return disruptions.parse_resolutions(items, actions=ABSENCE_ACTIONS)


def delete_absence(*, actor, absence: Absence) -> None:
    """Remove an absence (staffing's verb): it frees time and hurts no booking. Here so the pages and the API
    reach every verb of absences through one module."""
    staffing_absences.delete_absence(actor=actor, absence=absence)
