"""The skills report's counts are `SkillCount` (they were `SkillTally`); the table keeps
its name, which the triggers frozen in 0001 write to, so nothing changes in the database."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("reports", "0003_sqlite_reads_levels")]

    operations = [
        migrations.AlterModelTable(name="skilltally", table="reports_skilltally"),
        migrations.RenameModel(old_name="SkillTally", new_name="SkillCount"),
    ]
