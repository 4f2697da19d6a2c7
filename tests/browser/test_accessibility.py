"""An accessibility scan (axe-core, through axe-playwright-python) of the pages where people meet time and of every
role's home page, in both languages and at desktop and phone width: no serious or critical violation."""

import pytest

from bookings.models import Booking
from equipment.models import Instrument
from tests.browser.conftest import PHONE, log_in

pytestmark = pytest.mark.django_db(transaction=True)

SEVERE = {"serious", "critical"}


def severe_violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{page.url} [{v['impact']}] {v['id']}: {v['help']} — "
        + "; ".join(
            " ".join(node["target"]) if isinstance(node["target"], list) else str(node["target"])
            for node in v["nodes"][:5]
        )
        for v in results.response["violations"]
        if v.get("impact") in SEVERE
    ]


def scan(page, url: str, found: list[str]) -> None:
    page.goto(url)
    page.wait_for_load_state("networkidle")
    found.extend(severe_violations(page))
    page.set_viewport_size(PHONE)
    page.wait_for_timeout(150)
    found.extend(f"(360 px) {v}" for v in severe_violations(page))


@pytest.mark.parametrize("language", ["ja", "en"])
def test_no_serious_or_critical_violation_on_the_pages_of_time_and_the_homes(browser, live_server, demo, language):
    base = live_server.url
    instrument = Instrument.objects.filter(status=Instrument.Status.ACTIVE).order_by("id").first()
    found: list[str] = []

    anonymous = browser.new_context(locale="ja-JP" if language == "ja" else "en-US").new_page()
    for url in ("/", "/instruments/", f"/instruments/{instrument.pk}/"):
        scan(anonymous, base + url, found)

    company = log_in(browser, live_server, "company", language=language)
    for url in ("/", "/instruments/", f"/instruments/{instrument.pk}/", "/bookings/"):
        scan(company, base + url, found)

    staff = log_in(browser, live_server, "staff", language=language)
    pending = Booking.objects.filter(
        status=Booking.Status.PENDING, instrument__institution__roles__user__username="staff"
    ).first()
    for url in ("/", "/staff/calendar/", "/staff/queue/", *([f"/bookings/{pending.pk}/"] if pending else [])):
        scan(staff, base + url, found)

    for username in ("secretariat", "coordinator", "researcher"):
        scan(log_in(browser, live_server, username, language=language), base + "/", found)

    assert found == [], "\n".join(found)
