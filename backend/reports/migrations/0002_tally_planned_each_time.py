"""The kept counts' statement-level functions plan their statement at each call
(reports.tally.planned_each_time), instead of keeping the plan of the first call."""

from django.db import migrations

from reports import tally


def replace_functions(apps, schema_editor):
    tally.replace_functions(schema_editor)


class Migration(migrations.Migration):

    dependencies = [("reports", "0001_kept_counts")]

    # Going back keeps the new functions: they count the same rows.
    operations = [migrations.RunPython(replace_functions, migrations.RunPython.noop)]
