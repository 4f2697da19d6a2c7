"""Every JSON body goes through backend.parsers.JSONParser: over-deep nesting, non-finite numbers and bodies that are
not objects are a 400 with a code, and nothing is stored."""

import json

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.parsers import JSONParser as DRFJSONParser

from backend.parsers import JSON_MAX_DEPTH, JSONParser, json_depth_exceeds
from bookings.models import Booking
from consortia.models import Company
from consultations.models import Consultation
from equipment.models import Rate

pytestmark = pytest.mark.django_db

# About 2 KB each: what the probe sent.
NESTED_ARRAYS = "[" * 1000 + "]" * 1000
NESTED_OBJECTS = '{"a":' * 400 + "1" + "}" * 400


def post_raw(client, method, url, body):
    return getattr(client, method)(url, data=body, content_type="application/json")


@pytest.mark.parametrize("body", [NESTED_ARRAYS, NESTED_OBJECTS], ids=["arrays", "objects"])
def test_a_deeply_nested_body_is_400_for_an_anonymous_client(api, body):
    response = post_raw(api, "post", "/api/v1/auth/token/", body)
    assert response.status_code == 400
    assert response.json()["code"] == "json_too_deep"


@pytest.mark.parametrize("body", [NESTED_ARRAYS, NESTED_OBJECTS], ids=["arrays", "objects"])
def test_a_deeply_nested_body_is_400_for_a_logged_in_user_and_nothing_is_stored(world, client_for, body):
    staff, company_user = client_for(world.staff_a), client_for(world.user_a)
    before = (Booking.objects.count(), Rate.objects.count(), Company.objects.count(), Consultation.objects.count())
    calls = [
        (company_user, "post", "/api/v1/bookings/"),
        (company_user, "post", "/api/v1/companies/"),
        (company_user, "post", "/api/v1/consultations/"),
        (company_user, "patch", "/api/v1/me/"),
        (staff, "post", f"/api/v1/instruments/{world.sem.id}/rates/"),  # a view that names its own parsers
        (staff, "patch", f"/api/v1/instruments/{world.sem.id}/"),
    ]
    for client, method, url in calls:
        response = post_raw(client, method, url, body)
        assert response.status_code == 400, (method, url, response.status_code)
        assert response.json()["code"] == "json_too_deep", (method, url)
    after = (Booking.objects.count(), Rate.objects.count(), Company.objects.count(), Consultation.objects.count())
    assert after == before
    world.user_a.refresh_from_db()
    assert world.user_a.username == "company_a"


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", "1e400"])
def test_a_number_that_is_not_finite_is_400_and_nothing_is_stored(world, client_for, number):
    body = '{"user_category": "sme", "mode": "self", "unit": "hour", "amount_jpy": %s, "valid_from": "2026-04-01"}'
    response = post_raw(client_for(world.staff_a), "post", f"/api/v1/instruments/{world.sem.id}/rates/", body % number)
    assert response.status_code == 400
    assert response.json()["code"] == "json_not_finite"
    assert not Rate.objects.exists()


@pytest.mark.parametrize("body", ["null", "[]", "1", '"text"', "true"])
def test_a_body_that_is_not_an_object_is_400(world, client_for, body):
    from consultations import services

    consultation = services.submit_consultation(
        actor=world.user_a, company_id=world.company_a.id, title="破断面", description="割れの原因を知りたい"
    )
    # This view looked into the body before any serializer did (`"booking" in request.data`): a 500 on null.
    response = post_raw(client_for(world.user_a), "post", f"/api/v1/consultations/{consultation.id}/bookings/", body)
    assert response.status_code == 400
    assert response.json()["code"] == "json_not_object"
    assert not Booking.objects.exists()


def test_malformed_json_is_400_with_a_code(api):
    response = post_raw(api, "post", "/api/v1/auth/token/", '{"username": ')
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


def test_nesting_up_to_the_limit_decodes_and_brackets_inside_strings_do_not_count():
    assert not json_depth_exceeds("[" * JSON_MAX_DEPTH + "]" * JSON_MAX_DEPTH, JSON_MAX_DEPTH)
    assert json_depth_exceeds("[" * (JSON_MAX_DEPTH + 1) + "]" * (JSON_MAX_DEPTH + 1), JSON_MAX_DEPTH)
    text = json.dumps({"purpose": "[[[{{{" * 100, "escaped": 'a \\" [[[[ "' * 50, "specs": {"a": [[1]]}})
    assert not json_depth_exceeds(text, 4)  # the object, specs, and two arrays
    assert json_depth_exceeds(text, 3)


def test_every_api_view_that_reads_json_reads_it_with_the_guarded_parser():
    """A view that names its own parser_classes must name backend.parsers.JSONParser, not DRF's."""
    offenders = []

    def walk(patterns):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns)
            elif isinstance(entry, URLPattern):
                view = getattr(entry.callback, "cls", None)
                parsers = list(getattr(view, "parser_classes", []))
                for action in (getattr(entry.callback, "actions", None) or {}).values():
                    parsers += getattr(getattr(view, action, None), "kwargs", {}).get("parser_classes", [])
                if any(issubclass(p, DRFJSONParser) and not issubclass(p, JSONParser) for p in parsers):
                    offenders.append(str(entry.pattern))

    walk(get_resolver().url_patterns)
    assert offenders == []


def test_a_json_body_past_the_upload_limit_is_a_json_400_with_a_code(api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000  # DRF reads JSON through request.body, which Django limits
    body = json.dumps({"username": "x" * 2000, "password": "pw"})
    response = post_raw(api, "post", "/api/v1/auth/token/", body)
    assert response.status_code == 400
    assert response.json()["code"] == "body_too_large"
