from django.db import migrations


class Migration(migrations.Migration):
    """CurrentLevel is renamed CompetencyLevel; its table keeps its name (the triggers of
    earlier migrations name it), so neither operation touches the database."""

    dependencies = [
        ("progress", "0005_guards_skip_null_levels"),
    ]

    operations = [
        migrations.AlterModelTable(name="currentlevel", table="progress_currentlevel"),
        migrations.RenameModel(old_name="CurrentLevel", new_name="CompetencyLevel"),
    ]
