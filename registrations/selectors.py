"""Reads of registrations and join requests, shared by the API, the pages, the home page and the booking pages.

Who may decide a registration is one predicate, `may_decide_registration`; the list of what a user may decide
(`registrations_to_decide`) is the same rule as a query. A join request is decided by the company's admins
(`may_decide_join_request`).
"""

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from backend.i18n import long_date
from consortia.models import Role, User
from consortia.selectors import access_for, active_memberships, users_with_role

from .models import CompanyRegistration, JoinRequest, RegistrationPolicy, Status

Approver = RegistrationPolicy.Approver


def approver_of(consortium_id: int) -> str:
    """Who approves the consortium's registrations: its secretariat unless its policy names the institutions' staff."""
    found = RegistrationPolicy.objects.filter(consortium_id=consortium_id).values_list("approver", flat=True).first()
    return found or Approver.SECRETARIAT


def policy_of(consortium) -> RegistrationPolicy:
    """The consortium's policy, or the default (unsaved) while it has none."""
    return RegistrationPolicy.objects.filter(consortium=consortium).first() or RegistrationPolicy(consortium=consortium)


def _staff_consortia(staff_of) -> set[int]:
    """The consortia the user's institutions belong to today."""
    return set(active_memberships().filter(institution_id__in=staff_of).values_list("consortium_id", flat=True))


def _decidable(user) -> Q | None:
    """The registrations the user may decide, as a filter (None: none at all)."""
    access = access_for(user)
    if access.is_superuser:
        return Q()
    by_staff = set(
        RegistrationPolicy.objects.filter(approver=Approver.INSTITUTION_STAFF).values_list("consortium_id", flat=True)
    )
    scope = Q(pk__in=[])
    if access.secretariat_of:
        scope |= Q(consortium_id__in=set(access.secretariat_of) - by_staff)
    if access.staff_of:
        # The chosen institution's staff; with no institution chosen, the staff of any member institution.
        scope |= Q(consortium_id__in=by_staff) & (
            Q(institution_id__in=access.staff_of)
            | Q(institution__isnull=True, consortium_id__in=_staff_consortia(access.staff_of))
        )
    return scope


def may_decide_registration(user, registration: CompanyRegistration) -> bool:
    """Whether the user may approve or refuse this registration (whatever its status): its consortium's secretariat,
    or, where the consortium's policy says so, the chosen institution's staff; and site operators."""
    if not getattr(user, "is_authenticated", False):
        return False
    return registrations_scope(user).filter(pk=registration.pk).exists()


def registrations_scope(user) -> QuerySet[CompanyRegistration]:
    """Every registration the user decides or decided (any status)."""
    return CompanyRegistration.objects.filter(_decidable(user))


def registrations_to_decide(user) -> QuerySet[CompanyRegistration]:
    """Pending registrations the user may decide, the oldest first."""
    return (
        registrations_scope(user)
        .filter(status=Status.PENDING)
        .select_related("applicant", "consortium", "institution")
        .order_by("created_at", "id")
    )


def registrations_visible_to(user) -> QuerySet[CompanyRegistration]:
    """What a user may read: the registrations they decide, and their own."""
    if not getattr(user, "is_authenticated", False):
        return CompanyRegistration.objects.none()
    scope = Q() if access_for(user).is_superuser else _decidable(user) | Q(applicant_id=user.pk)  # Q() | q is q
    return (
        CompanyRegistration.objects.filter(scope)
        .select_related("applicant", "consortium", "institution", "decided_by", "company")
        .order_by("-created_at", "-id")
    )


def registrations_of(user) -> QuerySet[CompanyRegistration]:
    """The user's own registrations, the newest first."""
    return (
        CompanyRegistration.objects.filter(applicant_id=user.pk)
        .select_related("consortium", "institution", "company")
        .order_by("-created_at", "-id")
    )


def pending_registration_of(user) -> CompanyRegistration | None:
    return registrations_of(user).filter(status=Status.PENDING).first()


def pending_join_request_of(user) -> JoinRequest | None:
    return join_requests_of(user).filter(status=Status.PENDING).first()


def join_requests_of(user) -> QuerySet[JoinRequest]:
    return JoinRequest.objects.filter(user_id=user.pk).select_related("company").order_by("-created_at", "-id")


def may_decide_join_request(user, join_request: JoinRequest) -> bool:
    """A join request is decided by its company's admins (and site operators)."""
    access = access_for(user)
    return access.is_superuser or join_request.company_id in access.admin_of


def join_requests_to_decide(user) -> QuerySet[JoinRequest]:
    """Pending requests to join the companies the user administers, the oldest first."""
    access = access_for(user)
    return (
        JoinRequest.objects.filter(status=Status.PENDING, company_id__in=access.admin_of)
        .select_related("user", "company")
        .order_by("created_at", "id")
    )


def join_requests_decided_by_admins_of(user) -> QuerySet[JoinRequest]:
    """Every request to join the companies the user administers (any status), the newest first."""
    access = access_for(user)
    return (
        JoinRequest.objects.filter(company_id__in=access.admin_of)
        .select_related("user", "company", "decided_by")
        .order_by("-created_at", "-id")
    )


def deciders_of(registration: CompanyRegistration) -> list[User]:
    """Whom to tell of a new registration: the people who may decide it (site operators see it in their lists)."""
    if approver_of(registration.consortium_id) == Approver.SECRETARIAT:
        return list(users_with_role(Role.Kind.SECRETARIAT, consortium_id=registration.consortium_id))
    if registration.institution_id:
        return list(users_with_role(Role.Kind.STAFF, institution_id=registration.institution_id))
    members = active_memberships().filter(consortium_id=registration.consortium_id).values("institution_id")
    return list(_active(kind=Role.Kind.STAFF, institution_id__in=members))


def company_admins_of(company_id: int) -> list[User]:
    """Whom to tell of a new request to join the company."""
    return list(_active(kind=Role.Kind.COMPANY_ADMIN, company_id=company_id))


def _active(**role) -> QuerySet[User]:
    scope = {f"roles__{key}": value for key, value in role.items()}
    return User.objects.filter(is_active=True, **scope).distinct().order_by("id")


def waiting_for_approval(user) -> dict | None:
    """Why a user of no company cannot book yet, for the instrument page and the booking refusal: their pending
    registration (who decides it, when it was sent) or their pending join request; None with neither."""
    registration = pending_registration_of(user)
    if registration:
        return {"registration": registration, "decided_by": approver_label(registration)}
    join_request = pending_join_request_of(user)
    if join_request:
        return {"join_request": join_request}
    return None


def approver_label(registration: CompanyRegistration) -> str:
    """Who decides the registration, in the page's language: "the secretariat of X" or "the staff of Y"."""
    if approver_of(registration.consortium_id) == Approver.SECRETARIAT:
        return _("the secretariat of %(consortium)s") % {"consortium": registration.consortium.localized_name}
    place = registration.institution or registration.consortium
    return _("the staff of %(place)s") % {"place": place.localized_name}


def billing_contact_of(company) -> CompanyRegistration | None:
    """The billing contact the company registered with (its approved registration), or None."""
    return CompanyRegistration.objects.filter(company_id=company.pk, status=Status.APPROVED).first()


def why_no_company(user) -> tuple[str, str]:
    """Why a person of no company may not book, and what to do, in the page's language: their registration awaits
    approval (by whom, since when), their request to join awaits the company's admins, or they have not registered."""
    waiting = waiting_for_approval(user)
    if waiting and "registration" in waiting:
        return "registration_pending", _(
            "Your company's registration is awaiting approval by %(approver)s, submitted on %(date)s. You can book "
            "once it is approved; you will receive an e-mail."
        ) % {"approver": waiting["decided_by"], "date": long_date(waiting["registration"].created_at)}
    if waiting:
        return "join_request_pending", _(
            "Your request to join %(company)s is awaiting its admins' answer. You can book once they approve it."
        ) % {"company": waiting["join_request"].company.name}
    return "no_company", _(
        "To book as a company, register your company first (%(url)s); you can book once its consortium approves it."
    ) % {"url": reverse("company-register")}
