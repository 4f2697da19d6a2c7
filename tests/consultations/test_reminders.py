"""Business days, and the reminder of consultations not referred within two of them: sent once."""

import threading
import time as clock
from datetime import UTC, date, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from consultations import services
from consultations.models import Consultation
from consultations.selectors import is_overdue, reminder_due_at
from consultations.tasks import remind_unreferred_consultations
from consultations.workdays import add_business_days, business_days_between, is_business_day
from notifications.models import Notification
from tests.consultations.conftest import SEM_PROBLEM, tokyo
from tests.factories import UserFactory, give_role

# September 2025: Friday 12th, Monday 15th is 敬老の日 (a public holiday), Tuesday 23rd 秋分の日.
FRIDAY = tokyo(2025, 9, 12, 10, 0)


# --- Business days (pure) ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "day, expected",
    [
        (date(2025, 9, 12), True),  # Friday
        (date(2025, 9, 13), False),  # Saturday
        (date(2025, 9, 15), False),  # 敬老の日
        (date(2025, 9, 16), True),
        (date(2025, 9, 23), False),  # 秋分の日
        (date(2026, 1, 1), False),  # 元日
    ],
)
def test_business_days_are_weekdays_that_are_not_public_holidays(day, expected):
    assert is_business_day(day) is expected


def test_two_business_days_after_a_friday_before_a_holiday_monday_is_wednesday():
    assert add_business_days(FRIDAY, 2) == tokyo(2025, 9, 17, 10, 0)
    assert add_business_days(tokyo(2025, 9, 13, 15, 0), 2) == tokyo(2025, 9, 17, 15, 0)  # asked on a Saturday


@pytest.mark.parametrize(
    "end, expected",
    [
        (tokyo(2025, 9, 12, 17, 0), 0),  # the same day
        (tokyo(2025, 9, 15, 9, 0), 0),  # the holiday Monday
        (tokyo(2025, 9, 16, 9, 0), 1),
        (tokyo(2025, 9, 19, 9, 0), 4),
        (tokyo(2025, 9, 24, 9, 0), 6),  # 23rd is a holiday
    ],
)
def test_business_days_between_count_the_days_begun_after_the_start(end, expected):
    assert business_days_between(FRIDAY, end) == expected


def test_business_days_are_counted_on_tokyo_dates_whatever_the_offset():
    utc_friday_night = tokyo(2025, 9, 12, 23, 30).astimezone(UTC)  # still Friday in Tokyo
    assert business_days_between(utc_friday_night, tokyo(2025, 9, 16, 0, 30)) == 1


# --- The reminder -----------------------------------------------------------------------------------------------
def asked_on_friday(world, **fields):
    return services.submit_consultation(actor=world.user_a, now=FRIDAY, **{**SEM_PROBLEM, **fields})


def reminders():
    return Notification.objects.filter(key__contains="unreferred-reminder")


@pytest.mark.django_db
def test_a_consultation_not_referred_within_two_business_days_is_reminded_once(world, people):
    consultation = asked_on_friday(world)
    assert services.remind_unreferred(now=tokyo(2025, 9, 16, 17, 0)) == 0  # one business day only
    assert services.remind_unreferred(now=tokyo(2025, 9, 17, 9, 59)) == 0
    due = tokyo(2025, 9, 17, 10, 20)
    assert reminder_due_at(consultation) == tokyo(2025, 9, 17, 10, 0) and is_overdue(consultation, due)
    assert services.remind_unreferred(now=due) == 1
    assert services.remind_unreferred(now=due) == 0  # the same run again
    assert services.remind_unreferred(now=due + timedelta(days=1)) == 0  # and the next day
    mail = reminders().get()
    assert mail.recipient == people.coordinator and f"#{consultation.pk}" in mail.subject
    consultation.refresh_from_db()
    assert consultation.reminded_at == due


@pytest.mark.django_db
def test_every_coordinator_of_the_consortium_gets_one_reminder(world, people):
    second = UserFactory(username="coordinator2")
    give_role(second, "coordinator", consortium=world.hokkaido)
    asked_on_friday(world)
    for _ in range(3):
        services.remind_unreferred(now=tokyo(2025, 9, 18, 9, 20))
    assert sorted(reminders().values_list("recipient__username", flat=True)) == ["coordinator", "coordinator2"]


@pytest.mark.django_db
def test_a_referred_or_closed_consultation_is_not_reminded(world, people):
    referred, closed = asked_on_friday(world), asked_on_friday(world, title="別件")
    services.refer(actor=people.coordinator, consultation=referred, institution=world.inst_a, note="x")
    services.close(actor=world.user_a, consultation=closed, outcome="no_match")
    assert services.remind_unreferred(now=tokyo(2025, 9, 18, 9, 20)) == 0
    assert not reminders().exists()


@pytest.mark.django_db
def test_no_reminders_are_sent_on_weekends_or_holidays(world, people):
    services.submit_consultation(actor=world.user_a, now=tokyo(2025, 9, 18, 19, 0), **SEM_PROBLEM)  # Thursday night
    assert services.remind_unreferred(now=tokyo(2025, 9, 20, 9, 20)) == 0  # due Monday 22nd 19:00; Saturday
    assert services.remind_unreferred(now=tokyo(2025, 9, 22, 18, 20)) == 0  # Monday, not yet 19:00
    assert services.remind_unreferred(now=tokyo(2025, 9, 23, 9, 20)) == 0  # Tuesday 23rd: 秋分の日
    assert services.remind_unreferred(now=tokyo(2025, 9, 24, 9, 20)) == 1


@pytest.mark.django_db
def test_a_consortium_without_coordinators_is_reminded_once_it_has_one(world):
    consultation = asked_on_friday(world)
    assert services.remind_unreferred(now=tokyo(2025, 9, 18, 9, 20)) == 0
    assert Consultation.objects.get(pk=consultation.pk).reminded_at is None  # left for later, not lost
    coordinator = UserFactory(username="new_coordinator")
    give_role(coordinator, "coordinator", consortium=world.hokkaido)
    assert services.remind_unreferred(now=tokyo(2025, 9, 18, 10, 20)) == 1
    assert reminders().get().recipient == coordinator


@pytest.mark.django_db
def test_a_confidential_consultations_reminder_names_only_its_number(world, people):
    asked_on_friday(world, title="秘密の件名", confidential=True)
    services.remind_unreferred(now=tokyo(2025, 9, 18, 9, 20))
    mail = reminders().get()
    assert "秘密の件名" not in mail.subject + mail.body


@pytest.mark.django_db
def test_the_beat_task_reminds_once(world, people, monkeypatch):
    asked_on_friday(world)
    monkeypatch.setattr(timezone, "now", lambda: tokyo(2025, 9, 18, 9, 20))
    assert remind_unreferred_consultations.apply().get() == 1
    assert remind_unreferred_consultations.apply().get() == 0
    assert reminders().count() == 1


def test_beat_runs_the_reminder_hourly_in_office_hours(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["remind-unreferred-consultations"]
    assert entry["task"] == remind_unreferred_consultations.name == "consultations.remind_unreferred"
    assert entry["schedule"].hour == set(range(9, 19))


# --- Concurrent runs (beat and a manual run, or two beats by mistake) ---------------------------------------------
def run_at_once(n, now):
    """n runs of the reminder at the same moment; each has read the due consultations before any claims."""
    barrier = threading.Barrier(n)
    results = []

    def run():
        try:
            barrier.wait()
            results.append(services.remind_unreferred(now=now))
        except Exception as exc:  # anything else would be a failed beat run
            results.append(f"error:{type(exc).__name__}:{exc}")
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def slow_before_claiming(monkeypatch):
    original = services.notices.coordinators_of

    def looked_up_then_pause(consultation):
        coordinators = original(consultation)
        clock.sleep(0.3)  # every run has found the consultation due before any claims it
        return coordinators

    monkeypatch.setattr(services.notices, "coordinators_of", looked_up_then_pause)


@pytest.mark.django_db(transaction=True)
def test_without_the_conditional_claim_concurrent_runs_would_each_remind(world, people, monkeypatch):
    """Proof that the race is real: with a claim that does not look at reminded_at, every run thinks it is the
    one to remind (the outbox's unique key alone keeps the e-mails single)."""
    asked_on_friday(world)
    slow_before_claiming(monkeypatch)
    monkeypatch.setattr(services, "_claim_for_reminder", lambda consultation, now: True)
    assert sum(run_at_once(4, tokyo(2025, 9, 18, 9, 20))) > 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_runs_remind_exactly_once(world, people, monkeypatch):
    asked_on_friday(world)
    slow_before_claiming(monkeypatch)
    results = run_at_once(4, tokyo(2025, 9, 18, 9, 20))
    assert sorted(results) == [0, 0, 0, 1], results
    assert reminders().count() == 1
