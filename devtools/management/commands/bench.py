"""manage.py bench: measure Kyoyo on the current database against a real server it starts (docs/benchmarks.md)."""

import argparse
import json
import os
import random
import statistics
import tempfile
import uuid
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from devtools.bench import floors, home, load, measure, operated, pages, subjects
from devtools.bench.server import gunicorn

MS = 1000.0


class Command(BaseCommand):
    help = (
        "Measure availability and time-grid latency, booking throughput, the fiscal-year report and list query counts through "
        "a gunicorn server started on loopback, each against its floor (no-op endpoint, hand-written SQL). "
        "Run bench_seed first. 計測結果は表で、--json で JSON で出力します。"
    )

    def add_arguments(self, parser):
        cores = os.cpu_count() or 1
        parser.add_argument("--workers", type=int, default=2 * cores + 1, help="gunicorn workers (default 2×cores+1)")
        parser.add_argument("--worker-class", default="sync", help="gunicorn worker class (default sync)")
        parser.add_argument("--threads", type=int, default=1, help="threads per gunicorn worker (gthread)")
        parser.add_argument("--requests", type=int, default=400, help="availability requests (at least 200)")
        parser.add_argument("--clients", type=int, default=32, help="concurrent clients creating bookings")
        parser.add_argument("--duration", type=float, default=10.0, help="seconds of each throughput phase")
        parser.add_argument("--fiscal-year", type=int, default=None, help="report's fiscal year (default: last)")
        parser.add_argument("--seed", type=int, default=1, help="random seed of the instruments asked about")
        parser.add_argument("--json", action="store_true", help="print one JSON object instead of the table")
        parser.add_argument("--allow-small", action="store_true", help=argparse.SUPPRESS)  # the smoke test
        parser.add_argument("--report-only", nargs=2, type=int, metavar=("CONSORTIUM", "FY"), help=argparse.SUPPRESS)

    def handle(self, *args, **options):
        if options["report_only"]:  # the child process of the report measurement
            self.stdout.write(json.dumps(measure.report_here(*options["report_only"])))
            return
        if options["requests"] < 200 and not options["allow_small"]:
            raise CommandError("--requests must be at least 200 (p95 over fewer is noise).")
        if options["clients"] < 2:
            raise CommandError("--clients must be at least 2 (half of them contend).")
        figures = self.run(options)
        if options["json"]:
            self.stdout.write(json.dumps(figures, ensure_ascii=False))
        else:
            self.stdout.write(render_table(figures))
        if figures["double_bookings"] or figures["server_errors"] or figures["operator_double_holds"]:
            raise CommandError(
                f"{figures['double_bookings']} double bookings, {figures['server_errors']} server errors, "
                f"{figures['operator_double_holds']} operators held twice at once"
            )

    def say(self, options, text: str) -> None:
        if not options["json"]:
            self.stderr.write(text)

    def run(self, options) -> dict:
        rng = random.Random(options["seed"])
        cast = subjects.cast(clients=options["clients"])
        fiscal_year = options["fiscal_year"] or subjects.last_fiscal_year(timezone.localdate())
        figures = {
            "database": connection.vendor,
            "bookings_in_database": cast.bookings,
            "instruments_in_database": len(cast.instrument_ids),
            "workers": options["workers"],
            "worker_class": options["worker_class"],
            "clients": options["clients"],
            "cores": os.cpu_count(),
            "measured_at": timezone.now().isoformat(timespec="seconds"),
        }
        self.say(options, f"{cast.bookings:,} bookings, {len(cast.instrument_ids):,} instruments ({connection.vendor})")

        log_path = Path(tempfile.gettempdir()) / f"kyoyo-bench-gunicorn-{os.getpid()}.log"
        with gunicorn(
            workers=options["workers"],
            worker_class=options["worker_class"],
            threads=options["threads"],
            log_path=log_path,
        ) as base:
            self.say(options, f"gunicorn: {base}, {options['workers']} {options['worker_class']} workers")
            figures.update(self.latency(base, cast, options["requests"], rng, workers=options["workers"]))
            figures.update(
                pages.latencies(
                    base,
                    options["requests"],
                    token=cast.tokens[0],
                    noop_p50_ms=figures["noop_p50_ms"],
                    warmup=10 + 5 * options["workers"],
                )
            )
            figures.update(self.grid(base, cast, options["requests"], rng, figures, workers=options["workers"]))
            figures.update(self.creation(base, cast, options))
            self.say(options, "home pages …")
            homes = home.home_users(consortium_id=cast.largest_consortium_id)
            figures["home_roles"] = list(homes)
            count = max(10, options["requests"] // 4)  # per role: 100 for the default 400
            warmup = 10 + 5 * options["workers"]
            figures.update(home.latency(base, homes, token=cast.tokens[0], count=count, warmup=warmup))
        self.say(options, f"report: FY{fiscal_year} of consortium {cast.largest_consortium_id} …")
        report = measure.report_in_child(cast.largest_consortium_id, fiscal_year)
        figures.update(report, report_fiscal_year=fiscal_year)
        figures["home_queries"] = home.queries(homes)
        figures["list_queries"] = measure.list_queries(
            instruments_token=cast.tokens[0], bookings_token=cast.staff_token
        )
        figures["page_queries"] = pages.query_counts()
        self.say(options, "operators: availability and assisted creation (in-process) …")
        figures.update(operated.availability(max(20, options["requests"] // 4), rng))
        figures.update(operated.creation(options["duration"], uuid.uuid4().hex[:8]))
        return figures

    def latency(self, base: str, cast, count: int, rng: random.Random, *, workers: int) -> dict:
        token = cast.tokens[0]
        warmup = 10 + 5 * workers  # a sync worker takes whichever request comes: warm them all
        calls, questions = measure.availability_calls(cast.instrument_ids, token, count + warmup, rng)
        api, api_statuses = load.sequential(base, calls, warmup=warmup)
        noop_calls = [load.Call("GET", "/api/v1/bench/noop/", token)] * (count + warmup)
        noop, noop_statuses = load.sequential(base, noop_calls, warmup=warmup)
        sql = measure.sql_floor_latencies(questions, warmup=warmup)
        for name, statuses in (("availability", api_statuses), ("no-op", noop_statuses)):
            if set(statuses) != {200}:
                raise CommandError(f"{name} requests answered {dict(statuses)}; see the server log")
        api_p50, noop_p50, sql_p50 = (statistics.median(v) * MS for v in (api, noop, sql))
        return {
            "availability_requests": len(api),
            "availability_p50_ms": round(api_p50, 2),
            "availability_p95_ms": round(load.percentile(api, 95) * MS, 2),
            "sql_floor_p50_ms": round(sql_p50, 3),
            "noop_p50_ms": round(noop_p50, 2),
            "availability_floor_ratio": round(api_p50 / (noop_p50 + sql_p50), 2),
        }

    def grid(self, base: str, cast, count: int, rng: random.Random, figures: dict, *, workers: int) -> dict:
        """The instrument page's time grid for a week (GET …/grid/), against the no-op endpoint of the same run."""
        token = cast.tokens[0]
        warmup = 10 + 5 * workers
        calls = measure.grid_calls(cast.instrument_ids, token, count + warmup, rng)
        latencies, statuses = load.sequential(base, calls, warmup=warmup)
        if set(statuses) != {200}:
            raise CommandError(f"grid requests answered {dict(statuses)}; see the server log")
        p50 = statistics.median(latencies) * MS
        quiet_bookings, quiet_queries, busy_bookings, busy_queries = measure.grid_queries(cast.instrument_ids, token)
        return {
            "grid_requests": len(latencies),
            "grid_p50_ms": round(p50, 2),
            "grid_p95_ms": round(load.percentile(latencies, 95) * MS, 2),
            "grid_noop_ratio": round(p50 / figures["noop_p50_ms"], 2),
            "grid_queries_quietest": quiet_queries,
            "grid_queries_busiest": busy_queries,
            "grid_bookings_quietest": quiet_bookings,
            "grid_bookings_busiest": busy_bookings,
        }

    def creation(self, base: str, cast, options) -> dict:
        clients, duration = options["clients"], options["duration"]
        run = uuid.uuid4().hex[:8]
        per_client = max(50, int(duration * 150))  # more than a client can send in the time
        queues, touched = measure.creation_queues(
            subjects.instruments_for_creation(cast, clients // 2 + 4),
            cast.tokens,
            clients=clients,
            per_client=per_client,
            run=run,
        )
        # Warm every worker first (imports, templates, connections happen on a worker's first requests), on
        # the first slots of each queue; the measured run goes on from where the warm-up stopped.
        warmup = max(5, options["workers"] * 8 // clients + 1)
        load.concurrent(base, [q[:warmup] for q in queues], duration=duration)
        queues = [q[warmup:] for q in queues]
        before = subjects.bookings_of_run(run)
        created = load.concurrent(base, queues, duration=duration)
        noop_queues = measure.noop_queues(cast.tokens, clients=clients, per_client=per_client)
        load.concurrent(base, [q[:warmup] for q in noop_queues], duration=duration)
        noop = load.concurrent(base, noop_queues, duration=duration)
        rows = subjects.bookings_of_run(run) - before
        statuses = created.statuses
        if noop.server_errors or noop.errors:
            raise CommandError(f"no-op POST failed: {dict(noop.statuses)} {noop.errors[:2]}")
        unexpected = {s: n for s, n in statuses.items() if s not in (201, 409) and s < 500}
        if unexpected:
            raise CommandError(f"booking requests answered {unexpected}; the bench's requests are wrong")
        if rows != statuses.get(201, 0):
            raise CommandError(f"{statuses.get(201, 0)} answers 201 but {rows} new rows")
        return {
            "create_rps": round(created.per_second, 1),
            "create_created": statuses.get(201, 0),
            "create_refused_409": statuses.get(409, 0),
            "noop_post_rps": round(noop.per_second, 1),
            "create_floor_ratio": round(noop.per_second / created.per_second, 2) if created.per_second else None,
            "double_bookings": floors.overlapping_holds(touched),
            "server_errors": created.server_errors + len(created.errors),
            "server_error_samples": created.errors[:3],
        }


ROWS = [
    ("Availability, one instrument × one month (HTTP)", None),
    ("  requests", "availability_requests"),
    ("  p50 ms", "availability_p50_ms"),
    ("  p95 ms", "availability_p95_ms"),
    ("  floor: no-op endpoint p50 ms", "noop_p50_ms"),
    ("  floor: hand-written SQL p50 ms", "sql_floor_p50_ms"),
    ("  ratio p50 ÷ (no-op + SQL)", "availability_floor_ratio"),
    ("Catalogue page with next free slots, anonymous (HTTP)", None),
    ("  p50 ms / p95 ms", ("catalogue_p50_ms", "catalogue_p95_ms")),
    ("  ratio p50 ÷ no-op p50", "catalogue_noop_ratio"),
    ("Institution timeline data, a week, largest institution (HTTP)", None),
    ("  instruments in its rows", "timeline_instruments"),
    ("  p50 ms / p95 ms", ("timeline_p50_ms", "timeline_p95_ms")),
    ("  ratio p50 ÷ no-op p50", "timeline_noop_ratio"),
    ("Instrument time grid, one instrument × one week (HTTP)", None),
    ("  requests", "grid_requests"),
    ("  p50 ms", "grid_p50_ms"),
    ("  p95 ms", "grid_p95_ms"),
    ("  ratio p50 ÷ no-op p50", "grid_noop_ratio"),
    ("  SQL queries, quietest / busiest week", ("grid_queries_quietest", "grid_queries_busiest")),
    ("  its bookings, quietest / busiest week", ("grid_bookings_quietest", "grid_bookings_busiest")),
    ("Booking creation, concurrent clients (HTTP)", None),
    ("  clients", "clients"),
    ("  requests/s", "create_rps"),
    ("  created (201) / refused (409)", ("create_created", "create_refused_409")),
    ("  floor: no-op POST requests/s", "noop_post_rps"),
    ("  ratio no-op ÷ creation", "create_floor_ratio"),
    ("  double bookings", "double_bookings"),
    ("  5xx answers", "server_errors"),
    ("Fiscal-year utilization report, largest consortium", None),
    ("  fiscal year / bookings in it", ("report_fiscal_year", "report_bookings")),
    ("  seconds", "report_seconds"),
    ("  peak memory MB (process; before: baseline)", ("report_peak_mb", "report_baseline_mb")),
    ("  SQL queries", "report_queries"),
    ("  floor: one GROUP BY seconds", "report_floor_seconds"),
    ("  ratio report ÷ floor", "report_floor_ratio"),
    ("  totals equal the floor's", "report_totals_match"),
    ("List endpoints, SQL queries per request (page size 10, 100)", None),
    ("  instruments", ("list_queries", "instruments")),
    ("  bookings", ("list_queries", "bookings")),
    ("Pages, SQL queries per request (fewer, more instruments)", None),
    ("  catalogue (one institution's, all)", ("page_queries", "catalogue")),
    ("  catalogue, free in 7 days (one institution's, all)", ("page_queries", "catalogue_free7")),
    ("  timeline (smallest, largest institution)", ("page_queries", "timeline")),
    ("Operators: assisted-mode availability, in-process (SQL floor: the statements on their own)", None),
    ("  instruments with an operator", "operated_instruments"),
    ("  one slot (offers_for): p50 / p95 ms", ("operator_slot_p50_ms", "operator_slot_p95_ms")),
    (
        "  one slot: SQL floor p50 ms / ratio / queries",
        ("operator_slot_sql_floor_p50_ms", "operator_slot_floor_ratio", "operator_slot_queries"),
    ),
    ("  a week (candidates, free time, intersection): p50 / p95 ms", ("operator_week_p50_ms", "operator_week_p95_ms")),
    (
        "  a week: SQL floor p50 ms / ratio / queries",
        ("operator_week_sql_floor_p50_ms", "operator_week_floor_ratio", "operator_week_queries"),
    ),
    ("Assisted bookings, request + approval with an operator, in-process", None),
    ("  created per second / attempts per second", ("assisted_per_second", "assisted_attempts_per_second")),
    ("  created / refused (no operator free, …)", ("assisted_created", "assisted_refused")),
    ("  operators held twice at once", "operator_double_holds"),
    ("Home pages, / of each role (HTTP; SQL queries in-process)", None),
    ("  floor: no-op endpoint p50 ms", "home_noop_p50_ms"),
    *[
        (f"  {role}: p50 ms / p95 ms / p50 ÷ no-op / queries", ("home", role))
        for role in ("company", "staff", "secretariat", "coordinator")
    ],
]


def render_table(figures: dict) -> str:
    lines = [
        f"Kyoyo bench — {figures['database']}, {figures['bookings_in_database']:,} bookings, "
        f"{figures['instruments_in_database']:,} instruments, {figures['workers']} {figures['worker_class']} "
        f"workers, {figures['cores']} cores, {figures['measured_at']}"
    ]
    for label, key in ROWS:
        if key is None:
            lines.append(label)
        elif isinstance(key, tuple) and key[0] == "home":
            role = key[1]
            if role not in figures.get("home_roles", ()):
                lines.append(f"{label:<52} (no such user in the data set)")
                continue
            values = [figures[f"home_{role}_{k}"] for k in ("p50_ms", "p95_ms", "floor_ratio")]
            lines.append(f"{label:<52} {' / '.join(map(str, values))} / {figures['home_queries'][role]}")
        elif isinstance(key, tuple) and key[0] in ("list_queries", "page_queries"):
            lines.append(f"{label:<52} {figures[key[0]][key[1]]}")
        elif isinstance(key, tuple):
            lines.append(f"{label:<52} {' / '.join(str(figures[k]) for k in key)}")
        else:
            lines.append(f"{label:<52} {figures[key]}")
    return "\n".join(lines) + "\n"
