"""Company registration (利用登録) with its approval, and requests to join a registered company."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistrationsConfig(AppConfig):
    name = "registrations"
    verbose_name = _("Company registrations")
