"""Database triggers that keep a session's enrolled count within its capacity.

The enrolment service locks the session row and counts before it writes; these
triggers refuse any write that would still exceed the capacity (a bug, a script, the
admin). On PostgreSQL the trigger itself locks the session row, so two concurrent
inserts cannot both see a free place.

The statements are frozen here, as they were when this migration was written: a
migration imports no application code, so that it runs the same whatever that code
becomes.
"""

from django.db import migrations

PG = [
    """
CREATE OR REPLACE FUNCTION parcours_enrolment_capacity() RETURNS trigger AS $$
DECLARE
    cap integer;
    taken integer;
BEGIN
    IF NEW.status <> 'enrolled' OR (TG_OP = 'UPDATE' AND OLD.status = 'enrolled') THEN
        RETURN NEW;
    END IF;
    SELECT capacity INTO cap FROM training_session WHERE id = NEW.session_id FOR UPDATE;
    SELECT count(*) INTO taken FROM training_enrolment
        WHERE session_id = NEW.session_id AND status = 'enrolled' AND id <> NEW.id;
    IF taken >= cap THEN
        RAISE EXCEPTION 'session % is full', NEW.session_id USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
""",
    "CREATE TRIGGER training_enrolment_capacity BEFORE INSERT OR UPDATE OF status "
    "ON training_enrolment FOR EACH ROW EXECUTE FUNCTION parcours_enrolment_capacity();",
    """
CREATE OR REPLACE FUNCTION parcours_session_capacity() RETURNS trigger AS $$
BEGIN
    IF (SELECT count(*) FROM training_enrolment
        WHERE session_id = NEW.id AND status = 'enrolled') > NEW.capacity THEN
        RAISE EXCEPTION 'session % has more enrolled than %', NEW.id, NEW.capacity
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
""",
    "CREATE TRIGGER training_session_capacity BEFORE UPDATE OF capacity ON training_session "
    "FOR EACH ROW EXECUTE FUNCTION parcours_session_capacity();",
]
PG_DROP = [
    "DROP TRIGGER IF EXISTS training_enrolment_capacity ON training_enrolment;",
    "DROP TRIGGER IF EXISTS training_session_capacity ON training_session;",
]

_TAKEN = (
    "(SELECT count(*) FROM training_enrolment "
    "WHERE session_id = NEW.session_id AND status = 'enrolled')"
)
_CAP = "(SELECT capacity FROM training_session WHERE id = NEW.session_id)"
SQLITE = [
    "CREATE TRIGGER training_enrolment_capacity_insert BEFORE INSERT ON training_enrolment "
    f"WHEN NEW.status = 'enrolled' AND {_TAKEN} >= {_CAP} "
    "BEGIN SELECT RAISE(ABORT, 'session is full'); END;",
    "CREATE TRIGGER training_enrolment_capacity_update BEFORE UPDATE OF status "
    "ON training_enrolment "
    f"WHEN NEW.status = 'enrolled' AND OLD.status <> 'enrolled' AND {_TAKEN} >= {_CAP} "
    "BEGIN SELECT RAISE(ABORT, 'session is full'); END;",
    "CREATE TRIGGER training_session_capacity BEFORE UPDATE OF capacity ON training_session "
    "WHEN (SELECT count(*) FROM training_enrolment "
    "WHERE session_id = NEW.id AND status = 'enrolled') > NEW.capacity "
    "BEGIN SELECT RAISE(ABORT, 'more enrolled than the capacity'); END;",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS training_enrolment_capacity_insert;",
    "DROP TRIGGER IF EXISTS training_enrolment_capacity_update;",
    "DROP TRIGGER IF EXISTS training_session_capacity;",
]


def _install(schema_editor):
    statements = PG if schema_editor.connection.vendor == "postgresql" else SQLITE
    for statement in statements:
        schema_editor.execute(statement, params=None)


def _uninstall(schema_editor):
    statements = PG_DROP if schema_editor.connection.vendor == "postgresql" else SQLITE_DROP
    for statement in statements:
        schema_editor.execute(statement, params=None)


def install(apps, schema_editor):
    _install(schema_editor)


def uninstall(apps, schema_editor):
    _uninstall(schema_editor)


class Migration(migrations.Migration):
    """Capacity triggers."""

    dependencies = [("training", "0001_initial")]

    operations = [migrations.RunPython(install, uninstall)]
