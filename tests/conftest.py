"""Fixtures shared by the whole suite: API clients per role, and the demo catalogue."""

import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken

from accounts.models import User
from tests.factories import CoordinatorFactory, UserFactory


@pytest.fixture(scope="session")
def django_db_modify_db_settings(
    django_db_modify_db_settings_parallel_suffix: None,
) -> Iterator[None]:
    """With TEST_DB_TEMPLATE naming a migrated SQLite file (`make mutants`), the session works
    on its own copy of it, kept with --reuse-db, instead of migrating a new database: a mutant's
    few tests then start in a fraction of a second instead of ten."""
    template = os.environ.get("TEST_DB_TEMPLATE", "")
    if not template:
        yield
        return
    from django.conf import settings

    copy = Path(tempfile.gettempdir()) / f"parcours-test-{os.getpid()}.sqlite3"
    shutil.copyfile(template, copy)
    settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = str(copy)
    yield
    for path in (copy, Path(f"{copy}-wal"), Path(f"{copy}-shm")):
        path.unlink(missing_ok=True)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    """Hashing is deliberately slow; tests that are not about it use a fast hasher."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def empty_cache() -> None:
    """Each test starts with an empty cache (cached answers are keyed by data versions that
    a rolled-back test can reuse)."""
    from django.core.cache import caches

    from api import throttling
    from common import caching
    from progress import selectors

    for cache in caches.all():
        cache.clear()
    caching.clear_object_caches()
    throttling._held.clear()
    # The profile's query, compiled once per process: compiled in each test, every test
    # that reads a profile runs the code that builds it (mutation testing sees them all).
    selectors._compiled.clear()


@pytest.fixture(autouse=True)
def rates_unlimited(settings: Any) -> None:
    """No request rate limits, unless a test is about them (tests/api/test_throttling.py)."""
    settings.THROTTLE_RATES = {"user": None, "anon": None}
    settings.SIGN_IN_FAILURES = (10**6, 900)


@pytest.fixture(autouse=True)
def reports_computed_each_time(settings: Any) -> None:
    """Reports are computed on every request unless a test is about their cache."""
    settings.REPORT_CACHE_SECONDS = 0


@pytest.fixture(autouse=True)
def progress_profiles_cached(settings: Any) -> None:
    """Progress profiles are served again from the cache, as in production with a shared
    cache (one process here): every test that writes then reads a profile checks that the
    write invalidated it (progress/profile_cache.py)."""
    settings.PROGRESS_CACHE_SECONDS = 300


@pytest.fixture(autouse=True)
def logins_kept(settings: Any) -> None:
    """A signed token's login is served again from the process, as in production with a
    shared cache: every test that changes a login then uses its token checks that the
    write invalidated it (api/authentication.py)."""
    settings.LOGIN_CACHE_SECONDS = 300


@pytest.fixture(autouse=True)
def tasks_stay_queued(settings: Any) -> None:
    """Background tasks are queued, not run: tests run them explicitly when they mean to."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def bearer(user: User) -> str:
    """An Authorization header value for `user`, of its current token generation."""
    from api.authentication import GENERATION_CLAIM

    token = AccessToken.for_user(user)
    token[GENERATION_CLAIM] = user.token_generation
    return f"Bearer {token}"


@pytest.fixture
def anon() -> APIClient:
    return APIClient()


@pytest.fixture
def coordinator(db: None) -> User:
    return CoordinatorFactory()


@pytest.fixture
def coordinator_client(coordinator: User) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=bearer(coordinator))
    return client


@pytest.fixture
def superuser_client(db: None) -> APIClient:
    user = UserFactory(username="root", is_superuser=True, is_staff=True, role="provider")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=bearer(user))
    return client


@pytest.fixture
def provider_user(db: None) -> User:
    return UserFactory(role="provider")


@pytest.fixture
def provider_client(provider_user: User) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=bearer(provider_user))
    return client


@pytest.fixture
def demo_catalogue(db: None) -> None:
    from demo.catalogue import load_catalogue

    load_catalogue()


def client_for(user: User) -> APIClient:
    """An API client signed in as `user` with a bearer token."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=bearer(user))
    return client


def on_postgres() -> bool:
    from django.db import connection

    return connection.vendor == "postgresql"


# The shared cache of production, for the tests that prove what holds across processes
# (sign-in counts, kept answers). Outside CI a machine without Redis skips them; under
# CI=true a missing Redis fails them, as a missing Chromium does.
# Each pytest-xdist worker its own database (14, 15, …), since a test empties it.
_WORKER = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
REDIS_TEST_URL = os.environ.get("REDIS_TEST_URL") or f"redis://127.0.0.1:6379/{14 + _WORKER}"


def _redis_reachable() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


@pytest.fixture
def redis_cache(settings: Any) -> Iterator[str]:
    """Django's default cache on Redis (REDIS_TEST_URL) under a prefix of this test's own;
    the Redis database is emptied afterwards. Yields the prefix."""
    if not _redis_reachable():
        if os.environ.get("CI"):
            pytest.fail(f"Redis is required in CI (REDIS_TEST_URL: {REDIS_TEST_URL}).")
        pytest.skip(f"No Redis at {REDIS_TEST_URL}.")
    prefix = f"test-{uuid.uuid4().hex}"
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_TEST_URL,
            "KEY_PREFIX": prefix,
        },
    }
    yield prefix
    from django.core.cache import caches

    caches["default"].clear()
