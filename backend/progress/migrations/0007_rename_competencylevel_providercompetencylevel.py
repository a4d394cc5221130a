"""The provider's competency levels get a name of their own (catalogue.CompetencyLevel is a
level of a competency's scale); the table keeps its name, so nothing changes in the database."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("progress", "0006_rename_currentlevel_competencylevel")]

    operations = [
        migrations.RenameModel(old_name="CompetencyLevel", new_name="ProviderCompetencyLevel"),
    ]
