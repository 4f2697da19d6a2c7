"""The home pages in the benchmark: each role's `/` through the same gunicorn server and client as the API
figures, against the same no-op floor, and its SQL queries in-process (exact, unlike a time).

A page reads the session, not an API key: each role's user gets a session written to the database, as logging in
does, and its cookie goes with every request. Who is measured is picked from whatever the database holds: the
staff member who sees the most bookings, a user of the company with the most bookings, the secretariat
and the coordinator of the largest consortium (bench_seed makes no coordinator: that role is then left out).
"""

import statistics

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext

from consortia.models import Role, User

from . import load

MS = 1000


def home_users(*, consortium_id: int) -> dict[str, User]:
    """One user per role whose home page is measured (a role the data set lacks is left out)."""
    users = {}
    admin = (
        Role.objects.filter(kind__in=Role.COMPANY_KINDS, user__is_active=True)
        .annotate(n=Count("company__bookings"))
        .order_by("-n", "id")
        .select_related("user")
        .first()
    )
    if admin:
        users["company"] = admin.user
    staff = (
        Role.objects.filter(kind=Role.Kind.STAFF, user__is_active=True)
        .annotate(n=Count("institution__instruments"))
        .order_by("-n", "id")
        .select_related("user")
        .first()
    )
    if staff:
        users["staff"] = staff.user
    for role, kind in (("secretariat", Role.Kind.SECRETARIAT), ("coordinator", Role.Kind.COORDINATOR)):
        found = Role.objects.filter(kind=kind, consortium_id=consortium_id, user__is_active=True).select_related("user")
        if found.first():
            users[role] = found.first().user
    return users


def session_cookie(user: User) -> str:
    """A logged-in session of the user, stored as Django stores one at login."""
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def latency(base: str, users: dict[str, User], *, token: str, count: int, warmup: int) -> dict:
    """p50 and p95 of each role's home page, and each p50 against the no-op endpoint's, measured alike."""
    noop, _statuses = load.sequential(
        base, [load.Call("GET", "/api/v1/bench/noop/", token)] * (count + warmup), warmup=warmup
    )
    noop_p50 = statistics.median(noop) * MS
    figures: dict = {"home_noop_p50_ms": round(noop_p50, 2)}
    for role, user in users.items():
        calls = [load.Call("GET", "/", "", cookie=session_cookie(user))] * (count + warmup)
        seconds, statuses = load.sequential(base, calls, warmup=warmup)
        if set(statuses) != {200}:
            raise RuntimeError(f"the {role} home page answered {dict(statuses)}; see the server log")
        p50 = statistics.median(seconds) * MS
        figures[f"home_{role}_p50_ms"] = round(p50, 2)
        figures[f"home_{role}_p95_ms"] = round(load.percentile(seconds, 95) * MS, 2)
        figures[f"home_{role}_floor_ratio"] = round(p50 / noop_p50, 2)
    return figures


def queries(users: dict[str, User]) -> dict[str, int]:
    """SQL statements of each role's home page (in-process, after a first request warmed the caches)."""
    counts = {}
    for role, user in users.items():
        client = Client()
        client.force_login(user)
        client.get("/")
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/")
        if response.status_code != 200:
            raise RuntimeError(f"the {role} home page answered {response.status_code}")
        counts[role] = len(captured.captured_queries)
    return counts
