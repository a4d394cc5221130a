"""What every step of `make bench` shares: paths, the settings read from the environment
(`BENCH_*`), the server's production settings and the way the steps speak."""

import os
import secrets
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/parcours_bench"
)
PROVIDERS = int(os.environ.get("BENCH_PROVIDERS", "100000"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "6"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "4"))
PORT = int(os.environ.get("BENCH_PORT", "8765"))
# The shared cache, as in production with several server processes (emptied first).
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
BASE = f"http://127.0.0.1:{PORT}"
REPORT = ROOT / "docs" / "performance.md"

SECRET_KEY = secrets.token_urlsafe(50)


def postgres_url() -> str:
    """DATABASE_URL as psycopg reads it."""
    return DATABASE_URL.replace("postgres://", "postgresql://", 1)


def connect(*, autocommit: bool = False) -> psycopg.Connection:
    """A connection to the bench database with the session settings of the API's own
    (config/settings.py: no JIT, random reads costed as on SSD)."""
    return psycopg.connect(
        postgres_url(), autocommit=autocommit, options="-c jit=off -c random_page_cost=1.1"
    )


def server_env() -> dict[str, str]:
    """Production settings; bench/setup.py signs its token with the same key."""
    return {
        **os.environ,
        "DATABASE_URL": DATABASE_URL,
        "DEBUG": "0",
        "SECRET_KEY": SECRET_KEY,
        "JWT_ACCESS_MINUTES": "240",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "DB_CONN_MAX_AGE": "600",
        "REDIS_URL": REDIS_URL,
        # Rates are counted as in production, with limits no scenario reaches.
        "THROTTLE_USER": "100000000/min",
        "THROTTLE_ANON": "100000000/min",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": f"{ROOT}:{ROOT / 'backend'}",
    }


def say(message: str) -> None:
    print(f"bench: {message}", flush=True)
