"""The terms of use and the privacy notice: their pages in one language each, and a new version accepted again
before acting by those who accepted an older one."""

import pytest
from django.utils import timezone

from tests.factories import UserFactory
from tests.language import english_page_problems, japanese_page_problems

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url, words", [("/terms/", ("利用規約", "キャンセル", "秘密")), ("/privacy/", ("開示", "訂正"))]
)
def test_the_terms_and_the_privacy_notice_are_pages_in_japanese(client, url, words):
    page = client.get(url).content.decode()
    assert all(w in page for w in words) and japanese_page_problems(page) == []


@pytest.mark.parametrize("url, words", [("/terms/", ("Terms of use", "Liability")), ("/privacy/", ("Your rights",))])
def test_and_in_english(client, url, words):
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert all(w in page for w in words) and english_page_problems(page) == []


def test_an_older_acceptance_is_asked_again_before_acting(client, settings):
    user = UserFactory(terms_version="2020-01-01", terms_accepted_at=timezone.now())
    client.force_login(user)
    response = client.get("/bookings/")
    assert response.status_code == 302 and response["Location"] == "/terms/accept/?next=%2Fbookings%2F"
    assert client.get("/api/v1/me/").json()["code"] == "terms_not_accepted"
    refused = client.post("/terms/accept/", {"accept_terms": "on", "next": "/bookings/"})
    assert refused.status_code == 400
    accepted = client.post("/terms/accept/", {"accept_terms": "on", "accept_privacy": "on", "next": "/bookings/"})
    assert accepted.status_code == 302 and accepted["Location"] == "/bookings/"
    user.refresh_from_db()
    assert user.terms_version == settings.TERMS_VERSION
    assert client.get("/bookings/").status_code == 200


def test_accounts_that_never_accepted_terms_are_not_stopped(client):
    client.force_login(UserFactory(terms_version=""))  # made before terms existed: the demo, the admin
    assert client.get("/bookings/").status_code == 200


def test_the_accept_page_goes_nowhere_outside_the_site(client):
    client.force_login(UserFactory(terms_version="2020-01-01"))
    answer = client.post(
        "/terms/accept/", {"accept_terms": "on", "accept_privacy": "on", "next": "https://evil.example/"}
    )
    assert answer["Location"] == "/"
