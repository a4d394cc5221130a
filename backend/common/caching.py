"""What is cached, under which version, and what invalidates it: one vocabulary.

- A **kind** (`Kind`, `ObjectCache`) is what is cached, under one plain name
  ("cached-read", "progress-profile", "login", ...), with its lifetime.
- A **version** is the stamp a cached value is stored under. When what the value was
  computed from changes, its version changes: the stale value is never asked for again,
  so nothing needs purging. A version is either read from the database (the catalogue's)
  or a stamp in the shared cache (`Versions`), bumped by the writes that make values
  stale: once when the write is made and again when its transaction commits.
- What **invalidates** a kind is the owner app's business: its receivers or services
  call `Versions.bump` (progress/profile_cache.py, api/authentication.py), or the
  catalogue's own version moves (catalogue/signals.py). A kind without a version (the
  reports) expires after its lifetime only.

Three stores:

- `SHARED` ("default" in `CACHES`): what every server process must see, the version
  stamps. Redis when `REDIS_URL` is set, else the memory of the process.
- `LOCAL` ("local" in `CACHES`): the memory of each process, read without a round
  trip, values pickled (each reader gets its own copy), with a timeout.
- `ObjectCache`: objects kept as they are in the memory of the process (neither
  copied nor pickled), for what is costly to copy; emptied when it grows past its size.

A process finds only what it computed itself; what a write made stale, no process asks
for again. The whole table is in docs/architecture.md ("Caching").
"""

import datetime as dt
import hashlib
import uuid
import weakref
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.core.cache import BaseCache, caches
from django.db import transaction
from django.http import HttpResponse, HttpResponseBase
from django.utils import timezone
from django.utils.translation import get_language
from django_redis.cache import RedisCache
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request

SHARED = "default"
LOCAL = "local"

Entry = TypeVar("Entry", bound=Hashable)


@dataclass(frozen=True)
class Kind:
    """What is cached: values of one kind in one cache alias, under keys made of the kind's
    name and the parts given (its version among them)."""

    name: str
    alias: str = LOCAL

    @property
    def cache(self) -> BaseCache:
        return caches[self.alias]

    def key(self, *parts: object) -> str:
        return ":".join([self.name, *(str(part) for part in parts)])

    def get(self, *parts: object) -> Any:
        """The value cached under these parts; None when there is none."""
        return self.cache.get(self.key(*parts))

    def get_many(self, parts: dict[Entry, tuple[object, ...]]) -> dict[Entry, Any]:
        """The values cached under each entry's parts, by entry, where there is one: one
        read for all."""
        keys = {entry: self.key(*entry_parts) for entry, entry_parts in parts.items()}
        found = self.cache.get_many(keys.values())
        return {entry: found[key] for entry, key in keys.items() if key in found}

    def set(self, value: Any, *parts: object, seconds: int) -> None:
        """Cache the value for `seconds` (nothing under one second)."""
        if seconds > 0:
            self.cache.set(self.key(*parts), value, seconds)


def seconds_until(moment: dt.datetime | None, at_most: int) -> int:
    """A lifetime of at most `at_most` seconds that ends no later than `moment`."""
    if moment is None:
        return at_most
    return min(at_most, int((moment - timezone.now()).total_seconds()))


@dataclass(frozen=True)
class Versions:
    """Version stamps in the shared cache, one per subject (a provider, a login, or
    "all"): a value computed from a subject's data is cached under its current stamp.

    A bump gives the subjects a new stamp as soon as the write is made and again when its
    transaction commits: a reader that saw the first new stamp but the data of before the
    commit cached them under a stamp that no one asks for after the commit. A stamp the
    cache lost (memory full) is made anew, never reused. With Redis, reading any number
    of stamps, and making those missing, is one round trip."""

    name: str

    def key(self, subject: object) -> str:
        return f"{self.name}:{subject}"

    def current(self, subjects: list[object]) -> list[str]:
        """The current stamps of these subjects, made where the cache has none."""
        return current_versions([self.key(subject) for subject in subjects])

    def bump(self, subjects: Iterable[object]) -> None:
        """What these subjects' stamps vouch for changed (or is changing in this
        transaction)."""
        bump_versions([self.key(subject) for subject in subjects])


def current_versions(keys: list[str]) -> list[str]:
    """The current version stamps under these keys of the shared cache, made where it has
    none: of one kind or several, in one round trip with Redis."""
    made = [uuid.uuid4().hex for _ in keys]
    cache = caches[SHARED]
    if isinstance(cache, RedisCache):
        client = cache.client
        pipe = client.get_client(write=True).pipeline(transaction=False)
        for key, version in zip(keys, made, strict=True):
            # Set unless there is one already, which is given back instead (Redis 7).
            pipe.set(client.make_key(key), client.encode(version), nx=True, get=True)
        found = pipe.execute()
        return [
            version if old is None else str(client.decode(old))
            for version, old in zip(made, found, strict=True)
        ]
    stored = cache.get_many(keys)
    versions = []
    for key, version in zip(keys, made, strict=True):
        if key not in stored:
            # Another process may have made one meanwhile: the one stored wins (and a
            # stamp no one else knows is as safe, if that one is gone again).
            added = cache.add(key, version, timeout=None)
            stored[key] = version if added else (cache.get(key) or version)
        versions.append(stored[key])
    return versions


def bump_versions(keys: list[str]) -> None:
    """Give these keys a new version stamp now and again when the transaction commits."""
    keys = list(dict.fromkeys(keys))
    if not keys:
        return
    _write_new_version(keys)
    # Robust: the write has committed; a cache that fails now must not stop the hooks
    # registered after this one (webhook deliveries).
    transaction.on_commit(lambda: _write_new_version(keys), robust=True)


def _write_new_version(keys: list[str]) -> None:
    """One new stamp for these keys: made now, it is new to each of them. With Redis, one
    MSET, where `set_many` sends a SET per key in a MULTI block."""
    version = uuid.uuid4().hex
    cache = caches[SHARED]
    if isinstance(cache, RedisCache):
        client = cache.client
        encoded = client.encode(version)
        client.get_client(write=True).mset({client.make_key(key): encoded for key in keys})
        return
    cache.set_many(dict.fromkeys(keys, version), timeout=None)


_object_caches: "weakref.WeakSet[ObjectCache]" = weakref.WeakSet()


@dataclass(eq=False)
class ObjectCache:
    """What is cached as objects kept as they are in this process (neither copied nor
    pickled), by key; emptied when it holds `max_entries` (what it held is computed
    again, never served stale). The key says the version where there is one."""

    name: str
    max_entries: int
    _entries: dict[Hashable, Any] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        _object_caches.add(self)

    def get(self, key: Hashable) -> Any:
        return self._entries.get(key)

    def set(self, key: Hashable, value: Any) -> None:
        if len(self._entries) >= self.max_entries:
            self._entries.clear()
        self._entries[key] = value

    def delete(self, key: Hashable) -> None:
        self._entries.pop(key, None)

    def clear(self) -> None:
        self._entries.clear()


def clear_object_caches() -> None:
    """Empty every `ObjectCache` of this process (tests roll database versions back)."""
    for cache in _object_caches:
        cache.clear()


# The JSON of reads that are the same for every caller, by view (CachedReadsMixin).
CACHED_READS = Kind("cached-read")
CACHED_READS_SECONDS = 24 * 3600


class CachedReadsMixin:
    """Caches the JSON of a ViewSet's `list` and `retrieve` under its `cache_version()`: a
    number that grows with every change to what it shows (read from the database, so
    every server sees a change at once). The JSON is cached under the version, the
    language and the full URL, scheme and host included (its pagination links name
    them). Authentication and permissions still run on every request."""

    def cache_version(self) -> int:
        raise NotImplementedError

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Any:
        return self._cached(
            request,
            lambda: super(CachedReadsMixin, self).list(  # type: ignore[misc,unused-ignore]
                request, *args, **kwargs
            ),
        )

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Any:
        return self._cached(
            request,
            lambda: super(CachedReadsMixin, self).retrieve(  # type: ignore[misc,unused-ignore]
                request, *args, **kwargs
            ),
        )

    def _cached(self, request: Request, compute: Callable[[], Any]) -> HttpResponseBase:
        if not isinstance(request.accepted_renderer, JSONRenderer):
            return compute()
        # The absolute URL, as the links name it: a caller through another host or scheme
        # gets its own. Hashed: any query string makes a key of fixed length.
        url = hashlib.sha256(request.build_absolute_uri().encode()).hexdigest()
        parts = (self.cache_version(), get_language(), url)
        cached = CACHED_READS.get(*parts)
        if cached is None:
            response = compute()
            if response.status_code != 200:
                return response
            body = request.accepted_renderer.render(
                response.data,
                request.accepted_media_type,
                self.get_renderer_context(),  # type: ignore[attr-defined]
            )
            cached = (body, response.get("ETag"))
            CACHED_READS.set(cached, *parts, seconds=CACHED_READS_SECONDS)
        body, tag = cached
        response = HttpResponse(body, content_type="application/json")
        if tag is not None:
            response["ETag"] = tag
        return response
