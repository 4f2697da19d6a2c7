"""Each role's home page in a real browser on the demo data: the counts of what waits for them, in the section and
as the header's badge (Japanese at 1280 px), then the same page in English at 360 px, where the nav folds behind
the menu button, which opens it."""

import pytest

from consortia.models import User
from home.selectors import home_of, waiting_counts
from tests.browser.conftest import PHONE, log_in

pytestmark = pytest.mark.django_db(transaction=True)

# (user, the section that waits for them, the nav link its badge sits on, the Waiting field that counts it)
ROLES = [
    ("company", "proposals", "/bookings/", "proposals"),
    ("staff", "to_decide", "/staff/queue/", "to_decide"),
    ("coordinator", "to_refer", "/consultations/", "to_refer"),
    ("secretariat", "figures", None, None),
]
HEADINGS = {
    "ja": {
        "proposals": "回答待ちの提案",
        "to_decide": "判断待ちの申請",
        "to_refer": "紹介待ちの相談",
        "figures": "利用実績",
    },
    "en": {
        "proposals": "Proposals to answer",
        "to_decide": "Requests to decide",
        "to_refer": "Consultations to refer",
        "figures": "Usage statistics",
    },
}


def test_each_roles_home_shows_its_counts_and_the_phone_menu_opens(browser, live_server, demo, shoot):
    for username, key, link, field in ROLES:
        user = User.objects.get(username=username)
        expected = {s.key: s.count for s in home_of(user)}[key]
        badge = getattr(waiting_counts(user), field) if field else 0
        assert expected > 0 or key == "figures", f"the demo data has nothing for {username}'s {key}"

        page = log_in(browser, live_server, username, language="ja")
        section = page.locator(f"section#{key}")
        assert HEADINGS["ja"][key] in section.locator("h2").inner_text()
        if key == "figures":
            assert section.locator("table.data").count() >= 1 and section.locator("a[href*='/reports/']").count() >= 2
        else:
            assert section.get_attribute("data-count") == str(expected)
            assert section.locator("h2 .badge").inner_text() == str(expected)
            assert section.locator("ul.home-list li").count() == min(expected, 8)
            assert page.locator(f"nav.main a[href='{link}'] .badge").inner_text().startswith(str(badge))
        # the first item opens the page where it is acted on
        assert section.locator("a").count() >= 1
        shoot(page, f"{username}-ja")

        User.objects.filter(username=username).update(language="en")
        page.reload()
        page.wait_for_selector("html[lang=en]")
        page.set_viewport_size(PHONE)
        toggle, nav = page.locator("header.site .menu-toggle"), page.locator("nav.main")
        assert toggle.is_visible() and not nav.is_visible()
        assert toggle.get_attribute("aria-expanded") == "false" and toggle.inner_text().startswith("Menu")
        toggle.click()
        assert nav.is_visible() and toggle.get_attribute("aria-expanded") == "true"
        assert HEADINGS["en"][key] in page.locator(f"section#{key} h2").inner_text()
        if link:
            assert page.locator(f"nav.main a[href='{link}'] .badge").is_visible()
        shoot(page, f"{username}-en-menu-open")
        page.set_viewport_size(PHONE)
        page.keyboard.press("Escape")
        assert not nav.is_visible() and toggle.get_attribute("aria-expanded") == "false"
        page.context.close()


def test_without_javascript_the_nav_stays_open_on_a_phone(browser, live_server):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False, locale="ja-JP")
    page = context.new_page()
    page.goto(f"{live_server.url}/")
    assert page.locator("nav.main a[href='/instruments/']").is_visible()
    assert not page.locator("header.site .menu-toggle").is_visible()
    context.close()
