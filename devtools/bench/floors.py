"""The floors the benchmark compares against: hand-written SQL answering the same questions as the API.

Each is one statement on a plain DB-API cursor, so what it costs is the database's own work plus one
round trip — the least any implementation could pay. Table and column names come from the models.
"""

from datetime import datetime

from django.db import connection

from bookings.models import Booking
from consortia.models import ConsortiumMembership
from equipment.models import Downtime, Instrument, OpeningHours
from reports.selectors import tuned_for_aggregation

HOLDING = tuple(Booking.HOLDING)
COMPLETED = Booking.Status.COMPLETED


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _dt(moment: datetime):
    return connection.ops.adapt_datetimefield_value(moment)


def availability_sql() -> str:
    """Opening hours, holds and downtimes of one instrument in one window: everything free/busy is made of."""
    placeholders = ", ".join(["%s"] * len(HOLDING))
    return (
        f"SELECT 'open', weekday, CAST(opens AS TEXT), CAST(closes AS TEXT) FROM {_table(OpeningHours)} "
        f"WHERE instrument_id = %s "
        f"UNION ALL SELECT 'held', NULL, CAST(hold_start AS TEXT), CAST(hold_end AS TEXT) FROM {_table(Booking)} "
        f"WHERE instrument_id = %s AND status IN ({placeholders}) AND hold_start < %s AND hold_end > %s "
        f"UNION ALL SELECT 'down', NULL, CAST(start AS TEXT), CAST(\"end\" AS TEXT) FROM {_table(Downtime)} "
        f'WHERE instrument_id = %s AND start < %s AND "end" > %s'
    )


def availability_params(instrument_id: int, start: datetime, end: datetime) -> list:
    return [instrument_id, instrument_id, *HOLDING, _dt(end), _dt(start), instrument_id, _dt(end), _dt(start)]


def _seconds(later: str, earlier: str) -> str:
    if connection.vendor == "postgresql":
        return f"EXTRACT(EPOCH FROM ({later} - {earlier}))"
    return f"((julianday({later}) - julianday({earlier})) * 86400.0)"


def _least(a: str, b: str) -> str:
    return f"LEAST({a}, {b})" if connection.vendor == "postgresql" else f"MIN({a}, {b})"


def _greatest(a: str, b: str) -> str:
    return f"GREATEST({a}, {b})" if connection.vendor == "postgresql" else f"MAX({a}, {b})"


def _yen(key: str) -> str:
    if connection.vendor == "postgresql":
        return f"(b.quote ->> '{key}')::bigint"
    return f"CAST(json_extract(b.quote, '$.{key}') AS INTEGER)"


def report_totals_sql() -> str:
    """One GROUP BY over the consortium's bookings in a period, by institution: requests, uses, booked and used
    seconds (clipped to the period), revenue. Parameters: consortium id, period start, period end."""
    lo, hi = "%(lo)s", "%(hi)s"
    booked = _seconds(_least('b."end"', hi), _greatest("b.start", lo))
    used = _seconds(_least("b.actual_end", hi), _greatest("b.actual_start", lo))
    starts = f"b.start >= {lo} AND b.start < {hi}"
    sql = (
        f"SELECT i.institution_id, "
        f"COUNT(*) FILTER (WHERE {starts}) AS requests, "
        f"COUNT(*) FILTER (WHERE {starts} AND b.status = %(completed)s) AS uses, "
        f'SUM({booked}) FILTER (WHERE b.status IN (%(approved)s, %(completed)s) AND b.start < {hi} AND b."end" > {lo}) AS booked_s, '
        f"SUM({used}) FILTER (WHERE b.status = %(completed)s AND b.actual_start < {hi} AND b.actual_end > {lo})"
        f" AS used_s, "
        f"SUM({_yen('total_jpy')}) FILTER (WHERE {starts} AND b.status = %(completed)s) AS revenue_jpy "
        f"FROM {_table(Booking)} b JOIN {_table(Instrument)} i ON i.id = b.instrument_id "
        f"WHERE i.institution_id IN (SELECT institution_id FROM {_table(ConsortiumMembership)} "
        f"WHERE consortium_id = %(consortium)s) "
        f'AND ((b.start < {hi} AND b."end" > {lo}) OR (b.actual_start < {hi} AND b.actual_end > {lo})) '
        f"GROUP BY i.institution_id"
    )
    return sql


def report_totals(consortium_id: int, start: datetime, end: datetime) -> dict:
    """The floor's totals, summed over its institution rows (the rows are what the GROUP BY returns)."""
    sql = report_totals_sql()
    params = {
        "lo": _dt(start),
        "hi": _dt(end),
        "approved": Booking.Status.APPROVED,
        "completed": COMPLETED,
        "consortium": consortium_id,
    }
    with tuned_for_aggregation(), connection.cursor() as cursor:  # the same session settings as the report's
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return {
        "institutions": len(rows),
        "requests": sum(r[1] for r in rows),
        "uses": sum(r[2] for r in rows),
        "booked_hours": round(sum(float(r[3] or 0) for r in rows) / 3600, 2),
        "used_hours": round(sum(float(r[4] or 0) for r in rows) / 3600, 2),
        "revenue_jpy": sum(int(r[5] or 0) for r in rows),
    }


def overlapping_holds(instrument_ids: list[int]) -> int:
    """Pairs of holding bookings of one instrument whose held intervals overlap: double bookings."""
    if not instrument_ids:
        return 0
    ids = ", ".join(str(int(i)) for i in instrument_ids)
    statuses = ", ".join(f"'{s}'" for s in HOLDING)
    sql = (
        f"SELECT COUNT(*) FROM {_table(Booking)} a JOIN {_table(Booking)} b "
        f"ON a.instrument_id = b.instrument_id AND a.id < b.id "
        f"AND a.hold_start < b.hold_end AND b.hold_start < a.hold_end "
        f"WHERE a.instrument_id IN ({ids}) AND a.status IN ({statuses}) AND b.status IN ({statuses})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0]
