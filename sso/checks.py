"""The system check that refuses an enabled but incomplete single sign-on configuration (`manage.py check`,
runserver and migrate run it), naming the variable to set."""

import os
import shutil

from django.conf import settings
from django.core.checks import Error, Warning, register

REQUIRED = {
    "base_url": "KYOYO_SAML_BASE_URL",
    "entity_id": "KYOYO_SAML_ENTITY_ID",
    "sp_key_file": "KYOYO_SAML_SP_KEY_FILE",
    "sp_cert_file": "KYOYO_SAML_SP_CERT_FILE",
}
FILES = {
    "sp_key_file": "KYOYO_SAML_SP_KEY_FILE",
    "sp_cert_file": "KYOYO_SAML_SP_CERT_FILE",
    "idp_metadata_file": "KYOYO_SAML_IDP_METADATA_FILE",
    "metadata_cert": "KYOYO_SAML_METADATA_CERT",
}


def xmlsec_binary(values: dict) -> str | None:
    """The xmlsec1 that checks signatures: the configured path, else xmlsec1 on the PATH; None if there is none."""
    configured = values.get("xmlsec_binary")
    if configured:
        return configured if os.access(configured, os.X_OK) else None
    return shutil.which("xmlsec1")


@register()
def saml_configuration(app_configs=None, **kwargs) -> list:
    if not getattr(settings, "SAML_ENABLED", False):
        return []
    values = settings.KYOYO_SAML
    hint = "See docs/accounts-sso.md."
    problems = [
        Error(f"KYOYO_SAML_ENABLED is on but {variable} is not set.", hint=hint, id="sso.E001")
        for key, variable in REQUIRED.items()
        if not values.get(key)
    ]
    if not (values.get("idp_metadata_file") or values.get("idp_metadata_url")):
        problems.append(
            Error(
                "KYOYO_SAML_ENABLED is on but neither KYOYO_SAML_IDP_METADATA_FILE nor KYOYO_SAML_IDP_METADATA_URL "
                "is set.",
                hint=hint,
                id="sso.E002",
            )
        )
    problems += [
        Error(f"{variable} names {values[key]!r}, which cannot be read.", hint=hint, id="sso.E003")
        for key, variable in FILES.items()
        if values.get(key) and not os.access(values[key], os.R_OK)
    ]
    if values.get("idp_metadata_url") and not values.get("metadata_cert"):
        problems.append(
            Error(
                "KYOYO_SAML_IDP_METADATA_URL is set but KYOYO_SAML_METADATA_CERT is not: metadata fetched from a URL "
                "must have its signature checked with the federation's certificate.",
                hint=hint,
                id="sso.E004",
            )
        )
    if xmlsec_binary(values) is None:
        problems.append(
            Error(
                "xmlsec1, which checks the signatures of SAML assertions, was not found: install it (Debian: apt-get "
                "install xmlsec1) or set KYOYO_SAML_XMLSEC_BINARY to its path.",
                id="sso.E005",
            )
        )
    if values.get("base_url") and not values["base_url"].startswith("https://") and not settings.DEBUG:
        problems.append(Warning("KYOYO_SAML_BASE_URL should be an https:// address.", id="sso.W001"))
    return problems
