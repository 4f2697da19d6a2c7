"""Reserving operators for assisted and commissioned bookings (docs/operators.md): assign at approval, release when
the booking stops holding or moves, reassign. Each runs inside the calling verb's transaction (bookings.services), so
a refused assignment undoes the verb and nothing is half-written.

The Python check (`selectors.offers_for`) gives the friendly answer; PostgreSQL's exclusion constraint
`assignment_no_overlapping_holds` (migration 0012) is the guarantee, and on SQLite the serialised write transaction
(settings: transaction_mode IMMEDIATE) makes the check and the insert one step.
"""

from django.db import IntegrityError, OperationalError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.errors import DomainError
from backend.plumbing import user_or_none
from staffing.models import Absence, Operator

from . import selectors
from .errors import BookingConflict
from .models import Assignment, Booking
from .selectors.operators import Offer, first_free, offers_for, operator_hold_of

DEADLOCK = "40P01"


def no_operator_free() -> BookingConflict:
    return BookingConflict(
        "no_operator_free",
        _(
            "No qualified operator is free for this time (at work, not away and not assigned elsewhere, the operator "
            "buffer included). Choose another time or ask the instrument's staff."
        ),
        field="start",
    )


def _operator_not_free(offer: Offer) -> BookingConflict:
    return BookingConflict(
        "operator_not_free",
        _("%(name)s is not free for this time (not at work, away, or assigned elsewhere).")
        % {"name": operator_name(offer.operator)},
        field="operator",
    )


def not_a_candidate(field: str = "operator") -> DomainError:
    return DomainError(
        "not_a_candidate",
        _(
            "This operator may not run this instrument then: not qualified for it, not lent to its institution, or "
            "not taking assignments."
        ),
        field=field,
    )


def operator_not_needed() -> DomainError:
    return DomainError(
        "operator_not_needed",
        _("A self-operated booking reserves no operator: choose an assisted or commissioned mode to name one."),
        field="preferred_operator",
    )


def check_request(
    instrument, *, start, end, mode: str, preferred_id: int | None = None, exclude_booking_id: int | None = None
) -> None:
    """The operator rules of a request (and of a proposed time): a named preferred operator must be a candidate
    for the instrument that day, and an assisted or commissioned booking needs at least one candidate free for its
    operator hold. A pending request reserves nobody: approval assigns (and checks again, inside its transaction)."""
    if not selectors.needs_operator(mode):
        if preferred_id is not None:
            raise operator_not_needed()
        return
    found = offers_for(instrument, start, end, preferred_id=preferred_id, exclude_booking_id=exclude_booking_id)
    if preferred_id is not None and not any(o.operator.id == preferred_id for o in found):
        raise not_a_candidate("preferred_operator")
    if first_free(found) is None:
        raise no_operator_free()


def offers(booking: Booking) -> list[Offer]:
    """The operators staff are offered for a booking (free ones first), its own assignment not counted against it."""
    return offers_for(
        booking.instrument,
        booking.start,
        booking.end,
        preferred_id=booking.preferred_operator_id,
        exclude_booking_id=booking.pk,
    )


def choose(booking: Booking, operator_id: int | None, *, other_than: int | None = None) -> Offer:
    """The offer an assignment of `booking` takes: the named operator if they are a free candidate, else (nobody
    named) the preferred operator if free, else the first free one; refused with the reason otherwise. `other_than`:
    an operator who may not take it (the one being replaced: `reassign` refuses naming them first)."""
    found = [o for o in offers(booking) if o.operator.id != other_than]
    if operator_id is None:
        offer = first_free(found)
        if offer is None:
            raise no_operator_free()
        return offer
    offer = next((o for o in found if o.operator.id == operator_id), None)
    if offer is None:
        raise not_a_candidate()
    if not offer.free:
        raise _operator_not_free(offer)
    return offer


def guard_against_absence(offer: Offer, hold) -> None:
    """An absence entered since the offer was read (bookings.absences) must not be overrun: lock the operator's row
    — entering an absence locks it too (staffing.absences), so the two wait for each other — and read their
    absences again. The exclusion constraint guards assignments against each other; this guards them against
    absences, which live in another app's table."""
    locked = list(Operator.objects.select_for_update(no_key=True).filter(pk=offer.operator.id).values_list("pk"))
    away = Absence.objects.filter(operator_id=offer.operator.id, start__lt=hold.end, end__gt=hold.start)
    if not locked or away.exists():
        raise _operator_not_free(offer)


def save_assignment(booking: Booking, offer: Offer, *, actor) -> Assignment:
    """Insert the assignment; the database refuses one overlapping the operator's other assignments in force."""
    hold = operator_hold_of(booking.instrument, booking.start, booking.end)
    guard_against_absence(offer, hold)
    assignment = Assignment(
        booking=booking,
        operator=offer.operator,
        hold_start=hold.start,
        hold_end=hold.end,
        agreement=offer.agreement,
        assigned_by=user_or_none(actor),
    )
    try:
        with transaction.atomic():
            assignment.save()
    except OperationalError as exc:
        if getattr(exc.__cause__, "sqlstate", None) == DEADLOCK:
            raise _operator_not_free(offer) from None
        raise
    except IntegrityError as exc:
        if "assignment_no_overlapping_holds" in str(exc):
            raise _operator_not_free(offer) from None
        raise
    return assignment


def assign(*, booking: Booking, actor, operator_id: int | None = None) -> Assignment | None:
    """Reserve an operator for the booking's time (nothing for a self-operated booking). Inside a verb's transaction."""
    if not selectors.needs_operator(booking.mode):
        return None
    return save_assignment(booking, choose(booking, operator_id), actor=actor)


def assign_again(*, booking: Booking, actor) -> Assignment | None:
    """A moved booking approved again (the requester accepted the new time): the operator it had before the move if
    they are free at the new time, else whom approval would pick."""
    if not selectors.needs_operator(booking.mode):
        return None
    before = (
        Assignment.objects.filter(booking_id=booking.pk, release_reason="moved").order_by("-released_at", "-id").first()
    )
    found = offers(booking)
    offer = next((o for o in found if before and o.operator.id == before.operator_id and o.free), None)
    offer = offer or first_free(found)
    if offer is None:
        raise no_operator_free()
    return save_assignment(booking, offer, actor=actor)


def event_data(*, assigned: Assignment | None = None, released: Assignment | None = None) -> dict:
    """What a booking event records of its operators: their ids, for the e-mails (bookings.notices) and the API (a
    name is written when shown, in the reader's language)."""
    data = {}
    for key, assignment in (("operator", assigned), ("released_operator", released)):
        if assignment is not None:
            data[key] = assignment.operator_id
    return data


def operator_name(operator) -> str:
    return operator.user.display_name


def release(*, booking: Booking, reason: str) -> Assignment | None:
    """End the booking's assignment in force, if any (a conditional update: releasing twice releases once); the
    released row, for the e-mail to its operator."""
    current = selectors.assignment_in_force(booking.pk)
    if current is None:
        return None
    now = timezone.now()
    if Assignment.objects.filter(pk=current.pk, released_at__isnull=True).update(
        released_at=now, release_reason=reason
    ):
        current.released_at, current.release_reason = now, reason
        return current
    return None


def reassign(*, booking: Booking, actor, operator_id: int | None = None) -> tuple[Assignment, Assignment]:
    """Put another operator in for a booking: the assignment in force is released (`reassigned`) and the named free
    candidate (or, nobody named, the first free one other than the one replaced) assigned; (old, new). Inside the
    verb's transaction (`services.reassign_operator`, also the "reassign" choice over an absence:
    bookings.absences), so a refused new assignment leaves the old one in force and nothing is written. Naming the
    operator already assigned is refused: nothing would change."""
    current = selectors.assignment_in_force(booking.pk)
    if current is None:
        raise BookingConflict("not_assigned", _("This booking has no operator assigned to replace."), field="operator")
    if operator_id is not None and current.operator_id == operator_id:
        raise DomainError("already_assigned", _("This operator is already assigned to the booking."), field="operator")
    offer = choose(booking, operator_id, other_than=current.operator_id)
    old = release(booking=booking, reason="reassigned")
    return old, save_assignment(booking, offer, actor=actor)
