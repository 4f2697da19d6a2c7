"""A booking request is sent once, in a real browser: a double click on 「申請する」 makes one booking and the page
names it; Back and send again answers the same booking, named, never "slot taken" and never a second one. Long
texts show how many characters are left. Japanese at 1280 px, then English at 360 px, in one journey."""

import re

import pytest

from bookings.models import Booking
from tests.bookings.conftest import working_day
from tests.browser.conftest import FACTORY_PASSWORD, PHONE, log_in

pytestmark = pytest.mark.django_db(transaction=True)
BOOKING_PAGE = re.compile(r"/bookings/\d+/")


def fill_request(page, day, purpose, hour=10):
    page.fill("#id_start", f"{day:%Y-%m-%d}T{hour:02d}:00")
    page.fill("#id_end", f"{day:%Y-%m-%d}T{hour + 1:02d}:00")
    page.select_option("#id_mode", "assisted")
    page.fill("#id_purpose", purpose)


def test_a_double_click_and_back_then_send_make_one_booking_named(browser, live_server, world, sem, shoot):
    day = working_day()
    company = log_in(browser, live_server, "company_a", password=FACTORY_PASSWORD)
    company.goto(f"{live_server.url}/instruments/{sem.pk}/#request")
    fill_request(company, day, "樹脂破断面の観察")
    assert company.locator("#id_purpose_counter").inner_text() == "残り3992文字"
    shoot(company, "request-form")

    company.dblclick("button[value=send]")
    company.wait_for_url(BOOKING_PAGE, wait_until="domcontentloaded")
    (booking,) = Booking.objects.all()
    assert f"予約 #{booking.pk}" in company.locator("h1").inner_text()
    assert "承認待ち" in company.content()
    shoot(company, "sent-once")

    company.go_back()
    company.wait_for_selector("button[value=send]:enabled")
    assert company.input_value("#id_purpose") == "樹脂破断面の観察"  # the form as it was sent
    company.click("button[value=send]")
    company.wait_for_url(re.compile(rf"/bookings/{booking.pk}/"), wait_until="domcontentloaded")
    message = company.locator("ul.messages").inner_text()
    assert f"既にこの申請を送信済みです（予約 #{booking.pk}" in message and "既に予約" not in message
    assert Booking.objects.count() == 1
    shoot(company, "sent-again")

    # The same journey in English on a phone: the message names the booking in the reader's language.
    phone = log_in(browser, live_server, "company_b", password=FACTORY_PASSWORD, language="en")
    phone.set_viewport_size(PHONE)
    phone.goto(f"{live_server.url}/instruments/{sem.pk}/#request")
    fill_request(phone, day, "x" * 4001, hour=14)
    counter = phone.locator("#id_purpose_counter")
    assert counter.inner_text() == "Too long: 4001 characters, at most 4000."
    shoot(phone, "over-the-limit-en")
    phone.click("button[value=send]")  # not sent while over the limit
    assert phone.url.endswith("#request") and Booking.objects.count() == 1
    phone.fill("#id_purpose", "Fracture surface")
    phone.dblclick("button[value=send]")
    phone.wait_for_url(BOOKING_PAGE, wait_until="domcontentloaded")
    assert Booking.objects.count() == 2
    phone.go_back()
    phone.wait_for_selector("button[value=send]:enabled")
    phone.click("button[value=send]")
    phone.wait_for_url(BOOKING_PAGE, wait_until="domcontentloaded")
    second = Booking.objects.order_by("-pk").first()
    assert f"You already requested this: it is booking #{second.pk}" in phone.locator("ul.messages").inner_text()
    shoot(phone, "sent-again-en")
    assert Booking.objects.count() == 2

    # Switching the language keeps what is typed.
    phone.goto(f"{live_server.url}/instruments/{sem.pk}/#request")
    phone.fill("#id_purpose", "Kept across the switch")
    phone.select_option("select[name=language]", "ja")
    phone.wait_for_selector("html[lang=ja]")
    assert phone.input_value("#id_purpose") == "Kept across the switch"
    shoot(phone, "language-switched-input-kept")
