"""API authentication: `Authorization: Token <key>` against the project's own tokens (consortia.ApiToken), which
are stored hashed, expire and are revoked with a password change. The header is DRF's, unchanged."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from .language import use_language_of


class ApiTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key):
        from consortia import selectors, services  # the apps are loaded by the time a request comes

        token = selectors.api_token_for_key(key)
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        services.record_api_token_use(token=token, at=timezone.now())
        return token.user, token

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None:  # the answer's messages in the token owner's language (backend.language)
            use_language_of(request, result[0])
            from consortia import selectors

            if selectors.lacks_required_two_factor(result[0]):  # their role now needs two-factor (accounts/)
                raise selectors.mfa_required_refusal()
        return result
