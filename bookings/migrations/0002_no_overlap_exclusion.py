"""The guarantee: no two holding bookings of one instrument overlap, enforced by PostgreSQL.

An exclusion constraint over (instrument, [hold_start, hold_end)) for pending and approved rows,
with btree_gist for the equality part. Other databases skip it (SQLite serialises writers instead;
see bookings.services).
"""

from django.db import migrations

CONSTRAINT_SQL = """
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE bookings_booking ADD CONSTRAINT booking_no_overlapping_holds
    EXCLUDE USING gist (instrument_id WITH =, tstzrange(hold_start, hold_end, '[)') WITH &&)
    WHERE (status IN ('pending', 'approved'));
"""
DROP_SQL = "ALTER TABLE bookings_booking DROP CONSTRAINT IF EXISTS booking_no_overlapping_holds;"


def add_constraint(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CONSTRAINT_SQL)


def drop_constraint(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_SQL)


class Migration(migrations.Migration):
    dependencies = [("bookings", "0001_initial")]

    operations = [migrations.RunPython(add_constraint, drop_constraint)]
