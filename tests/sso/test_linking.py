"""A password user links 学認 to their account (/saml2/link/), and unlinks it."""

import pytest

from consortia.models import User
from sso.models import SsoIdentity
from tests.factories import UserFactory

from .idp import gakunin_attributes

pytestmark = pytest.mark.django_db


def link_through_the_idp(client, idp, attributes):
    """Press "Link GakuNin", go through the log in at the identity provider, come back with its signed answer."""
    asked = client.post("/saml2/link/", {"action": "link"})
    assert asked.status_code == 302 and asked["Location"].startswith("/saml2/login/")
    sent = client.get(asked["Location"])
    assert sent.status_code == 302, sent.content
    request, relay_state = idp.read_request(sent["Location"])
    return client.post("/saml2/acs/", {"SAMLResponse": idp.answer(request, attributes), "RelayState": relay_state})


def test_a_password_user_links_gakunin_then_logs_in_with_it(client, saml, member_university):
    person = UserFactory(username="yamada", email="yamada@example.jp")
    client.force_login(person)
    page = client.get("/saml2/link/")
    assert page.status_code == 200 and 'value="link"' in page.content.decode()

    answer = link_through_the_idp(client, saml.idp, gakunin_attributes())

    assert answer.status_code == 302 and answer["Location"] == "/saml2/link/"
    identity = SsoIdentity.objects.get()
    assert identity.user == person and identity.eppn == "taro@example-u.ac.jp"
    assert User.objects.count() == 1  # no second account
    assert "taro@example-u.ac.jp" in client.get("/saml2/link/").content.decode()

    client.logout()
    from .conftest import sso_log_in

    assert sso_log_in(client, saml.idp, gakunin_attributes()).status_code == 302
    assert int(client.session["_auth_user_id"]) == person.pk


def test_an_identity_linked_to_someone_else_is_not_linked_again(client, saml, member_university):
    owner = UserFactory()
    SsoIdentity.objects.create(user=owner, eppn="taro@example-u.ac.jp", idp_entity_id="x")
    other = UserFactory()
    client.force_login(other)

    answer = link_through_the_idp(client, saml.idp, gakunin_attributes())

    assert answer.status_code == 403 and answer.context["refusal"].code == "linked_to_another"
    assert SsoIdentity.objects.get().user == owner


def test_a_plain_answer_does_not_link_even_while_a_link_is_pending(client, saml, member_university):
    """Only the answer to the request sent for the link links: an answer to another request logs in as usual."""
    person = UserFactory()
    client.force_login(person)
    client.post("/saml2/link/", {"action": "link"})  # pending, never followed
    client.logout()
    from .conftest import sso_log_in

    answer = sso_log_in(client, saml.idp, gakunin_attributes())

    assert answer.status_code == 302
    assert SsoIdentity.objects.get().user != person


def test_unlinking_needs_another_way_in(client, saml):
    person = UserFactory()
    SsoIdentity.objects.create(user=person, eppn="p@example-u.ac.jp", idp_entity_id="x")
    sso_only = UserFactory()
    sso_only.set_unusable_password()
    sso_only.save()
    SsoIdentity.objects.create(user=sso_only, eppn="s@example-u.ac.jp", idp_entity_id="x")

    client.force_login(sso_only)
    refused = client.post("/saml2/link/", {"action": "unlink"}, follow=True)
    assert "password" in refused.content.decode() or "パスワード" in refused.content.decode()
    assert SsoIdentity.objects.filter(user=sso_only).exists()

    client.force_login(person)
    client.post("/saml2/link/", {"action": "unlink"})
    assert not SsoIdentity.objects.filter(user=person).exists()


def test_the_link_page_needs_a_login_and_a_known_action(client, saml):
    assert client.get("/saml2/link/")["Location"].startswith("/accounts/login/")
    client.force_login(UserFactory())
    assert client.post("/saml2/link/", {"action": "steal"}).status_code == 400
