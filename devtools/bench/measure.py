"""The measurements of `manage.py bench`, one function each; the command runs them and prints the figures.

Every HTTP figure comes from a real gunicorn server (bench/server.py) and is compared with a floor measured in
the same run: the no-op endpoint for what any request costs, a hand-written SQL statement for what the
database must do (bench/floors.py).
"""

import json
import random
import resource
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from backend.tokyo import TOKYO
from bookings import rules, selectors
from bookings.models import Booking
from equipment.models import Instrument

from . import floors
from .load import Call
from .server import child_environment
from .subjects import BENCH_MARK

MS = 1000.0


def month_windows(today: date) -> list[tuple[datetime, datetime]]:
    """This Tokyo month and the next two: the months a user looks at before booking."""
    result = []
    year, month = today.year, today.month
    for _ in range(3):
        start = datetime(year, month, 1, tzinfo=TOKYO)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        result.append((start, datetime(year, month, 1, tzinfo=TOKYO)))
    return result


def availability_calls(instrument_ids: list[int], token: str, count: int, rng: random.Random):
    """`count` (instrument, month) questions on varied instruments, as API calls and as floor parameters."""
    windows = month_windows(timezone.localdate())
    questions = [(rng.choice(instrument_ids), *rng.choice(windows)) for _ in range(count)]
    calls = [
        Call("GET", f"/api/v1/instruments/{i}/availability/?start={_q(s)}&end={_q(e)}", token) for i, s, e in questions
    ]
    return calls, questions


def grid_calls(instrument_ids: list[int], token: str, count: int, rng: random.Random) -> list[Call]:
    """`count` instrument time grids of a week (the instrument page's grid), on varied instruments, this week and
    the seven after it."""
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday())
    weeks = [monday + timedelta(weeks=n) for n in range(8)]
    return [
        Call("GET", f"/api/v1/instruments/{rng.choice(instrument_ids)}/grid/?start={rng.choice(weeks)}&days=7", token)
        for _ in range(count)
    ]


def grid_queries(instrument_ids: list[int], token: str) -> tuple[int, int, int, int]:
    """(bookings, SQL statements) of the week's grid of the instrument with the fewest holding bookings this week
    and of the one with the most (in-process test client: the count is exact): equal counts show that the grid's
    queries do not grow with the bookings. Both in assisted mode, the dearer grid (the instrument's time intersected
    with its operators'), among the instruments that offer it; a grid's mode, not its bookings, sets which queries
    it makes."""
    assisted = {
        pk
        for pk, modes in Instrument.objects.filter(id__in=instrument_ids).values_list("id", "modes")
        if "assisted" in modes
    }
    instrument_ids = [i for i in instrument_ids if i in assisted] or instrument_ids
    today = timezone.localdate()
    start = datetime.combine(today - timedelta(days=today.weekday()), datetime.min.time(), tzinfo=TOKYO)
    end = start + timedelta(days=7)
    counts = dict.fromkeys(instrument_ids, 0)
    for instrument_id, n in (
        Booking.objects.filter(
            instrument_id__in=instrument_ids, status__in=Booking.HOLDING, start__lt=end, end__gt=start
        )
        .values("instrument_id")
        .annotate(n=Count("id"))
        .values_list("instrument_id", "n")
    ):
        counts[instrument_id] = n
    quietest, busiest = min(counts, key=counts.get), max(counts, key=counts.get)
    client = Client(HTTP_AUTHORIZATION=f"Token {token}")
    result = []
    for instrument_id in (quietest, busiest):
        path = f"/api/v1/instruments/{instrument_id}/grid/"
        asked = {"start": start.date().isoformat(), "mode": "assisted"}
        client.get(path, asked)  # warm caches, as list_queries does
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path, asked)
        if response.status_code != 200:
            raise RuntimeError(f"{path} answered {response.status_code}")
        result += [counts[instrument_id], len(captured.captured_queries)]
    return tuple(result)


def _q(moment: datetime) -> str:
    return moment.isoformat().replace("+", "%2B")


def sql_floor_latencies(questions, *, warmup: int = 10) -> list[float]:
    """Seconds of the hand-written availability query for each question, on this process's connection."""
    sql = floors.availability_sql()
    latencies = []
    with connection.cursor() as cursor:
        for n, (instrument_id, start, end) in enumerate(questions):
            params = floors.availability_params(instrument_id, start, end)
            began = time.perf_counter()
            cursor.execute(sql, params)
            cursor.fetchall()
            if n >= warmup:
                latencies.append(time.perf_counter() - began)
    return latencies


# --- Booking creation ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Slot:
    instrument_id: int
    start: datetime
    end: datetime
    mode: str


def free_slots(instrument: Instrument, *, limit: int) -> list[Slot]:
    """Up to `limit` requests that each pass every rule of the instrument and clash with no holding booking nor
    with each other (buffers included): shortest allowed length, packed from the first whole day after the lead
    time to the last day before the horizon."""
    policy = selectors.policy_of(instrument)
    length = -(-max(policy.min_minutes, policy.slot_minutes) // policy.slot_minutes) * policy.slot_minutes
    if length > policy.max_minutes:
        return []
    today = timezone.localdate()
    first_day = today + timedelta(days=policy.lead_time_hours // 24 + 2)
    start = datetime.combine(first_day, datetime.min.time(), tzinfo=TOKYO)
    end = datetime.combine(today + timedelta(days=policy.horizon_days - 1), datetime.min.time(), tzinfo=TOKYO)
    if end <= start:
        return []
    free, _busy = selectors.requestable_and_busy(instrument, start, end)
    gap = timedelta(minutes=policy.setup_minutes + policy.cleanup_minutes)
    step = timedelta(minutes=policy.slot_minutes)
    slots = []
    for interval in rules.on_grid(free, policy.slot_minutes):
        moment = interval.start
        while moment + timedelta(minutes=length) <= interval.end and len(slots) < limit:
            slots.append(Slot(instrument.id, moment, moment + timedelta(minutes=length), policy.modes[0]))
            moment += timedelta(minutes=length) + gap
            moment = interval.start + -(-(moment - interval.start) // step) * step  # back onto the grid
        if len(slots) >= limit:
            break
    return slots


def booking_call(slot: Slot, token: str, run: str) -> Call:
    body = {
        "instrument": slot.instrument_id,
        "start": slot.start.astimezone(TOKYO).isoformat(),
        "end": slot.end.astimezone(TOKYO).isoformat(),
        "mode": slot.mode,
        "purpose": f"{BENCH_MARK} {run} (benchmark)",
        "sample": "bench",
    }
    return Call("POST", "/api/v1/bookings/", token, body)


def creation_queues(instruments: list[Instrument], tokens: list[str], *, clients: int, per_client: int, run: str):
    """Half the clients book their own instrument's slots (no contention); the other half all go through one
    shared list of slots in the same order, so for each slot one wins and the others are refused (409).
    Returns (queues, instrument ids touched)."""
    own = clients // 2
    shared = clients - own
    if len(instruments) < own + 1:
        raise ValueError(f"need {own + 1} instruments with free time, found {len(instruments)}")
    queues = []
    touched = []
    for n in range(own):
        slots = free_slots(instruments[n], limit=per_client)
        queues.append([booking_call(s, tokens[n % len(tokens)], run) for s in slots])
        touched.append(instruments[n].id)
    contested: list[Slot] = []
    for instrument in instruments[own:]:
        contested += free_slots(instrument, limit=per_client - len(contested))
        touched.append(instrument.id)
        if len(contested) >= per_client:
            break
    for n in range(shared):
        token = tokens[(own + n) % len(tokens)]
        queues.append([booking_call(s, token, run) for s in contested])
    return queues, touched


def noop_queues(tokens: list[str], *, clients: int, per_client: int) -> list[list[Call]]:
    body = {"instrument": 1, "start": "2026-01-01T10:00:00+09:00", "end": "2026-01-01T11:00:00+09:00", "mode": "self"}
    return [[Call("POST", "/api/v1/bench/noop/", tokens[n % len(tokens)], body)] * per_client for n in range(clients)]


# --- The report (run in a child process, so its peak memory is its own) ---------------------------------------------


def report_in_child(consortium_id: int, fiscal_year: int) -> dict:
    """Run `bench --report-only` in a fresh process and read its figures, with that process's peak RSS."""
    command = [sys.executable, "manage.py", "bench", "--report-only", str(consortium_id), str(fiscal_year)]
    done = subprocess.run(
        command, cwd=settings.BASE_DIR, env=child_environment(), capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"the report run failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def report_here(consortium_id: int, fiscal_year: int) -> dict:
    """Build the fiscal year's utilization report as the API serves it, then the floor's GROUP BY, and compare."""
    from backend.periods import Period
    from consortia.models import Consortium
    from reports.selectors import utilization

    consortium = Consortium.objects.get(pk=consortium_id)
    period = Period.fiscal_year(fiscal_year)
    baseline_mb = _peak_rss_mb()
    with CaptureQueriesContext(connection) as captured:
        began = time.perf_counter()
        body = utilization(consortium=consortium, period=period).as_dict()
        json.dumps(body, default=str)
        seconds = time.perf_counter() - began
    peak_mb = _peak_rss_mb()
    floor_times = []
    for _ in range(3):
        began = time.perf_counter()
        floor = floors.report_totals(consortium_id, period.start, period.end)
        floor_times.append(time.perf_counter() - began)
    totals = body["totals"]
    report_totals = {key: totals[key] for key in ("requests", "uses", "booked_hours", "used_hours", "revenue_jpy")}
    floor_totals = {key: floor[key] for key in report_totals}
    return {
        "report_seconds": round(seconds, 3),
        "report_peak_mb": round(peak_mb, 1),
        "report_baseline_mb": round(baseline_mb, 1),
        "report_queries": len(captured.captured_queries),
        "report_floor_seconds": round(statistics.median(floor_times), 3),
        "report_floor_ratio": round(seconds / statistics.median(floor_times), 2),
        "report_totals": report_totals,
        "report_totals_match": _close(report_totals, floor_totals),
        "report_floor_totals": floor_totals,
        "report_bookings": totals["requests"],
    }


def _close(a: dict, b: dict) -> bool:
    """Equal totals: counts and yen exactly; hours, which both sides round to two decimals, within 0.01 h."""
    return all(abs(float(a[k] or 0) - float(b[k] or 0)) <= 0.011 for k in a)


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


# --- Queries per list request ---------------------------------------------------------------------------------------


def list_queries(*, instruments_token: str, bookings_token: str) -> dict[str, list[int]]:
    """SQL statements per request of the catalogue and the bookings list at page sizes 10 and 100 (in-process
    test client against the same database: the count is exact, unlike a time)."""
    result = {}
    for name, path, token in (
        ("instruments", "/api/v1/instruments/", instruments_token),
        ("bookings", "/api/v1/bookings/", bookings_token),
    ):
        counts = []
        for size in (10, 100):
            client = Client(HTTP_AUTHORIZATION=f"Token {token}")
            client.get(path, {"page_size": size})  # warm caches (content types, …) so both sizes start alike
            with CaptureQueriesContext(connection) as captured:
                response = client.get(path, {"page_size": size})
            if response.status_code != 200:
                raise RuntimeError(f"{path} answered {response.status_code}")
            rows = len(response.json()["results"])
            if rows < min(size, 11):
                raise RuntimeError(f"{path}?page_size={size} gave {rows} rows: too little data to compare")
            counts.append(len(captured.captured_queries))
        result[name] = counts
    return result
