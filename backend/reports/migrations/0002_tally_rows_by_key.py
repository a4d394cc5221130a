"""The kept counts' statement triggers find each row's provider and business by key
(reports.tally.BY_KEY): their functions are replaced on PostgreSQL; SQLite's row triggers
are unchanged."""

from django.db import migrations

from reports import tally


def replace_functions(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in tally.triggers_sql("postgresql")[0]:
        if statement.startswith("CREATE OR REPLACE FUNCTION"):
            schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):

    dependencies = [("reports", "0001_kept_counts")]

    operations = [migrations.RunPython(replace_functions, migrations.RunPython.noop)]
