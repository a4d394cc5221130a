"""A self-assessed level is a level of the competency's scale, on self-assessments and
current levels alike (the guard of catalogue's 0002_db_guards, whose function this uses).

The statements are those this migration ran when it was written, frozen here.
"""

from django.db import migrations

GUARDS = {
    'postgresql': (
        [
            "CREATE TRIGGER progress_selfassessment_level_in_scale BEFORE INSERT OR UPDATE OF level, competency_id ON progress_selfassessment FOR EACH ROW WHEN (NEW.level IS NOT NULL) EXECUTE FUNCTION parcours_level_in_scale('level', 'competency_id');",
            "CREATE TRIGGER progress_currentlevel_level_in_scale BEFORE INSERT OR UPDATE OF level, competency_id ON progress_currentlevel FOR EACH ROW WHEN (NEW.level IS NOT NULL) EXECUTE FUNCTION parcours_level_in_scale('level', 'competency_id');",
        ],
        [
            'DROP TRIGGER IF EXISTS progress_selfassessment_level_in_scale ON progress_selfassessment;',
            'DROP TRIGGER IF EXISTS progress_currentlevel_level_in_scale ON progress_currentlevel;',
        ],
    ),
    'sqlite': (
        [
            "CREATE TRIGGER progress_selfassessment_level_in_scale_insert BEFORE INSERT ON progress_selfassessment WHEN NEW.level IS NOT NULL AND NOT EXISTS (SELECT 1 FROM catalogue_competency c JOIN catalogue_proficiencylevel l ON l.framework_id = c.framework_id WHERE c.id = NEW.competency_id AND l.value = NEW.level) BEGIN SELECT RAISE(ABORT, 'level is outside the scale of the competency'); END;",
            "CREATE TRIGGER progress_selfassessment_level_in_scale_update BEFORE UPDATE OF level, competency_id ON progress_selfassessment WHEN NEW.level IS NOT NULL AND NOT EXISTS (SELECT 1 FROM catalogue_competency c JOIN catalogue_proficiencylevel l ON l.framework_id = c.framework_id WHERE c.id = NEW.competency_id AND l.value = NEW.level) BEGIN SELECT RAISE(ABORT, 'level is outside the scale of the competency'); END;",
            "CREATE TRIGGER progress_currentlevel_level_in_scale_insert BEFORE INSERT ON progress_currentlevel WHEN NEW.level IS NOT NULL AND NOT EXISTS (SELECT 1 FROM catalogue_competency c JOIN catalogue_proficiencylevel l ON l.framework_id = c.framework_id WHERE c.id = NEW.competency_id AND l.value = NEW.level) BEGIN SELECT RAISE(ABORT, 'level is outside the scale of the competency'); END;",
            "CREATE TRIGGER progress_currentlevel_level_in_scale_update BEFORE UPDATE OF level, competency_id ON progress_currentlevel WHEN NEW.level IS NOT NULL AND NOT EXISTS (SELECT 1 FROM catalogue_competency c JOIN catalogue_proficiencylevel l ON l.framework_id = c.framework_id WHERE c.id = NEW.competency_id AND l.value = NEW.level) BEGIN SELECT RAISE(ABORT, 'level is outside the scale of the competency'); END;",
        ],
        [
            'DROP TRIGGER IF EXISTS progress_selfassessment_level_in_scale_insert;',
            'DROP TRIGGER IF EXISTS progress_selfassessment_level_in_scale_update;',
            'DROP TRIGGER IF EXISTS progress_currentlevel_level_in_scale_insert;',
            'DROP TRIGGER IF EXISTS progress_currentlevel_level_in_scale_update;',
        ],
    ),
}


def install(apps, schema_editor):
    for statement in GUARDS[schema_editor.connection.vendor][0]:
        schema_editor.execute(statement, params=None)


def uninstall(apps, schema_editor):
    for statement in GUARDS[schema_editor.connection.vendor][1]:
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    """A self-assessed level is a level of the competency's scale."""

    dependencies = [("progress", "0001_initial"), ("catalogue", "0002_db_guards")]

    operations = [migrations.RunPython(install, uninstall)]
