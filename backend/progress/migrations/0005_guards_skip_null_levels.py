from django.db import migrations

from catalogue.dbguards import LEVEL_GUARDED, level_guard_sql

GUARDED = [*LEVEL_GUARDED, ("progress_selfassessment", "level"), ("progress_currentlevel", "level")]


def recreate(apps, schema_editor):
    """On PostgreSQL, the level guards are made again with a WHEN clause, so that rows with no
    level skip them (SQLite's triggers always had one)."""
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, level in GUARDED:
        create, drop = level_guard_sql("postgresql", table, level)
        for statement in [*drop, *create]:
            schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    """Rows with no level skip the level-in-scale guard (see catalogue.dbguards)."""

    dependencies = [
        ("catalogue", "0003_catalogue_version"),
        ("progress", "0004_standings"),
    ]

    operations = [migrations.RunPython(recreate, migrations.RunPython.noop)]
