"""Every change to consortia, memberships, companies and roles.

A verb on an existing row first re-reads it from its locked row (`lock_current`) and saves only the fields it
changes, so an edit from a copy loaded earlier never reverts what another edit committed meanwhile.

Long: every writer of consortia's rows (consortia, companies, roles, users, tokens, closing an account) is here, in
marked sections, because the other apps and the stale-copy walk reach them as `consortia.services`; the next split
makes it a package of those sections behind the same name, as bookings.selectors is.
"""

import secrets
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.errors import (
    Conflict,
    DomainError,
    NotFound,
    PermissionDenied,
    full_clean_or_refuse,
    refuse_unknown_fields,
)
from backend.plumbing import lock_current
from backend.search import refresh_search_text

from .grants import ADMIN_KINDS, SCOPE_OF, may_grant, may_revoke, scope_of
from .models import (
    DEACTIVATED_EMAIL_DOMAIN,
    ApiToken,
    BillingDetails,
    Company,
    Consortium,
    ConsortiumMembership,
    FeePolicy,
    Institution,
    Role,
    RoleChange,
    User,
    hash_api_key,
)
from .selectors import (
    billing_details_of,
    can_manage_company,
    can_manage_consortium,
    companies_left_without_admin,
    forget_access,
    may_administer_institution,
    may_deactivate,
)

CONSORTIUM_FIELDS = {"name", "name_en", "region", "prefectures", "description", "contact_email"}
COMPANY_FIELDS = {"name", "size", "industry", "prefecture", "address"}
FEE_POLICY_FIELDS = {
    "confidential_multiplier",
    "outside_region_multiplier",
    "large_company_multiplier",
    "staff_rate_jpy",
}
INSTITUTION_BILLING_FIELDS = {"registration_number", "usage_report_due_days"}
BILLING_DETAIL_FIELDS = {
    "bank_name",
    "bank_branch",
    "account_type",
    "account_number",
    "account_holder",
    "payment_term",
    "payment_days",
    "quotation_valid_days",
    "contact_department",
    "contact_phone",
    "contact_email",
}
INSTITUTION_DETAIL_FIELDS = FEE_POLICY_FIELDS | INSTITUTION_BILLING_FIELDS | BILLING_DETAIL_FIELDS


@transaction.atomic
def update_consortium(*, actor, consortium: Consortium, **fields) -> Consortium:
    if not can_manage_consortium(actor, consortium.id):
        raise PermissionDenied(
            "not_secretariat",
            _("Only this consortium's secretariat may change it."),
        )
    refuse_unknown_fields(fields, CONSORTIUM_FIELDS)
    lock_current(consortium)
    for key, value in fields.items():
        setattr(consortium, key, value)
    full_clean_or_refuse(consortium)
    consortium.save(update_fields=list(fields))
    return consortium


@transaction.atomic
def add_member_institution(
    *, actor, consortium: Consortium, institution: Institution, joined_on: date | None = None
) -> ConsortiumMembership:
    if not can_manage_consortium(actor, consortium.id):
        raise PermissionDenied(
            "not_secretariat", _("Only this consortium's secretariat may change its member institutions.")
        )
    joined_on = joined_on or timezone.localdate()
    current = ConsortiumMembership.objects.filter(consortium=consortium, institution=institution, left_on__isnull=True)
    if current.exists():
        raise Conflict("already_member", _("The institution is already a member."), field="institution")
    return ConsortiumMembership.objects.create(consortium=consortium, institution=institution, joined_on=joined_on)


@transaction.atomic
def update_company(*, actor, company: Company, **fields) -> Company:
    if not can_manage_company(actor, company.id):
        raise PermissionDenied("not_company_admin", _("Only the company's admin may change it."))
    refuse_unknown_fields(fields, COMPANY_FIELDS)
    lock_current(company)
    for key, value in fields.items():
        setattr(company, key, value)
    full_clean_or_refuse(company)
    company.save(update_fields=list(fields))
    return company


def _scope_label(role_or_change) -> str:
    return str(role_or_change.institution or role_or_change.consortium or role_or_change.company or "")


def _record_role_change(role: Role, *, action: str, actor, via: str, reason: str = "") -> RoleChange:
    return RoleChange.objects.create(
        user=role.user,
        user_label=str(role.user)[:300],
        kind=role.kind,
        institution_id=role.institution_id,
        consortium_id=role.consortium_id,
        company_id=role.company_id,
        scope_label=_scope_label(role)[:300],
        action=action,
        actor=actor,
        via=via[:40],
        reason=reason[:500],
    )


def _require_actor_or_path(actor, via: str) -> None:
    """The system (actor None) acts only naming the path it takes: "seed", "sso", "registration", ..."""
    if actor is None and not via:
        raise ValueError("a role granted or revoked by the system names its path (via)")


@transaction.atomic
def grant_role(
    *, user: User, kind: str, institution=None, consortium=None, company=None, actor=None, via: str = ""
) -> Role:
    """Give a role. `actor` is the user who grants it, and the one table (consortia.grants) must allow it; None is
    the system itself (the demo seed, a first single sign-on, an approved registration), which names the path in
    `via`. A new role is recorded (RoleChange); granting a role the user already holds changes nothing."""
    _require_actor_or_path(actor, via)
    if scope_of(kind, institution=institution, consortium=consortium, company=company) is None:
        raise DomainError("invalid_scope", _("This role needs exactly its own kind of scope."), field="kind")
    if actor is not None and not may_grant(
        actor, kind, institution=institution, consortium=consortium, company=company
    ):
        raise PermissionDenied("may_not_grant", _("You may not grant this role here."))
    role, created = Role.objects.get_or_create(
        user=user, kind=kind, institution=institution, consortium=consortium, company=company
    )
    if created:
        _record_role_change(role, action=RoleChange.Action.GRANTED, actor=actor, via=via)
    forget_access(user)
    return role


@transaction.atomic
def revoke_role(*, actor, role: Role, reason: str = "", via: str = "") -> None:
    """Take a role away, by the same table as granting it (actor None: the system, naming its path in `via`).
    Refused: the last company admin of a company that has other users, and a person's revoking their own last
    administering role of a scope that nobody else administers. Recorded (RoleChange) with the reason."""
    _require_actor_or_path(actor, via)
    current = Role.objects.select_for_update().filter(pk=role.pk).select_related("user").first()
    if current is None:
        raise NotFound("role_not_found", _("No such role."))
    if actor is not None and not may_revoke(actor, current):
        raise PermissionDenied("may_not_revoke", _("You may not revoke this role."))
    if current.kind in ADMIN_KINDS:
        field, scope_id = SCOPE_OF[current.kind], current.institution_id or current.consortium_id or current.company_id
        in_scope = Role.objects.filter(**{f"{field}_id": scope_id})
        # Lock the scope's administering roles in one order, so that two admins revoking each other queue up.
        admins = list(
            in_scope.filter(kind=current.kind).select_for_update().order_by("id").values_list("id", flat=True)
        )
        last = admins == [current.pk]
        if last and current.kind == Role.Kind.COMPANY_ADMIN and in_scope.exclude(user_id=current.user_id).exists():
            raise Conflict(
                "last_company_admin",
                _("This is the company's last admin: make another user admin first."),
            )
        if last and actor is not None and actor.pk == current.user_id:
            raise Conflict("last_admin", _("You are the last administrator here: appoint another one first."))
    _record_role_change(current, action=RoleChange.Action.REVOKED, actor=actor, via=via, reason=reason)
    current.delete()
    forget_access(current.user)


@transaction.atomic
def accept_terms(*, user: User) -> User:
    """The person accepts the current terms of use and privacy notice (settings.TERMS_VERSION)."""
    lock_current(user)
    user.terms_version = settings.TERMS_VERSION
    user.terms_accepted_at = timezone.now()
    user.save(update_fields=["terms_version", "terms_accepted_at"])
    return user


# A person's own profile: their name, its reading (katakana; User.clean, which full_clean runs, turns hiragana and
# half-width katakana into it), their address, the language of their pages and e-mails, and which optional e-mails
# they receive (morning digests, reminders; changes to their bookings are always sent).
PROFILE_FIELDS = {
    "first_name",
    "last_name",
    "first_name_kana",
    "last_name_kana",
    "email",
    "language",
    "receives_digests",
    "receives_reminders",
}


@transaction.atomic
def update_profile(*, actor: User, **fields) -> User:
    refuse_unknown_fields(fields, PROFILE_FIELDS)
    lock_current(actor)
    if not fields:
        return actor
    for key, value in fields.items():
        setattr(actor, key, value)
    full_clean_or_refuse(actor, exclude=["password"])
    actor.save(update_fields=sorted(fields))
    refresh_search_text(users=[actor])  # their name is in their expert entry
    return actor


def ensure_site_admin(actor) -> None:
    if not getattr(actor, "is_superuser", False):
        raise PermissionDenied("not_site_admin", _("Only site operators may do this."))


@transaction.atomic
def create_consortium(*, actor, name: str, slug: str, **fields) -> Consortium:
    ensure_site_admin(actor)
    consortium = Consortium(name=name, slug=slug, **fields)
    full_clean_or_refuse(consortium)
    consortium.save()
    return consortium


@transaction.atomic
def create_institution(
    *, actor, name: str, kind: str, consortia: list[tuple[Consortium, date]] = (), **fields
) -> Institution:
    """Create an institution (site operator) and enrol it in consortia with the dates it joined."""
    ensure_site_admin(actor)
    institution = Institution(name=name, kind=kind, **fields)
    full_clean_or_refuse(institution)
    institution.save()
    for consortium, joined_on in consortia:
        ConsortiumMembership.objects.create(consortium=consortium, institution=institution, joined_on=joined_on)
    return institution


@transaction.atomic
def create_user(*, actor, username: str, password: str, **fields) -> User:
    ensure_site_admin(actor)
    user = User(username=username, **fields)
    user.set_password(password)
    full_clean_or_refuse(user)
    user.save()
    return user


# The paths by which the system itself (actor=None) creates a company: an approved company registration (利用登録,
# registrations.services.approve_registration). Every other company is created by a site operator.
COMPANY_CREATED_VIA = {"registration"}


@transaction.atomic
def create_company(*, actor, name: str, corporate_number: str, size: str, via: str = "", **fields) -> Company:
    """A company comes to be: created by a site operator (`actor`), or by the system (actor=None) for a path named
    in `via` (COMPANY_CREATED_VIA: a registration its consortium approved). A corporate number already registered
    is a 409 naming the field."""
    if actor is not None or via not in COMPANY_CREATED_VIA:
        ensure_site_admin(actor)
    if Company.objects.filter(corporate_number=corporate_number).exists():
        raise Conflict(
            "company_exists",
            _("A company with this corporate number is already registered."),
            field="corporate_number",
        )
    company = Company(name=name, corporate_number=corporate_number, size=size, **fields)
    full_clean_or_refuse(company)
    company.save()
    return company


@transaction.atomic
def update_institution_details(*, actor, institution: Institution, **fields) -> tuple[FeePolicy, BillingDetails]:
    """The institution's administrators set how it charges and is paid: the multipliers and staff rate of its fee
    policy, its registration number and usage-report deadline, its payment details and term, how long its
    quotations hold and whom companies ask. All or nothing: the first invalid field is a 400 naming it and nothing
    is stored. Bookings already approved keep their price; invoices already issued keep their due date."""
    if not may_administer_institution(actor, institution.id):
        raise PermissionDenied(
            "not_institution_admin",
            _("Only the institution's administrators may change its fees and billing details."),
        )
    refuse_unknown_fields(fields, INSTITUTION_DETAIL_FIELDS)
    institution = Institution.objects.select_for_update().get(pk=institution.pk)  # the caller's copy stays clean
    policy = FeePolicy.objects.filter(institution=institution).first() or FeePolicy(institution=institution)
    billing = billing_details_of(institution)
    for key, value in fields.items():
        if key in INSTITUTION_BILLING_FIELDS:
            setattr(institution, key, value)
        else:
            setattr(billing if key in BILLING_DETAIL_FIELDS else policy, key, value)
    touches_billing = bool(BILLING_DETAIL_FIELDS & set(fields))
    full_clean_or_refuse(institution)
    full_clean_or_refuse(policy, exclude=["institution"])
    if touches_billing:
        full_clean_or_refuse(billing, exclude=["institution"])
    institution.save(update_fields=sorted(INSTITUTION_BILLING_FIELDS & set(fields)))
    policy.save()
    if touches_billing:  # a fee-policy change writes no billing row: unsaved defaults stay unsaved
        billing.save()
    return policy, billing


def update_fee_policy(*, actor, institution: Institution, **fields) -> FeePolicy:
    """The API's fee-policy verb: `update_institution_details` with the fee fields (and the two institution fields
    the API has always taken beside them)."""
    refuse_unknown_fields(fields, FEE_POLICY_FIELDS | INSTITUTION_BILLING_FIELDS)
    policy, _billing = update_institution_details(actor=actor, institution=institution, **fields)
    return policy


# --- API tokens ------------------------------------------------------------------------------------------------
API_TOKENS_PER_USER = 100  # beyond this many live tokens, issuing one revokes the oldest
API_TOKEN_DEFAULT_NAME = "API"
API_TOKEN_USE_PRECISION = timedelta(minutes=1)  # last_used_at is written at most this often per token


@transaction.atomic
def issue_api_token(*, user: User, name: str = "") -> tuple[ApiToken, str]:
    """A new API key for the user, valid for API_TOKEN_TTL_DAYS. The key is returned here and never again (only
    its hash is kept). The user's expired tokens are deleted, and the oldest beyond API_TOKENS_PER_USER revoked.
    Whether the user is active is read from the row as it is now, not from the caller's copy."""
    if not getattr(user, "pk", None) or not lock_current(user).is_active:
        raise PermissionDenied("inactive_user", _("This user is inactive."))
    key = secrets.token_hex(20)  # 40 characters, as DRF's keys were
    now = timezone.now()
    token = ApiToken(
        user=user,
        name=name.strip() or API_TOKEN_DEFAULT_NAME,
        prefix=key[: ApiToken.PREFIX_LENGTH],
        key_hash=hash_api_key(key),
        created_at=now,
        expires_at=now + timedelta(days=settings.API_TOKEN_TTL_DAYS),
    )
    full_clean_or_refuse(token, exclude=["user", "key_hash"])
    ApiToken.objects.filter(user=user, expires_at__lte=now).delete()
    token.save()
    surplus = ApiToken.objects.filter(user=user).values_list("pk", flat=True)[API_TOKENS_PER_USER:]
    ApiToken.objects.filter(pk__in=list(surplus)).delete()
    return token, key


def record_api_token_use(*, token: ApiToken, at: datetime) -> None:
    """Note that a token was used: at most once per API_TOKEN_USE_PRECISION, so that reads stay reads."""
    if token.last_used_at is None or at - token.last_used_at >= API_TOKEN_USE_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=at)
        token.last_used_at = at


@transaction.atomic
def revoke_api_token(*, actor: User, token_id: int) -> None:
    """The actor revokes one of their own tokens; another's is as unknown as a missing one."""
    deleted, _rows = ApiToken.objects.filter(pk=token_id, user_id=getattr(actor, "pk", None)).delete()
    if not deleted:
        raise NotFound("token_not_found", _("No such token."))


@transaction.atomic
def revoke_api_tokens(*, user: User) -> int:
    """Revoke every API token of the user (their password changed: User.save). Returns how many there were."""
    deleted, _rows = ApiToken.objects.filter(user=user).delete()
    return deleted


# --- Deactivating an account -------------------------------------------------------------------------------------
def _remove_roles(*, actor, user: User) -> int:
    """Revoke every role of a closing account, each recorded (RoleChange). The table of who may revoke what does not
    apply: closing one's account ends one's roles whatever they are, so the system revokes them, naming the path
    and, in the reason, who closed the account (deactivate_user has refused stranding a company already)."""
    closer = "self" if actor.pk == user.pk else f"site operator {actor.username}"
    roles = list(Role.objects.filter(user=user).order_by("id"))
    for role in roles:
        revoke_role(actor=None, role=role, via="account_closed", reason=f"account closed by {closer}")
    return len(roles)


@transaction.atomic
def deactivate_user(*, actor, user: User) -> User:
    """Close an account (the person, or a site operator) and remove the personal data the law lets us remove.

    Kept, because others rely on them and the law keeps some for years (invoices seven: 電子帳簿保存法, インボイス
    制度): the user row itself (bookings, invoices, usage reports and consultations point at it), the username's
    row id, the language and the terms accepted. Removed: the names and their readings, the e-mail address (an
    unroutable placeholder instead), the username (a placeholder), allauth's e-mail addresses and two-factor
    authenticators, the password (unusable), every role, API token and session. Lists name the person "Former
    user" from then on (User.display_name). The bookings' calendar feed and the expert-directory entry belong to
    their apps: accounts.deactivation.deactivate_account calls this and those, and is what pages and the API use.
    """
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from allauth.usersessions.models import UserSession

    if not may_deactivate(actor, user):
        raise PermissionDenied("not_yours", _("Only the person themselves or a site operator may close an account."))
    user = User.objects.select_for_update().get(pk=user.pk)  # the caller's copy stays as it was
    if not user.is_active:
        raise Conflict("already_deactivated", _("This account is already closed."))
    stranded = companies_left_without_admin(user)
    if stranded:
        raise Conflict(
            "last_company_admin",
            _(
                "You are the only admin of %(companies)s, which has other members: make one of them an admin "
                "first, then close your account."
            )
            % {"companies": "、".join(company.name for company in stranded)},
        )
    _remove_roles(actor=actor, user=user)
    EmailAddress.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    for session in UserSession.objects.filter(user=user):
        session.end()
    user.first_name = user.last_name = user.first_name_kana = user.last_name_kana = ""
    user.username = f"deactivated-{user.pk}-{secrets.token_hex(4)}"  # a username may be a name or an address
    user.email = f"user-{user.pk}@{DEACTIVATED_EMAIL_DOMAIN}"
    user.receives_digests = user.receives_reminders = False
    user.is_active = user.is_staff = user.is_superuser = False
    user.set_unusable_password()
    user.save()
    revoke_api_tokens(user=user)
    refresh_search_text(users=[user])
    return user
