"""The institution timeline of staff: the page (/staff/calendar/, a plain table per day without JavaScript) and its
data (GET /api/v1/staff/timeline/), both from one selector: only staff of the institutions (and site operators),
bad input a 400 naming the field, a fixed number of queries whatever the number of instruments and bookings."""

from datetime import timedelta
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bookings import services
from consortia.models import User
from equipment.models import Downtime
from tests.backend.test_schema import conform, openapi  # noqa: F401 (a fixture)
from tests.bookings.conftest import at
from tests.factories import InstrumentFactory, UserFactory, also_operates, give_role
from tests.invoices.conftest import completed

pytestmark = pytest.mark.django_db
URL = "/api/v1/staff/timeline/"


def ask(world, instrument, day, hour, user=None, **extra):
    return services.request_booking(
        actor=user or world.user_a,
        instrument=instrument,
        start=at(day, hour),
        end=at(day, hour + 1),
        mode="assisted",
        **extra,
    )


@pytest.fixture
def scene(world, sem, day):
    """At institution A's SEM on `day`: a pending request at 9, an approved one at 11, a cancelled one at 14, a
    downtime 15–16; a use recorded and a no-show the week before; a pending request at institution B's XRD."""
    pending = ask(world, sem, day, 9, confidential=True, purpose="極秘の評価")
    approved = services.approve(actor=world.staff_a, booking=ask(world, sem, day, 11, user=world.user_b))
    services.cancel(actor=world.user_a, booking=ask(world, sem, day, 14), reason="不要")
    downtime = Downtime.objects.create(instrument=sem, start=at(day, 15), end=at(day, 16), title="定期点検")
    before = day - timedelta(days=7)
    used = completed(
        sem, requester=world.user_a, company=world.company_a, day=before, start=at(day, 10).time(), minutes=60
    )
    missed = completed(
        sem,
        requester=world.user_a,
        company=world.company_a,
        day=before,
        start=at(day, 13).time(),
        minutes=60,
        status="no_show",
    )
    other = ask(world, world.xrd, day, 10)
    return pending, approved, downtime, used, missed, other


# --- The data ----------------------------------------------------------------------------------------------------
def test_staff_get_their_instruments_bookings_and_downtime_of_a_day(world, client_for, scene, day, openapi):  # noqa: F811
    pending, approved, downtime, *_rest = scene
    response = client_for(world.staff_a).get(URL, {"start": day.isoformat(), "days": 1})
    assert response.status_code == 200
    data = response.json()
    assert [i["id"] for i in data["instruments"]] == [world.sem.id]  # not institution B's XRD
    assert data["start"] == at(day, 0).isoformat() and data["days"] == 1
    assert [(b["id"], b["status"]) for b in data["bookings"]] == [(pending.id, "pending"), (approved.id, "approved")]
    first = data["bookings"][0]
    assert first["start"] == at(day, 9).isoformat() and first["who"] == "札幌精密株式会社"
    assert first["purpose"] == "極秘の評価"  # staff of the institution see a confidential purpose
    assert first["url"] == f"/bookings/{pending.id}/" and first["propose_url"] == f"/bookings/{pending.id}/"
    assert data["bookings"][1]["propose_url"] is None  # only a pending request can be given another time
    assert data["downtimes"] == [
        {
            "id": downtime.id,
            "instrument": world.sem.id,
            "start": at(day, 15).isoformat(),
            "end": at(day, 16).isoformat(),
            "kind": "保守",
            "title": "定期点検",
        }
    ]
    assert (data["opens"], data["closes"]) == ("09:00", "17:00")
    conform(openapi, "GET", URL, response)


def test_a_week_includes_completed_use_and_no_shows(world, client_for, scene, day):
    *_first, used, missed, _other = scene
    response = client_for(world.staff_a).get(URL, {"start": (day - timedelta(days=7)).isoformat(), "days": 7})
    statuses = {b["id"]: b["status"] for b in response.json()["bookings"]}
    assert statuses == {used.id: "completed", missed.id: "no_show"}


def test_staff_of_several_institutions_and_site_operators_see_each_row(world, client_for, scene, day):
    give_role(world.staff_a, "staff", institution=world.inst_b)
    admin = UserFactory(is_superuser=True, is_staff=True)
    for user in (world.staff_a, admin):
        data = client_for(user).get(URL, {"start": day.isoformat()}).json()
        assert {i["id"] for i in data["instruments"]} >= {world.sem.id, world.xrd.id}
        assert {i["institution"]["id"] for i in data["instruments"]} >= {world.inst_a.id, world.inst_b.id}


@pytest.mark.parametrize(
    "params, field",
    [
        ({"start": "x"}, "start"),
        ({"start": "2026-02-30"}, "start"),
        ({"start": "9999-12-31"}, "start"),
        ({"start": "0001-01-01"}, "start"),
        ({"start": "2026-12-01T10:00"}, "start"),
        ({"days": "0"}, "days"),
        ({"days": "8"}, "days"),
        ({"days": "x"}, "days"),
        ({"days": "1.5"}, "days"),
        ({"days": "9" * 30}, "days"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(world, client_for, params, field):
    response = client_for(world.staff_a).get(URL, params)
    assert response.status_code == 400 and field in response.json()


@pytest.mark.parametrize("who", ["user_a", "secretariat", "coordinator", "researcher"])
def test_everyone_but_staff_is_refused_the_data_and_the_page(world, client, client_for, who):
    if who in ("coordinator", "researcher"):
        user = UserFactory(username=who)
        if who == "coordinator":
            give_role(user, "coordinator", consortium=world.hokkaido)
        else:
            give_role(user, "researcher", institution=world.inst_b)
    else:
        user = getattr(world, who)
    response = client_for(user).get(URL)
    assert response.status_code == 403 and response.json()["code"] == "staff_only"
    client.force_login(user)
    assert client.get("/staff/calendar/").status_code == 403


def test_anonymous_visitors_are_refused_the_data_and_sent_to_log_in_from_the_page(api, client):
    assert api.get(URL).status_code in (401, 403)
    assert api.get(URL).json()["code"] == "not_authenticated"
    assert client.get("/staff/calendar/")["Location"].startswith("/accounts/login/")


def test_the_data_takes_the_same_queries_for_one_instrument_and_many(world, client_for, day, sem):
    def queries() -> tuple[int, dict]:
        staff = client_for(User.objects.get(pk=world.staff_a.pk))  # roles read afresh each time
        with CaptureQueriesContext(connection) as context:
            data = staff.get(URL, {"start": day.isoformat(), "days": 7}).json()
        return len(context.captured_queries), data

    ask(world, sem, day, 9)
    few, _data = queries()
    for _n in range(6):
        instrument = InstrumentFactory(institution=world.inst_a)
        also_operates(world.operator_a, [instrument])
        for hour in (9, 10, 13):
            ask(world, instrument, day, hour)
        Downtime.objects.create(instrument=instrument, start=at(day, 15), end=at(day, 16))
    many, data = queries()
    assert len(data["instruments"]) == 7 and len(data["bookings"]) == 19 and len(data["downtimes"]) == 6
    assert many == few


# --- The page ----------------------------------------------------------------------------------------------------
def test_the_plain_page_lists_each_instrument_with_its_day_in_time_order(world, client, scene, day):
    pending, approved, *_rest = scene
    client.force_login(world.staff_a)
    response = client.get("/staff/calendar/", {"view": "day", "day": day.isoformat()})
    body = response.content.decode()
    assert response.status_code == 200
    table = body.split('<table class="data schedule">')[1]
    assert world.sem.name in table and world.xrd.name not in table
    assert table.index(f"/bookings/{pending.id}/") < table.index(f"/bookings/{approved.id}/") < table.index("定期点検")
    assert "09:00–10:00 札幌精密株式会社" in table and "多摩化学株式会社" in table
    assert 'id="timeline-config"' in body and "bookings/timeline.js" in body
    plain = client.get("/staff/calendar/", {"view": "day", "day": day.isoformat(), "plain": "1"}).content.decode()
    assert "bookings/timeline.js" not in plain and 'id="timeline"' not in plain and "定期点検" in plain


def test_the_page_tells_the_timeline_where_its_data_is(world, client, day):
    client.force_login(world.staff_a)
    response = client.get("/staff/calendar/", {"view": "week", "day": day.isoformat()})
    config = response.context["config"]
    assert config["api"] == URL and config["view"] == "resourceTimelineWeek" and config["date"] == day.isoformat()
    assert config["chosen"] and config["labels"]["today"] == "今日"
    assert len(response.context["timeline"].day_by_day()) == 7


def test_the_page_takes_the_same_queries_for_one_instrument_and_many(world, client, day, sem):
    client.force_login(world.staff_a)
    ask(world, sem, day, 9)
    with CaptureQueriesContext(connection) as few:
        client.get("/staff/calendar/", {"day": day.isoformat()})
    for _n in range(5):
        instrument = InstrumentFactory(institution=world.inst_a)
        also_operates(world.operator_a, [instrument])
        ask(world, instrument, day, 10)
        Downtime.objects.create(instrument=instrument, start=at(day, 15), end=at(day, 16))
    with CaptureQueriesContext(connection) as many:
        client.get("/staff/calendar/", {"day": day.isoformat()})
    assert len(many.captured_queries) == len(few.captured_queries)


def test_a_proposal_link_carries_the_times_to_the_booking_page(world, client_for, scene, day):
    """The timeline's drag ends on propose_url?start=…&end=…; the booking page is the staff's to open."""
    pending = scene[0]
    data = client_for(world.staff_a).get(URL, {"start": day.isoformat()}).json()
    times = {"start": at(day, 13).isoformat(), "end": at(day, 14).isoformat()}
    link = data["bookings"][0]["propose_url"] + "?" + urlencode(times)
    query = parse_qs(urlsplit(link).query)
    assert query == {"start": [at(day, 13).isoformat()], "end": [at(day, 14).isoformat()]}
    from django.test import Client

    staff = Client()
    staff.force_login(world.staff_a)
    assert staff.get(link).status_code == 200 and pending.id == data["bookings"][0]["id"]
