"""Settings read from the environment fail loudly on bad values."""

import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.settings import envbool, envint, envlist

BACKEND = Path(__file__).resolve().parents[2] / "backend"


def test_envbool_reads_usual_spellings(monkeypatch):
    monkeypatch.setenv("FLAG", "yes")
    assert envbool("FLAG", False) is True
    monkeypatch.setenv("FLAG", "0")
    assert envbool("FLAG", True) is False
    monkeypatch.delenv("FLAG")
    assert envbool("FLAG", True) is True


def test_envbool_refuses_anything_else(monkeypatch):
    monkeypatch.setenv("FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="FLAG"):
        envbool("FLAG", False)


def test_envint_refuses_non_integers(monkeypatch):
    monkeypatch.setenv("NUMBER", "12")
    assert envint("NUMBER", 0) == 12
    monkeypatch.setenv("NUMBER", "twelve")
    with pytest.raises(ImproperlyConfigured, match="NUMBER"):
        envint("NUMBER", 0)


def test_envlist_splits_and_drops_blanks(monkeypatch):
    monkeypatch.setenv("HOSTS", "a.example, b.example,,")
    assert envlist("HOSTS", []) == ["a.example", "b.example"]


def run_check(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", "check", *args],
        cwd=BACKEND,
        env={"PATH": "/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_mode_requires_a_secret_key():
    result = run_check({"DEBUG": "0"})
    assert result.returncode != 0
    assert "SECRET_KEY is required" in result.stderr


def test_production_settings_pass_the_deploy_check():
    env = {
        "DEBUG": "0",
        "SECRET_KEY": "a-long-random-test-secret-" + "x" * 40,
        "ALLOWED_HOSTS": "parcours.example.org",
    }
    result = run_check(env, "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr


def test_cached_progress_profiles_need_a_shared_cache_in_production():
    env = {
        "DEBUG": "0",
        "SECRET_KEY": "a-long-random-test-secret-" + "x" * 40,
        "PROGRESS_CACHE_SECONDS": "60",
    }
    result = run_check(env)
    assert result.returncode != 0
    assert "PROGRESS_CACHE_SECONDS needs REDIS_URL" in result.stderr
    assert run_check({**env, "REDIS_URL": "redis://127.0.0.1:6379/9"}).returncode == 0


def test_kept_logins_need_a_shared_cache_in_production():
    """Without Redis each process would keep a login that another process deactivated."""
    env = {
        "DEBUG": "0",
        "SECRET_KEY": "a-long-random-test-secret-" + "x" * 40,
        "LOGIN_CACHE_SECONDS": "60",
    }
    result = run_check(env)
    assert result.returncode != 0
    assert "LOGIN_CACHE_SECONDS needs REDIS_URL" in result.stderr
    assert run_check({**env, "REDIS_URL": "redis://127.0.0.1:6379/9"}).returncode == 0


def test_a_database_url_that_is_neither_sqlite_nor_postgres_is_refused():
    result = run_check({"DATABASE_URL": "mysql://root@localhost/x"})
    assert result.returncode != 0
    assert "DATABASE_URL" in result.stderr


def test_every_model_change_has_its_migration():
    result = subprocess.run(
        [sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"],
        cwd=BACKEND,
        env={"PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def database_options(env: dict[str, str]) -> str:
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "print(settings.DATABASES['default'].get('OPTIONS'))",
        ],
        cwd=BACKEND,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_postgresql_runs_without_jit_unless_asked():
    """Off by default (short requests), on with DB_JIT=1; random reads costed for data in
    memory or on SSD unless DB_RANDOM_PAGE_COST says otherwise; the URL's own options
    stay."""
    url = "postgres://u@db.example/parcours?sslmode=require"
    assert database_options({"DATABASE_URL": url}) == (
        "{'sslmode': 'require', 'options': '-c jit=off -c random_page_cost=1.1'}"
    )
    asked = database_options({"DATABASE_URL": url, "DB_JIT": "1", "DB_RANDOM_PAGE_COST": "4"})
    assert "'options': '-c jit=on -c random_page_cost=4.0'" in asked
    sqlite = database_options({"DATABASE_URL": "sqlite:////tmp/parcours-settings-test.db"})
    assert "jit" not in sqlite
    assert "random_page_cost" not in sqlite
