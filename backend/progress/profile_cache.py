"""Progress profiles cached until something they show changes (see common.caching).

A profile is read on every visit and changes far less often. What is cached, in the
local cache of each process:

- `PROFILES`: a profile's JSON, under the provider's progress version, the version of
  everyone, and the language;
- `UPCOMING_SESSIONS`: per module, its upcoming sessions with places (the same for every
  profile), under the version of everyone.

What invalidates them (`PROGRESS_VERSIONS`, in the shared cache):

- `invalidate(provider_ids)` bumps the version of these providers: every write to their
  facts (self-assessments, completions, enrolments, assigned paths, their current
  levels, their erasure or removal);
- `invalidate_all()` bumps the version of everyone: writes that move many providers at
  once or change the sessions recommended with their free places (any session or
  enrolment written, any write to the catalogue, a rebuild of the current levels).

The receivers in progress/receivers.py and the services call them. A cached value also
expires when the first of the upcoming sessions it considered starts, and after
`PROGRESS_CACHE_SECONDS` at most. That is 0 (nothing cached) unless the shared cache is
shared by every process (Redis, `REDIS_URL`). A profile served again costs one round
trip, for the two versions, and no query. See docs/performance.md.
"""

import datetime as dt
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.utils.translation import get_language

from common import caching

PROGRESS_VERSIONS = caching.Versions("progress-version")
EVERYONE = "all"
PROFILES = caching.Kind("progress-profile")
UPCOMING_SESSIONS = caching.Kind("upcoming-sessions")

# The version of everyone that the profile being computed was read with.
_everyone: ContextVar[str | None] = ContextVar("everyone", default=None)

# A module's upcoming sessions with places, and the start of the first one considered.
Upcoming = tuple[list[dict[str, Any]], dt.datetime | None]


def invalidate(provider_ids: Iterable[int]) -> None:
    """The facts of these providers changed: their cached profiles are no longer served."""
    if settings.PROGRESS_CACHE_SECONDS:
        PROGRESS_VERSIONS.bump(set(provider_ids))


def invalidate_all() -> None:
    """Something every profile may show changed: no cached profile is served any more."""
    if settings.PROGRESS_CACHE_SECONDS:
        PROGRESS_VERSIONS.bump([EVERYONE])


def versions(provider_id: int) -> tuple[str, str]:
    """The current progress versions of a provider and of everyone (one round trip)."""
    own, everyone = PROGRESS_VERSIONS.current([provider_id, EVERYONE])
    return own, everyone


def profile(
    provider_id: int, compute: Callable[[], tuple[bytes, dt.datetime | None] | None]
) -> bytes | None:
    """The profile's JSON, cached or computed by `compute`, which gives it with the moment
    it stops being true (or None: no such provider, and nothing is cached)."""
    seconds = settings.PROGRESS_CACHE_SECONDS
    if not seconds:
        computed = compute()
        return None if computed is None else computed[0]
    own, everyone = versions(provider_id)
    parts = (provider_id, own, everyone, get_language())
    body = PROFILES.get(*parts)
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
    PROFILES.set(body, *parts, seconds=caching.seconds_until(until, seconds))
    return body


def upcoming_sessions(
    module_ids: set[int], compute: Callable[[set[int]], dict[int, Upcoming]]
) -> dict[int, Upcoming]:
    """Per module, its upcoming sessions with places, cached or computed by `compute`: the
    same for every profile, cached until any session or enrolment is written (the version
    of everyone), until its first session starts, or `PROGRESS_CACHE_SECONDS` at most."""
    seconds = settings.PROGRESS_CACHE_SECONDS
    if not seconds or not module_ids:
        return compute(module_ids)
    everyone = _everyone.get() or PROGRESS_VERSIONS.current([EVERYONE])[0]
    result: dict[int, Upcoming] = UPCOMING_SESSIONS.get_many(
        {module_id: (everyone, module_id) for module_id in module_ids}
    )
    missing = module_ids - result.keys()
    if missing:
        for module_id, computed in compute(missing).items():
            result[module_id] = computed
            lifetime = caching.seconds_until(computed[1], seconds)
            UPCOMING_SESSIONS.set(computed, everyone, module_id, seconds=lifetime)
    return result
