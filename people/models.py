"""Invitations: a role offered by e-mail to a person, granted when they follow the link and accept."""

import hashlib
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consortia.models import Company, Consortium, Institution, Role

INVITATION_DAYS = 7


def hash_invitation_key(key: str) -> str:
    """What is stored of an invitation's key: its SHA-256 (the key is random and long; the link carries it)."""
    return hashlib.sha256(key.encode()).hexdigest()


def scope_name(scope) -> str:
    """A company's name, or an institution's or consortium's in the page's language."""
    return getattr(scope, "localized_name", None) or scope.name


def default_expiry():
    return timezone.now() + timedelta(days=INVITATION_DAYS)


class Invitation(models.Model):
    """One role (kind and scope, as Role has them) offered to an e-mail address by someone the table of
    consortia.grants lets grant it. Open until accepted, revoked or expired; at most one open invitation per
    address, role and scope (the database says so). Kept after it closes, as the record of who invited whom."""

    email = models.EmailField(_("e-mail address"))
    kind = models.CharField(_("role"), max_length=20, choices=Role.Kind.choices)
    institution = models.ForeignKey(Institution, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    consortium = models.ForeignKey(Consortium, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    company = models.ForeignKey(Company, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("invited by")
    )
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("invited at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"), default=default_expiry)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.UniqueConstraint(
                fields=["email", "kind", scope],
                condition=Q(**{f"{scope}__isnull": False}, accepted_at__isnull=True, revoked_at__isnull=True),
                name=f"invitation_open_once_{scope}",
            )
            for scope in ("institution", "consortium", "company")
        ]

    def __str__(self):
        return f"{self.email} — {self.get_kind_display()} @ {self.scope}"

    @property
    def scope(self):
        return self.institution or self.consortium or self.company

    @property
    def scope_name(self) -> str:
        return scope_name(self.scope)

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None

    def is_pending(self, now=None) -> bool:
        return self.is_open and self.expires_at > (now or timezone.now())
