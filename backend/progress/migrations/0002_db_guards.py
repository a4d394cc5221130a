from django.db import migrations

from catalogue.dbguards import level_guard_sql

TABLES = ["progress_selfassessment", "progress_currentlevel"]


def install(apps, schema_editor):
    for table in TABLES:
        for statement in level_guard_sql(schema_editor.connection.vendor, table)[0]:
            schema_editor.execute(statement, params=None)


def uninstall(apps, schema_editor):
    for table in TABLES:
        for statement in level_guard_sql(schema_editor.connection.vendor, table)[1]:
            schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    """A self-assessed level is a level of the competency's scale (see catalogue.dbguards)."""

    dependencies = [("progress", "0001_initial"), ("catalogue", "0002_db_guards")]

    operations = [migrations.RunPython(install, uninstall)]
