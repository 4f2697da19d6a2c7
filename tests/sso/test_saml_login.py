"""End to end against a real identity provider on loopback (tests/sso/idp.py): signed answers checked by xmlsec1
through pysaml2 and djangosaml2, then what the product makes of them."""

import base64
from xml.etree import ElementTree

import pytest
from allauth.account.models import EmailAddress

from consortia.models import Role, User
from sso.models import SsoIdentity

from .conftest import sso_log_in
from .idp import gakunin_attributes

pytestmark = pytest.mark.django_db


def test_first_login_creates_a_researcher_of_the_institution_the_scope_names(client, saml, member_university):
    answer = sso_log_in(client, saml.idp, gakunin_attributes(), next_path="/catalogue/")

    assert answer.status_code == 302 and answer["Location"] == "/catalogue/"
    user = User.objects.get(sso_identity__eppn="taro@example-u.ac.jp")
    assert (user.last_name, user.first_name, user.email) == ("山田", "太郎", "taro.yamada@example-u.ac.jp")
    assert not user.has_usable_password()
    assert list(Role.objects.filter(user=user).values_list("kind", "institution")) == [
        ("researcher", member_university.pk)
    ]
    address = EmailAddress.objects.get(user=user)
    assert address.verified and address.primary and address.email == user.email
    identity = user.sso_identity
    assert identity.idp_entity_id == "https://idp.example-u.ac.jp/idp/shibboleth"
    assert identity.first_login_at and identity.last_login_at
    assert client.get("/bookings/").status_code == 200  # logged in


def test_a_later_login_finds_the_same_user_and_brings_their_new_name_and_address(client, saml, member_university):
    sso_log_in(client, saml.idp, gakunin_attributes())
    client.logout()
    again = sso_log_in(client, saml.idp, gakunin_attributes(mail="t.yamada@example-u.ac.jp", jasn="佐藤"))

    assert again.status_code == 302
    user = User.objects.get()
    assert (user.last_name, user.email) == ("佐藤", "t.yamada@example-u.ac.jp")
    assert EmailAddress.objects.get(user=user, primary=True).email == "t.yamada@example-u.ac.jp"
    assert Role.objects.filter(user=user).count() == 1
    assert SsoIdentity.objects.count() == 1


def signed_answer_for_a_fresh_request(client, idp, attributes, **answer):
    started = client.get("/saml2/login/")
    request, _relay = idp.read_request(started["Location"])
    return idp.answer(request, attributes, **answer)


def test_an_attribute_changed_after_signing_is_refused(client, saml, member_university):
    signed = base64.b64decode(signed_answer_for_a_fresh_request(client, saml.idp, gakunin_attributes()))
    assert b"faculty@example-u.ac.jp" in signed
    tampered = signed.replace(b"taro@example-u.ac.jp", b"hanako@example-u.ac.jp")

    answer = client.post("/saml2/acs/", {"SAMLResponse": base64.b64encode(tampered).decode()})

    assert answer.status_code == 403
    assert "could not be verified" in answer.content.decode() or "確認できません" in answer.content.decode()
    assert not User.objects.exists() and not SsoIdentity.objects.exists()
    assert "_auth_user_id" not in client.session


def test_an_expired_assertion_is_refused(client, saml, member_university):
    expired = signed_answer_for_a_fresh_request(client, saml.idp, gakunin_attributes(), lifetime_minutes=-10)

    answer = client.post("/saml2/acs/", {"SAMLResponse": expired})

    assert answer.status_code == 403
    assert not User.objects.exists()


def test_an_answer_to_no_request_of_ours_is_refused(client, saml, member_university):
    started = client.get("/saml2/login/")
    request, _relay = saml.idp.read_request(started["Location"])
    unsolicited = saml.idp.answer(request, gakunin_attributes(), in_response_to=None)
    forged_reply = saml.idp.answer(request, gakunin_attributes(), in_response_to="id-we-never-sent")

    for response in (unsolicited, forged_reply):
        answer = client.post("/saml2/acs/", {"SAMLResponse": response})
        assert answer.status_code == 403
    assert not User.objects.exists()


def test_an_answer_is_accepted_once(client, saml, member_university):
    started = client.get("/saml2/login/")
    request, _relay = saml.idp.read_request(started["Location"])
    response = saml.idp.answer(request, gakunin_attributes())
    assert client.post("/saml2/acs/", {"SAMLResponse": response}).status_code == 302
    client.logout()

    assert client.post("/saml2/acs/", {"SAMLResponse": response}).status_code == 403


@pytest.mark.parametrize(
    "affiliation, code",
    [
        ("faculty@unknown-u.ac.jp", "institution_not_member"),
        ("member@former-u.ac.jp", "institution_not_member"),
        ("affiliate@example-u.ac.jp", "not_member_affiliation"),
    ],
)
def test_no_account_for_a_scope_or_affiliation_that_is_no_member(
    client, saml, member_university, former_member, affiliation, code
):
    answer = sso_log_in(client, saml.idp, gakunin_attributes(affiliation=affiliation))

    assert answer.status_code == 403
    assert answer.context["refusal"].code == code
    assert not User.objects.exists() and not SsoIdentity.objects.exists()


def test_the_refusal_page_says_what_to_do_in_the_readers_language(client, saml, member_university):
    client.cookies["django_language"] = "en"
    answer = sso_log_in(client, saml.idp, gakunin_attributes(affiliation="staff@unknown-u.ac.jp"))

    page = answer.content.decode()
    assert "Your institution is not a member of any consortium." in page
    assert "sign up with your e-mail address" in page
    assert "所属機関" not in page  # one language per page


def test_a_deactivated_account_is_refused(client, saml, member_university):
    sso_log_in(client, saml.idp, gakunin_attributes())
    client.logout()
    User.objects.update(is_active=False)

    answer = sso_log_in(client, saml.idp, gakunin_attributes())

    assert answer.status_code == 403 and answer.context["refusal"].code == "deactivated"
    assert "_auth_user_id" not in client.session


def test_the_metadata_is_the_service_providers_and_valid_xml(client, saml):
    answer = client.get("/saml2/metadata/")

    assert answer.status_code == 200 and answer["Content-Type"].startswith("text/xml")
    root = ElementTree.fromstring(answer.content)
    assert root.get("entityID") == "http://testserver/saml2/metadata/"
    md = "{urn:oasis:names:tc:SAML:2.0:metadata}"
    sp = root.find(f"{md}SPSSODescriptor")
    assert sp.get("WantAssertionsSigned") == "true"
    assert sp.find(f"{md}AssertionConsumerService").get("Location") == "http://testserver/saml2/acs/"
    requested = {a.get("Name") for a in sp.iter(f"{md}RequestedAttribute")}
    assert {"urn:oid:1.3.6.1.4.1.5923.1.1.1.6", "urn:oid:1.3.6.1.4.1.32264.1.1.1"} <= requested


@pytest.mark.parametrize(
    "method, url, data",
    [
        ("post", "/saml2/acs/", {}),
        ("post", "/saml2/acs/", {"SAMLResponse": "not base64 at all ✗"}),
        ("post", "/saml2/acs/", {"SAMLResponse": base64.b64encode(b"<not-saml/>").decode()}),
        ("get", "/saml2/ls/", {}),
        ("get", "/saml2/ls/", {"SAMLRequest": "garbage"}),
        ("get", "/saml2/ls/", {"SAMLResponse": "garbage"}),
        ("post", "/saml2/ls/post/", {"SAMLResponse": "garbage"}),
        ("get", "/saml2/login/", {"idp": "https://unknown.example/idp"}),
    ],
)
def test_bad_input_is_a_clear_4xx_and_logs_no_one_in(client, saml, method, url, data):
    answer = getattr(client, method)(url, data)
    assert 400 <= answer.status_code < 500
    assert "_auth_user_id" not in client.session
