"""A technical consultation in a real browser, on the demo data, in Japanese and in English (the users' own
language setting): a company writes 「樹脂の破断面を観察したい」 (the matching reads Japanese, and people write
it whatever the page's language), sees a scanning electron microscope suggested at once and follows its link to
the instrument's page; the coordinator refers it from the suggestion; the referred staff answer in the thread;
the company reads the answer. `shoot` checks every step at 360 px too."""

import re

import pytest

from consultations.models import Consultation
from tests.browser.conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)
TITLE = "樹脂の破断面を観察したい"
# What each language's pages say. AIST: the demo's `staff` work there; it has the JSM-IT800 SEM.
SAYS = {
    "ja": {
        "consultations": "技術相談",
        "new": "新しく相談する",
        "sem": "走査電子顕微鏡",
        "match": "一致度",
        "refer": "この機関に紹介する",
        "referred": "紹介済み",
        "answered": "回答あり",
        "aist": "産業技術総合研究所",
    },
    "en": {
        "consultations": "Consultations",
        "new": "New consultation",
        "sem": "SEM",
        "match": "match",
        "refer": "Refer to this institution",
        "referred": "referred",
        "answered": "answered",
        "aist": "National Institute of Advanced Industrial Science and Technology",
    },
}


@pytest.mark.parametrize("language", ["ja", "en"])
def test_a_company_asks_the_coordinator_refers_and_the_staff_answer(browser, live_server, demo, shoot, language):
    says = SAYS[language]
    aist = says["aist"]
    # The company asks in everyday words and sees the suggestions at once.
    company = log_in(browser, live_server, "company", language=language)
    company.click(f"nav.main >> text={says['consultations']}")
    company.wait_for_selector("table#consultations")
    shoot(company, "company-list")
    company.click(f"text={says['new']}")
    company.wait_for_selector("#id_description")
    shoot(company, "new-form")
    company.fill("#id_title", TITLE)
    company.fill(
        "#id_description", "射出成形した部品が出荷後に割れました。" + TITLE + "。どこに頼めばよいか分かりません"
    )
    company.click("button[value=preview]")
    company.wait_for_selector("#preview ol.suggestions")
    assert says["sem"] in company.locator("#preview").inner_text()
    shoot(company, "preview")
    company.click("button[value=send]")
    company.wait_for_selector("#suggestions")
    assert re.search(r"/consultations/\d+/$", company.url), company.url
    consultation_url = company.url
    suggestions = company.locator("ol.suggestions")
    sem = suggestions.locator("a[href^='/instruments/']", has_text=says["sem"]).first
    assert sem.is_visible() and says["match"] in suggestions.inner_text()
    # What fits first, and no reason names a single character (分 of 分かりません).
    assert says["sem"] in suggestions.locator(".category").first.inner_text()
    reasons = " ".join(suggestions.locator(".reason").all_inner_texts())
    assert "「分」" not in reasons and "“分”" not in reasons
    shoot(company, "asked-with-suggestions")
    href = sem.get_attribute("href")
    sem.click()
    company.wait_for_selector("#request")
    assert company.url.endswith(href) and says["sem"] in company.locator("h1").inner_text()
    shoot(company, "suggested-instrument")

    # The coordinator finds it in the inbox and refers it to the institution suggested.
    coordinator = log_in(browser, live_server, "coordinator", language=language)
    coordinator.goto(f"{live_server.url}/consultations/?unreferred=on")
    assert TITLE in coordinator.locator("table#consultations").inner_text()
    shoot(coordinator, "inbox")
    coordinator.goto(consultation_url)
    suggestion = coordinator.locator("li.suggestion", has=coordinator.locator("h3", has_text=aist)).first
    suggestion.locator("a[href*='refer_to=']", has_text=says["refer"]).click()
    coordinator.wait_for_selector("form#refer")
    assert aist in coordinator.locator("#id_institution option:checked").inner_text()
    # Instruments and experts are checkboxes, only the chosen institution's box shown (a thumb ticks them).
    assert coordinator.locator("#id_instruments input:checked").count() >= 1
    boxes = coordinator.locator("#id_instruments .check-group")
    assert boxes.count() > 1 and coordinator.locator("#id_instruments .check-group:visible").count() == 1
    assert aist in coordinator.locator("#id_instruments .check-group:visible legend").inner_text()
    coordinator.fill("#id_note", "電子顕微鏡での破断面観察をお願いします。")
    coordinator.locator("form#refer").scroll_into_view_if_needed()
    shoot(coordinator, "referral-form")
    coordinator.click("form#refer button[type=submit]")
    coordinator.wait_for_selector("ul.messages")
    assert says["referred"] in coordinator.locator("h1").inner_text().lower()
    assert aist in coordinator.locator(".referral").first.inner_text()
    shoot(coordinator, "referred")

    # The referred staff answer in the thread.
    staff = log_in(browser, live_server, "staff", language=language)
    staff.click(f"nav.main >> text={says['consultations']}")
    staff.click(f"table#consultations >> text={TITLE}")
    staff.wait_for_selector("#id_message-body")
    staff.fill("#id_message-body", "SEMで破断面を観察できます。割れた部品を2点お送りください。")
    staff.click("form[action$='/messages/'] button[type=submit]")
    staff.wait_for_selector("ul.messages")
    assert says["answered"] in staff.locator("h1").inner_text().lower()
    shoot(staff, "answered")

    # The company reads the answer.
    company.goto(consultation_url)
    thread = company.locator("ol.thread").inner_text()
    assert "割れた部品を2点お送りください" in thread and aist in thread
    assert says["answered"] in company.locator("h1").inner_text().lower()
    shoot(company, "company-reads-the-answer")
    consultation = Consultation.objects.get(title=TITLE, requester__username="company")
    assert consultation.status == "answered" and consultation.referrals.count() == 1


def test_the_expert_directory_and_the_inbox_fit_a_phone_in_english(browser, live_server, demo, shoot):
    coordinator = log_in(browser, live_server, "coordinator")
    coordinator.goto(f"{live_server.url}/experts/?q=ＥＤＳ")
    assert "鈴木 一郎" in coordinator.locator("ul.experts").inner_text()
    shoot(coordinator, "experts")
    with coordinator.expect_navigation():
        coordinator.select_option("#language", "en")  # the header's switch
    assert coordinator.locator("h1").inner_text().startswith("Experts")
    coordinator.goto(f"{live_server.url}/consultations/")
    assert coordinator.locator("h1").inner_text().startswith("Consultation inbox")
    shoot(coordinator, "inbox-en")
    confidential = Consultation.objects.get(confidential=True)
    coordinator.goto(f"{live_server.url}/consultations/{confidential.pk}/")
    assert "Confidential" in coordinator.locator("h1").inner_text() and "matched" in coordinator.content()
    shoot(coordinator, "confidential-thread-en")
