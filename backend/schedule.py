"""The embedded schedule: CELERY_BEAT_SCHEDULE run inside the web process when there is no broker.

With a broker, `celery beat` sends the schedule's tasks to the workers. In embedded mode (no CELERY_BROKER_URL) there
are neither, so each web process starts one thread (`start`, called by backend/wsgi.py: runserver's serving process
and gunicorn's workers, never other manage.py commands or the tests) which checks every few seconds and runs each due
task right there, as an in-process Celery call, logging one line per run.

Due is Celery's own rule: `schedule.is_due(last_run_at)` of the entry's interval or crontab, in CELERY_TIMEZONE. The
last run of each entry is kept in the database (ScheduleEntry), so a restart neither runs a task again nor skips one
whose time passed while the site was down (that one runs once, on start); an entry seen for the first time counts from
then, as beat does. Several web processes share the rows: a process runs a task only after claiming its row by a
conditional update (the last run it read, and no live claim), so each due run happens once wherever it happens, and
a claim lapses after CLAIM_FOR if its process died mid-run. The tasks are idempotent anyway (DESIGN.md).
"""

import copy
import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from celery.schedules import maybe_schedule
from django.conf import settings
from django.db import close_old_connections
from django.db.models import Q
from django.utils import timezone

from .models import ScheduleEntry

logger = logging.getLogger(__name__)

# After this a claim lapses, e.g. of a process that died mid-run. Longer than a scheduled task normally runs; one that
# runs longer may be started again elsewhere, which the tasks' own claims make harmless (they are idempotent).
CLAIM_FOR = timedelta(minutes=10)
MAX_WAIT = 30.0  # seconds between two checks at most
RETRY_WAIT = 10.0  # after a failed check (e.g. the database is restarting)


@dataclass(frozen=True)
class Entry:
    name: str
    task: str
    schedule: object  # celery.schedules.schedule or crontab, reading the scheduler's clock
    args: tuple
    kwargs: dict


def celery_app():
    from .celery import app

    return app


def now_in_schedule_zone() -> datetime:
    """Now, in CELERY_TIMEZONE: a crontab reads the hour and day of the datetimes it is given."""
    return timezone.now().astimezone(celery_app().timezone)


def entries_of(beat_schedule: dict, clock: Callable[[], datetime]) -> list[Entry]:
    app = celery_app()
    found = []
    for name, spec in beat_schedule.items():
        schedule = copy.copy(maybe_schedule(spec["schedule"], app=app))  # a number of seconds becomes an interval
        schedule.nowfun = clock
        found.append(Entry(name, spec["task"], schedule, tuple(spec.get("args", ())), dict(spec.get("kwargs", {}))))
    return found


def run_in_process(entry: Entry):
    """Run the entry's task here and now (an eager Celery call) and return its result; a failure raises."""
    app = celery_app()
    app.loader.import_default_modules()  # every app's tasks module: the registry is filled by autodiscovery
    return app.tasks[entry.task].apply(args=entry.args, kwargs=entry.kwargs, throw=True).result


class Scheduler:
    """CELERY_BEAT_SCHEDULE (or `beat_schedule`), checked by `tick`; `clock` and `run` are replaceable for tests."""

    def __init__(self, beat_schedule: dict | None = None, *, clock=None, run=None, runner: str | None = None):
        self.clock = clock or now_in_schedule_zone
        self.entries = entries_of(settings.CELERY_BEAT_SCHEDULE if beat_schedule is None else beat_schedule, self.clock)
        self.run = run or run_in_process
        self.runner = runner or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"

    def tick(self) -> float:
        """Run each due entry once, if this process claims it first; return the seconds until the next check."""
        wait = MAX_WAIT
        for entry in self.entries:
            now = self.clock()
            row, _created = ScheduleEntry.objects.get_or_create(name=entry.name, defaults={"last_run_at": now})
            due, next_in = entry.schedule.is_due(row.last_run_at.astimezone(now.tzinfo))
            if due and self.claim(entry, seen=row.last_run_at, now=now):
                self.run_claimed(entry, now=now)
            wait = min(wait, next_in)
        return max(wait, 1.0)

    def claim(self, entry: Entry, *, seen: datetime, now: datetime) -> bool:
        """Take the entry's row, only if nobody ran it since `seen` and no live claim holds it."""
        free = Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
        return bool(
            ScheduleEntry.objects.filter(free, name=entry.name, last_run_at=seen).update(
                claimed_by=self.runner, claimed_until=now + CLAIM_FOR
            )
        )

    def run_claimed(self, entry: Entry, *, now: datetime) -> None:
        began = time.monotonic()
        try:
            result = self.run(entry)
        except Exception:
            logger.exception("schedule: %s (%s) failed; it runs again at its next time", entry.name, entry.task)
        else:
            logger.info("schedule: %s (%s) ran in %.2f s: %r", entry.name, entry.task, time.monotonic() - began, result)
        finally:  # the run counts even when it failed, as in beat: the next one is at the next due time
            ScheduleEntry.objects.filter(name=entry.name, claimed_by=self.runner).update(
                last_run_at=now, claimed_by="", claimed_until=None
            )


def run_forever(scheduler: Scheduler, stop: threading.Event) -> None:
    while not stop.is_set():
        close_old_connections()  # this thread's connection: dropped if lost or older than CONN_MAX_AGE
        try:
            wait = scheduler.tick()
        except Exception:
            logger.exception("schedule: a check failed; trying again in %.0f s", RETRY_WAIT)
            wait = RETRY_WAIT
        finally:
            close_old_connections()
        stop.wait(wait)


_started = threading.Event()
_start_lock = threading.Lock()


def should_run() -> bool:
    """Embedded mode only: no broker (beat does the work then), and not turned off by KYOYO_SCHEDULE=0."""
    return bool(settings.EMBEDDED_SCHEDULE) and not settings.CELERY_BROKER_URL


def start() -> bool:
    """Start this process's schedule thread, once; True if this call started it."""
    if not should_run():
        return False
    with _start_lock:
        if _started.is_set():
            return False
        _started.set()
    scheduler = Scheduler()
    threading.Thread(
        target=run_forever, args=(scheduler, threading.Event()), name="kyoyo-schedule", daemon=True
    ).start()
    logger.info(
        "schedule: embedded mode, %d tasks of CELERY_BEAT_SCHEDULE run in this process (%s)",
        len(scheduler.entries),
        ", ".join(entry.task for entry in scheduler.entries),
    )
    return True
