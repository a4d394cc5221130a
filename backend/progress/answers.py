"""Progress profiles served again from the cache until something they show changes.

A profile is read on every visit and changes far less often. Its JSON is kept in the
cache under a key made of:

- a token of the provider, replaced by every write to their facts (self-assessments,
  completions, enrolments, assigned paths, their standings, their erasure or removal);
- a token of every profile, replaced by writes that move many providers at once or that
  change the sessions recommended with their free places (any session or enrolment
  written, a path's targets, what a module teaches, a rebuild of the standings);
- the catalogue's version and the language.

A write replaces its tokens as soon as it is made and again when its transaction commits:
a reader that saw the first token but the data of before the commit stores its answer
under a key no one asks for after the commit. An answer also expires when the first of
the upcoming sessions it considered starts, and after `PROGRESS_CACHE_SECONDS` at most.

The tokens live in the default cache, which every server process must share (Redis,
`REDIS_URL`): `PROGRESS_CACHE_SECONDS` is 0 (nothing kept) unless it is. The answers
live in the memory of each process (the "local" cache), read without a round trip: a
process finds only what it computed itself, but what a write makes stale, no process
asks for again. One round trip per profile, for the two tokens. See docs/performance.md.
"""

import datetime as dt
import uuid
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.core.cache import cache, caches
from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language

from catalogue.signals import catalogue_version

EVERYONE = "progress-token:all"

# The token of everyone that the profile being computed was read with.
_everyone: ContextVar[str | None] = ContextVar("everyone", default=None)

# A module's upcoming sessions with places, and the start of the first one considered.
Upcoming = tuple[list[dict[str, Any]], dt.datetime | None]


def _token_key(provider_id: int) -> str:
    return f"progress-token:{provider_id}"


def _replace(keys: list[str]) -> None:
    tokens = {key: uuid.uuid4().hex for key in keys}
    cache.set_many(tokens, timeout=None)


def _replace_now_and_at_commit(keys: list[str]) -> None:
    if not keys or not settings.PROGRESS_CACHE_SECONDS:
        return
    _replace(keys)
    # Robust: the write has committed; a cache that fails now must not stop the hooks
    # registered after this one (webhook deliveries).
    transaction.on_commit(lambda: _replace(keys), robust=True)


def forget(provider_ids: Iterable[int]) -> None:
    """The facts of these providers changed: their kept answers are no longer served."""
    _replace_now_and_at_commit([_token_key(pk) for pk in set(provider_ids)])


def forget_all() -> None:
    """Something every profile may show changed: no kept answer is served any more."""
    _replace_now_and_at_commit([EVERYONE])


def _current(keys: list[str]) -> list[str]:
    """The current tokens under these keys, made when the cache has none."""
    found = cache.get_many(keys)
    for key in keys:
        if key not in found:
            token = uuid.uuid4().hex
            # Another process may have made one meanwhile: the one kept wins (and a token
            # no one else knows is as safe, if that one is gone again).
            stored = cache.add(key, token, timeout=None)
            found[key] = token if stored else (cache.get(key) or token)
    return [found[key] for key in keys]


def _tokens(provider_id: int) -> tuple[str, str]:
    """The current tokens of a provider and of everyone."""
    own, everyone = _current([_token_key(provider_id), EVERYONE])
    return own, everyone


def profile(
    provider_id: int, compute: Callable[[int], tuple[bytes, dt.datetime | None] | None]
) -> bytes | None:
    """The profile's JSON, kept or computed by `compute` (given the catalogue's version),
    which gives it with the moment it stops being true (or None: no such provider, and
    nothing is kept)."""
    seconds = settings.PROGRESS_CACHE_SECONDS
    version = catalogue_version()
    if not seconds:
        computed = compute(version)
        return None if computed is None else computed[0]
    own, everyone = _tokens(provider_id)
    key = f"progress:{provider_id}:{own}:{everyone}:{version}:{get_language()}"
    kept = caches["local"]
    body = kept.get(key)
    if body is not None:
        return body
    reading = _everyone.set(everyone)
    try:
        computed = compute(version)
    finally:
        _everyone.reset(reading)
    if computed is None:
        return None
    body, until = computed
    if until is not None:
        seconds = min(seconds, int((until - timezone.now()).total_seconds()))
    if seconds > 0:
        kept.set(key, body, seconds)
    return body


def upcoming(
    module_ids: set[int], compute: Callable[[set[int]], dict[int, Upcoming]]
) -> dict[int, Upcoming]:
    """Per module, its upcoming sessions with places, kept or computed by `compute`: the
    same for every profile, kept until any session or enrolment is written (the token of
    everyone), until its first session starts, or `PROGRESS_CACHE_SECONDS` at most."""
    seconds = settings.PROGRESS_CACHE_SECONDS
    if not seconds or not module_ids:
        return compute(module_ids)
    everyone = _everyone.get() or _current([EVERYONE])[0]
    kept = caches["local"]
    keys = {module_id: f"upcoming:{everyone}:{module_id}" for module_id in module_ids}
    found = kept.get_many(keys.values())
    result = {module_id: found[key] for module_id, key in keys.items() if key in found}
    missing = module_ids - result.keys()
    if missing:
        now = timezone.now()
        for module_id, computed in compute(missing).items():
            result[module_id] = computed
            until = computed[1]
            timeout = seconds if until is None else min(seconds, int((until - now).total_seconds()))
            if timeout > 0:
                kept.set(keys[module_id], computed, timeout)
    return result
