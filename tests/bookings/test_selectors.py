"""busy_between: one hand-written statement behind every availability and booking request."""

from datetime import UTC

import pytest

from bookings import selectors
from bookings.models import Booking
from equipment.models import Downtime
from tests.bookings.conftest import at, working_day
from tests.factories import InstrumentFactory, UserFactory

pytestmark = pytest.mark.django_db


def booking(instrument, user, start, end, status="approved", **kwargs):
    return Booking.objects.create(
        instrument=instrument,
        requester=user,
        user_category="large",
        start=start,
        end=end,
        hold_start=start,
        hold_end=end,
        mode="assisted",
        status=status,
        expires_at=start,
        **kwargs,
    )


def test_busy_between_returns_holds_and_downtimes_as_aware_intervals_and_leaves_out_what_does_not_hold():
    day = working_day()
    sem, other = InstrumentFactory(), InstrumentFactory()
    user = UserFactory()
    held = booking(sem, user, at(day, 10), at(day, 11))
    booking(sem, user, at(day, 13), at(day, 14), status="pending")
    booking(sem, user, at(day, 12), at(day, 13), status="cancelled")  # released: holds nothing
    booking(sem, user, at(day, 18), at(day, 19))  # outside the window asked about
    booking(other, user, at(day, 10), at(day, 11))  # another instrument
    Downtime.objects.create(instrument=sem, start=at(day, 15), end=at(day, 16), title="点検")
    Downtime.objects.create(instrument=sem, start=at(day, 20), end=at(day, 21))  # outside

    downtimes, holds = selectors.busy_between(
        sem.id, at(day, 9), at(day, 17), holds_from=at(day, 9), holds_until=at(day, 17)
    )
    assert sorted((i.start, i.end) for i in holds) == [(at(day, 10), at(day, 11)), (at(day, 13), at(day, 14))]
    assert [(i.start, i.end) for i in downtimes] == [(at(day, 15), at(day, 16))]
    assert all(i.start.utcoffset() is not None for i in [*holds, *downtimes])
    assert holds[0].start.astimezone(UTC) == at(day, 10).astimezone(UTC)

    _downtimes, without = selectors.busy_between(
        sem.id, at(day, 9), at(day, 17), holds_from=at(day, 9), holds_until=at(day, 17), exclude_id=held.id
    )
    assert [(i.start, i.end) for i in without] == [(at(day, 13), at(day, 14))]
