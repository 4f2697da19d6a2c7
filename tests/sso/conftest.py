"""Single sign-on switched on for a test: throw-away keys, a loopback identity provider (tests/sso/idp.py) and the
service provider's settings pointing at them. Skipped, with the reason printed, where xmlsec1 is missing."""

from datetime import date
from types import SimpleNamespace

import pytest

from consortia.models import ConsortiumMembership
from sso.models import InstitutionScope
from tests.factories import ConsortiumFactory, InstitutionFactory

from .idp import SP_BASE_URL, XMLSEC, LoopbackIdp, write_metadata

NO_XMLSEC = "xmlsec1 is not installed (Debian: apt-get install xmlsec1); the SAML signature tests need it"


@pytest.fixture
def saml(settings, tmp_path):
    if not XMLSEC:
        pytest.skip(NO_XMLSEC)
    from sso.conf import config_loader, forget_loaded_config

    from .idp import key_and_certificate

    idp = LoopbackIdp(tmp_path)
    sp_key, sp_cert = key_and_certificate(tmp_path, "sp")
    settings.SAML_ENABLED = True
    settings.SAML2_DISCO_URL = None
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, "sso.backends.SsoBackend"]
    settings.KYOYO_SAML = {
        "enabled": True,
        "base_url": SP_BASE_URL,
        "entity_id": f"{SP_BASE_URL}/saml2/metadata/",
        "sp_key_file": sp_key,
        "sp_cert_file": sp_cert,
        "idp_metadata_file": idp.metadata_file,
        "idp_metadata_url": "",
        "metadata_cert": "",
        "discovery_url": "",
        "xmlsec_binary": XMLSEC,
        "contact_email": "",
        "metadata_refresh": 3600,
        "accepted_time_diff": 60,
    }
    forget_loaded_config()
    idp.trust(write_metadata(config_loader(), tmp_path / "sp-metadata.xml"))
    yield SimpleNamespace(idp=idp, sp_key=sp_key, sp_cert=sp_cert)
    forget_loaded_config()


@pytest.fixture
def member_university(db):
    """A university of a consortium whose 学認 scope is example-u.ac.jp."""
    consortium = ConsortiumFactory()
    university = InstitutionFactory(name="例大学", consortia=[consortium])
    InstitutionScope.objects.create(institution=university, scope="example-u.ac.jp")
    return university


@pytest.fixture
def former_member(db):
    """An institution that left its consortium: its scope is known, but it is no member now."""
    consortium = ConsortiumFactory()
    institution = InstitutionFactory(name="元会員大学")
    ConsortiumMembership.objects.create(
        consortium=consortium, institution=institution, joined_on=date(2020, 4, 1), left_on=date(2024, 3, 31)
    )
    InstitutionScope.objects.create(institution=institution, scope="former-u.ac.jp")
    return institution


def sso_log_in(client, idp, attributes, *, next_path="", **answer):
    """Start at /saml2/login/, let the identity provider read the request and post its signed answer to the ACS,
    as a browser does; the ACS's response."""
    started = client.get("/saml2/login/" + (f"?next={next_path}" if next_path else ""))
    assert started.status_code == 302, started.content
    request, relay_state = idp.read_request(started["Location"])
    return client.post(
        "/saml2/acs/", {"SAMLResponse": idp.answer(request, attributes, **answer), "RelayState": relay_state}
    )
