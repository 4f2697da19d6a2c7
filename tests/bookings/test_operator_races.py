"""The guarantee for operators: no operator is reserved twice for one moment, across instruments, under concurrency.

Two assisted bookings of two instruments at the same time both need the only operator who runs both. The approvals
are made at once with the window between the Python check (`assignments.choose`) and the insert widened on purpose.
With PostgreSQL's exclusion constraint dropped, both win (the race is real); with it, exactly one wins and the other
is refused 409 with its booking still pending and nothing written. On SQLite the serialised write transactions
(transaction_mode IMMEDIATE) make the check and the insert one step: one wins there too.
"""

import importlib
import threading
import time as clock

import pytest
from django.db import IntegrityError, connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backend.errors import DomainError
from bookings import assignments, services
from bookings.models import Assignment, Booking
from staffing.models import Absence
from tests.bookings.conftest import at
from tests.factories import InstrumentFactory, also_operates

guard_sql = importlib.import_module("bookings.migrations.0012_assignment_no_overlap_exclusion")
on_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (CI runs it there)")


def slow_choice(monkeypatch):
    original = assignments.choose

    def chosen_then_pause(*args, **kwargs):
        offer = original(*args, **kwargs)
        clock.sleep(0.5)  # both approvals have chosen the operator before either inserts
        return offer

    monkeypatch.setattr(assignments, "choose", chosen_then_pause)


@pytest.fixture
def two_requests(world, sem, day):
    """Pending assisted requests at 10–11 on the SEM and on a second instrument of institution A, which staff_a alone
    operates (a pending request reserves nobody, so both may be requested)."""
    other = InstrumentFactory(institution=world.inst_a, name="蛍光X線分析装置")
    also_operates(world.operator_a, [other])
    first = services.request_booking(
        actor=world.user_a, instrument=sem, start=at(day, 10), end=at(day, 11), mode="assisted"
    )
    second = services.request_booking(
        actor=world.user_b, instrument=other, start=at(day, 10), end=at(day, 11), mode="assisted"
    )
    return first, second


def approve_at_once(actor, bookings) -> list[str]:
    barrier = threading.Barrier(len(bookings))
    outcomes = []

    def approve(booking):
        try:
            barrier.wait()
            services.approve(actor=actor, booking=Booking.objects.get(pk=booking.pk))
            outcomes.append("won")
        except DomainError as exc:
            outcomes.append(f"{exc.status}:{exc.code}")
        except Exception as exc:  # anything else would be a 500
            outcomes.append(f"error:{type(exc).__name__}:{exc}")
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(b,)) for b in bookings]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return sorted(outcomes)


def assert_one_won_and_the_other_untouched(outcomes, bookings):
    assert outcomes[1] == "won" and outcomes[0] in ("409:operator_not_free", "409:no_operator_free"), outcomes
    statuses = sorted(Booking.objects.filter(pk__in=[b.pk for b in bookings]).values_list("status", flat=True))
    assert statuses == ["approved", "pending"]
    loser = Booking.objects.get(pk__in=[b.pk for b in bookings], status="pending")
    assert not Assignment.objects.filter(booking=loser).exists()
    assert list(loser.events.values_list("action", flat=True)) == ["request"]  # nothing half-written
    assert Assignment.objects.filter(released_at__isnull=True).count() == 1


@on_postgres
@pytest.mark.django_db(transaction=True)
def test_without_the_database_guard_two_approvals_double_book_the_operator(world, two_requests, monkeypatch):
    """Proves the race is real: with the exclusion constraint dropped, the Python check alone lets both win."""
    slow_choice(monkeypatch)
    with connection.cursor() as cursor:
        cursor.execute(guard_sql.DROP_SQL)
    try:
        outcomes = approve_at_once(world.staff_a, two_requests)
        assert outcomes == ["won", "won"], outcomes
        assert Assignment.objects.filter(operator=world.operator_a, released_at__isnull=True).count() == 2
    finally:
        Assignment.objects.all().delete()
        with connection.cursor() as cursor:
            cursor.execute(guard_sql.CONSTRAINT_SQL)


@pytest.mark.django_db(transaction=True)
def test_two_approvals_needing_the_only_operator_at_once_exactly_one_wins(world, two_requests, monkeypatch):
    """PostgreSQL: the exclusion constraint refuses the second insert. SQLite: the second write transaction starts
    only once the first committed, so its check sees the operator taken."""
    slow_choice(monkeypatch)
    outcomes = approve_at_once(world.staff_a, two_requests)
    assert_one_won_and_the_other_untouched(outcomes, two_requests)


@on_postgres
@pytest.mark.django_db
def test_writing_an_overlapping_assignment_around_the_services_is_refused_by_the_database(world, two_requests):
    first, second = two_requests
    services.approve(actor=world.staff_a, booking=first)
    held = Assignment.objects.get(booking=first)
    twin = Assignment(booking=second, operator=world.operator_a, hold_start=held.hold_start, hold_end=held.hold_end)
    with pytest.raises(IntegrityError, match="assignment_no_overlapping_holds"), transaction.atomic():
        Assignment.objects.bulk_create([twin])
    Assignment.objects.filter(pk=held.pk).update(released_at=held.assigned_at, release_reason="cancelled")
    Assignment.objects.bulk_create([twin])  # a released assignment holds nothing
    assert Assignment.objects.filter(released_at__isnull=True).count() == 1


# --- Property: whatever the hours, absences and bookings, an assignment overlaps nothing of its operator's --------
hours = st.lists(st.tuples(st.integers(8, 18), st.integers(1, 3)), min_size=1, max_size=6)
absences = st.lists(st.tuples(st.integers(7, 19), st.integers(1, 4)), max_size=3)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(requests=hours, away=absences)
@pytest.mark.django_db
def test_an_assignment_made_by_the_services_never_overlaps_another_or_an_absence(world, sem, day, requests, away):
    Booking.objects.all().delete()  # hypothesis reuses the test's database between examples
    Absence.objects.all().delete()
    operator = world.operator_a
    for start, length in away:
        Absence.objects.create(operator=operator, start=at(day, start), end=at(day, min(start + length, 23)))
    for start, length in requests:
        try:
            booking = services.request_booking(
                actor=world.staff_a,
                instrument=sem,
                start=at(day, start),
                end=at(day, min(start + length, 20)),
                mode="assisted",
            )
            services.approve(actor=world.staff_a, booking=booking)
        except DomainError:
            continue  # refused (the instrument's rules, slot taken, no operator free): nothing assigned
    held = list(
        Assignment.objects.filter(operator=operator, released_at__isnull=True).values_list("hold_start", "hold_end")
    )
    for (s1, e1), (s2, e2) in zip(sorted(held), sorted(held)[1:]):
        assert e1 <= s2, held
    for s, e in held:
        for absence in Absence.objects.filter(operator=operator):
            assert absence.end <= s or e <= absence.start, (s, e, absence.start, absence.end)
