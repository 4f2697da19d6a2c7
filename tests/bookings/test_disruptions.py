"""Staff changes never hurt a customer silently (bookings.disruptions): a downtime added by hand or from an .ics file,
opening hours narrowed, an instrument retired — each affected holding booking needs a choice, nothing is stored
without them, and every requester is told in their own language."""

import re
from datetime import time, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from backend.errors import Conflict, DomainError, PermissionDenied
from backend.tokyo import TOKYO
from bookings import disruptions, selectors, services
from bookings.disruptions import BookingsAffected, Resolution
from bookings.models import Booking
from equipment.models import Downtime, Instrument
from tests.bookings.conftest import at
from tests.language import english_page_problems, japanese_page_problems

pytestmark = pytest.mark.django_db


@pytest.fixture
def booked(world, sem, day, django_capture_on_commit_callbacks, mailoutbox):
    """An approved booking of company A (10–12) and a pending one of company B (14–15) on the SEM."""
    with django_capture_on_commit_callbacks(execute=True):
        approved = services.request_booking(
            actor=world.user_a, instrument=sem, start=at(day, 10), end=at(day, 12), mode="assisted", purpose="観察"
        )
        services.approve(actor=world.staff_a, booking=approved)
        pending = services.request_booking(
            actor=world.user_b, instrument=sem, start=at(day, 14), end=at(day, 15), mode="assisted", purpose="観察"
        )
    mailoutbox.clear()
    approved.refresh_from_db()
    pending.refresh_from_db()
    return approved, pending


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    def run(call, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return call(**kwargs)

    return run


def downtime_over_the_day(world, sem, day, **more):
    return {"actor": world.staff_a, "instrument": sem, "start": at(day, 9), "end": at(day, 17), "title": "点検", **more}


def test_a_downtime_over_bookings_is_refused_listing_them_and_nothing_is_stored(world, sem, day, booked):
    approved, pending = booked
    with pytest.raises(BookingsAffected) as refused:
        disruptions.add_downtime(**downtime_over_the_day(world, sem, day))
    assert refused.value.status == 409
    assert [row["id"] for row in refused.value.extra["affected"]] == [approved.id, pending.id]
    assert refused.value.extra["affected"][0]["company"] == "札幌精密株式会社"
    assert not Downtime.objects.exists()


def test_a_downtime_hitting_nothing_is_saved_without_choices(world, sem, day, booked):
    downtime = disruptions.add_downtime(
        actor=world.staff_a, instrument=sem, start=at(day + timedelta(days=1), 9), end=at(day + timedelta(days=1), 12)
    )
    assert Downtime.objects.get() == downtime


def test_each_choice_is_carried_out_and_each_requester_is_mailed_in_their_language(
    world, sem, day, booked, send, mailoutbox
):
    approved, pending = booked
    world.user_b.language = "en"
    world.user_b.save()
    # the downtime 9–11 hits only the approved booking: keep it
    send(
        disruptions.add_downtime,
        **downtime_over_the_day(world, sem, day, end=at(day, 11)),
        resolutions=[Resolution(approved.id, "keep", reason="午前中は短縮運転です")],
    )
    approved.refresh_from_db()
    assert approved.status == "approved"
    assert approved.events.last().action == "disrupted"
    assert approved.events.last().data["because"]["choice"] == "keep"
    (mail,) = mailoutbox
    assert mail.to == [world.user_a.email]
    assert "予約に影響する変更" in mail.subject and "午前中は短縮運転です" in mail.body and "点検" in mail.body
    assert list(selectors.in_conflict(Booking.objects.all())) == [approved]

    mailoutbox.clear()
    send(
        disruptions.add_downtime,
        **downtime_over_the_day(world, sem, day, start=at(day, 14), end=at(day, 16), title="Calibration"),
        resolutions=[Resolution(pending.id, "cancel", reason="The detector is replaced.")],
    )
    pending.refresh_from_db()
    assert pending.status == "cancelled" and pending.events.last().data["because"]["choice"] == "cancel"
    (mail,) = mailoutbox
    assert mail.to == [world.user_b.email]
    assert "Booking cancelled" in mail.subject and "downtime" in mail.body and "The detector is replaced." in mail.body


def test_propose_moves_even_an_approved_booking_to_a_time_the_requester_must_accept(
    world, sem, day, booked, send, mailoutbox
):
    approved, _pending = booked
    later = day + timedelta(days=1)
    while later.weekday() >= 5:
        later += timedelta(days=1)
    send(
        disruptions.add_downtime,
        **downtime_over_the_day(world, sem, day, end=at(day, 12)),
        resolutions=[Resolution(approved.id, "propose", start=at(later, 10), end=at(later, 12), reason="翌日へ")],
    )
    approved.refresh_from_db()
    assert approved.status == "pending" and approved.proposal_pending and approved.quote_fixed_at is None
    assert approved.start == at(later, 10)
    assert approved.expires_at > timezone.now()
    (mail,) = mailoutbox
    assert mail.to == [world.user_a.email] and "変更提案" in mail.subject and "停止期間を設定" in mail.body
    accepted = services.accept_proposal(actor=world.user_a, booking=approved)
    assert accepted.status == "approved"


def test_a_bad_choice_stores_nothing(world, sem, day, booked, mailoutbox):
    approved, pending = booked
    cases = [
        ([Resolution(approved.id, "keep")], "resolution_missing"),
        ([Resolution(approved.id, "keep"), Resolution(pending.id, "cancel")], "reason_required"),
        ([Resolution(approved.id, "keep"), Resolution(pending.id, "propose")], "proposal_times_required"),
        ([Resolution(approved.id, "keep"), Resolution(pending.id, "keep"), Resolution(999, "keep")], "not_affected"),
        ([Resolution(approved.id, "keep"), Resolution(approved.id, "keep")], "duplicate_resolution"),
        # a proposal into the new downtime itself is refused by the verb's own rules
        (
            [Resolution(approved.id, "keep"), Resolution(pending.id, "propose", start=at(day, 15), end=at(day, 16))],
            None,
        ),
    ]
    for resolutions, code in cases:
        with pytest.raises(DomainError) as refused:
            disruptions.add_downtime(**downtime_over_the_day(world, sem, day), resolutions=resolutions)
        if code:
            assert refused.value.code == code
        assert refused.value.status == 400
        assert "booking" in refused.value.extra
    assert not Downtime.objects.exists()
    assert list(Booking.objects.order_by("id").values_list("status", flat=True)) == ["approved", "pending"]
    assert not mailoutbox


def test_a_choice_made_on_a_stale_copy_is_refused(world, sem, day, booked):
    approved, _pending = booked
    seen = approved.sequence
    services.cancel(actor=world.user_a, booking=Booking.objects.get(pk=approved.pk), reason="")
    # the booking is no longer affected at all: the choice names a booking the change does not hit
    with pytest.raises(DomainError) as refused:
        disruptions.add_downtime(
            **downtime_over_the_day(world, sem, day, end=at(day, 12)),
            resolutions=[Resolution(approved.id, "keep", sequence=seen)],
        )
    assert refused.value.code == "not_affected"
    _, pending = booked
    pending_seen = pending.sequence
    services.propose(actor=world.staff_a, booking=pending, start=at(day, 15), end=at(day, 16))
    with pytest.raises(Conflict) as refused:
        disruptions.add_downtime(
            **downtime_over_the_day(world, sem, day, start=at(day, 13)),
            resolutions=[Resolution(pending.id, "keep", sequence=pending_seen)],
        )
    assert refused.value.code == "booking_changed" and refused.value.extra["booking"] == pending.id
    assert not Downtime.objects.exists()


def test_only_the_instruments_staff_may_add_a_downtime(world, sem, day, booked):
    approved, pending = booked
    for outsider in (world.staff_b, world.user_a, world.secretariat):
        with pytest.raises(PermissionDenied):
            disruptions.add_downtime(
                **downtime_over_the_day(world, sem, day, actor=outsider),
                resolutions=[Resolution(approved.id, "keep"), Resolution(pending.id, "keep")],
            )
    assert not Downtime.objects.exists()


ICS = b"""BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//test//EN\r
BEGIN:VEVENT\r
UID:maint-1\r
DTSTART;TZID=Asia/Tokyo:%(day)sT090000\r
DTEND;TZID=Asia/Tokyo:%(day)sT110000\r
SUMMARY:Vacuum service\r
END:VEVENT\r
END:VCALENDAR\r
"""


def ics_for(day):
    return SimpleUploadedFile("m.ics", ICS % {b"day": day.strftime("%Y%m%d").encode()}, "text/calendar")


def test_an_ics_import_over_a_booking_needs_a_choice_too(world, sem, day, booked, send, mailoutbox):
    approved, _pending = booked
    with pytest.raises(BookingsAffected) as refused:
        disruptions.import_downtimes(actor=world.staff_a, instrument=sem, upload=ics_for(day))
    assert [row["id"] for row in refused.value.extra["affected"]] == [approved.id]
    assert not Downtime.objects.exists()
    counts = send(
        disruptions.import_downtimes,
        actor=world.staff_a,
        instrument=sem,
        upload=ics_for(day),
        resolutions=[Resolution(approved.id, "keep")],
    )
    assert counts["created"] == 1
    assert [m.to for m in mailoutbox] == [[world.user_a.email]]
    # importing the same file again hits nothing new
    assert disruptions.import_downtimes(actor=world.staff_a, instrument=sem, upload=ics_for(day))["unchanged"] == 1


def test_narrowing_opening_hours_needs_a_choice_for_the_bookings_left_outside(world, sem, day, booked, send):
    approved, pending = booked
    mornings = [{"weekday": d, "opens": time(9), "closes": time(12)} for d in range(5)]
    with pytest.raises(BookingsAffected) as refused:
        disruptions.set_opening_hours(actor=world.staff_a, instrument=sem, opening_hours=mornings)
    assert [row["id"] for row in refused.value.extra["affected"]] == [pending.id]
    assert sem.opening_hours.count() != 5  # unchanged
    send(
        disruptions.set_opening_hours,
        actor=world.staff_a,
        instrument=sem,
        opening_hours=mornings,
        resolutions=[Resolution(pending.id, "cancel", reason="午後は閉館します")],
    )
    pending.refresh_from_db()
    assert pending.status == "cancelled" and sem.opening_hours.count() == 5


def test_retiring_an_instrument_needs_a_choice_for_each_holding_booking(world, sem, day, booked, send, mailoutbox):
    approved, pending = booked
    with pytest.raises(BookingsAffected):
        disruptions.retire_instrument(actor=world.staff_a, instrument=sem)
    sem.refresh_from_db()
    assert sem.status != Instrument.Status.RETIRED
    send(
        disruptions.retire_instrument,
        actor=world.staff_a,
        instrument=sem,
        resolutions=[Resolution(approved.id, "cancel", reason="廃止"), Resolution(pending.id, "cancel", reason="廃止")],
    )
    sem.refresh_from_db()
    assert sem.status == Instrument.Status.RETIRED
    assert set(Booking.objects.values_list("status", flat=True)) == {"cancelled"}
    assert sorted(m.to[0] for m in mailoutbox) == sorted([world.user_a.email, world.user_b.email])
    assert all("廃止" in m.body for m in mailoutbox)


def test_parse_resolutions_names_the_faulty_one():
    assert disruptions.parse_resolutions(None) is None
    for items, field in [
        ("keep", "resolutions"),
        ([{"booking": "x", "action": "keep"}], "resolutions[0]"),
        ([{"booking": 1, "action": "keep"}, {"booking": 2, "action": "move"}], "resolutions[1]"),
        ([{"booking": 1, "action": "propose", "start": "2026-01-01T10:00"}], "resolutions[0].start"),
        ([{"booking": 1, "action": "keep", "sequence": "2"}], "resolutions[0]"),
    ]:
        with pytest.raises(DomainError) as refused:
            disruptions.parse_resolutions(items)
        assert refused.value.field == field


# --- API ------------------------------------------------------------------------------------------
def test_the_api_refuses_a_downtime_over_bookings_with_409_listing_them(world, sem, day, booked, client_for):
    approved, pending = booked
    url = f"/api/v1/instruments/{sem.id}/downtimes/"
    body = {"start": at(day, 9).isoformat(), "end": at(day, 17).isoformat(), "title": "点検"}
    staff = client_for(world.staff_a)
    refused = staff.post(url, body, format="json")
    assert refused.status_code == 409 and refused.data["code"] == "bookings_affected"
    assert [(r["id"], r["status"], r["company"]) for r in refused.data["affected"]] == [
        (approved.id, "approved", "札幌精密株式会社"),
        (pending.id, "pending", "多摩化学株式会社"),
    ]
    missing = staff.post(url, {**body, "resolutions": [{"booking": approved.id, "action": "keep"}]}, format="json")
    assert missing.status_code == 400 and missing.data["booking"] == pending.id
    stranger = staff.post(
        url,
        {**body, "resolutions": [{"booking": approved.id, "action": "keep"}, {"booking": 999, "action": "keep"}]},
        format="json",
    )
    assert stranger.status_code == 400 and stranger.data["booking"] == 999
    assert stranger.data["field"] == "resolutions[1]"
    assert not Downtime.objects.exists()
    assert client_for(world.staff_b).post(url, body, format="json").status_code == 403
    assert client_for(world.user_a).post(url, body, format="json").status_code == 403
    created = staff.post(
        url,
        {
            **body,
            "resolutions": [
                {"booking": approved.id, "action": "keep", "sequence": approved.sequence},
                {"booking": pending.id, "action": "cancel", "reason": "点検のため"},
            ],
        },
        format="json",
    )
    assert created.status_code == 201, created.data
    assert "resolutions" not in created.data
    assert Booking.objects.get(pk=pending.pk).status == "cancelled"


def test_the_api_import_opening_hours_and_retirement_follow_the_same_rule(world, sem, day, booked, client_for):
    approved, pending = booked
    staff = client_for(world.staff_a)
    base = f"/api/v1/instruments/{sem.id}/"
    assert staff.post(base + "downtimes/import/", {"file": ics_for(day)}, format="multipart").status_code == 409
    resolutions = '[{"booking": %d, "action": "keep"}]' % approved.id
    imported = staff.post(
        base + "downtimes/import/", {"file": ics_for(day), "resolutions": resolutions}, format="multipart"
    )
    assert imported.status_code == 200 and imported.data["created"] == 1
    mornings = [{"weekday": d, "opens": "09:00", "closes": "12:00"} for d in range(5)]
    refused = staff.put(base + "opening-hours/", {"opening_hours": mornings}, format="json")
    assert refused.status_code == 409 and [r["id"] for r in refused.data["affected"]] == [pending.id]
    done = staff.put(
        base + "opening-hours/",
        {"opening_hours": mornings, "resolutions": [{"booking": pending.id, "action": "cancel", "reason": "閉館"}]},
        format="json",
    )
    assert done.status_code == 200 and len(done.data) == 5
    assert staff.post(base + "retire/", {}, format="json").status_code == 409
    assert client_for(world.user_a).post(base + "retire/", {}, format="json").status_code == 403
    retired = staff.post(
        base + "retire/",
        {"resolutions": [{"booking": approved.id, "action": "cancel", "reason": "廃止"}]},
        format="json",
    )
    assert retired.status_code == 204


# --- Pages ----------------------------------------------------------------------------------------
def local(moment) -> str:
    return moment.astimezone(TOKYO).strftime("%Y-%m-%dT%H:%M")


def test_the_downtime_page_shows_the_affected_bookings_before_saving_and_saves_with_the_choices(
    world, sem, day, booked, client, django_capture_on_commit_callbacks, mailoutbox
):
    approved, pending = booked
    client.force_login(world.staff_a)
    url = reverse("staff-instrument-downtime", args=[sem.pk])
    change = {"add-start": local(at(day, 9)), "add-end": local(at(day, 17)), "add-kind": "maintenance"}
    shown = client.post(url, change)
    assert shown.status_code == 409
    html = shown.content.decode()
    assert f'name="affected" value="{approved.pk}"' in html and f'name="affected" value="{pending.pk}"' in html
    assert "札幌精密株式会社" in html and japanese_page_problems(html, data=(sem.name,)) == []
    assert not Downtime.objects.exists()
    choices = {
        **change,
        "affected": [approved.pk, pending.pk],
        f"b{approved.pk}-booking": approved.pk,
        f"b{approved.pk}-sequence": approved.sequence,
        f"b{approved.pk}-action": "keep",
        f"b{pending.pk}-booking": pending.pk,
        f"b{pending.pk}-sequence": pending.sequence,
        f"b{pending.pk}-action": "cancel",
    }
    refused = client.post(url, choices)  # a cancellation without a reason: shown again, nothing stored
    assert refused.status_code == 400 and "取り消す理由" in refused.content.decode()
    assert not Downtime.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(url, {**choices, f"b{pending.pk}-reason": "装置点検のため"})
    assert done.status_code == 302 and Downtime.objects.count() == 1
    assert Booking.objects.get(pk=pending.pk).status == "cancelled"
    assert sorted(m.to[0] for m in mailoutbox) == sorted([world.user_a.email, world.user_b.email])

    # the requester sees the conflict on their booking page, in their language
    client.force_login(world.user_a)
    page = client.get(reverse("booking-page", args=[approved.pk])).content.decode()
    assert "この予約と重なっています" in page


def test_the_choice_page_reads_in_english_for_an_english_reader(world, sem, day, booked, client):
    world.staff_a.language = "en"
    world.staff_a.save()
    client.force_login(world.staff_a)
    shown = client.post(
        reverse("staff-instrument-downtime", args=[sem.pk]),
        {"add-start": local(at(day, 9)), "add-end": local(at(day, 17)), "add-kind": "maintenance"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert shown.status_code == 409
    names = (sem.name, sem.institution.name, "札幌精密株式会社", "多摩化学株式会社", "走査電子顕微鏡 JSM-IT800")
    assert english_page_problems(shown.content.decode(), data=names) == []


def test_the_pages_refuse_other_staff_and_customers(world, sem, day, booked, client):
    change = {"add-start": local(at(day, 9)), "add-end": local(at(day, 17)), "add-kind": "maintenance"}
    for user, status in ((world.staff_b, 404), (world.user_a, 403)):
        client.force_login(user)
        for name, data in (
            ("staff-instrument-downtime", change),
            ("staff-instrument-hours", {}),
            ("staff-instrument-retire", {"confirm": "on"}),
        ):
            assert client.post(reverse(name, args=[sem.pk]), data).status_code == status, (user, name)
    assert not Downtime.objects.exists()
    sem.refresh_from_db()
    assert sem.status == "active"


def test_an_ics_import_through_the_page_carries_the_file_to_the_choice(world, sem, day, booked, client):
    approved, _pending = booked
    client.force_login(world.staff_a)
    url = reverse("staff-instrument-downtime-import", args=[sem.pk])
    shown = client.post(url, {"import-file": ics_for(day), "import-kind": "maintenance"})
    assert shown.status_code == 409 and not Downtime.objects.exists()
    content = re.search(r'name="import-content" value="([^"]+)"', shown.content.decode())[1]
    done = client.post(
        url,
        {
            "import-content": content,
            "import-kind": "maintenance",
            "affected": [approved.pk],
            f"b{approved.pk}-booking": approved.pk,
            f"b{approved.pk}-action": "keep",
        },
    )
    assert done.status_code == 302 and Downtime.objects.get().title == "Vacuum service"


def test_retiring_through_the_page_asks_about_the_bookings(world, sem, day, booked, client):
    approved, pending = booked
    client.force_login(world.staff_a)
    url = reverse("staff-instrument-retire", args=[sem.pk])
    assert client.post(url, {"confirm": "on"}).status_code == 409
    sem.refresh_from_db()
    assert sem.status == "active"
    rows = {"confirm": "on", "affected": [approved.pk, pending.pk]}
    for booking in (approved, pending):
        rows |= {
            f"b{booking.pk}-booking": booking.pk,
            f"b{booking.pk}-action": "cancel",
            f"b{booking.pk}-reason": "廃止",
        }
    assert client.post(url, rows).status_code == 302
    sem.refresh_from_db()
    assert sem.status == "retired"


def test_narrowing_hours_through_the_page_asks_about_the_bookings_left_outside(world, sem, day, booked, client):
    _approved, pending = booked
    client.force_login(world.staff_a)
    rows = {
        "hours-TOTAL_FORMS": "5",
        "hours-INITIAL_FORMS": "0",
        "hours-MIN_NUM_FORMS": "0",
        "hours-MAX_NUM_FORMS": "60",
    }
    for d in range(5):
        rows |= {f"hours-{d}-weekday": d, f"hours-{d}-opens": "09:00", f"hours-{d}-closes": "12:00"}
    url = reverse("staff-instrument-hours", args=[sem.pk])
    shown = client.post(url, rows)
    assert shown.status_code == 409 and f'name="affected" value="{pending.pk}"' in shown.content.decode()
    assert 'name="hours-0-opens"' in shown.content.decode()  # the new hours ride along, hidden
    rows |= {"affected": [pending.pk], f"b{pending.pk}-booking": pending.pk, f"b{pending.pk}-action": "keep"}
    assert client.post(url, rows).status_code == 302
    assert sem.opening_hours.count() == 5 and Booking.objects.get(pk=pending.pk).status == "pending"


@pytest.mark.parametrize(
    "resolutions",
    [
        "keep",
        "[not json",
        [1],
        [{"booking": True, "action": "keep"}],
        [{"booking": 10**30, "action": "keep"}],
        [{"booking": 1.5, "action": "keep"}],
        [{"booking": 1, "action": "propose", "start": 5, "end": []}],
        [{"booking": 1, "action": "propose", "start": "9999-01-01T00:00+09:00", "end": "9999-01-01T01:00+09:00"}],
        [{"booking": 1, "action": "cancel", "reason": ["x"]}],
        [{"booking": 1, "action": "keep", "sequence": 10**30}],
        {"booking": 1},
    ],
)
def test_hostile_resolutions_are_a_4xx_and_store_nothing(world, sem, day, booked, client_for, resolutions):
    body = {"start": at(day, 9).isoformat(), "end": at(day, 17).isoformat(), "resolutions": resolutions}
    staff = client_for(world.staff_a)
    answers = [
        staff.post(f"/api/v1/instruments/{sem.id}/downtimes/", body, format="json"),
        staff.post(f"/api/v1/instruments/{sem.id}/retire/", {"resolutions": resolutions}, format="json"),
    ]
    for answer in answers:
        assert 400 <= answer.status_code < 500, answer.content
    assert not Downtime.objects.exists() and Instrument.objects.get(pk=sem.pk).status == "active"


def test_equipments_own_paths_cannot_retire_or_narrow_hours_without_asking(world, sem, day, booked, client_for):
    staff = client_for(world.staff_a)
    url = f"/api/v1/instruments/{sem.id}/"
    retiring = staff.patch(url, {"status": "retired"}, format="json")
    assert retiring.status_code == 400 and retiring.data["code"] == "retire_with_its_own_action"
    hours = staff.patch(url, {"opening_hours": [{"weekday": 0, "opens": "09:00", "closes": "10:00"}]}, format="json")
    assert hours.status_code == 400 and "opening_hours" in hours.data
    assert staff.delete(url).status_code == 405
    sem.refresh_from_db()
    assert sem.status == "active" and sem.opening_hours.count() > 1
