"""Who may run an instrument for others on a day, and what their own records say of their time (the bookings app
reads these to reserve operators and to show operated availability: bookings.selectors.operators)."""

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import F, Q, QuerySet

from backend.intervals import Interval
from consortia.models import Role
from equipment import selectors as equipment_selectors

from ..models import Absence, LendingAgreement, Operator, WorkingHours


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


def _own_operators_by_institution(institution_ids, user_ids) -> dict[int, list[Operator]]:
    """Active operators among `user_ids` still holding the staff role at their home institution, by institution, in
    the candidates' order (one query)."""
    found: dict[int, list[Operator]] = {}
    for operator in (
        Operator.objects.filter(
            active=True,
            institution_id__in=institution_ids,
            user_id__in=user_ids,
            user__is_active=True,
            user__roles__kind=Role.Kind.STAFF,
            user__roles__institution_id=F("institution_id"),
        )
        .select_related("user", "institution")
        .distinct()
        .order_by("user__last_name_kana", "user__last_name", "user__first_name", "id")
    ):
        found.setdefault(operator.institution_id, []).append(operator)
    return found


def _lending_rows(instrument_ids, user_ids, first: date, last: date) -> list[LendingAgreement]:
    """Agreements in force some day of [first, last] lending an operator among `user_ids`, one row per instrument
    they name (`instrument_id`), in the candidates' order (one query)."""
    return list(
        LendingAgreement.objects.filter(
            lender_confirmed_at__isnull=False,
            borrower_confirmed_at__isnull=False,
            ended_at__isnull=True,
            valid_from__lte=last,
            valid_until__gte=first,
            instruments__in=instrument_ids,
            operator__active=True,
            operator__user_id__in=user_ids,
            operator__user__is_active=True,
            operator__user__roles__kind=Role.Kind.STAFF,
            operator__user__roles__institution_id=F("lender_id"),
        )
        .annotate(instrument_id=F("instruments__id"))
        .select_related("operator__user", "operator__institution", "lender", "borrower")
        .distinct()
        .order_by("operator__user__last_name_kana", "operator__user__last_name", "operator__user__first_name", "id")
    )


def _candidates_on(instrument, day: date, *, own, lent, qualified_until) -> list[Candidate]:
    """`candidates_for(instrument, day)` from rows read for a whole window."""

    def qualified(user_id: int) -> bool:
        if user_id not in qualified_until:
            return False
        until = qualified_until[user_id]
        return until is None or day <= until

    chosen = [Candidate(o) for o in own.get(instrument.institution_id, []) if qualified(o.user_id)]
    seen = {c.operator.id for c in chosen}
    for agreement in lent:
        if (
            agreement.instrument_id == instrument.id
            and agreement.borrower_id == instrument.institution_id
            and agreement.valid_from <= day <= agreement.valid_until
            and agreement.operator_id not in seen
            and qualified(agreement.operator.user_id)
        ):
            seen.add(agreement.operator_id)
            chosen.append(Candidate(agreement.operator, agreement))
    return chosen


def candidates_by_day(instruments, days: list[date]) -> dict[int, dict[date, list[Candidate]]]:
    """`candidates_for` of many instruments over many days at once, {instrument id: {day: [Candidate]}}, in the same
    order: for the time grids and the catalogue, which ask of a week or a month. Three queries whatever the number of
    instruments, operators and days: the qualifications valid on the first day with their last day, the own
    operators, and the agreements overlapping the days (one row per named instrument); which day each qualification
    and agreement covers is decided here in Python from its dates."""
    instruments = list(instruments)
    found: dict[int, dict[date, list[Candidate]]] = {i.id: {d: [] for d in days} for i in instruments}
    if not instruments or not days:
        return found
    first, last = min(days), max(days)
    qualified = equipment_selectors.qualified_users_until([i.id for i in instruments], first)
    users = {user_id for by_user in qualified.values() for user_id in by_user}
    if not users:
        return found
    own = _own_operators_by_institution({i.institution_id for i in instruments}, users)
    lent = _lending_rows([i.id for i in instruments], users, first, last)
    for instrument in instruments:
        for day in days:
            found[instrument.id][day] = _candidates_on(
                instrument, day, own=own, lent=lent, qualified_until=qualified[instrument.id]
            )
    return found


def absences_between(operator_id: int, start: datetime, end: datetime) -> QuerySet[Absence]:
    """An operator's absences touching [start, end), in time order (their schedule page)."""
    return Absence.objects.filter(operator_id=operator_id, start__lt=end, end__gt=start).order_by("start", "id")
