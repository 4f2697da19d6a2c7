"""学認 (GakuNin): which institution a scope of eduPersonScopedAffiliation names, and which person an
eduPersonPrincipalName is."""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from consortia.models import Institution

# A scope is a DNS domain (example-u.ac.jp), stored in lower case (SAML scopes compare case-insensitively).
validate_scope = RegexValidator(
    r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$",
    _("Enter a domain name in lower case, such as example-u.ac.jp."),
)


class InstitutionScope(models.Model):
    """A scope of 学認 attributes (the part after @ of member@example-u.ac.jp) that names an institution. Kept by
    the site operator in the admin; an institution may have several (a university and its hospital)."""

    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="sso_scopes", verbose_name=_("institution")
    )
    scope = models.CharField(_("scope"), max_length=253, unique=True, validators=[validate_scope])

    class Meta:
        ordering = ["scope"]
        verbose_name = _("institution scope (GakuNin)")
        verbose_name_plural = _("institution scopes (GakuNin)")

    def __str__(self):
        return self.scope

    def clean_fields(self, exclude=None):
        self.scope = (self.scope or "").strip().lower()  # before the validator, as the admin's form runs them
        super().clean_fields(exclude=exclude)

    def save(self, *args, **kwargs):
        self.scope = self.scope.strip().lower()
        super().save(*args, **kwargs)


class SsoIdentity(models.Model):
    """The 学認 identity (eduPersonPrincipalName) a user logs in with: one per user, one user per identity."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sso_identity", verbose_name=_("user")
    )
    eppn = models.CharField(_("eduPersonPrincipalName"), max_length=255, unique=True)
    idp_entity_id = models.CharField(_("identity provider"), max_length=1024)
    first_login_at = models.DateTimeField(_("first login"), null=True, blank=True)
    last_login_at = models.DateTimeField(_("last login"), null=True, blank=True)
    linked_at = models.DateTimeField(_("linked"), auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("GakuNin identity")
        verbose_name_plural = _("GakuNin identities")

    def __str__(self):
        return self.eppn
