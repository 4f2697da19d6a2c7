"""Every change single sign-on makes: a person signing in with 学認 (GakuNin), linking it to an account, unlinking.

The SAML side (signatures, lifetimes, the request a response answers) is pysaml2's and has been checked before
these are called; they decide what the verified assertion means for the product.
"""

from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.errors import Conflict, DomainError, PermissionDenied
from backend.plumbing import lock_current
from consortia.models import Role, User
from consortia.services import grant_role
from consortia.validators import validate_name

from . import selectors
from .models import SsoIdentity
from .rules import Assertion


def sign_in(*, assertion: Assertion, idp: str, language: str = "ja") -> User:
    """The user an assertion names: found by its eppn (name and e-mail refreshed), or, at a first login from a
    scope of a current member institution, created as a researcher of that institution. Refuses with a code the
    page explains: deactivated, not_member_affiliation, institution_not_member, no_email, email_in_use."""
    try:
        with transaction.atomic():
            return _sign_in(assertion, idp, language)
    except IntegrityError:
        # Two first logins of one person at once: the other created the identity; this one finds it.
        with transaction.atomic():
            return _sign_in(assertion, idp, language)


def _sign_in(assertion: Assertion, idp: str, language: str) -> User:
    now = timezone.now()
    identity = SsoIdentity.objects.select_for_update().select_related("user").filter(eppn=assertion.eppn).first()
    if identity is not None:
        user = identity.user
        if not user.is_active:
            raise PermissionDenied("deactivated", _("This account has been deactivated."))
        _refresh_person(user, assertion)
        identity.idp_entity_id = idp
        identity.last_login_at = now
        identity.save(update_fields=["idp_entity_id", "last_login_at"])
        return user
    institution = selectors.member_institution_for(assertion.member_scopes)
    if institution is None:
        _refuse_unknown(assertion)
    if not assertion.email:
        raise DomainError("no_email", _("Your institution did not send your e-mail address."), status=403)
    if EmailAddress.objects.filter(email__iexact=assertion.email).exists() or (
        User.objects.filter(email__iexact=assertion.email).exists()
    ):
        raise Conflict(
            "email_in_use",
            _(
                "An account with your e-mail address exists already. Log in with its password and link GakuNin on "
                "your account page."
            ),
        )
    user = User(username=_free_username(assertion.eppn), email=assertion.email, language=language, **_names(assertion))
    user.set_unusable_password()
    user.save()
    EmailAddress.objects.create(user=user, email=assertion.email, verified=True, primary=True)
    grant_role(user=user, kind=Role.Kind.RESEARCHER, institution=institution, actor=None, via="sso")
    SsoIdentity.objects.create(user=user, eppn=assertion.eppn, idp_entity_id=idp, first_login_at=now, last_login_at=now)
    return user


def _refuse_unknown(assertion: Assertion):
    """No current member institution names the person as one of its own: say which of the two it is."""
    if assertion.scopes and not assertion.member_scopes:
        raise PermissionDenied(
            "not_member_affiliation",
            _("Only faculty, staff and students of a member institution can sign in with GakuNin."),
        )
    raise PermissionDenied("institution_not_member", _("Your institution is not a member of any consortium."))


def _names(assertion: Assertion) -> dict:
    """The person's names as the identity provider sent them; a value a name may not hold is left out."""
    last, first = assertion.last_name, assertion.first_name
    if not (last or first):
        last = assertion.display_name  # one name only: kept whole, as the family name field shows first
    names = {}
    for field, value in (("last_name", last), ("first_name", first)):
        try:
            validate_name(value)
        except ValidationError:
            continue
        if value:
            names[field] = value
    return names


def _free_username(eppn: str) -> str:
    base = eppn.lower()[:140]
    candidate, n = base, 1
    while User.objects.filter(username=candidate).exists():
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def _refresh_person(user: User, assertion: Assertion) -> None:
    """A later login brings the name and e-mail address the institution has now."""
    changed = [field for field, value in _names(assertion).items() if getattr(user, field) != value]
    for field in changed:
        setattr(user, field, _names(assertion)[field])
    email = assertion.email
    if email and email.lower() != user.email.lower():
        taken = EmailAddress.objects.filter(email__iexact=email).exclude(user=user).exists()
        if not taken:
            EmailAddress.objects.filter(user=user, primary=True).update(primary=False)
            address, _created = EmailAddress.objects.get_or_create(user=user, email=email)
            address.verified, address.primary = True, True
            address.save(update_fields=["verified", "primary"])
            user.email = email
            changed.append("email")
    if changed:
        user.save(update_fields=changed)


@transaction.atomic
def link_identity(*, user: User, assertion: Assertion, idp: str) -> SsoIdentity:
    """Attach a 学認 identity to a user who is logged in with their password. Refused when the identity belongs
    to someone else or the user has another one already."""
    lock_current(user)
    if not user.is_active:
        raise PermissionDenied("deactivated", _("This account has been deactivated."))
    existing = SsoIdentity.objects.select_for_update().filter(eppn=assertion.eppn).first()
    if existing is not None and existing.user_id != user.pk:
        raise Conflict("linked_to_another", _("This GakuNin identity is linked to another account."))
    if existing is not None:
        return existing
    if SsoIdentity.objects.filter(user=user).exists():
        raise Conflict("already_linked", _("Your account is linked to another GakuNin identity. Unlink it first."))
    return SsoIdentity.objects.create(user=user, eppn=assertion.eppn, idp_entity_id=idp)


@transaction.atomic
def unlink_identity(*, user: User) -> None:
    """Detach the user's 学認 identity; refused when it is their only way in (no password)."""
    lock_current(user)
    identity = SsoIdentity.objects.select_for_update().filter(user=user).first()
    if identity is None:
        raise DomainError("not_linked", _("Your account is not linked to GakuNin."), status=404)
    if not user.has_usable_password():
        raise DomainError(
            "only_way_in",
            _("GakuNin is the only way into your account: set a password first, then unlink it."),
            status=409,
        )
    identity.delete()
