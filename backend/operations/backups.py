"""Backups of the PostgreSQL database, and a check that one restores (docs/operations.md).

A backup is a `pg_dump` custom-format file and, beside it, the row count of every
table taken in the same snapshot (`<file>.counts.json`). A restore check loads the
file into a scratch database, compares every count, and runs `migrate --check`
there: a backup that passes holds every row and the whole schema of its day.
"""

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import psycopg
from django.conf import settings
from django.db import connections


class BackupError(Exception):
    pass


def _database() -> dict[str, Any]:
    config = connections["default"].settings_dict
    if connections["default"].vendor != "postgresql":
        raise BackupError("Backups are for the PostgreSQL database (set DATABASE_URL).")
    return config


def _conninfo(config: dict[str, Any], name: str) -> str:
    parts = {
        "dbname": name,
        "host": config.get("HOST") or "127.0.0.1",
        "port": str(config.get("PORT") or 5432),
        "user": config.get("USER") or "postgres",
    }
    if config.get("PASSWORD"):
        parts["password"] = config["PASSWORD"]
    return " ".join(f"{key}={value}" for key, value in parts.items())


def _tables(cursor: Any) -> list[str]:
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
    return [row[0] for row in cursor.fetchall()]


def _counts(cursor: Any) -> dict[str, int]:
    counts = {}
    for table in _tables(cursor):
        cursor.execute(f'SELECT count(*) FROM "{table}"')
        counts[table] = cursor.fetchone()[0]
    return counts


def backup(out: Path) -> dict[str, int]:
    """Dump the database to `out` and write the counts of the same snapshot beside it."""
    config = _database()
    with psycopg.connect(_conninfo(config, config["NAME"])) as conn:
        conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        row = conn.execute("SELECT pg_export_snapshot()").fetchone()
        assert row is not None
        with conn.cursor() as cursor:
            counts = _counts(cursor)
        # The dump reads the very snapshot the counts were taken in.
        subprocess.run(
            [
                "pg_dump",
                "--format=custom",
                "--no-owner",
                f"--snapshot={row[0]}",
                f"--file={out}",
                f"--dbname={_conninfo(config, config['NAME'])}",
            ],
            check=True,
        )
        conn.execute("COMMIT")
    counts_file(out).write_text(json.dumps(counts, indent=2, sort_keys=True))
    return counts


def counts_file(dump: Path) -> Path:
    return dump.with_name(dump.name + ".counts.json")


def restore_check(dump: Path, scratch: str | None = None, keep: bool = False) -> dict[str, int]:
    """Restore `dump` into a scratch database; check its counts and its migrations."""
    config = _database()
    expected = json.loads(counts_file(dump).read_text())
    scratch = scratch or f"{config['NAME']}_restore_check"
    admin = _conninfo(config, "postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{scratch}"')
        conn.execute(f'CREATE DATABASE "{scratch}"')
    try:
        subprocess.run(
            [
                "pg_restore",
                "--no-owner",
                "--exit-on-error",
                f"--dbname={_conninfo(config, scratch)}",
                str(dump),
            ],
            check=True,
        )
        with psycopg.connect(_conninfo(config, scratch)) as conn, conn.cursor() as cursor:
            restored = _counts(cursor)
        if restored != expected:
            wrong = sorted(
                table
                for table in expected.keys() | restored.keys()
                if expected.get(table) != restored.get(table)
            )
            raise BackupError(f"Row counts differ after the restore: {', '.join(wrong)}.")
        user, password = config.get("USER") or "postgres", config.get("PASSWORD") or ""
        host, port = config.get("HOST") or "127.0.0.1", config.get("PORT") or 5432
        credentials = f"{user}:{password}@" if password else f"{user}@"
        env = {**os.environ, "DATABASE_URL": f"postgres://{credentials}{host}:{port}/{scratch}"}
        checked = subprocess.run(
            [sys.executable, str(settings.BACKEND_DIR / "manage.py"), "migrate", "--check"],
            env=env,
            capture_output=True,
            text=True,
        )
        if checked.returncode != 0:
            raise BackupError(
                "migrate --check failed on the restored database "
                f"(migrations not applied):\n{checked.stdout}{checked.stderr}"
            )
        return restored
    finally:
        if not keep:
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{scratch}"')
