"""The caching vocabulary (common/caching.py): kinds, version stamps, object caches.

What each app caches, and every write that must invalidate it, is tested beside the app
(tests/progress/test_profile_cache.py, tests/api/test_cached_logins.py, the catalogue's
and the reports' cached reads)."""

import datetime as dt

import pytest
from django.core.cache import caches
from django.utils import timezone

from common import caching


class TestKind:
    def test_a_value_is_cached_under_its_kind_and_parts(self):
        kind = caching.Kind("example")
        kind.set("value", 1, "fr", seconds=60)
        assert kind.get(1, "fr") == "value"
        assert kind.get(1, "en") is None
        assert caches["local"].get("example:1:fr") == "value"

    def test_nothing_is_cached_for_less_than_a_second(self):
        kind = caching.Kind("example")
        kind.set("value", 1, seconds=0)
        kind.set("value", 2, seconds=-5)
        assert kind.get(1) is None
        assert kind.get(2) is None

    def test_many_values_are_read_at_once_by_entry(self):
        kind = caching.Kind("example")
        kind.set("a", "v1", 1, seconds=60)
        found = kind.get_many({1: ("v1", 1), 2: ("v1", 2)})
        assert found == {1: "a"}


def test_a_lifetime_ends_no_later_than_the_moment_given():
    soon = timezone.now() + dt.timedelta(seconds=30)
    assert caching.seconds_until(None, 300) == 300
    assert 28 <= caching.seconds_until(soon, 300) <= 30
    assert caching.seconds_until(soon, 10) == 10


@pytest.mark.django_db
class TestVersions:
    def test_a_version_is_made_once_then_read(self):
        versions = caching.Versions("example-version")
        first = versions.current([1, "all"])
        assert versions.current([1, "all"]) == first
        assert first[0] != first[1]

    def test_a_bump_gives_a_new_version_now_and_again_at_commit(
        self, django_capture_on_commit_callbacks
    ):
        versions = caching.Versions("example-version")
        [before] = versions.current([1])
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            versions.bump([1, 1])
            [during] = versions.current([1])
        for callback in callbacks:
            callback()
        [after] = versions.current([1])
        assert len({before, during, after}) == 3

    def test_bumping_nothing_registers_nothing(self, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            caching.Versions("example-version").bump([])
        assert callbacks == []

    @pytest.mark.usefixtures("redis_cache")
    def test_the_same_with_redis(self, django_capture_on_commit_callbacks):
        versions = caching.Versions("example-version")
        first = versions.current([1, 2])
        assert versions.current([1, 2]) == first
        with django_capture_on_commit_callbacks(execute=True):
            versions.bump([1])
        again = versions.current([1, 2])
        assert again[0] != first[0]
        assert again[1] == first[1]


class TestObjectCache:
    def test_an_object_is_kept_as_it_is(self):
        cache = caching.ObjectCache("example", max_entries=10)
        value: list[int] = []
        cache.set("key", value)
        assert cache.get("key") is value

    def test_it_is_emptied_when_full(self):
        cache = caching.ObjectCache("example", max_entries=2)
        cache.set(1, "a")
        cache.set(2, "b")
        cache.set(3, "c")
        assert (cache.get(1), cache.get(2), cache.get(3)) == (None, None, "c")

    def test_every_object_cache_is_emptied_at_once(self):
        cache = caching.ObjectCache("example", max_entries=10)
        cache.set(1, "a")
        caching.clear_object_caches()
        assert cache.get(1) is None
