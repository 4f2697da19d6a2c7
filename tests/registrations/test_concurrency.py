"""Two approvers decide one registration at once, one approving and one refusing: one decision wins, the other is
refused (PostgreSQL; SQLite runs one write transaction at a time).

The approval holds its transaction open after deciding (it waits, at most GRACE, in its e-mail step) while the
refusal runs. Each verb re-reads the registration locked (`select_for_update`), so the refusal waits for the
approval to commit and then finds it decided. Without the lock (the second test) the refusal reads it still pending
and both "succeed": a company created for a registration that ends up refused.
"""

import threading

import pytest
from django.db import connection

from consortia.models import Company
from registrations import notices, services
from registrations.models import CompanyRegistration, Status

from .conftest import NUMBER

on_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (CI runs it there)")
WAIT = 20  # seconds a thread waits for a step it needs before it gives up (a broken run fails, never hangs)
GRACE = 2  # seconds the approval holds its transaction for the refusal to try


def decide_at_once(world, registration, monkeypatch) -> list[str]:
    approving, refused_tried = threading.Event(), threading.Event()
    tell = notices.registration_decided

    def tell_late(row):
        tell(row)
        if row.status == Status.APPROVED:
            approving.set()
            refused_tried.wait(GRACE)

    monkeypatch.setattr(notices, "registration_decided", tell_late)
    outcomes = []

    def approve():
        services.approve_registration(actor=world.secretariat, registration_id=registration.pk)

    def refuse():
        assert approving.wait(WAIT)
        try:
            services.refuse_registration(actor=world.secretariat, registration_id=registration.pk, reason="重複")
        finally:
            refused_tried.set()

    def run(name, verb):
        try:
            verb()
            outcomes.append(f"{name}: done")
        except Exception as exc:
            outcomes.append(f"{name}: {type(exc).__name__}")
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=args) for args in (("approve", approve), ("refuse", refuse))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=3 * WAIT)
    return sorted(outcomes)


@on_postgres
@pytest.mark.django_db(transaction=True)
def test_two_approvers_at_once_make_one_decision(world, pending, monkeypatch):
    assert decide_at_once(world, pending, monkeypatch) == ["approve: done", "refuse: Conflict"]
    pending.refresh_from_db()
    assert pending.status == Status.APPROVED and Company.objects.filter(corporate_number=NUMBER).exists()


@on_postgres
@pytest.mark.django_db(transaction=True)
def test_without_the_lock_both_decisions_go_through(world, pending, monkeypatch):
    """The guard switched off: the verbs read the row without locking it."""

    def unlocked(model, pk):
        return model.objects.get(pk=pk)

    monkeypatch.setattr(services, "_locked", unlocked)
    assert decide_at_once(world, pending, monkeypatch) == ["approve: done", "refuse: done"]
    pending.refresh_from_db()
    assert pending.status == Status.REFUSED and Company.objects.filter(corporate_number=NUMBER).exists()
    assert CompanyRegistration.objects.count() == 1
