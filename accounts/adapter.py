"""django-allauth, the product's way: its e-mails in the recipient's language and the product's wording, the pages'
language restored at login, and one lockout counter per account for the web login and the API token alike.

Lockout: allauth's rate limit `login_failed` (settings.ACCOUNT_RATE_LIMITS) counts failures per client address and
per key. Its key is what was typed, so `tanaka` and `tanaka@example.jp` would be two counters; here the key is the
account's id whenever the typed name or address belongs to an account (else the typed text, normalised, so that
guessing at a name that has no account is refused alike and reveals nothing). consortia.api's token view
authenticates through this adapter too, so ten wrong passwords in either place lock the account.
"""

import logging

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from backend.addresses import client_address
from backend.language import language_of
from backend.throttling import account_key
from consortia import selectors as consortia_selectors

from .context import UNVERIFIED

logger = logging.getLogger("kyoyo.accounts")


def user_for_login(typed) -> object | None:
    """The account a typed username or e-mail address names, if any."""
    key = account_key(typed)
    if key is None:
        return None
    User = get_user_model()
    return (
        User.objects.filter(Q(username__iexact=typed.strip()) | Q(email__iexact=typed.strip())).order_by("pk").first()
    )


def lockout_message() -> str:
    minutes = settings.LOGIN_LOCKOUT_MINUTES
    return ngettext(
        "Too many failed logins: this account is locked for %(minutes)d minute. Try again later, or reset your "
        "password by e-mail.",
        "Too many failed logins: this account is locked for %(minutes)d minutes. Try again later, or reset your "
        "password by e-mail.",
        minutes,
    ) % {"minutes": minutes}


class AccountAdapter(DefaultAccountAdapter):
    def validation_error(self, code, *args):
        if code == "too_many_login_attempts":  # say that the account is locked, and for how long
            return ValidationError(lockout_message(), code=code)
        return super().validation_error(code, *args)

    # --- Lockout -----------------------------------------------------------------------------------------------
    def get_client_ip(self, request) -> str:
        return client_address(request)  # X-Forwarded-For only as far as our proxies vouch for it

    def _get_login_attempts_cache_key(self, request, **credentials) -> str:
        typed = credentials.get("email", credentials.get("username", ""))
        user = user_for_login(typed)
        return f"user:{user.pk}" if user is not None else f"typed:{account_key(typed) or ''}"

    def pre_authenticate(self, request, **credentials) -> None:
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError:
            logger.warning(
                "Login refused: too many failed logins for %s from %s",
                self._get_login_attempts_cache_key(request, **credentials),
                self.get_client_ip(request),
            )
            raise

    # --- Language ----------------------------------------------------------------------------------------------
    def post_login(self, request, user, **kwargs):
        """After logging in, the pages speak the user's own language (their setting, kept in the cookie too)."""
        response = super().post_login(request, user, **kwargs)
        if not consortia_selectors.has_verified_email(user):
            request.session[UNVERIFIED] = True  # the banner of every page (accounts.context)
        language = language_of(user)
        translation.activate(language)
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME, language, max_age=settings.LANGUAGE_COOKIE_AGE, samesite="Lax"
        )
        return response

    # --- E-mails -----------------------------------------------------------------------------------------------
    def format_email_subject(self, subject: str) -> str:
        return _("[Kyoyo] %(subject)s") % {"subject": subject}

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Each e-mail in its recipient's language (their setting; for an address without an account, the page's),
        greeting them by name in the product's wording (accounts/templates/account/email/)."""
        recipient = context.get("user") or user_for_login(email)
        language = language_of(recipient) if recipient is not None else translation.get_language()
        with translation.override(language):
            super().send_mail(
                template_prefix,
                email,
                {
                    **context,
                    "recipient": recipient,
                    "site_url": settings.SITE_URL,
                    "expire_days": settings.ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS,
                },
            )
