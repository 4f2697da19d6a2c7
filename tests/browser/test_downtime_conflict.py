"""Staff put a downtime over an approved booking in a real browser: the page shows the booking before anything is
saved and asks what to do with it; the company user then sees the conflict on their booking page and has an
e-mail. Staff in Japanese, the company user in English; `shoot` checks both at 1280 and 360 px."""

import pytest
from django.core import mail
from django.urls import reverse

from bookings import services
from equipment.models import Downtime
from notifications.models import Notification
from tests.bookings.conftest import at, working_day
from tests.browser.conftest import FACTORY_PASSWORD, log_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def approved(browser, world, sem):
    """An approved booking of company A on the SEM (after `browser`: Playwright's sync API switches greenlets)."""
    day = working_day()
    booking = services.request_booking(
        actor=world.user_a, instrument=sem, start=at(day, 10), end=at(day, 12), mode="assisted", purpose="観察"
    )
    return services.approve(actor=world.staff_a, booking=booking)


def test_a_downtime_over_an_approved_booking_asks_first_and_the_company_is_told(
    browser, live_server, world, sem, approved, shoot
):
    mail.outbox.clear()
    world.user_a.language = "en"  # the company user reads English: so does their e-mail, whoever wrote it
    world.user_a.save(update_fields=["language"])
    day = approved.start.astimezone(at(working_day(), 0).tzinfo).date()
    staff = log_in(browser, live_server, world.staff_a.username, password=FACTORY_PASSWORD, language="ja")
    staff.goto(live_server.url + reverse("staff-instrument-downtime", args=[sem.pk]))
    staff.fill("#id_add-start", f"{day:%Y-%m-%d}T09:00")
    staff.fill("#id_add-end", f"{day:%Y-%m-%d}T13:00")
    staff.fill("#id_add-title", "真空ポンプ交換")
    staff.click("#add button[type=submit]")
    staff.wait_for_selector(f"#booking-{approved.pk}")
    assert "この変更の影響を受ける予約" in staff.content()
    assert not Downtime.objects.exists()
    shoot(staff, "choice")
    staff.check(f"input[name=b{approved.pk}-action][value=keep]")
    staff.fill(f"#id_b{approved.pk}-reason", "午前中は短縮運転になります")
    shoot(staff, "choice-made")
    staff.click("form.stacked button[type=submit]")
    staff.wait_for_selector("text=停止期間を登録しました")
    assert Downtime.objects.get().title == "真空ポンプ交換"
    shoot(staff, "saved")

    company = log_in(browser, live_server, world.user_a.username, password=FACTORY_PASSWORD, language="en")
    company.goto(live_server.url + reverse("booking-page", args=[approved.pk]))
    company.wait_for_selector("text=which overlaps this booking")
    assert "Kept despite a staff change" in company.content()
    shoot(company, "booking-page")
    notice = Notification.objects.get(recipient=world.user_a, subject__contains="A staff change affects your booking")
    assert "午前中は短縮運転になります" in notice.body and "scheduled a downtime" in notice.body
    assert [m.to for m in mail.outbox] == [[world.user_a.email]]
