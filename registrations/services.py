"""Every change to registrations and join requests: register (or ask to join), approve, refuse, withdraw, and set who
approves a consortium's registrations. The API and the pages call these.

A decision re-reads its row locked (`select_for_update`) inside its transaction and acts only on a pending one, so
two deciders at once make one decision; the database's partial unique constraints keep one pending registration per
person and per corporate number, and one pending join request per person and company.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.errors import (
    Conflict,
    DomainError,
    NotFound,
    PermissionDenied,
    full_clean_or_refuse,
    refuse_unknown_fields,
    validate_field_or_refuse,
)
from consortia import services as consortia_services
from consortia.models import Company, Consortium, Institution, Role
from consortia.selectors import access_for, active_memberships, can_manage_consortium, has_verified_email

from . import notices, selectors
from .models import REASON_MAX, CompanyRegistration, JoinRequest, RegistrationPolicy, Status

REGISTRATION_FIELDS = {
    "prefecture",
    "address",
    "industry",
    "billing_name",
    "billing_email",
    "billing_phone",
    "invoices_by_email",
    "note",
}


def _may_register(actor) -> None:
    """A registrant is logged in, has verified their e-mail address and belongs to no company yet."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied("login_required", _("Log in first."))
    if not has_verified_email(actor):
        raise PermissionDenied(
            "email_not_verified",
            _("Verify your e-mail address first: follow the link in the e-mail we sent you, then register."),
        )
    if access_for(actor).member_of:
        raise Conflict("already_in_company", _("You already belong to a company."))


@transaction.atomic
def register_company(
    *,
    actor,
    corporate_number: str,
    name: str,
    size: str,
    consortium: Consortium,
    institution: Institution | None = None,
    **fields,
) -> CompanyRegistration | JoinRequest:
    """A verified user asks to register their company for a consortium (or one of its institutions): a pending
    registration for its approvers. If the corporate number belongs to a registered company, no second company is
    made: the user asks to join that one instead (a JoinRequest for its admins), and learns nothing of it but its
    name."""
    _may_register(actor)
    refuse_unknown_fields(fields, REGISTRATION_FIELDS)
    validate_field_or_refuse(CompanyRegistration, "corporate_number", corporate_number)
    company = Company.objects.filter(corporate_number=corporate_number).first()
    if company is not None:
        return _request_to_join(actor=actor, company=company, note=fields.get("note", ""))
    if CompanyRegistration.objects.filter(applicant=actor, status=Status.PENDING).exists():
        raise Conflict("registration_pending", _("Your registration is already awaiting approval."))
    if CompanyRegistration.objects.filter(corporate_number=corporate_number, status=Status.PENDING).exists():
        raise Conflict(
            "number_pending",
            _("A registration of this corporate number is already awaiting approval."),
            field="corporate_number",
        )
    registration = CompanyRegistration(
        applicant=actor,
        corporate_number=corporate_number,
        name=name,
        size=size,
        consortium=consortium,
        institution=institution,
        **fields,
    )
    full_clean_or_refuse(registration, exclude=["applicant", "consortium", "institution", "company", "decided_by"])
    if institution is not None and not active_memberships().filter(consortium=consortium, institution=institution):
        raise DomainError(
            "institution_not_member", _("Choose an institution of the chosen consortium."), field="institution"
        )
    try:
        with transaction.atomic():
            registration.save()
    except IntegrityError:  # the same person or number registered at the same moment
        raise Conflict("registration_pending", _("A registration is already awaiting approval.")) from None
    notices.registration_received(registration)
    return registration


def _request_to_join(*, actor, company: Company, note: str) -> JoinRequest:
    if JoinRequest.objects.filter(user=actor, company=company, status=Status.PENDING).exists():
        raise Conflict("join_request_pending", _("Your request to join this company is already awaiting its answer."))
    join_request = JoinRequest(user=actor, company=company, note=note)
    full_clean_or_refuse(join_request, exclude=["user", "company", "decided_by"])
    try:
        with transaction.atomic():
            join_request.save()
    except IntegrityError:
        raise Conflict(
            "join_request_pending", _("Your request to join this company is already awaiting its answer.")
        ) from None
    notices.join_request_received(join_request)
    return join_request


def _locked(model, pk: int):
    found = model.objects.select_for_update().filter(pk=pk).first()
    if found is None:
        raise NotFound("not_found", _("No such request."))
    return found


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("reason_required", _("Give the reason for refusing."), field="reason")
    if len(reason) > REASON_MAX:
        raise DomainError("too_long", _("At most %(max)d characters.") % {"max": REASON_MAX}, field="reason")
    return reason


def _require_pending(row) -> None:
    if row.status != Status.PENDING:
        raise Conflict(
            "already_decided",
            _("This request is no longer pending: it is %(status)s.") % {"status": row.get_status_display()},
        )


def _decided(row, *, status: str, actor, reason: str = "") -> None:
    row.status = status
    row.decided_by = actor
    row.decided_at = timezone.now()
    row.reason = reason
    changed = ["status", "decided_by", "decided_at", "reason"]
    row.save(update_fields=[*changed, "company"] if isinstance(row, CompanyRegistration) else changed)


def _registration_to_decide(actor, registration_id: int) -> CompanyRegistration:
    registration = _locked(CompanyRegistration, registration_id)
    if not selectors.may_decide_registration(actor, registration):
        if registration.applicant_id == getattr(actor, "pk", None):
            raise PermissionDenied("not_approver", _("You cannot decide your own registration."))
        raise NotFound("not_found", _("No such request."))
    _require_pending(registration)
    return registration


@transaction.atomic
def approve_registration(*, actor, registration_id: int) -> CompanyRegistration:
    """The registration's approver approves it: the company is created, the applicant becomes its admin, and they
    are told by e-mail. All or nothing."""
    registration = _registration_to_decide(actor, registration_id)
    company = consortia_services.create_company(
        actor=None,
        via="registration",
        name=registration.name,
        corporate_number=registration.corporate_number,
        size=registration.size,
        industry=registration.industry,
        prefecture=registration.prefecture,
        address=registration.address,
    )
    consortia_services.grant_role(
        user=registration.applicant, kind=Role.Kind.COMPANY_ADMIN, company=company, actor=None, via="registration"
    )
    registration.company = company
    _decided(registration, status=Status.APPROVED, actor=actor)
    notices.registration_decided(registration)
    return registration


@transaction.atomic
def refuse_registration(*, actor, registration_id: int, reason: str) -> CompanyRegistration:
    """The approver refuses the registration with a reason, which the applicant is e-mailed; they may correct it and
    register again."""
    reason = _reason(reason)
    registration = _registration_to_decide(actor, registration_id)
    _decided(registration, status=Status.REFUSED, actor=actor, reason=reason)
    notices.registration_decided(registration)
    return registration


@transaction.atomic
def withdraw_registration(*, actor, registration_id: int) -> CompanyRegistration:
    """The applicant withdraws their pending registration."""
    registration = _locked(CompanyRegistration, registration_id)
    if registration.applicant_id != getattr(actor, "pk", None):
        raise NotFound("not_found", _("No such request."))
    _require_pending(registration)
    _decided(registration, status=Status.WITHDRAWN, actor=actor)
    return registration


def _join_request_to_decide(actor, join_request_id: int) -> JoinRequest:
    join_request = _locked(JoinRequest, join_request_id)
    if not selectors.may_decide_join_request(actor, join_request):
        if join_request.user_id == getattr(actor, "pk", None):
            raise PermissionDenied("not_company_admin", _("Only the company's admins decide who joins it."))
        raise NotFound("not_found", _("No such request."))
    _require_pending(join_request)
    return join_request


@transaction.atomic
def approve_join_request(*, actor, join_request_id: int) -> JoinRequest:
    """A company admin lets the requester in: they become a user of the company."""
    join_request = _join_request_to_decide(actor, join_request_id)
    consortia_services.grant_role(
        user=join_request.user,
        kind=Role.Kind.COMPANY_MEMBER,
        company=join_request.company,
        actor=None,
        via="join_request",
    )
    _decided(join_request, status=Status.APPROVED, actor=actor)
    notices.join_request_decided(join_request)
    return join_request


@transaction.atomic
def refuse_join_request(*, actor, join_request_id: int, reason: str) -> JoinRequest:
    """A company admin refuses the request with a reason, which the requester is e-mailed."""
    reason = _reason(reason)
    join_request = _join_request_to_decide(actor, join_request_id)
    _decided(join_request, status=Status.REFUSED, actor=actor, reason=reason)
    notices.join_request_decided(join_request)
    return join_request


@transaction.atomic
def withdraw_join_request(*, actor, join_request_id: int) -> JoinRequest:
    """The requester withdraws their pending request."""
    join_request = _locked(JoinRequest, join_request_id)
    if join_request.user_id != getattr(actor, "pk", None):
        raise NotFound("not_found", _("No such request."))
    _require_pending(join_request)
    _decided(join_request, status=Status.WITHDRAWN, actor=actor)
    return join_request


@transaction.atomic
def set_registration_policy(*, actor, consortium: Consortium, approver: str) -> RegistrationPolicy:
    """The consortium's secretariat chooses who approves its company registrations. Registrations already pending
    go to the new approvers."""
    if not can_manage_consortium(actor, consortium.id):
        raise PermissionDenied("not_secretariat", _("Only this consortium's secretariat may change it."))
    policy, _created = RegistrationPolicy.objects.select_for_update().get_or_create(consortium=consortium)
    policy.approver = approver
    policy.updated_by = actor
    full_clean_or_refuse(policy, exclude=["consortium", "updated_by"])
    policy.save()
    return policy
