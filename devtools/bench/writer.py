"""Writing the bench data set fast, and finding, checking and deleting it: the database side of bench.seed.

Rows go in as tuples of database-ready values: COPY through psycopg 3 on PostgreSQL, `executemany` on the raw
sqlite3 connection on SQLite (inside the caller's transaction). Booking events are derived from the booking rows in
SQL (INSERT … SELECT), so they never pass through Python.
"""

from collections.abc import Callable, Iterable
from contextlib import contextmanager

from django.core.management.color import no_style
from django.db import connection

from bookings.models import Booking

from .seed import COMPANY_BODY_PREFIX, EMAIL_DOMAIN, SLUG_PREFIX, USERNAME_PREFIX

CHUNK = 20_000


def quote_name(name: str) -> str:
    return connection.ops.quote_name(name)


def write_rows(
    table: str, columns: tuple[str, ...], rows: Iterable[tuple], *, on_chunk: Callable[[int], None] | None = None
) -> int:
    """Insert the rows (values as text, int or None) and return how many; `on_chunk(n)` after every n rows."""
    names = ", ".join(quote_name(c) for c in columns)
    written = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {quote_name(table)} ({names}) FROM STDIN") as copy:
                write = copy.write_row
                n = 0
                for row in rows:
                    write(row)
                    n += 1
                    if n == CHUNK:
                        written += n
                        if on_chunk:
                            on_chunk(n)
                        n = 0
                written += n
                if on_chunk and n:
                    on_chunk(n)
        else:
            sql = f"INSERT INTO {quote_name(table)} ({names}) VALUES ({', '.join('?' * len(columns))})"
            raw = connection.connection
            chunk = []
            for row in rows:
                chunk.append(row)
                if len(chunk) == CHUNK:
                    raw.executemany(sql, chunk)
                    written += len(chunk)
                    if on_chunk:
                        on_chunk(len(chunk))
                    chunk = []
            if chunk:
                raw.executemany(sql, chunk)
                written += len(chunk)
                if on_chunk:
                    on_chunk(len(chunk))
    return written


def scalar(sql: str, params=()) -> object:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def execute(sql: str, params=()) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def next_booking_id() -> int:
    return (scalar("SELECT MAX(id) FROM bookings_booking") or 0) + 1


def reset_sequences(models) -> None:
    """After rows with explicit ids: PostgreSQL's sequences move past them (SQLite's AUTOINCREMENT does it itself)."""
    for sql in connection.ops.sequence_reset_sql(no_style(), models):
        execute(sql)


@contextmanager
def fast_sqlite_writes():
    """SQLite: no fsync and a large page cache for the duration (restored after). Nothing on PostgreSQL, nor inside
    a transaction already open (SQLite refuses to change the safety level there)."""
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        yield
        return
    synchronous = scalar("PRAGMA synchronous")
    cache_size = scalar("PRAGMA cache_size")
    execute("PRAGMA synchronous = OFF")
    execute("PRAGMA cache_size = -262144")  # 256 MiB
    execute("PRAGMA temp_store = MEMORY")
    try:
        yield
    finally:
        execute(f"PRAGMA synchronous = {int(synchronous)}")
        execute(f"PRAGMA cache_size = {int(cache_size)}")


def drop_foreign_keys(tables: Iterable[str]) -> list[tuple[str, str, str]]:
    """PostgreSQL: drop the foreign keys of and to the tables for a bulk load or delete, inside the caller's
    transaction, and return them for `restore_foreign_keys`. Django's foreign keys are deferred, so otherwise every
    copied or deleted row queues a check that runs at commit (about a minute per million rows); adding a key back
    checks the whole table in one join. Nothing on SQLite (it checks once at commit)."""
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # run the checks queued so far: no ALTER TABLE with them
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE contype = 'f' AND (conrelid = ANY(%s::regclass[]) OR confrelid = ANY(%s::regclass[]))",
            [list(tables), list(tables)],
        )
        keys = cursor.fetchall()
        for table, name, _definition in keys:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {quote_name(name)}")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    return keys


def restore_foreign_keys(keys: list[tuple[str, str, str]]) -> None:
    with connection.cursor() as cursor:
        for table, name, definition in keys:
            cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {quote_name(name)} {definition}")


# --- Events ---------------------------------------------------------------------------------------------------------

EVENT_COLUMNS = "booking_id, actor_id, action, from_status, to_status, reason, data, at"
# What happened last to a booking that did not stay as it was decided: action, from, to, actor column, at column.
CLOSING = [
    ("complete", "approved", "completed", "decided_by_id", "updated_at", "status = 'completed'"),
    ("no_show", "approved", "no_show", "decided_by_id", "updated_at", "status = 'no_show'"),
    (
        "cancel",
        "approved",
        "cancelled",
        "requester_id",
        "updated_at",
        "status = 'cancelled' AND decided_at IS NOT NULL",
    ),
    ("cancel", "pending", "cancelled", "requester_id", "updated_at", "status = 'cancelled' AND decided_at IS NULL"),
    ("expire", "pending", "expired", "NULL", "updated_at", "status = 'expired'"),
]


def insert_events(first_id: int, last_id: int, *, level: str) -> int:
    """The event log of bookings first_id..last_id, in SQL: `request` for every booking; with level "all" also the
    decision (approve / reject) and the closing transition (complete, no_show, cancel, expire)."""
    empty = "'{}'::jsonb" if connection.vendor == "postgresql" else "'{}'"
    between = "id >= %s AND id <= %s"
    table = "bookings_bookingevent"
    inserted = execute(
        f"INSERT INTO {table} ({EVENT_COLUMNS}) SELECT id, requester_id, 'request', '', 'pending', '', {empty}, "
        f"created_at FROM bookings_booking WHERE {between}",
        [first_id, last_id],
    )
    if level != "all":
        return inserted
    inserted += execute(
        f"INSERT INTO {table} ({EVENT_COLUMNS}) SELECT id, decided_by_id, "
        "CASE WHEN status = 'rejected' THEN 'reject' ELSE 'approve' END, 'pending', "
        f"CASE WHEN status = 'rejected' THEN 'rejected' ELSE 'approved' END, decision_reason, {empty}, decided_at "
        f"FROM bookings_booking WHERE {between} AND decided_at IS NOT NULL",
        [first_id, last_id],
    )
    for action, from_status, to_status, actor, at, condition in CLOSING:
        inserted += execute(
            f"INSERT INTO {table} ({EVENT_COLUMNS}) SELECT id, {actor}, '{action}', '{from_status}', '{to_status}', "
            f"'', {empty}, {at} FROM bookings_booking WHERE {between} AND {condition}",
            [first_id, last_id],
        )
    return inserted


# --- Finding, checking, deleting --------------------------------------------------------------------------------------

BENCH_INSTITUTIONS = f"SELECT id FROM consortia_institution WHERE contact_email LIKE '%%@{EMAIL_DOMAIN}'"
BENCH_INSTRUMENTS = f"SELECT id FROM equipment_instrument WHERE institution_id IN ({BENCH_INSTITUTIONS})"
BENCH_USERS = (
    f"SELECT id FROM consortia_user WHERE username LIKE '{USERNAME_PREFIX}%%' AND email LIKE '%%@{EMAIL_DOMAIN}'"
)
BENCH_COMPANIES = f"SELECT id FROM consortia_company WHERE corporate_number LIKE '_{COMPANY_BODY_PREFIX}%%'"
BENCH_BOOKINGS = (
    f"SELECT id FROM bookings_booking WHERE instrument_id IN ({BENCH_INSTRUMENTS}) "
    f"OR requester_id IN ({BENCH_USERS}) OR company_id IN ({BENCH_COMPANIES})"
)


def bench_exists() -> bool:
    from consortia.models import Consortium

    return Consortium.objects.filter(slug__startswith=SLUG_PREFIX).exists()


def overlapping_holds() -> int:
    """Holding bookings (pending, approved) whose hold overlaps an earlier hold of the same instrument, over the
    whole table: sorted by start, a hold overlaps some earlier one exactly when it starts before the latest end so
    far, so one window query finds every clash. Must be 0."""
    return scalar(
        "SELECT COUNT(*) FROM (SELECT hold_start, MAX(hold_end) OVER (PARTITION BY instrument_id "
        "ORDER BY hold_start, id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS earlier_end "
        "FROM bookings_booking WHERE status IN ('pending', 'approved')) AS holds WHERE earlier_end > hold_start"
    )


def delete_bench_data() -> dict[str, int]:
    """Delete a previous bench data set and nothing else: bookings and what refers to them in bulk SQL, then the
    few thousand instruments, users, companies, institutions and consortia through the ORM (its cascades are
    small). Call inside a transaction."""
    from consortia.models import Company, Consortium, Institution, User
    from equipment.models import Instrument
    from invoices.models import Invoice
    from staffing.models import Operator

    institution_ids = _ids(BENCH_INSTITUTIONS)
    company_ids = _ids(BENCH_COMPANIES)
    deleted = {}
    deleted["invoices"] = Invoice.objects.filter(institution_id__in=institution_ids).delete()[0]
    deleted["invoices"] += Invoice.objects.filter(company_id__in=company_ids).delete()[0]
    keys = drop_foreign_keys([Booking._meta.db_table])
    execute(f"CREATE TEMPORARY TABLE bench_doomed AS {BENCH_BOOKINGS}")
    try:
        for relation in Booking._meta.related_objects:
            if relation.many_to_many:
                continue
            table, column = relation.related_model._meta.db_table, relation.field.column
            deleted[table] = execute(f"DELETE FROM {table} WHERE {column} IN (SELECT id FROM bench_doomed)")
        deleted["bookings_booking"] = execute("DELETE FROM bookings_booking WHERE id IN (SELECT id FROM bench_doomed)")
    finally:
        execute("DROP TABLE bench_doomed")
    restore_foreign_keys(keys)
    for label, queryset in (
        ("operators", Operator.objects.filter(institution_id__in=institution_ids)),  # their assignments went above
        ("instruments", Instrument.objects.filter(institution_id__in=institution_ids)),
        ("users", User.objects.filter(id__in=_ids(BENCH_USERS))),
        ("companies", Company.objects.filter(id__in=company_ids)),
        ("institutions", Institution.objects.filter(id__in=institution_ids)),
        ("consortia", Consortium.objects.filter(slug__startswith=SLUG_PREFIX)),
    ):
        deleted[label] = queryset.delete()[0]
    return deleted


def overlapping_assignments() -> int:
    """Assignments in force of one operator whose holds overlap the one before (must be 0), on every database."""
    return scalar(
        "SELECT COUNT(*) FROM (SELECT hold_start, LAG(hold_end) OVER (PARTITION BY operator_id ORDER BY hold_start) "
        "AS previous_end FROM bookings_assignment WHERE released_at IS NULL) AS held WHERE previous_end > hold_start"
    )


def _ids(sql: str) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return [row[0] for row in cursor.fetchall()]


def analyze(tables: Iterable[str]) -> None:
    """Fresh planner statistics after a bulk load (SQLite: sampled, so it stays quick on a million rows)."""
    if connection.vendor == "postgresql":
        execute("ANALYZE " + ", ".join(quote_name(t) for t in tables))
    else:
        execute("PRAGMA analysis_limit = 2000")
        execute("ANALYZE")
