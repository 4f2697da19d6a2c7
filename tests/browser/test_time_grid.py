"""The instrument time grid in a real browser: drag an hour on the instrument page, see the quote, send; a click
chooses the minimum length; a phone shows three days; staff choose a counter-proposal on the booking page's grid.
Screenshots of each step (`shoot`)."""

import re

import pytest
from playwright.sync_api import expect

from bookings import services
from bookings.models import Booking
from tests.bookings.conftest import at, working_day
from tests.browser.conftest import FACTORY_PASSWORD, PHONE, log_in

pytestmark = pytest.mark.django_db(transaction=True)

SLOTS = 16  # 9:00–17:00 in 30-minute slots: the SEM's visible hours (tests/conftest.py `sem`)


def slot_point(page, column: int, slot: float):
    """The point of the grid at `slot` slots after 9:00 in the day column `column`."""
    day = page.locator(".time-grid .ec-body .ec-day").nth(column)
    day.scroll_into_view_if_needed()
    box = day.bounding_box()  # in the viewport
    return box["x"] + box["width"] / 2, box["y"] + box["height"] * slot / SLOTS


def test_drag_an_hour_see_the_quote_send_and_a_click_takes_the_minimum(browser, live_server, world, sem, shoot):
    day = working_day()
    page = log_in(browser, live_server, "company_a", password=FACTORY_PASSWORD)
    page.goto(f"{live_server.url}/instruments/{sem.pk}/?week={day.isoformat()}")
    page.wait_for_selector(".time-grid .ec-body .ec-day")
    expect(page.locator(".time-grid-plain")).to_be_hidden()
    page.select_option("#id_mode", "assisted")

    page.mouse.click(*slot_point(page, 0, 8.5))  # 13:15: the minimum (30 minutes) from 13:00
    expect(page.locator("#id_start")).to_have_value(f"{day.isoformat()}T13:00")
    expect(page.locator("#id_end")).to_have_value(f"{day.isoformat()}T13:30")

    x, top = slot_point(page, 0, 2.3)  # from 10:00 …
    _, bottom = slot_point(page, 0, 3.7)  # … to 11:00
    page.mouse.move(x, top)
    page.mouse.down()
    page.mouse.move(x, bottom, steps=10)
    page.mouse.up()
    expect(page.locator("#id_start")).to_have_value(f"{day.isoformat()}T10:00")
    expect(page.locator("#id_end")).to_have_value(f"{day.isoformat()}T11:00")
    expect(page.locator("#live-quote")).to_contain_text("4,950円")  # 1 hour × 4,500円 + 10% tax
    expect(page.locator("#live-quote")).to_contain_text("この内容で申請できます")
    shoot(page, "grid-one-hour-selected")

    page.locator("#time-grid").focus()
    page.keyboard.press("Shift+ArrowDown")  # one slot longer, from the keyboard
    expect(page.locator("#id_end")).to_have_value(f"{day.isoformat()}T11:30")
    page.click("[data-grid-resize='-1']")
    expect(page.locator("#id_end")).to_have_value(f"{day.isoformat()}T11:00")

    page.click("button[name=action][value=send]")
    page.wait_for_url(re.compile(r"/bookings/\d+/(#.*)?$"))  # the form's #request is kept
    booking = Booking.objects.get()
    assert (booking.start, booking.end, booking.mode) == (at(day, 10), at(day, 11), "assisted")
    shoot(page, "grid-request-sent")

    page.goto(f"{live_server.url}/instruments/{sem.pk}/?week={day.isoformat()}")
    page.wait_for_selector(".ec-event.g-own_pending")  # the user's own request, labelled, not "busy"
    page.set_viewport_size(PHONE)
    page.reload()
    page.wait_for_selector(".time-grid .ec-body .ec-day")
    assert page.locator(".time-grid .ec-body .ec-day").count() == 3
    shoot(page, "grid-on-a-phone")


def test_english_page_at_phone_width_names_the_kinds(browser, live_server, world, sem, shoot):
    day = working_day()
    page = log_in(browser, live_server, "company_b", password=FACTORY_PASSWORD, language="en")
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/instruments/{sem.pk}/?week={day.isoformat()}")
    page.wait_for_selector(".time-grid .ec-body .ec-day")
    expect(page.locator(".legend")).to_contain_text("Too late to request")
    assert page.locator(".time-grid .ec-body .ec-day").count() == 3


def test_staff_choose_a_proposal_on_the_booking_pages_grid(browser, live_server, world, sem, shoot):
    day = working_day()
    booking = services.request_booking(
        actor=world.user_a, instrument=sem, start=at(day, 10), end=at(day, 11), mode="assisted"
    )
    page = log_in(browser, live_server, "staff_a", password=FACTORY_PASSWORD)
    page.goto(f"{live_server.url}/bookings/{booking.pk}/")
    page.wait_for_selector(".time-grid .ec-body .ec-day")
    page.wait_for_selector(".ec-event.g-subject")  # the request itself, drawn as such
    page.mouse.click(*slot_point(page, 0, 10.2))  # 14:06 → 14:00, the minimum length
    expect(page.locator("#id_propose-start")).to_have_value(f"{day.isoformat()}T14:00")
    expect(page.locator("#id_propose-end")).to_have_value(f"{day.isoformat()}T14:30")
    shoot(page, "proposal-chosen")
    page.click("#propose button[type=submit]")
    page.wait_for_url(re.compile(rf"/bookings/{booking.pk}/$"))
    booking.refresh_from_db()
    assert (booking.start, booking.end, booking.proposal_pending) == (at(day, 14), at(day, 14, 30), True)
