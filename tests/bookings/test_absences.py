"""An operator's absence over the bookings they are assigned to is handled like downtime over bookings
(bookings.absences): each booking hit needs a choice — reassign, propose, cancel — before anything is saved, a choice
that fails stores nothing, and each choice is an event in the booking's history."""

import json
import re
import threading
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backend.errors import DomainError, PermissionDenied
from backend.tokyo import TOKYO
from bookings import absences, assignments, services
from bookings.absences import AbsenceOverBookings
from bookings.disruptions import Resolution
from bookings.models import Assignment, Booking
from staffing.models import Absence
from tests.bookings.conftest import at
from tests.factories import UserFactory, give_role, make_operator
from tests.language import english_page_problems, japanese_page_problems

pytestmark = pytest.mark.django_db


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    def run(call, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return call(**kwargs)

    return run


def book(world, sem, day, start: int, end: int, *, user=None):
    """An approved assisted booking on the SEM; approval assigns the only free operator then."""
    booking = services.request_booking(
        actor=user or world.user_a,
        instrument=sem,
        start=at(day, start),
        end=at(day, end),
        mode="assisted",
        purpose="観察",
    )
    services.approve(actor=world.staff_a, booking=booking)
    booking.refresh_from_db()
    return booking


@pytest.fixture
def assigned(world, sem, day, django_capture_on_commit_callbacks, mailoutbox):
    """Two approved bookings (10–11, 14–15) assigned to operator A (staff_a), then a colleague B who could stand in."""
    with django_capture_on_commit_callbacks(execute=True):
        morning, afternoon = book(world, sem, day, 10, 11), book(world, sem, day, 14, 15, user=world.user_b)
    colleague = make_operator([sem], institution=world.inst_a)
    mailoutbox.clear()
    return morning, afternoon, colleague


def in_force(booking) -> Assignment:
    return Assignment.objects.get(booking=booking, released_at__isnull=True)


def away(world, day, **more):
    """Operator A away the whole working day, entered by themself."""
    return {"actor": world.staff_a, "operator": world.operator_a, "start": at(day, 8), "end": at(day, 20), **more}


def test_an_absence_over_assigned_bookings_is_refused_listing_them_and_nothing_is_stored(world, day, assigned):
    morning, afternoon, _colleague = assigned
    assert in_force(morning).operator == world.operator_a
    with pytest.raises(AbsenceOverBookings) as refused:
        absences.add_absence(**away(world, day))
    assert refused.value.status == 409 and refused.value.code == "bookings_affected"
    assert [row["id"] for row in refused.value.extra["affected"]] == [morning.id, afternoon.id]
    assert refused.value.extra["affected"][0]["instrument"] == "走査電子顕微鏡 JSM-IT800"
    assert refused.value.extra["choices"] == ["reassign", "propose", "cancel"]
    assert not Absence.objects.exists()


def test_an_absence_hitting_no_assignment_is_saved_without_choices(world, day, assigned):
    absence = absences.add_absence(**away(world, day + timedelta(days=1)))
    assert Absence.objects.get() == absence and absence.created_by == world.staff_a


def test_an_absence_over_another_operators_assignment_hits_nothing(world, day, assigned):
    _m, _a, colleague = assigned
    absence = absences.add_absence(actor=world.staff_a, operator=colleague, start=at(day, 8), end=at(day, 20))
    assert Absence.objects.get() == absence


def test_reassign_puts_the_named_free_colleague_in_and_records_it(world, day, assigned, send, mailoutbox):
    morning, afternoon, colleague = assigned
    before = in_force(morning)
    absence = send(
        absences.add_absence,
        **away(world, day),
        resolutions=[
            Resolution(morning.id, "reassign", operator=colleague.id, reason="出張のため"),
            Resolution(afternoon.id, "reassign"),  # nobody named: the first free one
        ],
    )
    for booking in (morning, afternoon):
        booking.refresh_from_db()
        assert booking.status == "approved"
        assert in_force(booking).operator == colleague
        event = booking.events.last()
        assert event.action == "reassign" and event.to_status == "approved"
        assert event.data["released_operator"] == world.operator_a.id and event.data["operator"] == colleague.id
        assert event.data["because"] == {**event.data["because"], "change": "absence", "absence": absence.id}
        assert event.data["because"]["choice"] == "reassign"
    assert morning.events.last().reason == "出張のため"
    before.refresh_from_db()
    assert before.released_at is not None and before.release_reason == "reassigned"
    # the booking's time did not change: the requester is not disturbed; the colleague put in is told (the absent
    # operator entered the absence themself, and nobody is e-mailed about their own act)
    assert {address for message in mailoutbox for address in message.to} == {colleague.user.email}


def test_reassign_is_refused_when_nobody_else_is_free_and_nothing_is_stored(world, day, assigned):
    morning, afternoon, colleague = assigned
    absences.add_absence(actor=world.staff_a, operator=colleague, start=at(day, 13), end=at(day, 16))
    with pytest.raises(DomainError) as refused:
        absences.add_absence(
            **away(world, day),
            resolutions=[Resolution(morning.id, "reassign"), Resolution(afternoon.id, "reassign")],
        )
    assert refused.value.code == "no_operator_free" and refused.value.extra["booking"] == afternoon.id
    assert Absence.objects.count() == 1  # the colleague's own, from before
    # the morning's reassignment, carried out before the afternoon's failed, is undone too
    assert in_force(morning).operator == world.operator_a and in_force(afternoon).operator == world.operator_a
    assert not morning.events.filter(action="reassign").exists()


def test_reassign_to_the_absent_operator_or_a_stranger_is_refused(world, day, assigned):
    morning, afternoon, _colleague = assigned
    stranger = world.operator_b  # of institution B, not qualified on the SEM
    for named, code in ((world.operator_a.id, "already_assigned"), (stranger.id, "not_a_candidate")):
        with pytest.raises(DomainError) as refused:
            absences.add_absence(
                **away(world, day),
                resolutions=[Resolution(morning.id, "reassign", operator=named), Resolution(afternoon.id, "reassign")],
            )
        assert refused.value.code == code and refused.value.extra["booking"] == morning.id
    assert not Absence.objects.exists()


def test_propose_and_cancel_release_the_operator_and_tell_the_requester(world, day, assigned, send, mailoutbox):
    morning, afternoon, _colleague = assigned
    later = day + timedelta(days=1)
    send(
        absences.add_absence,
        **away(world, day),
        resolutions=[
            Resolution(morning.id, "propose", start=at(later, 10), end=at(later, 11), reason="担当者不在のため"),
            Resolution(afternoon.id, "cancel", reason="担当者不在のため中止します"),
        ],
    )
    morning.refresh_from_db()
    afternoon.refresh_from_db()
    assert morning.status == "pending" and morning.proposal_pending and morning.start == at(later, 10)
    assert afternoon.status == "cancelled"
    assert not Assignment.objects.filter(released_at__isnull=True).exists()
    reasons = dict(Assignment.objects.values_list("booking_id", "release_reason"))
    assert reasons == {morning.id: "moved", afternoon.id: "cancelled"}
    assert morning.events.last().data["because"]["change"] == "absence"
    assert sorted(m.to[0] for m in mailoutbox) == sorted([world.user_a.email, world.user_b.email])


def test_keep_is_no_choice_for_an_absence_and_a_missing_choice_refuses_all(world, day, assigned):
    morning, afternoon, _colleague = assigned
    cases = [
        ([Resolution(morning.id, "keep"), Resolution(afternoon.id, "cancel", reason="x")], "invalid_choice"),
        ([Resolution(morning.id, "reassign")], "resolution_missing"),
        ([Resolution(morning.id, "reassign"), Resolution(afternoon.id, "cancel")], "reason_required"),
        ([Resolution(morning.id, "reassign"), Resolution(afternoon.id, "propose")], "proposal_times_required"),
    ]
    for resolutions, code in cases:
        with pytest.raises(DomainError) as refused:
            absences.add_absence(**away(world, day), resolutions=resolutions)
        assert refused.value.code == code
    assert not Absence.objects.exists()
    assert Assignment.objects.filter(released_at__isnull=True).count() == 2


def test_who_may_enter_an_absence(world, day, assigned):
    _m, _a, colleague = assigned
    other_admin = UserFactory()
    give_role(other_admin, "institution_admin", institution=world.inst_b)
    refused = [world.staff_b, other_admin, world.user_a, world.secretariat, colleague.user]
    for outsider in refused:
        with pytest.raises(PermissionDenied) as error:
            absences.add_absence(
                actor=outsider, operator=world.operator_a, start=at(day, 8, 0) - timedelta(days=2), end=at(day, 9)
            )
        assert error.value.code == "not_absence_manager"
    assert not Absence.objects.exists()
    # the operator themself (colleague), and their institution's administrator (staff_a) for them
    when = {"start": at(day + timedelta(days=1), 8), "end": at(day + timedelta(days=1), 9)}
    absences.add_absence(actor=colleague.user, operator=colleague, **when)
    absences.add_absence(actor=world.staff_a, operator=colleague, **when)
    assert Absence.objects.filter(operator=colleague).count() == 2


ICS = b"""BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//test//EN\r
BEGIN:VEVENT\r
UID:trip-1\r
DTSTART;TZID=Asia/Tokyo:%(day)sT090000\r
DTEND;TZID=Asia/Tokyo:%(day)sT120000\r
SUMMARY:Trip to Sapporo\r
END:VEVENT\r
END:VCALENDAR\r
"""


def ics_for(day):
    return SimpleUploadedFile("a.ics", ICS % {b"day": day.strftime("%Y%m%d").encode()}, "text/calendar")


def test_an_ics_import_over_an_assigned_booking_needs_a_choice_too(world, day, assigned, send):
    morning, afternoon, colleague = assigned
    with pytest.raises(AbsenceOverBookings) as refused:
        absences.import_absences(actor=world.staff_a, operator=world.operator_a, upload=ics_for(day))
    assert [row["id"] for row in refused.value.extra["affected"]] == [morning.id]
    assert not Absence.objects.exists()
    counts = send(
        absences.import_absences,
        actor=world.staff_a,
        operator=world.operator_a,
        upload=ics_for(day),
        resolutions=[Resolution(morning.id, "reassign")],
    )
    assert counts == {"created": 1, "updated": 0, "unchanged": 0, "deleted": 0}
    assert in_force(morning).operator == colleague and in_force(afternoon).operator == world.operator_a
    absence = Absence.objects.get()
    assert morning.events.last().data["because"]["absence"] == absence.id
    # the same file again: nothing changes, no choice needed
    again = absences.import_absences(actor=world.staff_a, operator=world.operator_a, upload=ics_for(day))
    assert again["unchanged"] == 1 and Absence.objects.count() == 1


# --- API -------------------------------------------------------------------------------------------
def url(operator, rest=""):
    return f"/api/v1/operators/{operator.id}/absences/{rest}"


def test_the_api_refuses_an_absence_over_assigned_bookings_with_409_then_saves_with_resolutions(
    world, day, assigned, client_for
):
    morning, afternoon, colleague = assigned
    client = client_for(world.staff_a)
    body = {"start": at(day, 8).isoformat(), "end": at(day, 20).isoformat(), "kind": "trip", "title": "学会"}
    refused = client.post(url(world.operator_a), body, format="json")
    assert refused.status_code == 409, refused.content
    assert [row["id"] for row in refused.json()["affected"]] == [morning.id, afternoon.id]
    assert not Absence.objects.exists()
    bad = client.post(
        url(world.operator_a),
        {**body, "resolutions": [{"booking": morning.id, "action": "keep"}]},
        format="json",
    )
    assert bad.status_code == 400 and "resolutions" in json.dumps(bad.json()), bad.json()
    assert not Absence.objects.exists()
    resolutions = [
        {"booking": morning.id, "action": "reassign", "operator": colleague.id},
        {"booking": afternoon.id, "action": "cancel", "reason": "不在"},
    ]
    saved = client.post(url(world.operator_a), {**body, "resolutions": resolutions}, format="json")
    assert saved.status_code == 201, saved.content
    assert saved.json()["kind"] == "trip" and "resolutions" not in saved.json()
    assert in_force(morning).operator == colleague
    listed = client.get(url(world.operator_a))
    assert listed.status_code == 200 and [row["id"] for row in listed.json()["results"]] == [saved.json()["id"]]


def test_the_api_refuses_naive_times_and_other_peoples_absences(world, day, assigned, client_for):
    _m, _a, colleague = assigned
    body = {"start": at(day, 18).isoformat(), "end": at(day, 19).isoformat()}
    naive = client_for(world.staff_a).post(url(world.operator_a), {**body, "start": "2030-01-01T08:00"}, format="json")
    assert naive.status_code == 400
    other_admin = UserFactory()
    give_role(other_admin, "institution_admin", institution=world.inst_b)
    for outsider in (world.staff_b, other_admin, world.user_a, colleague.user):
        client = client_for(outsider)
        assert client.get(url(world.operator_a)).status_code == 403
        refused = client.post(url(world.operator_a), body, format="json")
        assert refused.status_code == 403 and refused.json()["code"] == "not_absence_manager"
    assert client_for(world.staff_a).get("/api/v1/operators/999999/absences/").status_code == 404
    assert not Absence.objects.exists()


def test_the_api_deletes_only_for_those_who_may(world, day, assigned, client_for):
    _m, _a, colleague = assigned
    absence = absences.add_absence(actor=colleague.user, operator=colleague, start=at(day, 18), end=at(day, 19))
    assert client_for(world.staff_b).delete(url(colleague, f"{absence.id}/")).status_code == 403
    assert client_for(world.user_a).delete(url(colleague, f"{absence.id}/")).status_code == 403
    # another operator's URL does not reach it
    assert client_for(world.staff_a).delete(url(world.operator_a, f"{absence.id}/")).status_code == 404
    assert client_for(colleague.user).delete(url(colleague, f"{absence.id}/")).status_code == 204
    assert not Absence.objects.exists()


def test_the_api_import_follows_the_same_rule(world, day, assigned, client_for):
    morning, _afternoon, _colleague = assigned
    client = client_for(world.staff_a)
    assert client.post(url(world.operator_a, "import/"), {"file": ics_for(day)}, format="multipart").status_code == 409
    resolutions = json.dumps([{"booking": morning.id, "action": "reassign"}])
    done = client.post(
        url(world.operator_a, "import/"), {"file": ics_for(day), "resolutions": resolutions}, format="multipart"
    )
    assert done.status_code == 200 and done.json()["created"] == 1
    broken = SimpleUploadedFile("b.ics", b"not a calendar", "text/calendar")
    refused = client.post(url(world.operator_a, "import/"), {"file": broken}, format="multipart")
    assert refused.status_code == 400 and refused.json()["code"] == "ics_malformed"
    assert (
        client_for(world.user_a)
        .post(url(world.operator_a, "import/"), {"file": ics_for(day)}, format="multipart")
        .status_code
        == 403
    )


# --- The property ----------------------------------------------------------------------------------
absence_specs = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=1),  # which operator
        st.integers(min_value=7, max_value=18),  # from (hour)
        st.integers(min_value=1, max_value=6),  # hours
        st.sampled_from(["reassign", "propose", "cancel"]),
    ),
    max_size=5,
)


def overlaps_in_force() -> list:
    clash = []
    for a in Assignment.objects.filter(released_at__isnull=True):
        if Absence.objects.filter(operator=a.operator, start__lt=a.hold_end, end__gt=a.hold_start).exists():
            clash.append(a)
    return clash


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(specs=absence_specs)
def test_after_any_absences_with_any_choices_no_assignment_in_force_overlaps_an_absence(
    world, sem, day, assigned, specs
):
    morning, afternoon, colleague = assigned
    operators = [world.operator_a, colleague]
    later = day + timedelta(days=1)
    with transaction.atomic():
        for which, hour, hours, choice in specs:
            operator = operators[which]
            when = {"start": at(day, hour), "end": at(day, hour) + timedelta(hours=hours)}
            try:
                absences.add_absence(actor=world.staff_a, operator=operator, **when)
            except AbsenceOverBookings as refused:
                resolutions = []
                for i, row in enumerate(refused.extra["affected"]):
                    if choice == "propose":
                        booking = Booking.objects.get(pk=row["id"])
                        moved = booking.start.replace(year=later.year, month=later.month, day=later.day)
                        extra = {"start": moved, "end": moved + (booking.end - booking.start)}
                    else:
                        extra = {}
                    resolutions.append(Resolution(row["id"], choice, reason=f"不在 {i}", **extra))
                stored = Absence.objects.count()
                try:
                    absences.add_absence(actor=world.staff_a, operator=operator, resolutions=resolutions, **when)
                except DomainError:  # e.g. nobody free to reassign to, a proposal into a taken slot: nothing stored
                    assert Absence.objects.count() == stored
            assert overlaps_in_force() == []
        transaction.set_rollback(True)


# --- Pages -----------------------------------------------------------------------------------------
def local(moment) -> str:
    return moment.astimezone(TOKYO).strftime("%Y-%m-%dT%H:%M")


def test_the_absence_page_shows_the_bookings_hit_before_saving_and_saves_with_the_choices(
    world, day, assigned, client, django_capture_on_commit_callbacks, mailoutbox
):
    morning, afternoon, colleague = assigned
    client.force_login(world.staff_a)
    url = reverse("operator-absences")
    assert client.get(url).status_code == 200
    change = {"add-start": local(at(day, 8)), "add-end": local(at(day, 20)), "add-kind": "trip"}
    shown = client.post(url, change)
    assert shown.status_code == 409
    html = shown.content.decode()
    assert f'name="affected" value="{morning.pk}"' in html and f'name="affected" value="{afternoon.pk}"' in html
    assert f'<option value="{colleague.pk}">' in html  # the free colleague is offered
    assert f'<option value="{world.operator_a.pk}">' not in html  # the absent operator is not
    assert japanese_page_problems(html, data=(world.sem.name,)) == []
    assert not Absence.objects.exists()
    choices = {
        **change,
        "affected": [morning.pk, afternoon.pk],
        f"b{morning.pk}-booking": morning.pk,
        f"b{morning.pk}-sequence": morning.sequence,
        f"b{morning.pk}-action": "reassign",
        f"b{morning.pk}-operator": colleague.pk,
        f"b{afternoon.pk}-booking": afternoon.pk,
        f"b{afternoon.pk}-sequence": afternoon.sequence,
        f"b{afternoon.pk}-action": "cancel",
    }
    refused = client.post(url, choices)  # a cancellation without a reason: shown again, nothing stored
    assert refused.status_code == 400 and "取り消す理由" in refused.content.decode()
    assert not Absence.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(url, {**choices, f"b{afternoon.pk}-reason": "出張のため"})
    assert done.status_code == 302 and Absence.objects.count() == 1
    assert in_force(morning).operator == colleague
    assert Booking.objects.get(pk=afternoon.pk).status == "cancelled"
    # the cancelled booking's requester; the colleague put in for the morning (the absent operator acted themself)
    assert sorted(m.to[0] for m in mailoutbox) == sorted([world.user_b.email, colleague.user.email])
    assert "出張" in client.get(url).content.decode()  # the page lists it, by its kind
    assert Absence.objects.get().kind == "trip"


def test_the_choice_page_reads_in_english_for_an_english_reader(world, day, assigned, client):
    world.staff_a.language = "en"
    world.staff_a.save()
    client.force_login(world.staff_a)
    shown = client.post(
        reverse("operator-absences"),
        {"add-start": local(at(day, 8)), "add-end": local(at(day, 20)), "add-kind": "leave"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert shown.status_code == 409
    names = (world.sem.name, "札幌精密株式会社", "多摩化学株式会社", "技術 職員", "技術職員")
    assert english_page_problems(shown.content.decode(), data=names) == []


def test_the_pages_refuse_who_may_not_manage_the_operators_absences(world, day, assigned, client):
    _m, _a, colleague = assigned
    absence = absences.add_absence(actor=colleague.user, operator=colleague, start=at(day, 18), end=at(day, 19))
    change = {"add-start": local(at(day, 18)), "add-end": local(at(day, 19)), "add-kind": "leave"}
    other_admin = UserFactory()
    give_role(other_admin, "institution_admin", institution=world.inst_b)
    staff_pages = [
        ("get", reverse("staff-operator-absences", args=[colleague.pk]), {}),
        ("post", reverse("staff-operator-absences", args=[colleague.pk]), change),
        ("post", reverse("staff-operator-absences-import", args=[colleague.pk]), {}),
        ("post", reverse("staff-operator-absence-delete", args=[colleague.pk, absence.pk]), {}),
    ]
    for user in (world.staff_b, other_admin, world.user_a, world.operator_b.user):
        client.force_login(user)
        for method, url, data in staff_pages:
            assert getattr(client, method)(url, data).status_code == 403, (user, url)
    # their own page: nobody without an operator entry has one
    client.force_login(world.user_a)
    assert client.get(reverse("operator-absences")).status_code == 404
    # another operator's absence is not reached through one's own page
    client.force_login(world.staff_b)
    assert client.post(reverse("operator-absence-delete", args=[absence.pk])).status_code == 404
    assert Absence.objects.count() == 1
    # the administrator of the colleague's institution may, and the colleague themself
    client.force_login(world.staff_a)
    assert client.get(reverse("staff-operator-absences", args=[colleague.pk])).status_code == 200
    client.force_login(colleague.user)
    assert client.post(reverse("operator-absence-delete", args=[absence.pk])).status_code == 302
    assert not Absence.objects.exists()


def test_an_ics_import_through_the_page_carries_the_file_to_the_choice(world, day, assigned, client):
    morning, _afternoon, colleague = assigned
    client.force_login(world.staff_a)
    url = reverse("staff-operator-absences-import", args=[world.operator_a.pk])
    shown = client.post(url, {"import-file": ics_for(day), "import-kind": "trip"})
    assert shown.status_code == 409 and not Absence.objects.exists()
    carried = re.search(r'name="import-content" value="([^"]+)"', shown.content.decode())[1]
    done = client.post(
        url,
        {
            "import-content": carried,
            "import-kind": "trip",
            "affected": [morning.pk],
            f"b{morning.pk}-booking": morning.pk,
            f"b{morning.pk}-action": "reassign",
        },
    )
    assert done.status_code == 302 and done["Location"] == reverse(
        "staff-operator-absences", args=[world.operator_a.pk]
    )
    assert Absence.objects.get().kind == "trip" and in_force(morning).operator == colleague


# --- The race: an absence entered while an approval assigns the same operator ------------------------
def race(world, sem, day, monkeypatch):
    """Approval chooses operator A, then pauses; meanwhile A's absence over the booking is entered and committed;
    then the approval goes on. Returns (approval outcome, absence outcome)."""
    booking = services.request_booking(
        actor=world.user_a, instrument=sem, start=at(day, 10), end=at(day, 11), mode="assisted", purpose="観察"
    )
    original = assignments.choose
    chosen, entered = threading.Event(), threading.Event()

    def choose_then_wait(*args, **kwargs):
        offer = original(*args, **kwargs)
        chosen.set()
        entered.wait(timeout=10)  # the absence commits between the approval's check and its insert
        return offer

    monkeypatch.setattr(assignments, "choose", choose_then_wait)
    outcomes = {}

    def approve():
        try:
            services.approve(actor=world.staff_a, booking=Booking.objects.get(pk=booking.pk))
            outcomes["approve"] = "won"
        except DomainError as error:
            outcomes["approve"] = f"{error.status}:{error.code}"
        finally:
            connection.close()

    def enter():
        chosen.wait(timeout=10)
        try:
            absences.add_absence(**away(world, day))
            outcomes["absence"] = "saved"
        except DomainError as error:
            outcomes["absence"] = f"{error.status}:{error.code}"
        finally:
            entered.set()
            connection.close()

    threads = [threading.Thread(target=approve), threading.Thread(target=enter)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_without_the_guard_an_approval_overruns_an_absence_entered_meanwhile(world, sem, day, monkeypatch):
    monkeypatch.setattr(assignments, "guard_against_absence", lambda offer, hold: None)
    assert race(world, sem, day, monkeypatch) == {"approve": "won", "absence": "saved"}
    assert len(overlaps_in_force()) == 1  # the race the guard is for


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_with_the_guard_an_absence_entered_meanwhile_refuses_the_approval(world, sem, day, monkeypatch):
    assert race(world, sem, day, monkeypatch) == {"approve": "409:operator_not_free", "absence": "saved"}
    assert overlaps_in_force() == []
    assert Booking.objects.get().status == "pending"


def test_reassign_needs_an_operator_to_replace(world, sem, day, assigned):
    pending = services.request_booking(
        actor=world.user_a, instrument=sem, start=at(day, 13), end=at(day, 14), mode="assisted", purpose="観察"
    )
    with pytest.raises(DomainError) as refused, transaction.atomic():
        assignments.reassign(booking=pending, actor=world.staff_a)
    assert refused.value.code == "not_assigned" and refused.value.status == 409
    assert not Assignment.objects.filter(booking=pending).exists()


def test_deleting_an_absence_acts_on_the_row_as_it_is_now(world, day, assigned):
    absence = absences.add_absence(**away(world, day + timedelta(days=1)))
    stale = Absence.objects.get(pk=absence.pk)
    absences.delete_absence(actor=world.staff_a, absence=absence)
    with pytest.raises(DomainError) as refused:
        absences.delete_absence(actor=world.staff_a, absence=stale)
    assert refused.value.status == 404
