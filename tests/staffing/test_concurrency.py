"""Both institutions' administrators propose the same loan at once (PostgreSQL; SQLite runs one write transaction
at a time): one agreement is made, the other proposal is refused `agreement_overlaps`.

The first proposal holds its transaction open just after its overlap check (at most GRACE) while the second runs.
Each proposal locks the operator's row first (`select_for_update`), so the second waits for the first to commit and
then finds its agreement. Without the lock (the second test) both checks find nothing and two agreements lend the
same operator to the same institution over the same days, at two rates."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from staffing import selectors, services
from staffing.models import LendingAgreement, Operator

on_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (CI runs it there)")
WAIT = 20  # seconds a thread waits for a step it needs before it gives up (a broken run fails, never hangs)
GRACE = 2  # seconds the first proposal holds its transaction for the second to try


def propose_at_once(w, monkeypatch) -> list[str]:
    checked, second_tried = threading.Event(), threading.Event()
    check = selectors.overlapping_agreements

    def check_then_hold(**kwargs):
        found = check(**kwargs)
        exists = found.exists()
        if threading.current_thread().name == "lender":
            checked.set()
            second_tried.wait(GRACE)
        return found if exists else found.none()

    monkeypatch.setattr(selectors, "overlapping_agreements", check_then_hold)
    today = timezone.localdate()
    terms = {
        "consortium": w.consortium,
        "lender": w.lender,
        "borrower": w.borrower,
        "operator": w.operator,
        "instruments": [w.instrument],
        "valid_from": today,
        "valid_until": today + timedelta(days=30),
    }
    outcomes = []

    def lender():
        services.propose_agreement(actor=w.admin_a, hourly_rate_jpy=4000, **terms)

    def borrower():
        assert checked.wait(WAIT)
        try:
            services.propose_agreement(actor=w.admin_b, hourly_rate_jpy=3000, **terms)
        finally:
            second_tried.set()

    def run(name, verb):
        try:
            verb()
            outcomes.append(f"{name}: done")
        except Exception as exc:
            outcomes.append(f"{name}: {getattr(exc, 'code', type(exc).__name__)}")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(name, verb), name=name)
        for name, verb in (("lender", lender), ("borrower", borrower))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=3 * WAIT)
    return sorted(outcomes)


@on_postgres
@pytest.mark.django_db(transaction=True)
def test_two_proposals_of_one_loan_at_once_make_one_agreement(w, monkeypatch):
    assert propose_at_once(w, monkeypatch) == ["borrower: agreement_overlaps", "lender: done"]
    assert LendingAgreement.objects.count() == 1


@on_postgres
@pytest.mark.django_db(transaction=True)
def test_without_the_lock_both_proposals_go_through(w, monkeypatch):
    """The guard switched off: the proposal reads the operator without locking it."""
    monkeypatch.setattr(services, "_locked_operator", lambda operator: Operator.objects.get(pk=operator.pk))
    assert propose_at_once(w, monkeypatch) == ["borrower: done", "lender: done"]
    assert LendingAgreement.objects.count() == 2
