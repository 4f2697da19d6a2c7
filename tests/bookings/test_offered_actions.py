"""Actions that can only fail are not offered: the use (or a no-show) of a booking is recorded once it has started
(`selectors.use_recordable`), which the page reads to show the forms and the verbs raise, naming when."""

from datetime import timedelta

import pytest
from django.utils import timezone

from backend.errors import DomainError
from backend.tokyo import TOKYO
from bookings import selectors, services
from bookings.models import Booking
from tests.bookings.conftest import at
from tests.factories import UserFactory, give_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved(world, sem, day):
    booking = services.request_booking(
        actor=world.user_a, instrument=sem, start=at(day, 10), end=at(day, 11), mode="assisted"
    )
    return services.approve(actor=world.staff_a, booking=booking)


def started(booking):
    start, end = timezone.now() - timedelta(hours=2), timezone.now() - timedelta(hours=1)
    Booking.objects.filter(pk=booking.pk).update(start=start, end=end, hold_start=start, hold_end=end)
    booking.refresh_from_db()
    return booking


def test_use_is_recordable_only_once_an_approved_booking_has_started(approved):
    assert not selectors.use_recordable(approved)
    assert selectors.use_recordable(approved, now=approved.start)
    assert selectors.use_recordable(started(approved))


def test_the_page_offers_recording_use_only_from_the_start_and_says_when(world, approved, client):
    client.force_login(world.staff_a)
    page = client.get(f"/bookings/{approved.pk}/").content.decode()
    assert "/complete/" not in page and "/no-show/" not in page
    # the moment in a <time> element, which never breaks across lines
    assert 'id="use-recordable-from"' in page and f"{approved.start:%-d}日 10:00</time>以降" in page
    page = client.get(f"/bookings/{started(approved).pk}/").content.decode()
    assert "/complete/" in page and "/no-show/" in page and 'id="use-recordable-from"' not in page


def test_the_requester_is_not_told_when_staff_may_record_use(world, approved, client):
    client.force_login(world.user_a)
    assert 'id="use-recordable-from"' not in client.get(f"/bookings/{approved.pk}/").content.decode()


@pytest.mark.parametrize("verb", ["complete", "no-show"])
def test_the_verbs_refuse_before_the_start_naming_when(world, approved, client_for, verb):
    body = {"actual_start": approved.start.isoformat(), "actual_end": approved.end.isoformat()}
    response = client_for(world.staff_a).post(f"/api/v1/bookings/{approved.pk}/{verb}/", body, format="json")
    assert response.status_code == 400 and response.data["code"] == "not_started"
    assert (
        response.data["recordable_from"] == approved.start.astimezone(TOKYO).isoformat()
        and "10:00以降" in response.data["detail"]
    )
    approved.refresh_from_db()
    assert approved.status == "approved"


def test_the_no_show_service_refuses_before_the_start(world, approved):
    with pytest.raises(DomainError) as refused:
        services.mark_no_show(actor=world.staff_a, booking=approved)
    assert refused.value.code == "not_started"


def test_a_researcher_whose_institution_is_not_a_member_is_told_so_on_the_instrument_page(world, sem, client):
    outsider = UserFactory()
    give_role(outsider, "researcher", institution=world.inst_c)  # TAMA only; the SEM's institution is in hokkaido
    client.force_login(outsider)
    page = client.get(f"/instruments/{sem.pk}/").content.decode()
    told = page.split('id="cannot-request">')[1].split("</p>")[0]
    assert "会員ではありません" in told and "北海道協議会" in told
    assert 'name="request_key"' not in page  # no form that could only be refused
    client.force_login(UserFactory())  # someone with no role: who may book
    told = client.get(f"/instruments/{sem.pk}/").content.decode().split('id="cannot-request">')[1]
    assert "企業" in told.split("</p>")[0]
