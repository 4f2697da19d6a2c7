"""Losing database connections under load, against a real server (PostgreSQL only; .ci/run runs it there).

gunicorn serves the test database with persistent connections (DB_CONN_MAX_AGE), as in production, and the test
terminates the server's backends with pg_terminate_backend: first while its workers are idle (each worker's next
request must still succeed: the reused connection is checked first), then again and again while clients send booking
requests. No answer may be a 500: a request that loses the database midway answers 503 and stores nothing, and every
booking the database holds was answered 201 with its id (none committed behind an error).
"""

import json
import random
import threading
import time
from datetime import date, timedelta

import jpholiday
import psycopg
import pytest
from django.db import connection

from bookings.models import Booking
from consortia.services import issue_api_token
from devtools.bench.load import Call, send
from devtools.bench.server import database_url, gunicorn
from tests.bookings.conftest import at, iso, working_day

WORKERS = 2
CLIENTS = 4
LOAD_SECONDS = 4.0
URL = "/api/v1/bookings/"
SERVER = "kyoyo-connection-loss-test"  # the application_name of the server's connections


def free_slots(count: int):
    """Distinct half-hour slots of the SEM fixture (Mon–Fri 9–12, 13–17), on the hour, from two weeks ahead."""
    day: date = working_day()
    while True:
        for hour in (9, 10, 11, 13, 14, 15, 16):
            yield at(day, hour), at(day, hour, 30)
            count -= 1
            if not count:
                return
        day += timedelta(days=1)
        while day.weekday() >= 5 or jpholiday.is_holiday(day):
            day += timedelta(days=1)


class Backends:
    """The server's connections to the test database (no others: CI's Celery worker uses the same database)."""

    def __init__(self):
        self.admin = psycopg.connect(database_url(), autocommit=True)
        self.database = connection.settings_dict["NAME"]

    def _query(self, select: str):
        where = "datname = %s AND application_name = %s"
        return self.admin.execute(f"SELECT {select} FROM pg_stat_activity WHERE {where}", [self.database, SERVER])

    def count(self) -> int:
        return self._query("count(*)").fetchone()[0]

    def terminate(self) -> int:
        return self._query("count(pg_terminate_backend(pid))").fetchone()[0]

    def wait_until_gone(self, seconds: float = 10.0) -> bool:
        """pg_terminate_backend only signals: a backend lingers in pg_stat_activity until it has exited."""
        deadline = time.monotonic() + seconds
        while self.count() and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.count() == 0

    def close(self):
        self.admin.close()


def booking_call(token: str, instrument_id: int, slot) -> Call:
    start, end = slot
    body = {"instrument": instrument_id, "start": iso(start), "end": iso(end), "mode": "assisted", "purpose": "試験"}
    return Call("POST", URL, token, body)


def test_a_reused_connection_is_checked_before_each_request():
    assert connection.settings_dict["CONN_HEALTH_CHECKS"] is True  # the live test below shows what it buys


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_terminated_connections_cause_no_500_and_no_booking_committed_behind_an_error(world, sem, tmp_path):
    _token, token = issue_api_token(user=world.user_a)
    slots = free_slots(2000)
    backends = Backends()
    answers = []  # (status, slot start, body)
    lock = threading.Lock()

    def ask():
        slot = next(slots)
        answer = send(base, booking_call(token, sem.id, slot), timeout=30)
        with lock:
            answers.append((answer.status, slot[0], answer.body))
        return answer.status

    try:
        server_env = {  # its connections named; tasks in-process even where CI exports a broker for its worker
            "DATABASE_URL": f"{database_url()}?application_name={SERVER}",
            "CELERY_BROKER_URL": "",
            "CELERY_RESULT_BACKEND": "",
        }
        with gunicorn(workers=WORKERS, log_path=tmp_path / "gunicorn.log", env=server_env) as base:
            # 1. Idle workers whose connections died: each one's next request reconnects instead of failing.
            for _ in range(20):
                threads = [threading.Thread(target=ask) for _ in range(WORKERS * 2)]
                [thread.start() for thread in threads]
                [thread.join() for thread in threads]
                if backends.count() >= WORKERS:
                    break
            assert backends.count() == WORKERS, "every worker holds a connection"
            assert backends.terminate() == WORKERS
            assert backends.wait_until_gone()
            statuses = []
            for _ in range(20):  # concurrent batches until every worker has served again (one alone may take all)
                batch = []
                threads = [threading.Thread(target=lambda: batch.append(ask())) for _ in range(WORKERS * 2)]
                [thread.start() for thread in threads]
                [thread.join() for thread in threads]
                statuses += batch
                if backends.count() >= WORKERS:
                    break
            assert backends.count() == WORKERS and set(statuses) == {201}, statuses

            # 2. Connections terminated again and again while clients book.
            rng = random.Random(15)
            stop = time.monotonic() + LOAD_SECONDS
            kills = []
            errors = []

            def client():
                while time.monotonic() < stop:
                    try:
                        ask()
                    except OSError as exc:
                        errors.append(f"{type(exc).__name__}: {exc}")

            def killer():
                while time.monotonic() < stop:
                    time.sleep(rng.uniform(0.1, 0.4))
                    kills.append(backends.terminate())

            threads = [threading.Thread(target=client) for _ in range(CLIENTS)] + [threading.Thread(target=killer)]
            [thread.start() for thread in threads]
            [thread.join() for thread in threads]
            assert ask() == 201  # and once the terminations stop, the server serves as before
    finally:
        backends.close()

    log = (tmp_path / "gunicorn.log").read_text()
    assert not errors, errors
    assert sum(kills) > 0, "connections were terminated under load"
    unexpected = [(status, body[:300]) for status, _start, body in answers if status not in (201, 503)]
    assert not unexpected, (unexpected[:3], log[-3000:])
    answered = {start: json.loads(body)["id"] for status, start, body in answers if status == 201}
    committed = dict(Booking.objects.filter(instrument=sem).values_list("start", "id"))
    assert committed == answered  # every committed booking answered 201 with its id, and nothing else stored
