"""The instrument time grid (bookings.selectors.grid) and its API: typed blocks that say why each moment is or is
not free for the reader, with a query budget that does not grow with the bookings of the week."""

from datetime import date, timedelta
from urllib.parse import quote

import jpholiday
import pytest
from django.utils import timezone

from bookings import selectors, services
from bookings.models import Booking
from bookings.selectors import grid
from consortia.models import User
from equipment.models import Downtime
from tests.bookings.conftest import at, iso, working_day
from tests.factories import UserFactory, give_role

pytestmark = pytest.mark.django_db


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def blocks_of(instrument, viewer, first_day, days=7, **kwargs):
    instrument.refresh_from_db()
    return grid.time_grid(
        instrument_id=instrument.id,
        policy=selectors.policy_of(instrument),
        viewer=viewer,
        first_day=first_day,
        days=days,
        **kwargs,
    ).blocks


def spans(blocks, kind, day=None):
    return [
        (
            b.start.astimezone(at(day or date.today(), 0).tzinfo).strftime("%H:%M"),
            b.end.astimezone(at(date.today(), 0).tzinfo).strftime("%H:%M"),
        )
        for b in blocks
        if b.kind == kind and (day is None or b.start.astimezone(at(day, 0).tzinfo).date() == day)
    ]


def request(user, sem, day, start, end, **kwargs):
    return services.request_booking(
        actor=user, instrument=sem, start=at(day, *start), end=at(day, *end), mode="assisted", **kwargs
    )


def test_a_day_reads_closed_free_busy_and_own_with_buffers_where_they_lie(world, sem, day):
    sem.setup_minutes = sem.cleanup_minutes = 30
    sem.save()
    request(world.user_b, sem, day, (9, 0), (10, 0))  # another company's: its set-up lies before opening
    mine = request(world.user_a, sem, day, (14, 0), (15, 0))
    blocks = blocks_of(sem, world.user_a, day, days=1)
    assert spans(blocks, "closed", day) == [("00:00", "09:00"), ("12:00", "13:00"), ("17:00", "00:00")]
    busy = [(b.part, b.start.astimezone(at(day, 0).tzinfo).strftime("%H:%M")) for b in blocks if b.kind == "busy"]
    assert busy == [
        ("setup", "08:30"),
        ("use", "09:00"),
        ("cleanup", "10:00"),
        ("setup", "13:30"),
        ("cleanup", "15:00"),
    ]
    assert all(b.booking_id is None and b.label == "" for b in blocks if b.kind == "busy")
    own = [b for b in blocks if b.kind == "own_pending"]
    assert [(b.booking_id, b.part) for b in own] == [(mine.id, "use")]
    # free time leaves room for this request's own set-up and clean-up: 11:00 (after 10:30 clean-up + 30 min set-up)
    assert spans(blocks, "free", day) == [("11:00", "12:00"), ("16:00", "17:00")]
    assert spans(blocks, "no_room", day) == [("10:30", "11:00"), ("13:00", "13:30"), ("15:30", "16:00")]


def test_a_company_admin_sees_the_companys_bookings_as_own_others_see_busy(world, sem, day):
    colleague = UserFactory()
    give_role(colleague, "company_member", company=world.company_a)
    theirs = request(colleague, sem, day, (10, 0), (11, 0))
    services.approve(actor=world.staff_a, booking=theirs)
    assert [b.booking_id for b in blocks_of(sem, world.user_a, day, 1) if b.kind == "own_approved"] == [theirs.id]
    assert [b.kind for b in blocks_of(sem, world.user_b, day, 1) if b.start == at(day, 10)] == ["busy"]
    assert [b.kind for b in blocks_of(sem, None, day, 1) if b.start == at(day, 10)] == ["busy"]


def test_lead_time_horizon_downtime_and_holidays_are_named(world, sem):
    # Whatever the day and hour of the run: a week of lead time always holds some opening hours (too soon), and the
    # days 10 to 21 ahead always some beyond the horizon (too far), Golden Week included.
    now = timezone.now()
    sem.horizon_days = 10
    sem.lead_time_hours = 7 * 24
    sem.save()
    first = timezone.localdate()
    blocks = blocks_of(sem, None, first, days=21, now=now)
    kinds = {b.kind for b in blocks}
    assert {"too_soon", "too_far", "closed"} <= kinds
    assert all(b.end <= now + timedelta(hours=sem.lead_time_hours + 24) for b in blocks if b.kind == "too_soon")
    assert all(b.start >= now + timedelta(days=10) for b in blocks if b.kind == "too_far")
    assert all(
        now + timedelta(hours=sem.lead_time_hours) <= b.start and b.start <= now + timedelta(days=10)
        for b in blocks
        if b.kind == "free"
    )
    day = working_day()
    Downtime.objects.create(instrument=sem, start=at(day, 10), end=at(day, 11), title="定期点検")
    assert [(b.label) for b in blocks_of(sem, None, day, 1) if b.kind == "downtime"] == ["定期点検"]
    holiday = next(d for d, _ in jpholiday.between(day, day + timedelta(days=300)) if d.weekday() < 5)
    holiday_blocks = blocks_of(sem, None, holiday, 1)
    assert [(b.kind, b.label) for b in holiday_blocks] == [("closed", jpholiday.is_holiday_name(holiday))]


def test_a_free_block_is_on_the_slot_grid_and_at_least_the_minimum(world, sem, day):
    sem.slot_minutes, sem.min_minutes = 30, 90
    sem.save()
    request(world.user_b, sem, day, (10, 0), (11, 30))  # leaves 9:00–10:00 (60 min < 90): no room
    blocks = blocks_of(sem, None, day, 1)
    assert spans(blocks, "free", day) == [("13:00", "17:00")]
    assert spans(blocks, "no_room", day) == [("09:00", "10:00"), ("11:30", "12:00")]


def test_the_subject_of_a_proposal_holds_no_time(world, sem, day):
    booking = request(world.user_a, sem, day, (10, 0), (11, 0))
    blocks = blocks_of(sem, world.staff_a, day, 1, subject_id=booking.id)
    assert [(b.kind, b.booking_id) for b in blocks if b.start == at(day, 10)] == [("subject", booking.id)]
    assert spans(blocks, "free", day)[0] == ("09:00", "12:00")


def test_an_inactive_instrument_has_no_free_time(world, sem, day):
    sem.status = "maintenance"
    sem.save()
    blocks = blocks_of(sem, None, day, 1)
    assert not [b for b in blocks if b.kind == "free"]
    assert {b.label for b in blocks if b.kind == "closed" and b.start == at(day, 9)} == {"保守中"}


# --- API ------------------------------------------------------------------------------------------------------------
def test_the_grid_api_answers_blocks_in_tokyo_time_and_own_links(world, sem, client_for, api, day):
    mine = request(world.user_a, sem, day, (10, 0), (11, 0))
    url = f"/api/v1/instruments/{sem.id}/grid/"
    answer = client_for(world.user_a).get(url, {"start": day.isoformat(), "days": 1})
    assert answer.status_code == 200
    data = answer.json()
    assert (data["slot_minutes"], data["min_minutes"], data["opens"], data["closes"]) == (30, 30, "09:00", "17:00")
    assert data["next"] == (day + timedelta(days=7)).isoformat()
    own = [b for b in data["blocks"] if b["kind"] == "own_pending"]
    assert own == [
        {
            "kind": "own_pending",
            "start": iso(at(day, 10)),
            "end": iso(at(day, 11)),
            "label": "",
            "part": "use",
            "booking": mine.id,
            "url": f"/bookings/{mine.id}/",
        }
    ]
    anonymous = api.get(url, {"start": day.isoformat(), "days": 1}).json()
    assert [b for b in anonymous["blocks"] if b["start"] == iso(at(day, 10))][0] | {"kind": "busy"} == {
        "kind": "busy",
        "start": iso(at(day, 10)),
        "end": iso(at(day, 11)),
        "label": "",
        "part": "use",
        "booking": None,
        "url": None,
    }
    assert all(b["start"].endswith("+09:00") for b in anonymous["blocks"])


@pytest.mark.parametrize(
    "params, field",
    [
        ({"start": "2026-13-01"}, "start"),
        ({"start": "tomorrow"}, "start"),
        ({"start": "9999-01-01"}, "start"),
        ({"days": "0"}, "days"),
        ({"days": "15"}, "days"),
        ({"days": "x"}, "days"),
    ],
)
def test_the_grid_api_refuses_bad_input_naming_the_field(world, sem, api, params, field):
    response = api.get(f"/api/v1/instruments/{sem.id}/grid/", params)
    assert response.status_code == 400 and field in response.json()


def test_the_grid_api_is_404_for_no_instrument(world, api):
    assert api.get("/api/v1/instruments/999999/grid/").status_code == 404


def test_the_grid_api_query_count_is_constant_in_bookings_and_downtimes(
    world, sem, client_for, day, django_assert_num_queries
):
    url = f"/api/v1/instruments/{sem.id}/grid/?start={monday_of(day).isoformat()}"

    def count():
        client = client_for(User.objects.get(pk=world.user_a.pk))  # a user as a request loads it: no roles read
        with django_assert_num_queries(4) as captured:  # rules, bookings, downtimes, the reader's roles
            assert client.get(url).status_code == 200
        return len(captured)

    count()
    for n, hour in enumerate((9, 10, 11, 13, 14, 15)):
        user = world.user_a if n % 2 else world.user_b
        request(user, sem, day + timedelta(days=n % 2), (hour, 0), (hour, 30))
        Downtime.objects.create(instrument=sem, start=at(day, hour, 30), end=at(day, hour, 45))
    count()


# --- Preview --------------------------------------------------------------------------------------------------------
def test_preview_answers_the_quote_and_stores_nothing(world, sem, client_for, day):
    body = {"start": iso(at(day, 10)), "end": iso(at(day, 11)), "mode": "assisted"}
    answer = client_for(world.user_a).post(f"/api/v1/instruments/{sem.id}/preview/", body, format="json")
    assert answer.status_code == 200
    data = answer.json()
    assert data["allowed"] is True and data["refusal"] is None
    assert data["quote"]["total_jpy"] > 0 and data["quote"]["lines"][0]["label"]
    assert not Booking.objects.exists()


def test_preview_names_the_rule_broken(world, sem, client_for, day):
    request(world.user_b, sem, day, (10, 0), (11, 0))
    client = client_for(world.user_a)
    url = f"/api/v1/instruments/{sem.id}/preview/"
    taken = client.post(url, {"start": iso(at(day, 10)), "end": iso(at(day, 11)), "mode": "assisted"}, format="json")
    assert taken.status_code == 200
    assert taken.json()["allowed"] is False and taken.json()["refusal"]["code"] == "slot_taken"
    short = client.post(
        url, {"start": iso(at(day, 14)), "end": iso(at(day, 14, 10)), "mode": "assisted"}, format="json"
    )
    assert short.json()["refusal"]["code"] == "too_short"
    assert Booking.objects.count() == 1


def test_preview_refuses_bad_input_anonymous_and_those_who_may_not_book(world, sem, client_for, api, day):
    url = f"/api/v1/instruments/{sem.id}/preview/"
    body = {"start": iso(at(day, 10)), "end": iso(at(day, 11)), "mode": "assisted"}
    assert api.post(url, body, format="json").status_code in (401, 403)
    naive = client_for(world.user_a).post(url, body | {"start": "2026-12-01T10:00:00"}, format="json")
    assert naive.status_code == 400 and "start" in naive.json()
    assert client_for(world.user_a).post(url, body | {"mode": "x"}, format="json").status_code == 400
    outsider = UserFactory()
    assert client_for(outsider).post(url, body, format="json").status_code == 403
    assert client_for(world.user_a).post("/api/v1/instruments/999999/preview/", body, format="json").status_code == 404


def test_the_grid_api_moves_a_subject_only_for_its_staff(world, sem, client_for, day):
    booking = request(world.user_a, sem, day, (10, 0), (11, 0))
    url = f"/api/v1/instruments/{sem.id}/grid/"
    params = {"start": day.isoformat(), "days": 1, "subject": booking.id}
    staff = client_for(world.staff_a).get(url, params)
    assert staff.status_code == 200
    assert [b["kind"] for b in staff.json()["blocks"] if b["start"] == iso(at(day, 10))] == ["subject"]
    for user in (world.user_a, world.staff_b):  # its requester, another institution's staff
        refused = client_for(user).get(url, params)
        assert refused.status_code == 403 and refused.json()["code"] == "not_institution_staff"
    other = client_for(world.staff_b).get(f"/api/v1/instruments/{world.xrd.id}/grid/", params)
    assert other.status_code == 403  # a booking of another instrument
    assert client_for(world.staff_a).get(url, params | {"subject": "x"}).status_code == 400


# --- Pages ----------------------------------------------------------------------------------------------------------
def main_of(response) -> str:
    return response.content.decode().split("<main>", 1)[1].split("</main>", 1)[0]


def test_the_plain_week_names_each_kind_of_time(world, sem, client, day):
    sem.setup_minutes = 30
    sem.save()
    mine = request(world.user_a, sem, day, (14, 0), (15, 0))
    request(world.user_b, sem, day, (10, 0), (11, 0))
    Downtime.objects.create(instrument=sem, start=at(day, 16), end=at(day, 17), title="定期点検")
    client.force_login(world.user_a)
    body = main_of(client.get(f"/instruments/{sem.pk}/", {"week": day.isoformat()}))
    assert "予約済 10:00–11:00" in body and "予約の準備時間 09:30–10:00" in body
    assert f'href="/bookings/{mine.id}/">あなたの申請（承認待ち） #{mine.id} 14:00–15:00' in body
    assert "停止期間 16:00–17:00 · 定期点検" in body
    # a free block links to the minimum length (30 minutes) from its start, not to the whole block
    link = f"start={quote(at(day, 15, 30).isoformat())}&end={quote(at(day, 16).isoformat())}#request"
    assert link in body and "空き 15:30–16:00" in body  # after the own booking, room for the next one's set-up
    assert "利用時間外" in body  # the weekend
    holiday = next(d for d, _ in jpholiday.between(day, day + timedelta(days=300)) if d.weekday() < 5)
    holiday_page = main_of(client.get(f"/instruments/{sem.pk}/", {"week": holiday.isoformat()}))
    assert jpholiday.is_holiday_name(holiday) in holiday_page


def test_the_plain_week_says_too_late_inside_the_lead_time(world, sem, client):
    sem.lead_time_hours = 24 * 20
    sem.save()
    body = main_of(client.get(f"/instruments/{sem.pk}/", {"week": working_day(1).isoformat()}))
    assert "申請締切済" in body and 'class="slot g-free' not in body


def test_the_instrument_page_query_count_is_constant_in_the_weeks_bookings(
    world, sem, client, day, django_assert_num_queries
):
    client.force_login(world.user_a)
    url = f"/instruments/{sem.pk}/?week={monday_of(day).isoformat()}"
    few = len(_captured(lambda: client.get(url)))
    for n, hour in enumerate((9, 10, 11, 13, 14, 15)):
        request(world.user_b if n % 2 else world.user_a, sem, day + timedelta(days=n % 2), (hour, 0), (hour, 30))
        Downtime.objects.create(instrument=sem, start=at(day, hour, 30), end=at(day, hour, 45))
    with django_assert_num_queries(few):
        assert client.get(url).status_code == 200


def _captured(call):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as context:
        call()
    return context.captured_queries


@pytest.fixture
def english_names(world, sem):
    sem.name_en = "Scanning electron microscope JSM-IT800"
    sem.save(update_fields=["name_en"])
    sem.category.name_en = "Electron microscopes"
    sem.category.save(update_fields=["name_en"])
    world.inst_a.name_en = "Hokkaido Research Organization"
    world.inst_a.save(update_fields=["name_en"])
    world.hokkaido.name_en = "Hokkaido Consortium"
    world.hokkaido.save(update_fields=["name_en"])
    return sem


def test_the_instrument_page_is_in_one_language_with_its_grid(world, english_names, client, day):
    from tests.language import english_page_problems, japanese_page_problems

    sem = english_names
    request(world.user_a, sem, day, (10, 0), (11, 0))
    client.force_login(world.user_a)
    japanese = client.get(f"/instruments/{sem.pk}/", {"week": day.isoformat()})
    assert japanese_page_problems(main_of(japanese)) == []
    world.user_a.language = "en"
    world.user_a.save(update_fields=["language"])
    english = client.get(f"/instruments/{sem.pk}/", {"week": day.isoformat()})
    body = main_of(english)
    assert "Your request (pending)" in body and "What the colours mean" in body
    assert english_page_problems(body, data=(sem.maker,)) == []
    config = english.context["grid_config"]
    assert config["text"]["total"] == "Total" and config["yen"] == "¥{n}"
    assert config["grid"]["labels"]["busy"] == "Busy"


# --- The counter-proposal on the booking page ------------------------------------------------------------------------
def test_staff_see_the_grid_beside_the_proposal_form_others_do_not(world, sem, client, day):
    booking = request(world.user_a, sem, day, (10, 0), (11, 0))
    client.force_login(world.staff_a)
    page = client.get(f"/bookings/{booking.pk}/")
    body = main_of(page)
    assert 'id="time-grid"' in body and "この申請 #" in body
    config = page.context["grid_config"]
    assert config["subject"] == booking.id and config["fields"] == {
        "start": "id_propose-start",
        "end": "id_propose-end",
    }
    assert config["preview_url"] == "" and config["grid"]["start"] == day.isoformat()
    client.force_login(world.user_a)
    assert 'id="time-grid"' not in main_of(client.get(f"/bookings/{booking.pk}/"))
    services.approve(actor=world.staff_a, booking=booking)
    client.force_login(world.staff_a)
    assert 'id="time-grid"' not in main_of(client.get(f"/bookings/{booking.pk}/"))  # nothing to propose


def test_the_booking_page_prefills_the_proposal_from_the_address(world, sem, client, day):
    booking = request(world.user_a, sem, day, (10, 0), (11, 0))
    client.force_login(world.staff_a)
    page = client.get(f"/bookings/{booking.pk}/", {"start": at(day, 14).isoformat(), "end": at(day, 15).isoformat()})
    assert page.context["propose_form"].initial == {"start": at(day, 14), "end": at(day, 15)}
    assert f'value="{day:%Y-%m-%d}T14:00"' in page.content.decode()
    for start in ("2026-12-01T10:00:00", "x", "9999-12-31T23:59:59-12:00"):
        response = client.get(f"/bookings/{booking.pk}/", {"start": start, "end": at(day, 15).isoformat()})
        assert response.status_code == 200 and "start" not in response.context["propose_form"].initial
    assert client.get(f"/bookings/{booking.pk}/", {"week": "garbage"}).status_code == 200


def test_the_grid_and_preview_answers_are_what_the_schema_documents(world, sem, api, client_for, day):
    import schemathesis

    from tests.backend.test_schema import conform

    openapi = schemathesis.openapi.from_dict(api.get("/api/schema/", {"format": "json"}).json())
    mine = request(world.user_a, sem, day, (10, 0), (11, 0))
    client = client_for(world.user_a)
    grid_path, preview_path = "/api/v1/instruments/{id}/grid/", "/api/v1/instruments/{id}/preview/"
    answer = client.get(f"/api/v1/instruments/{sem.id}/grid/", {"start": day.isoformat()})
    assert any(b["booking"] == mine.id for b in answer.json()["blocks"])
    conform(openapi, "GET", grid_path, answer)
    conform(openapi, "GET", grid_path, api.get(f"/api/v1/instruments/{sem.id}/grid/", {"days": "99"}))
    url = f"/api/v1/instruments/{sem.id}/preview/"
    body = {"start": iso(at(day, 13)), "end": iso(at(day, 14)), "mode": "assisted"}
    conform(openapi, "POST", preview_path, client.post(url, body, format="json"))
    conform(openapi, "POST", preview_path, client.post(url, body | {"start": iso(at(day, 10))}, format="json"))
    conform(openapi, "POST", preview_path, client.post(url, body | {"mode": "fly"}, format="json"))
