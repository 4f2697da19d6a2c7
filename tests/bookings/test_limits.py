"""One home for a booking's text limits (`bookings.models.TEXT_MAX`): the request form, the action forms, the API's
serializers and the service read it from there; an over-long value is refused with the limit named, by the API and
by the page, and nothing is stored (never cut short)."""

import pytest

from backend.errors import DomainError
from bookings import api, forms, services
from bookings.models import TEXT_MAX, Booking
from bookings.serializers import BookingRequestSerializer
from tests.bookings.conftest import at

pytestmark = pytest.mark.django_db
TOO_LONG = "あ" * (TEXT_MAX + 1)


def test_form_serializer_and_model_agree_on_every_booking_text_limit(sem):
    request_form = forms.RequestForm(instrument=sem)
    request_serializer = BookingRequestSerializer()
    for name in ("purpose", "sample"):
        assert request_form.fields[name].max_length == request_serializer.fields[name].max_length == TEXT_MAX
    for form_class, serializer_class in (
        (forms.ReasonForm, api.ReasonSerializer),
        (forms.ProposalForm, api.ProposalSerializer),
    ):
        assert form_class().fields["reason"].max_length == TEXT_MAX
        assert serializer_class().fields["reason"].max_length == TEXT_MAX


def test_the_form_shows_the_limit_to_the_browser(world, sem, client):
    client.force_login(world.user_a)
    page = client.get(f"/instruments/{sem.pk}/").content.decode()
    assert f'name="purpose" cols="40" rows="3" maxlength="{TEXT_MAX}"' in page


def test_the_service_refuses_an_over_long_purpose_naming_the_limit(world, sem, day):
    with pytest.raises(DomainError) as refused:
        services.request_booking(
            actor=world.user_a, instrument=sem, start=at(day, 10), end=at(day, 11), mode="assisted", sample=TOO_LONG
        )
    assert (refused.value.code, refused.value.field, refused.value.extra["max_length"]) == (
        "too_long",
        "sample",
        TEXT_MAX,
    )
    assert refused.value.message == f"{TEXT_MAX}文字以内にしてください。"
    assert not Booking.objects.exists()


def test_a_verbs_over_long_reason_is_refused_and_changes_nothing(world, sem, day):
    booking = services.request_booking(
        actor=world.user_a, instrument=sem, start=at(day, 10), end=at(day, 11), mode="assisted"
    )
    for verb in (services.approve, services.cancel):
        with pytest.raises(DomainError) as refused:
            verb(actor=world.staff_a, booking=booking, reason=TOO_LONG)
        assert (refused.value.code, refused.value.field) == ("too_long", "reason")
    booking.refresh_from_db()
    assert booking.status == "pending" and booking.events.count() == 1


def test_the_api_refuses_an_over_long_purpose_with_400_naming_field_and_limit(world, sem, client_for, request_body):
    response = client_for(world.user_a).post("/api/v1/bookings/", {**request_body, "purpose": TOO_LONG}, format="json")
    assert response.status_code == 400 and str(TEXT_MAX) in str(response.data["purpose"])
    assert not Booking.objects.exists()


def test_the_page_refuses_an_over_long_purpose_keeping_it_and_naming_the_limit(world, sem, client, day):
    client.force_login(world.user_a)
    body = {
        "start": f"{day:%Y-%m-%d}T10:00",
        "end": f"{day:%Y-%m-%d}T11:00",
        "mode": "assisted",
        "purpose": TOO_LONG,
        "action": "send",
    }
    response = client.post(f"/instruments/{sem.pk}/", body)
    page = response.content.decode()
    assert response.status_code == 400 and str(TEXT_MAX) in page.split('id="id_purpose"')[1].split("</div>")[0]
    assert TOO_LONG in page  # what was typed is kept, not cut short
    assert not Booking.objects.exists()
