from django.db import migrations

from training import dbguards


def install(apps, schema_editor):
    dbguards.install(schema_editor)


def uninstall(apps, schema_editor):
    dbguards.uninstall(schema_editor)


class Migration(migrations.Migration):
    """Capacity triggers (see training.dbguards)."""

    dependencies = [("training", "0001_initial")]

    operations = [migrations.RunPython(install, uninstall)]
