"""Steps 1 and 2 of `make bench`: the bench database, migrated, holding the generated
data set; and the vacuum that makes every run start from the same state."""

import os
import subprocess

import psycopg
from environment import DATABASE_URL, PROVIDERS, PYTHON, ROOT, postgres_url, say


def migrated_database(*, fresh: bool = False) -> None:
    """Create DATABASE_URL's database (dropped first when `fresh`), and migrate it."""
    server, name = postgres_url().rsplit("/", 1)
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        if fresh:
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                [name],
            )
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
    env = {**os.environ, "DATABASE_URL": DATABASE_URL}
    subprocess.run(
        [str(PYTHON), "backend/manage.py", "migrate", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )


def ensure_dataset() -> None:
    """Create the bench database, migrate it, and generate the data set unless it is there."""
    name = postgres_url().rsplit("/", 1)[1]
    migrated_database()
    env = {**os.environ, "DATABASE_URL": DATABASE_URL}
    manage = [str(PYTHON), "backend/manage.py"]
    with psycopg.connect(postgres_url()) as conn:
        row = conn.execute(
            "SELECT count(*) FROM people_provider WHERE email LIKE %s",
            ["%@dataset.parcours.example"],
        ).fetchone()
    generated = row[0] if row else 0
    if generated == PROVIDERS:
        say(f"the data set of {PROVIDERS:,} providers is in place")
        return
    if generated:
        raise SystemExit(
            f"bench: {name} holds {generated:,} generated providers, not {PROVIDERS:,}: "
            "drop the database or set BENCH_PROVIDERS."
        )
    say(f"generating {PROVIDERS:,} providers (once; later runs reuse them)")
    subprocess.run(
        [*manage, "generate_dataset", "--providers", str(PROVIDERS), "--seed", "1"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    vacuum()


def vacuum() -> None:
    """Vacuum and analyse the database before the load. A production server's autovacuum
    clears the dead rows of writes as they go; the local one may run without it (this
    machine's does), and every run's pushes leave 2,000 dead rows per push behind. So each
    run starts from the same state, not from the dead rows of the runs before."""
    with psycopg.connect(postgres_url(), autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
