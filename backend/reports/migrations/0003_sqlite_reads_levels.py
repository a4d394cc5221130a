"""On SQLite, the skills report is computed from the current levels: the triggers that
kept its counts there, and the counts, are dropped. PostgreSQL keeps its triggers.

SQLite is the embedded, single-user default: summing its current levels is fast enough
there, and one algorithm per database is one fewer to keep right.
"""

from django.db import migrations

DROP_ON_SQLITE = [
    "DROP TRIGGER IF EXISTS tally_progress_currentlevel_insert;",
    "DROP TRIGGER IF EXISTS tally_progress_currentlevel_update;",
    "DROP TRIGGER IF EXISTS tally_progress_currentlevel_delete;",
    "DROP TRIGGER IF EXISTS tally_people_provider_insert;",
    "DROP TRIGGER IF EXISTS tally_people_provider_delete;",
    "DROP TRIGGER IF EXISTS tally_people_provider_moved;",
    "DROP TRIGGER IF EXISTS tally_people_business_moved;",
    "DROP INDEX IF EXISTS reports_skilltally_one_row;",
    "DROP INDEX IF EXISTS reports_groupsize_one_row;",
    "DELETE FROM reports_skilltally;",
    "DELETE FROM reports_groupsize;",
]


def drop_on_sqlite(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for statement in DROP_ON_SQLITE:
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):

    dependencies = [("reports", "0002_tally_planned_each_time")]

    # Going back leaves SQLite without the counts: the report reads the current levels.
    operations = [migrations.RunPython(drop_on_sqlite, migrations.RunPython.noop)]
