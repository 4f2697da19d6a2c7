"""A verb's answer comes from what its transaction returned: once the change is committed nothing is queried, so a
connection lost at that moment cannot turn a done booking into an error. And a connection lost during the COMMIT
itself is settled by asking the database whether the change is there."""

from contextlib import ExitStack
from datetime import timedelta

import pytest
from django import db
from django.db import connection
from django.utils import timezone

from bookings import services
from bookings.models import Booking
from notifications.models import Notification
from tests.bookings.conftest import at, iso
from tests.bookings.test_pages import form_body

URL = "/api/v1/bookings/"
LOST = "server closed the connection unexpectedly"


def refuse(execute, sql, params, many, context):
    raise db.OperationalError(LOST)


@pytest.fixture
def connection_lost_after(db, monkeypatch):
    """`lose_after("approve")`: the moment the service returns (its transaction done) the connection is lost, and
    any later query fails; `.restore()` brings the database back for the test's own checks."""
    stack = ExitStack()

    def lose_after(name: str):
        real = getattr(services, name)

        def then_lost(**kwargs):
            result = real(**kwargs)
            stack.enter_context(connection.execute_wrapper(refuse))
            return result

        monkeypatch.setattr(services, name, then_lost)

    lose_after.restore = stack.close
    yield lose_after
    stack.close()


@pytest.mark.django_db
def test_a_booking_request_is_answered_201_with_nothing_queried_after_its_commit(
    world, request_body, client_for, connection_lost_after
):
    connection_lost_after("request_booking")
    response = client_for(world.user_a).post(URL, request_body, format="json")
    connection_lost_after.restore()
    assert response.status_code == 201, response.content
    body = response.json()
    booking = Booking.objects.get()
    assert body["id"] == booking.pk and body["uid"] == str(booking.uid) and body["status"] == "pending"
    assert body["instrument_name"] == world.sem.name and body["institution"] == world.sem.institution_id
    assert body["requester"] == "company_a" and body["company_name"] == "札幌精密株式会社"
    assert body["purpose"] == "樹脂破断面の観察" and body["quote"]["total_jpy"] > 0
    assert [(e["action"], e["actor"]) for e in body["events"]] == [("request", "company_a")]


@pytest.mark.django_db
def test_the_request_form_redirects_to_the_booking_with_nothing_queried_after_its_commit(
    world, sem, day, client, connection_lost_after
):
    client.force_login(world.user_a)
    connection_lost_after("request_booking")
    response = client.post(f"/instruments/{sem.pk}/", form_body(day))
    connection_lost_after.restore()
    assert response.status_code == 302 and response["Location"] == f"/bookings/{Booking.objects.get().pk}/"


def proposed(world, booking, day):
    return services.propose(actor=world.staff_a, booking=booking, start=at(day, 14), end=at(day, 16))


def begun(world, booking, day):
    services.approve(actor=world.staff_a, booking=booking)
    start = timezone.now() - timedelta(hours=2)
    Booking.objects.filter(pk=booking.pk).update(
        start=start, end=start + timedelta(hours=1), hold_start=start, hold_end=start + timedelta(hours=1)
    )


def nothing(day):
    return {}


VERBS = {  # verb: (its service, who acts, what happened before, the body, the status after)
    "approve": ("approve", "staff_a", None, nothing, "approved"),
    "reject": ("reject", "staff_a", None, lambda day: {"reason": "装置の都合"}, "rejected"),
    "propose": ("propose", "staff_a", None, lambda day: {"start": iso(at(day, 14)), "end": iso(at(day, 16))}, "pending"),
    "accept": ("accept_proposal", "user_a", proposed, nothing, "approved"),
    "decline": ("decline_proposal", "user_a", proposed, nothing, "cancelled"),
    "cancel": ("cancel", "user_a", None, nothing, "cancelled"),
    "consumables": (
        "set_consumables", "staff_a", None,
        lambda day: {"consumables": [{"label": "液体窒素", "quantity": 2, "unit_price_jpy": 500}]}, "pending",
    ),
    "complete": (
        "complete", "staff_a", begun,
        lambda day: {"actual_start": iso(timezone.now() - timedelta(hours=2)), "actual_end": iso(timezone.now())},
        "completed",
    ),
    "no-show": ("mark_no_show", "staff_a", begun, nothing, "no_show"),
}  # fmt: skip  # table: one verb a row


@pytest.mark.django_db
@pytest.mark.parametrize("verb", VERBS)
def test_every_verb_is_answered_from_its_transaction_with_nothing_queried_after_its_commit(
    verb, world, request_body, client_for, connection_lost_after, day
):
    service, who, before, body, after = VERBS[verb]
    booking = Booking.objects.get(pk=client_for(world.user_a).post(URL, request_body, format="json").data["id"])
    if before is not None:
        before(world, booking, day)
    client = client_for(getattr(world, who))
    connection_lost_after(service)
    response = client.post(f"{URL}{booking.pk}/{verb}/", body(day), format="json")
    connection_lost_after.restore()
    assert response.status_code == 200, response.content
    answer = response.json()
    assert answer["status"] == after and answer["instrument_name"] == world.sem.name
    assert answer["events"][-1]["action"] == verb.replace("-", "_")
    booking.refresh_from_db()
    assert booking.status == after and answer["sequence"] == booking.sequence


# --- A connection lost during the COMMIT ----------------------------------------------------------------
@pytest.fixture
def commit_lost(monkeypatch):
    """The next COMMIT's answer never arrives: `done=True` after the database committed, `done=False` before."""

    def lose(*, done: bool):
        real_commit = connection._commit
        state = {"lost": False}

        def commit():
            if state["lost"]:
                return real_commit()
            state["lost"] = True
            if done:
                real_commit()
            raise db.OperationalError(LOST)

        monkeypatch.setattr(connection, "_commit", commit)

    return lose


@pytest.mark.django_db(transaction=True)
def test_a_request_whose_commit_was_done_but_not_acknowledged_is_answered_201(
    world, request_body, client_for, commit_lost
):
    commit_lost(done=True)
    response = client_for(world.user_a).post(URL, request_body, format="json")
    assert response.status_code == 201, response.content
    assert Booking.objects.get().pk == response.json()["id"]
    # the after-commit hand-over to Celery did not run: the e-mail waits in the outbox for the drain
    assert Notification.objects.get().status == "queued"


@pytest.mark.django_db(transaction=True)
def test_a_request_whose_commit_was_not_done_is_a_503_and_nothing_is_stored(
    world, request_body, client_for, commit_lost
):
    commit_lost(done=False)
    response = client_for(world.user_a).post(URL, request_body, format="json")
    assert response.status_code == 503 and response.json()["code"] == "database_unavailable"
    assert not Booking.objects.exists() and not Notification.objects.exists()
