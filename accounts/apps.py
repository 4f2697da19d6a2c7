"""Sign-up, e-mail verification, log in with two-factor authentication and rate limits (django-allauth), the terms of use, and each user's account page."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from . import checks  # noqa: F401  (registers the deploy check)
