from django.db import migrations

# On PostgreSQL, the level guards made again with a WHEN clause, so that rows with no
# level skip them (SQLite's triggers always had one): the statements as they were run.
RECREATE_ON_POSTGRESQL = [
    """
CREATE OR REPLACE FUNCTION parcours_level_in_scale() RETURNS trigger AS $$
DECLARE
    row_data jsonb := to_jsonb(NEW);
    lvl integer := (row_data ->> TG_ARGV[0])::integer;
    comp bigint := (row_data ->> TG_ARGV[1])::bigint;
BEGIN
    IF lvl IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM catalogue_competency c
        JOIN catalogue_proficiencylevel l ON l.framework_id = c.framework_id
        WHERE c.id = comp AND l.value = lvl
    ) THEN
        RAISE EXCEPTION 'level % is outside the scale of competency %', lvl, comp
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
""",
    'DROP TRIGGER IF EXISTS catalogue_competencylevel_level_in_scale ON catalogue_competencylevel;',
    "CREATE TRIGGER catalogue_competencylevel_level_in_scale BEFORE INSERT OR UPDATE OF level, competency_id ON catalogue_competencylevel FOR EACH ROW WHEN (NEW.level IS NOT NULL) EXECUTE FUNCTION parcours_level_in_scale('level', 'competency_id');",
    'DROP TRIGGER IF EXISTS catalogue_modulecompetency_level_in_scale ON catalogue_modulecompetency;',
    "CREATE TRIGGER catalogue_modulecompetency_level_in_scale BEFORE INSERT OR UPDATE OF level, competency_id ON catalogue_modulecompetency FOR EACH ROW WHEN (NEW.level IS NOT NULL) EXECUTE FUNCTION parcours_level_in_scale('level', 'competency_id');",
    'DROP TRIGGER IF EXISTS catalogue_moduleprerequisite_min_level_in_scale ON catalogue_moduleprerequisite;',
    "CREATE TRIGGER catalogue_moduleprerequisite_min_level_in_scale BEFORE INSERT OR UPDATE OF min_level, competency_id ON catalogue_moduleprerequisite FOR EACH ROW WHEN (NEW.min_level IS NOT NULL) EXECUTE FUNCTION parcours_level_in_scale('min_level', 'competency_id');",
    'DROP TRIGGER IF EXISTS catalogue_pathtarget_level_in_scale ON catalogue_pathtarget;',
    "CREATE TRIGGER catalogue_pathtarget_level_in_scale BEFORE INSERT OR UPDATE OF level, competency_id ON catalogue_pathtarget FOR EACH ROW WHEN (NEW.level IS NOT NULL) EXECUTE FUNCTION parcours_level_in_scale('level', 'competency_id');",
    'DROP TRIGGER IF EXISTS progress_selfassessment_level_in_scale ON progress_selfassessment;',
    "CREATE TRIGGER progress_selfassessment_level_in_scale BEFORE INSERT OR UPDATE OF level, competency_id ON progress_selfassessment FOR EACH ROW WHEN (NEW.level IS NOT NULL) EXECUTE FUNCTION parcours_level_in_scale('level', 'competency_id');",
    'DROP TRIGGER IF EXISTS progress_currentlevel_level_in_scale ON progress_currentlevel;',
    "CREATE TRIGGER progress_currentlevel_level_in_scale BEFORE INSERT OR UPDATE OF level, competency_id ON progress_currentlevel FOR EACH ROW WHEN (NEW.level IS NOT NULL) EXECUTE FUNCTION parcours_level_in_scale('level', 'competency_id');",
]


def recreate(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in RECREATE_ON_POSTGRESQL:
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    """Rows with no level skip the level-in-scale guard (the level-in-scale guard of migration 0002)."""

    dependencies = [
        ("catalogue", "0003_catalogue_version"),
        ("progress", "0004_standings"),
    ]

    operations = [migrations.RunPython(recreate, migrations.RunPython.noop)]
