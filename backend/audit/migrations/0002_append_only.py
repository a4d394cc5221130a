from django.db import migrations

TABLE = "audit_auditevent"

POSTGRESQL = [
    """
    CREATE OR REPLACE FUNCTION parcours_append_only() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION 'the audit trail is append-only (% refused)', TG_OP
            USING ERRCODE = 'insufficient_privilege';
    END
    $$ LANGUAGE plpgsql;
    """,
    f"CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE} "
    "FOR EACH ROW EXECUTE FUNCTION parcours_append_only();",
]
POSTGRESQL_DROP = [f"DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE};"]
# The embedded database refuses changes; deleting stays possible there (a test database
# is emptied with DELETE between tests).
SQLITE = [
    f"CREATE TRIGGER {TABLE}_no_update BEFORE UPDATE ON {TABLE} "
    "BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;"
]
SQLITE_DROP = [f"DROP TRIGGER IF EXISTS {TABLE}_no_update;"]


def install(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for statement in POSTGRESQL if vendor == "postgresql" else SQLITE:
        schema_editor.execute(statement, params=None)


def uninstall(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for statement in POSTGRESQL_DROP if vendor == "postgresql" else SQLITE_DROP:
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    """The audit trail refuses UPDATE and DELETE on PostgreSQL (UPDATE on SQLite). Emptying
    a table with TRUNCATE is the database owner's act, outside the API's reach; revoke
    TRUNCATE from the application's role in production (docs/operations.md)."""

    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(install, uninstall)]
