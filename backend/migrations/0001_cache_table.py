"""The table of the database cache (CACHES when CACHE_URL is unset), so that `migrate` alone prepares a fresh
database: `make run`, a deployment and the test database need no separate `createcachetable`.

createcachetable creates only the tables of the database caches configured now and leaves existing ones alone;
with CACHE_URL set to Redis it does nothing. Switching from Redis to the database cache later needs one
`python manage.py createcachetable` (README, Configuration)."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = []

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop, elidable=False)]
