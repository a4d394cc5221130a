"""Progress profiles served again from the cache until something they show changes.

A profile is read on every visit and changes far less often. Its JSON is kept under a
key made of:

- a token of the provider, replaced by every write to their facts (self-assessments,
  completions, enrolments, assigned paths, their standings, their erasure or removal);
- a token of every profile, replaced by writes that move many providers at once or that
  change the sessions recommended with their free places (any session or enrolment
  written, any write to the catalogue, a rebuild of the standings);
- the language.

The tokens follow `api.tokens`: replaced as soon as a write is made and again when its
transaction commits, made anew when lost. An answer also expires when the first of the
upcoming sessions it considered starts, and after `PROGRESS_CACHE_SECONDS` at most.

The tokens live in the default cache, which every server process must share (Redis,
`REDIS_URL`): `PROGRESS_CACHE_SECONDS` is 0 (nothing kept) unless it is. The answers
live in the memory of each process (the "local" cache), read without a round trip: a
process finds only what it computed itself, but what a write makes stale, no process
asks for again. A profile served again costs one round trip, for the two tokens, and no
query. See docs/performance.md.
"""

import datetime as dt
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.utils import timezone
from django.utils.translation import get_language

from api import tokens

EVERYONE = "progress-token:all"

# The token of everyone that the profile being computed was read with.
_everyone: ContextVar[str | None] = ContextVar("everyone", default=None)

# A module's upcoming sessions with places, and the start of the first one considered.
Upcoming = tuple[list[dict[str, Any]], dt.datetime | None]


def _token_key(provider_id: int) -> str:
    return f"progress-token:{provider_id}"


def _replace_now_and_at_commit(keys: list[str]) -> None:
    if settings.PROGRESS_CACHE_SECONDS:
        tokens.replace_now_and_at_commit(keys)


def forget(provider_ids: Iterable[int]) -> None:
    """The facts of these providers changed: their kept answers are no longer served."""
    _replace_now_and_at_commit([_token_key(pk) for pk in set(provider_ids)])


def forget_all() -> None:
    """Something every profile may show changed: no kept answer is served any more."""
    _replace_now_and_at_commit([EVERYONE])


def _tokens(provider_id: int) -> tuple[str, str]:
    """The current tokens of a provider and of everyone."""
    own, everyone = tokens.current([_token_key(provider_id), EVERYONE])
    return own, everyone


def profile(
    provider_id: int, compute: Callable[[], tuple[bytes, dt.datetime | None] | None]
) -> bytes | None:
    """The profile's JSON, kept or computed by `compute`, which gives it with the moment it
    stops being true (or None: no such provider, and nothing is kept)."""
    seconds = settings.PROGRESS_CACHE_SECONDS
    if not seconds:
        computed = compute()
        return None if computed is None else computed[0]
    own, everyone = _tokens(provider_id)
    key = f"progress:{provider_id}:{own}:{everyone}:{get_language()}"
    kept = caches["local"]
    body = kept.get(key)
    if body is not None:
        return body
    reading = _everyone.set(everyone)
    try:
        computed = compute()
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
    everyone = _everyone.get() or tokens.current([EVERYONE])[0]
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
