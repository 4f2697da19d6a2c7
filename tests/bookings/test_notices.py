"""Who is e-mailed when a booking changes, in which language, with which calendar invitation.

Invitations are read back with vobject, an iCalendar parser independent of the icalendar package
that wrote them."""

from datetime import datetime, time, timedelta

import pytest
import vobject
from django.utils import timezone

from bookings import services
from bookings.models import Booking
from notifications.models import Notification
from tests.bookings.conftest import at, iso
from tests.factories import UserFactory, give_role

pytestmark = pytest.mark.django_db
URL = "/api/v1/bookings/"


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    """Run a call and the after-commit hooks it queued (the e-mail tasks), like a real request."""

    def run(call, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return call(*args, **kwargs)

    return run


@pytest.fixture
def pending(world, sem, day, send, client_for, request_body):
    response = send(client_for(world.user_a).post, URL, request_body, format="json")
    assert response.status_code == 201, response.data
    return Booking.objects.get(pk=response.data["id"])


def invitation_of(message):
    """(METHOD, the VEVENT) of the one text/calendar attachment of an e-mail."""
    calendars = [content for _name, content, mimetype in message.attachments if mimetype.startswith("text/calendar")]
    assert len(calendars) == 1, message.attachments
    parsed = vobject.readOne(calendars[0])
    return parsed.method.value, parsed.vevent


def mails_to(mailoutbox, user):
    return [m for m in mailoutbox if m.to == [user.email]]


def test_a_request_is_announced_to_the_institutions_staff_only(world, pending, mailoutbox):
    assert [m.to for m in mailoutbox] == [[world.staff_a.email]]
    mail = mailoutbox[0]
    assert "新しい予約申請" in mail.subject and world.sem.name in mail.subject
    assert "札幌精密株式会社" in mail.body and f"予約番号: {pending.pk}" in mail.body
    assert not mails_to(mailoutbox, world.staff_b)  # staff of another institution hear nothing


def test_approval_mails_the_requester_an_invitation_with_the_bookings_uid(world, pending, send, mailoutbox):
    mailoutbox.clear()
    send(services.approve, actor=world.staff_a, booking=pending)
    (mail,) = mailoutbox
    assert mail.to == [world.user_a.email] and "承認されました" in mail.subject
    assert "9,900円" in mail.body  # the fixed price, tax included
    method, event = invitation_of(mail)
    pending.refresh_from_db()
    assert method == "REQUEST"
    assert event.uid.value == f"{pending.uid}@kyoyo"
    assert int(event.sequence.value) == pending.sequence == 1
    assert event.status.value == "CONFIRMED"
    assert event.dtstart.value == pending.start and event.dtend.value == pending.end
    assert event.dtstart.value.utcoffset() == timedelta(0)  # written in UTC
    assert "mailto:" + world.user_a.email in event.attendee.value
    assert world.sem.institution.name in event.location.value
    assert event.dtstamp.value.tzinfo is not None


def test_cancellation_sends_a_cancel_for_the_same_uid_with_a_higher_sequence(world, pending, send, mailoutbox):
    send(services.approve, actor=world.staff_a, booking=pending)
    _, approved = invitation_of(mailoutbox[-1])
    mailoutbox.clear()
    send(services.cancel, actor=world.user_a, booking=pending, now=timezone.now())
    to_requester = mails_to(mailoutbox, world.user_a)
    method, cancelled = invitation_of(to_requester[0])
    assert method == "CANCEL" and cancelled.status.value == "CANCELLED"
    assert cancelled.uid.value == approved.uid.value
    assert int(cancelled.sequence.value) > int(approved.sequence.value)
    (to_staff,) = mails_to(mailoutbox, world.staff_a)
    assert "利用者が予約を取り消しました" in to_staff.subject and not to_staff.attachments


def test_staff_cancelling_tell_the_requester_but_not_themselves(world, pending, send, mailoutbox):
    send(services.approve, actor=world.staff_a, booking=pending)
    mailoutbox.clear()
    send(services.cancel, actor=world.staff_a, booking=pending, reason="装置故障のため")
    assert [m.to for m in mailoutbox] == [[world.user_a.email]]
    assert "装置故障のため" in mailoutbox[0].body


@pytest.mark.parametrize(
    "verb, subject",
    [("reject", "却下されました"), ("propose", "変更提案"), ("expire", "期限切れ")],
)
def test_rejection_proposal_and_expiry_are_told_to_the_requester(world, pending, send, mailoutbox, day, verb, subject):
    mailoutbox.clear()
    if verb == "reject":
        send(services.reject, actor=world.staff_a, booking=pending, reason="装置の調整中です")
    elif verb == "propose":
        send(services.propose, actor=world.staff_a, booking=pending, start=at(day, 14), end=at(day, 16))
    else:
        send(services.expire_overdue, now=pending.expires_at + timedelta(seconds=1))
    (mail,) = mailoutbox
    assert mail.to == [world.user_a.email] and subject in mail.subject
    assert not mail.attachments  # nothing was in the requester's calendar yet


def test_accepting_a_proposal_confirms_to_the_requester_and_tells_the_staff(world, pending, send, mailoutbox, day):
    send(services.propose, actor=world.staff_a, booking=pending, start=at(day, 14), end=at(day, 16))
    mailoutbox.clear()
    send(services.accept_proposal, actor=world.user_a, booking=pending)
    _, event = invitation_of(mails_to(mailoutbox, world.user_a)[0])
    assert event.dtstart.value == at(day, 14)
    assert "承諾されました" in mails_to(mailoutbox, world.staff_a)[0].subject


def test_a_user_who_chose_english_gets_english_mail(world, pending, send, mailoutbox):
    world.user_a.language = "en"
    world.user_a.save()
    mailoutbox.clear()
    send(services.approve, actor=world.staff_a, booking=Booking.objects.get(pk=pending.pk))
    assert mailoutbox[0].subject.startswith("[Kyoyo] Booking approved")
    assert "Your booking has been approved" in mailoutbox[0].body


def test_nothing_is_queued_when_the_change_is_refused(world, pending, send, mailoutbox):
    before = Notification.objects.count()
    with pytest.raises(Exception):
        send(services.approve, actor=world.staff_b, booking=pending)  # not this institution's staff
    assert Notification.objects.count() == before


def test_reminders_go_out_the_day_before_once_to_requester_and_staff(world, pending, send, mailoutbox):
    send(services.approve, actor=world.staff_a, booking=pending)
    mailoutbox.clear()
    the_day_before = pending.start - timedelta(days=1)
    two_days_before = pending.start - timedelta(days=2)
    assert send(services.send_reminders, now=two_days_before) == 0
    assert send(services.send_reminders, now=the_day_before) == 2
    assert send(services.send_reminders, now=the_day_before + timedelta(hours=1)) == 0  # the next hourly run
    assert sorted(m.to[0] for m in mailoutbox) == sorted([world.user_a.email, world.staff_a.email])
    assert all("明日" in m.subject for m in mailoutbox)


def test_the_morning_digest_lists_undecided_requests_once_a_day_per_staff_member(
    world, pending, send, mailoutbox, client_for, request_body, day
):
    colleague = UserFactory(username="colleague")
    give_role(colleague, "staff", institution=world.inst_a)
    second = {**request_body, "start": iso(at(day, 14)), "end": iso(at(day, 15))}
    assert send(client_for(world.user_b).post, URL, second, format="json").status_code == 201
    mailoutbox.clear()
    now = timezone.now()
    assert send(services.send_digests, now=now) == 2
    # later the same Tokyo day: nothing again (halfway to midnight, so that the test holds at any hour it runs)
    midnight = datetime.combine(
        timezone.localdate(now) + timedelta(days=1), time.min, tzinfo=timezone.get_current_timezone()
    )
    assert send(services.send_digests, now=now + (midnight - now) / 2) == 0
    assert sorted(m.to[0] for m in mailoutbox) == sorted([world.staff_a.email, colleague.email])
    body = mailoutbox[0].body
    assert "2件" in mailoutbox[0].subject
    assert body.index("札幌精密株式会社") < body.index("多摩化学株式会社")  # oldest first
    assert send(services.send_digests, now=now + timedelta(days=1)) == 2  # a new day, a new digest
