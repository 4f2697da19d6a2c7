"""The consultation page's forms as a company and a coordinator use them (issue #22): linking a booking offers only
the bookings that make sense, named readably; the referral names instruments and experts with checkboxes grouped
by institution, which a thumb can tick, not a multiple select."""

import re
from datetime import timedelta

import pytest
from django.test import Client

from bookings import services as booking_services
from bookings.models import Booking
from consultations import selectors, services
from consultations.models import ConsultationBooking
from tests.bookings.conftest import at
from tests.factories import InstrumentFactory

pytestmark = pytest.mark.django_db


def as_user(user, language="ja") -> Client:
    user.language = language
    user.save(update_fields=["language"])
    client = Client()
    client.force_login(user)
    return client


def page(consultation) -> str:
    return f"/consultations/{consultation.pk}/"


def offered(client, consultation) -> list[int]:
    body = client.get(page(consultation)).content.decode()
    return [int(v) for v in re.findall(r'type="radio" name="link-booking" value="(\d+)"', body)]


def book(user, sem, day, hour):
    return booking_services.request_booking(
        actor=user, instrument=sem, start=at(day, hour), end=at(day, hour + 1), mode="assisted"
    )


def test_only_own_unlinked_bookings_since_the_consultation_are_offered_newest_first(world, ask, sem, day):
    earlier = book(world.user_a, sem, day, 9)
    Booking.objects.filter(pk=earlier.pk).update(created_at=earlier.created_at - timedelta(days=3))
    consultation = ask()
    other = ask(title="別の相談")
    first, second, cancelled, linked = (book(world.user_a, sem, day, h) for h in (10, 13, 14, 15))
    theirs = book(world.user_b, sem, day + timedelta(days=1), 10)
    Booking.objects.filter(pk=cancelled.pk).update(status=Booking.Status.CANCELLED)
    services.link_booking(actor=world.user_a, consultation=other, booking=linked)
    Booking.objects.filter(pk=second.pk).update(created_at=second.created_at + timedelta(minutes=1))

    assert offered(as_user(world.user_a), consultation) == [second.pk, first.pk]
    assert theirs.pk not in offered(as_user(world.user_a), consultation)
    assert [b.pk for b in selectors.linkable_bookings(world.user_a, consultation, limit=1)] == [second.pk]


def test_each_booking_is_named_by_instrument_time_in_tokyo_and_status_in_one_language(world, ask, sem, day):
    consultation = ask()
    book(world.user_a, sem, day, 10)
    japanese = as_user(world.user_a).get(page(consultation)).content.decode().split('id="bookings"')[1]
    label = f"{sem.name} — {day.year}年{day.month}月{day.day}日 10:00–11:00（承認待ち）"
    assert label in japanese
    english = as_user(world.user_a, "en").get(page(consultation)).content.decode().split('id="bookings"')[1]
    assert "10:00–11:00 (Pending)" in english and "承認待ち" not in english


def test_linking_through_the_radio_buttons_links_and_the_booking_is_no_longer_offered(world, ask, sem, day):
    consultation = ask()
    booking = book(world.user_a, sem, day, 10)
    client = as_user(world.user_a)
    assert client.post(f"{page(consultation)}bookings/", {"link-booking": booking.pk}).status_code == 302
    assert ConsultationBooking.objects.get().booking == booking
    assert offered(client, consultation) == []


def test_the_referral_names_instruments_and_experts_with_checkboxes_grouped_by_institution(world, people, ask):
    consultation = ask()
    body = as_user(people.coordinator).get(page(consultation)).content.decode()
    form = body.split('id="refer"')[1].split("</form>")[0]
    assert "<select" in form and "multiple" not in form  # the institution stays a select; no multi-select
    assert f'type="checkbox" name="instruments" value="{world.sem.pk}"' in form
    assert f'data-group="{world.inst_a.name}"' in form and f'data-group="{world.inst_c.name}"' in form
    assert "Ctrl" not in form


def test_several_ticked_instruments_are_referred(world, people, ask):
    consultation = ask()
    tem = InstrumentFactory(institution=world.inst_a, name="透過電子顕微鏡")
    data = {"institution": world.inst_a.pk, "note": "SEMとTEMで", "instruments": [world.sem.pk, tem.pk]}
    response = as_user(people.coordinator).post(f"{page(consultation)}refer/", data)
    assert response.status_code == 302
    assert set(consultation.referrals.get().instruments.values_list("pk", flat=True)) == {world.sem.pk, tem.pk}
