"""Availability is the intersection (docs/operators.md): for an assisted or commissioned mode, the grid, the
availability API and the catalogue show time free only where the instrument is requestable and a candidate operator
can take the booking; the rest of the instrument's free time is `no_operator_free`. Self-operation is unchanged."""

from datetime import time, timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backend.api import rfc3339
from backend.errors import DomainError
from bookings import selectors, services
from bookings.selectors import grid
from consortia.models import User
from equipment.models import Qualification
from staffing.models import Absence, LendingAgreement, WorkingHours
from tests.bookings.conftest import at, iso
from tests.bookings.test_grid import monday_of
from tests.factories import InstrumentFactory, UserFactory, make_operator

pytestmark = pytest.mark.django_db


def blocks(instrument, day, *, mode, viewer=None, days=1, **kwargs):
    instrument.refresh_from_db()
    found = grid.time_grid(
        instrument_id=instrument.id,
        policy=selectors.policy_of(instrument),
        viewer=viewer,
        first_day=day,
        days=days,
        mode=mode,
        **kwargs,
    )
    return [(b.kind, b.start, b.end) for b in found.blocks if b.kind in ("free", "no_operator_free")]


def hours(operator, day, *stretches):
    """The operator works only these (from, until) hours on `day`'s weekday."""
    WorkingHours.objects.filter(operator=operator).delete()
    WorkingHours.objects.bulk_create(
        [WorkingHours(operator=operator, weekday=day.weekday(), starts=time(a), ends=time(b)) for a, b in stretches]
    )


def ask(world, instrument, start, end, *, user=None, mode="assisted", **extra):
    return services.request_booking(
        actor=user or world.user_a, instrument=instrument, start=start, end=end, mode=mode, **extra
    )


# --- The grid ------------------------------------------------------------------------------------------------------
def test_assisted_time_is_free_only_while_an_operator_works_self_operation_unchanged(world, sem, day):
    hours(world.operator_a, day, (9, 11))
    assert blocks(sem, day, mode="assisted") == [
        ("free", at(day, 9), at(day, 11)),
        ("no_operator_free", at(day, 11), at(day, 12)),
        ("no_operator_free", at(day, 13), at(day, 17)),
    ]
    assert blocks(sem, day, mode="commissioned") == blocks(sem, day, mode="assisted")
    assert blocks(sem, day, mode="self") == [("free", at(day, 9), at(day, 12)), ("free", at(day, 13), at(day, 17))]


def test_an_absence_and_an_assignment_elsewhere_take_the_operator_away(world, sem, day):
    other = InstrumentFactory(institution=world.inst_a, name="別の装置")
    Qualification.objects.create(instrument=other, user=world.staff_a)
    Absence.objects.create(operator=world.operator_a, start=at(day, 9), end=at(day, 10))
    services.approve(actor=world.staff_a, booking=ask(world, other, at(day, 14), at(day, 15)))
    assert blocks(sem, day, mode="assisted") == [
        ("no_operator_free", at(day, 9), at(day, 10)),
        ("free", at(day, 10), at(day, 12)),
        ("free", at(day, 13), at(day, 14)),
        ("no_operator_free", at(day, 14), at(day, 15)),
        ("free", at(day, 15), at(day, 17)),
    ]


def test_the_operator_buffer_narrows_where_a_booking_may_lie(world, sem, day):
    sem.operator_buffer_minutes = 30
    sem.save(update_fields=["operator_buffer_minutes"])
    hours(world.operator_a, day, (9, 12))
    # the operator is reserved 30 minutes either side: a booking may lie in 9:30–11:30 only
    assert blocks(sem, day, mode="assisted") == [
        ("no_operator_free", at(day, 9), at(day, 9, 30)),
        ("free", at(day, 9, 30), at(day, 11, 30)),
        ("no_operator_free", at(day, 11, 30), at(day, 12)),
        ("no_operator_free", at(day, 13), at(day, 17)),
    ]


def test_candidates_are_those_of_each_day_qualification_and_lending_dates_included(world, sem, day):
    """A week's grid reads candidates once for the window and decides per Tokyo date: the own operator's
    qualification ends on `day`; an operator lent from institution B only from the next day."""
    Qualification.objects.filter(user=world.staff_a, instrument=sem).update(expires_on=day)
    lent = world.operator_b
    Qualification.objects.create(instrument=sem, user=world.staff_b)
    agreement = LendingAgreement.objects.create(
        consortium=world.hokkaido,
        lender=world.inst_b,
        borrower=world.inst_a,
        operator=lent,
        valid_from=day + timedelta(days=1),
        valid_until=day + timedelta(days=30),
        hourly_rate_jpy=5000,
        lender_confirmed_at=timezone.now(),
        borrower_confirmed_at=timezone.now(),
    )
    agreement.instruments.add(sem)
    hours(lent, day + timedelta(days=1), (13, 15))
    found = blocks(sem, day, mode="assisted", days=2)
    assert ("free", at(day, 9), at(day, 12)) in found  # the own operator, still qualified on `day`
    tomorrow = day + timedelta(days=1)
    assert [b for b in found if b[1] >= at(tomorrow, 0)] == [
        ("no_operator_free", at(tomorrow, 9), at(tomorrow, 12)),
        ("free", at(tomorrow, 13), at(tomorrow, 15)),
        ("no_operator_free", at(tomorrow, 15), at(tomorrow, 17)),
    ]
    # what the grid shows free the next day, approval gives to the lent operator
    booking = services.approve(actor=world.staff_a, booking=ask(world, sem, at(tomorrow, 13), at(tomorrow, 14)))
    assignment = selectors.assignment_in_force(booking.id)
    assert assignment.operator == lent and assignment.lent


def test_an_agreement_not_confirmed_by_both_lends_nobody(world, sem, day):
    Qualification.objects.filter(user=world.staff_a, instrument=sem).delete()
    Qualification.objects.create(instrument=sem, user=world.staff_b)
    agreement = LendingAgreement.objects.create(
        consortium=world.hokkaido,
        lender=world.inst_b,
        borrower=world.inst_a,
        operator=world.operator_b,
        valid_from=day,
        valid_until=day,
        hourly_rate_jpy=5000,
        lender_confirmed_at=timezone.now(),
    )
    agreement.instruments.add(sem)
    assert {kind for kind, _s, _e in blocks(sem, day, mode="assisted")} == {"no_operator_free"}


def test_an_instrument_offering_no_self_operation_shows_the_intersection_by_default(world, sem, day):
    sem.modes = ["commissioned"]
    sem.save(update_fields=["modes"])
    hours(world.operator_a, day, (9, 10))
    found = grid.time_grid(instrument_id=sem.id, policy=selectors.policy_of(sem), viewer=None, first_day=day, days=1)
    assert found.mode == "commissioned"
    assert [(b.kind, b.start) for b in found.blocks if b.kind == "free"] == [("free", at(day, 9))]


# --- The APIs --------------------------------------------------------------------------------------------------
def test_the_grid_api_names_no_operator_free_and_its_label(world, sem, day, client_for):
    hours(world.operator_a, day, (9, 11))
    url = f"/api/v1/instruments/{sem.id}/grid/?start={day.isoformat()}&days=1&mode=assisted"
    data = client_for(world.user_a).get(url, HTTP_ACCEPT_LANGUAGE="en").json()
    assert data["mode"] == "assisted"
    kinds = {b["kind"] for b in data["blocks"]}
    assert {"free", "no_operator_free"} <= kinds
    assert data["labels"]["no_operator_free"]
    assert client_for(world.user_a).get(url.replace("assisted", "nonsense")).status_code == 400


def test_the_grid_of_a_counter_proposal_takes_the_bookings_mode_and_frees_its_own_operator(world, sem, day, client_for):
    hours(world.operator_a, day, (9, 11))
    pending = ask(world, sem, at(day, 9), at(day, 10))
    url = f"/api/v1/instruments/{sem.id}/grid/?start={day.isoformat()}&days=1&subject={pending.id}"
    data = client_for(world.staff_a).get(url).json()
    assert data["mode"] == "assisted"
    assert any(b["kind"] == "no_operator_free" for b in data["blocks"])


def test_the_availability_api_answers_no_operator_free_apart(world, sem, day, api):
    hours(world.operator_a, day, (9, 11))
    query = {"start": iso(at(day, 0)), "end": iso(at(day + timedelta(days=1), 0))}
    url = f"/api/v1/instruments/{sem.id}/availability/"
    assisted = api.get(url, {**query, "mode": "assisted"}).json()
    assert assisted["mode"] == "assisted"

    def spans(items):
        return [(i["start"], i["end"]) for i in items]

    def utc(moment):
        return rfc3339(moment)

    assert spans(assisted["free"]) == [(utc(at(day, 9)), utc(at(day, 11)))]
    assert spans(assisted["no_operator_free"]) == [
        (utc(at(day, 11)), utc(at(day, 12))),
        (utc(at(day, 13)), utc(at(day, 17))),
    ]
    plain = api.get(url, query).json()
    assert plain["mode"] == "self" and plain["no_operator_free"] == [] and len(plain["free"]) == 2


def test_the_grid_api_query_count_is_constant_in_operators_and_days(
    world, sem, day, client_for, django_assert_num_queries
):
    url = f"/api/v1/instruments/{sem.id}/grid/?start={monday_of(day).isoformat()}&days=7&mode=assisted"

    def count():
        client = client_for(User.objects.get(pk=world.user_a.pk))  # a user as a request loads it: no roles read
        # the grid's four (rules, bookings, downtimes, the reader's roles), the instrument's buffers, and six for
        # the operators: qualifications, own operators, agreements, working hours, absences, assignments
        with django_assert_num_queries(11):
            assert client.get(url).status_code == 200

    count()
    for n in range(4):
        operator = make_operator([sem], user=UserFactory(), institution=world.inst_a)
        Absence.objects.create(operator=operator, start=at(day, 9 + n), end=at(day, 10 + n))
    services.approve(actor=world.staff_a, booking=ask(world, sem, at(day, 14), at(day, 15)))
    count()


# --- The catalogue -------------------------------------------------------------------------------------------------
def test_the_catalogue_next_free_slot_of_an_operated_mode_waits_for_an_operator(world, sem, day):
    Qualification.objects.filter(user=world.staff_a, instrument=sem).update(expires_on=day - timedelta(days=1))
    sem.refresh_from_db()
    now = at(day, 8)
    slots = selectors.next_free_slots([sem], now=now, wanted_mode="assisted", anonymous=False, days=3)
    assert slots[sem.id].slot is None
    self_slots = selectors.next_free_slots(
        [sem], now=now, wanted_mode="self", qualified_ids={sem.id}, anonymous=False, days=3
    )
    assert self_slots[sem.id].slot is not None
    assert sem.id not in selectors.instruments_free_between(
        [sem], now, now + timedelta(days=3), now=now, mode="assisted"
    )
    assert sem.id in selectors.instruments_free_between([sem], now, now + timedelta(days=3), now=now)


# --- What the grid calls free can be approved with an operator --------------------------------------------------
HALF_HOURS = st.integers(min_value=16, max_value=40)  # 8:00 to 20:00 in half hours


def _stretch(draw):
    a, b = sorted(draw(st.lists(HALF_HOURS, min_size=2, max_size=2, unique=True)))
    return a, b


@st.composite
def operator_days(draw):
    """Two operators' working stretches on the day and an absence each, on the half-hour grid."""
    return [(_stretch(draw), _stretch(draw) if draw(st.booleans()) else None) for _ in range(2)]


def _half(day, n):
    return at(day, n // 2, 30 * (n % 2))


@settings(max_examples=15, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(operator_days())
def test_every_slot_the_grid_shows_free_for_an_assisted_mode_has_a_free_operator(world, sem, day, plan):
    with transaction.atomic():
        second = make_operator([sem], user=UserFactory(), institution=world.inst_a)
        for operator, (work, away) in zip((world.operator_a, second), plan, strict=True):
            WorkingHours.objects.filter(operator=operator).delete()
            start, end = _half(day, work[0]), _half(day, work[1])
            WorkingHours.objects.create(operator=operator, weekday=day.weekday(), starts=start.time(), ends=end.time())
            if away:
                Absence.objects.create(operator=operator, start=_half(day, away[0]), end=_half(day, away[1]))
        shown = blocks(sem, day, mode="assisted")
        for kind, start, end in shown:
            moment = start
            while moment < end:  # each half-hour slot of the block (the grid and the minimum are 30 minutes)
                offers = selectors.offers_for(sem, moment, moment + timedelta(minutes=30))
                assert any(o.free for o in offers) == (kind == "free"), (kind, moment)
                moment += timedelta(minutes=30)
        free = [(s, e) for kind, s, e in shown if kind == "free"]
        if free:  # the first free slot is requested and approved: an operator is assigned
            s = free[0][0]
            booking = services.approve(actor=world.staff_a, booking=ask(world, sem, s, s + timedelta(minutes=30)))
            assert selectors.assignment_in_force(booking.id) is not None
        transaction.set_rollback(True)


def test_the_union_overstates_a_request_spanning_two_operators_which_is_refused(world, sem, day):
    """Operator A works 9–10, B 10–11: the grid shows 9–11 free (the union), but 9:30–10:30 needs one operator
    for all of it and neither can take it; approval is refused `no_operator_free` and nothing is written (the
    request's own check of this, `no_operator_free` at request, is the request service's)."""
    second = make_operator([sem], user=UserFactory(), institution=world.inst_a)
    hours(world.operator_a, day, (9, 10))
    hours(second, day, (10, 11))
    assert ("free", at(day, 9), at(day, 11)) in blocks(sem, day, mode="assisted")
    assert not any(o.free for o in selectors.offers_for(sem, at(day, 9, 30), at(day, 10, 30)))
    try:
        pending = ask(world, sem, at(day, 9, 30), at(day, 10, 30))
    except DomainError as refusal:  # the request check of no_operator_free, where it is in place
        assert refusal.code == "no_operator_free"
        return
    with pytest.raises(DomainError) as refused:
        services.approve(actor=world.staff_a, booking=pending)
    assert refused.value.code == "no_operator_free"
    pending.refresh_from_db()
    assert pending.status == "pending" and selectors.assignment_in_force(pending.id) is None
