"""Reads of operators, their time and the lending agreements, shared by the booking services (which reserve
operators: bookings.assignments), the pages, the API and the contribution records."""

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import F, Q, QuerySet

from backend.intervals import Interval
from consortia.models import Role
from consortia.selectors import access_for
from equipment import selectors as equipment_selectors

from .models import Absence, LendingAgreement, Operator, WorkingHours


@dataclass(frozen=True)
class Candidate:
    """An operator who may run an instrument on a day: of its own institution, or lent under `agreement`."""

    operator: Operator
    agreement: LendingAgreement | None = None

    @property
    def lent(self) -> bool:
        return self.agreement is not None


def agreements_in_force(on: date) -> QuerySet[LendingAgreement]:
    """Agreements both institutions confirmed, not ended, whose dates include `on`."""
    return LendingAgreement.objects.filter(
        lender_confirmed_at__isnull=False,
        borrower_confirmed_at__isnull=False,
        ended_at__isnull=True,
        valid_from__lte=on,
        valid_until__gte=on,
    )


def _staff_of(institution_id) -> Q:
    """The operator still holds the staff role at their home institution (a closed account holds none)."""
    return Q(
        user__is_active=True,
        user__roles__kind=Role.Kind.STAFF,
        user__roles__institution_id=institution_id,
    )


def candidates_for(instrument, on: date) -> list[Candidate]:
    """Who may run `instrument` for others on `on`, own institution first, then lent, each group by name: active
    operators with a valid qualification for it, of its institution or lent to it by an agreement in force that names
    it. Three queries whatever the number of operators."""
    qualified = equipment_selectors.qualified_user_ids(instrument.id, on)
    if not qualified:
        return []
    own = (
        Operator.objects.filter(active=True, institution_id=instrument.institution_id, user_id__in=qualified)
        .filter(_staff_of(instrument.institution_id))
        .select_related("user", "institution")
        .distinct()
        .order_by("user__last_name_kana", "user__last_name", "user__first_name", "id")
    )
    lent = (
        agreements_in_force(on)
        .filter(
            borrower_id=instrument.institution_id,
            instruments=instrument,
            operator__active=True,
            operator__user_id__in=qualified,
            operator__user__is_active=True,
            operator__user__roles__kind=Role.Kind.STAFF,
            operator__user__roles__institution_id=F("lender_id"),
        )
        .select_related("operator__user", "operator__institution", "lender", "borrower")
        .distinct()
        .order_by("operator__user__last_name_kana", "operator__user__last_name", "operator__user__first_name", "id")
    )
    found = [Candidate(operator) for operator in own]
    seen = {c.operator.id for c in found}
    for agreement in lent:
        if agreement.operator_id not in seen:
            seen.add(agreement.operator_id)
            found.append(Candidate(agreement.operator, agreement))
    return found


@dataclass(frozen=True)
class OperatorTime:
    """What an operator's own records say of their time in a window (assignments are the bookings app's)."""

    weekly: tuple = ()  # (weekday, starts, ends), Tokyo wall-clock
    absences: tuple[Interval, ...] = ()


def time_of(operator_ids, start: datetime, end: datetime) -> dict[int, OperatorTime]:
    """Each operator's weekly pattern and the absences touching [start, end): two queries."""
    operator_ids = list(operator_ids)
    weekly: dict[int, list] = {pk: [] for pk in operator_ids}
    for row in WorkingHours.objects.filter(operator_id__in=operator_ids).values_list(
        "operator_id", "weekday", "starts", "ends"
    ):
        weekly[row[0]].append(row[1:])
    away: dict[int, list] = {pk: [] for pk in operator_ids}
    for operator_id, a, b in Absence.objects.filter(
        operator_id__in=operator_ids, start__lt=end, end__gt=start
    ).values_list("operator_id", "start", "end"):
        away[operator_id].append(Interval(a, b))
    return {pk: OperatorTime(tuple(weekly[pk]), tuple(away[pk])) for pk in operator_ids}


def operator_of(user) -> Operator | None:
    """The user's operator entry, if they have one."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Operator.objects.filter(user=user).select_related("institution").first()


# --- Absences: who may enter them, and the list the pages and the API show -------------------------------------
def may_manage_absences(user, operator: Operator) -> bool:
    """Entering, importing and deleting an operator's absences: the operator themself, or an administrator of their
    home institution (and site admins). Raised by staffing.absences; read by the pages to show the actions."""
    if not getattr(user, "is_authenticated", False):
        return False
    if operator.user_id == user.pk:
        return True
    access = access_for(user)
    return access.is_superuser or operator.institution_id in access.administrator_of


def absences_of(operator: Operator, *, since: datetime | None = None) -> QuerySet[Absence]:
    """The operator's absences, in order of start; with `since`, those not yet over then."""
    found = Absence.objects.filter(operator=operator)
    if since is not None:
        found = found.filter(end__gt=since)
    return found.order_by("start", "id")


def operator_by_id(pk) -> Operator | None:
    return Operator.objects.filter(pk=pk).select_related("user", "institution").first()


def absence_of(operator: Operator, pk) -> Absence | None:
    return Absence.objects.filter(operator=operator, pk=pk).select_related("operator").first()
