"""The kept counts' statement-level functions plan their statement at each call (EXECUTE,
for each call's transition table), instead of keeping the plan of the first call."""

from importlib import import_module

from django.db import migrations

# The functions as 0001 now writes them.
FUNCTIONS = import_module("reports.migrations.0001_kept_counts").FUNCTIONS


def replace_functions(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in FUNCTIONS:
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):

    dependencies = [("reports", "0001_kept_counts")]

    # Going back keeps the new functions: they count the same rows.
    operations = [migrations.RunPython(replace_functions, migrations.RunPython.noop)]
