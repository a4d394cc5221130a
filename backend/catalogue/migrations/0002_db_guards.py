from django.db import migrations

from catalogue import dbguards


def install(apps, schema_editor):
    dbguards.install(schema_editor)


def uninstall(apps, schema_editor):
    dbguards.uninstall(schema_editor)


class Migration(migrations.Migration):
    """Triggers holding the cross-table invariants of the catalogue (see catalogue.dbguards)."""

    dependencies = [("catalogue", "0001_initial")]

    operations = [migrations.RunPython(install, uninstall)]
