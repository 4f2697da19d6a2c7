"""Every name a person types refuses line breaks, tabs and other control characters (consortia.validators
.validate_name), wherever it is entered: a 400 naming the field, and nothing stored."""

import pytest
from django.apps import apps
from django.db import models

from backend.errors import DomainError
from bookings.models import Booking
from consortia.models import Company, Consortium, Institution, User
from consortia.services import create_institution
from consortia.validators import validate_name
from equipment.models import Category, Downtime, Instrument
from equipment.services import create_category
from tests.factories import UserFactory, valid_corporate_number

pytestmark = pytest.mark.django_db

BROKEN = "走査電子顕微鏡\nBEGIN:VEVENT"  # a line break inside (DRF strips them at either end)


def refused(response, field: str) -> bool:
    """A 400 naming `field`, as DRF (`{field: [...]}`) or a domain error (`{"field": field}`) says it."""
    return response.status_code == 400 and (field in response.data or response.data.get("field") == field)


def test_registering_a_company_with_such_a_name_is_refused(db, client_for):
    body = {"name": "株式会社\t北見", "corporate_number": valid_corporate_number(460101012345), "size": "sme"}
    assert refused(client_for(UserFactory()).post("/api/v1/companies/", body, format="json"), "name")
    assert not Company.objects.exists()


def test_a_users_own_name_is_refused(world, client_for):
    response = client_for(world.user_a).patch("/api/v1/me/", {"last_name": "山田\r\n太郎"}, format="json")
    assert refused(response, "last_name")
    assert User.objects.get(pk=world.user_a.pk).last_name == ""


def test_a_consortiums_name_is_refused(world, client_for):
    response = client_for(world.secretariat).patch(
        f"/api/v1/consortia/{world.hokkaido.id}/", {"name": BROKEN}, format="json"
    )
    assert refused(response, "name")
    assert Consortium.objects.get(pk=world.hokkaido.pk).name == "北海道協議会"


@pytest.mark.parametrize("field", ["name", "name_en", "maker", "model", "location"])
def test_an_instruments_names_are_refused(world, client_for, field):
    response = client_for(world.staff_a).patch(f"/api/v1/instruments/{world.sem.id}/", {field: BROKEN}, format="json")
    assert refused(response, field)
    assert BROKEN not in Instrument.objects.filter(pk=world.sem.pk).values_list(field, flat=True)


def test_a_downtimes_title_is_refused(world, client_for):
    body = {"start": "2026-12-01T09:00:00+09:00", "end": "2026-12-01T17:00:00+09:00", "title": "定期\x1b点検"}
    response = client_for(world.staff_a).post(f"/api/v1/instruments/{world.sem.id}/downtimes/", body, format="json")
    assert refused(response, "title")
    assert not Downtime.objects.exists()


def test_a_consumables_label_is_refused(world, sem, client_for, request_body):
    booking_id = client_for(world.user_a).post("/api/v1/bookings/", request_body, format="json").data["id"]
    items = [
        {"label": "液体窒素", "quantity": 1, "unit_price_jpy": 250},
        {"label": "試料\n台", "quantity": 1, "unit_price_jpy": 100},
    ]
    response = client_for(world.staff_a).post(
        f"/api/v1/bookings/{booking_id}/consumables/", {"consumables": items}, format="json"
    )
    assert refused(response, "consumables") and response.data["index"] == 1 and "2件目" in response.data["detail"]
    assert Booking.objects.get(pk=booking_id).consumables == []


def test_an_institution_and_a_category_made_by_the_site_operator_are_refused(db):
    operator = UserFactory(is_superuser=True)
    with pytest.raises(DomainError) as institution:
        create_institution(actor=operator, name=BROKEN, kind="university")
    with pytest.raises(DomainError) as category:
        create_category(actor=operator, name="分類\u2028X", code="x")
    assert (institution.value.field, category.value.field) == ("name", "name")
    assert not Institution.objects.exists() and not Category.objects.exists()


# One-line text fields that are not names a person types: identifiers with their own validators, text the system
# writes (copies of validated names, built descriptions, keys) and one free remark that only staff pages show.
NOT_NAMES = {
    "consortia.User.username",
    "consortia.User.password",
    "consortia.User.language",
    "consortia.User.terms_version",  # settings.TERMS_VERSION, written by the service, never typed
    "consortia.ApiToken.prefix",
    "consortia.ApiToken.key_hash",
    "consortia.Company.corporate_number",
    "consortia.Institution.registration_number",
    "bookings.BookingEvent.action",
    "bookings.BookingEvent.from_status",
    "bookings.BookingEvent.to_status",
    "bookings.CalendarFeed.token",
    "bookings.Booking.request_key",
    "bookings.Booking.request_digest",
    "equipment.Manual.checksum",
    "equipment.Downtime.source_uid",
    "staffing.Absence.source_uid",
    "bookings.Assignment.release_reason",  # a code (cancelled, no_show, moved, reassigned, …), not a name
    "equipment.Qualification.note",
    "invoices.Invoice.number",
    "invoices.Invoice.issuer_name",
    "invoices.Invoice.issuer_address",
    "invoices.Invoice.registration_number",
    "invoices.Invoice.recipient_name",
    "invoices.Invoice.recipient_address",
    "invoices.InvoiceLine.description",
    "notifications.Notification.key",
    "notifications.Notification.subject",
}
APPS = (
    "consortia",
    "equipment",
    "staffing",
    "bookings",
    "consultations",
    "invoices",
    "usage_reports",
    "reports",
    "notifications",
)
PLAIN = (models.EmailField, models.URLField, models.SlugField)


def test_every_name_field_is_checked_by_the_one_validator():
    """A new one-line text field is either a name (and lists validate_name) or says here why it is not."""
    unchecked = []
    for app in APPS:
        for model in apps.get_app_config(app).get_models():
            for field in model._meta.concrete_fields:
                label = f"{app}.{model.__name__}.{field.name}"
                if type(field) is not models.CharField or field.choices or label in NOT_NAMES:
                    continue
                if validate_name not in field.validators:
                    unchecked.append(label)
    assert unchecked == []
