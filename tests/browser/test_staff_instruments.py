"""Institution staff manage an instrument in a real browser: every staff page with something in it, and a
refused edit, in Japanese and English; `shoot` checks that none scrolls sideways at 360 px."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from equipment import services
from tests.bookings.conftest import at, working_day
from tests.browser.conftest import FACTORY_PASSWORD, log_in
from tests.equipment.helpers import image_bytes, pdf_bytes, upload

pytestmark = pytest.mark.django_db(transaction=True)

SECTIONS = [
    "staff-instrument",
    "staff-instrument-rates",
    "staff-instrument-manuals",
    "staff-instrument-photos",
    "staff-instrument-downtime",
    "staff-instrument-qualifications",
]


@pytest.fixture
def furnished(browser, world):
    """The SEM with something in every section, so the tables and the gallery are drawn. (After `browser`:
    Playwright's sync API switches greenlets, and Django keeps a connection per context.)"""
    actor, sem = world.staff_a, world.sem
    sem.specs = {"加速電圧": "0.1–30 kV", "分解能": "0.8 nm (15 kV)・1.2 nm (1 kV)・とても長い説明" * 3}
    sem.save()
    services.add_rate(
        actor=actor,
        instrument=sem,
        user_category="large",
        mode="commissioned",
        amount_jpy=123_456,
        valid_from=timezone.localdate() + timedelta(days=30),
    )
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


@pytest.mark.parametrize(
    "language, refusal, menu",
    [("ja", "最短予約時間が最長予約時間を超えています", "機器管理"), ("en", "The minimum", "Manage instruments")],
)
def test_every_staff_page_fits_a_phone_with_content_and_with_a_refusal(
    browser, live_server, world, furnished, shoot, language, refusal, menu
):
    page = log_in(browser, live_server, "staff_a", password=FACTORY_PASSWORD, locale="ja-JP")
    if language == "en":  # the header's switch (logging in restores the profile's language, Japanese)
        with page.expect_navigation():
            page.select_option("#language", "en")
    assert menu in page.locator("nav.main").inner_text()
    urls = [reverse("staff-instruments"), reverse("staff-instrument-new")]
    urls += [reverse(name, args=[furnished.pk]) for name in SECTIONS]
    for url in urls:
        response = page.goto(live_server.url + url)
        assert response.status == 200 and page.url == live_server.url + url, url  # the page, not the login
        shoot(page, url.strip("/").replace("/", "-"))
    edit = reverse("staff-instrument", args=[furnished.pk])
    page.goto(live_server.url + edit)
    page.fill("#id_min_minutes", "600")
    page.fill("#id_max_minutes", "60")
    page.fill("#id_name_en", "Typed, then refused")
    with page.expect_navigation():
        page.click(f"form[action='{edit}'] button[type=submit]")
    assert refusal in page.locator("#id_min_minutes ~ ul.errorlist").inner_text()
    assert page.input_value("#id_name_en") == "Typed, then refused"
    shoot(page, "refused-edit")
    page.context.close()
