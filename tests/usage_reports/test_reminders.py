"""Beat reminds the company of a usage report before its deadline and once after it, each exactly once."""

from datetime import time, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from notifications.models import Notification
from tests.factories import UserFactory, give_role
from tests.invoices.conftest import completed
from usage_reports import services, tasks
from usage_reports.services import submit_usage_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def remind(django_capture_on_commit_callbacks):
    """Run the reminders and then the after-commit hooks they queued (the e-mails leave), as a real run would."""

    def run(call=services.send_reminders, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return call(**kwargs)

    return run


def used(world, sem, day, company=None, requester=None):
    return completed(
        sem,
        requester=requester or world.user_b,
        company=company or world.company_b,
        day=day,
        start=time(10),
        minutes=60,
    )


def keys():
    return sorted(Notification.objects.values_list("key", flat=True))


def test_one_reminder_before_the_deadline_and_one_after(world, sem, remind):
    today = timezone.localdate()
    booking = used(world, sem, today - timedelta(days=20))  # due in 10 days: not yet
    due = booking.actual_end.date() + timedelta(days=30)
    assert remind(today=today) == 0
    assert remind(today=due - timedelta(days=7)) == 1  # a week before
    assert remind(today=due - timedelta(days=3)) == 0  # once
    assert remind(today=due) == 0
    assert remind(today=due + timedelta(days=1)) == 1  # once after the deadline
    assert remind(today=due + timedelta(days=5)) == 0
    assert keys() == [
        f"usage-report:{booking.pk}:after:to:{world.user_b.pk}",
        f"usage-report:{booking.pk}:before:to:{world.user_b.pk}",
    ]
    subjects = [m.subject for m in mail.outbox]
    assert len(subjects) == 2 and "利用報告書の提出のお願い" in subjects[0] and "未提出" in subjects[1]
    assert f"/usage-reports/{booking.pk}/" in mail.outbox[0].body


def test_the_requester_and_the_companys_admins_are_reminded_in_their_language(world, sem, remind):
    admin = UserFactory(language="en")
    give_role(admin, "company_admin", company=world.company_b)
    booking = used(world, sem, timezone.localdate() - timedelta(days=25))
    assert remind() == 2
    assert {m.to[0] for m in mail.outbox} == {world.user_b.email, admin.email}
    english = next(m for m in mail.outbox if m.to == [admin.email])
    assert english.subject.startswith("[Kyoyo] Usage report due") and str(booking.pk) in english.subject


def test_a_submitted_report_and_a_long_forgotten_one_are_not_reminded(world, sem, remind):
    today = timezone.localdate()
    done = used(world, sem, today - timedelta(days=25))
    submit_usage_report(actor=world.user_b, booking=done, summary="品質確認", outcome="quality_control")
    used(world, sem, today - timedelta(days=30 + 15 + 1))  # overdue for more than 14 days: left alone
    assert remind(today=today) == 0
    assert not mail.outbox


def test_the_beat_task_is_idempotent(world, sem, remind):
    used(world, sem, timezone.localdate() - timedelta(days=35))  # overdue by a few days
    assert remind(lambda: tasks.remind_usage_reports.delay().get()) == 1
    assert remind(lambda: tasks.remind_usage_reports.delay().get()) == 0
    assert len(mail.outbox) == 1
