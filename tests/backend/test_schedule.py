"""The embedded schedule: CELERY_BEAT_SCHEDULE run in the web process when there is no broker, each due run once
across restarts and processes (backend.schedule)."""

import logging
import threading
from datetime import datetime, timedelta

import pytest
from celery.schedules import crontab
from django.utils import timezone

from backend import schedule
from backend.models import ScheduleEntry
from backend.tokyo import TOKYO
from notifications import services as outbox
from notifications.models import Notification
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

EVERY_MINUTE = {"drain": {"task": "notifications.drain_outbox", "schedule": 60.0}}
AT_EIGHT = {"digest": {"task": "bookings.send_digests", "schedule": crontab(minute=0, hour=8)}}


class Clock:
    def __init__(self, moment: datetime):
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment

    def set(self, moment: datetime) -> None:
        self.moment = moment

    def advance(self, **delta) -> None:
        self.moment += timedelta(**delta)


@pytest.fixture
def clock():
    return Clock(datetime(2026, 12, 2, 7, 0, tzinfo=TOKYO))


@pytest.fixture
def runs():
    return []


def scheduler(beat, clock, runs, runner="web-1", run=None):
    def record(entry):
        runs.append((runner, entry.name, clock()))
        return "done"

    return schedule.Scheduler(beat, clock=clock, run=run or record, runner=runner)


def test_an_entry_seen_first_counts_from_then_and_runs_once_each_interval(clock, runs):
    web = scheduler(EVERY_MINUTE, clock, runs)
    web.tick()
    clock.advance(seconds=30)
    web.tick()
    assert runs == []  # a new entry waits a whole interval, as beat does
    clock.advance(seconds=31)
    web.tick()
    clock.advance(seconds=1)
    web.tick()
    assert [name for _who, name, _at in runs] == ["drain"]
    clock.advance(seconds=60)
    web.tick()
    assert len(runs) == 2


def test_a_crontab_entry_runs_at_its_hour_in_tokyo_once(clock, runs):
    web = scheduler(AT_EIGHT, clock, runs)
    web.tick()  # 07:00
    clock.set(datetime(2026, 12, 2, 7, 59, tzinfo=TOKYO))
    web.tick()
    assert runs == []
    for minute in (0, 1, 30):
        clock.set(datetime(2026, 12, 2, 8, minute, tzinfo=TOKYO))
        web.tick()
    assert [at for _who, _name, at in runs] == [datetime(2026, 12, 2, 8, 0, tzinfo=TOKYO)]
    clock.set(datetime(2026, 12, 3, 8, 0, 5, tzinfo=TOKYO))
    web.tick()
    assert len(runs) == 2


def test_a_restart_neither_runs_a_task_again_nor_skips_one_missed_while_down(clock, runs):
    scheduler(AT_EIGHT, clock, runs).tick()
    clock.set(datetime(2026, 12, 2, 8, 0, tzinfo=TOKYO))
    scheduler(AT_EIGHT, clock, runs).tick()
    assert len(runs) == 1
    clock.set(datetime(2026, 12, 2, 8, 10, tzinfo=TOKYO))
    scheduler(AT_EIGHT, clock, runs, runner="restarted").tick()  # a new process reads the last run
    assert len(runs) == 1
    clock.set(datetime(2026, 12, 3, 9, 30, tzinfo=TOKYO))  # down over the next 08:00
    restarted = scheduler(AT_EIGHT, clock, runs, runner="restarted-again")
    restarted.tick()
    clock.advance(minutes=1)
    restarted.tick()
    assert [who for who, _name, _at in runs] == ["web-1", "restarted-again"]  # caught up once, on start
    assert ScheduleEntry.objects.get(name="digest").last_run_at == datetime(2026, 12, 3, 9, 30, tzinfo=TOKYO)


def test_two_web_processes_run_a_due_task_once(clock, runs):
    first = scheduler(EVERY_MINUTE, clock, runs, runner="web-1")
    second = scheduler(EVERY_MINUTE, clock, runs, runner="web-2")
    first.tick()
    clock.advance(minutes=2)

    def run_while_the_other_checks(entry):  # the second process checks while the first is running the task
        runs.append(("web-1", entry.name, clock()))
        second.tick()
        return "done"

    first.run = run_while_the_other_checks
    first.tick()
    second.tick()  # and after it: the run is recorded
    assert [who for who, _name, _at in runs] == ["web-1"]
    # a process that read the row before the run cannot claim it afterwards
    entry = second.entries[0]
    assert not second.claim(entry, seen=clock() - timedelta(minutes=2), now=clock())


def test_a_claim_left_by_a_dead_process_lapses(clock, runs):
    web = scheduler(EVERY_MINUTE, clock, runs)
    web.tick()
    ScheduleEntry.objects.filter(name="drain").update(claimed_by="dead", claimed_until=clock() + schedule.CLAIM_FOR)
    clock.advance(minutes=5)
    web.tick()
    assert runs == []  # maybe still running elsewhere
    clock.advance(seconds=schedule.CLAIM_FOR.total_seconds())
    web.tick()
    assert len(runs) == 1 and ScheduleEntry.objects.get().claimed_by == ""


def test_each_run_is_logged_and_a_failing_task_runs_again_at_its_next_time(clock, runs, caplog):
    def fail(entry):
        runs.append(entry.name)
        raise RuntimeError("SMTP server not answering")

    web = scheduler(EVERY_MINUTE, clock, runs, run=fail)
    web.tick()
    clock.advance(minutes=1)
    with caplog.at_level(logging.INFO, logger="backend.schedule"):
        web.tick()
        clock.advance(seconds=10)
        web.tick()  # not again at once
        web.run = lambda entry: 3
        clock.advance(minutes=1)
        web.tick()
    messages = [r.getMessage() for r in caplog.records if r.name == "backend.schedule"]
    assert len(runs) == 1 and len(messages) == 2
    assert messages[0].startswith("schedule: drain (notifications.drain_outbox) failed")
    assert messages[1].startswith("schedule: drain (notifications.drain_outbox) ran in") and messages[1].endswith(": 3")


def test_in_embedded_mode_the_real_schedule_drains_the_outbox(mailoutbox, settings):
    """Nothing but the web process: the outbox's drain runs from CELERY_BEAT_SCHEDULE and sends a mail whose own
    task never ran."""
    notification = outbox.notify(
        key="lost-task", recipient=UserFactory(), template="bookings/email/expired", context={}
    )  # in a test's transaction its after-commit task never runs: only the drain can send it
    Notification.objects.filter(pk=notification.pk).update(next_attempt_at=timezone.now() - timedelta(minutes=1))
    web = schedule.Scheduler()
    assert {entry.task for entry in web.entries} == {spec["task"] for spec in settings.CELERY_BEAT_SCHEDULE.values()}
    web.tick()  # every entry is new: none runs yet
    assert not mailoutbox
    ScheduleEntry.objects.filter(name="drain-notification-outbox").update(
        last_run_at=timezone.now() - timedelta(minutes=2)
    )
    web.tick()
    assert len(mailoutbox) == 1 and Notification.objects.get().status == "sent"


def test_the_thread_starts_once_per_process_and_only_without_a_broker(settings, monkeypatch):
    started = []

    class Thread:
        def __init__(self, target, args, name, daemon):
            self.name = name

        def start(self):
            started.append(self.name)

    monkeypatch.setattr(schedule.threading, "Thread", Thread)
    monkeypatch.setattr(schedule, "_started", threading.Event())
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/0"
    assert schedule.start() is False  # beat's work then
    settings.CELERY_BROKER_URL = ""
    settings.EMBEDDED_SCHEDULE = False
    assert schedule.start() is False  # KYOYO_SCHEDULE=0
    settings.EMBEDDED_SCHEDULE = True
    assert schedule.start() is True and schedule.start() is False
    assert started == ["kyoyo-schedule"]
