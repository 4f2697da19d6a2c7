"""Logging in and out, password reset by e-mail, and the language switch."""

import re

import pytest

from consortia.models import User
from tests.factories import UserFactory
from tests.language import bilingual_pairs, english_page_problems, japanese_in, japanese_page_problems

pytestmark = pytest.mark.django_db


def test_log_in_and_out_at_accounts(client):
    UserFactory(username="tanaka")
    assert client.get("/accounts/login/").status_code == 200
    response = client.post("/accounts/login/", {"login": "tanaka", "password": "pw"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert "tanaka" in client.get("/").content.decode()
    client.post("/accounts/logout/")
    assert "ログイン" in client.get("/").content.decode()


def test_a_wrong_password_is_told_on_the_form(client):
    UserFactory(username="tanaka")
    response = client.post("/accounts/login/", {"login": "tanaka", "password": "nope"})
    assert response.status_code == 200 and 'class="errorlist' in response.content.decode()


def test_password_reset_by_e_mail(client, mailoutbox):
    UserFactory(username="tanaka", email="tanaka@example.jp")
    client.post("/accounts/password/reset/", {"email": "tanaka@example.jp"})
    (mail,) = mailoutbox
    link = re.search(r"http://testserver(/accounts/password/reset/key/\S+/)", mail.body).group(1)
    form = client.get(link, follow=True)
    assert form.status_code == 200
    response = client.post(form.redirect_chain[-1][0], {"password1": "Kyoyo-2026-new", "password2": "Kyoyo-2026-new"})
    assert response.status_code == 302
    assert User.objects.get(username="tanaka").check_password("Kyoyo-2026-new")


def test_the_language_switch_changes_the_pages_and_the_users_e_mail_language(client):
    user = UserFactory(username="smith")
    client.force_login(user)
    assert "機器カタログ" in client.get("/instruments/").content.decode().split("<h1>")[1]
    client.post("/i18n/setlang/", {"language": "en", "next": "/instruments/"})
    assert client.get("/instruments/").content.decode().split("<h1>")[1].startswith("Instrument catalogue")
    user.refresh_from_db()
    assert user.language == "en"


def test_logging_in_restores_the_users_language(client):
    UserFactory(username="smith", language="en")
    client.post("/accounts/login/", {"login": "smith", "password": "pw"})
    assert client.get("/instruments/").content.decode().split("<h1>")[1].startswith("Instrument catalogue")
    assert client.get("/").content.decode().split("<h1>")[1].startswith("Welcome, ")


def test_an_unknown_language_changes_nothing(client):
    user = UserFactory()
    client.force_login(user)
    client.post("/i18n/setlang/", {"language": "xx", "next": "/"})
    user.refresh_from_db()
    assert user.language == "ja"


def ask_reset(client, email, **extra):
    return client.post("/accounts/password/reset/", {"email": email}, **extra)


@pytest.mark.parametrize("has_account", [True, False])
def test_resets_for_one_e_mail_are_limited_alike_whether_or_not_it_has_an_account(client, mailoutbox, has_account):
    if has_account:
        UserFactory(username="tanaka", email="tanaka@example.jp")
    spellings = ["tanaka@example.jp", "TANAKA@example.jp", " Tanaka@Example.jp ", "tanaka@example.jp"]
    answers = [ask_reset(client, email, REMOTE_ADDR=f"10.0.0.{n}") for n, email in enumerate(spellings)]
    assert [a.status_code for a in answers[:3]] == [302] * 3
    assert {a["Location"] for a in answers[:3]} == {"/accounts/password/reset/done/"}
    refused = answers[3]
    assert refused.status_code == 429
    assert "再設定の依頼が多すぎます" in refused.content.decode()
    assert len(mailoutbox) == (3 if has_account else 0)


def test_one_address_asking_resets_for_many_e_mails_is_limited_whatever_x_forwarded_for_says(client, mailoutbox):
    codes = [
        ask_reset(client, f"guess{n}@example.jp", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code for n in range(11)
    ]
    assert codes[:10] == [302] * 10 and codes[10] == 429
    assert ask_reset(client, "other@example.jp", REMOTE_ADDR="192.0.2.77").status_code == 302  # another client


def test_a_refused_reset_keeps_the_form_with_what_was_typed(client, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "password_reset_email": "1/hour",
        },
    }
    ask_reset(client, "tanaka@example.jp")
    refused = ask_reset(client, "tanaka@example.jp")
    page = refused.content.decode()
    assert refused.status_code == 429 and 'value="tanaka@example.jp"' in page and 'role="alert"' in page
    assert "60分ほど後" in page or "59分ほど後" in page


def test_a_password_reset_revokes_the_users_api_tokens(client, mailoutbox):
    from consortia.services import issue_api_token

    user = UserFactory(username="tanaka", email="tanaka@example.jp")
    _token, key = issue_api_token(user=user)
    client.post("/accounts/password/reset/", {"email": "tanaka@example.jp"})
    link = re.search(r"http://testserver(/accounts/password/reset/key/\S+/)", mailoutbox[0].body).group(1)
    form = client.get(link, follow=True)
    client.post(form.redirect_chain[-1][0], {"password1": "Kyoyo-2026-new", "password2": "Kyoyo-2026-new"})
    assert client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 401


# --- One language per page -------------------------------------------------------------------------------------
BASE_PAGES = [
    "/accounts/login/",
    "/accounts/password/reset/",
    "/accounts/password/reset/done/",
    "/accounts/password/reset/key/done/",
]


@pytest.mark.parametrize("url", BASE_PAGES)
def test_the_account_pages_are_japanese_only_by_default(client, url):
    page = client.get(url).content.decode()
    assert '<html lang="ja">' in page and japanese_page_problems(page) == []
    assert "ログイン" in page and "Log in" not in page


@pytest.mark.parametrize("url", BASE_PAGES)
def test_the_account_pages_are_english_only_for_an_english_reader(client, url):
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en">' in page and english_page_problems(page) == []
    assert "Log in" in page


def test_the_language_switch_names_each_language_in_its_own_language(client):
    for accept, selected in (("ja", "ja"), ("en", "en")):
        page = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE=accept).content.decode()
        assert '<option value="ja" lang="ja"' in page and ">日本語</option>" in page
        assert '<option value="en" lang="en"' in page and ">English</option>" in page
        assert f'<option value="{selected}" lang="{selected}" selected>' in page


@pytest.mark.parametrize("language, words", [("ja", "ページが見つかりません"), ("en", "Page not found")])
def test_the_404_page_is_in_one_language(client, language, words):
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE=language)
    page = response.content.decode()
    assert response.status_code == 404 and words in page
    assert (japanese_page_problems(page) if language == "ja" else english_page_problems(page)) == []


@pytest.mark.parametrize(
    "language, words", [("ja", "機関の担当者のみ利用できます。"), ("en", "Only institution staff may")]
)
def test_the_403_page_says_why_in_the_users_language(client, language, words):
    user = UserFactory(username="kato", language=language)  # no institution: not staff
    client.force_login(user)
    response = client.get("/staff/queue/", HTTP_ACCEPT_LANGUAGE="en" if language == "ja" else "ja")
    page = response.content.decode()
    assert response.status_code == 403 and words in page
    assert (japanese_page_problems(page) if language == "ja" else english_page_problems(page)) == []


def test_the_header_shows_the_users_name_in_the_pages_language(client):
    user = UserFactory(
        username="yumi", last_name="渡辺", first_name="由美", last_name_kana="ワタナベ", first_name_kana="ユミ"
    )
    client.force_login(user)
    assert '<span class="who">渡辺 由美</span>' in client.get("/accounts/password/reset/key/done/").content.decode()
    user.language = "en"
    user.save()
    page = client.get("/accounts/password/reset/key/done/").content.decode()
    assert '<span class="who">Yumi Watanabe</span>' in page and english_page_problems(page) == []


@pytest.mark.parametrize("language", ["ja", "en"])
def test_the_reset_e_mail_is_in_its_recipients_language_whatever_the_page(client, mailoutbox, language):
    UserFactory(username="tanaka", email="tanaka@example.jp", last_name="田中", first_name="一郎", language=language)
    client.post(
        "/accounts/password/reset/",
        {"email": "tanaka@example.jp"},
        HTTP_ACCEPT_LANGUAGE="en" if language == "ja" else "ja",
    )
    (mail,) = mailoutbox
    if language == "ja":
        assert mail.subject == "【Kyoyo】パスワードの再設定"
        assert mail.body.startswith("田中 一郎 様") and bilingual_pairs(mail.body) == []
        assert not re.search(r"[A-Za-z]+ [a-z]+ [a-z]+", mail.body)
    else:
        assert mail.subject == "[Kyoyo] Password reset"
        assert mail.body.startswith("Dear ") and japanese_in(mail.body, data=("田中 一郎",)) == []
