"""Logging in by username or e-mail, the language after login, and the lockout after repeated failures: one counter
per account and one per client address, shared by the web login and POST /api/v1/auth/token/."""

import logging

import pytest

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/auth/token/"


def log_in(client, login, password, **extra):
    return client.post("/accounts/login/", {"login": login, "password": password}, **extra)


def token(api, username, password, **extra):
    return api.post(TOKEN, {"username": username, "password": password}, format="json", **extra)


@pytest.mark.parametrize("typed", ["tanaka", "tanaka@example.jp", "TANAKA@example.jp"])
def test_log_in_by_username_or_e_mail(client, typed):
    UserFactory(username="tanaka", email="tanaka@example.jp")
    response = log_in(client, typed, "pw")
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").context["user"].username == "tanaka"


def test_the_pages_speak_the_users_language_after_login_whatever_the_browser_asks(client):
    UserFactory(username="smith", language="en")
    response = log_in(client, "smith", "pw", HTTP_ACCEPT_LANGUAGE="ja")
    assert response.cookies["django_language"].value == "en"
    assert '<html lang="en">' in client.get("/instruments/").content.decode()


def test_the_login_page_has_the_single_sign_on_place_and_the_way_to_sign_up(client):
    page = client.get("/accounts/login/").content.decode()
    assert 'href="/accounts/signup/"' in page and 'href="/accounts/password/reset/"' in page
    assert 'name="login"' in page and 'name="password"' in page


def test_ten_wrong_passwords_lock_the_account_and_the_page_says_for_how_long(client, caplog):
    UserFactory(username="tanaka")
    for n in range(10):
        assert log_in(client, "tanaka", f"wrong{n}").status_code == 200
    with caplog.at_level(logging.WARNING, logger="kyoyo.accounts"):
        refused = log_in(client, "tanaka", "pw")
    page = refused.content.decode()
    assert refused.status_code == 200 and "ロックされています" in page and "15分間" in page
    assert "_authenticated_user_id" not in client.session
    assert any("too many failed logins" in r.getMessage() for r in caplog.records)
    assert all("pw" not in r.getMessage().split() for r in caplog.records)


def test_the_lockout_counts_the_account_whatever_was_typed_and_wherever(client, api):
    UserFactory(username="tanaka", email="tanaka@example.jp")
    for n in range(4):
        log_in(client, "tanaka", "nope", REMOTE_ADDR=f"10.0.0.{n}")
        log_in(client, "Tanaka@Example.jp", "nope", REMOTE_ADDR=f"10.0.1.{n}")
    assert token(api, "tanaka", "nope", REMOTE_ADDR="10.0.2.1").status_code == 400
    assert token(api, "tanaka@example.jp", "nope", REMOTE_ADDR="10.0.2.2").status_code == 400
    refused = token(api, "tanaka", "pw", REMOTE_ADDR="10.0.2.3")
    assert refused.status_code == 429 and refused.json()["code"] == "account_locked"
    assert "15" in refused.json()["detail"]
    assert "ロックされています" in log_in(client, "tanaka", "pw", REMOTE_ADDR="10.9.9.9").content.decode()


def test_ten_wrong_tokens_lock_the_web_login_too(client, api):
    UserFactory(username="tanaka")
    for n in range(10):
        token(api, "tanaka", "nope", REMOTE_ADDR=f"10.0.0.{n}")
    assert "ロックされています" in log_in(client, "tanaka", "pw").content.decode()


def test_a_right_password_before_the_limit_logs_in(client):
    UserFactory(username="tanaka")
    for _ in range(9):
        log_in(client, "tanaka", "nope")
    assert log_in(client, "tanaka", "pw").status_code == 302


def test_one_address_guessing_at_many_accounts_is_stopped(client, settings):
    UserFactory(username="victim")
    for n in range(settings.LOGIN_ADDRESS_FAILURES):
        log_in(client, f"guess{n}", "nope", REMOTE_ADDR="203.0.113.7")
    refused = log_in(client, "victim", "pw", REMOTE_ADDR="203.0.113.7")
    assert refused.status_code in (200, 429) and "_authenticated_user_id" not in client.session
    assert "ロックされています" in refused.content.decode() or 'id="too-many"' in refused.content.decode()
    assert log_in(client, "victim", "pw", REMOTE_ADDR="198.51.100.1").status_code == 302  # another client


def test_a_name_without_an_account_is_locked_alike(client):
    for _ in range(10):
        log_in(client, "nobody", "nope")
    assert "ロックされています" in log_in(client, "nobody", "pw").content.decode()
