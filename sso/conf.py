"""The SAML service provider's configuration, built from settings.KYOYO_SAML (the KYOYO_SAML_* variables).

djangosaml2 asks for it through settings.SAML_CONFIG_LOADER (`config_loader`). Loading it reads the identity
providers' metadata — GakuNin's federation metadata is several megabytes, fetched and its signature checked — so one
loaded configuration serves every request of a process until it is KYOYO_SAML_METADATA_REFRESH seconds old.
Nothing here imports pysaml2 until a configuration is loaded, i.e. until single sign-on is used.
"""

import threading
import time

from django.conf import settings

# The SAML names this module writes, spelled out so that building the dictionary needs no pysaml2 import.
BINDING_HTTP_POST = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"
BINDING_HTTP_REDIRECT = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
NAMEID_FORMAT_TRANSIENT = "urn:oasis:names:tc:SAML:2.0:nameid-format:transient"
ATTRNAME_FORMAT_URI = "urn:oasis:names:tc:SAML:2.0:attrname-format:uri"


def saml_config(values: dict | None = None) -> dict:
    """pysaml2's SP configuration (the dictionary djangosaml2 calls SAML_CONFIG) from KYOYO_SAML."""
    from .rules import OIDS, OPTIONAL, REQUIRED

    values = values if values is not None else settings.KYOYO_SAML
    base = values["base_url"].rstrip("/")
    metadata_cert = values.get("metadata_cert") or None
    if values.get("idp_metadata_url"):
        metadata = {"remote": [{"url": values["idp_metadata_url"], "cert": metadata_cert}]}
    elif metadata_cert:
        metadata = [{"class": "saml2.mdstore.MetaDataFile", "metadata": [(values["idp_metadata_file"], metadata_cert)]}]
    else:
        metadata = {"local": [values["idp_metadata_file"]]}
    config = {
        "entityid": values["entity_id"],
        "xmlsec_binary": values.get("xmlsec_binary") or None,
        "key_file": values["sp_key_file"],
        "cert_file": values["sp_cert_file"],
        # The same pair decrypts encrypted assertions (GakuNin's IdPs encrypt them for the SP's certificate).
        "encryption_keypairs": [{"key_file": values["sp_key_file"], "cert_file": values["sp_cert_file"]}],
        "metadata": metadata,
        "allow_unknown_attributes": True,  # GakuNin's ja* attributes arrive by their urn:oid names (sso.rules)
        "accepted_time_diff": values.get("accepted_time_diff", 60),
        "service": {
            "sp": {
                "name": values.get("name") or "Kyoyo",
                "endpoints": {
                    "assertion_consumer_service": [(f"{base}/saml2/acs/", BINDING_HTTP_POST)],
                    "single_logout_service": [
                        (f"{base}/saml2/ls/", BINDING_HTTP_REDIRECT),
                        (f"{base}/saml2/ls/post/", BINDING_HTTP_POST),
                    ],
                },
                "name_id_format": [NAMEID_FORMAT_TRANSIENT],
                "want_response_signed": True,
                "want_assertions_signed": True,
                "want_assertions_or_response_signed": True,
                "allow_unsolicited": False,
                "authn_requests_signed": False,
                "logout_requests_signed": True,
                # pysaml2 writes the attributes it knows under their urn:oid names; GakuNin's own go by theirs.
                "required_attributes": [OIDS[name] if name.startswith("ja") else name for name in REQUIRED],
                "optional_attributes": [OIDS[name] if name.startswith("ja") else name for name in OPTIONAL],
            }
        },
    }
    if values.get("contact_email"):
        config["contact_person"] = [{"contact_type": "technical", "email_address": values["contact_email"]}]
    return config


_lock = threading.Lock()
_loaded: dict = {}  # {"key": the configuration it was loaded from, "config": SPConfig, "at": monotonic seconds}


def config_loader(request=None):
    """The loaded SPConfig, shared by the process until its metadata is due for a refresh or the settings change."""
    from saml2.config import SPConfig

    wanted = saml_config()
    key = repr(wanted)
    refresh = settings.KYOYO_SAML.get("metadata_refresh", 3600)
    with _lock:
        if _loaded.get("key") != key or time.monotonic() - _loaded["at"] > refresh:
            config = SPConfig()
            config.load(wanted)
            _loaded.update(key=key, config=config, at=time.monotonic())
        return _loaded["config"]


def forget_loaded_config() -> None:
    with _lock:
        _loaded.clear()
