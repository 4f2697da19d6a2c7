"""The guarantee for operators: no two assignments in force of one operator overlap, enforced by PostgreSQL.

An exclusion constraint over (operator, [hold_start, hold_end)) for rows not released, as migration 0002 does for
the bookings of one instrument. Other databases skip it (SQLite serialises writers instead; bookings.assignments).
"""

from django.db import migrations

CONSTRAINT_SQL = """
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE bookings_assignment ADD CONSTRAINT assignment_no_overlapping_holds
    EXCLUDE USING gist (operator_id WITH =, tstzrange(hold_start, hold_end, '[)') WITH &&)
    WHERE (released_at IS NULL);
"""
DROP_SQL = "ALTER TABLE bookings_assignment DROP CONSTRAINT IF EXISTS assignment_no_overlapping_holds;"


def add_constraint(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CONSTRAINT_SQL)


def drop_constraint(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_SQL)


class Migration(migrations.Migration):
    dependencies = [("bookings", "0011_assignment_links")]

    operations = [migrations.RunPython(add_constraint, drop_constraint)]
