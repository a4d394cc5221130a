"""Progress profiles served again from the cache, and every write that must stop that.

Each write below is made after the profile was read (and kept); the profile read next
must be the one computed afresh from the database. See progress/profile_cache.py.
"""

import datetime as dt
import json
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from catalogue.models import ModuleCompetency, PathTarget
from people.models import Provider
from progress import profile_cache
from progress.models import ProviderCompetencyLevel
from progress.selectors import provider_progress
from tests.conftest import REDIS_TEST_URL, client_for
from tests.factories import (
    CompletionFactory,
    CoordinatorFactory,
    EnrolmentFactory,
    ProviderFactory,
    ProviderUserFactory,
    SessionFactory,
)
from tests.progress.test_progress import rate
from training import services as training
from training.models import Completion

READ = "/api/v1/providers/{}/progress/"


@pytest.fixture
def learner(world):  # type: ignore[no-untyped-def]
    """A provider following the path, with one rating and the introduction to Facebook
    completed: D1 is recommended to them."""
    user = ProviderUserFactory()
    user.provider.assigned_paths.add(world["path"])
    rate(user.provider, world["strategy"], 1)
    world["intro_completed"] = CompletionFactory(provider=user.provider, module=world["intro"])
    return user.provider


@pytest.fixture
def coordinator_reads():  # type: ignore[no-untyped-def]
    client = client_for(CoordinatorFactory())

    def read(provider: Provider) -> Any:
        response = client.get(READ.format(provider.pk))
        assert response.status_code == 200, response.content
        return response.json()

    return read


def fresh(provider: Provider) -> Any:
    """The profile computed from the database now (nothing kept), as JSON gives it."""
    with override_settings(PROGRESS_CACHE_SECONDS=0):
        computed = provider_progress(provider_id=provider.pk)
    return json.loads(json.dumps(computed, default=str))


def by_code(body: Any) -> dict[str, Any]:
    return {row["code"]: row for row in body["competencies"]}


class TestServedAgain:
    def test_a_second_read_reads_neither_the_facts_nor_the_sessions(
        self, learner, coordinator_reads
    ):
        first = coordinator_reads(learner)
        assert first["recommendations"]  # the costly part is there to be kept
        with CaptureQueriesContext(connection) as queries:
            second = coordinator_reads(learner)
        assert second == first
        assert len(queries) == 0  # the login is cached, the versions are in the cache

    def test_a_modules_sessions_are_read_once_for_everyone(self, learner, world, coordinator_reads):
        _session_for(world)
        other = ProviderFactory()
        other.assigned_paths.add(world["path"])
        coordinator_reads(learner)
        with CaptureQueriesContext(connection) as queries:
            body = coordinator_reads(other)
        assert len(queries) == 1  # the facts (with the catalogue's version)
        assert body == fresh(other)
        assert [len(r["sessions"]) for r in body["recommendations"]] == [1]

    def test_the_provider_and_a_coordinator_share_it(self, learner, coordinator_reads):
        own = client_for(learner.user).get("/api/v1/providers/me/progress/")
        with CaptureQueriesContext(connection) as queries:
            assert coordinator_reads(learner) == own.json()
        assert len(queries) == 1  # the coordinator's login, read for the first time

    def test_each_language_has_its_own(self, learner, world):
        world["strategy"].name_en = "Strategy"
        world["strategy"].name_fr = "Stratégie"
        world["strategy"].save()
        client = client_for(learner.user)
        names = {
            language: by_code(
                client.get("/api/v1/providers/me/progress/", HTTP_ACCEPT_LANGUAGE=language).json()
            )["STRATEGY"]["name"]
            for language in ("fr", "en", "fr")
        }
        assert names == {"fr": "Stratégie", "en": "Strategy"}

    def test_nothing_is_kept_when_switched_off(self, learner, world, coordinator_reads, settings):
        settings.PROGRESS_CACHE_SECONDS = 0
        _session_for(world)
        coordinator_reads(learner)
        with CaptureQueriesContext(connection) as queries:
            coordinator_reads(learner)
        assert len(queries) == 3  # the facts, the sessions, their enrolments

    def test_an_unknown_provider_is_not_kept(self, db):
        client = client_for(CoordinatorFactory())
        assert client.get(READ.format(999_999)).status_code == 404
        with CaptureQueriesContext(connection) as queries:
            assert client.get(READ.format(999_999)).status_code == 404
        assert len(queries) == 1  # the facts: asked again


def _session_for(world: dict[str, Any]) -> Any:
    return SessionFactory(module=world["day1"], capacity=2)


# Each write, made on a learner whose profile was read and kept. It returns what the
# answer must show afterwards, checked beside the comparison with a fresh computation.
WRITES: dict[str, Callable[[Provider, dict[str, Any]], Callable[[Any], bool]]] = {}


def write(function: Callable[..., Any]) -> Callable[..., Any]:
    WRITES[function.__name__] = function
    return function


@write
def a_rating_through_the_api(provider, world):  # type: ignore[no-untyped-def]
    response = client_for(provider.user).post(
        "/api/v1/self-assessments/",
        {"provider": provider.pk, "competency": world["strategy"].pk, "level": 2},
        format="json",
    )
    assert response.status_code == 201, response.content
    return lambda body: by_code(body)["STRATEGY"]["self_assessed_level"] == 2


@write
def a_completion(provider, world):  # type: ignore[no-untyped-def]
    CompletionFactory(provider=provider, module=world["day1"])
    return lambda body: by_code(body)["STRATEGY"]["evidenced_level"] == 3


@write
def a_void(provider, world):  # type: ignore[no-untyped-def]
    completion = world["intro_completed"]
    training.completion_void(completion=completion, reason="error", actor=None)
    return lambda body: by_code(body)["FACEBOOK"]["evidenced_level"] is None


@write
def a_bulk_replacement(provider, world):  # type: ignore[no-untyped-def]
    record = Completion(
        provider=provider,
        module=world["day1"],
        completed_on=timezone.localdate(),
        outcome="completed",
        source="partner",
    )
    training.completions_replace(voids=[], records=[record], reason="", actor=None)
    return lambda body: by_code(body)["STRATEGY"]["evidenced_level"] == 3


@write
def a_path_taken_away(provider, world):  # type: ignore[no-untyped-def]
    provider.assigned_paths.remove(world["path"])
    return lambda body: body["paths"] == [] and body["recommendations"] == []


@write
def a_path_cleared_from_its_side(provider, world):  # type: ignore[no-untyped-def]
    world["path"].assigned_providers.clear()
    return lambda body: body["paths"] == []


@write
def what_a_module_teaches(provider, world):  # type: ignore[no-untyped-def]
    ModuleCompetency.objects.filter(module=world["intro"]).update(level=1)  # no signal…
    link = ModuleCompetency.objects.get(module=world["intro"])
    link.level = 3  # …this save sends one
    link.save()
    return lambda body: by_code(body)["FACEBOOK"]["evidenced_level"] == 3


@write
def a_paths_target(provider, world):  # type: ignore[no-untyped-def]
    target = PathTarget.objects.get(path=world["path"], competency=world["strategy"])
    target.level = 4
    target.save()
    return lambda body: by_code(body)["STRATEGY"]["target_level"] == 4


@write
def someone_else_takes_a_place(provider, world):  # type: ignore[no-untyped-def]
    session = world["kept_session"]
    EnrolmentFactory(session=session, provider=ProviderFactory())
    return lambda body: body["recommendations"][0]["sessions"][0]["places_left"] == 1


@write
def a_new_session(provider, world):  # type: ignore[no-untyped-def]
    sooner = SessionFactory(module=world["day1"], starts_at=timezone.now() + dt.timedelta(days=2))
    return lambda body: body["recommendations"][0]["sessions"][0]["session"] == sooner.pk


@write
def a_session_cancelled(provider, world):  # type: ignore[no-untyped-def]
    training.session_cancel(session=world["kept_session"], reason="weather")
    return lambda body: body["recommendations"][0]["sessions"] == []


@write
def a_competency_renamed(provider, world):  # type: ignore[no-untyped-def]
    world["strategy"].name = "Stratégie digitale"
    world["strategy"].save()
    return lambda body: by_code(body)["STRATEGY"]["name"] == "Stratégie digitale"


@write
def a_competency_level_edited_in_the_admin(provider, world):  # type: ignore[no-untyped-def]
    row = ProviderCompetencyLevel.objects.get(provider=provider, competency=world["strategy"])
    row.level = 4
    row.save()
    return lambda body: by_code(body)["STRATEGY"]["self_assessed_level"] == 4


@pytest.mark.parametrize("name", sorted(WRITES))
def test_a_write_makes_the_next_read_fresh(name, learner, world, coordinator_reads):
    world["kept_session"] = _session_for(world)
    before = coordinator_reads(learner)
    assert coordinator_reads(learner) == before  # kept
    shows = WRITES[name](learner, world)
    after = coordinator_reads(learner)
    assert after == fresh(learner)
    assert after != before
    assert shows(after)


def test_a_removed_provider_is_no_longer_served(world):
    provider = ProviderFactory()
    rate(provider, world["strategy"], 2)
    client = client_for(CoordinatorFactory())
    assert client.get(READ.format(provider.pk)).status_code == 200
    Provider.objects.filter(pk=provider.pk).delete()
    assert client.get(READ.format(provider.pk)).status_code == 404


class TestVersions:
    def test_a_write_bumps_the_version_again_when_it_commits(
        self, learner, django_capture_on_commit_callbacks
    ):
        """A reader between the write and its commit saw the new version but the old data:
        what it cached is under a version that the commit bumps."""
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            profile_cache.invalidate([learner.pk])
            during = profile_cache.versions(learner.pk)
        for callback in callbacks:
            callback()
        after = profile_cache.versions(learner.pk)
        assert during[0] != after[0]
        assert during[1] == after[1]

    def test_a_lost_version_is_made_anew_never_reused(self, learner, coordinator_reads, world):
        """The cache may drop a version (memory full): the next read must not find a profile
        cached under the version of before, whatever was written meanwhile."""
        before = coordinator_reads(learner)
        versions = profile_cache.PROGRESS_VERSIONS
        cache.delete_many([versions.key(learner.pk), versions.key(profile_cache.EVERYONE)])
        ProviderCompetencyLevel.objects.filter(
            provider=learner, competency=world["strategy"]
        ).update(
            level=4  # a write that sends no signal: only the lost version can tell
        )
        after = coordinator_reads(learner)
        assert after != before
        assert by_code(after)["STRATEGY"]["self_assessed_level"] == 4


@pytest.mark.django_db
class TestExpiry:
    @pytest.mark.parametrize(("later", "kept"), [(50, True), (101, False), (299, False)])
    def test_a_profile_is_kept_until_the_first_session_it_considered_starts(
        self, later, kept, learner, world, coordinator_reads, monkeypatch
    ):
        SessionFactory(module=world["day1"], starts_at=timezone.now() + dt.timedelta(seconds=100))
        coordinator_reads(learner)
        now = time.time()
        monkeypatch.setattr(time, "time", lambda: now + later)  # the cache's clock
        with CaptureQueriesContext(connection) as queries:
            coordinator_reads(learner)
        assert (len(queries) == 0) is kept

    def test_an_answer_is_not_kept_past_the_start_of_a_session_it_considered(self):
        calls = []

        def compute() -> tuple[bytes, dt.datetime | None]:
            calls.append(1)
            return b"{}", timezone.now() - dt.timedelta(seconds=1)

        provider = ProviderFactory()
        profile_cache.profile(provider.pk, compute)
        profile_cache.profile(provider.pk, compute)
        assert len(calls) == 2

    def test_without_a_session_it_is_kept_for_the_settings_time(self):
        calls = []

        def compute() -> tuple[bytes, dt.datetime | None]:
            calls.append(1)
            return b"{}", None

        provider = ProviderFactory()
        assert profile_cache.profile(provider.pk, compute) == b"{}"
        assert profile_cache.profile(provider.pk, compute) == b"{}"
        assert len(calls) == 1


@pytest.mark.usefixtures("redis_cache")
class TestWithRedis:
    """The same with the shared cache of production (REDIS_URL)."""

    def test_kept_then_made_fresh_by_a_write(self, learner, world, coordinator_reads):
        """Only the versions are in Redis; the profiles in the process."""
        import redis

        session = _session_for(world)
        before = coordinator_reads(learner)
        with CaptureQueriesContext(connection) as queries:
            assert coordinator_reads(learner) == before
        assert len(queries) == 0
        redis_keys = redis.Redis.from_url(REDIS_TEST_URL).keys(f"{cache.key_prefix}:*")
        kinds = {key.decode().split(":")[-2] for key in redis_keys}
        assert kinds == {"progress-version", "login-version"}
        EnrolmentFactory(session=session, provider=ProviderFactory())
        after = coordinator_reads(learner)
        assert after == fresh(learner)
        assert after["recommendations"][0]["sessions"][0]["places_left"] == 1
