"""The staff pages at a phone's width, in a real Chromium: nothing wider than 360 px, with content and with
a refusal shown."""

import os
import shutil
from datetime import timedelta

import pytest
from django.db import connections
from django.urls import reverse
from django.utils import timezone

from equipment import services
from tests.bookings.conftest import at, working_day
from tests.equipment.helpers import image_bytes, pdf_bytes, upload

pytestmark = pytest.mark.browser

SECTIONS = [
    "staff-instrument",
    "staff-instrument-rates",
    "staff-instrument-manuals",
    "staff-instrument-photos",
    "staff-instrument-downtime",
    "staff-instrument-qualifications",
]
PHONE = {"width": 360, "height": 740}


def chromium_path() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if path := shutil.which(name):
            return path
    return None


@pytest.fixture
def furnished(world):
    """The SEM with something in every section, so the tables and the gallery are drawn."""
    actor, sem = world.staff_a, world.sem
    sem.specs = {"加速電圧": "0.1–30 kV", "分解能": "0.8 nm (15 kV)・1.2 nm (1 kV)・とても長い説明" * 3}
    sem.save()
    services.add_rate(
        actor=actor, instrument=sem, user_category="large", mode="commissioned", amount_jpy=123_456,
        valid_from=timezone.localdate() + timedelta(days=30),
    )  # fmt: skip
    services.upload_manual(
        actor=actor, instrument=sem, upload=upload("m.pdf", pdf_bytes()), title="操作手順書", version="1"
    )
    services.upload_photo(actor=actor, instrument=sem, upload=upload("p.jpg", image_bytes(size=(1600, 1200))))
    day = working_day()
    services.add_downtime(
        actor=actor, instrument=sem, start=at(day, 9), end=at(day, 17), title="定期点検", note="業者立会い"
    )
    services.grant_qualification(actor=actor, instrument=sem, user=world.user_a, note="講習修了")
    return sem


def test_no_staff_page_scrolls_sideways_at_360_px(transactional_db, world, furnished, client, live_server):
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")
    chromium = chromium_path()
    if chromium is None:
        pytest.skip("no Chromium on this machine")
    client.force_login(world.staff_a)
    session = client.cookies["sessionid"].value
    urls = [reverse("staff-instruments"), reverse("staff-instrument-new")]
    urls += [reverse(name, args=[furnished.pk]) for name in SECTIONS]
    edit = reverse("staff-instrument", args=[furnished.pk])
    # Playwright's sync API switches greenlets, and with them the context Django keeps this thread's
    # connection in: close it now (it would otherwise outlive the test database), and use no ORM below.
    connections.close_all()
    too_wide = {}
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium)
        for locale in ("ja-JP", "en-US"):  # the page language follows the browser's
            context = browser.new_context(viewport=PHONE, locale=locale)
            context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
            page = context.new_page()
            for url in urls:
                response = page.goto(live_server.url + url)
                assert response.status == 200 and page.url == live_server.url + url, url  # the page, not the login
                if (width := page.evaluate("document.documentElement.scrollWidth")) > PHONE["width"]:
                    too_wide[locale, url] = width
                screenshot(page, f"{locale}{url}")
            # A refusal drawn on the page (errors under the fields) must not widen it either.
            page.goto(live_server.url + edit)
            page.fill("#id_min_minutes", "600")
            page.fill("#id_max_minutes", "60")
            with page.expect_navigation():
                page.click(f"form[action='{edit}'] button[type=submit]")
            assert "(The minimum length exceeds the maximum length.)" in page.content()
            if (width := page.evaluate("document.documentElement.scrollWidth")) > PHONE["width"]:
                too_wide[locale, "refused edit"] = width
            screenshot(page, f"{locale}-refused")
            context.close()
        browser.close()
    assert too_wide == {}


def screenshot(page, name: str) -> None:
    """KYOYO_SCREENSHOTS=<folder> keeps what the browser drew, to look at."""
    if folder := os.environ.get("KYOYO_SCREENSHOTS"):
        page.screenshot(path=f"{folder}/{name.strip('/').replace('/', '_')}.png", full_page=True)
