"""Operators on the read side (docs/operators.md): the staff timeline names each booking's operator and flags an
approved operated booking without one; the operator's own schedule page; their assignments in the personal calendar
feed. Who sees what: an operator sees their own assignments, purpose and sample except a confidential booking's when
they are lent (only the instrument's institution's staff see those)."""

from datetime import timedelta

import pytest
import vobject
from django.utils import timezone

from bookings import assignments, services
from equipment.models import Qualification
from staffing.models import Absence, LendingAgreement
from tests.bookings.conftest import at
from tests.factories import InstrumentFactory, UserFactory, make_operator

pytestmark = pytest.mark.django_db
SCHEDULE = "/operator/schedule/"
TIMELINE = "/api/v1/staff/timeline/"


def ask(world, instrument, day, hour, *, user=None, **extra):
    return services.request_booking(
        actor=user or world.user_a,
        instrument=instrument,
        start=at(day, hour),
        end=at(day, hour + 1),
        mode=extra.pop("mode", "assisted"),
        **extra,
    )


def approved(world, instrument, day, hour, **extra):
    return services.approve(actor=world.staff_a, booking=ask(world, instrument, day, hour, **extra))


@pytest.fixture
def lent(world, sem, day):
    """staff_b (operator of institution B) lent to institution A for the SEM from `day` on, confirmed by both; A's
    own operator is away on `day`, so approval there assigns the lent one."""
    Qualification.objects.create(instrument=sem, user=world.staff_b)
    agreement = LendingAgreement.objects.create(
        consortium=world.hokkaido,
        lender=world.inst_b,
        borrower=world.inst_a,
        operator=world.operator_b,
        valid_from=day,
        valid_until=day + timedelta(days=30),
        hourly_rate_jpy=5000,
        lender_confirmed_at=timezone.now(),
        borrower_confirmed_at=timezone.now(),
    )
    agreement.instruments.add(sem)
    Absence.objects.create(operator=world.operator_a, start=at(day, 0), end=at(day + timedelta(days=1), 0))
    return agreement


# --- The staff timeline -------------------------------------------------------------------------------------------
def test_the_timeline_names_the_operator_marks_lent_and_flags_a_booking_without_one(world, sem, day, client_for, lent):
    by_lent = approved(world, sem, day, 9)
    own = approved(world, sem, day + timedelta(days=1), 10)
    released = approved(world, sem, day + timedelta(days=1), 13)
    assignments.release(booking=released, reason="test")  # e.g. approved before operators were reserved
    self_operated = services.approve(
        actor=world.staff_a, booking=ask(world, sem, day + timedelta(days=1), 15, mode="self", user=world.staff_a)
    )
    data = client_for(world.staff_a).get(TIMELINE, {"start": day.isoformat(), "days": 2}).json()
    rows = {b["id"]: b for b in data["bookings"]}
    assert rows[by_lent.id]["operator"] == {"id": world.operator_b.id, "name": world.staff_b.display_name, "lent": True}
    assert rows[own.id]["operator"]["lent"] is False and rows[own.id]["operator_missing"] is False
    assert rows[released.id]["operator"] is None and rows[released.id]["operator_missing"] is True
    assert rows[self_operated.id]["operator"] is None and rows[self_operated.id]["operator_missing"] is False


def test_the_plain_timeline_says_who_operates_and_which_booking_has_no_operator(world, sem, day, client, lent):
    approved(world, sem, day, 9)
    missing = approved(world, sem, day, 11)
    assignments.release(booking=missing, reason="test")
    world.staff_a.language = "en"
    world.staff_a.save(update_fields=["language"])
    client.force_login(world.staff_a)
    body = client.get(f"/staff/calendar/?view=day&day={day.isoformat()}&plain=1").content.decode()
    assert f"Operator: {world.staff_b.display_name} (lent)" in body
    assert body.count("No operator assigned") == 2  # the legend and the booking


def test_the_timeline_query_count_is_constant_in_bookings_and_operators(world, sem, day, client_for):
    def count():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert client_for(world.staff_a).get(TIMELINE, {"start": day.isoformat(), "days": 7}).status_code == 200
        return len(captured)

    approved(world, sem, day, 9)
    few = count()
    for n, hour in enumerate((10, 13, 14, 15)):
        make_operator([sem], user=UserFactory(), institution=world.inst_a)
        approved(world, sem, day + timedelta(days=n % 2), hour)
    assert count() == few


# --- The operator's schedule page ---------------------------------------------------------------------------------
def test_an_operator_sees_their_assignments_with_company_place_and_purpose(world, sem, day, client):
    booking = approved(world, sem, day, 10, purpose="樹脂破断面の観察", sample="PP樹脂 3点")
    Absence.objects.create(
        operator=world.operator_a,
        start=at(day + timedelta(days=1), 9),
        end=at(day + timedelta(days=1), 17),
        title="学会",
    )
    client.force_login(world.staff_a)
    body = client.get(SCHEDULE).content.decode()
    assert sem.name in body and world.inst_a.name in body and world.company_a.name in body
    assert "樹脂破断面の観察" in body and "PP樹脂 3点" in body and "学会" in body
    assert booking.start.astimezone(timezone.get_current_timezone()).strftime("%H:%M") in body


def test_a_lent_operator_does_not_see_a_confidential_bookings_purpose(world, sem, day, client, lent):
    approved(world, sem, day, 10, purpose="極秘の評価", sample="試作品", confidential=True)
    approved(world, sem, day, 13, purpose="公開の評価")
    world.staff_b.language = "en"
    world.staff_b.save(update_fields=["language"])
    client.force_login(world.staff_b)
    body = client.get(SCHEDULE).content.decode()
    assert "極秘の評価" not in body and "試作品" not in body and "公開の評価" in body
    assert "Confidential: shown only to the instrument's staff." in body and "lent" in body


def test_the_schedule_is_the_operators_own_and_only_an_operators(world, sem, day, client):
    approved(world, sem, day, 10, purpose="A社の評価")
    client.force_login(world.staff_b)  # an operator of another institution, not assigned
    assert "A社の評価" not in client.get(SCHEDULE).content.decode()
    for someone in (world.user_a, world.secretariat, UserFactory()):
        client.force_login(someone)
        assert client.get(SCHEDULE).status_code == 404
    client.logout()
    assert client.get(SCHEDULE).status_code == 302  # to the login page


def test_a_released_assignment_leaves_the_schedule(world, sem, day, client):
    booking = approved(world, sem, day, 10, purpose="取り消される評価")
    services.cancel(actor=world.user_a, booking=booking, reason="不要")
    client.force_login(world.staff_a)
    assert "取り消される評価" not in client.get(SCHEDULE).content.decode()


def test_the_schedule_query_count_is_constant_in_assignments(world, sem, day, client):
    client.force_login(world.staff_a)

    def count():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert client.get(SCHEDULE).status_code == 200
        return len(captured)

    approved(world, sem, day, 9)
    few = count()
    for hour in (10, 13, 14, 15):
        approved(world, sem, day + timedelta(days=1), hour)
    Absence.objects.create(operator=world.operator_a, start=at(day, 16), end=at(day, 17))
    assert count() == few


def test_the_home_page_lists_an_operators_next_assignments_and_links_the_schedule(world, sem, day, client):
    approved(world, sem, day, 10)
    world.staff_a.language = "en"
    world.staff_a.save(update_fields=["language"])
    client.force_login(world.staff_a)
    body = client.get("/").content.decode()
    assert 'href="/operator/schedule/"' in body and "Bookings you are assigned to run" in body
    client.force_login(world.user_a)
    assert 'href="/operator/schedule/"' not in client.get("/").content.decode()


# --- The calendar feed ------------------------------------------------------------------------------------------
def feed_events(api, client_for, user) -> dict:
    url = client_for(user).get("/api/v1/calendar/feed/").data["url"]
    response = api.get(url)
    assert response.status_code == 200
    calendar = vobject.readOne(response.content.decode())
    return {event.uid.value: event for event in calendar.contents.get("vevent", [])}


def test_the_feed_carries_each_assignment_as_its_own_entry(world, sem, day, api, client_for):
    booking = approved(world, sem, day, 10, purpose="樹脂破断面の観察")
    assignment = booking.assignments.get()
    events = feed_events(api, client_for, world.staff_a)
    entry = events[f"assignment-{assignment.pk}@kyoyo"]
    assert f"{booking.uid}@kyoyo" in events  # the booking's own entry stays apart (staff see their institution's)
    assert sem.name in entry.summary.value and world.company_a.name in entry.summary.value
    assert world.inst_a.name in entry.location.value
    assert entry.status.value == "CONFIRMED" and "樹脂破断面の観察" in entry.description.value
    assert entry.dtstart.value == assignment.hold_start and entry.dtend.value == assignment.hold_end


def test_a_lent_operators_feed_has_no_confidential_text_and_a_release_cancels_the_entry(
    world, sem, day, api, client_for, lent
):
    booking = approved(world, sem, day, 10, purpose="極秘の評価", sample="試作品", confidential=True)
    assignment = booking.assignments.get()
    uid = f"assignment-{assignment.pk}@kyoyo"
    entry = feed_events(api, client_for, world.staff_b)[uid]
    assert "極秘の評価" not in entry.description.value and "試作品" not in entry.description.value
    assert f"{booking.uid}@kyoyo" not in feed_events(api, client_for, world.staff_b)  # not their institution's
    sequence = int(entry.sequence.value)
    services.cancel(actor=world.user_a, booking=booking, reason="不要")
    entry = feed_events(api, client_for, world.staff_b)[uid]
    assert entry.status.value == "CANCELLED" and int(entry.sequence.value) > sequence


def test_a_user_who_is_no_operator_has_no_assignment_entries(world, sem, day, api, client_for):
    approved(world, sem, day, 10)
    assert not [uid for uid in feed_events(api, client_for, world.user_a) if uid.startswith("assignment-")]


def test_another_instrument_of_the_institution_shows_the_operator_assigned_there(world, sem, day, client):
    other = InstrumentFactory(institution=world.inst_a, name="別の装置")
    Qualification.objects.create(instrument=other, user=world.staff_a)
    approved(world, other, day, 10)
    client.force_login(world.staff_a)
    assert "別の装置" in client.get(SCHEDULE).content.decode()
