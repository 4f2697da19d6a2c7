"""Booking requests and decisions through the API, as users meet them."""

import re
from datetime import UTC, datetime, timedelta

import jpholiday
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from backend.errors import DomainError
from backend.plumbing import parse_aware_datetime, parse_day
from bookings import services
from bookings.models import Booking, BookingEvent
from consortia.models import User
from equipment.models import Downtime, Rate
from equipment.services import grant_qualification
from tests.bookings.conftest import at, iso, working_day
from tests.factories import UserFactory, give_role
from tests.language import JAPANESE, bilingual_pairs

pytestmark = pytest.mark.django_db
URL = "/api/v1/bookings/"


def book(client, body, **change):
    return client.post(URL, {**body, **change}, format="json")


# --- Asking -----------------------------------------------------------------------------------------
def test_a_company_user_asks_for_a_slot_and_gets_a_quote_with_tax(world, sem, client_for, request_body):
    response = book(client_for(world.user_a), request_body)
    assert response.status_code == 201, response.data
    assert response.data["status"] == "pending" and response.data["id"]
    quote = response.data["quote"]
    assert quote["lines"][0]["amount_jpy"] == 9000  # 2 h × 4,500 yen (SME, assisted)
    assert (quote["subtotal_jpy"], quote["tax_jpy"], quote["total_jpy"]) == (9000, 900, 9900)
    assert [e["action"] for e in response.data["events"]] == ["request"]
    assert response.data["company_name"] == "札幌精密株式会社"


def test_a_large_company_pays_the_large_company_rate(world, sem, client_for, request_body):
    response = book(client_for(world.user_b), request_body)
    assert response.status_code == 201 and response.data["quote"]["subtotal_jpy"] == 18000


def test_consumption_tax_is_rounded_down_once_on_the_subtotal(world, sem, client_for, request_body, day):
    Rate.objects.filter(instrument=sem, user_category="sme", mode="assisted").update(amount_jpy=4555)
    response = book(client_for(world.user_a), request_body, end=iso(at(day, 10, 30)), start=iso(at(day, 10)))
    quote = response.data["quote"]
    assert quote["subtotal_jpy"] == 2277 and quote["tax_jpy"] == 227 and quote["total_jpy"] == 2504


def rule_cases(day):
    holiday = next(d for d, _ in jpholiday.between(day, day + timedelta(days=300)) if d.weekday() < 5)
    return [
        ({"start": iso(at(day, 7)), "end": iso(at(day, 8))}, "outside_opening_hours"),
        ({"start": iso(at(day, 11)), "end": iso(at(day, 14))}, "outside_opening_hours"),  # across lunch
        ({"start": iso(at(holiday, 10)), "end": iso(at(holiday, 11))}, "public_holiday"),
        ({"start": iso(at(day, 10)), "end": iso(at(day, 10, 15))}, "too_short"),
        ({"start": iso(at(day, 10, 10)), "end": iso(at(day, 11, 10))}, "off_grid"),
        ({"start": iso(at(day, 10)), "end": iso(at(day, 9))}, "end_before_start"),
        ({"mode": "self"}, "qualification_required"),
        (
            {"start": iso(at(day + timedelta(days=400), 10)), "end": iso(at(day + timedelta(days=400), 11))},
            "beyond_horizon",
        ),
    ]


def test_every_rule_is_refused_with_its_name_and_nothing_is_stored(world, sem, client_for, request_body, day):
    client = client_for(world.user_a)
    for change, code in rule_cases(day):
        response = book(client, request_body, **change)
        assert response.status_code == 400, (code, response.data)
        assert response.data["code"] == code, (code, response.data)
        detail = response.data["detail"]
        assert JAPANESE.search(detail) and not bilingual_pairs(detail), (code, detail)  # Japanese only, by default
        english = client.post(URL, {**request_body, **change}, format="json", HTTP_ACCEPT_LANGUAGE="en").data
        assert english["code"] == code and not JAPANESE.search(english["detail"]), (code, english)
    assert not Booking.objects.exists() and not BookingEvent.objects.exists()


def test_too_long_lead_time_downtime_and_quota_are_refused(world, sem, client_for, request_body, day):
    client = client_for(world.user_a)
    sem.max_minutes = 60
    sem.save()
    assert book(client, request_body).data["code"] == "too_long"
    sem.max_minutes, sem.lead_time_hours = 480, 24 * 400
    sem.save()
    assert book(client, request_body).data["code"] == "lead_time"
    sem.lead_time_hours = 0
    sem.save()
    Downtime.objects.create(instrument=sem, start=at(day, 11), end=at(day, 16), title="点検")
    refused = book(client, request_body)
    assert refused.data["code"] == "downtime" and refused.data["clash"]["start"].startswith(str(day))
    Downtime.objects.all().delete()
    world.company_a.monthly_quota_hours = 1
    world.company_a.save()
    assert book(client, request_body).data["code"] == "quota_exceeded"
    assert not Booking.objects.exists()


def test_a_qualified_user_may_operate_alone(world, sem, client_for, request_body):
    grant_qualification(actor=world.staff_a, instrument=sem, user=world.user_a)
    assert book(client_for(world.user_a), request_body, mode="self").status_code == 201


@pytest.mark.parametrize(
    "change, field",
    [
        ({"start": "2026-12-01T10:00:00"}, "start"),  # naive
        ({"end": "tomorrow"}, "end"),
        ({"instrument": 999999}, "instrument"),
        ({"mode": "remote"}, "mode"),
        ({"confidential": "perhaps"}, "confidential"),
    ],
)
def test_malformed_input_is_400_naming_the_field(world, sem, client_for, request_body, change, field):
    response = book(client_for(world.user_a), request_body, **change)
    assert response.status_code == 400 and field in response.data
    assert not Booking.objects.exists()


def field_error(response) -> tuple[str, str]:
    ((field, errors),) = response.data.items()
    return field, errors[0].code


@pytest.mark.parametrize(
    "change, field, code",
    [
        ({"start": "0001-01-01T00:00:00+14:00"}, "start", "datetime_out_of_range"),  # overflowed converting
        ({"end": "9999-12-31T23:59:59-12:00"}, "end", "datetime_out_of_range"),
        ({"start": "2101-01-05T10:00:00+09:00"}, "start", "datetime_out_of_range"),
        ({"start": "1999-12-31T23:59:59+09:00"}, "start", "datetime_out_of_range"),
        ({"start": "2026-12-01"}, "start", "invalid_datetime"),
        ({"start": "2026-12-01T10:00:00+09:18:59"}, "start", "invalid_datetime"),  # not RFC 3339
        ({"start": "２０２６-12-01T10:00:00+09:00"}, "start", "invalid_datetime"),
        ({"start": "2026-02-30T10:00:00+09:00"}, "start", "invalid_datetime"),
        ({"start": 1767225600}, "start", "invalid_datetime"),
    ],
)
def test_booking_datetimes_go_through_one_strict_parser(world, sem, client_for, request_body, change, field, code):
    response = book(client_for(world.user_a), request_body, **change)
    assert response.status_code == 400, response.data
    assert field_error(response) == (field, code)
    assert not Booking.objects.exists()


@pytest.mark.parametrize(
    "text, moment",
    [
        ("2026-12-01T10:00:00+09:00", datetime(2026, 12, 1, 1, tzinfo=UTC)),
        ("2026-12-01T10:00+09:00", datetime(2026, 12, 1, 1, tzinfo=UTC)),
        ("2026-12-01 01:00:00.5Z", datetime(2026, 12, 1, 1, 0, 0, 500000, tzinfo=UTC)),
        ("2026-12-01t01:00:00z", datetime(2026, 12, 1, 1, tzinfo=UTC)),
        ("2000-01-01T00:00:00+09:00", datetime(1999, 12, 31, 15, tzinfo=UTC)),  # the first moment taken
        (" 2100-12-31T23:59:59+09:00 ", datetime(2100, 12, 31, 14, 59, 59, tzinfo=UTC)),  # the last
    ],
)
def test_the_shared_parser_reads_rfc3339_with_an_offset(text, moment):
    parsed = parse_aware_datetime(text, field="start")
    assert parsed == moment and parsed.utcoffset() is not None


@pytest.mark.parametrize(
    "text, code",
    [
        ("2026-12-01T10:00:00", "naive_datetime"),
        ("1999-12-31T23:59:59+09:00", "datetime_out_of_range"),
        ("2101-01-01T00:00:00+09:00", "datetime_out_of_range"),
        ("0001-01-01T00:00:00+14:00", "datetime_out_of_range"),
        ("9999-12-31T23:59:59-23:59", "datetime_out_of_range"),
        ("2026-12-01T10:00:00+24:00", "invalid_datetime"),
        ("2026-13-01T10:00:00+09:00", "invalid_datetime"),
        ("20261201T100000+0900", "invalid_datetime"),
        ("2026-W49-2T10:00:00+09:00", "invalid_datetime"),
        ("", "invalid_datetime"),
        (None, "invalid_datetime"),
    ],
)
def test_the_shared_parser_refuses_naive_out_of_range_and_garbled_input_naming_the_field(text, code):
    with pytest.raises(DomainError) as refused:
        parse_aware_datetime(text, field="end")
    assert (refused.value.code, refused.value.field, refused.value.status) == (code, "end", 400)


def test_days_use_the_same_years():
    assert parse_day("2100-12-31", field="day").year == 2100
    for text in ("1999-12-31", "2101-01-01", "0001-01-01", "9999-12-31", "2026-02-30", "2026-1-5", "x"):
        with pytest.raises(DomainError):
            parse_day(text, field="day")


def test_roles_that_do_not_book_are_refused(world, sem, client_for, request_body, api):
    assert book(client_for(world.secretariat), request_body).status_code == 403
    assert book(api, request_body).status_code in (401, 403)
    assert not Booking.objects.exists()


# --- Overlaps ---------------------------------------------------------------------------------------
def test_an_overlapping_request_is_409_with_the_clashing_interval(world, sem, client_for, request_body, day):
    assert book(client_for(world.user_a), request_body).status_code == 201
    clash = book(client_for(world.user_b), request_body, start=iso(at(day, 11)), end=iso(at(day, 12)))
    assert clash.status_code == 409 and clash.data["code"] == "slot_taken"
    assert clash.data["clash"] == {"start": iso(at(day, 10)), "end": iso(at(day, 12))}


def test_buffers_hold_time_around_a_booking(world, sem, client_for, request_body, day):
    sem.setup_minutes = sem.cleanup_minutes = 30
    sem.save()
    assert (
        book(client_for(world.user_a), request_body, start=iso(at(day, 9, 30)), end=iso(at(day, 10, 30))).status_code
        == 201
    )
    after = book(client_for(world.user_b), request_body, start=iso(at(day, 11)), end=iso(at(day, 11, 30)))
    assert after.status_code == 409  # 10:30–11:00 is the clean-up, 11:00 needs 10:30 set-up
    assert (
        book(client_for(world.user_b), request_body, start=iso(at(day, 13, 30)), end=iso(at(day, 14))).status_code
        == 201
    )


# --- Availability -----------------------------------------------------------------------------------
def test_availability_shows_free_and_anonymous_busy_time(world, sem, client_for, api, request_body, day):
    book(client_for(world.user_a), request_body)
    Downtime.objects.create(instrument=sem, start=at(day, 15), end=at(day, 16))
    response = api.get(
        f"/api/v1/instruments/{sem.id}/availability/",
        {"start": iso(at(day, 0)), "end": iso(at(day + timedelta(days=1), 0))},
    )
    assert response.status_code == 200
    free = [(f["start"], f["end"]) for f in response.data["free"]]
    busy = [(b["start"], b["end"]) for b in response.data["busy"]]
    assert free == [
        (iso(at(day, 9)), iso(at(day, 10))),
        (iso(at(day, 13)), iso(at(day, 15))),
        (iso(at(day, 16)), iso(at(day, 17))),
    ]
    assert busy == [(iso(at(day, 10)), iso(at(day, 12))), (iso(at(day, 15)), iso(at(day, 16)))]
    assert all(set(b) == {"start", "end"} for b in response.data["busy"])  # nobody's name or purpose


def test_availability_closes_on_public_holidays_and_checks_its_input(world, sem, api):
    holiday = next(
        d for d, _ in jpholiday.between(working_day(), working_day() + timedelta(days=300)) if d.weekday() < 5
    )
    url = f"/api/v1/instruments/{sem.id}/availability/"
    assert api.get(url, {"start": iso(at(holiday, 0)), "end": iso(at(holiday, 23))}).data["free"] == []
    assert api.get(url, {"start": "2026-12-01T00:00:00", "end": "2026-12-02T00:00:00+09:00"}).status_code == 400
    assert api.get(url, {"start": "2026-12-01T00:00:00+09:00", "end": "2027-06-01T00:00:00+09:00"}).status_code == 400
    assert api.get("/api/v1/instruments/999999/availability/", {"start": "x"}).status_code == 404


@pytest.mark.parametrize(
    "start, end, field",
    [
        ("0001-01-01T00:00:00+14:00", "0001-01-02T00:00:00+14:00", "start"),
        ("9999-12-01T00:00:00+09:00", "9999-12-31T00:00:00+09:00", "start"),  # was a 500: the days overflowed
        ("2100-12-30T00:00:00+09:00", "2101-01-02T00:00:00+09:00", "end"),
    ],
)
def test_availability_refuses_dates_outside_the_years_naming_the_parameter(world, sem, api, start, end, field):
    response = api.get(f"/api/v1/instruments/{sem.id}/availability/", {"start": start, "end": end})
    assert response.status_code == 400, response.data
    assert field in response.data and response.data[field][0].code == "datetime_out_of_range"


def test_booking_datetimes_are_written_in_rfc3339(world, sem, client_for, request_body):
    data = book(client_for(world.user_a), request_body).data
    moments = [data[name] for name in ("start", "end", "hold_start", "hold_end", "expires_at", "created_at")]
    moments += [event["at"] for event in data["events"]]
    rfc3339 = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})")
    assert all(rfc3339.fullmatch(m) for m in moments), moments
    assert data["start"] == request_body["start"]  # read back as sent (Japan time)


# --- Deciding ---------------------------------------------------------------------------------------
@pytest.fixture
def pending(world, sem, client_for, request_body):
    return Booking.objects.get(pk=book(client_for(world.user_a), request_body).data["id"])


def act(client, booking, verb, **body):
    return client.post(f"{URL}{booking.id}/{verb}/", body, format="json")


def test_staff_see_their_pending_requests_oldest_first_and_others_do_not(world, pending, client_for):
    rows = client_for(world.staff_a).get(URL, {"status": "pending"}).data["results"]
    assert [r["id"] for r in rows] == [pending.id]
    assert client_for(world.staff_b).get(URL).data["count"] == 0
    assert client_for(world.user_b).get(URL).data["count"] == 0
    assert client_for(world.user_b).get(f"{URL}{pending.id}/").status_code == 404


def test_approval_fixes_the_price_for_good(world, pending, client_for, sem):
    response = act(client_for(world.staff_a), pending, "approve")
    assert response.status_code == 200 and response.data["status"] == "approved"
    assert response.data["quote_fixed_at"] is not None
    Rate.objects.filter(instrument=sem).update(amount_jpy=99999)
    again = client_for(world.user_a).get(f"{URL}{pending.id}/").data
    assert again["quote"]["subtotal_jpy"] == 9000
    assert [(e["action"], e["from_status"], e["to_status"], e["actor"]) for e in again["events"]] == [
        ("request", "", "pending", "company_a"),
        ("approve", "pending", "approved", "staff_a"),
    ]


def test_only_the_owning_staff_decide(world, pending, client_for):
    for who in (world.staff_b, world.user_a, world.secretariat):
        assert act(client_for(who), pending, "approve").status_code in (403, 404)
    pending.refresh_from_db()
    assert pending.status == "pending"


def test_rejection_needs_a_reason_and_is_kept(world, pending, client_for):
    staff = client_for(world.staff_a)
    no_reason = act(staff, pending, "reject")
    assert no_reason.status_code == 400 and no_reason.data["field"] == "reason"
    done = act(staff, pending, "reject", reason="装置の仕様上、この試料は測定できません")
    assert done.data["status"] == "rejected" and done.data["decision_reason"].startswith("装置")
    assert act(staff, pending, "approve").status_code == 409  # a decided request stays decided
    assert Booking.objects.filter(pk=pending.pk).exists()


def test_counter_proposal_moves_the_hold_and_the_company_accepts(world, pending, client_for, day):
    staff, company = client_for(world.staff_a), client_for(world.user_a)
    proposed = act(staff, pending, "propose", start=iso(at(day, 14)), end=iso(at(day, 16)), reason="午前は保守")
    assert proposed.status_code == 200 and proposed.data["proposal_pending"] is True
    assert act(staff, pending, "approve").status_code == 409  # waiting for the company
    other = book(
        client_for(world.user_b),
        {"instrument": pending.instrument_id, "start": iso(at(day, 10)), "end": iso(at(day, 11)), "mode": "assisted"},
    )
    assert other.status_code == 201  # the original slot was released
    accepted = act(company, pending, "accept")
    assert accepted.data["status"] == "approved" and accepted.data["start"] == iso(at(day, 14))


def test_declining_a_proposal_cancels_the_request(world, pending, client_for, day):
    act(client_for(world.staff_a), pending, "propose", start=iso(at(day, 14)), end=iso(at(day, 16)))
    assert act(client_for(world.user_b), pending, "decline").status_code == 404
    assert act(client_for(world.user_a), pending, "decline").data["status"] == "cancelled"


def test_the_company_cancels_until_the_deadline(world, pending, client_for):
    pending.instrument.cancellation_deadline_hours = 24 * 365
    pending.instrument.save()
    late = act(client_for(world.user_a), pending, "cancel")
    assert late.status_code == 400 and late.data["code"] == "cancellation_deadline_passed"
    pending.instrument.cancellation_deadline_hours = 24
    pending.instrument.save()
    assert act(client_for(world.user_a), pending, "cancel").data["status"] == "cancelled"


def test_recording_use_and_no_shows(world, pending, client_for, day):
    staff = client_for(world.staff_a)
    act(staff, pending, "approve")
    early = act(staff, pending, "complete", actual_start=iso(at(day, 10)), actual_end=iso(at(day, 11)))
    assert early.status_code == 400  # the booking has not begun yet (the actual start is in the future)
    pending.refresh_from_db()
    later = pending.start + timedelta(hours=3)
    done = services.complete(
        actor=world.staff_a,
        booking=pending,
        actual_start=pending.start,
        actual_end=pending.start + timedelta(minutes=90),
        now=later,
    )
    assert done.status == "completed" and done.actual_end - done.actual_start == timedelta(minutes=90)
    assert act(client_for(world.user_a), pending, "no-show").status_code == 403


def test_no_show_is_recorded_after_the_start(world, pending, client_for):
    services.approve(actor=world.staff_a, booking=pending)
    assert act(client_for(world.staff_a), pending, "no-show").status_code == 400  # not started yet
    booking = services.mark_no_show(actor=world.staff_a, booking=pending, now=pending.end + timedelta(hours=1))
    assert booking.status == "no_show"


def test_undecided_requests_expire_once(world, pending):
    later = pending.expires_at + timedelta(minutes=1)
    assert services.expire_overdue(now=later) == 1
    assert services.expire_overdue(now=later) == 0  # a repeated run acts on nothing
    pending.refresh_from_db()
    assert pending.status == "expired"
    assert list(pending.events.values_list("action", flat=True)) == ["request", "expire"]


def test_expired_requests_free_their_slot(world, pending, client_for, request_body):
    Booking.objects.filter(pk=pending.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    assert book(client_for(world.user_b), request_body).status_code == 201
    pending.refresh_from_db()
    assert pending.status == "expired"


# --- Privacy ----------------------------------------------------------------------------------------
def test_the_secretariat_sees_bookings_without_confidential_details(world, sem, client_for, request_body):
    book(client_for(world.user_a), request_body, confidential=True)
    rows = client_for(world.secretariat).get(URL).data["results"]
    assert len(rows) == 1 and rows[0]["purpose"] is None and rows[0]["sample"] is None
    staff_rows = client_for(world.staff_a).get(URL).data["results"]
    assert staff_rows[0]["purpose"] == "樹脂破断面の観察"


def test_the_booking_list_uses_a_constant_number_of_queries(world, sem, client_for, request_body):
    days = sorted({working_day(14 + n) for n in range(40)})[:12]
    for d in days:
        assert book(client_for(world.user_a), request_body, start=iso(at(d, 9)), end=iso(at(d, 10))).status_code == 201
    counts = []
    for size in (2, 12):
        staff = client_for(User.objects.get(pk=world.staff_a.pk))  # roles are looked up afresh each time
        with CaptureQueriesContext(connection) as ctx:
            assert len(staff.get(URL, {"page_size": size}).data["results"]) == size
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts


def test_staff_of_the_institution_book_at_the_internal_rate(world, sem, client_for, request_body):
    response = book(client_for(world.staff_a), request_body)
    assert response.status_code == 201 and response.data["user_category"] == "internal"


def test_researchers_of_member_institutions_book_at_the_academic_rate(world, sem, client_for, request_body):
    # #8: 相互活用 is for researchers of an institution sharing a consortium with the instrument's (inst_b is in
    # hokkaido with inst_a); a researcher of inst_c (TAMA only) was given the academic rate before and is now refused.
    researcher = UserFactory()
    give_role(researcher, "researcher", institution=world.inst_b)
    response = book(client_for(researcher), request_body)
    assert response.status_code == 201 and response.data["user_category"] == "academic"
    assert response.data["quote"]["subtotal_jpy"] == 6000
    outsider = UserFactory()
    give_role(outsider, "researcher", institution=world.inst_c)
    response = book(client_for(outsider), request_body)
    assert response.status_code == 403 and response.data["code"] == "institution_not_member"
    assert "北海道協議会" in response.data["detail"] and "会員ではありません" in response.data["detail"]
