"""Logging in and out, password reset by e-mail, and the language switch."""

import re

import pytest

from consortia.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_log_in_and_out_at_accounts(client):
    UserFactory(username="tanaka")
    assert client.get("/accounts/login/").status_code == 200
    response = client.post("/accounts/login/", {"username": "tanaka", "password": "pw"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert "tanaka" in client.get("/").content.decode()
    client.post("/accounts/logout/")
    assert "ログイン" in client.get("/").content.decode()


def test_a_wrong_password_is_told_on_the_form(client):
    UserFactory(username="tanaka")
    response = client.post("/accounts/login/", {"username": "tanaka", "password": "nope"})
    assert response.status_code == 200 and 'class="errorlist' in response.content.decode()


def test_password_reset_by_e_mail(client, mailoutbox):
    UserFactory(username="tanaka", email="tanaka@example.jp")
    client.post("/accounts/password_reset/", {"email": "tanaka@example.jp"})
    (mail,) = mailoutbox
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", mail.body).group(1)
    form = client.get(link, follow=True)
    assert form.status_code == 200
    response = client.post(
        form.redirect_chain[-1][0], {"new_password1": "Kyoyo-2026-new", "new_password2": "Kyoyo-2026-new"}
    )
    assert response.status_code == 302
    assert User.objects.get(username="tanaka").check_password("Kyoyo-2026-new")


def test_the_language_switch_changes_the_pages_and_the_users_e_mail_language(client):
    user = UserFactory(username="smith")
    client.force_login(user)
    assert "機器カタログ" in client.get("/").content.decode().split("<h1>")[1]
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert client.get("/").content.decode().split("<h1>")[1].startswith("Instrument catalogue")
    user.refresh_from_db()
    assert user.language == "en"


def test_logging_in_restores_the_users_language(client):
    UserFactory(username="smith", language="en")
    client.post("/accounts/login/", {"username": "smith", "password": "pw"})
    assert client.get("/").content.decode().split("<h1>")[1].startswith("Instrument catalogue")


def test_an_unknown_language_changes_nothing(client):
    user = UserFactory()
    client.force_login(user)
    client.post("/i18n/setlang/", {"language": "xx", "next": "/"})
    user.refresh_from_db()
    assert user.language == "ja"
