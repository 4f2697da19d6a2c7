"""The guarantee: no two holding bookings of one instrument overlap, under any concurrency.

The contended tests widen the race window on purpose (a pause between the service's overlap check
and its insert), so every thread checks before any inserts. With the database guard switched off
(PostgreSQL) that produces double bookings — the test shows it — and with the guard on, exactly
one request wins and every other gets a 409, never a 500.
"""

import importlib
import threading
import time as clock
from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction

from backend.errors import DomainError
from bookings import services
from bookings.models import Booking
from tests.bookings.conftest import at
from tests.factories import CompanyFactory, UserFactory, give_role

THREADS = 8
guard_sql = importlib.import_module("bookings.migrations.0002_no_overlap_exclusion")
on_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (CI runs it there)")


def slow_check(monkeypatch):
    original = services._check_slot

    def checked_then_pause(*args, **kwargs):
        hold = original(*args, **kwargs)
        clock.sleep(0.3)  # every thread has checked before any inserts
        return hold

    monkeypatch.setattr(services, "_check_slot", checked_then_pause)


def contend(instrument, users, start, end):
    """Each user asks for [start, end) at the same moment; returns the outcomes."""
    barrier = threading.Barrier(len(users))
    outcomes = []

    def ask(user):
        try:
            barrier.wait()
            services.request_booking(actor=user, instrument=instrument, start=start, end=end, mode="assisted")
            outcomes.append("won")
        except DomainError as exc:
            outcomes.append(f"{exc.status}:{exc.code}")
        except Exception as exc:  # anything else would be a 500
            outcomes.append(f"error:{type(exc).__name__}:{exc}")
        finally:
            connection.close()

    threads = [threading.Thread(target=ask, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return sorted(outcomes)


def company_users(n):
    users = []
    for _ in range(n):
        user = UserFactory()
        give_role(user, "company_member", company=CompanyFactory())
        users.append(user)
    return users


@pytest.mark.django_db(transaction=True)
def test_many_requests_for_one_slot_at_once_exactly_one_wins(world, monkeypatch, day):
    slow_check(monkeypatch)
    users = company_users(THREADS)
    outcomes = contend(world.sem, users, at(day, 10), at(day, 11))
    assert outcomes == ["409:slot_taken"] * (THREADS - 1) + ["won"], outcomes
    assert Booking.objects.filter(instrument=world.sem).count() == 1


@pytest.mark.django_db(transaction=True)
def test_overlapping_but_different_slots_at_once_never_overlap(world, monkeypatch, day):
    slow_check(monkeypatch)
    users = company_users(THREADS)
    barrier_users = list(zip(users, range(THREADS)))
    results = []

    def ask(user, i):
        start = at(day, 9) + timedelta(minutes=30 * (i % 4))  # 9:00, 9:30, 10:00, 10:30 starts, 1 h each
        try:
            services.request_booking(
                actor=user, instrument=world.sem, start=start, end=start + timedelta(hours=1), mode="assisted"
            )
            results.append("won")
        except DomainError as exc:
            results.append(exc.code)
        except Exception as exc:
            results.append(f"error:{exc}")
        finally:
            connection.close()

    threads = [threading.Thread(target=ask, args=pair) for pair in barrier_users]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not [r for r in results if r.startswith("error")], results
    held = sorted(Booking.objects.filter(instrument=world.sem, status__in=Booking.HOLDING).values_list("start", "end"))
    for (s1, e1), (s2, e2) in zip(held, held[1:]):
        assert e1 <= s2, held
    assert 1 <= len(held) <= 2


@on_postgres
@pytest.mark.django_db(transaction=True)
def test_without_the_database_guard_the_race_double_books(world, monkeypatch, day):
    """Proves the race is real: with the exclusion constraint dropped, the Python check alone lets many win."""
    slow_check(monkeypatch)
    with connection.cursor() as cursor:
        cursor.execute(guard_sql.DROP_SQL)
    try:
        outcomes = contend(world.sem, company_users(THREADS), at(day, 10), at(day, 11))
        assert outcomes.count("won") > 1, outcomes
    finally:
        Booking.objects.all().delete()
        with connection.cursor() as cursor:
            cursor.execute(guard_sql.CONSTRAINT_SQL)


@on_postgres
@pytest.mark.django_db
def test_writing_around_the_services_is_stopped_by_the_database(world, day):
    services.request_booking(
        actor=world.user_a, instrument=world.sem, start=at(day, 10), end=at(day, 11), mode="assisted"
    )
    twin = Booking(
        instrument=world.sem,
        requester=world.user_b,
        user_category="large",
        start=at(day, 10, 30),
        end=at(day, 11, 30),
        hold_start=at(day, 10, 30),
        hold_end=at(day, 11, 30),
        mode="assisted",
        status="approved",
        expires_at=at(day, 10),
    )
    with pytest.raises(IntegrityError, match="booking_no_overlapping_holds"), transaction.atomic():
        Booking.objects.bulk_create([twin])
    # a released (cancelled) booking does not hold: the same slot may be written then
    twin.status = "cancelled"
    Booking.objects.bulk_create([twin])
    assert Booking.objects.count() == 2
