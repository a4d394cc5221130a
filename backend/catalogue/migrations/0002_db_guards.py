"""Triggers holding the cross-table invariants of the catalogue.

A level stored beside a competency must be one of the levels of that competency's
framework, and a competency's area must belong to its framework. A CHECK constraint
cannot look at another table, so these are triggers, in SQLite and PostgreSQL dialects.
A violation is an IntegrityError (PostgreSQL `check_violation`, SQLite `RAISE(ABORT)`).

The statements are frozen here, as they were when this migration was written: a
migration imports no application code, so that it runs the same whatever that code
becomes.
"""

from django.db import migrations

LEVEL_SCALE_EXISTS = (
    "EXISTS (SELECT 1 FROM catalogue_competency c "
    "JOIN catalogue_proficiencylevel l ON l.framework_id = c.framework_id "
    "WHERE c.id = NEW.{competency} AND l.value = NEW.{level})"
)

PG_LEVEL_FUNCTION = """
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
"""

PG_AREA_FUNCTION = """
CREATE OR REPLACE FUNCTION parcours_area_in_framework() RETURNS trigger AS $$
BEGIN
    IF NOT EXISTS (
        SELECT 1 FROM catalogue_area a
        WHERE a.id = NEW.area_id AND a.framework_id = NEW.framework_id
    ) THEN
        RAISE EXCEPTION 'area % is not in framework %', NEW.area_id, NEW.framework_id
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
"""


def level_guard_sql(
    vendor: str, table: str, level: str = "level", competency: str = "competency_id"
) -> tuple[list[str], list[str]]:
    """SQL that makes `table.level` a level of the scale of `table.competency`'s framework.

    A null level (none recorded) passes, without running the check: a refresh of a
    thousand providers' evidenced levels proposes thousands of rows with no level. The
    guard runs when a row is inserted or when its level or competency changes, not on
    writes of its other columns.
    """
    name = f"{table}_{level}_in_scale"
    if vendor == "postgresql":
        return (
            [
                PG_LEVEL_FUNCTION,
                f"CREATE TRIGGER {name} BEFORE INSERT OR UPDATE OF {level}, {competency} "
                f"ON {table} FOR EACH ROW WHEN (NEW.{level} IS NOT NULL) "
                f"EXECUTE FUNCTION parcours_level_in_scale('{level}', '{competency}');",
            ],
            [f"DROP TRIGGER IF EXISTS {name} ON {table};"],
        )
    condition = LEVEL_SCALE_EXISTS.format(competency=competency, level=level)
    events = {"INSERT": "INSERT", "UPDATE": f"UPDATE OF {level}, {competency}"}
    create = [
        f"CREATE TRIGGER {name}_{event.lower()} BEFORE {events[event]} ON {table} "
        f"WHEN NEW.{level} IS NOT NULL AND NOT {condition} "
        f"BEGIN SELECT RAISE(ABORT, 'level is outside the scale of the competency'); END;"
        for event in ("INSERT", "UPDATE")
    ]
    drop = [f"DROP TRIGGER IF EXISTS {name}_{event};" for event in ("insert", "update")]
    return create, drop


def area_guard_sql(vendor: str) -> tuple[list[str], list[str]]:
    """SQL that keeps a competency's area inside the competency's framework."""
    table = "catalogue_competency"
    name = "catalogue_competency_area_in_framework"
    if vendor == "postgresql":
        return (
            [
                PG_AREA_FUNCTION,
                f"CREATE TRIGGER {name} BEFORE INSERT OR UPDATE ON {table} FOR EACH ROW "
                "EXECUTE FUNCTION parcours_area_in_framework();",
            ],
            [f"DROP TRIGGER IF EXISTS {name} ON {table};"],
        )
    condition = (
        "EXISTS (SELECT 1 FROM catalogue_area a "
        "WHERE a.id = NEW.area_id AND a.framework_id = NEW.framework_id)"
    )
    create = [
        f"CREATE TRIGGER {name}_{event.lower()} BEFORE {event} ON {table} WHEN NOT {condition} "
        "BEGIN SELECT RAISE(ABORT, 'area is not in the framework of the competency'); END;"
        for event in ("INSERT", "UPDATE")
    ]
    drop = [f"DROP TRIGGER IF EXISTS {name}_{event};" for event in ("insert", "update")]
    return create, drop


LEVEL_GUARDED = [
    ("catalogue_competencylevel", "level"),
    ("catalogue_modulecompetency", "level"),
    ("catalogue_moduleprerequisite", "min_level"),
    ("catalogue_pathtarget", "level"),
]


def _statements(vendor: str, create: bool) -> list[str]:
    statements: list[str] = []
    for table, level in LEVEL_GUARDED:
        up, down = level_guard_sql(vendor, table, level)
        statements += up if create else down
    up, down = area_guard_sql(vendor)
    statements += up if create else down
    return statements


def _install(schema_editor):
    for statement in _statements(schema_editor.connection.vendor, create=True):
        schema_editor.execute(statement, params=None)


def _uninstall(schema_editor):
    for statement in _statements(schema_editor.connection.vendor, create=False):
        schema_editor.execute(statement, params=None)


def install(apps, schema_editor):
    _install(schema_editor)


def uninstall(apps, schema_editor):
    _uninstall(schema_editor)


class Migration(migrations.Migration):
    """Triggers holding the cross-table invariants of the catalogue."""

    dependencies = [("catalogue", "0001_initial")]

    operations = [migrations.RunPython(install, uninstall)]
