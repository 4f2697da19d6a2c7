"""The account page in a real browser (issue #19): a company user edits their name (a hiragana reading is stored
as katakana), turns the morning digest off, revokes an API token and downloads their data; screenshots at 1280 and
360 px in Japanese and English (`shoot` checks that nothing scrolls sideways)."""

import json

import pytest

from consortia.models import ApiToken, User
from consortia.services import issue_api_token
from tests.browser.conftest import FACTORY_PASSWORD
from tests.browser.conftest import log_in as log_in_as

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize(
    "language, saved, revoked",
    [("ja", "保存しました", "失効させました"), ("en", "saved", "revoked")],
    ids=["ja", "en"],
)
def test_a_person_keeps_their_account(browser, live_server, world, shoot, language, saved, revoked):
    token, _key = issue_api_token(user=world.user_b, name="解析スクリプト")
    page = log_in_as(browser, live_server, "company_b", password=FACTORY_PASSWORD, language=language)
    page.click("header a[href='/account/']")
    page.wait_for_url(f"{live_server.url}/account/")
    assert token.prefix in page.locator("#security").inner_text()
    shoot(page, "account")

    page.fill("#id_last_name", "渡辺")
    page.fill("#id_first_name", "由美")
    page.fill("#id_last_name_kana", "わたなべ")
    page.fill("#id_first_name_kana", "ゆみ")
    with page.expect_navigation():
        page.click("#profile button[type=submit]")
    assert saved in page.locator("ul.messages").inner_text()
    user = User.objects.get(pk=world.user_b.pk)
    assert (user.last_name, user.last_name_kana, user.first_name_kana) == ("渡辺", "ワタナベ", "ユミ")

    page.uncheck("#id_receives_digests")
    with page.expect_navigation():
        page.click("#emails button[type=submit]")
    assert saved in page.locator("ul.messages").inner_text()
    assert not User.objects.get(pk=world.user_b.pk).receives_digests
    assert not page.is_checked("#id_receives_digests") and page.is_checked("#id_receives_reminders")

    with page.expect_navigation():
        page.click(f"form[action='/account/tokens/{token.pk}/revoke/'] button")
    assert revoked in page.locator("ul.messages").inner_text()
    assert not ApiToken.objects.filter(pk=token.pk).exists()

    with page.expect_download() as download:
        page.click("#data a[href='/account/data/']")
    assert download.value.suggested_filename.startswith("kyoyo-personal-data-company_b-")
    data = json.loads(open(download.value.path(), encoding="utf-8").read())
    assert data["profile"]["last_name_kana"] == "ワタナベ" and data["api_tokens"] == []
    shoot(page, "account-saved")

    page.click("#close a")
    page.wait_for_url(f"{live_server.url}/account/deactivate/")
    shoot(page, "account-deactivate")
