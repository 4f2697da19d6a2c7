"""Issue #22's small things, in a real browser, in both languages, at 1280 px and 360 px (and a tablet's 800 px,
where tables are still tables but tight): after a request the requester reads what happens next; a researcher of a
non-member institution reads why not and what to do; the site has an icon; no table cell, button, badge or date
breaks in the middle of a word (「日本 / 語」, 「削 / 除」, 「2026年11月12 / 日」) on the staff and booking pages."""

import pytest
from django.urls import reverse

from bookings import services
from tests.bookings.conftest import at, working_day
from tests.browser.conftest import DESKTOP, FACTORY_PASSWORD, PHONE, log_in
from tests.browser.test_staff_instruments import furnished  # noqa: F401 (a fixture: every staff table drawn)
from tests.factories import UserFactory, give_role

pytestmark = pytest.mark.django_db(transaction=True)
TABLET = {"width": 800, "height": 900}

# Words the browser broke across lines: each text token of the elements that must never break (table headers,
# buttons, badges, dates and times) and of short table cells (no space, at most 8 characters: 日本語, 削除, 1.1),
# whose characters lie on more than one line.
BROKEN_WORDS = """() => {
  const broken = [];
  const lines = (node, start, end) => {
    const range = document.createRange();
    range.setStart(node, start);
    range.setEnd(node, end);
    return new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top))).size;
  };
  const check = (element) => {
    if (!element.offsetParent) return;  // not shown
    const hidden = element.closest("thead, .sr-only");  // headers read out only (the phone's stacked tables)
    if (hidden && hidden.getBoundingClientRect().width <= 1) return;
    const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const word of node.data.matchAll(/\\S+/g)) {
        if (lines(node, word.index, word.index + word[0].length) > 1) broken.push(word[0]);
      }
    }
  };
  document.querySelectorAll("table.data th, button, .button, .status, .badge, time, .nowrap").forEach(check);
  document.querySelectorAll("table.data td").forEach(td => {
    const text = td.innerText.trim();
    if (text && text.length <= 8 && !/\\s/.test(text)) check(td);
  });
  return broken;
}"""


def no_word_broken(page, shoot, name: str) -> None:
    """Screenshots at 1280 and 360 px (shoot), and at each of the three widths no word broken across lines."""
    shoot(page, name)
    for size in (DESKTOP, TABLET, PHONE):
        page.set_viewport_size(size)
        assert page.evaluate(BROKEN_WORDS) == [], f"{name} at {size['width']} px"
    page.set_viewport_size(DESKTOP)


@pytest.fixture
def pending(world, furnished):  # noqa: F811
    day = working_day(min_days_ahead=21)  # furnished's downtime takes its first working day
    booking = services.request_booking(
        actor=world.user_a, instrument=furnished, start=at(day, 10), end=at(day, 11), mode="assisted"
    )
    return booking


@pytest.mark.parametrize("language", ["ja", "en"])
def test_no_staff_page_breaks_a_word_at_any_width(browser, live_server, world, pending, shoot, language):
    page = log_in(browser, live_server, "staff_a", password=FACTORY_PASSWORD, language=language)
    sem = pending.instrument
    urls = [reverse("staff-instruments"), reverse("staff-queue"), reverse("staff-calendar")]
    urls += [reverse(name, args=[sem.pk]) for name in ("staff-instrument-rates", "staff-instrument-manuals")]
    urls += [reverse(name, args=[sem.pk]) for name in ("staff-instrument-downtime", "staff-instrument-qualifications")]
    urls += [reverse("booking-page", args=[pending.pk]), reverse("invoice-run-page")]
    for url in urls:
        response = page.goto(live_server.url + url)
        assert response.status == 200 and page.url == live_server.url + url, url
        no_word_broken(page, shoot, url.strip("/").replace("/", "-"))


@pytest.mark.parametrize(
    "language, title, decide",
    [("ja", "このあとの流れ", "までに承認の可否を決めます"), ("en", "What happens next", "staff decide by")],
)
def test_after_a_request_the_requester_reads_what_happens_next(
    browser, live_server, world, pending, shoot, language, title, decide
):
    page = log_in(browser, live_server, "company_a", password=FACTORY_PASSWORD, language=language)
    page.goto(f"{live_server.url}/bookings/{pending.pk}/")
    steps = page.locator("#next-steps")
    assert title in steps.locator("h2").inner_text() and decide in steps.inner_text()
    assert steps.locator("time").count() == 2  # the decision deadline and the last moment to cancel
    no_word_broken(page, shoot, "booking")
    page.goto(f"{live_server.url}{reverse('my-bookings')}")
    no_word_broken(page, shoot, "my-bookings")


@pytest.mark.parametrize(
    "language, plainly, own", [("ja", "会員ではありません", "TAMA協議会"), ("en", "is not a member of", "TAMA協議会")]
)
def test_a_researcher_of_a_non_member_institution_reads_why_and_what_to_do(
    browser, live_server, world, shoot, language, plainly, own
):
    outsider = UserFactory(username="outsider")
    give_role(outsider, "researcher", institution=world.inst_c)  # TAMA only; the SEM is shared in hokkaido
    page = log_in(browser, live_server, "outsider", password=FACTORY_PASSWORD, language=language)
    page.goto(f"{live_server.url}/instruments/{world.sem.pk}/")
    panel = page.locator("#not-member")
    assert plainly in panel.inner_text() and panel.locator(f"a:has-text('{own}')").count() == 1
    assert page.locator("#id_start").count() == 0  # no form that could only be refused
    no_word_broken(page, shoot, "instrument")
    panel.locator(f"a:has-text('{own}')").click()
    assert page.locator("#id_consortium").input_value() == str(world.tama.pk)  # the catalogue, filtered to it


def test_the_site_has_an_icon_and_favicon_ico_is_found(browser, live_server, world):
    page = log_in(browser, live_server, "company_a", password=FACTORY_PASSWORD)
    icons = page.locator("head link[rel=icon]")
    assert icons.count() == 2
    for href in (icons.nth(0).get_attribute("href"), icons.nth(1).get_attribute("href")):
        response = page.request.get(live_server.url + href)
        assert response.ok and response.headers["content-type"].startswith("image/"), href
    touch = page.request.get(live_server.url + page.locator("head link[rel=apple-touch-icon]").get_attribute("href"))
    assert touch.ok and touch.headers["content-type"] == "image/png"
    bare = page.request.get(live_server.url + "/favicon.ico")  # asked for by browsers without reading the page
    assert bare.ok and bare.headers["content-type"] in ("image/x-icon", "image/vnd.microsoft.icon")
