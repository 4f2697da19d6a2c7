"""Who may do what with operators, their hours, absences and agreements (one predicate per verb), and the lists
the pages and the API show."""

from datetime import date, datetime

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from consortia import selectors as consortia_selectors
from consortia.models import Role
from consortia.selectors import access_for

from .. import rules
from ..models import Absence, LendingAgreement, Operator, WorkingHours


def operator_of(user) -> Operator | None:
    """The user's operator entry, if they have one."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Operator.objects.filter(user=user).select_related("institution").first()


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
