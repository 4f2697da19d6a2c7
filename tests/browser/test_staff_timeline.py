"""Staff on the institution timeline in a real browser: a row per instrument, a click opens the booking, dragging a
pending request along its row opens its page with the proposed times; Japanese at 1280 px, English at 360 px (the
day view, only the timeline scrolls sideways). `shoot` takes each step at both widths."""

from datetime import datetime
from urllib.parse import parse_qs, urlsplit

import pytest

from bookings import services
from equipment.models import Downtime
from tests.bookings.conftest import at, working_day
from tests.browser.conftest import FACTORY_PASSWORD, PHONE, log_in

pytestmark = pytest.mark.django_db(transaction=True)


def rows(page) -> str:
    """The row labels of the timeline (the instruments)."""
    return " ".join(page.locator(".ec-sidebar").all_inner_texts())


@pytest.fixture
def scene(browser, world):
    """On a working day at institution A's SEM: a pending request 10–11, an approved booking 13–14, a downtime
    15–16. (After `browser`: Playwright's sync API switches greenlets.)"""
    day = working_day()

    def ask(hour):
        return services.request_booking(
            actor=world.user_a, instrument=world.sem, start=at(day, hour), end=at(day, hour + 1), mode="assisted"
        )

    pending = ask(10)
    approved = services.approve(actor=world.staff_a, booking=ask(13))
    Downtime.objects.create(instrument=world.sem, start=at(day, 15), end=at(day, 16), title="定期点検")
    return day, pending, approved


def test_staff_open_a_booking_and_drag_a_request_to_propose_a_time(browser, live_server, world, scene, shoot):
    day, pending, approved = scene
    page = log_in(browser, live_server, "staff_a", password=FACTORY_PASSWORD, language="ja")
    url = f"{live_server.url}/staff/calendar/?view=day&day={day.isoformat()}"
    page.goto(url)
    page.wait_for_selector(".ec-event.tl-pending")
    assert page.locator("#plain-schedule").is_hidden()
    assert rows(page).count(world.sem.name) == 1  # the SEM's row
    assert (
        page.locator("article.ec-event.tl-approved").count() == 1 and page.locator(".ec-event.tl-downtime").count() == 1
    )
    shoot(page, "timeline-day")
    page.get_by_role("button", name="週表示").click()
    page.wait_for_selector(".ec-event.tl-pending")
    assert page.locator(".ec-header").inner_text().count("9時") == 7  # the hours of each day of the week
    shoot(page, "timeline-week")

    page.locator("article.ec-event.tl-approved").click()
    page.wait_for_url(f"{live_server.url}/bookings/{approved.id}/")

    page.goto(url)
    event = page.locator(".ec-event.tl-pending")
    event.wait_for()
    box = event.bounding_box()
    hour = page.locator(".ec-header .ec-slot").first.bounding_box()["width"]  # a label spans an hour
    x, y = box["x"] + 10, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    for step in range(1, 11):
        page.mouse.move(x + hour * step / 10, y)
    page.mouse.up()
    page.wait_for_url(f"{live_server.url}/bookings/{pending.id}/?*")
    query = parse_qs(urlsplit(page.url).query)
    assert datetime.fromisoformat(query["start"][0]) == at(day, 11)
    assert datetime.fromisoformat(query["end"][0]) == at(day, 12)
    shoot(page, "proposal-opened")

    english = log_in(browser, live_server, "staff_a", password=FACTORY_PASSWORD, language="en")
    english.set_viewport_size(PHONE)
    english.goto(f"{live_server.url}/staff/calendar/?day={day.isoformat()}")  # no view chosen: a phone gets a day
    english.wait_for_selector(".ec-event.tl-pending")
    assert english.locator(".ec-toolbar").inner_text().count("Week") == 1
    assert rows(english).count(world.sem.name) == 1
    overflow = english.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
    assert "Pending" in english.locator(".legend").inner_text()
    shoot(english, "timeline-phone-en")
