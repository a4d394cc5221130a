"""Request rates: per login (a partner client acts as its own login), and per address when
anonymous (failed sign-ins: accounts.sign_in_failures).

Over a rate, the answer is a 429 in the one error shape with a `Retry-After` header.
The rates are read from `settings.THROTTLE_RATES` at each request (`None`: no limit).
Counters live in the configured cache: per process with Django's default memory cache,
shared between servers with Redis.

A process takes a login's allowance from the shared counter a few requests at a time
(1 % of the rate, at least one): it counts one round trip per hundredth of the rate
rather than per request. The sum of what every process takes never exceeds the rate, so
no login is served beyond it; a process may still hold requests it took when the others
have none left, so with N processes a login may be refused up to (N - 1) % of its rate
early. Rates under 200 are counted request by request.
"""

import threading
from typing import Any

from django.conf import settings
from django.core.cache import cache
from rest_framework.request import Request
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle


def _rate(scope: str | None) -> str | None:
    """The rate of `scope`, read from the settings when asked (not at import)."""
    rate: str | None = settings.THROTTLE_RATES.get(scope or "")
    return rate


# Per counter (who and which window): the requests this process took and has not served
# yet. Emptied when it grows past KEPT (what it held is then lost, never given twice).
KEPT = 10_000
_held: dict[str, int] = {}
_holding = threading.Lock()


class FixedWindow:
    """Counts requests per window (a second, minute, hour or day, as the rate says) with
    atomic increments of a cache counter, taken a few at a time: the same cost whatever the
    rate, where DRF's own throttles keep every request's time within the window."""

    rate: str | None
    num_requests: int
    duration: int
    timer: Any
    scope: str | None

    def get_rate(self) -> str | None:
        return _rate(self.scope)

    def allow_request(self, request: Request, view: Any) -> bool:
        if self.rate is None:
            return True
        ident = self.get_cache_key(request, view)  # type: ignore[attr-defined]
        if ident is None:
            return True
        now = int(self.timer())
        start = now - now % self.duration
        self.retry_after = start + self.duration - now
        key = f"{ident}:{start}"
        with _holding:
            held = _held.pop(key, 0)
            if held:
                if held > 1:
                    _held[key] = held - 1
                return True
        take = max(1, self.num_requests // 100)
        try:
            count = cache.incr(key, take)  # one round trip, once the window's counter exists
        except ValueError:
            # The window's first request (or its counter was dropped); unless another
            # request made the counter meanwhile.
            count = take if cache.add(key, take, self.duration) else cache.incr(key, take)
        # What is left of the rate, of what was just taken (the counter may pass the rate).
        granted = min(take, self.num_requests - (count - take))
        if granted <= 0:
            return False
        if granted > 1:
            with _holding:
                if len(_held) >= KEPT:
                    _held.clear()
                _held[key] = _held.get(key, 0) + granted - 1
        return True

    def wait(self) -> float:
        return max(1, self.retry_after)


class PerLoginThrottle(FixedWindow, UserRateThrottle):
    """Requests per signed-in login (scope `user`)."""


class PerAddressThrottle(FixedWindow, AnonRateThrottle):
    """Requests per address of anonymous callers (scope `anon`)."""
