"""On random assignments: every breakdown of the contribution figures adds up to the total exactly, the total
agrees with a count in Python, and the report's staff block's shown hours add up to its shown totals."""

from datetime import timedelta

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backend.periods import Period
from bookings.models import Assignment, Booking
from contributions.selectors import figures, operators_in, report_staff_figures
from contributions.tables import staff_block
from tests.contributions.conftest import assign
from tests.reports.conftest import make_booking, t

pytestmark = pytest.mark.django_db
US = timedelta(microseconds=1)
PERIODS = [Period.month(2026, 10), Period.fiscal_year(2026), Period(t(10, 10, 12, 30), t(11, 3, 6))]

specs = st.fixed_dictionaries(
    {
        "operator": st.sampled_from(["lent_op", "shy_op", "own_op", "other_op"]),
        "instrument": st.sampled_from(["a1", "b1", "c1"]),
        "start_minutes": st.integers(0, 60 * 24 * 4).map(lambda q: q * 15),  # 25 Sep – 24 Nov 2026
        "minutes": st.integers(1, 30 * 4).map(lambda q: q * 15),
        "status": st.sampled_from(["completed", "completed", "approved", "cancelled"]),
        "actual": st.none() | st.tuples(st.integers(-60, 60), st.integers(1, 20 * 60)),
        "released": st.booleans(),
        "lent": st.booleans(),
        "mode": st.sampled_from(["assisted", "commissioned"]),
        "category": st.sampled_from(["sme", "large", "academic", "internal"]),
    }
)


def counted_us(booking, period) -> int:
    start, end = (booking.actual_start, booking.actual_end) if booking.actual_start else (booking.start, booking.end)
    return max((min(end, period.end) - max(start, period.start)) // US, 0)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(specs, max_size=15), period=st.sampled_from(PERIODS))
def test_breakdowns_add_up_and_the_total_is_right(world, rows, period):
    with transaction.atomic():
        Assignment.objects.all().delete()
        Booking.objects.all().delete()
        expected = 0
        held, reserved = {}, {}  # the database's guarantees: no overlapping holding bookings, nor assignments
        for spec in rows:
            start = t(9, 25) + timedelta(minutes=spec["start_minutes"])
            end = start + timedelta(minutes=spec["minutes"])
            status, released = spec["status"], spec["released"]
            if status == "approved":
                bookings = held.setdefault(spec["instrument"], [])
                if any(s < end and start < e for s, e in bookings):
                    status = "cancelled"
                else:
                    bookings.append((start, end))
            if not released:
                times = reserved.setdefault(spec["operator"], [])
                if any(s < end and start < e for s, e in times):
                    released = True
                else:
                    times.append((start, end))
            actual = None
            if spec["actual"] and status == "completed":
                actual_start = start + timedelta(minutes=spec["actual"][0])
                actual = (actual_start, actual_start + timedelta(minutes=spec["actual"][1]))
            booking = make_booking(
                getattr(world, spec["instrument"]),
                world.requester,
                start=start,
                end=end,
                status=status,
                actual=actual,
                mode=spec["mode"],
                category=spec["category"],
            )
            lent = spec["lent"] and spec["operator"] == "lent_op"
            assign(
                booking,
                getattr(world, spec["operator"]),
                agreement=world.agreement if lent else None,
                released=released,
            )
            if status == "completed" and not released and spec["operator"] != "other_op":
                expected += counted_us(booking, period)
        result = figures(period=period, operators=list(operators_in(institution_ids=[world.a.id, world.b.id])))
        block = staff_block(*report_staff_figures(consortium_id=world.k.id, period=period))
        transaction.set_rollback(True)

    assert result.total_us == expected
    for name in ("by_instrument", "by_mode", "by_category", "by_lent"):
        assert sum(getattr(result, name).values()) == result.total_us, name
    assert sum(p.us for p in result.by_operator.values()) == result.total_us
    assert sum(i["us"] for i in result.by_institution.values()) == result.total_us
    assert sum(p.lent_us for p in result.by_operator.values()) == result.by_lent["lent"]
    for column in ("hours", "own_hours", "lent_out_hours", "lent_in_hours"):
        assert round(sum(row[column] for row in block["by_institution"]), 2) == block["totals"][column], column
    assert round(sum(row["hours"] for row in block["by_operator"]), 2) == block["totals"]["hours"]
    assert block["totals"]["lent_in_hours"] == block["totals"]["lent_out_hours"]  # lent within the consortium
