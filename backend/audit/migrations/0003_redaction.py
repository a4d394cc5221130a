from django.db import migrations, models

TABLE = "audit_auditevent"
# Only the author's name and the changes may be rewritten, and only by a transaction that
# holds a row in audit_redaction (an erasure); every other column stays as written.
UNCHANGED = " AND ".join(
    f"NEW.{column} IS NOT DISTINCT FROM OLD.{column}"
    for column in ("id", "at", "actor_id", "client", "record_type", "record_id", "action")
)
SQLITE_UNCHANGED = " AND ".join(
    f"NEW.{column} IS OLD.{column}"
    for column in ("id", "at", "actor_id", "client", "record_type", "record_id", "action")
)

POSTGRESQL = [
    f"""
    CREATE OR REPLACE FUNCTION parcours_append_only() RETURNS trigger AS $$
    BEGIN
        IF TG_OP = 'UPDATE' AND {UNCHANGED}
                AND EXISTS (SELECT 1 FROM audit_redaction) THEN
            RETURN NEW;
        END IF;
        RAISE EXCEPTION 'the audit trail is append-only (% refused)', TG_OP
            USING ERRCODE = 'insufficient_privilege';
    END
    $$ LANGUAGE plpgsql;
    """,
]
POSTGRESQL_UNDO = [
    """
    CREATE OR REPLACE FUNCTION parcours_append_only() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION 'the audit trail is append-only (% refused)', TG_OP
            USING ERRCODE = 'insufficient_privilege';
    END
    $$ LANGUAGE plpgsql;
    """,
]
SQLITE = [
    f"DROP TRIGGER IF EXISTS {TABLE}_no_update;",
    f"CREATE TRIGGER {TABLE}_no_update BEFORE UPDATE ON {TABLE} "
    f"WHEN NOT ({SQLITE_UNCHANGED} AND EXISTS (SELECT 1 FROM audit_redaction)) "
    "BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;",
]
SQLITE_UNDO = [
    f"DROP TRIGGER IF EXISTS {TABLE}_no_update;",
    f"CREATE TRIGGER {TABLE}_no_update BEFORE UPDATE ON {TABLE} "
    "BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;",
]


def install(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for statement in POSTGRESQL if vendor == "postgresql" else SQLITE:
        schema_editor.execute(statement, params=None)


def uninstall(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for statement in POSTGRESQL_UNDO if vendor == "postgresql" else SQLITE_UNDO:
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    """An erasure may rewrite the personal values of past events (docs/privacy.md): the
    trail's trigger lets a transaction that holds a redaction row change an event's author
    and changes, nothing else; any other change or removal is still refused."""

    dependencies = [("audit", "0002_append_only")]

    operations = [
        migrations.CreateModel(
            name="Redaction",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("started_at", models.DateTimeField(auto_now_add=True)),
            ],
            options={"db_table": "audit_redaction"},
        ),
        migrations.RunPython(install, uninstall),
    ]
