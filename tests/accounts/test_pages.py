"""allauth's pages in the product's look and in one language each."""

import pytest
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

from tests.factories import UserFactory
from tests.language import english_page_problems, japanese_page_problems

pytestmark = pytest.mark.django_db

ANONYMOUS = [
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
    "/accounts/password/reset/done/",
    "/accounts/confirm-email/",
    "/terms/",
    "/privacy/",
]
LOGGED_IN = [
    "/accounts/password/change/",
    "/accounts/email/",
    "/accounts/logout/",
    "/accounts/reauthenticate/",
    "/accounts/2fa/",
    "/accounts/2fa/totp/deactivate/",
    "/accounts/2fa/recovery-codes/",
    "/accounts/sessions/",
    "/terms/accept/",
]


def pages(client, language):
    user = UserFactory(username="yumi", language=language, terms_version="2000-01-01")
    TOTP.activate(user, generate_totp_secret())
    RecoveryCodes.activate(user)
    for url in ANONYMOUS:
        yield url, client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    client.post("/accounts/login/", {"login": "yumi", "password": "pw"})
    client.force_login(user)  # past the code: these pages are tested, not the login
    session = client.session
    session["account_authentication_methods"] = [{"method": "password", "at": 9e9, "reauthenticated": True}]
    session.save()
    for url in LOGGED_IN:
        yield url, client.get(url)


@pytest.mark.parametrize("language", ["ja", "en"])
def test_the_front_door_pages_are_in_one_language_and_the_products_look(client, language):
    problems = japanese_page_problems if language == "ja" else english_page_problems
    for url, response in pages(client, language):
        page = response.content.decode()
        assert response.status_code == 200, url
        assert f'<html lang="{language}">' in page, url
        assert '<link rel="stylesheet" href="/static/kyoyo.css">' in page, url
        assert problems(page) == [], (url, problems(page))


def test_the_login_page_leaves_a_place_for_single_sign_on():
    from django.template.loader import get_template

    assert "sso" in get_template("account/login.html").template.nodelist[0].blocks
