"""Staff rename an instrument while its technician adds it to their directory entry: the entry's search text ends
up with the new name (PostgreSQL; SQLite runs one write transaction at a time).

Each transaction rebuilds the texts it can see. The rename's rebuild cannot see the entry's new link to the
instrument before the entry commits, and the entry's rebuild reads the instrument's name before the rename
commits: without a lock both miss the other, and the entry keeps the old name (the second test shows it). The
entry's save locks the instruments it links first (backend.search.lock_sources), so it reads the name only once
the rename has committed.
"""

import threading

import pytest
from django.db import connection

from consultations import services as consultation_services
from consultations.models import ExpertProfile
from equipment import services as equipment_services

on_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (CI runs it there)")
WAIT = 20  # seconds a thread waits for a step it needs before it gives up (a broken run fails, never hangs)
GRACE = 2  # seconds a thread gives the other to take a step that, once the lock holds, cannot come


def rename_while_adding(world, monkeypatch) -> list[str]:
    """The rename holds the instrument and waits (at most GRACE) for the entry to be rebuilt; the entry's
    transaction rebuilds and then waits (at most GRACE) for the rename to commit before it commits itself."""
    renamed, entry_rebuilt, rename_committed = threading.Event(), threading.Event(), threading.Event()
    rebuild_instrument = equipment_services.refresh_search_text
    rebuild_entry = consultation_services.refresh_search_text

    def rebuild_instrument_late(**rows):
        renamed.set()
        entry_rebuilt.wait(GRACE)
        return rebuild_instrument(**rows)

    def commit_entry_late(**rows):
        changed = rebuild_entry(**rows)
        entry_rebuilt.set()
        rename_committed.wait(GRACE)
        return changed

    monkeypatch.setattr(equipment_services, "refresh_search_text", rebuild_instrument_late)
    monkeypatch.setattr(consultation_services, "refresh_search_text", commit_entry_late)
    outcomes = []

    def rename():
        equipment_services.update_instrument(actor=world.staff_a, instrument=world.sem, name="電界放出形SEM 新型")
        rename_committed.set()

    def add_to_entry():
        assert renamed.wait(WAIT)
        consultation_services.save_expert_profile(actor=world.staff_a, instruments=[world.sem])

    def run(name, verb):
        try:
            verb()
            outcomes.append(f"{name}: done")
        except Exception as exc:
            outcomes.append(f"{name}: {type(exc).__name__}: {exc}".splitlines()[0])
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=args) for args in (("rename", rename), ("entry", add_to_entry))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=3 * WAIT)
    return sorted(outcomes)


@pytest.fixture
def entry(world):
    return consultation_services.save_expert_profile(actor=world.staff_a, listed=True)


@on_postgres
@pytest.mark.django_db(transaction=True)
def test_an_entry_given_an_instrument_being_renamed_is_found_under_the_new_name(world, entry, monkeypatch):
    assert rename_while_adding(world, monkeypatch) == ["entry: done", "rename: done"]
    assert "新型" in ExpertProfile.objects.get(pk=entry.pk).search_text


@on_postgres
@pytest.mark.django_db(transaction=True)
def test_without_locking_the_instrument_first_the_entry_keeps_the_old_name(world, entry, monkeypatch):
    """The guard switched off: proves the test above would catch its absence."""
    monkeypatch.setattr(consultation_services, "lock_sources", lambda **rows: None)
    assert rename_while_adding(world, monkeypatch) == ["entry: done", "rename: done"]
    assert "新型" not in ExpertProfile.objects.get(pk=entry.pk).search_text
