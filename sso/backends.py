"""The authentication backend of 学認 single sign-on (in AUTHENTICATION_BACKENDS when KYOYO_SAML_ENABLED)."""

from django.contrib.auth.backends import ModelBackend
from django.utils.translation import gettext as _

from backend.errors import DomainError

from . import services
from .rules import read_assertion


class SsoBackend(ModelBackend):
    """Authenticates the person of an assertion pysaml2 has verified (signature, lifetime, audience, the request
    it answers). A refusal is kept on the request (`sso_refusal`) for the page that explains it."""

    # Only keyword arguments of djangosaml2's ACS: a password log in never reaches this backend.
    def authenticate(
        self, request, session_info=None, attribute_mapping=None, create_unknown_user=None, assertion_info=None
    ):
        if session_info is None:
            return None
        assertion = read_assertion(session_info.get("ava") or {})
        if assertion is None:
            refuse(request, DomainError("no_identity", _("Your institution did not send who you are."), status=403))
            return None
        language = getattr(request, "LANGUAGE_CODE", "ja")
        language = language if language in ("ja", "en") else "ja"
        try:
            user = services.sign_in(assertion=assertion, idp=str(session_info.get("issuer") or ""), language=language)
        except DomainError as exc:
            refuse(request, exc)
            return None
        return user if self.user_can_authenticate(user) else None


def refuse(request, exc: DomainError) -> None:
    if request is not None:
        request.sso_refusal = exc
