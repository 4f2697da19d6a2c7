"""A real SAML identity provider for the tests: pysaml2's IdP (saml2.server.Server) with throw-away keys, signing
its answers with xmlsec1 as GakuNin's IdPs do. It is driven in-process: the test follows the service provider's
redirect to it, lets it read the AuthnRequest, and posts its signed Response to the SP's ACS, as a browser would.
"""

import base64
import datetime
import shutil
from pathlib import Path
from urllib.parse import parse_qs, urlparse

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

XMLSEC = shutil.which("xmlsec1")
IDP_ENTITY_ID = "https://idp.example-u.ac.jp/idp/shibboleth"
IDP_SSO_URL = "https://idp.example-u.ac.jp/idp/profile/SAML2/Redirect/SSO"
SP_BASE_URL = "http://testserver"

REDIRECT = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
TRANSIENT = "urn:oasis:names:tc:SAML:2.0:nameid-format:transient"
URI = "urn:oasis:names:tc:SAML:2.0:attrname-format:uri"


_made: dict[str, tuple[bytes, bytes]] = {}


def key_and_certificate(folder: Path, name: str) -> tuple[str, str]:
    """A throw-away RSA key and a self-signed certificate for it, as PEM files in the folder; their paths. Made once
    per name and test process (a 2048-bit key takes a while), written afresh for each test."""
    if name not in _made:
        _made[name] = _new_key_and_certificate(name)
    key_pem, cert_pem = _made[name]
    key_path, cert_path = folder / f"{name}.key", folder / f"{name}.crt"
    key_path.write_bytes(key_pem)
    cert_path.write_bytes(cert_pem)
    return str(key_path), str(cert_path)


def _new_key_and_certificate(name: str) -> tuple[bytes, bytes]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    return (
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()),
        certificate.public_bytes(serialization.Encoding.PEM),
    )


def idp_config(key: str, cert: str, sp_metadata: str | None, lifetime_minutes: int = 15) -> dict:
    config = {
        "entityid": IDP_ENTITY_ID,
        "xmlsec_binary": XMLSEC,
        "key_file": key,
        "cert_file": cert,
        "service": {
            "idp": {
                "name": "Example University IdP",
                "endpoints": {"single_sign_on_service": [(IDP_SSO_URL, REDIRECT)]},
                "name_id_format": [TRANSIENT],
                "policy": {"default": {"lifetime": {"minutes": lifetime_minutes}, "name_form": URI}},
            }
        },
    }
    if sp_metadata:
        config["metadata"] = {"local": [sp_metadata]}
    return config


def write_metadata(config, path: Path) -> str:
    from saml2.metadata import entity_descriptor

    path.write_text(str(entity_descriptor(config)))
    return str(path)


class LoopbackIdp:
    """The identity provider of example-u.ac.jp, trusting the SP whose metadata it is given."""

    def __init__(self, folder: Path):
        from saml2.config import IdPConfig

        self.folder = folder
        self.key, self.cert = key_and_certificate(folder, "idp")
        bare = IdPConfig()
        bare.load(idp_config(self.key, self.cert, None))
        self.metadata_file = write_metadata(bare, folder / "idp-metadata.xml")

    def trust(self, sp_metadata_file: str) -> None:
        self.sp_metadata_file = sp_metadata_file

    def server(self, lifetime_minutes: int = 15):
        from saml2.config import IdPConfig
        from saml2.server import Server

        config = IdPConfig()
        config.load(idp_config(self.key, self.cert, self.sp_metadata_file, lifetime_minutes))
        return Server(config=config)

    def read_request(self, redirect_url: str):
        """The AuthnRequest the SP sent by HTTP-Redirect (the Location it answered with)."""
        server = self.server()
        query = parse_qs(urlparse(redirect_url).query)
        return server.parse_authn_request(query["SAMLRequest"][0], REDIRECT).message, query.get("RelayState", [""])[0]

    def answer(self, request, attributes: dict, *, lifetime_minutes: int = 15, in_response_to="request") -> str:
        """A signed Response (and signed assertion) for the request, base64 as the POST binding carries it."""
        from saml2.saml import NAMEID_FORMAT_TRANSIENT, NameID

        server = self.server(lifetime_minutes)
        response = server.create_authn_response(
            identity=attributes,
            in_response_to=request.id if in_response_to == "request" else in_response_to,
            destination=request.assertion_consumer_service_url or f"{SP_BASE_URL}/saml2/acs/",
            sp_entity_id=request.issuer.text if request is not None else None,
            name_id=NameID(format=NAMEID_FORMAT_TRANSIENT, text="_transient-42"),
            authn={"class_ref": "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"},
            sign_response=True,
            sign_assertion=True,
        )
        return base64.b64encode(str(response).encode()).decode()


def gakunin_attributes(eppn="taro@example-u.ac.jp", affiliation="faculty@example-u.ac.jp", **more) -> dict:
    """Attributes as a GakuNin IdP releases them (the ja* ones by their urn:oid names)."""
    attributes = {
        "eduPersonPrincipalName": [eppn],
        "eduPersonScopedAffiliation": [affiliation],
        "mail": [more.pop("mail", "taro.yamada@example-u.ac.jp")],
        "urn:oid:1.3.6.1.4.1.32264.1.1.1": [more.pop("jasn", "山田")],
        "urn:oid:1.3.6.1.4.1.32264.1.1.2": [more.pop("jaGivenName", "太郎")],
        "sn": ["Yamada"],
        "givenName": ["Taro"],
    }
    attributes.update(more)
    return attributes
