"""No query string makes a page or an API list answer 5xx: every parameter a page or list reads gets values that
are not what it expects (text for numbers, dates at the ends of the calendar, control characters)."""

import pytest
from django.test import Client

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PAGES = [
    "/",
    "/bookings/",
    "/staff/queue/",
    "/staff/calendar/",
    "/consultations/",
    "/experts/",
    "/invoices/",
    "/staff/invoices/",
    "/reports/",
    "/usage-reports/",
    "/staff/instruments/",
]
API_LISTS = [
    "/api/v1/instruments/",
    "/api/v1/experts/",
    "/api/v1/bookings/",
    "/api/v1/invoices/",
    "/api/v1/institutions/",
    "/api/v1/consultations/",
    "/api/v1/usage-reports/",
    "/api/v1/consortia/",
    "/api/v1/companies/",
]
NAMES = [
    "institution",
    "consortium",
    "category",
    "instrument",
    "company",
    "page",
    "week",
    "day",
    "month",
    "status",
    "mode",
    "refer_to",
    "q",
    "view",
    "fy",
    "start",
    "end",
    "page_size",
    "free7",
    "mine",
    "confidential",
]
VALUES = ["abc", "²", "10" * 15, "-1", "1.5", "\x00", "9" * 5000, "0000-00-00"]
# The parameters read as dates, each alone (one refused early would hide the others), at the ends of the calendar.
DATE_NAMES = ["week", "day", "month", "start", "end", "fy"]
DATES = ["0001-01-01", "9999-12-31", "0001-01-01T00:00:00+14:00", "9999-12-31T23:00:00-12:00", "9999-12"]


def test_no_query_string_makes_a_page_or_an_api_list_answer_5xx(world):
    operator = UserFactory(username="operator", is_superuser=True, is_staff=True)
    client = Client(raise_request_exception=False)
    client.force_login(operator)
    urls = PAGES + API_LISTS + [f"/instruments/{world.sem.id}/", f"/api/v1/instruments/{world.sem.id}/availability/"]
    urls += [f"/api/v1/consortia/{world.hokkaido.id}/reports/utilization/", f"/reports/consortium/{world.hokkaido.id}/"]
    queries = [{name: value for name in NAMES} for value in VALUES]
    queries += [{name: value} for name in DATE_NAMES for value in DATES]
    queries += [{"view": "day", "day": value} for value in DATES]
    wrong = []
    for url in urls:
        for query in queries:
            response = client.get(url, query)
            if response.status_code >= 500:
                shown = {name: value[:30] for name, value in query.items()}
                wrong.append(
                    f"{url} {shown if len(shown) < 3 else 'every parameter ' + repr(query['q'][:30])}: "
                    f"{response.status_code}"
                )
    assert not wrong, "\n".join(wrong)
