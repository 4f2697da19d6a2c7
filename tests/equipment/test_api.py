"""The catalogue API: search, filters, who may change what, and designed queries."""

import re
from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from equipment import services
from equipment.models import Downtime, Instrument
from tests.equipment.helpers import image_bytes, pdf_bytes, upload
from tests.factories import InstitutionFactory, InstrumentFactory

pytestmark = pytest.mark.django_db

NEW_INSTRUMENT = {
    "category": "sem",
    "name": "卓上走査電子顕微鏡",
    "maker": "日立ハイテク",
    "model": "TM4000Plus II",
    "specs": {"倍率": "10–100,000倍"},
    "location": "本館 2F 分析室",
    "modes": ["assisted", "self"],
    "slot_minutes": 30,
    "min_minutes": 60,
    "max_minutes": 240,
    "opening_hours": [
        {"weekday": 0, "opens": "09:00", "closes": "12:00"},
        {"weekday": 0, "opens": "13:00", "closes": "17:00"},
    ],
}


def names(response):
    return sorted(row["name"] for row in response.data["results"])


# --- Reading and searching -------------------------------------------------------------------------
def test_anonymous_users_browse_the_catalogue_of_all_consortia(world, api):
    response = api.get("/api/v1/instruments/")
    assert response.status_code == 200
    assert names(response) == sorted([world.sem.name, world.xrd.name])
    row = next(r for r in response.data["results"] if r["id"] == world.sem.id)
    assert row["institution"]["name"] == "北海道立総合研究機構" and row["category"]["code"] == "sem"


@pytest.mark.parametrize("query", ["ＳＥＭ", "sem", "Sem", "ｓｅｍ", "jsm-it800", "ＪＳＭ－ＩＴ８００", "走査電子"])
def test_search_ignores_width_and_case(world, api, query):
    services.update_instrument(actor=world.staff_a, instrument=world.sem, name_en="Field-emission SEM")
    response = api.get("/api/v1/instruments/", {"q": query})
    assert names(response) == [world.sem.name]


def test_search_matches_half_width_katakana_and_every_term(world, api):
    services.update_instrument(
        actor=world.staff_b, instrument=world.xrd, description="粉末試料の結晶相を同定（ﾘｰﾄﾍﾞﾙﾄ解析）"
    )
    assert names(api.get("/api/v1/instruments/", {"q": "リートベルト"})) == [world.xrd.name]
    assert names(api.get("/api/v1/instruments/", {"q": "結晶相　リガク"})) == [world.xrd.name]  # ideographic space
    assert names(api.get("/api/v1/instruments/", {"q": "結晶相 日本電子"})) == []


def test_filters_by_consortium_institution_category_and_status(world, api):
    url = "/api/v1/instruments/"
    assert names(api.get(url, {"consortium": world.tama.id})) == [world.xrd.name]
    assert names(api.get(url, {"consortium": world.hokkaido.id})) == sorted([world.sem.name, world.xrd.name])
    assert names(api.get(url, {"institution": world.inst_a.id})) == [world.sem.name]
    assert names(api.get(url, {"category": "xrd"})) == [world.xrd.name]
    assert names(api.get(url, {"status": "maintenance"})) == []


def test_bad_filter_values_are_400_naming_the_field(world, api):
    response = api.get("/api/v1/instruments/", {"consortium": "abc", "status": "broken"})
    assert response.status_code == 400 and {"consortium", "status"} <= set(response.data)


def test_retired_instruments_leave_the_default_catalogue(world, client_for, api):
    assert client_for(world.staff_a).post(f"/api/v1/instruments/{world.sem.id}/retire/").status_code == 204
    assert names(api.get("/api/v1/instruments/")) == [world.xrd.name]
    assert Instrument.objects.get(pk=world.sem.pk).status == "retired"  # kept, not deleted


def test_detail_shows_rates_photos_and_opening_hours(world, client_for, api):
    from tests.factories import RateFactory

    RateFactory(instrument=world.sem, user_category="sme", mode="assisted", amount_jpy=4500)
    client_for(world.staff_a).post(
        f"/api/v1/instruments/{world.sem.id}/photos/",
        {"image": upload("p.png", image_bytes("PNG"))},
        format="multipart",
    )
    data = api.get(f"/api/v1/instruments/{world.sem.id}/").data
    assert data["rates"][0]["amount_jpy"] == 4500 and len(data["photos"]) == 1
    assert len(data["opening_hours"]) == 10 and data["thumbnail"].startswith("http")


def test_the_list_uses_a_constant_number_of_queries_whatever_the_page_size(world, api, client_for):
    staff = client_for(world.staff_a)
    for i in range(15):
        InstrumentFactory(institution=world.inst_a)
        InstrumentFactory(institution=InstitutionFactory(consortia=[world.hokkaido, world.tama]))
    for instrument in Instrument.objects.filter(institution=world.inst_a):
        staff.post(
            f"/api/v1/instruments/{instrument.id}/photos/",
            {"image": upload("p.png", image_bytes("PNG"))},
            format="multipart",
        )
    counts = []
    for size in (2, 30):
        with CaptureQueriesContext(connection) as ctx:
            response = api.get("/api/v1/instruments/", {"page_size": size})
        assert response.status_code == 200 and len(response.data["results"]) == size
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts
    assert counts[1] <= 6


# --- Changing --------------------------------------------------------------------------------------
def test_staff_register_an_instrument_of_their_own_institution(world, client_for):
    response = client_for(world.staff_a).post(
        "/api/v1/instruments/", {**NEW_INSTRUMENT, "institution": world.inst_a.id}, format="json"
    )
    assert response.status_code == 201, response.data
    assert response.data["modes"] == ["self", "assisted"]
    assert [(h["weekday"], h["opens"]) for h in response.data["opening_hours"]] == [(0, "09:00:00"), (0, "13:00:00")]


def test_staff_may_not_register_for_another_institution(world, client_for):
    response = client_for(world.staff_a).post(
        "/api/v1/instruments/", {**NEW_INSTRUMENT, "institution": world.inst_b.id}, format="json"
    )
    assert response.status_code == 403 and response.data["code"] == "not_institution_staff"
    assert not Instrument.objects.filter(name=NEW_INSTRUMENT["name"]).exists()


@pytest.mark.parametrize("who", ["staff_b", "user_a", "secretariat"])
def test_changing_another_institutions_instrument_is_refused(world, client_for, who):
    client = client_for(getattr(world, who))
    url = f"/api/v1/instruments/{world.sem.id}/"
    assert client.patch(url, {"name": "乗っ取り"}, format="json").status_code == 403
    assert client.post(url + "retire/").status_code == 403
    world.sem.refresh_from_db()
    assert world.sem.name != "乗っ取り" and world.sem.status == "active"


def test_anonymous_users_cannot_change_anything(world, api):
    assert api.patch(f"/api/v1/instruments/{world.sem.id}/", {"name": "x"}, format="json").status_code in (401, 403)
    assert api.post("/api/v1/instruments/", NEW_INSTRUMENT, format="json").status_code in (401, 403)


def test_staff_update_their_instrument_and_the_search_text_follows(world, client_for, api):
    response = client_for(world.staff_a).patch(
        f"/api/v1/instruments/{world.sem.id}/", {"description": "ＥＤＳ付き"}, format="json"
    )
    assert response.status_code == 200
    assert names(api.get("/api/v1/instruments/", {"q": "eds"})) == [world.sem.name]


@pytest.mark.parametrize(
    "change, field",
    [
        ({"min_minutes": 300, "max_minutes": 120}, "min_minutes"),
        ({"min_minutes": 45}, "min_minutes"),  # not a multiple of the 30-minute slot
        ({"modes": ["teleport"]}, "modes"),
        ({"modes": []}, "modes"),
        ({"opening_hours": [{"weekday": 7, "opens": "09:00", "closes": "10:00"}]}, "opening_hours"),
        ({"opening_hours": [{"weekday": 1, "opens": "12:00", "closes": "09:00"}]}, "opening_hours"),
        (
            {
                "opening_hours": [
                    {"weekday": 1, "opens": "09:00", "closes": "12:00"},
                    {"weekday": 1, "opens": "11:00", "closes": "15:00"},
                ]
            },
            "opening_hours",
        ),
        ({"slot_minutes": 0}, "slot_minutes"),
        ({"status": "exploded"}, "status"),
        ({"category": "no-such-technique"}, "category"),
        ({"institution": 999999}, "institution"),
    ],
)
def test_bad_instrument_input_is_400_naming_the_field_and_nothing_changes(world, client_for, change, field):
    before = {h.pk for h in world.sem.opening_hours.all()}
    response = client_for(world.staff_a).patch(f"/api/v1/instruments/{world.sem.id}/", change, format="json")
    assert response.status_code == 400, response.data
    assert field in str(response.data)
    world.sem.refresh_from_db()
    assert world.sem.min_minutes == 30 and {h.pk for h in world.sem.opening_hours.all()} == before


def test_qualifications_are_granted_and_revoked_by_staff_only(world, client_for):
    url = f"/api/v1/instruments/{world.sem.id}/qualifications/"
    assert client_for(world.user_a).get(url).status_code == 403
    assert client_for(world.staff_b).post(url, {"user": "company_a"}, format="json").status_code == 403
    staff = client_for(world.staff_a)
    granted = staff.post(url, {"user": "company_a", "expires_on": "2099-03-31"}, format="json")
    assert granted.status_code == 201 and granted.data["granted_by"] == "staff_a"
    assert staff.delete(f"{url}{granted.data['id']}/").status_code == 204
    assert staff.get(url).data["results"][0]["revoked_at"] is not None


def test_downtime_notes_are_for_staff_only(world, client_for, api):
    url = f"/api/v1/instruments/{world.sem.id}/downtimes/"
    body = {
        "start": "2026-12-01T09:00:00+09:00",
        "end": "2026-12-01T17:00:00+09:00",
        "title": "定期点検",
        "note": "フィラメント交換 業者: ○○",
    }
    assert client_for(world.staff_b).post(url, body, format="json").status_code == 403
    assert client_for(world.staff_a).post(url, body, format="json").status_code == 201
    assert "note" not in api.get(url).data["results"][0]
    assert client_for(world.staff_a).get(url).data["results"][0]["note"].startswith("フィラメント")


def test_downtime_needs_aware_ordered_datetimes(world, client_for):
    url = f"/api/v1/instruments/{world.sem.id}/downtimes/"
    staff = client_for(world.staff_a)
    backwards = staff.post(
        url, {"start": "2026-12-01T17:00:00+09:00", "end": "2026-12-01T09:00:00+09:00"}, format="json"
    )
    assert backwards.status_code == 400 and backwards.data["field"] == "end"
    assert world.sem.downtimes.count() == 0


RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})")


def refusal(response) -> tuple[str, str]:
    """(field, code) of a 400: a service's refusal, or a serializer's error on one field."""
    if "code" in response.data:
        return response.data["field"], response.data["code"]
    ((field, errors),) = response.data.items()
    return field, errors[0].code


@pytest.mark.parametrize(
    "start, end, field, code",
    [
        ("2026-12-01T09:00:00", "2026-12-01T17:00:00+09:00", "start", "naive_datetime"),
        ("2026-12-01T09:00:00+09:00", "2026-12-01 17:00", "end", "naive_datetime"),
        ("0001-01-01T00:00:00+09:00", "2026-12-01T17:00:00+09:00", "start", "datetime_out_of_range"),
        ("2026-12-01T09:00:00+09:00", "9999-12-31T00:00:00+09:00", "end", "datetime_out_of_range"),
        ("2026-12-01T09:00:00+09:00", "2036-12-01T09:00:00+09:00", "end", "downtime_too_long"),
        ("2026-12-01T09:00:00+09:00", "2027-12-02T09:00:01+09:00", "end", "downtime_too_long"),
    ],
)
def test_downtime_times_are_aware_within_the_years_and_at_most_366_days(world, client_for, start, end, field, code):
    response = client_for(world.staff_a).post(
        f"/api/v1/instruments/{world.sem.id}/downtimes/", {"start": start, "end": end}, format="json"
    )
    assert response.status_code == 400, response.data
    assert refusal(response) == (field, code)
    if code == "downtime_too_long":
        assert "366" in response.data["detail"]
    assert not Downtime.objects.exists()


def test_a_downtime_of_366_days_is_accepted(world, client_for):
    body = {"start": "2026-12-01T09:00:00+09:00", "end": "2027-12-02T09:00:00+09:00"}
    response = client_for(world.staff_a).post(f"/api/v1/instruments/{world.sem.id}/downtimes/", body, format="json")
    assert response.status_code == 201, response.data
    assert (response.data["start"], response.data["end"]) == (body["start"], body["end"])


def test_api_datetimes_are_rfc3339_even_for_a_row_from_year_one(world, client_for):
    """A row stored before the checks (or by hand) in year 1: Tokyo's offset then was +09:18:59, which is not
    RFC 3339; the API writes such a moment in UTC instead."""
    Downtime.objects.create(
        instrument=world.sem, start=datetime(1, 1, 2, tzinfo=UTC), end=datetime(1, 1, 3, tzinfo=UTC)
    )
    Downtime.objects.create(
        instrument=world.sem, start=datetime(2026, 12, 1, tzinfo=UTC), end=datetime(2026, 12, 2, tzinfo=UTC)
    )
    rows = client_for(world.staff_a).get(f"/api/v1/instruments/{world.sem.id}/downtimes/").data["results"]
    assert [(r["start"], r["end"]) for r in rows] == [
        ("0001-01-02T00:00:00Z", "0001-01-03T00:00:00Z"),
        ("2026-12-01T09:00:00+09:00", "2026-12-02T09:00:00+09:00"),
    ]
    detail = client_for(world.staff_a).get(f"/api/v1/instruments/{world.sem.id}/").data
    assert RFC3339.fullmatch(detail["created_at"]) and RFC3339.fullmatch(detail["updated_at"])


def test_rates_in_force_cannot_be_deleted_but_future_ones_can(world, client_for):
    url = f"/api/v1/instruments/{world.sem.id}/rates/"
    staff = client_for(world.staff_a)
    old = staff.post(
        url, {"user_category": "sme", "mode": "assisted", "amount_jpy": 4000, "valid_from": "2025-04-01"}, format="json"
    )
    new = staff.post(
        url, {"user_category": "sme", "mode": "assisted", "amount_jpy": 4400, "valid_from": "2099-04-01"}, format="json"
    )
    assert old.status_code == new.status_code == 201
    assert staff.delete(f"{url}{old.data['id']}/").status_code == 409
    assert staff.delete(f"{url}{new.data['id']}/").status_code == 204
    assert (
        client_for(world.staff_b)
        .post(url, {"user_category": "sme", "mode": "self", "amount_jpy": 1, "valid_from": "2025-04-01"}, format="json")
        .status_code
        == 403
    )


ICS = b"""BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//test//EN\r
BEGIN:VEVENT\r
UID:move@maint\r
DTSTAMP:20260101T000000Z\r
DTSTART;VALUE=DATE:20990210\r
DTEND;VALUE=DATE:20990212\r
SUMMARY:move\r
END:VEVENT\r
END:VCALENDAR\r
"""


def valid_child_writes():
    """One valid write per endpoint under /instruments/{id}/ (fresh uploads each call)."""
    return {
        "manuals": ({"file": upload("m.pdf", pdf_bytes()), "title": "取扱説明書", "version": "1"}, "multipart"),
        "photos": ({"image": upload("p.png", image_bytes("PNG"))}, "multipart"),
        "rates": ({"user_category": "sme", "mode": "self", "amount_jpy": 1, "valid_from": "2099-04-01"}, "json"),
        "downtimes": ({"start": "2099-12-01T09:00:00+09:00", "end": "2099-12-01T17:00:00+09:00"}, "json"),
        "downtimes/import": ({"file": upload("d.ics", ICS, "text/calendar")}, "multipart"),
    }


@pytest.mark.parametrize("who", ["staff_b", "user_a", "secretariat"])
@pytest.mark.parametrize("child", ["manuals", "photos", "rates", "downtimes", "downtimes/import"])
def test_writes_under_an_instrument_are_refused_by_the_service_for_anyone_but_its_staff(world, client_for, who, child):
    """The view sets no longer check before the service: the service's refusal is the answer, and nothing is
    written; the instrument's own staff get through with the very same input."""
    url = f"/api/v1/instruments/{world.sem.id}/{child}/"
    body, fmt = valid_child_writes()[child]
    response = client_for(getattr(world, who)).post(url, body, format=fmt)
    assert (response.status_code, response.data["code"]) == (403, "not_institution_staff")
    assert not world.sem.manuals.exists() and not world.sem.photos.exists() and not world.sem.downtimes.exists()
    assert not world.sem.rates.filter(valid_from="2099-04-01").exists()
    body, fmt = valid_child_writes()[child]
    assert client_for(world.staff_a).post(url, body, format=fmt).status_code in (200, 201)
