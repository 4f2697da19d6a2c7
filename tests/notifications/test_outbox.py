"""The outbox: queued after commit, sent once however often a task runs, retried with back-off,
and not lost when the broker is down."""

from collections import Counter
from datetime import timedelta

import pytest
from django import db
from django.core.mail.backends.locmem import EmailBackend
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from bookings.models import Booking
from notifications import services
from notifications.models import Notification
from notifications.tasks import deliver_notification, drain_outbox
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
LATER = timedelta(minutes=5)  # past the drain's grace period


def queue(user, key="k1", **context):
    return services.notify(key=key, recipient=user, template="bookings/email/expired", context=context)


@pytest.fixture
def failing_mail(monkeypatch):
    """The mail server fails the first `times` sends, then works."""
    state = {"left": 0, "calls": 0}
    real_send = EmailBackend.send_messages

    def send_messages(self, messages):
        state["calls"] += 1
        if state["left"] > 0:
            state["left"] -= 1
            raise ConnectionRefusedError("SMTP server not answering")
        return real_send(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", send_messages)
    return state


class Crash(BaseException):
    """The worker process dies: nothing after this point runs (not even `except Exception`)."""


@pytest.fixture
def crash_after(monkeypatch):
    """The worker dies right after its `n`-th e-mail has left, before anything is recorded."""
    state = {"n": None, "sends": 0}
    real_send = EmailBackend.send_messages

    def send_messages(self, messages):
        sent = real_send(self, messages)
        state["sends"] += 1
        if state["sends"] == state["n"]:
            raise Crash("killed right after sending")
        return sent

    monkeypatch.setattr(EmailBackend, "send_messages", send_messages)
    return state


def deliveries(mailoutbox) -> Counter:
    return Counter(address for message in mailoutbox for address in message.to)


def test_a_notification_is_sent_only_after_its_transaction_commits(django_capture_on_commit_callbacks, mailoutbox):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True) as hooks:
        queue(user)
        assert not mailoutbox  # inside the transaction nothing has left
    assert len(hooks) == 1 and len(mailoutbox) == 1
    assert Notification.objects.get().status == "sent"


def test_a_rolled_back_change_queues_nothing(transactional_db, mailoutbox):
    user = UserFactory()
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            queue(user)
            raise RuntimeError("the change failed")
    assert not Notification.objects.exists() and not mailoutbox


def test_the_same_event_never_queues_a_second_mail(mailoutbox):
    user = UserFactory()
    first, again = queue(user), queue(user)
    assert first.pk == again.pk and Notification.objects.count() == 1


def test_new_messages_are_queued_in_one_insert_and_each_sent_after_commit(
    django_capture_on_commit_callbacks, django_assert_num_queries, mailoutbox
):
    users = [UserFactory(), UserFactory(), UserFactory(email="")]
    messages = [
        services.Message(key=f"event-1:to:{u.pk}", recipient=u, template="bookings/email/expired", context={})
        for u in users
    ]
    with django_capture_on_commit_callbacks(execute=True) as hooks:
        with django_assert_num_queries(1):  # no look-up first: the keys are new by construction
            created = services.notify_new(messages)
        assert not mailoutbox
    assert len(created) == 2 and len(hooks) == 2  # the user without an address is skipped
    assert sorted(m.to for m in mailoutbox) == sorted([[u.email] for u in users[:2]])


def test_a_new_message_whose_key_exists_after_all_fails_instead_of_sending_twice(mailoutbox):
    user = UserFactory()
    queue(user, key="event-2:to:1")
    with pytest.raises(IntegrityError):
        with transaction.atomic():
            services.notify_new(
                [services.Message(key="event-2:to:1", recipient=user, template="bookings/email/expired", context={})]
            )
    assert Notification.objects.count() == 1


def test_a_repeated_task_sends_once(mailoutbox):
    notification = queue(UserFactory())
    assert deliver_notification.apply(args=[notification.pk]).get() is True
    assert deliver_notification.apply(args=[notification.pk]).get() is False
    assert drain_outbox.apply(kwargs={}).get() == 0
    assert len(mailoutbox) == 1
    notification.refresh_from_db()
    assert notification.status == "sent" and notification.attempts == 1


def test_a_failing_send_is_retried_by_the_task_and_succeeds_once(failing_mail, mailoutbox, monkeypatch):
    from backend.celery import app

    monkeypatch.setitem(app.conf, "task_eager_propagates", False)  # in-process retries run nested
    failing_mail["left"] = 2
    notification = queue(UserFactory())
    deliver_notification.apply(args=[notification.pk], throw=False)
    assert failing_mail["calls"] == 3 and len(mailoutbox) == 1
    notification.refresh_from_db()
    assert notification.status == "sent" and notification.attempts == 3 and notification.last_error == ""


def test_retries_back_off_exponentially(monkeypatch, failing_mail):
    failing_mail["left"] = 1
    notification = queue(UserFactory())
    countdowns = []

    def retry(**kwargs):
        countdowns.append(kwargs["countdown"])
        raise RuntimeError("stop here")

    monkeypatch.setattr(deliver_notification, "retry", retry)
    with pytest.raises(RuntimeError):
        deliver_notification.apply(args=[notification.pk], throw=True)
    assert countdowns == [60.0]
    assert [services.backoff(n).total_seconds() for n in (1, 2, 3, 4, 20)] == [60, 120, 240, 480, 6 * 3600]
    notification.refresh_from_db()
    assert notification.status == "queued" and "SMTP server not answering" in notification.last_error
    assert notification.next_attempt_at > timezone.now()  # the drain waits for the back-off too


def test_a_row_that_keeps_failing_is_given_up_and_kept(failing_mail, mailoutbox):
    failing_mail["left"] = 10_000
    notification = queue(UserFactory())
    moment = timezone.now()
    for _ in range(services.MAX_ATTEMPTS + 2):
        moment += timedelta(hours=7)
        services.drain(now=moment)
    notification.refresh_from_db()
    assert notification.status == "failed" and notification.attempts == services.MAX_ATTEMPTS
    assert not mailoutbox


def test_with_the_broker_down_a_booking_succeeds_and_its_mail_follows_once_the_drain_runs(
    world, day, monkeypatch, django_capture_on_commit_callbacks, mailoutbox, client_for, request_body
):
    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(deliver_notification, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(world.user_a).post("/api/v1/bookings/", request_body, format="json")
    assert response.status_code == 201
    assert Booking.objects.filter(pk=response.data["id"]).exists()
    queued = Notification.objects.get()
    assert queued.status == "queued" and queued.to_email == world.staff_a.email and not mailoutbox

    monkeypatch.undo()  # the broker is back; beat runs the drain
    assert services.drain(now=timezone.now()) == 0  # within the grace period the task still has its chance
    assert services.drain(now=timezone.now() + LATER) == 1
    assert services.drain(now=timezone.now() + LATER) == 0
    assert [m.to for m in mailoutbox] == [[world.staff_a.email]]


def test_a_row_left_sending_by_a_dead_worker_is_sent_again_after_a_while(mailoutbox):
    notification = queue(UserFactory())
    Notification.objects.filter(pk=notification.pk).update(status="sending", claimed_at=timezone.now())
    assert services.drain(now=timezone.now() + LATER) == 0  # maybe still being sent
    assert services.drain(now=timezone.now() + services.STALE_AFTER + LATER) == 1
    assert len(mailoutbox) == 1


def test_a_crash_mid_batch_repeats_at_most_the_mail_in_flight_and_never_one_recorded_sent(crash_after, mailoutbox):
    users = [UserFactory() for _ in range(5)]
    rows = [queue(user, key=f"batch:{n}") for n, user in enumerate(users)]
    crash_after["n"] = 3
    moment = timezone.now() + LATER
    with pytest.raises(Crash):
        services.drain(now=moment)
    statuses = [Notification.objects.get(pk=row.pk).status for row in rows]
    assert statuses == ["sent", "sent", "sending", "queued", "queued"]  # each send recorded at once

    assert services.drain(now=moment + LATER) == 2  # the rest; the one in flight may still be on its way
    assert services.drain(now=moment + services.STALE_AFTER + LATER) == 1  # abandoned: queued again and sent
    for days in (1, 2, 3):
        assert services.drain(now=moment + timedelta(days=days)) == 0
    counts = deliveries(mailoutbox)
    assert counts == {user.email: 2 if user == users[2] else 1 for user in users}


def test_a_row_recorded_sent_is_never_queued_again_by_the_stale_drain(mailoutbox):
    notification = queue(UserFactory())
    assert services.drain(now=timezone.now() + LATER) == 1
    Notification.objects.filter(pk=notification.pk).update(claimed_at=timezone.now() - timedelta(days=1))
    assert services.requeue_stale(now=timezone.now() + timedelta(days=2)) == 0
    assert services.drain(now=timezone.now() + timedelta(days=2)) == 0
    assert len(mailoutbox) == 1 and Notification.objects.get().status == "sent"


def test_a_connection_lost_after_the_send_still_records_it_and_the_mail_is_not_repeated(mailoutbox):
    """The database goes away between the send and its record: the record is made on a new connection instead of
    leaving the row `sending`, which the stale drain would send a second time."""
    notification = queue(UserFactory())
    lost = []

    def lose_the_record(execute, sql, params, many, context):
        if sql.startswith("UPDATE") and "sent" in (params or ()) and not lost:
            lost.append(sql)
            raise db.OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(lose_the_record):
        assert services.drain(now=timezone.now() + LATER) == 1
    assert lost and Notification.objects.get(pk=notification.pk).status == "sent"
    assert services.drain(now=timezone.now() + services.STALE_AFTER + LATER) == 0
    assert len(mailoutbox) == 1


def test_the_outbox_records_each_send_in_its_own_transaction_never_in_a_callers(crash_after, mailoutbox):
    """Inside a caller's transaction a crash would roll back the records of mails already sent, and each would go
    out again: the outbox refuses to run there at all."""
    users = [UserFactory() for _ in range(3)]
    for n, user in enumerate(users):
        queue(user, key=f"caller:{n}")
    crash_after["n"] = 2
    moment = timezone.now() + LATER
    with pytest.raises((Crash, RuntimeError)):
        with transaction.atomic():
            services.drain(now=moment)
    crash_after["n"] = None
    services.drain(now=moment + services.STALE_AFTER + LATER)
    counts = deliveries(mailoutbox)
    assert set(counts) == {user.email for user in users}
    assert sum(n - 1 for n in counts.values()) <= 1, counts  # at most the one in flight twice


def test_a_database_failure_of_an_in_process_delivery_is_logged_as_the_databases(monkeypatch, caplog):
    def database_gone(*args, **kwargs):
        raise db.OperationalError("terminating connection due to administrator command")

    monkeypatch.setattr(deliver_notification, "delay", database_gone)
    services.dispatch(42)
    [record] = [r for r in caplog.records if r.name == "notifications.services"]
    assert "database unavailable" in record.getMessage() and "broker" not in record.getMessage()
    assert "administrator command" in record.getMessage()


def test_users_without_an_address_are_skipped():
    assert queue(UserFactory(email="")) is None and not Notification.objects.exists()


def test_mail_is_rendered_in_the_users_language():
    ja, en = UserFactory(language="ja"), UserFactory(language="en")
    context = {"instrument": {"name": "SEM"}, "booking": {"pk": 7}}
    assert "期限切れ" in queue(ja, key="ja", **context).subject
    assert queue(en, key="en", **context).subject.startswith("[Kyoyo] Booking request expired")


@pytest.mark.real_worker
@pytest.mark.django_db(transaction=True)
def test_a_booking_mail_is_delivered_by_a_real_worker(world, day, request_body, client_for):
    response = client_for(world.user_a).post("/api/v1/bookings/", request_body, format="json")
    assert response.status_code == 201
    notification = Notification.objects.get()
    deadline = timezone.now() + timedelta(seconds=60)
    while notification.status != "sent" and timezone.now() < deadline:
        notification.refresh_from_db()
    assert notification.status == "sent" and notification.attempts == 1
