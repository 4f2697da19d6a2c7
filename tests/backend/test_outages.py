"""A request that fails because the database (or the broker) is down answers 503 with a code, never a 500; the
answer is built without the database, and the log names the fault once."""

import logging

import pytest
from django import db
from django.db import connection
from kombu.exceptions import OperationalError as BrokerError

from backend import outages
from bookings.models import Booking
from tests.bookings.test_pages import form_body

TERMINATED = "terminating connection due to administrator command"


@pytest.fixture
def connection_lost_at():
    """From the first statement containing `marker` on, every statement fails, as on a connection the server has
    closed: whatever the request does after that point cannot use the database."""

    def lost_at(marker: str):
        state = {"lost": False}

        def refuse(execute, sql, params, many, context):
            if state["lost"] or marker in sql:
                state["lost"] = True
                raise db.OperationalError(TERMINATED)
            return execute(sql, params, many, context)

        return connection.execute_wrapper(refuse)

    return lost_at


def outage_records(caplog):
    return [r for r in caplog.records if r.name == "backend.outages"]


@pytest.mark.django_db(transaction=True)
def test_an_api_request_that_loses_the_database_answers_503_and_the_log_names_the_fault(
    world, request_body, client_for, connection_lost_at, caplog
):
    with connection_lost_at('INSERT INTO "bookings_booking"'):
        response = client_for(world.user_a).post("/api/v1/bookings/", request_body, format="json")
    assert response.status_code == 503 and response["Retry-After"]
    assert response.json()["code"] == "database_unavailable"
    assert not Booking.objects.exists()
    [record] = outage_records(caplog)
    assert record.levelno == logging.ERROR and record.exc_info
    assert record.getMessage().startswith("database unavailable: POST /api/v1/bookings/")
    assert TERMINATED in record.getMessage()


@pytest.mark.django_db(transaction=True)
def test_a_page_that_loses_the_database_answers_503_without_touching_it_again(
    world, sem, day, client, connection_lost_at, caplog
):
    client.force_login(world.user_a)
    with connection_lost_at('INSERT INTO "bookings_booking"'):
        # the test client re-raises any exception a secondary query of the error path would raise
        response = client.post(f"/instruments/{sem.pk}/", form_body(day))
    assert response.status_code == 503 and response["Retry-After"]
    page = response.content.decode()
    assert "データベースに接続できません。" in page and "The database is unavailable" not in page
    assert not Booking.objects.exists()
    [record] = outage_records(caplog)
    assert record.getMessage().startswith(f"database unavailable: POST /instruments/{sem.pk}/")


def test_a_broker_error_is_an_outage_of_the_broker_and_other_errors_are_none():
    assert outages.outage_of(BrokerError("Error 111 connecting to 127.0.0.1:6379")) is outages.BROKER
    assert outages.outage_of(db.InterfaceError("connection already closed")) is outages.DATABASE
    assert outages.outage_of(db.IntegrityError("duplicate key")) is None
    assert outages.outage_of(ValueError("bad")) is None
