"""A company admin invites a colleague, who accepts in a real browser (issue #19): the demo company admin `company`
invites an address from the company's people page, the colleague opens the link of the e-mail, creates their
account and lands on their home page as a company user. Screenshots at 1280 and 360 px, in Japanese and English."""

import re

import pytest
from django.core import mail

from consortia.models import Role, User
from notifications.models import Notification
from tests.browser.conftest import DESKTOP, LOCALES, log_in, watch

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a long unusual pass 42"


def link_of_email(address: str) -> str:
    """The invitation link of the e-mail sent to `address` (the outbox row is what was mailed)."""
    sent = [m.body for m in mail.outbox if address in m.to]
    body = sent[-1] if sent else Notification.objects.get(to_email=address).body
    return re.search(r"https?://\S+/invitations/\S+/", body).group(0)


@pytest.mark.parametrize(
    "language, sent, welcome",
    [("ja", "招待を送りました", "ようこそ"), ("en", "The invitation was sent", "Welcome")],
    ids=["ja", "en"],
)
def test_a_company_admin_invites_a_colleague_who_accepts(browser, live_server, demo, shoot, language, sent, welcome):
    page = log_in(browser, live_server, "company", language=language)
    page.click("nav.main a[href='/company/people/']")
    page.wait_for_selector("#invite")
    page.fill("#id_email", "colleague@example.jp")
    page.select_option("#id_role", "company_member")
    with page.expect_navigation():
        page.click("#invite button[type=submit]")
    assert sent in page.content()
    assert "colleague@example.jp" in page.locator("#invitations").inner_text()
    shoot(page, "company-people")

    link = link_of_email("colleague@example.jp").replace("http://127.0.0.1:8000", live_server.url)
    context = browser.new_context(viewport=DESKTOP, locale=LOCALES[language])
    colleague = context.new_page()
    watch(colleague)
    colleague.goto(link)
    colleague.wait_for_selector("#new-account")
    shoot(colleague, "invitation")
    colleague.fill("#id_last_name", "佐々木")
    colleague.fill("#id_first_name", "健")
    colleague.fill("#id_last_name_kana", "ササキ")
    colleague.fill("#id_first_name_kana", "ケン")
    colleague.select_option("#id_language", language)
    colleague.fill("#id_password1", PASSWORD)
    colleague.fill("#id_password2", PASSWORD)
    colleague.check("#id_accepts_terms")
    colleague.check("#id_accepts_privacy")
    with colleague.expect_navigation():
        colleague.click("#create")
    assert colleague.url == f"{live_server.url}/"
    assert welcome in colleague.content()
    shoot(colleague, "home-of-the-colleague")

    user = User.objects.get(email="colleague@example.jp")
    assert list(Role.objects.filter(user=user).values_list("kind", "company__name")) == [
        ("company_member", Role.objects.get(user__username="company", kind="company_admin").company.name)
    ]
    colleague.goto(link)  # the link works once
    assert colleague.locator("#why").is_visible()
    context.close()
