"""The pages that run scripts, in a real browser under the Content-Security-Policy (backend/headers.py): nothing is
refused (conftest's no_violations fails the test on any violation or script error) and every script still does its
work from its static file; Swagger UI draws the API from this site's own files."""

import pytest

from tests.browser.conftest import VIOLATIONS, log_in

pytestmark = pytest.mark.django_db(transaction=True)

# The start of the first free block of the grid the page was given (json_script "time-grid-config").
FIRST_FREE = (
    "() => JSON.parse(document.getElementById('time-grid-config').textContent)"
    ".grid.blocks.find(b => b.kind === 'free').start"
)


def test_the_pages_and_swagger_ui_work_under_the_policy(browser, live_server, demo):
    # The catalogue and an instrument page: photos from /media/, and the time grid (EventCalendar) fills the request
    # form: from the keyboard, the first free time at the minimum length.
    company = log_in(browser, live_server, "company")
    assert "script-src 'self'" in company.goto(live_server.url + "/instruments/").headers["content-security-policy"]
    company.locator(".card:has(img) h2 a").first.click()
    company.wait_for_selector("#request")
    company.wait_for_selector(".time-grid .ec-body")
    first_free = company.evaluate(FIRST_FREE)
    page_url = company.url
    company.locator("#time-grid").focus()
    company.keyboard.press("ArrowDown")
    company.wait_for_function("() => document.getElementById('id_start').value !== ''")
    assert company.input_value("#id_start") == first_free[:16] and company.url == page_url
    photo = company.locator(".gallery img").first
    assert photo.evaluate("img => img.complete && img.naturalWidth > 0")

    # My bookings: the status filter and the language switch send their forms when changed (data-autosubmit).
    company.goto(f"{live_server.url}/bookings/")
    company.select_option("#language", "en")
    company.wait_for_selector("html[lang=en]")
    assert "My bookings" in company.locator("h1").inner_text()
    company.select_option("#language", "ja")
    company.wait_for_selector("html[lang=ja]")

    # Staff: the approval queue.
    staff = log_in(browser, live_server, "staff")
    staff.goto(f"{live_server.url}/staff/queue/")
    staff.wait_for_selector("h1")

    # The secretariat's report: the period picker shows only the chosen kind's inputs; a background build.
    secretariat = log_in(browser, live_server, "secretariat")
    secretariat.goto(f"{live_server.url}/reports/")  # the one consortium's report, or the list to choose from
    if not secretariat.locator("form#period").count():
        secretariat.locator("main ul a").first.click()
    secretariat.wait_for_selector("form#period")
    secretariat.check("input[name=kind][value=month]")
    assert secretariat.locator("#id_month").is_visible() and not secretariat.locator("#id_fy").is_visible()
    secretariat.check("input[name=kind][value=fy]")
    assert secretariat.locator("#id_fy").is_visible() and not secretariat.locator("#id_month").is_visible()
    secretariat.click("button[formaction$='/build/']")
    secretariat.wait_for_selector("#report-status")

    # Swagger UI: its files and start-up script come from this site, and it draws the API's operations.
    response = company.goto(f"{live_server.url}/api/docs/")
    assert (
        response.headers["content-security-policy"]
        == staff.goto(live_server.url + "/").headers["content-security-policy"]
    )
    company.wait_for_selector(".swagger-ui .opblock-tag", timeout=20_000)
    assert company.locator(".swagger-ui .opblock").count() > 20

    assert VIOLATIONS == []
