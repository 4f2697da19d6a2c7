"""An id in a URL or a query parameter that is not a stored row's id is a 404 or a 400 naming the parameter, never
a 500: the routes are walked from the URL resolver, so a route added later is covered too."""

import itertools
import re
import uuid

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import UUIDConverter

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ID_PARAM = re.compile(r"(^|_)(pk|id)$")
# Values for the parameters that are not ids, so that the route resolves.
OTHER_PARAMS = {"fmt": "csv", "verb": "approve", "token": "abcdef", "format": "json", "month": "2026-10"}
NOT_INTEGERS = ["abc", "-1", "²", "1.5", "null,null", "1e3"]  # ² is a digit to str.isdigit
TOO_LARGE = str(10**20)  # an integer, but past every id the database can hold
METHODS = ["get", "post", "put", "patch", "delete"]


def id_routes():
    """(URL name, [id parameters], {other parameter: value}) of every route with an id, outside Django's admin."""
    found = []

    def walk(patterns, namespace, inherited):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                if entry.namespace == "admin":
                    continue  # Django's own: it answers a bad object id with a redirect and a message
                walk(entry.url_patterns, entry.namespace or namespace, inherited | _params(entry.pattern))
            elif isinstance(entry, URLPattern) and entry.name:
                params = inherited | _params(entry.pattern)
                ids = sorted(p for p, kind in params.items() if kind == "id")
                if ids:
                    others = {p: _value(p, kind) for p, kind in params.items() if kind != "id"}
                    found.append((f"{namespace}:{entry.name}" if namespace else entry.name, ids, others))

    walk(get_resolver().url_patterns, None, {})
    return found


def _params(pattern) -> dict[str, str]:
    converters = getattr(pattern, "converters", {})
    kinds = {}
    for name in pattern.regex.groupindex:
        if isinstance(converters.get(name), UUIDConverter):
            kinds[name] = "uuid"
        else:
            kinds[name] = "id" if ID_PARAM.search(name) else "other"
    return kinds


def _value(name, kind):
    return uuid.UUID(int=1) if kind == "uuid" else OTHER_PARAMS[name]


def urls_with(bad_values):
    """Every id route with one of its ids replaced by a bad value (the values in turn; the other ids plausible)."""
    values = itertools.cycle(bad_values)
    for name, ids, others in id_routes():
        sentinels = {param: 900_001 + n for n, param in enumerate(ids)}
        url = reverse(name, kwargs={**sentinels, **others})
        for sentinel in sentinels.values():
            yield url.replace(str(sentinel), next(values))


@pytest.fixture
def answers(db):
    """status codes of a URL: every method as a site operator (past every permission check), GET and POST
    anonymously."""
    operator = UserFactory(username="operator", is_superuser=True, is_staff=True)
    logged_in, anonymous = Client(raise_request_exception=False), Client(raise_request_exception=False)
    logged_in.force_login(operator)
    calls = [("site operator", logged_in, method) for method in METHODS]
    calls += [("anonymous", anonymous, "get"), ("anonymous", anonymous, "post")]

    def answer(url):
        return [
            (f"{method.upper()} {url} as {who}", getattr(client, method)(url).status_code)
            for who, client, method in calls
        ]

    return answer


def test_the_walk_finds_the_nested_api_routes_and_the_pages():
    names = {name for name, _ids, _others in id_routes()}
    assert {"instrument-photo-detail", "booking-approve", "instrument-availability", "staff-instrument"} <= names
    assert len(names) > 40


def test_an_id_that_is_not_an_integer_is_404_on_every_route(answers):
    wrong = [f"{call}: {status}" for url in urls_with(NOT_INTEGERS) for call, status in answers(url) if status != 404]
    assert not wrong, "\n".join(wrong)


def test_an_id_too_large_for_the_database_is_never_a_server_error(answers):
    wrong = [f"{call}: {status}" for url in urls_with([TOO_LARGE]) for call, status in answers(url) if status >= 500]
    assert not wrong, "\n".join(wrong)


# (URL, query parameter that takes an id) of the API; "²" passed str.isdigit() and then failed int(), and an id
# past ID_MAX failed in the database (OverflowError on SQLite).
ID_QUERY_PARAMETERS = [
    ("/api/v1/instruments/", "institution"),
    ("/api/v1/instruments/", "consortium"),
    ("/api/v1/experts/", "institution"),
    ("/api/v1/experts/", "consortium"),
    ("/api/v1/bookings/", "instrument"),
    ("/api/v1/invoices/", "institution"),
    ("/api/v1/invoices/", "company"),
    ("/api/v1/institutions/", "consortium"),
    ("/api/v1/consultations/", "consortium"),
    ("/api/v1/consortia/{hokkaido}/reports/utilization/", "institution"),
]


@pytest.mark.parametrize("value", ["abc", "²", "1.5", TOO_LARGE])
def test_a_query_parameter_that_takes_an_id_answers_anything_else_with_a_400_naming_it(world, client_for, value):
    operator = UserFactory(username="operator", is_superuser=True, is_staff=True)
    client = client_for(operator)
    for url, name in ID_QUERY_PARAMETERS:
        response = client.get(url.format(hokkaido=world.hokkaido.id), {name: value})
        assert response.status_code == 400, (url, name, response.status_code)
        body = response.json()
        assert body.get("field") == name or name in body, (url, body)


@pytest.mark.parametrize("value", ["²", TOO_LARGE])
def test_a_category_that_is_no_id_is_read_as_a_code_and_finds_nothing(world, api, value):
    response = api.get("/api/v1/instruments/", {"category": value})
    assert response.status_code == 200 and response.data["results"] == []


def test_the_expert_directory_page_ignores_an_institution_past_every_id(world, client):
    client.force_login(world.staff_a)
    assert client.get("/experts/", {"institution": TOO_LARGE}).status_code == 200


def test_an_api_address_that_matches_no_route_answers_json_and_a_page_address_the_page(client):
    response = client.delete("/api/v1/instruments/1/photos/abc/")
    assert response.status_code == 404 and response["Content-Type"] == "application/json"
    assert response.json()["code"] == "not_found"
    page = client.get("/staff/instruments/abc/")
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")


def test_a_request_django_refuses_before_any_view_answers_json_under_the_api(client, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 5
    query = "&".join(f"f{n}=1" for n in range(10))
    response = client.get(f"/api/v1/instruments/?{query}")
    assert response.status_code == 400 and response.json()["code"] == "bad_request"
