"""Operators (docs/operators.md) in a real browser, each journey at 1280 and 360 px (`shoot`).

1. A company asks for assisted time naming a preferred operator; the institution's staff see the operators offered
   (free ones first), choose another than the one offered by default, and approve; the chosen one is assigned, sees
   the booking on their schedule, and the staff timeline names them. (English.)
2. An operator enters an absence over a booking they are assigned to: the page lists it and asks first (nothing is
   saved), then the absence is saved with the booking reassigned to a colleague. (Japanese.)
3. The secretariat reads the consortium's utilization report with its staff block. (English.)
"""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from bookings import services
from bookings.models import Assignment, Booking
from staffing.models import Absence, LendingAgreement
from tests.bookings.conftest import at, working_day
from tests.browser.conftest import FACTORY_PASSWORD, log_in
from tests.factories import UserFactory, make_operator
from tests.reports.conftest import make_booking, t

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def crew(browser, world, sem):
    """Two more operators of institution A for the SEM besides staff_a (after `browser`: Playwright's sync API
    switches greenlets), and one lent to nobody who is away that day: three offered, one not free."""
    ito = make_operator([sem], user=UserFactory(username="ito", last_name="伊藤", first_name="一郎"))
    sato = make_operator([sem], user=UserFactory(username="sato", last_name="佐藤", first_name="花子"))
    return ito, sato


def test_a_company_asks_for_an_operator_and_the_staff_assign_another_one(browser, live_server, world, sem, crew, shoot):
    ito, sato = crew
    day = working_day()
    company = log_in(browser, live_server, world.user_a.username, password=FACTORY_PASSWORD, language="en")
    company.goto(live_server.url + reverse("instrument-page", args=[sem.pk]))
    company.wait_for_selector("#request")
    company.fill("#id_start", f"{day:%Y-%m-%d}T10:00")
    company.fill("#id_end", f"{day:%Y-%m-%d}T12:00")
    company.select_option("#id_mode", "assisted")
    company.select_option("#id_preferred_operator", str(ito.pk))
    company.fill("#id_purpose", "Fracture surfaces of resin parts")
    shoot(company, "request-form")
    company.click("button[value=preview]")
    company.wait_for_selector("#quote")
    company.click("button[value=send]")
    company.wait_for_url(re.compile(r"/bookings/\d+/(#.*)?$"), wait_until="domcontentloaded")
    booking = Booking.objects.get(requester=world.user_a)
    assert booking.preferred_operator_id == ito.pk and booking.status == "pending"
    assert "preferred: 伊藤" in company.locator("main").inner_text()  # names are data: as the staff wrote them
    shoot(company, "requested")

    staff = log_in(browser, live_server, world.staff_a.username, password=FACTORY_PASSWORD, language="en")
    staff.goto(live_server.url + reverse("booking-page", args=[booking.pk]))
    offers = staff.locator("form[action$='/approve/'] label.operator-offer")
    assert offers.count() == 3  # staff_a, 伊藤 and 佐藤: all of institution A, all free
    assert len({round(offers.nth(n).bounding_box()["y"]) for n in range(3)}) == 3  # one a line, at 1280 px too
    assert "preferred by the requester" in offers.filter(has_text="伊藤").inner_text()
    default = staff.locator("form[action$='/approve/'] input[type=radio]:checked")
    assert default.get_attribute("value") == str(ito.pk)  # the preferred one, being free, is the default
    shoot(staff, "offers")
    staff.check(f"form[action$='/approve/'] input[type=radio][value='{sato.pk}']")
    staff.click("form[action$='/approve/'] button[type=submit]")
    staff.wait_for_selector("ul.messages")
    assert Assignment.objects.get(booking=booking, released_at=None).operator == sato
    assert "佐藤" in staff.locator("dl").first.inner_text()  # the booking's facts name the operator
    shoot(staff, "approved")

    staff.goto(f"{live_server.url}{reverse('staff-calendar')}?view=day&day={day:%Y-%m-%d}&plain=1")
    item = staff.locator(f"li.tl-item:has(a[href='/bookings/{booking.pk}/'])")
    assert "Operator: 佐藤" in item.inner_text()
    shoot(staff, "timeline")

    operator = log_in(browser, live_server, "sato", password=FACTORY_PASSWORD, language="en")
    operator.goto(live_server.url + reverse("operator-schedule"))
    row = operator.locator("table.data tbody tr", has_text=f"{day:%Y-%m-%d} 10:00–12:00")
    assert sem.localized_name in row.inner_text() and world.company_a.name in row.inner_text()
    shoot(operator, "schedule")
    operator.click(f"a[href='{reverse('operator-absences')}']")  # the way to their absences, from the schedule
    operator.wait_for_selector("#add")


@pytest.fixture
def assigned(crew, world, sem):
    """An approved assisted booking of company A with 佐藤 assigned (伊藤 preferred, but the staff chose 佐藤)."""
    ito, sato = crew
    day = working_day()
    booking = services.request_booking(
        actor=world.user_a,
        instrument=sem,
        start=at(day, 10),
        end=at(day, 12),
        mode="assisted",
        purpose="観察",
        preferred_operator=ito.pk,
    )
    return services.approve(actor=world.staff_a, booking=booking, operator_id=sato.pk)


def test_an_absence_over_an_assigned_booking_asks_first_and_reassigns_it(
    browser, live_server, world, sem, crew, assigned, shoot
):
    ito, sato = crew
    day = working_day()
    operator = log_in(browser, live_server, "sato", password=FACTORY_PASSWORD, language="ja")
    operator.goto(live_server.url + reverse("operator-absences"))
    assert "不在予定" in operator.locator("h1").inner_text()
    shoot(operator, "absences")
    operator.fill("#id_add-start", f"{day:%Y-%m-%d}T00:00")
    operator.fill("#id_add-end", f"{day + timedelta(days=1):%Y-%m-%d}T00:00")
    operator.select_option("#id_add-kind", "trip")
    operator.fill("#id_add-title", "学会出張")
    operator.click("#add button[type=submit]")
    operator.wait_for_selector(f"#booking-{assigned.pk}")
    assert not Absence.objects.exists()  # nothing saved before the choice
    assert Assignment.objects.get(booking=assigned, released_at=None).operator == sato
    shoot(operator, "choice")
    mail.outbox.clear()
    operator.check(f"input[name=b{assigned.pk}-action][value=reassign]")
    operator.select_option(f"#id_b{assigned.pk}-operator", str(ito.pk))
    operator.click("form.stacked button[type=submit]")
    operator.wait_for_selector("ul.messages")
    assert Absence.objects.get(operator=sato).title == "学会出張"
    assert Assignment.objects.get(booking=assigned, released_at=None).operator == ito
    recipients = {to for message in mail.outbox for to in message.to}
    assert ito.user.email in recipients  # the new operator is told; the requester is not: the time did not change
    assert world.user_a.email not in recipients and sato.user.email not in recipients  # nor the one who did it
    assert "学会出張" in operator.locator("main").inner_text()
    shoot(operator, "saved")

    operator.goto(live_server.url + reverse("operator-schedule"))
    assert operator.locator("table.data tbody tr", has_text=f"{day:%Y-%m-%d} 10:00").count() == 0  # not theirs now
    assert "学会出張" in operator.locator("main").inner_text()  # their absence instead
    shoot(operator, "schedule-after")


def test_the_secretariat_sees_the_staff_block_of_the_report(browser, live_server, world, sem, crew, shoot):
    ito, sato = crew
    ito.named_in_reports = True
    ito.save(update_fields=["named_in_reports"])
    for operator, day in ((ito, 5), (sato, 6)):  # two completed assisted bookings of October 2026, 2 h each
        booking = make_booking(
            sem, world.user_a, start=t(10, day, 10), end=t(10, day, 12), status="completed", mode="assisted"
        )
        Assignment.objects.create(booking=booking, operator=operator, hold_start=booking.start, hold_end=booking.end)
    page = log_in(browser, live_server, world.secretariat.username, password=FACTORY_PASSWORD, language="en")
    page.goto(f"{live_server.url}{reverse('report-page', args=[world.hokkaido.pk])}?kind=month&month=2026-10")
    page.wait_for_selector("#staff")
    block = page.locator("#staff-by-institution").inner_text()
    assert world.inst_a.name in block or world.inst_a.localized_name in block
    page.locator("#staff-by-operator summary").click()
    by_operator = page.locator("#staff-by-operator").inner_text()
    assert "伊藤" in by_operator and "佐藤" not in by_operator  # 佐藤 did not agree to be named
    # 佐藤 (2 h) and staff_a (none this month) of institution A, summed without names
    unnamed = page.locator("#staff-by-operator tbody tr", has_text="Not named (2)").inner_text()
    assert world.inst_a.name in unnamed and "2.00" in unnamed
    shoot(page, "report-staff")


def test_the_operators_pages_read_on_a_phone(browser, live_server, world, sem, crew, assigned, shoot):
    """The pages of managing operators, each as its reader sees it (Japanese): the institution's administrator's
    (operators, one's hours and absences, agreements, contribution records, lent hours) and the operator's own."""
    ito, sato = crew
    agreement = LendingAgreement.objects.create(
        consortium=world.hokkaido,
        lender=world.inst_a,
        borrower=world.inst_b,
        operator=ito,
        valid_from=working_day(0),
        valid_until=working_day(0) + timedelta(days=180),
        hourly_rate_jpy=6000,
        lender_confirmed_at=timezone.now(),
    )
    agreement.instruments.add(world.xrd)
    admin = log_in(browser, live_server, world.staff_a.username, password=FACTORY_PASSWORD, language="ja")
    pages = [
        ("operators", reverse("staff-operators"), "佐藤 花子"),
        ("hours", reverse("staff-operator-hours", args=[sato.pk]), "佐藤 花子"),
        ("absences", reverse("staff-operator-absences", args=[sato.pk]), "佐藤 花子"),
        ("agreements", reverse("staff-agreements"), "伊藤 一郎"),
        ("contributions", reverse("contributions"), "技術職員"),
        ("lending", reverse("lending-statements"), world.inst_b.name),
    ]
    for name, url, says in pages:
        response = admin.goto(live_server.url + url)
        assert response.status == 200, f"{name}: {response.status}"
        assert says in admin.locator("main").inner_text(), name
        assert admin.locator("h1").count() == 1, name
        shoot(admin, name)
        if name == "operators":  # the administrator reaches an operator's absences from the list
            assert admin.locator(f"a[href='{reverse('staff-operator-absences', args=[sato.pk])}']").count() == 1
    own = log_in(browser, live_server, "ito", password=FACTORY_PASSWORD, language="ja")
    own.goto(live_server.url + reverse("operator-me"))
    assert "産業技術総合研究所" in own.locator("main").inner_text()  # the agreement lending them to B
    shoot(own, "operator-me")
