"""学認 (GakuNin) single sign-on: a SAML 2.0 service provider (djangosaml2), off unless configured."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SsoConfig(AppConfig):
    name = "sso"
    verbose_name = _("Single sign-on")

    def ready(self):
        from . import checks  # noqa: F401 (registers the configuration check)
