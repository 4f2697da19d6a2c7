"""Fees, invoices and usage reports in a real browser: the staff's monthly run with its preview, the invoice and
booking pages with their documents, the company's invoice list and the usage-report form with a refusal, in
Japanese and English; `shoot` checks that none scrolls sideways at 360 px."""

import re

import pytest

from tests.browser.conftest import FACTORY_PASSWORD
from tests.browser.conftest import log_in as log_in_as
from tests.invoices.conftest import billing  # noqa: F401 (fixtures used below)
from tests.usage_reports.conftest import uses  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)


def log_in(browser, live_server, username, locale):
    """Logged in, the page in the locale's language (the header's switch: a login keeps the user's own language)."""
    page = log_in_as(browser, live_server, username, password=FACTORY_PASSWORD, locale=locale)
    if locale.startswith("en"):
        with page.expect_navigation():
            page.select_option("#language", "en")
    return page


@pytest.fixture
def data(browser, billing, uses):  # noqa: F811 — after `browser`, see test_staff_instruments.furnished
    return billing, uses


@pytest.mark.parametrize(
    "locale, issue, refusal",
    # The run's button names the number of invoices in the page's language (however the sentence is worded).
    [
        ("ja-JP", r"2\s*件の請求書を発行", "必須"),
        ("en-US", r"(?i)\b2\b.*\binvoices?\b|\binvoices?\b.*\b2\b", "required"),
    ],
)
def test_invoice_run_documents_and_usage_reports_fit_a_phone(
    browser, live_server, world, data, shoot, locale, issue, refusal
):
    bookings, owed = data
    page = log_in(browser, live_server, "staff_a", locale)
    page.goto(f"{live_server.url}/staff/invoices/?institution={world.inst_a.id}&month=2025-10")
    assert "46,175" in page.content()
    shoot(page, "invoice-run-preview")
    button = page.locator("form.actions button[type=submit]")
    assert re.search(issue, button.inner_text()), button.inner_text()
    with page.expect_navigation():
        button.click()
    assert "/invoices/?month=2025-10" in page.url and page.locator("table.data tbody tr").count() == 2
    shoot(page, "invoice-list-staff")
    page.click("table.data tbody tr:first-child a")
    shoot(page, "invoice-detail-staff")
    page.goto(f"{live_server.url}/bookings/{bookings.b_big.pk}/")
    shoot(page, "booking-with-documents")
    page.context.close()

    page = log_in(browser, live_server, "company_a", locale)
    page.goto(f"{live_server.url}/invoices/")
    assert page.locator("table.data tbody tr").count() == 1
    shoot(page, "invoice-list-company")
    page.goto(f"{live_server.url}/usage-reports/?status=owed")
    shoot(page, "usage-reports-owed")
    page.goto(f"{live_server.url}/usage-reports/{owed.recent.pk}/")
    page.fill("#id_publications", "Typed, then refused")
    with page.expect_navigation():
        page.click("form.stacked button[type=submit]")
    assert refusal in page.locator("#id_summary ~ ul.errorlist").inner_text()
    assert page.input_value("#id_publications") == "Typed, then refused"
    shoot(page, "usage-report-refused")
    page.context.close()
