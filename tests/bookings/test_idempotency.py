"""A booking request is made once per idempotency key: the API's `Idempotency-Key` header and the request form's
one-time token. The same key and the same request answer the booking it made (201, then 200), even when the two
arrive at once; the same key with another request is refused (422) and nothing is stored."""

import threading
import uuid

import pytest
from django.db import IntegrityError, connection, transaction

from backend.errors import DomainError
from bookings import services
from bookings.models import Booking
from tests.bookings.conftest import at, iso
from tests.bookings.test_concurrency import slow_check

URL = "/api/v1/bookings/"


def ask(world, day, key, user=None, hour=10, **extra):
    return services.request_booking(
        actor=user or world.user_a,
        instrument=world.sem,
        start=at(day, hour),
        end=at(day, hour + 1),
        mode="assisted",
        idempotency_key=key,
        **extra,
    )


# --- The service ----------------------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_the_same_key_and_request_answer_the_booking_it_made(world, day):
    first = ask(world, day, "order-1")
    again = ask(world, day, "order-1")
    assert (first.replayed, again.replayed) == (False, True)
    assert again.pk == first.pk and Booking.objects.count() == 1
    assert [e.action for e in again.events.all()] == ["request"]  # nothing recorded twice


@pytest.mark.django_db
def test_the_same_key_with_another_request_is_refused_and_nothing_is_stored(world, day):
    first = ask(world, day, "order-1")
    with pytest.raises(DomainError) as refused:
        ask(world, day, "order-1", hour=14)
    assert (refused.value.code, refused.value.status) == ("idempotency_key_reused", 422)
    assert refused.value.extra["booking"] == first.pk
    with pytest.raises(DomainError) as refused:
        ask(world, day, "order-1", purpose="another purpose")
    assert refused.value.code == "idempotency_key_reused"
    assert Booking.objects.count() == 1


@pytest.mark.django_db
def test_keys_belong_to_their_requester_and_no_key_is_no_promise(world, day):
    ask(world, day, "order-1")
    other = ask(world, day, "order-1", user=world.user_b, hour=14)  # another user's key of the same name
    assert not other.replayed and Booking.objects.count() == 2
    ask(world, day, "", hour=15)
    with pytest.raises(DomainError) as refused:
        ask(world, day, "", hour=15)
    assert refused.value.code == "slot_taken"  # without a key, sending twice is two requests


@pytest.mark.django_db
def test_the_same_request_under_a_new_key_is_answered_with_the_booking_it_made_not_slot_taken(world, day):
    """A form whose page came back with a new token (Back reloaded it) sends the same request under another key."""
    first = ask(world, day, "form-token-1")
    again = ask(world, day, "form-token-2")
    assert again.replayed and again.pk == first.pk and Booking.objects.count() == 1
    services.cancel(actor=world.user_a, booking=first, reason="plans changed")
    anew = ask(world, day, "form-token-3")  # the slot is free again: a new request, a new booking
    assert not anew.replayed and Booking.objects.count() == 2


@pytest.mark.django_db
def test_a_replayed_request_is_answered_whatever_became_of_its_booking(world, day):
    first = ask(world, day, "order-1")
    services.cancel(actor=world.user_a, booking=first, reason="plans changed")
    again = ask(world, day, "order-1")
    assert again.pk == first.pk and again.status == "cancelled" and Booking.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["a" * 101, "has space", "改行", "tab\there"])
def test_a_malformed_key_is_refused(world, day, key):
    with pytest.raises(DomainError) as refused:
        ask(world, day, key)
    assert refused.value.code == "invalid_idempotency_key" and not Booking.objects.exists()


@pytest.mark.django_db
def test_the_database_holds_one_booking_per_requester_and_key(world, day):
    first = ask(world, day, "order-1")
    twin = Booking.objects.get(pk=first.pk)
    twin.pk, twin.uid, twin.status = None, uuid.uuid4(), "cancelled"  # not holding: only the key can stop it
    with pytest.raises(IntegrityError, match="request_key"), transaction.atomic():
        twin.save()


# --- The race: two identical requests with the same key at once -----------------------------------------------------
def twins_at_once(world, day, key="order-1"):
    barrier = threading.Barrier(2)
    outcomes = []

    def send():
        try:
            barrier.wait()
            booking = ask(world, day, key)
            outcomes.append("replayed" if booking.replayed else "made")
        except DomainError as exc:
            outcomes.append(f"{exc.status}:{exc.code}")
        except Exception as exc:  # anything else would be a 500
            outcomes.append(f"error:{type(exc).__name__}:{exc}")
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return sorted(outcomes)


@pytest.mark.django_db(transaction=True)
def test_without_the_key_guard_a_twin_request_is_told_its_own_slot_is_taken(world, monkeypatch, day):
    """Proves the race: with the look-up of the key switched off, the second of two identical requests is not
    answered with the first (the user's own request) but refused by the database: as overlapping it, or, on
    PostgreSQL, by the key's unique index when that index is checked first — PostgreSQL checks a row's indexes in the
    order they were made, and a test that drops and re-adds the overlap constraint (test_concurrency.py) makes it
    the newer one."""
    slow_check(monkeypatch)
    monkeypatch.setattr(services, "_already_requested", lambda actor, key, digest, refused=False: None)
    refused, made = twins_at_once(world, day)
    assert made == "made"
    assert refused == "409:slot_taken" or (refused.startswith("error:IntegrityError") and "request_key" in refused)
    assert Booking.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_identical_requests_at_once_make_one_booking_and_both_get_it(world, monkeypatch, day):
    slow_check(monkeypatch)  # both look the key up and check the slot before either inserts (on PostgreSQL)
    assert twins_at_once(world, day) == ["made", "replayed"]
    assert Booking.objects.count() == 1


# --- The API --------------------------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_the_api_answers_201_then_200_with_the_same_booking(world, sem, client_for, request_body):
    client = client_for(world.user_a)
    first = client.post(URL, request_body, format="json", headers={"Idempotency-Key": "9b2f-retry"})
    again = client.post(URL, request_body, format="json", headers={"Idempotency-Key": "9b2f-retry"})
    assert (first.status_code, again.status_code) == (201, 200), again.data
    assert again.data["id"] == first.data["id"] and again.data["quote"] == first.data["quote"]
    assert Booking.objects.count() == 1


@pytest.mark.django_db
def test_the_api_refuses_a_key_used_for_another_body_with_422(world, sem, client_for, request_body, day):
    client = client_for(world.user_a)
    first = client.post(URL, request_body, format="json", headers={"Idempotency-Key": "k1"})
    other = {**request_body, "start": iso(at(day, 14)), "end": iso(at(day, 15))}
    response = client.post(URL, other, format="json", headers={"Idempotency-Key": "k1"})
    assert response.status_code == 422
    assert response.data["code"] == "idempotency_key_reused" and response.data["booking"] == first.data["id"]
    assert Booking.objects.count() == 1


@pytest.mark.django_db
def test_the_api_refuses_a_malformed_key_with_400(world, sem, client_for, request_body):
    response = client_for(world.user_a).post(URL, request_body, format="json", headers={"Idempotency-Key": "x" * 101})
    assert response.status_code == 400 and response.data["code"] == "invalid_idempotency_key"
    assert not Booking.objects.exists()


@pytest.mark.django_db
def test_the_schema_documents_the_header_and_its_answers(api):
    schema = api.get("/api/schema/?format=json").json()
    create = schema["paths"]["/api/v1/bookings/"]["post"]
    header = next(p for p in create["parameters"] if p["name"] == "Idempotency-Key")
    assert header["in"] == "header" and "422" in header["description"]
    assert {"200", "201", "422"} <= set(create["responses"])


# --- The request form -----------------------------------------------------------------------------------------------
def form_of(client, sem):
    body = client.get(f"/instruments/{sem.pk}/").content.decode()
    return body.split('name="request_key" value="')[1].split('"')[0]


def sent(day, token, start=10, end=11):
    return {
        "start": f"{day:%Y-%m-%d}T{start:02d}:00",
        "end": f"{day:%Y-%m-%d}T{end:02d}:00",
        "mode": "assisted",
        "purpose": "樹脂破断面の観察",
        "action": "send",
        "request_key": token,
    }


@pytest.mark.django_db
def test_each_request_form_carries_a_new_token(world, sem, client):
    client.force_login(world.user_a)
    assert form_of(client, sem) != form_of(client, sem)


@pytest.mark.django_db
def test_the_form_sent_twice_makes_one_booking_and_names_it(world, sem, client, day):
    client.force_login(world.user_a)
    token = form_of(client, sem)
    client.post(f"/instruments/{sem.pk}/", sent(day, token))
    again = client.post(f"/instruments/{sem.pk}/", sent(day, token), follow=True)  # Back, send again
    booking = Booking.objects.get()
    assert again.redirect_chain[-1][0] == f"/bookings/{booking.pk}/"
    page = again.content.decode()
    assert f"既にこの申請を送信済みです（予約 #{booking.pk}、" in page and "既に予約されています" not in page


@pytest.mark.django_db
def test_the_form_sent_again_for_another_time_asks_once_more_with_a_new_token(world, sem, client, day):
    client.force_login(world.user_a)
    token = form_of(client, sem)
    client.post(f"/instruments/{sem.pk}/", sent(day, token))
    changed = client.post(f"/instruments/{sem.pk}/", sent(day, token, start=14, end=15))
    page = changed.content.decode()
    assert changed.status_code == 400 and Booking.objects.count() == 1
    assert "14:00" in page  # what was typed is kept
    renewed = page.split('name="request_key" value="')[1].split('"')[0]
    assert renewed != token
    client.post(f"/instruments/{sem.pk}/", sent(day, renewed, start=14, end=15))
    assert Booking.objects.count() == 2
