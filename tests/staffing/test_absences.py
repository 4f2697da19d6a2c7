"""Staffing's verbs on absences (staffing.absences): what an absence may be, who may enter one, and the .ics import
keyed by UID (recurring events per occurrence; the same file again changes nothing)."""

from datetime import datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from backend.errors import DomainError, PermissionDenied
from consortia.selectors import forget_access
from staffing import absences, selectors
from staffing.models import Absence
from tests.bookings.conftest import at, working_day
from tests.factories import UserFactory, give_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def day():
    return working_day()


def test_an_absence_is_refused_with_a_code_and_nothing_stored(world, day):
    entered = {"actor": world.staff_a, "operator": world.operator_a}
    cases = [
        ({"start": datetime(2030, 1, 7, 9), "end": at(day, 10)}, "naive_datetime"),
        ({"start": at(day, 10), "end": at(day, 9)}, "end_before_start"),
        ({"start": at(day, 10), "end": at(day, 10)}, "end_before_start"),
        ({"start": at(day, 9), "end": at(day, 9) + Absence.MAX_SPAN + timedelta(minutes=1)}, "absence_too_long"),
        ({"start": at(day, 9), "end": at(day, 10), "kind": "holiday"}, "invalid_choice"),
        ({"start": at(day, 9), "end": at(day, 10), "title": "出張\x07"}, "invalid"),
    ]
    for fields, code in cases:
        with pytest.raises(DomainError) as refused:
            absences.create_absence(**entered, **fields)
        assert refused.value.code == code, fields
        assert refused.value.status == 400
    assert not Absence.objects.exists()
    longest = absences.create_absence(**entered, start=at(day, 9), end=at(day, 9) + Absence.MAX_SPAN, kind="trip")
    assert longest.kind == "trip"


def test_the_operator_and_their_institutions_administrator_may_and_nobody_else(world, day):
    other_admin = UserFactory()
    give_role(other_admin, "institution_admin", institution=world.inst_b)
    colleague = UserFactory()
    give_role(colleague, "staff", institution=world.inst_a)  # staff of the same institution, not its administrator
    assert selectors.may_manage_absences(world.staff_a, world.operator_a)  # themself
    assert selectors.may_manage_absences(world.staff_a, world.operator_b) is False
    assert selectors.may_manage_absences(world.staff_b, world.operator_b)
    for outsider in (colleague, other_admin, world.user_a, world.secretariat, world.staff_b):
        assert not selectors.may_manage_absences(outsider, world.operator_a)
        with pytest.raises(PermissionDenied) as refused:
            absences.create_absence(actor=outsider, operator=world.operator_a, start=at(day, 9), end=at(day, 10))
        assert refused.value.code == "not_absence_manager"
    give_role(other_admin, "institution_admin", institution=world.inst_a)
    forget_access(other_admin)
    assert selectors.may_manage_absences(other_admin, world.operator_a)


def test_deleting_is_for_the_same_people(world, day):
    absence = absences.create_absence(actor=world.staff_b, operator=world.operator_b, start=at(day, 9), end=at(day, 10))
    for outsider in (world.staff_a, world.user_b):  # staff_a administers institution A, not B
        with pytest.raises(PermissionDenied):
            absences.delete_absence(actor=outsider, absence=absence)
    absences.delete_absence(actor=world.staff_b, absence=absence)
    assert not Absence.objects.exists()


def calendar(*events: str) -> SimpleUploadedFile:
    body = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n" + "".join(events) + "END:VCALENDAR\r\n"
    return SimpleUploadedFile("leave.ics", body.encode(), "text/calendar")


def event(uid: str, day, start="090000", end="170000", *, extra="") -> str:
    d = day.strftime("%Y%m%d")
    return (
        f"BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTART;TZID=Asia/Tokyo:{d}T{start}\r\nDTEND;TZID=Asia/Tokyo:{d}T{end}\r\n"
        f"SUMMARY:年休 {uid}\r\n{extra}END:VEVENT\r\n"
    )


def test_an_import_creates_recurring_absences_per_occurrence_and_again_changes_nothing(world, day):
    mine = {"actor": world.staff_a, "operator": world.operator_a}
    weekly = calendar(event("course", day, extra="RRULE:FREQ=WEEKLY;COUNT=4\r\n"), event("trip", day, "130000"))
    counts = absences.import_absences(**mine, upload=weekly, kind="training")
    assert counts == {"created": 5, "updated": 0, "unchanged": 0, "deleted": 0}
    course = Absence.objects.filter(source_uid__startswith="course#").order_by("start")
    assert [a.start for a in course] == [at(day + timedelta(weeks=n), 9) for n in range(4)]
    assert {a.kind for a in course} == {"training"} and course[0].title == "年休 course"
    weekly.seek(0)
    again = absences.import_absences(**mine, upload=weekly, kind="training")
    assert again == {"created": 0, "updated": 0, "unchanged": 5, "deleted": 0}
    moved = calendar(event("trip", day, "140000"), event("course", day, extra="STATUS:CANCELLED\r\n"))
    counts = absences.import_absences(**mine, upload=moved)
    assert counts["updated"] == 1
    assert Absence.objects.get(source_uid="trip").start == at(day, 14)
    assert Absence.objects.count() == 5  # a cancelled master UID is not an occurrence key: the course stays
    gone = calendar(event("trip", day, "140000", extra="STATUS:CANCELLED\r\n"))
    assert absences.import_absences(**mine, upload=gone)["deleted"] == 1
    assert not Absence.objects.filter(source_uid="trip").exists()


def test_an_import_with_any_fault_stores_nothing_and_uses_the_downtime_codes(world, day):
    mine = {"actor": world.staff_a, "operator": world.operator_a}
    cases = [
        (calendar(event("ok", day), event("bad", day, "170000", "090000")), "ics_end_before_start"),
        (SimpleUploadedFile("x.ics", b"nonsense", "text/calendar"), "ics_malformed"),
        (calendar(), "ics_no_events"),
        (
            calendar(event("long", day).replace(day.strftime("%Y%m%d") + "T170000", "20990101T000000")),
            "ics_event_too_long",
        ),
    ]
    for upload, code in cases:
        with pytest.raises(DomainError) as refused:
            absences.import_absences(**mine, upload=upload)
        assert (refused.value.code, refused.value.field) == (code, "file")
    with pytest.raises(PermissionDenied):
        absences.import_absences(actor=world.user_a, operator=world.operator_a, upload=calendar(event("x", day)))
    with pytest.raises(DomainError) as refused:
        absences.import_absences(**mine, upload=calendar(event("x", day)), kind="party")
    assert refused.value.code == "invalid_choice"
    assert not Absence.objects.exists()
