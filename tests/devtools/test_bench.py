"""manage.py bench: a smoke run on a tiny data set, so the command cannot rot, and the no-op endpoint's switch.

Timings are never asserted here (docs/benchmarks.md holds them); what is asserted is that every figure is
produced, that the invariants the benchmark counts hold, and that the counts that are exact are equal."""

import importlib
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import clear_url_caches

from devtools.bench import load
from devtools.management.commands.bench import render_table
from tests.factories import UserFactory

KEYS = {
    "availability_p50_ms",
    "availability_p95_ms",
    "sql_floor_p50_ms",
    "noop_p50_ms",
    "availability_floor_ratio",
    "create_rps",
    "create_floor_ratio",
    "double_bookings",
    "server_errors",
    "report_seconds",
    "report_peak_mb",
    "report_queries",
    "report_floor_ratio",
    "list_queries",
    "catalogue_p50_ms",
    "catalogue_p95_ms",
    "catalogue_noop_ratio",
    "timeline_p50_ms",
    "timeline_p95_ms",
    "timeline_noop_ratio",
    "timeline_instruments",
    "page_queries",
    "grid_p50_ms",
    "grid_p95_ms",
    "grid_noop_ratio",
    "operated_instruments",
    "operator_slot_p50_ms",
    "operator_slot_p95_ms",
    "operator_slot_sql_floor_p50_ms",
    "operator_slot_queries",
    "operator_week_p50_ms",
    "operator_week_p95_ms",
    "operator_week_sql_floor_p50_ms",
    "operator_week_queries",
    "assisted_created",
    "assisted_per_second",
}


@pytest.mark.django_db(transaction=True)  # the server is another process: it must see committed rows
def test_bench_measures_every_figure_on_a_tiny_data_set():
    call_command(
        "bench_seed",
        institutions=4,
        instruments=40,
        bookings=1500,
        companies=40,
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    out = io.StringIO()
    call_command(
        "bench",
        "--json",
        "--allow-small",
        "--requests",
        "30",
        "--clients",
        "4",
        "--duration",
        "1.5",
        "--workers",
        "2",
        stdout=out,
        stderr=io.StringIO(),
    )
    figures = json.loads(out.getvalue())

    assert KEYS <= figures.keys()
    assert figures["double_bookings"] == 0
    assert figures["operator_double_holds"] == 0  # each approval assigned a free operator, never one held already
    assert figures["server_errors"] == 0
    assert figures["create_created"] > 0  # the clients on their own instruments got their slots …
    assert figures["create_refused_409"] > 0  # … and the contending ones were refused, not double-booked
    assert figures["availability_requests"] == 30
    assert figures["report_totals_match"] is True  # the floor answers the same question as the report
    assert figures["grid_requests"] == 30
    assert figures["grid_queries_quietest"] == figures["grid_queries_busiest"]  # constant in the week's bookings
    assert figures["grid_bookings_busiest"] > figures["grid_bookings_quietest"]
    instruments, bookings = figures["list_queries"]["instruments"], figures["list_queries"]["bookings"]
    assert instruments[0] == instruments[1] and bookings[0] == bookings[1]
    assert all(few == many for few, many in figures["page_queries"].values()), figures["page_queries"]
    for key in KEYS - {"list_queries", "page_queries", "double_bookings", "server_errors"}:
        assert figures[key] > 0, key
    assert {"company", "staff", "secretariat"} <= set(figures["home_roles"])  # bench_seed makes no coordinator
    for role in figures["home_roles"]:
        assert figures[f"home_{role}_p50_ms"] > 0 and figures[f"home_{role}_p95_ms"] >= figures[f"home_{role}_p50_ms"]
        assert figures["home_queries"][role] > 0
    assert "home pages" not in render_table(figures) and "staff: p50 ms" in render_table(figures)


def test_bench_refuses_fewer_than_200_availability_requests(db):
    with pytest.raises(CommandError, match="at least 200"):
        call_command("bench", "--requests", "50", stdout=io.StringIO())


def test_the_percentile_interpolates_between_closest_ranks():
    assert load.percentile([1, 2, 3, 4], 50) == 2.5
    assert load.percentile([5.0], 95) == 5.0
    assert load.percentile(list(range(101)), 95) == 95


# --- The no-op endpoint: the floor of the measurements, out of the URL map unless switched on ---------------------


@pytest.fixture
def noop_switched_on():
    import backend.urls

    with override_settings(BENCH_NOOP=True):
        importlib.reload(backend.urls)
        clear_url_caches()
        yield
    importlib.reload(backend.urls)
    clear_url_caches()


def test_the_noop_endpoint_is_not_routed_by_default(client, db):
    assert client.get("/api/v1/bench/noop/").status_code == 404


def test_the_noop_endpoint_answers_an_authenticated_user_when_switched_on(noop_switched_on, db):
    from rest_framework.test import APIClient

    from consortia.services import issue_api_token

    user = UserFactory()
    _token, key = issue_api_token(user=user)
    api = APIClient()
    assert api.get("/api/v1/bench/noop/").status_code == 401  # authenticates like every endpoint
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/bench/noop/").json() == {"ok": True, "user": user.id}
    assert api.post("/api/v1/bench/noop/", {"x": 1}, format="json").status_code == 200
