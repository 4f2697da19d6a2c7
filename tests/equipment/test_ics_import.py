"""Downtime imported from an .ics export: all or nothing, repeatable, staff of the instrument only."""

from datetime import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from bookings.rules import TOKYO
from equipment.models import Downtime
from tests.bookings.conftest import at, working_day

pytestmark = pytest.mark.django_db
NEXT_YEAR = datetime.now(TOKYO).year + 1


def ics(*events: str) -> bytes:
    body = "".join(f"BEGIN:VEVENT\r\n{e.strip()}\r\nEND:VEVENT\r\n" for e in events)
    return f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//Maintenance//JA\r\n{body}END:VCALENDAR\r\n".encode()


def event(uid: str, start: str, end: str, summary: str = "定期点検", extra: str = "") -> str:
    lines = [f"UID:{uid}", f"DTSTART{start}", f"DTEND{end}", f"SUMMARY:{summary}", "DTSTAMP:20260101T000000Z"]
    return "\r\n".join(lines + ([extra] if extra else []))


MONTHLY = event(
    "monthly@maint", f";TZID=Asia/Tokyo:{NEXT_YEAR}0105T090000", f";TZID=Asia/Tokyo:{NEXT_YEAR}0105T120000",
    extra="RRULE:FREQ=MONTHLY;COUNT=3",
)  # fmt: skip
ALL_DAY = event("allday@maint", f";VALUE=DATE:{NEXT_YEAR}0210", f";VALUE=DATE:{NEXT_YEAR}0212", "装置移設")
FLOATING = event("floating@maint", f":{NEXT_YEAR}0301T130000", f":{NEXT_YEAR}0301T150000", "校正")


def upload(client, instrument, content: bytes, **extra):
    file = SimpleUploadedFile("maintenance.ics", content, content_type="text/calendar")
    return client.post(
        f"/api/v1/instruments/{instrument.pk}/downtimes/import/", {"file": file, **extra}, format="multipart"
    )


def test_staff_import_single_all_day_floating_and_recurring_events(world, client_for):
    response = upload(client_for(world.staff_a), world.sem, ics(MONTHLY, ALL_DAY, FLOATING), kind="repair")
    assert response.status_code == 200, response.data
    assert response.data == {"created": 5, "updated": 0, "unchanged": 0, "deleted": 0}
    rows = list(world.sem.downtimes.order_by("start"))
    local = [(d.start.astimezone(TOKYO), d.end.astimezone(TOKYO)) for d in rows]
    assert local[0] == (datetime(NEXT_YEAR, 1, 5, 9, tzinfo=TOKYO), datetime(NEXT_YEAR, 1, 5, 12, tzinfo=TOKYO))
    assert local[1][0].month == 2 and local[1][0].day == 5  # the monthly rule, expanded
    assert local[2] == (datetime(NEXT_YEAR, 2, 10, tzinfo=TOKYO), datetime(NEXT_YEAR, 2, 12, tzinfo=TOKYO))
    assert local[3][0].day == 1 and local[3][0].hour == 13  # floating time read as Tokyo time
    assert {d.kind for d in rows} == {"repair"} and rows[2].title == "装置移設"
    assert len({d.source_uid for d in rows}) == 5


def test_a_summary_of_several_lines_becomes_a_one_line_title(world, client_for):
    """A title is a name (one line, no control characters), whichever calendar program wrote the summary."""
    multi = event("lines@maint", f":{NEXT_YEAR}0301T130000", f":{NEXT_YEAR}0301T150000", "校正\\n担当:\t佐藤")
    response = upload(client_for(world.staff_a), world.sem, ics(multi))
    assert response.status_code == 200, response.data
    assert world.sem.downtimes.get().title == "校正 担当: 佐藤"


def test_importing_the_same_file_again_changes_nothing(world, client_for):
    client = client_for(world.staff_a)
    upload(client, world.sem, ics(MONTHLY, ALL_DAY))
    again = upload(client, world.sem, ics(MONTHLY, ALL_DAY))
    assert again.data == {"created": 0, "updated": 0, "unchanged": 4, "deleted": 0}
    assert world.sem.downtimes.count() == 4


def test_a_moved_event_is_updated_and_a_cancelled_one_removed(world, client_for):
    client = client_for(world.staff_a)
    upload(client, world.sem, ics(ALL_DAY, FLOATING))
    moved = ALL_DAY.replace(f"{NEXT_YEAR}0212", f"{NEXT_YEAR}0213")
    cancelled = FLOATING + "\r\nSTATUS:CANCELLED"
    response = upload(client, world.sem, ics(moved, cancelled))
    assert response.data == {"created": 0, "updated": 1, "unchanged": 0, "deleted": 1}
    (row,) = world.sem.downtimes.all()
    assert row.end.astimezone(TOKYO).day == 13


@pytest.mark.parametrize(
    "content, code",
    [
        (b"this is not a calendar", "ics_malformed"),
        (b"\xff\xfe\x00garbage", "ics_malformed"),
        (ics(), "ics_no_events"),
        (ics(ALL_DAY, event("bad@x", ":20270301T150000Z", ":20270301T130000Z")), "ics_end_before_start"),
        (ics(ALL_DAY, event("broken@x", ":not-a-date", ":20270301T130000Z")), "ics_invalid_value"),
        (ics(ALL_DAY, "UID:nostart@x\r\nSUMMARY:x"), "ics_missing_start"),
        (ics(ALL_DAY, "DTSTART:20270301T130000Z\r\nSUMMARY:no uid"), "ics_missing_uid"),
        (
            ics(event("r@x", ":20270105T090000Z", ":20270105T100000Z", extra="RRULE:FREQ=MINUTELY")),
            "ics_too_many_events",
        ),
        (b"BEGIN:VCALENDAR\r\n" + b"X" * (1024 * 1024 + 10), "ics_too_large"),
    ],
)
def test_a_faulty_file_is_refused_whole_and_nothing_is_stored(world, client_for, content, code):
    response = upload(client_for(world.staff_a), world.sem, content)
    assert response.status_code == 400, response.data
    assert response.data["code"] == code and response.data["field"] == "file"
    assert not Downtime.objects.exists()


def test_the_file_and_kind_are_checked(world, client_for):
    client = client_for(world.staff_a)
    assert client.post(f"/api/v1/instruments/{world.sem.pk}/downtimes/import/", {}).status_code == 400
    assert upload(client, world.sem, ics(ALL_DAY), kind="holiday").status_code == 400
    assert not Downtime.objects.exists()


@pytest.mark.parametrize("who", ["staff_b", "user_a", "secretariat", None])
def test_only_the_instruments_own_staff_may_import(world, api, client_for, who):
    client = client_for(getattr(world, who)) if who else api
    response = upload(client, world.sem, ics(ALL_DAY))
    assert response.status_code in ((401, 403) if who is None else (403,))
    assert not Downtime.objects.exists()


def test_events_far_outside_the_window_are_left_out(world, client_for):
    ancient = event("old@x", ":19990101T090000Z", ":19990101T100000Z")
    response = upload(client_for(world.staff_a), world.sem, ics(ancient, ALL_DAY))
    assert response.data["created"] == 1
    assert world.sem.downtimes.get().source_uid == "allday@maint"


def test_imported_downtime_blocks_requests(world, sem, client_for):
    day = working_day()
    upload(client_for(world.staff_a), sem, ics(event("service@x", f":{day:%Y%m%d}T100000", f":{day:%Y%m%d}T110000")))
    body = {"instrument": sem.pk, "start": at(day, 10).isoformat(), "end": at(day, 11).isoformat(), "mode": "assisted"}
    response = client_for(world.user_a).post("/api/v1/bookings/", body, format="json")
    assert response.status_code == 400 and response.data["code"] == "downtime", response.data
