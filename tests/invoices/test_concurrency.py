"""Every completed booking is invoiced exactly once, even when staff press the button at the same moment.

The runs are slowed on purpose between planning (which bookings are not invoiced yet) and writing, so every
run has planned before any writes. On PostgreSQL the test first shows the race is real: with the two partial
unique indexes dropped (one live invoice per booking; per company and month), the runs double-invoice. With
them, exactly one run issues each invoice and the others skip it, never a 500. On SQLite every transaction
takes the write lock when it begins, so the runs are serialised and the later ones find nothing to do.
"""

import threading
import time as clock
from collections import Counter

import pytest
from django.db import connection

from invoices import selectors, services
from invoices.models import Invoice, InvoicedBooking
from tests.invoices.conftest import MONTH

THREADS = 4
GUARDS = {
    InvoicedBooking: "invoiced_booking_once",
    Invoice: "invoice_one_live_per_company_month",
}
on_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (CI runs it there)")


def slow_planning(monkeypatch):
    original = selectors.plan_invoice_run

    def planned_then_pause(*args, **kwargs):
        plans = original(*args, **kwargs)
        clock.sleep(0.3)  # every run has planned before any writes
        return plans

    monkeypatch.setattr(selectors, "plan_invoice_run", planned_then_pause)


def contend(staff, institution) -> list:
    barrier = threading.Barrier(THREADS)
    outcomes = []

    def press():
        try:
            barrier.wait()
            outcomes.append(len(services.issue_invoices(actor=staff, institution=institution, month=MONTH)))
        except Exception as exc:  # anything would be a 500
            outcomes.append(f"error:{type(exc).__name__}:{exc}")
        finally:
            connection.close()

    threads = [threading.Thread(target=press) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def live_invoices_per_booking() -> Counter:
    return Counter(InvoicedBooking.objects.filter(live=True).values_list("booking_id", flat=True))


@pytest.mark.django_db(transaction=True)
def test_simultaneous_runs_invoice_each_booking_once(world, billing, monkeypatch):
    slow_planning(monkeypatch)
    outcomes = contend(world.staff_a, world.inst_a)
    assert not [o for o in outcomes if isinstance(o, str)], outcomes
    assert sum(outcomes) == 2, outcomes  # two companies: two invoices, whoever issued them
    assert Invoice.objects.filter(status="issued").count() == 2
    per_booking = live_invoices_per_booking()
    assert set(per_booking) == {b.id for b in billing.a} | {billing.b_big.id, billing.b_self.id}
    assert set(per_booking.values()) == {1}
    numbers = list(Invoice.objects.values_list("number", flat=True))
    assert len(numbers) == len(set(numbers)) == 2


@on_postgres
@pytest.mark.django_db(transaction=True)
def test_without_the_database_guards_the_race_double_invoices(world, billing, monkeypatch):
    """Proves the race is real: with the unique indexes dropped, the Python plan alone lets runs repeat the work."""
    slow_planning(monkeypatch)
    with connection.cursor() as cursor:
        for name in GUARDS.values():
            cursor.execute(f'DROP INDEX "{name}"')
    try:
        outcomes = contend(world.staff_a, world.inst_a)
        assert not [o for o in outcomes if isinstance(o, str)], outcomes
        assert sum(outcomes) > 2, outcomes
        assert max(live_invoices_per_booking().values()) > 1
    finally:
        InvoicedBooking.objects.all().delete()
        Invoice.objects.all().delete()
        with connection.schema_editor() as editor:
            for model, name in GUARDS.items():
                editor.add_constraint(model, next(c for c in model._meta.constraints if c.name == name))
