"""Which optional e-mails a person receives: the morning digest and the day-before reminder are skipped for people
who turned them off (on the account page or PATCH /api/v1/me/); obligations (usage reports owed) are always sent."""

from datetime import time, timedelta

import pytest
from django.utils import timezone

from bookings import services
from tests.invoices.conftest import completed
from usage_reports import services as usage_report_services

pytestmark = pytest.mark.django_db


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    def run(call, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return call(**kwargs)

    return run


def booking(world, sem, day, status):
    return completed(
        sem, requester=world.user_b, company=world.company_b, day=day, start=time(10), minutes=60, status=status
    )


def test_the_day_before_reminder_skips_people_who_turned_reminders_off(world, sem, day, send, mailoutbox):
    approved = booking(world, sem, day, "approved")
    world.user_b.receives_reminders = False
    world.user_b.save()
    assert send(services.send_reminders, now=approved.start - timedelta(days=1)) == 1
    assert [m.to[0] for m in mailoutbox] == [world.staff_a.email]  # staff still want theirs


def test_staff_who_turned_reminders_off_get_none_but_the_requester_does(world, sem, day, send, mailoutbox):
    approved = booking(world, sem, day, "approved")
    world.staff_a.receives_reminders = False
    world.staff_a.save()
    assert send(services.send_reminders, now=approved.start - timedelta(days=1)) == 1
    assert [m.to[0] for m in mailoutbox] == [world.user_b.email]


def test_the_morning_digest_skips_staff_who_turned_digests_off(world, sem, day, send, mailoutbox, client_for):
    booking(world, sem, day, "pending")
    assert send(services.send_digests, now=timezone.now()) == 1  # staff_a is institution A's only staff
    mailoutbox.clear()
    client_for(world.staff_a).patch("/api/v1/me/", {"receives_digests": False}, format="json")
    assert send(services.send_digests, now=timezone.now() + timedelta(days=1)) == 0
    assert mailoutbox == []


def test_usage_report_reminders_are_obligations_and_always_go(world, sem, send, mailoutbox):
    today = timezone.localdate()
    used = completed(
        sem, requester=world.user_b, company=world.company_b, day=today - timedelta(days=25), start=time(10), minutes=60
    )
    world.user_b.receives_reminders = world.user_b.receives_digests = False
    world.user_b.save()
    assert send(usage_report_services.send_reminders, today=today) == 1
    assert mailoutbox[0].to == [world.user_b.email] and f"/usage-reports/{used.pk}/" in mailoutbox[0].body


def test_the_choices_are_read_and_written_through_api_me(world, client_for):
    client = client_for(world.user_b)
    assert client.get("/api/v1/me/").json()["receives_digests"] is True
    answer = client.patch("/api/v1/me/", {"receives_reminders": False}, format="json")
    assert answer.status_code == 200 and answer.json()["receives_reminders"] is False
    world.user_b.refresh_from_db()
    assert world.user_b.receives_reminders is False and world.user_b.receives_digests is True
    assert client.patch("/api/v1/me/", {"receives_reminders": "perhaps"}, format="json").status_code == 400
