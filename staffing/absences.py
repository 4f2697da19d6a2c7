"""Operators' absences (leave, business trips, training): entered by hand, imported from an .ics file, deleted.

These are staffing's verbs on its own rows. An absence over bookings the operator is assigned to is not saved from
here but through bookings.absences, which calls these inside its transaction and settles each booking hit (as
downtime does for an instrument). Who may act is one predicate, `selectors.may_manage_absences`: the operator
themself or an administrator of their home institution.

The .ics import reads the file with equipment's parser (same limits, same refusal codes, recurring events per
occurrence) and keys each absence by the event's UID, so importing the same export again changes nothing, a moved
event updates its absence and a cancelled one (STATUS:CANCELLED) removes it. All or nothing."""

from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from backend.errors import DomainError, PermissionDenied, full_clean_or_refuse
from backend.plumbing import lock_current, require_aware, require_in_range, require_order, user_or_none
from equipment.services import import_ics

from . import selectors
from .models import Absence, Operator

# The import window, as for downtime: a past absence still explains hours not worked; two years ahead is planning.


def ensure_may_manage_absences(actor, operator: Operator) -> None:
    if not selectors.may_manage_absences(actor, operator):
        raise PermissionDenied(
            "not_absence_manager",
            _("Only the operator or an administrator of their institution may change their absences."),
        )


def check_period(start: datetime, end: datetime) -> None:
    """The times of an absence: aware, within the years the product takes, in order, at most `Absence.MAX_SPAN`."""
    require_aware(start=start, end=end)
    require_in_range(start=start, end=end)
    require_order(start, end)
    if end - start > Absence.MAX_SPAN:
        raise DomainError(
            "absence_too_long",
            _("An absence lasts at most %(days)d days.") % {"days": Absence.MAX_SPAN.days},
            field="end",
        )


def check_kind(kind: str) -> None:
    if kind not in Absence.Kind.values:
        raise DomainError("invalid_choice", _("Unknown kind: %(kind)s") % {"kind": kind}, field="kind")


@transaction.atomic
def create_absence(
    *,
    actor,
    operator: Operator,
    start: datetime,
    end: datetime,
    kind: str = Absence.Kind.LEAVE,
    title: str = "",
    source_uid: str = "",
) -> Absence:
    """Record an absence (pages and API: bookings.absences.add_absence, which settles the bookings it hits)."""
    lock_current(operator)  # absences of one operator are entered one at a time
    ensure_may_manage_absences(actor, operator)
    check_period(start, end)
    check_kind(kind)
    absence = Absence(
        operator=operator,
        start=start,
        end=end,
        kind=kind,
        title=title,
        source_uid=source_uid,
        created_by=user_or_none(actor),
    )
    full_clean_or_refuse(absence, exclude=["operator", "created_by"])
    absence.save()
    return absence


@transaction.atomic
def import_absences(
    *, actor, operator: Operator, upload, kind: str = Absence.Kind.LEAVE, now: datetime | None = None
) -> dict:
    """Create, update or remove absences from an .ics file, keyed by each event's UID (recurring events per
    occurrence). Pages and API: bookings.absences.import_absences. Any fault in the file stores nothing."""
    lock_current(operator)
    ensure_may_manage_absences(actor, operator)
    check_kind(kind)
    return import_ics(
        upload,
        now=now,
        rows=operator.absences,
        create=lambda uid, values: Absence.objects.create(
            operator=operator, kind=kind, source_uid=uid, created_by=user_or_none(actor), **values
        ),
    )


@transaction.atomic
def delete_absence(*, actor, absence: Absence) -> None:
    """Remove an absence: it frees time and hurts no booking. An imported one comes back if its file is imported
    again."""
    lock_current(absence)
    ensure_may_manage_absences(actor, absence.operator)
    absence.delete()
