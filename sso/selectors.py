"""Reads of 学認 (GakuNin) single sign-on: whether it is on, whose identity an eppn is, which institution a scope
names."""

from django.conf import settings

from consortia.models import Institution, User
from consortia.selectors import active_memberships

from .models import InstitutionScope, SsoIdentity


def is_enabled() -> bool:
    """Whether single sign-on is configured and on (KYOYO_SAML_ENABLED); off, its pages answer 404."""
    return bool(getattr(settings, "SAML_ENABLED", False))


def identity_of(user) -> SsoIdentity | None:
    if user is None or not user.is_authenticated:
        return None
    return SsoIdentity.objects.filter(user_id=user.pk).first()


def identity_by_eppn(eppn: str) -> SsoIdentity | None:
    return SsoIdentity.objects.select_related("user").filter(eppn=eppn).first()


def member_institution_for(scopes) -> Institution | None:
    """The first institution, in the order of the scopes, that one of them names and that is a current member of
    some consortium; None if there is none."""
    scopes = list(scopes)
    named = dict(
        InstitutionScope.objects.filter(
            scope__in=scopes,
            institution_id__in=active_memberships().values("institution_id"),
        ).values_list("scope", "institution_id")
    )
    for scope in scopes:
        if scope in named:
            return Institution.objects.get(pk=named[scope])
    return None


def active_user(user_id) -> User | None:
    """The user of an id, if their account is active (a link started before a deactivation does not finish)."""
    return User.objects.filter(pk=user_id, is_active=True).first()
