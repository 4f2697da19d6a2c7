"""On random bookings: every breakdown adds up to the totals exactly, the totals agree with a brute-force count
in Python, and the number of queries does not depend on the number of bookings."""

from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backend.periods import Period, parse_period
from bookings.models import Booking
from reports.figures import ADDITIVE, BREAKDOWNS, US
from reports.selectors import utilization
from tests.reports.conftest import make_booking, t

pytestmark = pytest.mark.django_db

S = Booking.Status
PERIODS = [
    Period.month(2026, 3),
    Period.fiscal_year(2025),
    parse_period({"start": "2026-02-10T12:30:00+09:00", "end": "2026-04-20T06:00:00+09:00"}),
    parse_period({"start": "2026-03-31", "end": "2026-04-01"}),
]

booking_specs = st.fixed_dictionaries(
    {
        "instrument": st.sampled_from(["a1", "b1", "c1"]),
        "start_minutes": st.integers(0, 130 * 24 * 4).map(lambda q: q * 15),  # 15 Jan – 25 May 2026
        "minutes": st.integers(1, 30 * 4).map(lambda q: q * 15),  # up to 30 h: across midnight and month ends
        "status": st.sampled_from(list(S.values)),
        "who": st.sampled_from(["sme1", "sme2", "large1", "academic", "internal"]),
        "mode": st.sampled_from(["self", "assisted", "commissioned"]),
        "actual_shift": st.integers(-60, 60),
        "actual_minutes": st.integers(1, 32 * 60),
        "subtotal": st.integers(0, 200_000),
        "lead_minutes": st.integers(1, 14 * 24 * 60),
    }
)


def create(data, spec, holds: dict) -> Booking:
    start = t(1, 15) + timedelta(minutes=spec["start_minutes"])
    end = start + timedelta(minutes=spec["minutes"])
    company = getattr(data, spec["who"], None)
    category = company.size if company else spec["who"]
    status = spec["status"]
    if status in Booking.HOLDING:  # holding bookings never overlap (PostgreSQL's exclusion constraint)
        held = holds.setdefault(spec["instrument"], [])
        if any(s < end and start < e for s, e in held):
            status = S.CANCELLED
        else:
            held.append((start, end))
    actual = None
    if status == S.COMPLETED:
        actual_start = start + timedelta(minutes=spec["actual_shift"])
        actual = (actual_start, actual_start + timedelta(minutes=spec["actual_minutes"]))
    created = start - timedelta(days=15)
    decided = created + timedelta(minutes=spec["lead_minutes"])
    return make_booking(
        getattr(data, spec["instrument"]),
        data.user,
        company=company,
        category=category,
        mode=spec["mode"],
        start=start,
        end=end,
        status=status,
        actual=actual,
        subtotal=spec["subtotal"],
        created=created,
        decided=decided if status not in (S.PENDING, S.EXPIRED) else None,
    )


def clipped_us(start, end, period) -> int:
    lo, hi = max(start, period.start), min(end, period.end)
    return max((hi - lo) // US, 0)


def brute_force(bookings, period, institution_ids) -> dict:
    """The totals, booking by booking in Python (memberships all began in 2024 and never ended)."""
    totals = {"booked_us": 0, "used_us": 0, "uses": 0, "requests": 0, "revenue_jpy": 0}
    for b in bookings:
        if b.instrument.institution_id not in institution_ids:
            continue
        starts_in = period.start <= b.start < period.end
        if b.status in (S.APPROVED, S.COMPLETED):
            totals["booked_us"] += clipped_us(b.start, b.end, period)
        if b.status == S.COMPLETED:
            totals["used_us"] += clipped_us(b.actual_start, b.actual_end, period)
            totals["uses"] += starts_in
            totals["revenue_jpy"] += b.quote["total_jpy"] if starts_in else 0
        totals["requests"] += starts_in
    return totals


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(specs=st.lists(booking_specs, max_size=25), period=st.sampled_from(PERIODS))
def test_breakdowns_add_up_to_the_totals_and_the_totals_are_right(data, specs, period):
    with transaction.atomic():
        Booking.objects.all().delete()
        holds = {}
        bookings = [create(data, spec, holds) for spec in specs]
        result = utilization(consortium=data.h, period=period)
        body = result.as_dict()
        transaction.set_rollback(True)

    totals = result.totals.figures
    for name in BREAKDOWNS:
        for field in ADDITIVE:
            parts = [getattr(row.figures, field) for row in result.breakdowns[name]]
            if None in parts:
                assert name in ("by_mode", "by_company_size") and field == "available_us"
                continue
            assert sum(parts) == getattr(totals, field), (name, field)
        for field in ("available_hours", "booked_hours", "used_hours", "company_used_hours", "sme_used_hours"):
            if body[name][0][field] is None:
                continue
            shown = round(sum(row[field] for row in body[name]), 2)
            assert shown == body["totals"][field], (name, field)  # the rounded rows add up too

    expected = brute_force(bookings, period, {data.inst_a.id, data.inst_b.id})
    assert totals.booked_us == expected["booked_us"]
    assert totals.used_us == expected["used_us"]
    assert (totals.uses, totals.requests, totals.revenue_jpy) == (
        expected["uses"],
        expected["requests"],
        expected["revenue_jpy"],
    )


def queries_for(data, n: int) -> int:
    Booking.objects.all().delete()
    for i in range(n):
        start = t(3, 1) + timedelta(hours=7 * i)
        make_booking(
            data.a1 if i % 2 else data.b1,
            data.user,
            company=data.sme1 if i % 3 else None,
            category="sme" if i % 3 else "academic",
            start=start,
            end=start + timedelta(hours=2),
            status=S.COMPLETED,
            actual=(start, start + timedelta(hours=1)),
            subtotal=1000,
            created=start - timedelta(days=3),
            decided=start - timedelta(days=2),
        )
    with CaptureQueriesContext(connection) as queries:
        utilization(consortium=data.h, period=Period.month(2026, 3)).as_dict()
    return len(queries)


def test_the_number_of_queries_does_not_grow_with_the_bookings(data, django_assert_num_queries):
    few, many = queries_for(data, 5), queries_for(data, 50)
    assert few == many
    with django_assert_num_queries(few):
        utilization(consortium=data.h, period=Period.fiscal_year(2025))
    # 13 for the figures (on PostgreSQL 7, as distinct companies and medians come from one GROUPING SETS scan, and
    # 3 for the session settings: savepoint, set_config, release), 2 for the consultations block (its median needs
    # no query: none answered), 3 for the usage-report block (the institutions' deadlines, the counts, the
    # publishable outcomes), 3 for the staff block (the member institutions, their operators — none here, so no hours,
    # consultations or instrument names are asked for — and the hours lent to them)
    assert few == (18 if connection.vendor == "postgresql" else 21), few
