"""Pages of issue #18 in `manage.py bench`: the catalogue page with each card's next free slot (anonymous, as the
home of visitors) and the institution timeline's data (`GET /api/v1/staff/timeline/`, a week) for the staff of the
institution with the most instruments. Each is timed over HTTP against the no-op endpoint of the same run, and its
SQL statements are counted in-process on two subjects of different size, which must be equal."""

import statistics
from datetime import timedelta

from django.db import connection
from django.db.models import Count, Q
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from consortia.models import Role, User
from equipment.models import Instrument

from . import load
from .subjects import token_of

MS = 1000.0
CATALOGUE_PAGES = 5  # the catalogue's first pages, asked in turn (24 cards each)


def timeline_staff() -> tuple[User, User]:
    """(staff of the institution with the most instruments, staff of the one with the fewest): the subjects of
    the timeline's time and of its query count."""
    staff = (
        User.objects.filter(is_active=True, roles__kind=Role.Kind.STAFF)
        .annotate(
            n=Count(
                "roles__institution__instruments",
                filter=~Q(roles__institution__instruments__status=Instrument.Status.RETIRED),
                distinct=True,
            )
        )
        .filter(n__gt=0)
        .order_by("-n", "id")
    )
    most, fewest = staff.first(), staff.last()
    if most is None:
        raise LookupError("no institution staff with instruments: run `manage.py bench_seed` first")
    return most, fewest


def _week() -> str:
    monday = timezone.localdate() - timedelta(days=timezone.localdate().weekday())
    return f"start={monday.isoformat()}&days=7"


def calls(count: int, *, anonymous_token: str, staff_token: str) -> dict[str, list[load.Call]]:
    """`count` requests of each page: the catalogue's first pages in turn, the timeline of this week."""
    return {
        "catalogue": [load.Call("GET", f"/?page={n % CATALOGUE_PAGES + 1}", anonymous_token) for n in range(count)],
        "timeline": [load.Call("GET", f"/api/v1/staff/timeline/?{_week()}", staff_token)] * count,
    }


def latencies(base: str, count: int, *, token: str, noop_p50_ms: float, warmup: int) -> dict:
    """p50 and p95 of each page, and each p50 over the no-op p50 (the issue's bound: at most 5)."""
    most, _fewest = timeline_staff()
    figures = {}
    for name, page_calls in calls(count + warmup, anonymous_token=token, staff_token=token_of(most)).items():
        seconds, statuses = load.sequential(base, page_calls, warmup=warmup)
        if set(statuses) != {200}:
            raise RuntimeError(f"{name} requests answered {dict(statuses)}; see the server log")
        p50 = statistics.median(seconds) * MS
        figures[f"{name}_p50_ms"] = round(p50, 2)
        figures[f"{name}_p95_ms"] = round(load.percentile(seconds, 95) * MS, 2)
        figures[f"{name}_noop_ratio"] = round(p50 / noop_p50_ms, 2)
    figures["timeline_instruments"] = (
        Instrument.objects.filter(institution__roles__user=most, institution__roles__kind=Role.Kind.STAFF)
        .exclude(status=Instrument.Status.RETIRED)
        .count()
    )
    return figures


def query_counts() -> dict[str, list[int]]:
    """SQL statements per request, in-process on the same database: the catalogue's first page and its "free in
    the next 7 days" filter on few and on many instruments (one institution's, then all), and the timeline's
    week for the staff of the institution with the fewest and the most instruments. Equal pairs are the point."""
    most, fewest = timeline_staff()
    smallest = fewest.roles.filter(kind=Role.Kind.STAFF).values_list("institution_id", flat=True).first()
    result = {}
    for name, asks in (
        ("catalogue", [("/", {"institution": smallest}), ("/", {})]),
        ("catalogue_free7", [("/", {"institution": smallest, "free7": "on"}), ("/", {"free7": "on"})]),
        ("timeline", [(f"/api/v1/staff/timeline/?{_week()}", fewest), (f"/api/v1/staff/timeline/?{_week()}", most)]),
    ):
        counts = []
        for path, who in asks:
            client = Client()
            params = who if isinstance(who, dict) else {}
            if isinstance(who, User):
                client.force_login(who)
            client.get(path, params)  # warm caches (content types, the session) so both start alike
            with CaptureQueriesContext(connection) as captured:
                response = client.get(path, params)
            if response.status_code != 200:
                raise RuntimeError(f"{path} answered {response.status_code}")
            counts.append(len(captured.captured_queries))
        result[name] = counts
    return result
