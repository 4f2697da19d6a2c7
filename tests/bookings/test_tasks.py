"""The expiry task: idempotent in-process, and delivered through a real broker to a real worker in CI."""

from datetime import timedelta

import pytest
from django.utils import timezone

from bookings import services
from bookings.models import Booking
from bookings.tasks import expire_overdue_bookings
from tests.bookings.conftest import at


def overdue_request(world, day):
    booking = services.request_booking(
        actor=world.user_a, instrument=world.sem, start=at(day, 10), end=at(day, 11), mode="assisted"
    )
    Booking.objects.filter(pk=booking.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    return booking


@pytest.mark.django_db
def test_the_expiry_task_expires_overdue_requests_once(world, day):
    booking = overdue_request(world, day)
    assert expire_overdue_bookings.apply().get() == 1
    assert expire_overdue_bookings.apply().get() == 0
    booking.refresh_from_db()
    assert booking.status == "expired" and booking.events.filter(action="expire").count() == 1


@pytest.mark.real_worker
@pytest.mark.django_db(transaction=True)
def test_the_expiry_task_runs_on_a_real_worker(world, day):
    booking = overdue_request(world, day)
    assert expire_overdue_bookings.delay().get(timeout=60) == 1
    booking.refresh_from_db()
    assert booking.status == "expired"
