"""The institution's fees and billing details page in a real browser (issue #22): its administrator fills in the
account to pay into and the terms, a bad account number is refused next to its field with what was typed kept,
then saved; screenshots at 1280 and 360 px in Japanese and English (`shoot` checks that nothing scrolls sideways)."""

import pytest

from consortia.models import BillingDetails
from tests.browser.conftest import FACTORY_PASSWORD
from tests.browser.conftest import log_in as log_in_as

pytestmark = pytest.mark.django_db(transaction=True)


def log_in(browser, live_server, username, locale):
    page = log_in_as(browser, live_server, username, password=FACTORY_PASSWORD, locale=locale)
    if locale.startswith("en"):
        with page.expect_navigation():
            page.select_option("#language", "en")
    return page


@pytest.mark.parametrize(
    "locale, refusal, saved, plainly",
    [
        ("ja-JP", "7桁", "保存しました", "振込先が未登録"),
        ("en-US", "7 digits", "saved", "No account to pay into"),
    ],
    ids=["ja", "en"],
)
def test_the_administrator_fills_in_the_billing_details(
    browser, live_server, world, shoot, locale, refusal, saved, plainly
):
    page = log_in(browser, live_server, "staff_a", locale)
    page.goto(f"{live_server.url}/staff/institution/")
    assert plainly in page.locator("#no-account").inner_text()
    shoot(page, "institution-details-empty")

    page.fill("#id_bank_name", "北洋銀行")
    page.fill("#id_bank_branch", "札幌中央支店")
    page.select_option("#id_account_type", "ordinary")
    page.fill("#id_account_number", "12345")
    page.fill("#id_account_holder", "ﾁﾎｳﾄﾞｸﾘﾂｷﾞｮｳｾｲﾎｳｼﾞﾝ")
    page.select_option("#id_payment_term", "days_after_issue")
    page.fill("#id_payment_days", "20")
    page.fill("#id_quotation_valid_days", "60")
    page.fill("#id_contact_department", "企画調整部 会計担当")
    page.fill("#id_contact_phone", "011-747-2211")
    page.fill("#id_contact_email", "kaikei@example.jp")
    with page.expect_navigation():
        page.click("form.stacked button[type=submit]")
    assert refusal in page.locator("#id_account_number ~ ul.errorlist").inner_text()
    assert page.input_value("#id_account_holder") == "ﾁﾎｳﾄﾞｸﾘﾂｷﾞｮｳｾｲﾎｳｼﾞﾝ"  # what was typed is kept
    assert not BillingDetails.objects.exists()
    shoot(page, "institution-details-refused")

    page.fill("#id_account_number", "0123456")
    with page.expect_navigation():
        page.click("form.stacked button[type=submit]")
    assert saved in page.content()
    assert page.input_value("#id_account_holder") == "チホウドクリツギョウセイホウジン"  # as the bank writes it
    assert page.locator("#no-account").count() == 0
    shoot(page, "institution-details-saved")
    page.context.close()
