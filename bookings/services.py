"""Every change to a booking, one function per verb; the API and the pages call these.

Each runs in one transaction and records a BookingEvent. Who may do a verb is one predicate (`selectors.may_decide`,
`may_answer_proposal`, …, and `equipment.selectors.may_book` for a request): the verb raises it on the row as it
is now, and the pages read it to show the verb. A verb first re-reads the booking from its locked
row (`lock_current`) and decides on that, never on the caller's copy, which may predate another verb's commit;
status changes are also conditional updates (`UPDATE … WHERE status = <expected>`), so two people acting at
once cannot both succeed.
Overlaps: the Python check gives the friendly 409; PostgreSQL's exclusion constraint (and on
SQLite the serialised write transaction) is the guarantee.

Long: one function per verb of one life cycle (request, approve, reject, propose, accept, decline, cancel,
complete, no-show, consumables) and the locking and slot checks they share; split, a booking's transitions would
be read across files.
"""

import hashlib
import json
from datetime import UTC, date, datetime, timedelta
from functools import wraps

from django.core.exceptions import ValidationError
from django.db import IntegrityError, OperationalError, transaction
from django.db.models import F, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from backend.errors import Conflict, DomainError, PermissionDenied
from backend.i18n import long_date, long_datetime
from backend.plumbing import atomic_confirmed, lock_current, require_aware, user_or_none
from backend.tokyo import TOKYO
from consortia.selectors import access_for, acting_company, consortia_of, has_any_role, has_verified_email
from consortia.validators import validate_name
from equipment import selectors as equipment_selectors
from equipment.models import Instrument
from registrations import selectors as registration_selectors

from . import assignments, notices, pricing, request_rules, rules, selectors
from .errors import BookingConflict
from .models import REQUEST_KEY_MAX, TEXT_MAX, Booking, BookingEvent, CalendarFeed, new_feed_token

Status = Booking.Status


# --- Helpers ---------------------------------------------------------------------------------------
def _verb(service):
    """A verb's transaction, and the booking it returns loaded, inside that transaction, with everything an answer
    shows (instrument, institution, requester, company, history): the API and the pages answer from it without a
    query after the COMMIT, so a connection lost once the change is done cannot turn it into an error. A connection
    lost during the COMMIT itself is settled by asking whether the verb's event was stored (atomic_confirmed)."""

    @wraps(service)
    def run(**kwargs) -> Booking:
        return atomic_confirmed(lambda: _loaded(service(**kwargs)), committed=_recorded)

    return run


def _loaded(booking: Booking) -> Booking:
    """Read its history, now that the verb has added to it, and whatever else the answer shows not loaded yet."""
    getattr(booking, "_prefetched_objects_cache", {}).pop("events", None)
    booking.__dict__.pop("assignments_in_force", None)  # the verb may have assigned or released one
    prefetch_related_objects(
        [booking],
        "instrument__institution",
        "requester",
        "company",
        "preferred_operator__user",
        selectors.events_prefetch(),
        selectors.assignment_prefetch(),
    )
    return booking


def _recorded(booking: Booking) -> bool:
    """Whether the last event of the booking's loaded history, the one its verb recorded, is in the database."""
    latest = max(booking.events.all(), key=lambda event: event.pk)
    return BookingEvent.objects.filter(pk=latest.pk).exists()


def _record(booking: Booking, *, actor, action: str, from_status: str, reason: str = "", **data) -> None:
    """Log the transition and queue the e-mails it owes (they leave only if the transaction commits). Every verb's
    reason passes here, so its limit is refused here (the verb's transaction is then undone)."""
    _within_limit(reason, "reason")
    event = BookingEvent.objects.create(
        booking=booking,
        actor=user_or_none(actor),
        action=action,
        from_status=from_status,
        to_status=booking.status,
        reason=reason,
        data=data,
    )
    notices.announce(event)


def _transition(
    booking: Booking,
    *,
    to: str,
    expected: tuple[str, ...],
    actor,
    action: str,
    reason: str = "",
    data: dict | None = None,
    **fields,
) -> Booking:
    """Move a booking from one of `expected` to `to`, only if nobody changed it meanwhile."""
    from_status = booking.status
    if from_status not in expected:
        raise Conflict(
            "invalid_transition",
            _("This booking is “%(status)s”; it cannot be changed that way.")
            % {"status": booking.get_status_display()},
            status_now=from_status,
        )
    now = timezone.now()
    changed = Booking.objects.filter(pk=booking.pk, status=from_status).update(
        status=to, sequence=F("sequence") + 1, updated_at=now, **fields
    )
    if changed != 1:
        raise _changed_meanwhile()
    booking.refresh_from_db(from_queryset=selectors.booking_rows())
    _record(booking, actor=actor, action=action, from_status=from_status, reason=reason, **(data or {}))
    return booking


def _changed_meanwhile() -> Conflict:
    return Conflict("booking_changed", _("The booking was changed meanwhile; reload the page."))


def _check_slot(
    instrument: Instrument,
    *,
    start: datetime,
    end: datetime,
    mode: str,
    requester,
    company,
    now: datetime,
    exclude_id: int | None = None,
    preferred_operator: int | None = None,
) -> rules.Interval:
    """Run every rule, the overlap check and the operator rules (`assignments.check_request`: an assisted or
    commissioned time needs a free candidate); return the interval the booking will hold."""
    policy = selectors.policy_of(instrument)
    quota = company.monthly_quota_hours if company else None
    downtimes, holds = selectors.busy_between(  # one query for both; the hold is [start − setup, end + cleanup)
        instrument.id,
        start,
        end,
        exclude_id=exclude_id,
        holds_from=start - timedelta(minutes=policy.setup_minutes),
        holds_until=end + timedelta(minutes=policy.cleanup_minutes),
    )
    request_rules.check_request(
        policy=policy,
        start=start,
        end=end,
        mode=mode,
        now=now,
        downtimes=downtimes,
        is_qualified=not rules.needs_qualification(policy, mode)  # only then is the answer read: spare the query
        or equipment_selectors.is_qualified(requester, instrument, start.astimezone(TOKYO).date()),
        quota_hours=quota,
        used_hours_in_month=selectors.company_hours_in_month(company.id, start, exclude_id=exclude_id)
        if quota is not None
        else 0.0,
    )
    hold = rules.held_interval(rules.Interval(start, end), policy)
    clash = rules.find_clash(hold, holds)
    if clash:
        raise _conflict(clash)
    assignments.check_request(
        instrument, start=start, end=end, mode=mode, preferred_id=preferred_operator, exclude_booking_id=exclude_id
    )
    return hold


def _conflict(clash: rules.Interval | None) -> BookingConflict:
    extra = {}
    if clash is not None:
        extra["clash"] = {
            "start": clash.start.astimezone(TOKYO).isoformat(),
            "end": clash.end.astimezone(TOKYO).isoformat(),
        }
    return BookingConflict(
        "slot_taken",
        _("The slot overlaps another booking (set-up and clean-up times included)."),
        field="start",
        **extra,
    )


DEADLOCK = "40P01"  # PostgreSQL's SQLSTATE for deadlock_detected


def _save_holding(booking: Booking, update_fields: list[str] | None = None) -> None:
    """Insert a holding row, or update its `update_fields`; the database refuses an overlap (PostgreSQL constraint).

    Two transactions inserting overlapping rows wait for each other in the constraint check; when
    three or more overlap in a ring PostgreSQL breaks the deadlock by failing one of them, which is
    the same answer as the constraint's: another request holds (part of) this time.
    """
    try:
        with transaction.atomic():
            booking.save(update_fields=update_fields)
    except OperationalError as exc:
        if getattr(exc.__cause__, "sqlstate", None) == DEADLOCK:
            raise _conflict(None) from None
        raise
    except IntegrityError as exc:
        if "booking_no_overlapping_holds" in str(exc):
            clash = rules.find_clash(
                rules.Interval(booking.hold_start, booking.hold_end),
                selectors.holds_between(
                    booking.instrument_id, booking.hold_start, booking.hold_end, exclude_id=booking.pk
                ),
            )
            raise _conflict(clash) from None
        raise


def expire_overdue(*, instrument_id: int | None = None, now: datetime | None = None) -> int:
    """Pending requests nobody decided in time become expired. Safe to run twice: each row is claimed
    by a conditional update and only the run that changed it records the event."""
    now = now or timezone.now()
    overdue = Booking.objects.filter(status=Status.PENDING, expires_at__lte=now)
    if instrument_id is not None:
        overdue = overdue.filter(instrument_id=instrument_id)
    count = 0
    for booking in overdue.only("id", "status", "sequence"):
        with transaction.atomic():
            if Booking.objects.filter(pk=booking.pk, status=Status.PENDING).update(
                status=Status.EXPIRED, sequence=booking.sequence + 1, updated_at=now
            ):
                booking.status = Status.EXPIRED
                _record(
                    booking,
                    actor=None,
                    action="expire",
                    from_status=Status.PENDING,
                )
                count += 1
    return count


def _current_instrument(instrument_id: int) -> Instrument:
    """The instrument's rules as they are now (a caller's copy may predate its retirement or a rule change)."""
    return equipment_selectors.instruments_with_rules().get(pk=instrument_id)


def _ensure_staff(may, actor, booking: Booking) -> None:
    """Raise a staff verb's predicate (`selectors.may_decide` or `selectors.may_record_use`)."""
    if not may(actor, booking):
        raise PermissionDenied(
            "not_institution_staff",
            _("Only the staff of the instrument's institution may do this."),
        )


def ensure_may_decide(actor, booking: Booking) -> None:
    """The refusal of a staff verb, for reads only they may make (the operators offered for a booking)."""
    _ensure_staff(selectors.may_decide, actor, booking)


def _require_reason(reason: str, field: str = "reason") -> str:
    reason = _within_limit((reason or "").strip(), field)
    if not reason:
        raise DomainError("reason_required", _("Give a reason."), field=field)
    return reason


def _within_limit(text: str, field: str) -> str:
    """A booking's free text up to its one limit (`models.TEXT_MAX`), refused beyond it with the limit named: never
    cut short silently."""
    if len(text or "") > TEXT_MAX:
        raise DomainError(
            "too_long",
            _("At most %(max)d characters.") % {"max": TEXT_MAX},
            field=field,
            max_length=TEXT_MAX,
        )
    return text


def _approve_at_fixed_price(
    booking: Booking, *, actor, action: str, reason: str = "", assignment=None, **fields
) -> Booking:
    """pending → approved, with the quote recomputed once more and then fixed for good; the event names the operator
    the approval assigned, if any (the operator's e-mail and the booking's history read it)."""
    now = timezone.now()
    quote = pricing.current_quote(booking)
    return _transition(
        booking,
        to=Status.APPROVED,
        expected=(Status.PENDING,),
        actor=actor,
        action=action,
        reason=reason,
        quote=quote,
        quote_fixed_at=now,
        decided_at=now,
        data=assignments.event_data(assigned=assignment),
        **fields,
    )


def cannot_book_refusal(actor, instrument: Instrument, on: date | None = None) -> PermissionDenied:
    """Why the actor may not book (`equipment.selectors.may_book` said no): a researcher is told their institution is
    not a member of the instrument's consortia (named) on that day, and how else to book; anyone else who may book.
    `request_booking` raises it; the instrument's page shows its message instead of the form."""
    on = on or timezone.localdate()
    if getattr(actor, "is_authenticated", False) and access_for(actor).researcher_of:
        names = pgettext("list separator", ", ").join(
            c.localized_name for c in consortia_of(instrument.institution_id, on)
        )
        return PermissionDenied(
            "institution_not_member",
            _(
                "Your institution is not a member of this instrument's consortium (%(consortia)s) on %(date)s: only "
                "researchers of member institutions may book it. Book through a company account, or ask the "
                "consortium's secretariat about membership."
            )
            % {"consortia": names or "—", "date": long_date(on)},
        )
    if getattr(actor, "is_authenticated", False) and not has_any_role(access_for(actor)):
        # A person with no role yet: their company registration (利用登録) says why and what to do.
        code, message = registration_selectors.why_no_company(actor)
        return PermissionDenied(code, message)
    return PermissionDenied(
        "cannot_book",
        _("Only company users, researchers of member institutions and the institution's staff may book."),
    )


def unverified_refusal(actor) -> PermissionDenied | None:
    """A person who signed up books only once they followed the link sent to their address: why not yet and what
    to do. `request_booking` raises it; the instrument's page shows it instead of the form."""
    if not getattr(actor, "is_authenticated", False) or has_verified_email(actor):
        return None
    return PermissionDenied(
        "email_unverified",
        _(
            "Your e-mail address is not verified yet, so you cannot request bookings. Follow the link in the "
            "e-mail we sent when you signed up, or send a new link from your account's e-mail page."
        ),
    )


# --- Verbs -----------------------------------------------------------------------------------------
def preview_request(
    *,
    actor,
    instrument: Instrument,
    start: datetime,
    end: datetime,
    mode: str,
    purpose: str = "",
    sample: str = "",
    confidential: bool = False,
    company_id: int | None = None,
    preferred_operator: int | None = None,
    now: datetime | None = None,
) -> Booking:
    """What `request_booking` would do, without doing it: every rule of a request, then the unsaved booking
    with its quote (the request form shows it before the user sends; `request_booking` saves it)."""
    now = now or timezone.now()
    require_aware(start=start, end=end)
    _within_limit(purpose, "purpose")
    _within_limit(sample, "sample")
    if refusal := unverified_refusal(actor):
        raise refusal
    instrument = _current_instrument(instrument.pk)
    company = acting_company(actor, company_id)
    on = start.astimezone(TOKYO).date()
    if not equipment_selectors.may_book(actor, instrument, on=on):
        raise cannot_book_refusal(actor, instrument, on)
    user_category = equipment_selectors.user_category_for(
        actor, instrument, company_size=company.size if company else None, on=on
    )
    hold = _check_slot(
        instrument,
        start=start,
        end=end,
        mode=mode,
        requester=actor,
        company=company,
        now=now,
        preferred_operator=preferred_operator,
    )
    booking = Booking(
        instrument=instrument,
        requester=actor,
        company=company,
        user_category=user_category,
        start=start,
        end=end,
        hold_start=hold.start,
        hold_end=hold.end,
        mode=mode,
        purpose=purpose,
        sample=sample,
        confidential=confidential,
        preferred_operator_id=preferred_operator,
        status=Status.PENDING,
        expires_at=rules.decision_deadline(
            requested_at=now, start=start, decision_limit_hours=instrument.decision_limit_hours
        ),
    )
    booking.quote = pricing.current_quote(booking)
    return booking


def _request_digest(
    *,
    instrument_id: int,
    start: datetime,
    end: datetime,
    mode: str,
    purpose: str = "",
    sample: str = "",
    confidential: bool = False,
    company_id: int | None = None,
    preferred_operator: int | None = None,
) -> str:
    """What a request asked for, as a digest: the same key sent again with the same digest is the same request."""
    asked = [
        instrument_id,
        start.astimezone(UTC).isoformat(),
        end.astimezone(UTC).isoformat(),
        mode,
        purpose,
        sample,
        bool(confidential),
        company_id,
    ]
    if preferred_operator is not None:  # appended only when named, so the digests of earlier requests still match
        asked.append(preferred_operator)
    return hashlib.sha256(json.dumps(asked, ensure_ascii=False).encode()).hexdigest()


def _check_request_key(key: str) -> str:
    """An idempotency key: 1 to REQUEST_KEY_MAX printable ASCII characters (a UUID, a form's token); "" for none."""
    key = key or ""
    if len(key) > REQUEST_KEY_MAX or not all(" " < char < "\x7f" for char in key):
        raise DomainError(
            "invalid_idempotency_key",
            _("The idempotency key must be 1 to %(max)d printable ASCII characters without spaces.")
            % {"max": REQUEST_KEY_MAX},
            field="idempotency_key",
        )
    return key


def _already_requested(actor, key: str, digest: str, *, refused: bool = False) -> Booking | None:
    """The booking the actor already requested with this key, marked `replayed`; a refusal if they used the key for
    another request. None when the key is new (or there is none).

    `refused`: the request was just refused (the slot taken, the quota used up); if one of the actor's own holding
    bookings is this very request, sent before under another key (the form came back with a new token: Back
    reloaded the page), that booking is the answer, not the refusal."""
    if not key:
        return None
    booking = selectors.booking_rows().filter(requester=actor, request_key=key).first()
    if booking is None and refused:
        booking = (
            selectors.booking_rows()
            .filter(requester=actor, request_digest=digest, status__in=Booking.HOLDING)
            .order_by("-pk")
            .first()
        )
    if booking is None:
        return None
    if booking.request_digest != digest:
        raise DomainError(
            "idempotency_key_reused",
            _(
                "This idempotency key was already used for another request (booking #%(id)s); "
                "send a new key for a new request."
            )
            % {"id": booking.pk},
            status=422,
            booking=booking.pk,
        )
    booking.replayed = True
    return booking


@_verb
def request_booking(
    *,
    actor,
    instrument: Instrument,
    start: datetime,
    end: datetime,
    mode: str,
    purpose: str = "",
    sample: str = "",
    confidential: bool = False,
    company_id: int | None = None,
    preferred_operator: int | None = None,
    idempotency_key: str = "",
    now: datetime | None = None,
) -> Booking:
    """A company user, a member-institution researcher or the institution's own staff asks for a slot.

    With an `idempotency_key` (the API's header, the request form's one-time token) the request is made once: the
    same key with the same request answers the booking it made (`booking.replayed` is then True), even when the
    two arrive at once; the same key with another request is refused (422). The unique constraint on (requester,
    key) is the guarantee; the look-up before, and again after the database refused an overlap, gives the answer."""
    now = now or timezone.now()
    require_aware(start=start, end=end)
    key = _check_request_key(idempotency_key)
    digest = _request_digest(
        instrument_id=instrument.pk,
        start=start,
        end=end,
        mode=mode,
        purpose=purpose,
        sample=sample,
        confidential=confidential,
        company_id=company_id,
        preferred_operator=preferred_operator,
    )
    if earlier := _already_requested(actor, key, digest):
        return earlier
    expire_overdue(instrument_id=instrument.id, now=now)
    try:
        booking = preview_request(
            actor=actor,
            instrument=instrument,
            start=start,
            end=end,
            mode=mode,
            purpose=purpose,
            sample=sample,
            confidential=confidential,
            company_id=company_id,
            preferred_operator=preferred_operator,
            now=now,
        )
        booking.request_key, booking.request_digest = key, digest
        _save_holding(booking)
    except DomainError:
        # The twin of this request (same key) may have committed between the look-up and the insert, or the same
        # request was sent before under another key: then the overlap (or the quota it used) is the user's own
        # request, which is the answer, not "slot taken".
        if earlier := _already_requested(actor, key, digest, refused=True):
            return earlier
        raise
    except IntegrityError as exc:
        if "booking_request_key_once" not in str(exc) and "request_key" not in str(exc):
            raise
        if earlier := _already_requested(actor, key, digest, refused=True):
            return earlier
        raise
    booking.replayed = False
    _record(booking, actor=actor, action="request", from_status="")
    return booking


@_verb
def approve(*, actor, booking: Booking, reason: str = "", operator_id: int | None = None) -> Booking:
    """Staff approve: the price is fixed now, whatever the rate table says later. An assisted or commissioned
    booking gets its operator in the same transaction (`operator_id`, or the first free one offered); without a free
    operator the approval is refused and nothing is written (bookings.assignments)."""
    lock_current(booking)
    _ensure_staff(selectors.may_decide, actor, booking)
    if expire_overdue(instrument_id=booking.instrument_id):
        booking.refresh_from_db()
    if booking.proposal_pending:
        raise Conflict("awaiting_requester", _("The requester has not answered the proposed time yet."))
    assignment = None
    if booking.status == Status.PENDING:
        assignment = assignments.assign(booking=booking, actor=actor, operator_id=operator_id)
    return _approve_at_fixed_price(
        booking,
        actor=actor,
        action="approve",
        reason=reason,
        assignment=assignment,
        decided_by=actor,
        decision_reason=reason,
    )


@_verb
def reject(*, actor, booking: Booking, reason: str) -> Booking:
    """A rejected request is kept with its reason, never deleted."""
    lock_current(booking)
    _ensure_staff(selectors.may_decide, actor, booking)
    reason = _require_reason(reason)
    now = timezone.now()
    return _transition(
        booking,
        to=Status.REJECTED,
        expected=(Status.PENDING,),
        actor=actor,
        action="reject",
        reason=reason,
        decided_by=actor,
        decided_at=now,
        decision_reason=reason,
    )


@_verb
def propose(
    *, actor, booking: Booking, start: datetime, end: datetime, reason: str = "", because: dict | None = None
) -> Booking:
    """Staff counter-propose another slot; it is held at once, and the requester accepts or declines.

    `because` names a staff change that hurt the booking (bookings.disruptions): then an approved booking may be
    moved too, and it waits, pending, for the requester's answer like a request."""
    lock_current(booking)
    _ensure_staff(selectors.may_decide, actor, booking)
    require_aware(start=start, end=end)
    movable = Booking.HOLDING if because else (Status.PENDING,)
    if booking.status not in movable:
        raise Conflict("invalid_transition", _("Another time can be proposed only for a pending request."))
    now = timezone.now()
    company = booking.company
    instrument = _current_instrument(booking.instrument_id)
    hold = _check_slot(
        instrument,
        start=start,
        end=end,
        mode=booking.mode,
        requester=booking.requester,
        company=company,
        now=now,
        exclude_id=booking.pk,
    )
    old = {"start": booking.start.isoformat(), "end": booking.end.isoformat()}
    from_status = booking.status
    booking.start, booking.end, booking.hold_start, booking.hold_end = start, end, hold.start, hold.end
    booking.proposal_pending = True
    booking.sequence += 1
    reopened = ["status", "expires_at", "quote_fixed_at"] if from_status == Status.APPROVED else []
    released = None
    if reopened:  # approved no more: the requester agrees to the new time first, at a price fixed again then
        released = assignments.release(booking=booking, reason="moved")  # and an operator is assigned again then
        booking.status, booking.quote_fixed_at = Status.PENDING, None
        booking.expires_at = rules.decision_deadline(
            requested_at=now, start=start, decision_limit_hours=instrument.decision_limit_hours
        )
    booking.quote = pricing.current_quote(booking)
    _save_holding(
        booking,
        update_fields=[
            "start",
            "end",
            "hold_start",
            "hold_end",
            "proposal_pending",
            "sequence",
            "quote",
            "updated_at",
            *reopened,
        ],
    )
    _record(
        booking,
        actor=actor,
        action="propose",
        from_status=from_status,
        reason=reason,
        previous=old,
        proposed={"start": start.isoformat(), "end": end.isoformat()},
        **({"because": because} if because else {}),
        **assignments.event_data(released=released),
    )
    return booking


@_verb
def reassign_operator(
    *, actor, booking: Booking, operator_id: int | None = None, reason: str = "", because: dict | None = None
) -> Booking:
    """Staff put another candidate in for an approved assisted or commissioned booking: the assignment in force is
    released (`reassigned`) and the new one made, in one transaction (bookings.assignments); the booking's time and
    status do not change. The booking's row is locked first, so two reassignments of one booking take turns.

    `because` is an absence of the operator (bookings.absences), whose own verb checked that the actor may enter it
    (the operator or their staff admin): the absence forces the change, and the replacement must still be a candidate
    the instrument's institution allows. Without it, only staff who may decide the booking reassign."""
    lock_current(booking)
    if because is None:
        _ensure_staff(selectors.may_decide, actor, booking)
    if booking.status != Status.APPROVED or not selectors.needs_operator(booking.mode):
        raise Conflict(
            "invalid_transition",
            _("Only an approved assisted or commissioned booking has an operator to reassign."),
            status_now=booking.status,
        )
    old, new = assignments.reassign(booking=booking, actor=actor, operator_id=operator_id)
    Booking.objects.filter(pk=booking.pk).update(updated_at=timezone.now())
    _record(
        booking,
        actor=actor,
        action="reassign",
        from_status=booking.status,
        reason=reason,
        **assignments.event_data(assigned=new, released=old),
        **({"because": because} if because else {}),
    )
    return booking


def _ensure_requester(may, actor, booking: Booking) -> None:
    """Raise a requester's verb's predicate (`selectors.may_answer_proposal` or `selectors.may_cancel`)."""
    if not may(actor, booking):
        raise PermissionDenied("not_requester", _("Only the requester may do this."))


@_verb
def accept_proposal(*, actor, booking: Booking) -> Booking:
    lock_current(booking)
    _ensure_requester(selectors.may_answer_proposal, actor, booking)
    if not booking.proposal_pending:
        raise Conflict("no_proposal", _("There is no proposed time to answer."))
    assignment = assignments.assign_again(booking=booking, actor=actor)
    return _approve_at_fixed_price(booking, actor=actor, action="accept", assignment=assignment, proposal_pending=False)


@_verb
def decline_proposal(*, actor, booking: Booking, reason: str = "") -> Booking:
    lock_current(booking)
    _ensure_requester(selectors.may_answer_proposal, actor, booking)
    if not booking.proposal_pending:
        raise Conflict("no_proposal", _("There is no proposed time to answer."))
    return _transition(
        booking,
        to=Status.CANCELLED,
        expected=(Status.PENDING,),
        actor=actor,
        action="decline",
        reason=reason,
        proposal_pending=False,
    )


@_verb
def cancel(
    *, actor, booking: Booking, reason: str = "", now: datetime | None = None, because: dict | None = None
) -> Booking:
    """The requester cancels until the instrument's deadline; staff may cancel any time, with a reason (and
    `because`, the staff change that led to it: bookings.disruptions)."""
    now = now or timezone.now()
    lock_current(booking)
    _ensure_requester(selectors.may_cancel, actor, booking)
    if selectors.may_decide(actor, booking):
        reason = _require_reason(reason)
    else:
        deadline = rules.cancellation_deadline(
            start=booking.start, cancellation_deadline_hours=booking.instrument.cancellation_deadline_hours
        )
        if now > deadline:
            raise DomainError(
                "cancellation_deadline_passed",
                _("The cancellation deadline (%(deadline)s) has passed; contact the instrument's staff.")
                % {"deadline": long_datetime(deadline)},
                deadline=deadline.astimezone(TOKYO).isoformat(),
            )
    released = assignments.release(booking=booking, reason="cancelled")
    return _transition(
        booking,
        to=Status.CANCELLED,
        expected=Booking.HOLDING,
        actor=actor,
        action="cancel",
        reason=reason,
        proposal_pending=False,
        data={**({"because": because} if because else {}), **assignments.event_data(released=released)},
    )


@_verb
def complete(
    *, actor, booking: Booking, actual_start: datetime, actual_end: datetime, now: datetime | None = None
) -> Booking:
    """Staff record the actual use of an approved booking once it has begun."""
    lock_current(booking)
    _ensure_staff(selectors.may_record_use, actor, booking)
    require_aware(actual_start=actual_start, actual_end=actual_end)
    now = now or timezone.now()
    if booking.status == Status.APPROVED and not selectors.use_recordable(booking, now):
        raise _not_started(booking)
    if actual_end <= actual_start:
        raise DomainError(
            "end_before_start",
            _("The actual end must be after the actual start."),
            field="actual_end",
        )
    if actual_start > now:
        raise DomainError("use_in_future", _("The actual start lies in the future."), field="actual_start")
    return _transition(
        booking,
        to=Status.COMPLETED,
        expected=(Status.APPROVED,),
        actor=actor,
        action="complete",
        actual_start=actual_start,
        actual_end=actual_end,
        data={"actual_start": actual_start.isoformat(), "actual_end": actual_end.isoformat()},
    )


def _not_started(booking: Booking) -> DomainError:
    return DomainError(
        "not_started",
        _("The booking has not started yet: its use or a no-show can be recorded from %(start)s.")
        % {"start": long_datetime(booking.start)},
        recordable_from=booking.start.astimezone(TOKYO).isoformat(),
    )


@_verb
def mark_no_show(*, actor, booking: Booking, reason: str = "", now: datetime | None = None) -> Booking:
    lock_current(booking)
    _ensure_staff(selectors.may_record_use, actor, booking)
    now = now or timezone.now()
    if booking.status == Status.APPROVED and not selectors.use_recordable(booking, now):
        raise _not_started(booking)
    released = assignments.release(booking=booking, reason="no_show")
    return _transition(
        booking,
        to=Status.NO_SHOW,
        expected=(Status.APPROVED,),
        actor=actor,
        action="no_show",
        reason=reason,
        data=assignments.event_data(released=released),
    )


MAX_CONSUMABLES = 20


def _clean_consumables(items) -> list[dict]:
    """[{"label", "quantity", "unit_price_jpy"}]: a label, a quantity of 1–10,000 and a price of 0–10,000,000 yen."""
    if not isinstance(items, list | tuple) or len(items) > MAX_CONSUMABLES:
        raise DomainError(
            "invalid_consumables",
            _("Give the consumables as a list of at most %(n)d items.") % {"n": MAX_CONSUMABLES},
            field="consumables",
        )
    cleaned = []
    for n, item in enumerate(items):
        try:
            label = str(item["label"]).strip()
            quantity, price = item["quantity"], item["unit_price_jpy"]
        except (KeyError, TypeError):
            label, quantity, price = "", None, None
        valid = (
            0 < len(label) <= 100
            and isinstance(quantity, int)
            and not isinstance(quantity, bool)
            and 1 <= quantity <= 10_000
            and isinstance(price, int)
            and not isinstance(price, bool)
            and 0 <= price <= 10_000_000
        )
        if not valid:
            raise DomainError(
                "invalid_consumables",
                _(
                    "Item %(n)d: give a name (at most 100 characters), a quantity (1 to 10,000) and a unit price "
                    "(0 to 10,000,000 yen)."
                )
                % {"n": n + 1},
                field="consumables",
                index=n,
            )
        try:
            validate_name(label)  # a label is a name: it reaches the quotation, the invoice and their PDFs
        except ValidationError as error:
            raise DomainError(
                "invalid_consumables",
                _("Item %(n)d: %(error)s") % {"n": n + 1, "error": error.messages[0]},
                field="consumables",
                index=n,
            ) from None
        cleaned.append({"label": label, "quantity": quantity, "unit_price_jpy": price})
    return cleaned


@_verb
def set_consumables(*, actor, booking: Booking, consumables: list[dict]) -> Booking:
    """Staff list the consumables a pending booking will use (液体窒素, 試料台, …); the quote is recomputed.
    Once approved the price is fixed, so the list can no longer change."""
    lock_current(booking)
    _ensure_staff(selectors.may_decide, actor, booking)
    cleaned = _clean_consumables(consumables)
    if booking.status != Status.PENDING:
        raise Conflict(
            "price_fixed",
            _("The price was fixed at approval; the consumables can no longer change."),
            field="consumables",
        )
    booking.consumables = cleaned
    quote = pricing.current_quote(booking)
    changed = Booking.objects.filter(pk=booking.pk, status=Status.PENDING).update(
        consumables=cleaned, quote=quote, updated_at=timezone.now()
    )
    if changed != 1:
        raise _changed_meanwhile()
    booking.refresh_from_db(from_queryset=selectors.booking_rows())
    _record(booking, actor=actor, action="consumables", from_status=booking.status, consumables=cleaned)
    return booking


def send_reminders(*, now: datetime | None = None) -> int:
    """Queue the day-before reminders (idempotent: each booking and person once)."""
    return notices.send_reminders(now=now or timezone.now())


def send_digests(*, now: datetime | None = None) -> int:
    """Queue the morning digests of undecided requests (idempotent: once per institution, person and day)."""
    return notices.send_digests(now=now or timezone.now())


# --- Calendar feeds --------------------------------------------------------------------------------
def calendar_feed_of(*, actor) -> CalendarFeed:
    """The actor's feed, made on first use."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied("login_required", _("Log in first."))
    feed, _created = CalendarFeed.objects.get_or_create(user=actor)
    return feed


@transaction.atomic
def rotate_calendar_feed(*, actor) -> CalendarFeed:
    """A new secret address; the old one stops working at once (e.g. after it leaked)."""
    feed = calendar_feed_of(actor=actor)
    feed.token = new_feed_token()
    feed.save(update_fields=["token", "rotated_at"])
    return feed


@transaction.atomic
def revoke_calendar_feed(*, user) -> int:
    """The user's feed address stops working and is forgotten (their account was closed). Returns how many there
    were (0 or 1). A later `calendar_feed_of` would make a new one; a closed account never asks."""
    deleted, _rows = CalendarFeed.objects.filter(user_id=user.pk).delete()
    return deleted
