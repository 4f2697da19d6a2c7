"""Calendar feeds, read back with vobject (independent of the icalendar package that writes them)."""

from datetime import timedelta

import icalendar
import pytest
import vobject
from django.utils import timezone

from bookings import services
from bookings.models import CalendarFeed
from consortia.models import Institution, User
from equipment.models import Downtime, Instrument
from tests.bookings.conftest import at
from tests.factories import UserFactory, give_role

pytestmark = pytest.mark.django_db


def events_of(response) -> dict:
    """UID → VEVENT of an .ics response, after checking it is a calendar."""
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("text/calendar")
    calendar = vobject.readOne(response.content.decode())
    assert calendar.version.value == "2.0" and calendar.prodid.value
    return {event.uid.value: event for event in calendar.contents.get("vevent", [])}


def ask(world, user, day, hour, **extra):
    return services.request_booking(
        actor=user, instrument=world.sem, start=at(day, hour), end=at(day, hour + 1), mode="assisted", **extra
    )


@pytest.fixture
def feed_url(client_for):
    def url_for(user):
        return client_for(user).get("/api/v1/calendar/feed/").data["url"]

    return url_for


# --- The instrument's busy feed -------------------------------------------------------------------
def test_the_instrument_feed_shows_busy_time_without_who_or_why(world, sem, day, api):
    secret = ask(world, world.user_a, day, 9, purpose="新製品の極秘評価", sample="試作品A")
    approved = ask(world, world.user_b, day, 14)
    services.approve(actor=world.staff_a, booking=approved)
    gone = ask(world, world.user_b, day, 16)
    services.cancel(actor=world.user_b, booking=gone)
    Downtime.objects.create(instrument=sem, start=at(day, 12), end=at(day, 13), title="定期点検")

    response = api.get(f"/api/v1/instruments/{sem.pk}/calendar.ics")  # anonymous, like the catalogue
    events = events_of(response)
    text = response.content.decode()
    assert set(events) == {f"{secret.uid}@kyoyo", f"{approved.uid}@kyoyo", f"downtime-{sem.downtimes.get().pk}@kyoyo"}
    for secret_text in ("札幌精密", "多摩化学", "新製品の極秘評価", "試作品A", "company_a"):
        assert secret_text not in text
    busy = events[f"{approved.uid}@kyoyo"]
    approved.refresh_from_db()
    assert busy.status.value == "CONFIRMED" and int(busy.sequence.value) == approved.sequence
    assert busy.dtstart.value == approved.start and busy.dtstart.value.utcoffset() == timedelta(0)
    assert events[f"{secret.uid}@kyoyo"].status.value == "TENTATIVE"
    assert world.inst_a.name in busy.location.value
    assert "定期点検" in events[f"downtime-{sem.downtimes.get().pk}@kyoyo"].summary.value
    assert all(event.dtstamp.value.tzinfo is not None for event in events.values())


def test_an_unknown_instrument_has_no_feed(api):
    assert api.get("/api/v1/instruments/999999/calendar.ics").status_code == 404


# --- Personal feeds -------------------------------------------------------------------------------
def test_a_company_user_subscribes_to_their_own_bookings_without_logging_in(world, sem, day, api, feed_url):
    mine = ask(world, world.user_a, day, 9, purpose="破断面観察")
    ask(world, world.user_b, day, 14)  # another company's
    url = feed_url(world.user_a)
    assert url.startswith("http://testserver/api/v1/calendar/") and url.endswith(".ics")
    events = events_of(api.get(url))
    assert list(events) == [f"{mine.uid}@kyoyo"]
    event = events[f"{mine.uid}@kyoyo"]
    assert event.status.value == "TENTATIVE" and "破断面観察" in event.description.value


def test_staff_subscribe_to_all_of_their_institutions_bookings(world, sem, day, api, feed_url, xrd_staff_booking):
    a, b = ask(world, world.user_a, day, 9), ask(world, world.user_b, day, 14)
    events = events_of(api.get(feed_url(world.staff_a)))
    assert set(events) == {f"{a.uid}@kyoyo", f"{b.uid}@kyoyo"}  # not the XRD booking of institution B
    assert "多摩化学株式会社" in events[f"{b.uid}@kyoyo"].description.value


@pytest.fixture
def xrd_staff_booking(world, day):
    from tests.factories import RateFactory

    RateFactory(instrument=world.xrd, user_category="sme", mode="assisted", amount_jpy=1000)
    return services.request_booking(
        actor=world.user_a, instrument=world.xrd, start=at(day, 9), end=at(day, 10), mode="assisted"
    )


def test_every_change_raises_the_sequence_and_the_status_follows(world, sem, day, api, feed_url):
    booking = ask(world, world.user_a, day, 9)
    url = feed_url(world.user_a)
    uid = f"{booking.uid}@kyoyo"
    seen = [events_of(api.get(url))[uid]]
    services.approve(actor=world.staff_a, booking=booking)
    seen.append(events_of(api.get(url))[uid])
    services.cancel(actor=world.user_a, booking=booking, now=timezone.now())
    seen.append(events_of(api.get(url))[uid])
    assert [event.status.value for event in seen] == ["TENTATIVE", "CONFIRMED", "CANCELLED"]
    sequences = [int(event.sequence.value) for event in seen]
    assert sequences == sorted(set(sequences))  # strictly growing


def test_rotating_the_address_retires_the_old_one(world, api, client_for, feed_url):
    old = feed_url(world.user_a)
    assert api.get(old).status_code == 200
    response = client_for(world.user_a).post("/api/v1/calendar/feed/rotate/")
    assert response.status_code == 200 and response.data["url"] != old
    assert response.data["webcal"].startswith("webcal://testserver/")
    assert api.get(old).status_code == 404
    assert api.get(response.data["url"]).status_code == 200
    assert feed_url(world.user_a) == response.data["url"]


def test_feed_addresses_are_long_random_and_personal(world, feed_url):
    a, b = feed_url(world.user_a), feed_url(world.user_b)
    token = CalendarFeed.objects.get(user=world.user_a).token
    assert a != b and len(token) >= 40


def test_the_feed_address_is_given_only_to_its_logged_in_owner(api):
    assert api.get("/api/v1/calendar/feed/").status_code in (401, 403)
    assert api.post("/api/v1/calendar/feed/rotate/").status_code in (401, 403)


def test_unknown_tokens_and_deactivated_users_get_404(world, api, feed_url):
    assert api.get("/api/v1/calendar/not-a-real-token.ics").status_code == 404
    url = feed_url(world.user_a)
    world.user_a.is_active = False
    world.user_a.save()
    assert api.get(url).status_code == 404


def test_a_user_without_bookings_gets_a_valid_empty_calendar(api, feed_url):
    assert events_of(api.get(feed_url(UserFactory()))) == {}


def test_the_feed_asks_the_database_a_constant_number_of_times(
    world, sem, day, api, feed_url, django_assert_num_queries
):
    url = feed_url(world.staff_a)
    ask(world, world.user_a, day, 9)
    with django_assert_num_queries(4) as few:  # the feed and its owner, their roles, the bookings, the assignments
        api.get(url)
    for hour in (10, 11, 14, 15, 16):
        ask(world, world.user_b, day, hour)
    services.approve(actor=world.staff_a, booking=ask(world, world.user_a, day + timedelta(days=1), 9))
    with django_assert_num_queries(len(few.captured_queries)):  # staff_a operates the SEM: one assignment entry too
        assert len(events_of(api.get(url))) == 8


def test_a_secretariat_member_who_is_also_staff_gets_both_parts(world, sem, day, api, feed_url):
    give_role(world.secretariat, "staff", institution=world.inst_a)
    booking = ask(world, world.user_a, day, 9)
    assert f"{booking.uid}@kyoyo" in events_of(api.get(feed_url(world.secretariat)))


# --- Names stored with line breaks (before names refused control characters) ---------------------
# A name that, written unescaped, would end its line and start an event of its own.
LEGACY = 'SEM\rBEGIN:VEVENT\r\nUID:evil\nSUMMARY;X="a":b\x1b,;\\'
READ_BACK = 'SEM\nBEGIN:VEVENT\nUID:evil\nSUMMARY;X="a":b,;\\'  # line breaks as line feeds, the escape dropped


def store_legacy_names(world, sem, *users):
    """Write LEGACY where a feed or an invitation shows a name, bypassing validation as an old row would."""
    Instrument.objects.filter(pk=sem.pk).update(name=LEGACY, location=LEGACY)
    Institution.objects.filter(pk=world.inst_a.pk).update(name=LEGACY)
    User.objects.filter(pk__in=[u.pk for u in users]).update(first_name=LEGACY, last_name=LEGACY)


def parsed(response) -> dict:
    """UID → VEVENT, read by icalendar (and by vobject in events_of): one event per UID, none injected."""
    events_of(response)
    calendar = icalendar.Calendar.from_ical(response.content)
    events = {str(event["UID"]): event for event in calendar.walk("VEVENT")}
    assert len(events) == len(calendar.walk("VEVENT")) and "evil" not in events
    return events


def test_a_name_with_line_breaks_gives_a_valid_instrument_feed(world, sem, day, api):
    booking = ask(world, world.user_a, day, 14)
    downtime = Downtime.objects.create(instrument=sem, start=at(day, 12), end=at(day, 13), title=LEGACY)
    store_legacy_names(world, sem)
    events = parsed(api.get(f"/api/v1/instruments/{sem.pk}/calendar.ics"))
    assert set(events) == {f"{booking.uid}@kyoyo", f"downtime-{downtime.pk}@kyoyo"}
    assert str(events[f"{booking.uid}@kyoyo"]["SUMMARY"]) == f"{READ_BACK} 予約済み"
    assert str(events[f"{booking.uid}@kyoyo"]["LOCATION"]) == f"{READ_BACK}、{READ_BACK}"
    assert str(events[f"downtime-{downtime.pk}@kyoyo"]["SUMMARY"]).endswith(f": {READ_BACK}")


def test_a_name_with_line_breaks_gives_a_valid_personal_feed(world, sem, day, api, feed_url):
    booking = ask(world, world.user_a, day, 14, purpose="一行目\n二行目")
    url = feed_url(world.user_a)
    store_legacy_names(world, sem, world.user_a)
    response = api.get(url)
    (event,) = parsed(response).values()
    assert str(event["UID"]) == f"{booking.uid}@kyoyo"
    assert str(event["SUMMARY"]).startswith(READ_BACK) and "一行目\n二行目" in str(event["DESCRIPTION"])
    assert vobject.readOne(response.content.decode()).x_wr_calname.value == f"Kyoyo 予約（{READ_BACK} {READ_BACK}）"


def test_approving_a_booking_on_such_an_instrument_works_and_sends_a_valid_invitation(
    world, sem, day, client_for, mailoutbox, django_capture_on_commit_callbacks
):
    booking = ask(world, world.user_a, day, 14)
    store_legacy_names(world, sem, world.user_a, world.staff_a)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(world.staff_a).post(f"/api/v1/bookings/{booking.pk}/approve/", {}, format="json")
    assert response.status_code == 200, response.data
    (mail,) = mailoutbox
    assert "\n" not in mail.subject and "\r" not in mail.subject and "承認されました" in mail.subject
    (content,) = [content for _name, content, mimetype in mail.attachments if mimetype.startswith("text/calendar")]
    calendar = vobject.readOne(content)
    assert calendar.method.value == "REQUEST" and calendar.vevent.uid.value == f"{booking.uid}@kyoyo"
    assert calendar.vevent.summary.value.startswith(READ_BACK)
    (event,) = icalendar.Calendar.from_ical(content).walk("VEVENT")  # vobject leaves RFC 6868's ^' encoded
    assert event["ATTENDEE"].params["CN"] == f"{READ_BACK} {READ_BACK}".replace("\n", " ")
