"""Reads of operators, their time and the lending agreements, shared by the booking services (which reserve
operators: bookings.assignments), the pages, the API and the contribution records."""

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import F, Prefetch, Q, QuerySet
from django.utils import timezone

from backend.intervals import Interval
from consortia import selectors as consortia_selectors
from consortia.models import Role
from consortia.selectors import access_for
from equipment import selectors as equipment_selectors

from . import rules
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


# --- Who may do what (one predicate per verb: the services raise them, the pages read them to show actions) -------


def may_enrol_operator(user, institution_id: int) -> bool:
    """The institution's staff admin (institution_admin) enrols its staff members as operators."""
    return consortia_selectors.may_administer_institution(user, institution_id)


def may_update_operator(user, operator: Operator) -> bool:
    """The staff admin of the operator's home institution changes whether they take assignments (and may record
    their consent)."""
    return consortia_selectors.may_administer_institution(user, operator.institution_id)


def may_change_consent(user, operator: Operator) -> bool:
    """Consent to be named in reports is the operator's own; their staff admin may record it too."""
    return operator.user_id == getattr(user, "id", None) or may_update_operator(user, operator)


def may_set_working_hours(user, operator: Operator) -> bool:
    """The operator themself, or the staff admin of their home institution."""
    return operator.user_id == getattr(user, "id", None) or may_update_operator(user, operator)


def may_propose_agreement(user, *, lender_id: int, borrower_id: int) -> bool:
    """A staff admin of either institution proposes (which confirms their own side)."""
    return consortia_selectors.may_administer_institution(
        user, lender_id
    ) or consortia_selectors.may_administer_institution(user, borrower_id)


def sides_to_confirm(user, agreement: LendingAgreement) -> set[str]:
    """The sides (`lender`, `borrower`) of a live agreement not yet confirmed that `user` administers."""
    if agreement.ended_at is not None:
        return set()
    sides = set()
    if agreement.lender_confirmed_at is None and consortia_selectors.may_administer_institution(
        user, agreement.lender_id
    ):
        sides.add("lender")
    if agreement.borrower_confirmed_at is None and consortia_selectors.may_administer_institution(
        user, agreement.borrower_id
    ):
        sides.add("borrower")
    return sides


def may_confirm_agreement(user, agreement: LendingAgreement) -> bool:
    """A staff admin of the side that has not confirmed yet, while the agreement is not ended."""
    return bool(sides_to_confirm(user, agreement))


def may_end_agreement(user, agreement: LendingAgreement) -> bool:
    """A staff admin of either side, while the agreement is not ended."""
    return agreement.ended_at is None and may_propose_agreement(
        user, lender_id=agreement.lender_id, borrower_id=agreement.borrower_id
    )


# --- Lists ----------------------------------------------------------------------------------------------------------

_BY_NAME = ("user__last_name_kana", "user__last_name", "user__first_name", "id")


def _with_pattern(qs: QuerySet[Operator]) -> QuerySet[Operator]:
    return qs.select_related("user", "institution").prefetch_related(
        Prefetch("working_hours", queryset=WorkingHours.objects.order_by("weekday", "starts"))
    )


def operators_visible_to(user) -> QuerySet[Operator]:
    """Operators whose entry `user` may read: of institutions they are staff or administrator of, of the current
    member institutions of consortia they are secretariat of, and their own. With user, institution and pattern."""
    access = consortia_selectors.access_for(user)
    qs = _with_pattern(Operator.objects.all())
    if not access.is_superuser:
        institutions = set(access.staff_of) | set(access.administrator_of)
        if access.secretariat_of:
            institutions |= consortia_selectors.institution_ids_of_consortia(access.secretariat_of)
        qs = qs.filter(Q(institution_id__in=institutions) | Q(user_id=getattr(user, "id", None)))
    return qs.order_by("institution_id", *_BY_NAME)


def operators_of(institution_id: int) -> QuerySet[Operator]:
    """An institution's own operators, by name, with their weekly pattern."""
    return _with_pattern(Operator.objects.filter(institution_id=institution_id)).order_by(*_BY_NAME)


def staff_not_enrolled(institution_id: int):
    """The institution's active staff members who are not operators yet (whom its staff admin may enrol)."""
    return (
        consortia_selectors.users_with_role(Role.Kind.STAFF, institution_id=institution_id)
        .filter(operator__isnull=True)
        .order_by("last_name_kana", "last_name", "first_name", "id")
    )


def holds_staff_role(user_id: int, institution_id: int) -> bool:
    """The user is active and holds the staff role at the institution (what an operator's home requires)."""
    return (
        consortia_selectors.users_with_role(Role.Kind.STAFF, institution_id=institution_id).filter(id=user_id).exists()
    )


def _agreement_related(qs: QuerySet[LendingAgreement]) -> QuerySet[LendingAgreement]:
    return qs.select_related(
        "consortium", "lender", "borrower", "operator__user", "operator__institution"
    ).prefetch_related("instruments")


def agreements_visible_to(user) -> QuerySet[LendingAgreement]:
    """Agreements `user` may read: those of institutions they are staff or administrator of (either side), those of
    consortia they are secretariat of, and those lending them. Newest first."""
    access = consortia_selectors.access_for(user)
    qs = _agreement_related(LendingAgreement.objects.all())
    if not access.is_superuser:
        institutions = set(access.staff_of) | set(access.administrator_of)
        qs = qs.filter(
            Q(lender_id__in=institutions)
            | Q(borrower_id__in=institutions)
            | Q(consortium_id__in=access.secretariat_of)
            | Q(operator__user_id=getattr(user, "id", None))
        )
    return qs.order_by("-valid_from", "-id")


def agreements_of_operator(operator: Operator) -> QuerySet[LendingAgreement]:
    return _agreement_related(LendingAgreement.objects.filter(operator=operator)).order_by("-valid_from", "-id")


def lent_in_to(institution_id: int, on: date | None = None) -> QuerySet[LendingAgreement]:
    """Agreements lending an operator to the institution that are confirmed, not ended and not over on `on`
    (today): in force or about to be."""
    day = on or timezone.localdate()
    return _agreement_related(
        LendingAgreement.objects.filter(
            borrower_id=institution_id,
            lender_confirmed_at__isnull=False,
            borrower_confirmed_at__isnull=False,
            ended_at__isnull=True,
            valid_until__gte=day,
        )
    ).order_by("valid_from", "id")


def status_of(agreement: LendingAgreement, today: date | None = None) -> str:
    """Where the agreement stands today (staffing.rules.agreement_status)."""
    return rules.agreement_status(
        lender_confirmed=agreement.lender_confirmed_at is not None,
        borrower_confirmed=agreement.borrower_confirmed_at is not None,
        ended=agreement.ended_at is not None,
        valid_from=agreement.valid_from,
        valid_until=agreement.valid_until,
        today=today or timezone.localdate(),
    )


def overlapping_agreements(*, operator_id: int, borrower_id: int, valid_from: date, valid_until: date):
    """Live (not ended) agreements lending the same operator to the same borrower over some of the same days."""
    return LendingAgreement.objects.filter(
        operator_id=operator_id,
        borrower_id=borrower_id,
        ended_at__isnull=True,
        valid_from__lte=valid_until,
        valid_until__gte=valid_from,
    )


def is_current_member(institution_id: int, consortium_id: int, on: date | None = None) -> bool:
    return (
        consortia_selectors.active_memberships(on)
        .filter(institution_id=institution_id, consortium_id=consortium_id)
        .exists()
    )


def institutions_for_agreements(user):
    """Institutions a user may propose agreements for (their administered ones)."""
    return consortia_selectors.institutions_administered_by(user)


def user_choices():
    """Every active user, for an input that names the person to enrol by id (the service checks their role)."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(is_active=True)


def operator_choices() -> QuerySet[Operator]:
    """Every operator, for an input that names one by id (the service checks which may be lent)."""
    return Operator.objects.all()


def pattern_of(operator: Operator) -> QuerySet[WorkingHours]:
    """The operator's weekly pattern, by weekday and time."""
    return WorkingHours.objects.filter(operator_id=operator.pk).order_by("weekday", "starts")


def qualifications_by_user(user_ids, on: date | None = None) -> dict[int, list]:
    """The instruments each user holds a valid qualification for on `on` (today), by name: one query."""
    from equipment.models import Qualification

    day = on or timezone.localdate()
    found: dict[int, list] = {pk: [] for pk in user_ids}
    valid = (
        Qualification.objects.filter(user_id__in=list(found), revoked_at__isnull=True)
        .filter(Q(expires_on__isnull=True) | Q(expires_on__gte=day))
        .select_related("instrument")
        .order_by("instrument__name", "id")
    )
    for qualification in valid:
        found[qualification.user_id].append(qualification.instrument)
    return found


def institutions_seen_on_operator_page(user):
    """The institutions whose operators page `user` may open: where they are staff or administrator (all for site
    admins)."""
    access = consortia_selectors.access_for(user)
    if access.is_superuser:
        return list(consortia_selectors.institution_choices().order_by("id"))
    ids = set(access.staff_of) | set(access.administrator_of)
    return list(consortia_selectors.institutions_with_ids(ids).order_by("id"))


def agreement_form_choices(user):
    """What a staff admin's proposal form offers: the consortia their institutions belong to now, those consortia's
    member institutions, the active operators of those institutions, and the instruments of those institutions."""
    from equipment.models import Instrument

    access = consortia_selectors.access_for(user)
    memberships = consortia_selectors.active_memberships()
    if not access.is_superuser:
        consortium_ids = memberships.filter(institution_id__in=access.administrator_of).values("consortium_id")
        memberships = memberships.filter(consortium_id__in=consortium_ids)
    consortium_ids = set(memberships.values_list("consortium_id", flat=True))
    institution_ids = set(memberships.values_list("institution_id", flat=True))
    return {
        "consortia": consortia_selectors.consortium_list().filter(id__in=consortium_ids),
        "institutions": consortia_selectors.institutions_with_ids(institution_ids).order_by("id"),
        "operators": Operator.objects.filter(active=True, institution_id__in=institution_ids)
        .select_related("user", "institution")
        .order_by("institution_id", *_BY_NAME),
        "instruments": Instrument.objects.filter(institution_id__in=institution_ids)
        .exclude(status=Instrument.Status.RETIRED)
        .select_related("institution")
        .order_by("institution_id", "name", "id"),
    }


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
