"""The front door in a real browser, at 1280 px and 360 px: a person signs up and verifies the address by the link
in the e-mail; staff enrol an authenticator app and log in with its code; ten wrong passwords lock an account and
the page says so."""

import re
import time

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core import mail
from django.core.cache import cache

from consortia.models import User
from tests.browser.conftest import DESKTOP, FACTORY_PASSWORD, LOCALES, watch
from tests.factories import InstitutionFactory, UserFactory, give_role

pytestmark = pytest.mark.django_db(transaction=True)


def new_page(browser, language="ja"):
    page = browser.new_context(viewport=DESKTOP, locale=LOCALES[language]).new_page()
    watch(page)
    return page


def fill_login(page, live_server, login, password):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_login", login)
    page.fill("#id_password", password)
    page.click("form.stacked button[type=submit]")
    page.wait_for_load_state("domcontentloaded")


@pytest.mark.parametrize("language", ["ja", "en"])
def test_a_person_signs_up_and_verifies_the_address_by_the_e_mailed_link(browser, live_server, shoot, language):
    page = new_page(browser, language)
    page.goto(f"{live_server.url}/accounts/login/")
    page.click("a[href='/accounts/signup/']")
    shoot(page, "sign-up")
    page.fill("#id_email", "suzuki@example.co.jp")
    page.fill("#id_password1", "Kyoyo-sign-up-2026")
    page.fill("#id_password2", "Kyoyo-sign-up-2026")
    page.fill("#id_last_name", "鈴木")
    page.fill("#id_first_name", "花子")
    page.fill("#id_last_name_kana", "スズキ")
    page.fill("#id_first_name_kana", "ハナコ")
    page.select_option("#id_language", language)
    page.check("#id_accept_terms")
    page.check("#id_accept_privacy")
    page.click("form.stacked button[type=submit]")
    page.wait_for_url(f"{live_server.url}/accounts/confirm-email/")
    shoot(page, "link-sent")
    page.goto(f"{live_server.url}/")
    assert page.locator("#verify-banner").is_visible()
    (message,) = mail.outbox
    link = re.search(r"http://\S+(/accounts/confirm-email/\S+/)", message.body).group(1)
    page.goto(f"{live_server.url}{link}")
    shoot(page, "confirm")
    page.click("form.stacked button[type=submit]")
    page.wait_for_load_state("domcontentloaded")
    assert EmailAddress.objects.get(email="suzuki@example.co.jp").verified
    assert User.objects.get(email="suzuki@example.co.jp").language == language
    page.goto(f"{live_server.url}/")
    assert page.locator("#verify-banner").count() == 0
    page.context.close()


def test_staff_enrol_an_authenticator_app_and_log_in_with_its_code(browser, live_server, shoot, settings):
    settings.MFA_WAIVED = False
    staff = UserFactory(username="kato", last_name="加藤", first_name="誠")
    give_role(staff, "staff", institution=InstitutionFactory())
    page = new_page(browser)
    fill_login(page, live_server, "kato", FACTORY_PASSWORD)
    # sent to set up two-factor authentication; allauth first asks for the password again
    page.wait_for_url(re.compile(r".*/accounts/reauthenticate/.*"))
    shoot(page, "reauthenticate")
    page.fill("#id_password", FACTORY_PASSWORD)
    page.click("form.stacked button[type=submit]")
    page.wait_for_url(re.compile(r".*/accounts/2fa/totp/activate/.*"))
    shoot(page, "activate")
    secret = page.input_value("#authenticator_secret")
    page.fill("#id_code", format_hotp_value(hotp_value(secret, int(time.time()) // 30)))
    page.click("form.stacked button[type=submit]")
    page.wait_for_load_state("domcontentloaded")
    shoot(page, "activated")
    page.goto(f"{live_server.url}/staff/queue/")
    assert page.url.endswith("/staff/queue/")  # may act now
    page.context.close()

    cache.clear()  # the code just used may not be used twice in its window
    page = new_page(browser)
    fill_login(page, live_server, "kato", FACTORY_PASSWORD)
    page.wait_for_url(re.compile(r".*/accounts/2fa/authenticate/.*"))
    shoot(page, "code")
    page.fill("#id_code", format_hotp_value(hotp_value(secret, int(time.time()) // 30)))
    page.click("form.stacked button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    assert "加藤 誠" in page.locator(".who").inner_text()
    page.context.close()


@pytest.mark.parametrize("language", ["ja", "en"])
def test_ten_wrong_passwords_lock_the_account_and_the_page_says_so(browser, live_server, shoot, language):
    UserFactory(username="tanaka", language=language)
    page = new_page(browser, language)
    for n in range(10):
        fill_login(page, live_server, "tanaka", f"wrong-{n}")
    fill_login(page, live_server, "tanaka", FACTORY_PASSWORD)
    shoot(page, "locked")
    text = page.locator("main").inner_text()
    assert ("15分間ロックされています" if language == "ja" else "locked for 15 minutes") in text
    assert page.url.startswith(f"{live_server.url}/accounts/login/")
    page.context.close()
