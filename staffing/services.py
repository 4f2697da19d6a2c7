"""Every change to operators, their weekly pattern and the lending agreements: one function per verb, each in a
transaction, acting on the row as it is now (select_for_update), refusing with a domain error that carries a code.

Who may do each verb is one predicate in staffing.selectors (`may_<verb>`), raised here and read by the pages.
Absences are changed by their own services (slice of the absences pages), not here."""

from datetime import date, time

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.errors import Conflict, DomainError, NotFound, PermissionDenied, refuse_unknown_fields
from consortia.models import Consortium, Institution

from . import rules, selectors
from .models import LendingAgreement, Operator, WorkingHours

OPERATOR_FIELDS = {"active", "named_in_reports"}
NOTE_MAX = 2000
RATE_MAX_JPY = 1_000_000  # per hour between two institutions: more is a typo


def _refuse_unless(allowed: bool, code: str, message: str) -> None:
    if not allowed:
        raise PermissionDenied(code, message)


# --- Operators --------------------------------------------------------------------------------------------------


@transaction.atomic
def enrol_operator(*, actor, user, institution: Institution, named_in_reports: bool = False) -> Operator:
    """The institution's staff admin makes one of its staff members an operator (takes assignments at once). A
    person is an operator of one home institution only."""
    _refuse_unless(
        selectors.may_enrol_operator(actor, institution.id),
        "not_institution_admin",
        _("Only the institution's administrators may enrol its operators."),
    )
    if not selectors.holds_staff_role(user.id, institution.id):
        raise DomainError(
            "not_staff_member",
            _("Only an active staff member of the institution can be its operator."),
            field="user",
        )
    if Operator.objects.filter(user_id=user.id).exists():
        raise Conflict("already_operator", _("This person is already an operator."), field="user")
    try:
        with transaction.atomic():  # two admins enrolling the same person at once: the unique user decides
            return Operator.objects.create(user=user, institution=institution, named_in_reports=named_in_reports)
    except IntegrityError:
        raise Conflict("already_operator", _("This person is already an operator."), field="user") from None


@transaction.atomic
def update_operator(*, actor, operator: Operator, **fields) -> Operator:
    """Change whether the operator takes assignments (their staff admin) and whether they may be named in reports
    (the operator themself, or their staff admin recording it). Assignments already made stay when an operator is
    made inactive: they are the bookings app's to release or reassign."""
    refuse_unknown_fields(fields, OPERATOR_FIELDS)
    operator = Operator.objects.select_for_update().get(pk=operator.pk)
    if "active" in fields:
        _refuse_unless(
            selectors.may_update_operator(actor, operator),
            "not_institution_admin",
            _("Only the administrators of the operator's institution may change whether they take assignments."),
        )
    if "named_in_reports" in fields:
        _refuse_unless(
            selectors.may_change_consent(actor, operator),
            "not_operator_or_admin",
            _("Only the operator or their institution's administrators may change this consent."),
        )
    for key, value in fields.items():
        if not isinstance(value, bool):
            raise DomainError("invalid", _("Give true or false."), field=key)
        setattr(operator, key, value)
    if fields:
        operator.save(update_fields=[*fields, "updated_at"])
    return operator


@transaction.atomic
def set_working_hours(*, actor, operator: Operator, pattern) -> list[WorkingHours]:
    """Replace the operator's whole weekly pattern by `pattern`, a list of (weekday 0–6, from, until) in Tokyo
    wall-clock time. Refused, and nothing changed, if a weekday is not 0–6, a stretch does not start before it ends,
    or two stretches of one day overlap. An empty pattern is allowed: the operator is then never free."""
    operator = Operator.objects.select_for_update().get(pk=operator.pk)
    _refuse_unless(
        selectors.may_set_working_hours(actor, operator),
        "not_operator_or_admin",
        _("Only the operator or their institution's administrators may change their working hours."),
    )
    pattern = list(pattern)
    for index, stretch in enumerate(pattern):
        if len(stretch) != 3 or not all(isinstance(value, time) for value in stretch[1:]):
            raise DomainError("invalid", _("Each stretch is a weekday, a start time and an end time."), index=index)
    problem = rules.pattern_problem(pattern)
    if problem is not None:
        code, index = problem
        raise DomainError(code, PATTERN_MESSAGES[code](), field="pattern", index=index)
    WorkingHours.objects.filter(operator=operator).delete()
    return WorkingHours.objects.bulk_create(
        [
            WorkingHours(operator=operator, weekday=weekday, starts=starts, ends=ends)
            for weekday, starts, ends in pattern
        ]
    )


PATTERN_MESSAGES = {
    "bad_weekday": lambda: _("A weekday is Monday to Sunday."),
    "stretch_not_in_order": lambda: _("Working hours must start before they end."),
    "stretches_overlap": lambda: _("Two stretches of working hours on the same day overlap."),
    "too_many_stretches": lambda: (
        _("At most %(count)d stretches of working hours a day.") % {"count": rules.MAX_STRETCHES_PER_DAY}
    ),
}


# --- Lending agreements -----------------------------------------------------------------------------------------


@transaction.atomic
def propose_agreement(
    *,
    actor,
    consortium: Consortium,
    lender: Institution,
    borrower: Institution,
    operator: Operator,
    instruments,
    valid_from: date,
    valid_until: date,
    hourly_rate_jpy: int,
    note: str = "",
) -> LendingAgreement:
    """A staff admin of either institution proposes that the lender lend `operator` to the borrower for the
    borrower's `instruments`; proposing confirms each side the proposer administers. Its terms never change
    afterwards: to change them, end it and propose another."""
    _refuse_unless(
        selectors.may_propose_agreement(actor, lender_id=lender.id, borrower_id=borrower.id),
        "not_institution_admin",
        _("Only the administrators of one of the two institutions may propose a lending agreement."),
    )
    if lender.id == borrower.id:
        raise DomainError("same_institution", _("An institution cannot lend to itself."), field="borrower")
    for institution, field in ((lender, "lender"), (borrower, "borrower")):
        if not selectors.is_current_member(institution.id, consortium.id):
            raise DomainError(
                "not_member", _("Both institutions must be current members of the consortium."), field=field
            )
    operator = _locked_operator(operator)  # proposals for one operator queue here: the overlap check below holds
    if operator.institution_id != lender.id:
        raise DomainError(
            "operator_not_of_lender", _("The operator must be of the lending institution."), field="operator"
        )
    if not operator.active:
        raise DomainError("operator_inactive", _("This operator does not take assignments."), field="operator")
    instruments = list(instruments)
    if not instruments:
        raise DomainError("no_instruments", _("Name at least one instrument."), field="instruments")
    if any(instrument.institution_id != borrower.id for instrument in instruments):
        raise DomainError(
            "instrument_not_of_borrower",
            _("The instruments must be the borrowing institution's."),
            field="instruments",
        )
    if valid_from > valid_until:
        raise DomainError("dates_out_of_order", _("The agreement must start before it ends."), field="valid_until")
    if not rules.agreement_span_ok(valid_from, valid_until):
        raise DomainError(
            "agreement_too_long",
            _("An agreement runs at most %(years)d years.") % {"years": rules.MAX_AGREEMENT_YEARS},
            field="valid_until",
        )
    if valid_until < timezone.localdate():
        raise DomainError("agreement_over", _("This agreement would already be over."), field="valid_until")
    if isinstance(hourly_rate_jpy, bool) or not isinstance(hourly_rate_jpy, int) or hourly_rate_jpy <= 0:
        raise DomainError("bad_rate", _("The hourly rate must be more than zero yen."), field="hourly_rate_jpy")
    if hourly_rate_jpy > RATE_MAX_JPY:
        raise DomainError(
            "bad_rate",
            _("The hourly rate can be at most %(max)s yen.") % {"max": f"{RATE_MAX_JPY:,}"},
            field="hourly_rate_jpy",
        )
    if len(note) > NOTE_MAX:
        raise DomainError("note_too_long", _("The note is too long."), field="note")
    if selectors.overlapping_agreements(
        operator_id=operator.id, borrower_id=borrower.id, valid_from=valid_from, valid_until=valid_until
    ).exists():
        raise Conflict(
            "agreement_overlaps",
            _("An agreement lending this operator to this institution already covers some of these days."),
            field="valid_from",
        )
    now = timezone.now()
    agreement = LendingAgreement(
        consortium=consortium,
        lender=lender,
        borrower=borrower,
        operator=operator,
        valid_from=valid_from,
        valid_until=valid_until,
        hourly_rate_jpy=hourly_rate_jpy,
        note=note,
        created_by=actor,
    )
    for side in selectors.sides_to_confirm(actor, agreement):
        setattr(agreement, f"{side}_confirmed_by", actor)
        setattr(agreement, f"{side}_confirmed_at", now)
    agreement.save()
    agreement.instruments.set(instruments)
    return agreement


def _locked_operator(operator: Operator) -> Operator:
    return Operator.objects.select_for_update().get(pk=operator.pk)


def _locked(agreement: LendingAgreement) -> LendingAgreement:
    found = LendingAgreement.objects.select_for_update().filter(pk=agreement.pk).first()
    if found is None:
        raise NotFound("not_found", _("No such agreement."))
    return found


@transaction.atomic
def confirm_agreement(*, actor, agreement: LendingAgreement) -> LendingAgreement:
    """A staff admin of the side that has not confirmed confirms it: from then on it is in force over its dates.
    The two institutions must still be members of the consortium and the operator still of the lender."""
    agreement = _locked(agreement)
    if agreement.ended_at is not None:
        raise Conflict("agreement_ended", _("This agreement has ended."))
    if agreement.confirmed:
        raise Conflict("already_confirmed", _("Both sides have already confirmed this agreement."))
    sides = selectors.sides_to_confirm(actor, agreement)
    _refuse_unless(
        bool(sides),
        "not_other_side_admin",
        _("Only the administrators of the side that has not confirmed may confirm this agreement."),
    )
    for institution_id in (agreement.lender_id, agreement.borrower_id):
        if not selectors.is_current_member(institution_id, agreement.consortium_id):
            raise DomainError("not_member", _("Both institutions must be current members of the consortium."))
    if agreement.operator.institution_id != agreement.lender_id:
        raise DomainError("operator_not_of_lender", _("The operator must be of the lending institution."))
    now = timezone.now()
    fields = []
    for side in sides:
        setattr(agreement, f"{side}_confirmed_by", actor)
        setattr(agreement, f"{side}_confirmed_at", now)
        fields += [f"{side}_confirmed_by", f"{side}_confirmed_at"]
    agreement.save(update_fields=fields)
    return agreement


@transaction.atomic
def end_agreement(*, actor, agreement: LendingAgreement) -> LendingAgreement:
    """A staff admin of either side ends the agreement (also one never confirmed: a withdrawn proposal). It is kept,
    with who ended it and when; no new assignment is made under it, and those already made stay."""
    agreement = _locked(agreement)
    if agreement.ended_at is not None:
        raise Conflict("agreement_ended", _("This agreement has ended."))
    _refuse_unless(
        selectors.may_end_agreement(actor, agreement),
        "not_institution_admin",
        _("Only the administrators of one of the two institutions may end this agreement."),
    )
    agreement.ended_at = timezone.now()
    agreement.ended_by = actor
    agreement.save(update_fields=["ended_at", "ended_by"])
    return agreement
