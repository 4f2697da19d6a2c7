"""The OpenAPI schema (/api/schema/) describes the answers the API really gives: each test makes a real request
and validates the answer against the schema the server publishes (with Schemathesis's validator)."""

from datetime import timedelta

import pytest
import requests
import schemathesis
from schemathesis.core.transport import Response

from bookings import services as booking_services
from tests.factories import UserFactory, give_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def openapi(api):
    response = api.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return schemathesis.openapi.from_dict(response.json())


def conform(openapi, method: str, template: str, response) -> None:
    """Fail unless `response` (a Django test response to `method` `template`) is what the schema documents."""
    answer = Response(
        status_code=response.status_code,
        headers={name.lower(): [value] for name, value in response.headers.items()},
        content=response.content,
        request=requests.Request(method, f"http://testserver{template}").prepare(),
        elapsed=0.0,
        verify=False,
    )
    documented = openapi.raw_schema["paths"][template][method.lower()]["responses"]
    assert str(response.status_code) in documented, f"{method} {template}: {response.status_code} is undocumented"
    openapi[template][method].validate_response(answer)


@pytest.fixture
def researchers_booking(world, sem, day):
    """A booking with no company: a researcher of a member institution books at the academic rate."""
    from tests.bookings.conftest import at

    researcher = UserFactory(username="researcher")
    give_role(researcher, "researcher", institution=world.inst_b)
    return booking_services.request_booking(
        actor=researcher, instrument=sem, start=at(day, 10), end=at(day, 11), mode="assisted"
    )


def test_a_booking_without_a_company_conforms_in_the_list_and_alone(openapi, world, client_for, researchers_booking):
    staff = client_for(world.staff_a)
    listed = staff.get("/api/v1/bookings/")
    assert listed.data["results"][0]["company_name"] is None
    conform(openapi, "GET", "/api/v1/bookings/", listed)
    conform(openapi, "GET", "/api/v1/bookings/{id}/", staff.get(f"/api/v1/bookings/{researchers_booking.id}/"))


def test_a_consortiums_report_list_is_documented_as_the_paginated_page_it_is(openapi, world, client_for):
    response = client_for(world.secretariat).get(f"/api/v1/consortia/{world.hokkaido.id}/reports/")
    assert response.status_code == 200 and set(response.data) == {"count", "next", "previous", "results"}
    conform(openapi, "GET", "/api/v1/consortia/{consortium_id}/reports/", response)


def test_patching_an_instrument_answers_the_documented_detail(openapi, world, client_for, sem):
    response = client_for(world.staff_a).patch(f"/api/v1/instruments/{sem.id}/", {"name": "新しい名前"}, format="json")
    assert response.status_code == 200 and "opening_hours" in response.data
    conform(openapi, "PATCH", "/api/v1/instruments/{id}/", response)


def test_opening_hours_are_plain_times_of_day_in_the_schema_and_the_answers(openapi, api, sem):
    conform(openapi, "GET", "/api/v1/instruments/", api.get("/api/v1/instruments/"))
    response = api.get(f"/api/v1/instruments/{sem.id}/")
    assert response.data["opening_hours"][0]["opens"] == "09:00:00"
    conform(openapi, "GET", "/api/v1/instruments/{id}/", response)


def test_datetimes_answer_with_an_rfc3339_offset(openapi, world, client_for, sem, day):
    from tests.bookings.conftest import at

    staff = client_for(world.staff_a)
    start = at(day, 9)
    body = {"start": start.isoformat(), "end": (start + timedelta(hours=2)).isoformat(), "kind": "maintenance"}
    created = staff.post(f"/api/v1/instruments/{sem.id}/downtimes/", body, format="json")
    assert created.status_code == 201 and created.data["start"].endswith("+09:00")
    conform(openapi, "POST", "/api/v1/instruments/{instrument_pk}/downtimes/", created)


def test_refusals_are_documented_with_their_status_and_shape(openapi, world, client_for, api, sem):
    company = client_for(world.user_a)
    refusals = [
        ("GET", "/api/v1/bookings/{id}/", company.get("/api/v1/bookings/999999/")),  # 404
        ("POST", "/api/v1/bookings/", company.post("/api/v1/bookings/", {}, format="json")),  # 400, by field
        ("PATCH", "/api/v1/instruments/{id}/", company.patch(f"/api/v1/instruments/{sem.id}/", {}, format="json")),
        ("POST", "/api/v1/bookings/", api.post("/api/v1/bookings/", {}, format="json")),  # 401
        (
            "DELETE",
            "/api/v1/instruments/{instrument_pk}/manuals/{id}/",
            client_for(world.staff_a).delete(f"/api/v1/instruments/{sem.id}/manuals/1/"),
        ),  # 405, kept versions
    ]
    assert [r.status_code for _m, _t, r in refusals] == [404, 400, 403, 401, 405]
    for method, template, response in refusals:
        conform(openapi, method, template, response)


def test_the_ids_in_router_paths_are_documented_as_integers(openapi):
    kinds = {
        (template, parameter["name"]): parameter["schema"].get("type")
        for template, item in openapi.raw_schema["paths"].items()
        for operation in item.values()
        for parameter in operation.get("parameters", [])
        if parameter["in"] == "path"
    }
    assert kinds[("/api/v1/instruments/{instrument_pk}/photos/{id}/", "id")] == "integer"
    assert kinds[("/api/v1/bookings/{id}/approve/", "id")] == "integer"
    assert {kind for (template, name), kind in kinds.items() if name != "fmt"} == {"integer", "string"}
    assert [key for key, kind in kinds.items() if kind == "string" and key[1] != "fmt"] == [
        ("/api/v1/reports/{id}/", "id"),
        ("/api/v1/reports/{id}/{fmt}/", "id"),
    ]


def test_an_invoice_run_with_nothing_to_invoice_answers_a_documented_200(openapi, world, client_for):
    world.inst_a.registration_number = "T8000020130001"  # 適格請求書発行事業者: may issue invoices
    world.inst_a.save()
    response = client_for(world.staff_a).post(
        f"/api/v1/institutions/{world.inst_a.id}/invoices/", {"month": "2026-04"}, format="json"
    )
    assert response.status_code == 200 and response.data == []
    conform(openapi, "POST", "/api/v1/institutions/{id}/invoices/", response)


def test_availability_is_documented_with_its_intervals(openapi, api, sem, day):
    from tests.bookings.conftest import at

    response = api.get(
        f"/api/v1/instruments/{sem.id}/availability/", {"start": at(day, 0).isoformat(), "end": at(day, 23).isoformat()}
    )
    assert response.status_code == 200 and response.data["free"]
    conform(openapi, "GET", "/api/v1/instruments/{id}/availability/", response)
    item = openapi.raw_schema["components"]["schemas"]["Interval"]["properties"]["start"]
    assert item == {"type": "string", "format": "date-time"}
