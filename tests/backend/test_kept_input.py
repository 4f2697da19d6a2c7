"""A form sent after the session expired (or with a stale CSRF token) is not lost: its fields are kept for the page,
which gets them once after login (JSON for kyoyo.js), never a password and never from another site."""

import json
import re

import pytest
from django.test import Client

from bookings import services
from tests.bookings.conftest import at

pytestmark = pytest.mark.django_db
SAME_SITE = {"Origin": "http://testserver"}


def kept_on(page: str) -> dict | None:
    found = re.search(r'<script id="kept-input" type="application/json">(.*?)</script>', page, re.S)
    return json.loads(found[1]) if found else None


@pytest.fixture
def booking(world, sem, day):
    return services.request_booking(
        actor=world.user_a, instrument=sem, start=at(day, 10), end=at(day, 11), mode="assisted"
    )


def test_a_form_sent_after_the_session_expired_is_given_back_once_after_login(world, booking, client):
    page_url = f"/bookings/{booking.pk}/"
    from_the_page = {**SAME_SITE, "Referer": f"http://testserver{page_url}"}
    body = {"cancel-reason": "日程変更のため", "password": "secret"}
    sent = client.post(f"/bookings/{booking.pk}/cancel/", body, headers=from_the_page)
    assert sent.status_code == 302 and sent["Location"] == f"/accounts/login/?next=%2Fbookings%2F{booking.pk}%2F"
    client.force_login(world.user_a)  # logging in keeps the session's data
    assert kept_on(client.get("/bookings/").content.decode()) is None  # another page does not take them
    page = client.get(page_url).content.decode()
    assert kept_on(page) == {"cancel-reason": ["日程変更のため"]}  # never the password
    assert kept_on(client.get(page_url).content.decode()) is None  # once
    booking.refresh_from_db()
    assert booking.status == "pending"


def test_the_kept_input_is_put_on_the_page_it_was_sent_to(world, sem, client, day):
    url = f"/instruments/{sem.pk}/"
    body = {"start": f"{day:%Y-%m-%d}T10:00", "purpose": "樹脂破断面の観察", "new_password1": "x", "action": "send"}
    sent = client.post(url, body, headers=SAME_SITE)
    assert sent.status_code == 302 and sent["Location"].startswith("/accounts/login/")
    client.force_login(world.user_a)
    page = client.get(url).content.decode()
    kept = kept_on(page)
    assert kept["purpose"] == ["樹脂破断面の観察"] and kept["start"] == [f"{day:%Y-%m-%d}T10:00"]
    assert "new_password1" not in kept and "csrfmiddlewaretoken" not in kept
    assert "入力した内容は保持されています" in page
    assert kept_on(client.get(url).content.decode()) is None  # once


def test_a_cross_site_post_keeps_nothing(world, sem, client, day):
    url = f"/instruments/{sem.pk}/"
    client.post(url, {"purpose": "他サイトの内容"}, headers={"Origin": "https://evil.example"})
    client.post(url, {"purpose": "出所不明"})  # no Origin or Referer at all
    client.force_login(world.user_a)
    assert kept_on(client.get(url).content.decode()) is None


def test_a_stale_csrf_token_sends_the_user_back_to_the_form_with_their_input(world, booking):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world.user_a)
    page_url = f"/bookings/{booking.pk}/"
    from_the_page = {**SAME_SITE, "Referer": f"http://testserver{page_url}"}
    body = {"cancel-reason": "日程変更のため", "csrfmiddlewaretoken": "stale"}
    refused = browser.post(f"/bookings/{booking.pk}/cancel/", body, headers=from_the_page)
    assert refused.status_code == 302 and refused["Location"] == page_url
    booking.refresh_from_db()
    assert booking.status == "pending"  # nothing was done
    page = browser.get(page_url).content.decode()
    assert kept_on(page) == {"cancel-reason": ["日程変更のため"]} and "ページが古いため" in page


def test_a_stale_csrf_token_on_a_page_form_is_kept_for_that_page(world, sem, day):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world.user_a)
    url = f"/instruments/{sem.pk}/"
    refused = browser.post(url, {"purpose": "樹脂破断面の観察", "csrfmiddlewaretoken": "stale"}, headers=SAME_SITE)
    assert refused.status_code == 302 and refused["Location"] == url
    page = browser.get(url).content.decode()
    assert kept_on(page)["purpose"] == ["樹脂破断面の観察"] and "ページが古いため送信できませんでした" in page


def test_a_cross_site_post_with_no_token_is_still_a_403(world, sem):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world.user_a)
    refused = browser.post(f"/instruments/{sem.pk}/", {"purpose": "x"}, headers={"Origin": "https://evil.example"})
    assert refused.status_code == 403
