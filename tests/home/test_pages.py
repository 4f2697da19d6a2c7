"""The home page of each role: what waits for them, in their own scope only, in a constant number of queries."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from home.selectors import LIMIT, waiting_counts
from tests.home.conftest import Side
from tests.language import english_page_problems, japanese_page_problems

pytestmark = pytest.mark.django_db


def page(client, user, language="ja") -> str:
    client.force_login(user)
    response = client.get("/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.content.decode()


def section(html: str, key: str) -> str:
    """The HTML of one section of the home page ('' when it is not shown)."""
    marker = '<section class="panel'
    for part in html.split(marker)[1:]:
        if f'id="{key}"' in part.split(">", 1)[0]:
            return part.split("</section>", 1)[0]
    return ""


def booking_link(booking) -> str:
    return f'href="/bookings/{booking.pk}/"'


# --- Who gets what at / ----------------------------------------------------------------------------------------
def test_anonymous_visitors_get_the_catalogue_at_the_root_and_everyone_at_its_own_address(world, client):
    assert "機器カタログ" in client.get("/").content.decode().split("<h1>")[1]
    assert "SmartLab" in client.get("/", {"q": "smartlab"}).content.decode()
    client.force_login(world.user_a)
    assert "機器カタログ" in client.get("/instruments/").content.decode().split("<h1>")[1]
    home = client.get("/").content.decode()
    assert "機器カタログ" not in home.split("<h1>")[1] and 'href="/instruments/"' in home


def test_the_home_page_refuses_anything_but_reading(world, client):
    assert client.post("/").status_code == 405
    client.force_login(world.user_a)
    assert client.post("/", {"x": "1"}).status_code == 405


# --- Company users ---------------------------------------------------------------------------------------------
def test_a_company_user_sees_what_waits_for_them(sides, world, client):
    a = sides.a
    html = page(client, world.user_a)
    assert booking_link(a.proposed) in section(html, "proposals")
    assert booking_link(a.approved) in section(html, "conflicts") and "保守A" in section(html, "conflicts")
    upcoming = section(html, "upcoming")
    assert all(booking_link(b) in upcoming for b in (a.pending, a.proposed, a.approved))
    assert f'href="/usage-reports/{a.overdue.pk}/"' in section(html, "usage_reports") and "期限超過" in html
    assert f'href="/invoices/{a.invoice.pk}/"' in section(html, "invoices")
    # what needs an answer comes before what is only coming
    assert html.index('id="proposals"') < html.index('id="conflicts"') < html.index('id="upcoming"')


def test_a_company_user_never_sees_another_companys_items(sides, world, client):
    html = page(client, world.user_b)
    b, a = sides.b, sides.a
    assert booking_link(b.proposed) in section(html, "proposals")
    for booking in (a.pending, a.proposed, a.approved, a.unrecorded):
        assert f"/bookings/{booking.pk}/" not in html
    assert f"/usage-reports/{a.overdue.pk}/" not in html
    assert f'href="/invoices/{a.invoice.pk}/"' not in html and "保守A" not in html
    assert f'href="/invoices/{b.invoice.pk}/"' in html


def test_a_company_user_without_anything_waiting_is_told_so_plainly(world, client):
    html = page(client, world.user_a)
    assert "回答を待つ提案はありません" in section(html, "proposals")
    assert "今後の予約はありません" in section(html, "upcoming")
    assert "未提出の利用報告書はありません" in section(html, "usage_reports")
    assert "支払待ちの請求書はありません" in section(html, "invoices")
    assert 'class="badge"' not in html


# --- Institution staff -----------------------------------------------------------------------------------------
def test_staff_see_requests_conflicts_uses_to_record_and_today(sides, world, client, monkeypatch):
    a = sides.a
    html = page(client, world.staff_a)
    to_decide = section(html, "to_decide")
    assert booking_link(a.pending) in to_decide and "までに判断" in to_decide
    assert booking_link(a.proposed) not in to_decide  # it waits for the requester, not for staff
    assert booking_link(a.approved) in section(html, "staff_conflicts")
    assert booking_link(a.unrecorded) in section(html, "overdue_completions")
    assert 'id="today"' in html
    assert "proposals" not in html.split("<main>")[1] or section(html, "proposals") == ""


def test_staff_of_another_institution_see_none_of_it(sides, world, client):
    a = sides.a
    html = page(client, sides.staff_c)
    for booking in (a.pending, a.approved, a.unrecorded):
        assert f"/bookings/{booking.pk}/" not in html
    assert booking_link(sides.b.pending) in section(html, "to_decide")
    assert "保守A" not in html


def test_todays_schedule_lists_the_days_bookings_of_their_instruments_only(sides, world, client):
    today = timezone.localdate()
    html = page(client, world.staff_a)
    assert booking_link(sides.a.unrecorded) not in section(html, "today") or sides.a.unrecorded.start.date() == today


# --- Secretariat and coordinators ------------------------------------------------------------------------------
def test_the_secretariat_sees_the_figures_of_its_own_consortia_with_links_to_the_reports(sides, world, client):
    html = page(client, world.secretariat)
    figures = section(html, "figures")
    assert world.hokkaido.name in figures and world.tama.name not in figures
    assert f"/reports/consortium/{world.hokkaido.pk}/?kind=month&amp;month=" in figures
    assert f"/reports/consortium/{world.hokkaido.pk}/?kind=fy&amp;fy=" in figures
    assert "稼働率" in figures
    other = page(client, sides.secretariat_tama)
    assert world.tama.name in section(other, "figures") and world.hokkaido.name not in section(other, "figures")


def test_a_coordinator_sees_the_consultations_to_refer_of_their_consortium_only(sides, client):
    html = page(client, sides.coordinator)
    to_refer = section(html, "to_refer")
    assert f'href="/consultations/{sides.a.consultation.pk}/"' in to_refer
    assert f"/consultations/{sides.b.consultation.pk}/" not in html
    assert 'href="/consultations/?unreferred=on"' in to_refer


def test_an_overdue_consultation_is_marked_and_counted(sides, client):
    from consultations.models import Consultation

    Consultation.objects.filter(pk=sides.a.consultation.pk).update(created_at=timezone.now() - timedelta(days=10))
    to_refer = section(page(client, sides.coordinator), "to_refer")
    assert "1件が期限超過" in to_refer and "期限超過</span>" in to_refer


def test_the_site_operator_gets_the_administration_links(sides, client):
    html = page(client, sides.operator)
    assert 'href="/admin/"' in section(html, "operator")


def test_a_user_with_several_roles_sees_every_section_waiting_ones_first(sides, world, client):
    from tests.factories import give_role

    give_role(world.staff_a, "coordinator", consortium=world.hokkaido)
    html = page(client, world.staff_a)
    assert section(html, "to_decide") and section(html, "to_refer") and section(html, "today")
    assert html.index('id="to_refer"') < html.index('id="today"')


# --- Badges ----------------------------------------------------------------------------------------------------
def test_the_badges_count_what_the_sections_list(sides, world, client):
    assert waiting_counts(world.user_a).proposals == 1
    staff = waiting_counts(world.staff_a)
    assert (staff.to_decide, staff.to_refer) == (1, 0)
    assert waiting_counts(sides.coordinator).to_refer == 1
    html = page(client, world.staff_a)
    nav = html.split('<nav class="main"')[1].split("</nav>")[0]
    assert '承認待ち <span class="badge">1<span class="sr-only"> 判断待ちの申請</span>' in nav


def test_the_badges_take_one_query_per_role_whatever_the_rows(sides, world, django_assert_num_queries):
    from consortia.selectors import access_for

    for user, queries in ((world.user_a, 1), (world.staff_a, 2), (sides.coordinator, 2)):
        access_for(user)
        with django_assert_num_queries(queries):
            waiting_counts(user)


def queries_of(call) -> int:
    with CaptureQueriesContext(connection) as context:
        call()
    return len(context.captured_queries)


@pytest.mark.parametrize("who", ["user_a", "staff_a", "secretariat", "coordinator", "operator"])
def test_each_home_page_takes_the_same_number_of_queries_for_one_and_many_rows(sides, world, client, who):
    user = getattr(world, who, None) or getattr(sides, who)
    client.force_login(user)
    few = queries_of(lambda: client.get("/"))
    for n in range(LIMIT + 2):  # past a section's limit: the rows listed stop growing, the count does not
        Side(
            instrument=world.sem,
            staff=world.staff_a,
            requester=world.user_a,
            company=world.company_a,
            consortium=world.hokkaido,
            tag=f"A{n}",
            day_offset=n + 1,
        )
    with CaptureQueriesContext(connection) as many:
        response = client.get("/")
    assert response.status_code == 200
    assert len(many.captured_queries) == few, [q["sql"][:120] for q in many.captured_queries]


def data_names(world, sides) -> tuple[str, ...]:
    """Names that are data, not messages (the test data has no English names)."""
    things = [world.sem, sides.icp, world.inst_a, world.inst_b, world.inst_c, world.hokkaido, world.tama]
    names = [t.name for t in things] + [world.company_a.name, world.company_b.name]
    names += [s.downtime.title for s in (sides.a, sides.b)] + [s.consultation.title for s in (sides.a, sides.b)]
    return tuple(names)


# --- Language ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("who", ["user_a", "staff_a", "secretariat", "coordinator", "operator"])
def test_each_home_page_is_in_one_language(sides, world, client, who):
    user = getattr(world, who, None) or getattr(sides, who)
    names = (user.username, *data_names(world, sides))
    assert japanese_page_problems(page(client, user, "ja"), data=names) == []
    user.language = "en"
    user.save()
    assert english_page_problems(page(client, user, "en"), data=names) == []


def test_a_company_member_sees_their_own_bookings_and_reports_not_their_colleagues(sides, world, client):
    from tests.factories import UserFactory, give_role

    member = UserFactory(username="member_a")
    give_role(member, "company_member", company=world.company_a)
    html = page(client, member)
    for booking in (sides.a.pending, sides.a.proposed, sides.a.approved):
        assert f"/bookings/{booking.pk}/" not in html  # the admin's requests: a plain member sees only their own
    assert f"/usage-reports/{sides.a.overdue.pk}/" not in html
    assert f'href="/invoices/{sides.a.invoice.pk}/"' in section(html, "invoices")  # the company's invoices
    assert waiting_counts(member).proposals == 0


def test_a_researcher_sees_their_own_requests_and_no_company_sections(sides, world, client):
    from bookings import services as booking_services
    from tests.bookings.conftest import at, working_day
    from tests.factories import UserFactory, give_role

    researcher = UserFactory(username="researcher")
    give_role(researcher, "researcher", institution=world.inst_b)
    day = working_day(30)
    mine = booking_services.request_booking(
        actor=researcher, instrument=world.sem, start=at(day, 14), end=at(day, 15), mode="assisted"
    )
    html = page(client, researcher)
    assert f'href="/bookings/{mine.pk}/"' in section(html, "upcoming")
    assert section(html, "invoices") == "" and section(html, "usage_reports") == ""
    assert f"/bookings/{sides.a.pending.pk}/" not in html


def test_a_user_with_no_role_gets_a_plain_home_with_the_catalogue_one_click_away(world, client):
    from tests.factories import UserFactory

    html = page(client, UserFactory(username="newcomer"))
    assert section(html, "upcoming") and 'href="/instruments/"' in section(html, "upcoming")
