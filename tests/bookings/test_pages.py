"""The booking pages through the web client: same rules as the API, refusals next to the field with
the input kept, nobody sees another company's details, no staff page acts on another institution."""

from datetime import timedelta
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bookings import services
from bookings.models import Booking
from tests.bookings.conftest import at
from tests.factories import InstrumentFactory, UserFactory, give_role

pytestmark = pytest.mark.django_db


def logged_in(client, user):
    client.force_login(user)
    return client


def form_body(day, start=10, end=11, **extra):
    return {
        "start": f"{day:%Y-%m-%d}T{start:02d}:00",
        "end": f"{day:%Y-%m-%d}T{end:02d}:00",
        "mode": "assisted",
        "purpose": "樹脂破断面の観察",
        "sample": "PP樹脂",
        "action": "send",
        **extra,
    }


def queries_of(call) -> int:
    with CaptureQueriesContext(connection) as context:
        call()
    return len(context.captured_queries)


def ask(world, user, day, hour=10, **extra):
    return services.request_booking(
        actor=user, instrument=world.sem, start=at(day, hour), end=at(day, hour + 1), mode="assisted", **extra
    )


# --- Catalogue --------------------------------------------------------------------------------------
def test_the_home_page_is_the_catalogue_and_searches_like_the_api(world, client):
    response = client.get("/", {"q": "ＳＭＡＲＴＬＡＢ"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "X線回折装置 SmartLab" in body and "走査電子顕微鏡" not in body.split('<ul class="grid">')[1]
    assert 'name="viewport"' in body  # usable on a phone


def test_catalogue_filters_by_institution_category_and_mode(world, client):
    names = lambda response: response.content.decode().split('<ul class="grid">')[1]  # noqa: E731
    assert "SmartLab" not in names(client.get("/", {"institution": world.inst_a.pk}))
    assert "走査電子顕微鏡" not in names(client.get("/", {"category": "xrd"}))
    world.xrd.modes = ["self"]
    world.xrd.save()
    assert "SmartLab" not in names(client.get("/", {"mode": "assisted"}))


def test_free_in_the_next_7_days_leaves_out_fully_booked_and_closed_instruments(world, sem, client):
    closed = InstrumentFactory(institution=world.inst_a, name="休止中の分光器", weekday_hours=[])
    response = client.get("/", {"free7": "on"})
    listing = response.content.decode().split('<ul class="grid">')[1]
    assert sem.name in listing and closed.name not in listing


def test_bad_page_input_is_not_an_error(world, client):
    for params in ({"page": "abc"}, {"consortium": "x"}, {"page": "9999"}, {"q": "ａ" * 500}, {"mode": "fly"}):
        assert client.get("/", params).status_code == 200


def test_the_catalogue_uses_a_constant_number_of_queries(world, sem, client, django_assert_num_queries):
    few = queries_of(lambda: client.get("/", {"free7": "on"}))
    for n in range(10):
        InstrumentFactory(institution=world.inst_b, name=f"分析装置{n}")
    with django_assert_num_queries(few):
        response = client.get("/", {"free7": "on"})
    assert response.content.decode().count('class="card"') == 12


# --- Instrument page and request form ---------------------------------------------------------------
def test_the_instrument_page_shows_fees_manual_and_the_free_week(world, sem, client, day):
    response = client.get(f"/instruments/{sem.pk}/", {"week": day.isoformat()})
    body = response.content.decode()
    assert response.status_code == 200
    assert "4,500円" in body  # the SME rate
    assert 'class="slot g-free button"' in body and "9:00" in body.replace("09:00", "9:00")


def test_a_picked_slot_prefills_the_form_and_a_bad_one_is_ignored(world, sem, client, day):
    picked = client.get(f"/instruments/{sem.pk}/", {"start": at(day, 10).isoformat(), "end": at(day, 11).isoformat()})
    assert picked.context["form"].initial == {"start": at(day, 10), "end": at(day, 11)}
    for start in ("0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00", "2026-12-01T10:00:00", "x"):
        response = client.get(f"/instruments/{sem.pk}/", {"start": start, "end": at(day, 11).isoformat()})
        assert response.status_code == 200  # the first was a 500 (OverflowError)
        assert "start" not in response.context["form"].initial


def test_the_form_previews_the_quote_without_sending(world, sem, client, day):
    client = logged_in(client, world.user_a)
    response = client.post(f"/instruments/{sem.pk}/", form_body(day, action="preview"))
    body = response.content.decode()
    assert response.status_code == 200 and 'id="quote"' in body
    assert "4,950円" in body  # 1 h × 4,500 + 10% tax
    assert not Booking.objects.exists()


def test_sending_the_form_makes_the_request_and_shows_it(world, sem, client, day):
    client = logged_in(client, world.user_a)
    response = client.post(f"/instruments/{sem.pk}/", form_body(day), follow=True)
    booking = Booking.objects.get()
    assert response.redirect_chain[-1][0] == f"/bookings/{booking.pk}/"
    assert booking.requester == world.user_a and booking.purpose == "樹脂破断面の観察"
    assert "承認待ち" in response.content.decode()


def test_a_refusal_is_shown_next_to_its_field_and_the_input_is_kept(world, sem, client, day):
    client = logged_in(client, world.user_a)
    response = client.post(f"/instruments/{sem.pk}/", form_body(day, start=20, end=21, purpose="夜間の測定"))
    body = response.content.decode()
    assert response.status_code == 400 and not Booking.objects.exists()
    start_field = body.split('for="id_start"')[1].split("</div>")[0]
    assert "利用可能時間外" in start_field  # the rule's message, beside the start field
    assert "夜間の測定" in body and f'value="{day:%Y-%m-%d}T20:00"' in body


def test_a_slot_taken_meanwhile_is_a_refusal_not_an_error(world, sem, client, day):
    ask(world, world.user_b, day)
    response = logged_in(client, world.user_a).post(f"/instruments/{sem.pk}/", form_body(day))
    assert response.status_code == 400 and "既に予約されています" in response.content.decode()


def test_anonymous_users_are_sent_to_log_in_before_requesting(world, sem, client, day):
    response = client.post(f"/instruments/{sem.pk}/", form_body(day))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert not Booking.objects.exists()


def test_a_user_without_a_company_or_institution_cannot_request(world, sem, client, day):
    nobody = UserFactory()
    client = logged_in(client, nobody)
    assert "id_start" not in client.get(f"/instruments/{sem.pk}/").content.decode()  # no form offered
    response = client.post(f"/instruments/{sem.pk}/", form_body(day))
    # The pages' refusal policy: a refused permission is a 403 page saying why, not a remark on the form.
    assert response.status_code == 403 and not Booking.objects.exists()
    # A person with no role yet is sent to register their company (registrations).
    assert "企業として予約するには、まず利用登録をしてください(/register/company/)" in response.content.decode()
    nobody.language = "en"
    nobody.save(update_fields=["language"])
    in_english = unescape(client.post(f"/instruments/{sem.pk}/", form_body(day)).content.decode())
    assert "To book as a company, register your company first (/register/company/)" in in_english


# --- My bookings and one booking --------------------------------------------------------------------
def test_my_bookings_lists_only_mine_with_a_constant_number_of_queries(
    world, sem, client, day, django_assert_num_queries
):
    mine = ask(world, world.user_a, day, 9)
    ask(world, world.user_b, day, 14)
    client = logged_in(client, world.user_a)
    client.get("/bookings/")  # the feed is made on first visit
    body = client.get("/bookings/").content.decode()
    assert f"/bookings/{mine.pk}/" in body and body.count('<td data-label="日時">') == 1
    few = queries_of(lambda: client.get("/bookings/"))
    for hour in (10, 11, 15, 16):
        ask(world, world.user_a, day, hour)
    with django_assert_num_queries(few):
        assert client.get("/bookings/").content.decode().count('<td data-label="日時">') == 5


def test_another_companys_booking_is_invisible_on_the_web(world, sem, client, day):
    theirs = ask(world, world.user_b, day, purpose="秘密の新素材")
    client = logged_in(client, world.user_a)
    assert client.get(f"/bookings/{theirs.pk}/").status_code == 404
    assert client.get(f"/bookings/{theirs.pk}/calendar.ics").status_code == 404
    assert client.post(f"/bookings/{theirs.pk}/cancel/", {"cancel-reason": "x"}).status_code == 404
    assert "秘密の新素材" not in client.get("/bookings/").content.decode()
    theirs.refresh_from_db()
    assert theirs.status == "pending"


def test_the_secretariat_sees_a_confidential_booking_without_its_purpose(world, sem, client, day):
    booking = ask(world, world.user_a, day, purpose="特許出願前の評価", confidential=True)
    body = logged_in(client, world.secretariat).get(f"/bookings/{booking.pk}/").content.decode()
    assert "特許出願前の評価" not in body and "成果非公開のため表示しません" in body


def test_the_requester_cancels_and_answers_a_proposal(world, sem, client, day):
    booking = ask(world, world.user_a, day)
    services.propose(actor=world.staff_a, booking=booking, start=at(day, 14), end=at(day, 15))
    client = logged_in(client, world.user_a)
    assert "変更提案への回答" in client.get(f"/bookings/{booking.pk}/").content.decode()
    client.post(f"/bookings/{booking.pk}/accept/")
    booking.refresh_from_db()
    assert booking.status == "approved" and booking.start == at(day, 14)
    client.post(f"/bookings/{booking.pk}/cancel/", {"cancel-reason": ""})
    booking.refresh_from_db()
    assert booking.status == "cancelled"


def test_the_page_offers_answering_a_proposal_to_whom_the_service_allows_it_site_operators_included(
    world, sem, client, day
):
    """One predicate (bookings.selectors.may_answer_proposal) for the page and the service: the page once left
    out the site operators whom the service let answer."""
    operator = UserFactory(is_superuser=True, is_staff=True)
    booking = ask(world, world.user_a, day)
    services.propose(actor=world.staff_a, booking=booking, start=at(day, 14), end=at(day, 15))
    accept = f'action="/bookings/{booking.pk}/accept/"'
    assert accept in logged_in(client, operator).get(f"/bookings/{booking.pk}/").content.decode()
    assert accept not in logged_in(client, world.staff_a).get(f"/bookings/{booking.pk}/").content.decode()
    assert logged_in(client, operator).post(f"/bookings/{booking.pk}/accept/").status_code == 302
    booking.refresh_from_db()
    assert booking.status == "approved" and booking.start == at(day, 14)


def test_the_booking_ics_carries_the_same_uid_as_the_feeds(world, sem, client, day):
    booking = ask(world, world.user_a, day)
    response = logged_in(client, world.user_a).get(f"/bookings/{booking.pk}/calendar.ics")
    assert response["Content-Type"].startswith("text/calendar")
    assert f"UID:{booking.uid}@kyoyo" in response.content.decode()


def test_the_feed_address_is_shown_and_can_be_replaced(world, client):
    client = logged_in(client, world.user_a)
    first = client.get("/bookings/").content.decode()
    client.post("/bookings/feed/rotate/")
    second = client.get("/bookings/").content.decode()
    url = lambda body: body.split('id="feed-url" type="text" readonly value="')[1].split('"')[0]  # noqa: E731
    assert url(first) != url(second) and url(second).endswith(".ics")
    assert client.get(url(first).replace("http://testserver", "")).status_code == 404


# --- Staff ----------------------------------------------------------------------------------------------
def test_staff_decide_from_the_queue(world, sem, client, day):
    booking = ask(world, world.user_a, day)
    client = logged_in(client, world.staff_a)
    queue = client.get("/staff/queue/").content.decode()
    assert f"/bookings/{booking.pk}/" in queue and "札幌精密株式会社" in queue and "中小企業" in queue
    client.post(f"/bookings/{booking.pk}/approve/", {"approve-reason": ""})
    booking.refresh_from_db()
    assert booking.status == "approved" and booking.quote_fixed_at is not None


def test_a_rejection_without_a_reason_is_refused_beside_the_reason_field(world, sem, client, day):
    booking = ask(world, world.user_a, day)
    response = logged_in(client, world.staff_a).post(f"/bookings/{booking.pk}/reject/", {"reject-reason": "  "})
    assert response.status_code == 400
    reason_field = response.content.decode().split('for="id_reject-reason"')[1].split("</div>")[0]
    assert "理由を入力してください" in reason_field
    booking.refresh_from_db()
    assert booking.status == "pending"


def test_a_proposal_outside_opening_hours_keeps_what_staff_typed(world, sem, client, day):
    booking = ask(world, world.user_a, day)
    body = {
        "propose-start": f"{day:%Y-%m-%d}T19:00",
        "propose-end": f"{day:%Y-%m-%d}T20:00",
        "propose-reason": "夜間なら可",
    }
    response = logged_in(client, world.staff_a).post(f"/bookings/{booking.pk}/propose/", body)
    page = response.content.decode()
    assert response.status_code == 400 and "利用可能時間外" in page and "夜間なら可" in page
    booking.refresh_from_db()
    assert booking.start == at(day, 10)


def test_staff_record_use_after_the_start(world, sem, client, day):
    booking = ask(world, world.user_a, day)
    services.approve(actor=world.staff_a, booking=booking)
    past_start, past_end = timezone.now() - timedelta(hours=2), timezone.now() - timedelta(hours=1)
    Booking.objects.filter(pk=booking.pk).update(
        start=past_start, end=past_end, hold_start=past_start, hold_end=past_end
    )
    start = timezone.localtime(timezone.now() - timedelta(hours=2))
    end = start + timedelta(minutes=50)
    body = {"complete-actual_start": f"{start:%Y-%m-%dT%H:%M}", "complete-actual_end": f"{end:%Y-%m-%dT%H:%M}"}
    logged_in(client, world.staff_a).post(f"/bookings/{booking.pk}/complete/", body)
    booking.refresh_from_db()
    assert booking.status == "completed" and booking.actual_end - booking.actual_start == timedelta(minutes=50)


def test_no_staff_page_acts_on_another_institutions_booking(world, sem, client, day):
    booking = ask(world, world.user_a, day)
    client = logged_in(client, world.staff_b)  # staff of institution B, the SEM is A's
    assert f"/bookings/{booking.pk}/" not in client.get("/staff/queue/").content.decode()
    for verb, body in (("approve", {}), ("reject", {"reject-reason": "x"}), ("no-show", {})):
        assert client.post(f"/bookings/{booking.pk}/{verb}/", body).status_code == 404
    booking.refresh_from_db()
    assert booking.status == "pending"


@pytest.mark.parametrize("who", ["user_a", "secretariat"])
def test_staff_pages_refuse_everyone_else(world, client, who):
    client = logged_in(client, getattr(world, who))
    assert client.get("/staff/queue/").status_code == 403
    assert client.get("/staff/calendar/").status_code == 403


def test_staff_pages_send_anonymous_users_to_log_in(client):
    assert client.get("/staff/queue/")["Location"].startswith("/accounts/login/")
    assert client.get("/bookings/")["Location"].startswith("/accounts/login/")


def test_the_queue_and_calendar_use_a_constant_number_of_queries(world, sem, client, day, django_assert_num_queries):
    ask(world, world.user_a, day, 9)
    client = logged_in(client, world.staff_a)
    queue_few = queries_of(lambda: client.get("/staff/queue/"))
    calendar_few = queries_of(lambda: client.get("/staff/calendar/", {"day": day.isoformat()}))
    for hour in (10, 11, 14, 15):
        ask(world, world.user_b, day, hour)
    with django_assert_num_queries(queue_few):
        assert client.get("/staff/queue/").content.decode().count("判断する") == 5
    with django_assert_num_queries(calendar_few):
        client.get("/staff/calendar/", {"day": day.isoformat()})


def test_the_staff_calendar_shows_the_day_with_company_names(world, sem, client, day):
    ask(world, world.user_a, day)
    body = logged_in(client, world.staff_a).get("/staff/calendar/", {"view": "day", "day": day.isoformat()}).content
    assert "札幌精密株式会社" in body.decode() and sem.name in body.decode()


@pytest.mark.parametrize("day_param", ["9999-12-31", "0001-01-01", "2101-01-01", "2026-02-30"])
@pytest.mark.parametrize("view", ["day", "week"])
def test_a_calendar_day_out_of_the_years_shows_today_instead_of_an_error(world, client, day_param, view):
    response = logged_in(client, world.staff_a).get("/staff/calendar/", {"view": view, "day": day_param})
    assert response.status_code == 200  # 9999-12-31 and 0001-01-01 were 500s (OverflowError)
    assert response.context["first"] == timezone.localdate()


def test_a_company_admin_sees_colleagues_bookings(world, sem, client, day):
    colleague = UserFactory()
    give_role(colleague, "company_member", company=world.company_a)
    booking = ask(world, colleague, day)
    assert f"/bookings/{booking.pk}/" in logged_in(client, world.user_a).get("/bookings/").content.decode()
