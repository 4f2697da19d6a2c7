"""The whole flow in a real browser, on the demo data, in Japanese and in English (the users' own language
setting): a company finds an instrument with a full-width search, asks for a slot and sees the quote; a request
outside opening hours shows the rule beside the form; staff approve in the queue; the company sees the approval
and downloads the .ics. The secretariat opens the fiscal year's report."""

import re

import pytest

from bookings.models import Booking
from tests.browser.conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)

# The free blocks of the grid the instrument page was given (json_script "time-grid-config"), Tokyo RFC 3339.
FREE_BLOCKS = (
    "() => JSON.parse(document.getElementById('time-grid-config').textContent)"
    ".grid.blocks.filter(b => b.kind === 'free')"
)

# What each language's pages say (the demo's names: name / name_en) and what its user types.
SAYS = {
    "ja": {
        "sem": "走査電子顕微鏡",
        "instrument": "電界放出形走査電子顕微鏡 JSM-IT800",
        "outside_hours": "利用可能時間外",
        "night": "夜間測定の相談",
        "purpose": "樹脂破断面の観察",
        "total": r"合計\s*[\d,]+円",
        "pending": "承認待ち",
        "approved": "承認済み",
        "reports": "利用実績",
        "fiscal_year": r"\d{4}年度",
    },
    "en": {
        "sem": "SEM",
        "instrument": "Field-emission SEM JSM-IT800",
        "outside_hours": "outside the instrument's opening hours",
        "night": "Night measurement, to discuss",
        "purpose": "Observing a resin fracture surface",
        "total": r"Total\s*¥[\d,]+",
        "pending": "pending",
        "approved": "approved",
        "reports": "Usage statistics",
        "fiscal_year": r"FY\s?\d{4}",
    },
}


@pytest.mark.parametrize("language", ["ja", "en"])
def test_a_company_books_staff_approve_and_the_company_gets_the_calendar_entry(
    browser, live_server, demo, shoot, language
):
    says = SAYS[language]
    company = log_in(browser, live_server, "company", language=language)
    shoot(company, "home")
    company.click("nav.main a[href='/instruments/']")  # the catalogue: one click from the home page
    company.wait_for_selector("form.search")
    shoot(company, "catalogue")

    # Find an instrument with a full-width search.
    company.fill("#id_q", "ＳＥＭ")
    company.click("form.search button[type=submit]")
    company.wait_for_selector("#result-count")
    names = company.locator(".card h2").all_inner_texts()
    assert names and all(says["sem"] in name for name in names), names
    shoot(company, "search-sem")
    company.click(f"text={says['instrument']}")
    company.wait_for_selector("#request")
    assert says["instrument"] in company.locator("h1").inner_text()
    shoot(company, "instrument")

    # A request outside opening hours: the rule's message beside the form, the input kept.
    free = company.evaluate(FREE_BLOCKS)  # the grid's free time, as the page gave it to its script
    day = free[0]["start"][:10]
    company.fill("#id_start", f"{day}T20:00")
    company.fill("#id_end", f"{day}T21:00")
    company.select_option("#id_mode", "assisted")
    company.fill("#id_purpose", says["night"])
    company.click("button[value=preview]")
    error = company.locator("#id_start ~ ul.errorlist")
    assert says["outside_hours"].lower() in error.inner_text().lower()
    assert company.input_value("#id_purpose") == says["night"]
    shoot(company, "refused-outside-hours")

    # Type a free hour of the grid (the first free time may be a short end of the day, depending on the hour the
    # test runs at), see the quote, send. (Choosing it on the grid itself: tests/browser/test_time_grid.py.)
    long_enough = [b for b in free if _minutes(b["end"][:16]) - _minutes(b["start"][:16]) >= 60]
    start = long_enough[0]["start"][:16]
    company.fill("#id_start", start)
    company.fill("#id_end", start[:11] + f"{int(start[11:13]) + 1:02d}" + start[13:])
    company.select_option("#id_mode", "assisted")
    company.fill("#id_purpose", says["purpose"])
    company.click("button[value=preview]")
    quote = company.locator("#quote")
    assert re.search(says["total"], quote.inner_text()), quote.inner_text()
    shoot(company, "quote")
    company.click("button[value=send]")
    company.wait_for_load_state("domcontentloaded")
    assert re.search(r"/bookings/\d+/(#.*)?$", company.url), company.locator("main").inner_text()[:1500]
    booking = Booking.objects.get(requester__username="company", purpose=says["purpose"])
    assert says["pending"] in company.locator("h1").inner_text().lower()  # "Pending", capitalised, in English
    shoot(company, "requested")

    # Staff approve in the queue.
    staff = log_in(browser, live_server, "staff", language=language)
    staff.goto(f"{live_server.url}/staff/queue/")
    assert "株式会社石狩精密工業" in staff.locator("table.data").inner_text()  # the company's name: data
    shoot(staff, "queue")
    staff.click(f"a[href='/bookings/{booking.pk}/']")
    staff.click("form[action$='/approve/'] button[type=submit]")
    staff.wait_for_selector("ul.messages")
    assert says["approved"] in staff.locator("h1").inner_text().lower()
    shoot(staff, "approved")

    # The company sees it approved and downloads the calendar entry.
    company.goto(f"{live_server.url}/bookings/")
    row = company.locator(f"tr:has(a[href='/bookings/{booking.pk}/'])")
    assert says["approved"] in row.inner_text().lower()
    shoot(company, "my-bookings")
    company.goto(f"{live_server.url}/bookings/{booking.pk}/")
    with company.expect_download() as download:
        company.click(f"a[href='/bookings/{booking.pk}/calendar.ics']")
    content = open(download.value.path(), encoding="utf-8").read()
    assert f"UID:{booking.uid}@kyoyo" in content and "STATUS:CONFIRMED" in content


@pytest.mark.parametrize("language", ["ja", "en"])
def test_the_secretariat_opens_this_fiscal_years_report_with_hours_and_charts(
    browser, live_server, demo, shoot, language
):
    says = SAYS[language]
    secretariat = log_in(browser, live_server, "secretariat", language=language)
    reports = secretariat.locator("nav.main a[href='/reports/']")
    assert reports.inner_text().strip() == says["reports"]
    reports.click()
    secretariat.wait_for_selector("#totals")
    assert re.search(says["fiscal_year"], secretariat.locator("main h2").first.inner_text())
    totals = secretariat.locator("#totals").inner_text()
    hours = [float(h.replace(",", "")) for h in re.findall(r"([\d,]+\.\d) h", totals)]
    assert len(hours) >= 3 and hours[0] > 0 and hours[2] > 0, totals  # available, booked, used (then lead time)
    assert secretariat.locator("figure.chart svg:visible").count() == 3  # the trend has a phone version too
    assert secretariat.locator("figure.chart rect.bar").count() > 3
    shoot(secretariat, "report")

    # A month, then a background build with visible progress.
    secretariat.check("input[name=kind][value=month]")
    assert secretariat.is_visible("#id_month") and not secretariat.is_visible("#id_fy")
    secretariat.check("input[name=kind][value=fy]")
    secretariat.click("button[formaction$='/build/']")
    secretariat.wait_for_selector("#downloads:not([hidden])", timeout=60_000)
    assert secretariat.locator("#progress").get_attribute("value") == "100"
    shoot(secretariat, "report-built")


def _minutes(local: str) -> int:
    """Minutes since midnight of a "YYYY-MM-DDTHH:MM" slot bound (a slot never spans midnight)."""
    return int(local[11:13]) * 60 + int(local[14:16])
