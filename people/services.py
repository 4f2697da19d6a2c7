"""Invitations: offer a role by e-mail, send it again, revoke it, accept it (with an account made on the spot).

Who may invite whom is the table of consortia.grants, asked here when inviting, resending and revoking, and asked
again when the invitation is accepted: an inviter who lost the right meanwhile grants nothing. Acceptance grants
exactly the role and scope stored in the invitation, as granted by the inviter (via "invitation"); nothing the
accepting request carries can change them. The link carries the key; only its hash is stored.
"""

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.errors import Conflict, DomainError, NotFound, PermissionDenied, full_clean_or_refuse
from backend.language import language_of
from consortia.grants import may_grant, scope_of
from consortia.models import Role, User
from consortia.services import accept_terms, grant_role
from notifications.services import Address, notify

from .models import INVITATION_DAYS, Invitation, hash_invitation_key

GONE = 410  # the status of a link that was good once: used, revoked or expired


def _scope_kwargs(invitation) -> dict:
    return {
        "institution": invitation.institution,
        "consortium": invitation.consortium,
        "company": invitation.company,
    }


def _ids(invitation) -> dict:
    return {
        "institution": invitation.institution_id,
        "consortium": invitation.consortium_id,
        "company": invitation.company_id,
    }


def _normalised_email(email) -> str:
    email = email.strip().lower() if isinstance(email, str) else ""
    try:
        validate_email(email)
    except ValidationError:
        raise DomainError("invalid_email", _("Enter a valid e-mail address."), field="email") from None
    return email


def _send(invitation: Invitation, key: str, *, language: str) -> None:
    """The e-mail with the link, to the account of that address if there is one (in its language), else to the
    address in the inviter's page language."""
    account = User.objects.filter(email__iexact=invitation.email, is_active=True).order_by("id").first()
    recipient = account or Address(email=invitation.email, language=language)
    notify(
        key=f"invitation:{invitation.pk}:{invitation.key_hash[:16]}",
        recipient=recipient,
        template="people/email/invitation",
        context={
            "invitation": invitation,
            "inviter": invitation.invited_by.display_name if invitation.invited_by else "",
            "url": settings.SITE_URL.rstrip("/") + reverse("invitation", args=[key]),
            "days": INVITATION_DAYS,
        },
    )


def _new_key(invitation: Invitation) -> str:
    key = secrets.token_urlsafe(32)
    invitation.key_hash = hash_invitation_key(key)
    return key


@transaction.atomic
def invite(
    *, actor, email: str, kind: str, institution=None, consortium=None, company=None, language: str = ""
) -> tuple[Invitation, str]:
    """Invite `email` to role `kind` in the scope. Returns the invitation and its key (which is in the e-mail and
    stored nowhere). An expired invitation to the same role is renewed rather than duplicated."""
    scope = {"institution": institution, "consortium": consortium, "company": company}
    if scope_of(kind, **scope) is None:
        raise DomainError("invalid_scope", _("This role needs exactly its own kind of scope."), field="kind")
    if not may_grant(actor, kind, **scope):
        raise PermissionDenied("may_not_grant", _("You may not grant this role here."))
    email = _normalised_email(email)
    if Role.objects.filter(user__email__iexact=email, kind=kind, **scope).exists():
        raise Conflict("already_has_role", _("The person with this address already has this role."), field="email")
    field, scope_id = scope_of(kind, **scope)
    existing = (
        Invitation.objects.select_for_update()
        .filter(email=email, kind=kind, accepted_at__isnull=True, revoked_at__isnull=True, **{f"{field}_id": scope_id})
        .first()
    )
    if existing is not None and existing.is_pending():
        raise Conflict(
            "already_invited", _("This address has been invited to this role already: send it again."), field="email"
        )
    if existing is not None:
        return _renew(existing, actor=actor, language=language)
    now = timezone.now()
    invitation = Invitation(
        email=email,
        kind=kind,
        invited_by=actor,
        created_at=now,
        expires_at=now + timedelta(days=INVITATION_DAYS),
        **scope,
    )
    key = _new_key(invitation)
    invitation.save()
    _send(invitation, key, language=language or language_of(actor))
    return invitation, key


def _renew(invitation: Invitation, *, actor, language: str) -> tuple[Invitation, str]:
    key = _new_key(invitation)  # the old link stops working
    invitation.invited_by = actor
    invitation.created_at = timezone.now()
    invitation.expires_at = invitation.created_at + timedelta(days=INVITATION_DAYS)
    invitation.save(update_fields=["key_hash", "invited_by", "created_at", "expires_at"])
    _send(invitation, key, language=language or language_of(actor))
    return invitation, key


def _lock_open(invitation_id: int, actor) -> Invitation:
    invitation = Invitation.objects.select_for_update().filter(pk=invitation_id).first()
    if invitation is None or not may_grant(actor, invitation.kind, **_ids(invitation)):
        raise NotFound("invitation_not_found", _("No such invitation."))
    if not invitation.is_open:
        raise Conflict("invitation_closed", _("This invitation was accepted or revoked already."))
    return invitation


@transaction.atomic
def resend_invitation(*, actor, invitation: Invitation, language: str = "") -> tuple[Invitation, str]:
    """Send the invitation again with a new link and a new week to accept it; the old link stops working."""
    return _renew(_lock_open(invitation.pk, actor), actor=actor, language=language)


@transaction.atomic
def revoke_invitation(*, actor, invitation: Invitation) -> Invitation:
    invitation = _lock_open(invitation.pk, actor)
    invitation.revoked_at, invitation.revoked_by = timezone.now(), actor
    invitation.save(update_fields=["revoked_at", "revoked_by"])
    return invitation


def _lock_acceptable(key: str) -> Invitation:
    """The invitation the key names, locked, if it can still be accepted; else a refusal saying why."""
    invitation = Invitation.objects.select_for_update().filter(key_hash=hash_invitation_key(key or "")).first()
    if invitation is None:
        raise NotFound("invitation_not_found", _("This invitation link is not valid."))
    if invitation.accepted_at:
        raise DomainError("invitation_used", _("This invitation has been used already."), status=GONE)
    if invitation.revoked_at:
        raise DomainError("invitation_revoked", _("This invitation was withdrawn."), status=GONE)
    if invitation.expires_at <= timezone.now():
        raise DomainError("invitation_expired", _("This invitation has expired."), status=GONE)
    if not may_grant(invitation.invited_by, invitation.kind, **_ids(invitation)):
        raise DomainError(
            "inviter_may_no_longer_grant",
            _("The person who invited you may no longer grant this role. Ask them or their organisation again."),
            status=GONE,
        )
    return invitation


@transaction.atomic
def accept_invitation(*, key: str, user: User) -> Role:
    """The user accepts: they get exactly the role and scope of the invitation, granted by its inviter."""
    if user is None or not user.is_authenticated or not user.is_active:
        raise PermissionDenied("login_required", _("Log in first."))
    invitation = _lock_acceptable(key)
    role = grant_role(
        user=user, kind=invitation.kind, actor=invitation.invited_by, via="invitation", **_scope_kwargs(invitation)
    )
    invitation.accepted_at, invitation.accepted_by = timezone.now(), user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return role


ACCOUNT_FIELDS = ("last_name", "first_name", "last_name_kana", "first_name_kana", "language")


@transaction.atomic
def accept_invitation_with_new_account(*, key: str, password: str, accepts_terms: bool, **fields) -> User:
    """Someone without an account accepts: an account for the invited address is made (the link proves they read
    it, so the address is verified), the terms they ticked are recorded, and the role granted."""
    unknown = set(fields) - set(ACCOUNT_FIELDS)
    if unknown:
        raise DomainError("unknown_field", _("Unexpected input."), field=sorted(unknown)[0])
    invitation = _lock_acceptable(key)
    if not accepts_terms:
        raise DomainError("terms_required", _("Accept the terms of use and the privacy notice."), field="accepts_terms")
    email = invitation.email
    if User.objects.filter(email__iexact=email).exists() or User.objects.filter(username__iexact=email).exists():
        raise Conflict("account_exists", _("An account with this address exists already: log in to accept."))
    user = User(username=email, email=email, **fields)
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise DomainError("invalid_password", " ".join(error.messages), field="password") from None
    user.set_password(password)
    full_clean_or_refuse(user, exclude=["password"])
    user.save()
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    accept_terms(user=user)
    accept_invitation(key=key, user=user)
    return user
