"""Sign-up: the form, the terms, verification by an expiring link, no answer that tells whether an address has an
account, and nothing booked before the address is verified."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.core import signing

from backend.errors import PermissionDenied
from bookings import services as booking_services
from consortia.models import User
from tests.bookings.conftest import at
from tests.factories import UserFactory, give_role

pytestmark = pytest.mark.django_db

FORM = {
    "email": "suzuki@example.co.jp",
    "password1": "Kyoyo-sign-up-2026",
    "password2": "Kyoyo-sign-up-2026",
    "last_name": "鈴木",
    "first_name": "花子",
    "last_name_kana": "すずき",  # hiragana: stored as katakana
    "first_name_kana": "ﾊﾅｺ",  # half-width: stored full-width
    "language": "en",
    "accept_terms": "on",
    "accept_privacy": "on",
}


def sign_up(client, **changes):
    return client.post("/accounts/signup/", {**FORM, **changes})


def link_in(mail) -> str:
    return re.search(r"http://testserver(/accounts/confirm-email/\S+/)", mail.body).group(1)


def test_the_sign_up_page_asks_for_names_readings_language_and_both_acceptances(client):
    page = client.get("/accounts/signup/").content.decode()
    for name in ("email", "password1", "password2", *[k for k in FORM if k.endswith(("name", "kana"))], "language"):
        assert f'name="{name}"' in page, name
    assert 'name="username"' not in page  # generated, never asked
    assert 'type="checkbox" name="accept_terms"' in page and 'href="/terms/"' in page
    assert 'type="checkbox" name="accept_privacy"' in page and 'href="/privacy/"' in page
    assert "利用規約" in page and "個人情報の取扱い" in page


def test_signing_up_makes_an_unverified_account_that_accepted_the_terms(client, mailoutbox):
    response = sign_up(client)
    assert response.status_code == 302
    user = User.objects.get(email="suzuki@example.co.jp")
    assert user.username and user.username != FORM["email"]
    assert (user.last_name, user.first_name, user.last_name_kana, user.first_name_kana) == (
        "鈴木",
        "花子",
        "スズキ",
        "ハナコ",
    )
    assert user.language == "en" and user.terms_version == settings.TERMS_VERSION and user.terms_accepted_at
    assert list(EmailAddress.objects.filter(user=user).values_list("verified", "primary")) == [(False, True)]
    (mail,) = mailoutbox
    assert mail.subject == "[Kyoyo] Verify your e-mail address"  # in the language chosen
    assert mail.body.startswith("Dear Hanako Suzuki,") and "3 days" in mail.body


@pytest.mark.parametrize("missing", ["accept_terms", "accept_privacy"])
def test_both_acceptances_are_required(client, missing):
    response = sign_up(client, **{missing: ""})
    assert response.status_code == 200 and 'class="errorlist' in response.content.decode()
    assert not User.objects.filter(email=FORM["email"]).exists()


def test_a_reading_not_in_katakana_is_refused_on_the_form(client):
    response = sign_up(client, last_name_kana="Suzuki")
    assert response.status_code == 200 and "カタカナ" in response.content.decode()
    assert not User.objects.exists()


def test_the_link_verifies_the_address(client, mailoutbox):
    sign_up(client)
    client.post("/accounts/logout/")
    link = link_in(mailoutbox[0])
    assert client.get(link).status_code == 200  # a page with a button: a mail scanner's GET verifies nothing
    assert not EmailAddress.objects.get(email=FORM["email"]).verified
    client.post(link)
    assert EmailAddress.objects.get(email=FORM["email"]).verified


def test_an_expired_link_is_refused(client, mailoutbox, monkeypatch):
    days = settings.ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS
    monkeypatch.setattr(
        signing.TimestampSigner,
        "timestamp",
        lambda self: signing.b62_encode(int(__import__("time").time()) - days * 86400 - 60),
    )
    sign_up(client)
    monkeypatch.undo()
    link = link_in(mailoutbox[0])
    assert "expired" in client.get(link).content.decode()  # the page in the language chosen at sign-up
    client.post(link)
    assert not EmailAddress.objects.get(email=FORM["email"]).verified


def test_signing_up_with_an_address_that_has_an_account_answers_the_same(client, mailoutbox):
    UserFactory(username="suzuki", email="suzuki@example.co.jp")
    first = sign_up(client)
    other = client.__class__()
    second = sign_up(other, email="new-person@example.co.jp")
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == "/accounts/confirm-email/"
    assert User.objects.filter(email__iexact="suzuki@example.co.jp").count() == 1
    assert sorted(m.to[0] for m in mailoutbox) == ["new-person@example.co.jp", "suzuki@example.co.jp"]
    already = next(m for m in mailoutbox if m.to == ["suzuki@example.co.jp"])
    assert "/accounts/password/reset/" in already.body


# --- Nothing booked before verification ------------------------------------------------------------------------
@pytest.fixture
def unverified(world):
    user = UserFactory(username="newcomer")
    EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)
    give_role(user, "company_admin", company=world.company_a)
    return user


def test_the_booking_service_refuses_an_unverified_address_and_says_what_to_do(unverified, sem, day):
    with pytest.raises(PermissionDenied) as refused:
        booking_services.request_booking(
            actor=unverified, instrument=sem, start=at(day, 10), end=at(day, 11), mode="assisted"
        )
    assert refused.value.code == "email_unverified"
    assert "リンク" in refused.value.message and "再送" in refused.value.message


def test_once_verified_the_same_request_goes_through(unverified, sem, day):
    EmailAddress.objects.filter(user=unverified).update(verified=True)
    booking = booking_services.request_booking(
        actor=unverified, instrument=sem, start=at(day, 10), end=at(day, 11), mode="assisted"
    )
    assert booking.pk


def test_the_api_refuses_the_request_with_the_code(unverified, request_body, client_for):
    response = client_for(unverified).post("/api/v1/bookings/", request_body, format="json")
    assert response.status_code == 403 and response.json()["code"] == "email_unverified"


def test_the_instrument_page_says_so_instead_of_the_form(unverified, sem, client):
    client.force_login(unverified)
    page = client.get(f"/instruments/{sem.pk}/").content.decode()
    assert 'id="cannot-request"' in page and "メールアドレスがまだ確認されていない" in page
    assert 'id="verify-banner"' not in page  # the banner follows a login through the front door, not force_login


def test_an_unverified_user_logged_in_sees_the_banner_on_every_page(unverified, client):
    unverified.set_password("pw")
    unverified.save()
    client.post("/accounts/login/", {"login": "newcomer", "password": "pw"})
    for url in ("/", "/instruments/", "/bookings/"):
        assert 'id="verify-banner"' in client.get(url).content.decode(), url
    EmailAddress.objects.filter(user=unverified).update(verified=True)
    assert 'id="verify-banner"' not in client.get("/").content.decode()
