"""Company registration (利用登録) in a real browser, on the demo data, in Japanese and in English: a person with a
verified e-mail address registers their company for the Hokkaido consortium and is told, on the instrument's page,
that booking waits for approval; the demo secretariat finds the registration on their home page and approves it;
the person, now the company's admin, requests a booking. `shoot` checks every step at 360 px too."""

import pytest
from allauth.account.models import EmailAddress

from bookings.models import Booking
from consortia.models import Company
from equipment.models import Instrument
from registrations.models import CompanyRegistration
from tests.browser.conftest import FACTORY_PASSWORD, log_in
from tests.factories import UserFactory, valid_corporate_number

pytestmark = pytest.mark.django_db(transaction=True)

FREE_BLOCKS = (
    "() => JSON.parse(document.getElementById('time-grid-config').textContent)"
    ".grid.blocks.filter(b => b.kind === 'free')"
)
SAYS = {
    "ja": {"waiting": "承認待ち", "approved": "承認済み", "pending": "承認待ち", "purpose": "ガラス表面の観察"},
    "en": {"waiting": "awaiting approval", "approved": "Approved", "pending": "pending", "purpose": "Glass surface"},
}


def minutes(stamp: str) -> int:
    return int(stamp[11:13]) * 60 + int(stamp[14:16])


@pytest.mark.parametrize("language", ["ja", "en"])
def test_a_verified_user_registers_the_secretariat_approves_and_the_company_books(
    browser, live_server, demo, shoot, language
):
    says = SAYS[language]
    person = UserFactory(
        username="otaru", last_name="小川", first_name="純", last_name_kana="オガワ", first_name_kana="ジュン"
    )
    EmailAddress.objects.create(user=person, email=person.email, verified=True, primary=True)
    instrument = Instrument.objects.get(model="JSM-IT800")

    # The home page sends a person of no company to register.
    page = log_in(browser, live_server, "otaru", password=FACTORY_PASSWORD, language=language)
    shoot(page, "home-before")
    page.click("#my_registration a.button")
    page.wait_for_selector("#sme-criteria")
    shoot(page, "form")
    page.fill("#id_corporate_number", valid_corporate_number(777001))
    page.fill("#id_name", "小樽硝子株式会社")
    page.select_option("#id_prefecture", "北海道")
    page.fill("#id_address", "小樽市堺町2-2")
    page.check("input[name=size][value=sme]")
    page.fill("#id_industry", "ガラス製品製造")
    page.fill("#id_billing_name", "総務部 小川")
    page.fill("#id_billing_email", "soumu@otaru-garasu.example.jp")
    page.select_option("#id_consortium", label=page.locator("#id_consortium option").first.inner_text())
    page.click("form.stacked button[type=submit]")
    page.wait_for_selector("#registration-status")
    assert says["waiting"] in page.locator("#registration-status").inner_text()
    shoot(page, "registered")
    registration = CompanyRegistration.objects.get(applicant=person)

    # Booking before approval: the instrument's page says why and what to do, and offers no form.
    page.goto(f"{live_server.url}/instruments/{instrument.pk}/")
    page.wait_for_selector("#not-member")
    assert says["waiting"] in page.locator("#cannot-request").inner_text() and not page.locator("#id_start").count()
    shoot(page, "instrument-before-approval")

    # The demo secretariat finds it on their home page and approves it.
    secretariat = log_in(browser, live_server, "secretariat", language=language)
    secretariat.click(f"#registrations_to_decide a[href='/registrations/{registration.pk}/']")
    secretariat.wait_for_selector("#approve")
    shoot(secretariat, "to-decide")
    secretariat.click("#approve")
    secretariat.wait_for_selector("ul.messages")
    assert says["approved"] in secretariat.locator("h1").inner_text()
    shoot(secretariat, "approved")
    company = Company.objects.get(corporate_number=registration.corporate_number)

    # The person, now the company's admin, requests a booking.
    page.goto(f"{live_server.url}/instruments/{instrument.pk}/")
    page.wait_for_selector("#id_start")
    free = page.evaluate(FREE_BLOCKS)
    start = next(b for b in free if minutes(b["end"][:16]) - minutes(b["start"][:16]) >= 60)["start"][:16]
    page.fill("#id_start", start)
    page.fill("#id_end", start[:11] + f"{int(start[11:13]) + 1:02d}" + start[13:])
    page.select_option("#id_mode", "assisted")
    page.fill("#id_purpose", says["purpose"])
    page.click("button[value=send]")
    page.wait_for_url("**/bookings/*/**", wait_until="domcontentloaded")
    booking = Booking.objects.get(requester=person)
    assert booking.company == company and booking.status == "pending"
    assert says["pending"] in page.locator("h1").inner_text().lower()
    shoot(page, "booked")
