"""Measuring operators' time (docs/operators.md), in-process on the bench's database:

- **one slot** of an assisted-mode instrument: `bookings.selectors.offers_for` (candidates, their free time, who
  can take it), what a request and an approval ask;
- **a week** of it: candidates, `bookings.selectors.free_time_of` and `staffing.rules.requestable_with_operators`
  over the instrument's requestable time (read before the clock starts), what the week's grid asks in assisted mode;
- each against its SQL floor: the statements it sent, replayed on their own (`EXPLAIN ANALYZE`'s execution time on
  PostgreSQL; a timed re-run on SQLite);
- **assisted bookings created per second**: a request and its approval with an operator, through the services, one
  after another, on the least booked operated instruments; afterwards no operator may hold two assignments at once.
"""

import json
import random
import statistics
import time
from datetime import datetime, timedelta

from django.db import connection
from django.db.models import Count, Q
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone

from backend.errors import DomainError
from backend.tokyo import TOKYO
from bookings import selectors
from bookings import services as booking_services
from bookings.models import Booking
from consortia.models import Role, User
from equipment.models import Instrument, UsageMode
from equipment.selectors import may_book
from staffing import rules as staffing_rules
from staffing import selectors as staffing_selectors

from . import load, writer
from .measure import free_slots
from .subjects import BENCH_MARK

MS = 1000.0
DUMMY_EMAIL = "django.core.mail.backends.dummy.EmailBackend"


def operated_instruments():
    """Active instruments with an assisted mode that an operator is qualified for (modes read in Python: SQLite has
    no JSON containment)."""
    rows = (
        Instrument.objects.filter(
            status=Instrument.Status.ACTIVE,
            qualifications__user__operator__isnull=False,
            qualifications__revoked_at__isnull=True,
        )
        .values_list("id", "modes")
        .distinct()
    )
    return Instrument.objects.filter(id__in=[pk for pk, modes in rows if UsageMode.ASSISTED in modes])


def _week_of(rng: random.Random) -> datetime:
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday()) + timedelta(weeks=rng.randint(0, 7))
    return datetime.combine(monday, datetime.min.time(), tzinfo=TOKYO)


def slot_offers(instrument: Instrument, monday: datetime):
    start = monday + timedelta(days=1, hours=10)
    return selectors.offers_for(instrument, start, start + timedelta(hours=1))


def week_with_operators(instrument: Instrument, monday: datetime, requestable):
    end = monday + timedelta(days=7)
    candidates = staffing_selectors.candidates_for(instrument, monday.date())
    free = selectors.free_time_of([c.operator.id for c in candidates], monday, end)
    before, after = selectors.operator_buffers(instrument)
    return staffing_rules.requestable_with_operators(requestable, free.values(), before=before, after=after)


def sql_floor(queries) -> float:
    """Seconds the statements take on their own."""
    total = 0.0
    with connection.cursor() as cursor:
        for query in queries:
            if connection.vendor == "postgresql":
                cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + query["sql"])
                plan = cursor.fetchone()[0]
                plan = plan if isinstance(plan, list) else json.loads(plan)
                total += (plan[0]["Planning Time"] + plan[0]["Execution Time"]) / MS
            else:
                began = time.perf_counter()
                cursor.execute(query["sql"])
                cursor.fetchall()
                total += time.perf_counter() - began
    return total


def availability(count: int, rng: random.Random, *, warmup: int = 5) -> dict:
    """p50/p95 of one slot's offers and of a week's operator availability, each with its SQL floor's p50."""
    ids = sorted(operated_instruments().values_list("id", flat=True))
    if not ids:
        raise LookupError("no assisted-mode instrument with an operator: run `manage.py bench_seed` first")
    figures = {"operated_instruments": len(ids)}
    samples = []
    for _n in range(count + warmup):
        instrument = Instrument.objects.select_related("institution").get(pk=rng.choice(ids))
        samples.append((instrument, _week_of(rng)))
    for name, measure in (("operator_slot", _slot_sample), ("operator_week", _week_sample)):
        timings, floors, queries = [], [], []
        for n, (instrument, monday) in enumerate(samples):
            seconds, floor, sent = measure(instrument, monday)
            if n >= warmup:
                timings.append(seconds)
                floors.append(floor)
                queries.append(sent)
        p50, floor_p50 = statistics.median(timings) * MS, statistics.median(floors) * MS
        figures.update(
            {
                f"{name}_p50_ms": round(p50, 2),
                f"{name}_p95_ms": round(load.percentile(timings, 95) * MS, 2),
                f"{name}_sql_floor_p50_ms": round(floor_p50, 3),
                f"{name}_floor_ratio": round(p50 / floor_p50, 2) if floor_p50 else None,
                f"{name}_queries": max(queries),
            }
        )
    return figures


def _slot_sample(instrument, monday):
    with CaptureQueriesContext(connection) as captured:
        began = time.perf_counter()
        slot_offers(instrument, monday)
        seconds = time.perf_counter() - began
    return seconds, sql_floor(captured.captured_queries), len(captured.captured_queries)


def _week_sample(instrument, monday):
    requestable, _busy = selectors.requestable_and_busy(instrument, monday, monday + timedelta(days=7))
    with CaptureQueriesContext(connection) as captured:
        began = time.perf_counter()
        week_with_operators(instrument, monday, requestable)
        seconds = time.perf_counter() - began
    return seconds, sql_floor(captured.captured_queries), len(captured.captured_queries)


# --- Creation -------------------------------------------------------------------------------------------------------


def requester_for(instrument: Instrument) -> User | None:
    """A company user who may book the instrument (one role, a company without a monthly quota)."""
    users = User.objects.filter(
        is_active=True, roles__kind__in=Role.COMPANY_KINDS, roles__company__monthly_quota_hours=None
    ).order_by("-id")[:50]
    return next((u for u in users if may_book(u, instrument)), None)


def staff_of(instrument: Instrument) -> User:
    return (
        User.objects.filter(roles__kind=Role.Kind.STAFF, roles__institution_id=instrument.institution_id)
        .order_by("id")
        .first()
    )


def creation(duration: float, run: str, *, instruments: int = 8) -> dict:
    """Request and approve assisted bookings, one after another, for `duration` seconds, on the least booked
    operated instruments of `instruments` institutions; each approval assigns an operator. Counts what was created
    and what refused (by code), and checks that no operator's assignments overlap afterwards."""
    least_booked = (
        operated_instruments()
        .annotate(holding=Count("bookings", filter=Q(bookings__status__in=Booking.HOLDING)))
        .order_by("holding", "id")
        .prefetch_related("opening_hours")[: instruments * 20]
    )
    chosen, institutions = [], set()  # one instrument per institution: their operators are not each other's
    for instrument in least_booked:
        if instrument.institution_id not in institutions and len(chosen) < instruments:
            institutions.add(instrument.institution_id)
            chosen.append(instrument)
    work = []
    for instrument in chosen:
        requester, staff = requester_for(instrument), staff_of(instrument)
        if requester is None or staff is None:
            continue
        for slot in free_slots(instrument, limit=500):
            work.append((instrument, requester, staff, slot))
    work.sort(key=lambda w: (w[3].start, w[0].id))
    made, refused = 0, {}
    began = time.perf_counter()
    with override_settings(EMAIL_BACKEND=DUMMY_EMAIL):  # as the measured server: Kyoyo, not an SMTP server
        for instrument, requester, staff, slot in work:
            if time.perf_counter() - began >= duration:
                break
            try:
                booking = booking_services.request_booking(
                    actor=requester,
                    instrument=instrument,
                    start=slot.start,
                    end=slot.end,
                    mode=UsageMode.ASSISTED,
                    purpose=f"{BENCH_MARK} {run} (benchmark, assisted)",
                    sample="bench",
                )
                booking_services.approve(actor=staff, booking=booking)
                made += 1
            except DomainError as refusal:
                refused[refusal.code] = refused.get(refusal.code, 0) + 1
    elapsed = time.perf_counter() - began
    return {
        "assisted_created": made,
        "assisted_refused": sum(refused.values()),
        "assisted_refused_codes": refused,
        "assisted_per_second": round(made / elapsed, 1) if elapsed else None,
        "assisted_attempts_per_second": round((made + sum(refused.values())) / elapsed, 1) if elapsed else None,
        "assisted_instruments": len({w[0].id for w in work}),
        "operator_double_holds": writer.overlapping_assignments(),
    }
