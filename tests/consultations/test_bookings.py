"""Bookings that come from a consultation, and the one-way dependency that keeps bookings unaware of them."""

import ast
from pathlib import Path

import pytest
from django.conf import settings

from bookings import services as booking_services
from consultations.models import ConsultationBooking
from tests.bookings.conftest import at, iso

pytestmark = pytest.mark.django_db


def bookings_url(consultation) -> str:
    return f"/api/v1/consultations/{consultation.pk}/bookings/"


def test_the_company_requests_a_booking_from_its_consultation(world, people, sem, ask, client_for, request_body):
    consultation = ask()
    response = client_for(world.user_a).post(bookings_url(consultation), request_body, format="json")
    assert response.status_code == 201
    assert response.data["status"] == "pending" and response.data["company"] == world.company_a.id
    link = ConsultationBooking.objects.get()
    assert link.consultation == consultation and link.booking_id == response.data["id"]
    detail = client_for(people.coordinator).get(f"/api/v1/consultations/{consultation.pk}/").data
    assert detail["bookings"] == [
        {
            "id": response.data["id"],
            "instrument": {"id": sem.id, "name": sem.name},
            "institution": world.inst_a.id,
            "start": detail["bookings"][0]["start"],
            "end": detail["bookings"][0]["end"],
            "status": "pending",
        }
    ]
    assert "purpose" not in detail["bookings"][0]  # coordinators never see booking purposes or samples


def test_a_refused_booking_request_links_nothing(world, people, sem, ask, client_for, request_body, day):
    consultation = ask()
    body = {**request_body, "start": iso(at(day, 7)), "end": iso(at(day, 8))}  # before opening hours
    response = client_for(world.user_a).post(bookings_url(consultation), body, format="json")
    assert response.status_code == 400 and response.data["code"] == "outside_opening_hours"
    assert not ConsultationBooking.objects.exists()


def test_only_the_company_books_from_the_consultation(world, people, sem, ask, client_for, request_body):
    consultation = ask()
    response = client_for(people.coordinator).post(bookings_url(consultation), request_body, format="json")
    assert response.status_code == 403 and response.data["code"] == "not_consultation_company"
    assert client_for(world.user_b).post(bookings_url(consultation), request_body, format="json").status_code == 404


def test_a_booking_already_requested_is_linked_once(world, people, sem, ask, client_for, request_body, day):
    consultation = ask()
    booking = booking_services.request_booking(
        actor=world.user_a, instrument=sem, start=at(day, 10), end=at(day, 11), mode="assisted"
    )
    client = client_for(world.user_a)
    assert client.post(bookings_url(consultation), {"booking": booking.pk}, format="json").status_code == 201
    again = client.post(bookings_url(consultation), {"booking": booking.pk}, format="json")
    assert again.status_code == 409 and again.data["code"] == "booking_already_linked"


def test_another_companys_booking_cannot_be_linked(world, people, sem, ask, client_for, day):
    consultation = ask()
    theirs = booking_services.request_booking(
        actor=world.user_b, instrument=sem, start=at(day, 13), end=at(day, 14), mode="assisted"
    )
    response = client_for(world.user_a).post(bookings_url(consultation), {"booking": theirs.pk}, format="json")
    assert response.status_code == 404
    assert not ConsultationBooking.objects.exists()


def test_bookings_and_the_apps_below_never_import_consultations():
    """Dependencies flow one way: consultations builds on bookings, equipment, consortia and notifications."""
    for app in ("consortia", "equipment", "bookings", "notifications"):
        for path in (Path(settings.BASE_DIR) / app).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                modules = []
                if isinstance(node, ast.Import):
                    modules = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.module:
                    modules = [node.module]
                assert not any(m.split(".")[0] == "consultations" for m in modules), path
