"""Who is who: the role look-ups every permission decision is made of.

Each returns a set of ids, computed once per request and cached on the user object, so a list
endpoint asks the database about roles once whatever its page size.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import F, QuerySet, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import (
    ApiToken,
    BillingDetails,
    Company,
    Consortium,
    ConsortiumMembership,
    FeePolicy,
    Institution,
    Role,
    User,
    hash_api_key,
)


@dataclass(frozen=True)
class Access:
    """The scopes a user acts in."""

    is_superuser: bool = False
    staff_of: frozenset[int] = field(default_factory=frozenset)  # institution ids
    administrator_of: frozenset[int] = field(default_factory=frozenset)  # institution ids
    researcher_of: frozenset[int] = field(default_factory=frozenset)  # institution ids
    secretariat_of: frozenset[int] = field(default_factory=frozenset)  # consortium ids
    coordinator_of: frozenset[int] = field(default_factory=frozenset)  # consortium ids
    member_of: frozenset[int] = field(default_factory=frozenset)  # company ids (members and admins)
    admin_of: frozenset[int] = field(default_factory=frozenset)  # company ids

    @property
    def is_company_user(self) -> bool:
        return bool(self.member_of)


ANONYMOUS = Access()


def has_any_role(access: Access) -> bool:
    """Whether the user holds any role at all (a person who just signed up holds none)."""
    return bool(
        access.staff_of
        or access.administrator_of
        or access.researcher_of
        or access.secretariat_of
        or access.coordinator_of
        or access.member_of
    )


def access_for(user) -> Access:
    """The user's roles, read once per user object."""
    if user is None or not user.is_authenticated:
        return ANONYMOUS
    cached = getattr(user, "_kyoyo_access", None)
    if cached is not None:
        return cached
    scopes: dict[str, set[int]] = {kind: set() for kind in Role.Kind.values}
    for kind, institution_id, consortium_id, company_id in Role.objects.filter(user=user).values_list(
        "kind", "institution_id", "consortium_id", "company_id"
    ):
        scopes[kind].add(institution_id or consortium_id or company_id)
    access = Access(
        is_superuser=user.is_superuser,
        staff_of=frozenset(scopes[Role.Kind.STAFF]),
        administrator_of=frozenset(scopes[Role.Kind.INSTITUTION_ADMIN]),
        researcher_of=frozenset(scopes[Role.Kind.RESEARCHER]),
        secretariat_of=frozenset(scopes[Role.Kind.SECRETARIAT]),
        coordinator_of=frozenset(scopes[Role.Kind.COORDINATOR]),
        member_of=frozenset(scopes[Role.Kind.COMPANY_MEMBER] | scopes[Role.Kind.COMPANY_ADMIN]),
        admin_of=frozenset(scopes[Role.Kind.COMPANY_ADMIN]),
    )
    user._kyoyo_access = access
    return access


def forget_access(user) -> None:
    """Drop the cached roles after they changed."""
    if hasattr(user, "_kyoyo_access"):
        del user._kyoyo_access


def active_memberships(on=None) -> QuerySet[ConsortiumMembership]:
    """Memberships in force on a date (today by default)."""
    day = on or timezone.localdate()
    return ConsortiumMembership.objects.filter(joined_on__lte=day).exclude(left_on__lt=day)


def consortium_list() -> QuerySet[Consortium]:
    return Consortium.objects.order_by("id")


def institution_list(*, consortium_id: int | None = None) -> QuerySet[Institution]:
    qs = Institution.objects.prefetch_related("consortia").order_by("id")
    if consortium_id is not None:
        qs = qs.filter(id__in=active_memberships().filter(consortium_id=consortium_id).values("institution_id"))
    return qs


def consortia_of(institution_id: int, on=None) -> QuerySet[Consortium]:
    """The consortia the institution is a member of on a day (today by default)."""
    return Consortium.objects.filter(
        id__in=active_memberships(on).filter(institution_id=institution_id).values("consortium_id")
    ).order_by("id")


def fellow_member_ids(institution_id: int, on=None) -> set[int]:
    """Institutions that share a consortium with this one on a day (itself included if it is a member):
    their researchers may use its instruments at the academic rate (相互活用)."""
    memberships = active_memberships(on)
    return set(
        memberships.filter(
            consortium_id__in=memberships.filter(institution_id=institution_id).values("consortium_id")
        ).values_list("institution_id", flat=True)
    )


def region_of(institution_id: int, on=None) -> set[str]:
    """The prefectures of every consortium the institution belongs to on a day (広域連携: their union)."""
    prefectures: set[str] = set()
    for listed in Consortium.objects.filter(
        id__in=active_memberships(on).filter(institution_id=institution_id).values("consortium_id")
    ).values_list("prefectures", flat=True):
        prefectures.update(listed or [])
    return prefectures


def institution_ids_of_consortia(consortium_ids) -> set[int]:
    return set(active_memberships().filter(consortium_id__in=consortium_ids).values_list("institution_id", flat=True))


def companies_visible_to(user) -> QuerySet[Company]:
    """Companies are private: a user sees the companies they belong to; site admins see all."""
    access = access_for(user)
    if access.is_superuser:
        return Company.objects.order_by("id")
    return Company.objects.filter(id__in=access.member_of).order_by("id")


def can_manage_institution(user, institution_id: int) -> bool:
    """Institution staff (and site admins) manage that institution's instruments."""
    access = access_for(user)
    return access.is_superuser or institution_id in access.staff_of


def institutions_managed_by(user) -> QuerySet[Institution]:
    """The institutions whose instruments the user may change: their own as staff, all for site admins."""
    access = access_for(user)
    qs = Institution.objects.order_by("id")
    return qs if access.is_superuser else qs.filter(id__in=access.staff_of)


def may_administer_institution(user, institution_id: int) -> bool:
    """The institution's administrators (and site admins) keep its fee policy, payment details, payment term,
    quotation validity and billing contact: what its quotations and invoices tell a company to pay, and where."""
    access = access_for(user)
    return access.is_superuser or institution_id in access.administrator_of


def institutions_administered_by(user) -> QuerySet[Institution]:
    access = access_for(user)
    qs = Institution.objects.order_by("id")
    return qs if access.is_superuser else qs.filter(id__in=access.administrator_of)


def can_manage_consortium(user, consortium_id: int) -> bool:
    access = access_for(user)
    return access.is_superuser or consortium_id in access.secretariat_of


def can_manage_company(user, company_id: int) -> bool:
    access = access_for(user)
    return access.is_superuser or company_id in access.admin_of


def users_with_role(kind: str, *, institution_id: int | None = None, consortium_id: int | None = None):
    """Active users holding a role of `kind` on one institution or consortium (e.g. whom to e-mail)."""
    scope = {"roles__institution_id": institution_id} if institution_id else {"roles__consortium_id": consortium_id}
    return User.objects.filter(is_active=True, roles__kind=kind, **scope).distinct().order_by("id")


def acting_company(actor, company_id: int | None) -> Company | None:
    """The company a user acts for: the one named (which must be theirs), their only one, or None for a
    user of no company. A user of several companies must name one."""
    from backend.errors import DomainError, PermissionDenied

    access = access_for(actor)
    if company_id is not None:
        if company_id not in access.member_of:
            raise PermissionDenied("not_company_member", _("You are not a member of this company."))
        return Company.objects.get(pk=company_id)
    if len(access.member_of) == 1:
        return Company.objects.get(pk=next(iter(access.member_of)))
    if access.member_of:
        raise DomainError("company_required", _("Choose the company you act for."), field="company")
    return None


def api_tokens_of(user) -> QuerySet[ApiToken]:
    """The user's API tokens still in force, newest first."""
    return ApiToken.objects.filter(user_id=user.pk, expires_at__gt=timezone.now()).order_by("-created_at", "-id")


def api_token_for_key(key: str) -> ApiToken | None:
    """The live token a presented key names, with its user; None for an unknown, revoked or expired key."""
    return (
        ApiToken.objects.select_related("user")
        .filter(key_hash=hash_api_key(key), expires_at__gt=timezone.now())
        .first()
    )


# --- What other apps' pages, forms and APIs read of consortia (they do not query its models themselves) -----------
def institution_choices() -> QuerySet[Institution]:
    """Every institution, for an input that names one by id (a form field's or serializer field's lookup)."""
    return Institution.objects.all()


def institutions_with_ids(ids) -> QuerySet[Institution]:
    """The institutions with these ids (e.g. `Access.staff_of`), by id."""
    return Institution.objects.filter(id__in=ids).order_by("id")


def companies_with_ids(ids) -> QuerySet[Company]:
    """The companies with these ids (e.g. `Access.member_of`), by name: whom a user may act for."""
    return Company.objects.filter(id__in=ids).order_by("name")


def billing_details_of(institution) -> BillingDetails:
    """The institution's billing details as they are now, or the defaults (翌月末, quotations valid 30 days, no
    payment details) while it has saved none. Unsaved defaults are not written."""
    found = BillingDetails.objects.filter(institution_id=institution.pk).first()
    return found or BillingDetails(institution=institution)


def fee_policy_of(institution_id: int) -> FeePolicy | None:
    """The institution's fee policy, None while it has not set one."""
    return FeePolicy.objects.filter(institution_id=institution_id).first()


def by_reading(prefix: str = "") -> list:
    """order_by() arguments that list people by the reading of their name (フリガナ), family name first, falling
    back to the name as written and then the username: `User.objects.order_by(*by_reading())`, or with
    `prefix="requester__"` for rows that point at a person."""

    def reading(kana: str, name: str):
        return Coalesce(NullIf(F(f"{prefix}{kana}"), Value("")), NullIf(F(f"{prefix}{name}"), Value("")))

    return [
        reading("last_name_kana", "last_name").asc(nulls_last=True),
        reading("first_name_kana", "first_name").asc(nulls_last=True),
        F(f"{prefix}username").asc(),
    ]


def has_verified_email(user) -> bool:
    """Whether the person proved they read their e-mail address: a verified address of theirs (django-allauth's
    record, written by sign-up's link, an accepted invitation or single sign-on). Accounts made without the front
    door (the admin, the demo seed) have no such record and count as verified; an address added by sign-up counts
    once its link was followed."""
    from allauth.account.models import EmailAddress

    addresses = list(EmailAddress.objects.filter(user_id=user.pk).values_list("verified", flat=True))
    return not addresses or any(addresses)


def has_accepted_terms(user) -> bool:
    """Whether the person accepted the terms of use and privacy notice now in force."""
    return user.terms_version == settings.TERMS_VERSION


def roles_of(user) -> QuerySet[Role]:
    """Every role the person holds, with its scope (the account page, the personal-data download)."""
    return Role.objects.filter(user_id=user.pk).select_related("institution", "consortium", "company").order_by("id")


def two_factor_required(user) -> bool:
    """Whether the person's roles call for two-factor authentication before they act: staff and administrators of
    an institution, secretariats, coordinators and superusers (settings.MFA_WAIVED waives it, for the demo only)."""
    if settings.MFA_WAIVED or user is None or not user.is_authenticated:
        return False
    access = access_for(user)
    return bool(
        access.is_superuser
        or access.staff_of
        or access.administrator_of
        or access.secretariat_of
        or access.coordinator_of
    )


def may_deactivate(actor, user: User) -> bool:
    """The person themselves, or a site operator."""
    return bool(getattr(actor, "is_authenticated", False)) and (actor.pk == user.pk or actor.is_superuser)


def companies_left_without_admin(user: User) -> list[Company]:
    """The companies of which the user is the last admin while other people still belong to them: they hand over
    (make another member admin) before they leave."""
    stranded = []
    for role in Role.objects.filter(user=user, kind=Role.Kind.COMPANY_ADMIN).select_related("company"):
        others = Role.objects.filter(company=role.company_id, user__is_active=True).exclude(user=user)
        if others.exists() and not others.filter(kind=Role.Kind.COMPANY_ADMIN).exists():
            stranded.append(role.company)
    return stranded


def has_two_factor(user) -> bool:
    """Whether the person has an authenticator app set up (allauth.mfa's TOTP authenticator)."""
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user_id=user.pk, type=Authenticator.Type.TOTP).exists()


def lacks_required_two_factor(user) -> bool:
    """Two-factor authentication is required of this person and they have not set it up: they may not act yet."""
    return two_factor_required(user) and not has_two_factor(user)


def mfa_required_refusal():
    """The refusal (403 `mfa_required`) of a person who `lacks_required_two_factor`: API token, API calls."""
    from backend.errors import PermissionDenied

    return PermissionDenied(
        "mfa_required",
        _("Your role requires two-factor authentication: set up an authenticator app on the site first."),
    )
