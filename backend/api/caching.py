"""Whole JSON answers kept in the cache, for reads that are the same for every caller.

A view names a `cache_version()`: a number that grows with every change to what
it shows (read from the database, so every server sees a change at once). The
answer is cached under the version, the language and the full URL, scheme and
host included (its pagination links name them); a change
makes a new version, so a stale answer is never served and nothing needs purging.
Authentication and permissions still run on every request.
"""

import hashlib
from collections.abc import Callable
from typing import Any

from django.core.cache import caches
from django.http import HttpResponse, HttpResponseBase
from django.utils.translation import get_language
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request

TIMEOUT = 24 * 3600


class CachedReadsMixin:
    """Caches the JSON of `list` and `retrieve` (see the module's docstring)."""

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
        # The absolute URL, as the answer's links name it: a caller through another host
        # or scheme gets its own. Hashed: any query string makes a key of fixed length.
        url = hashlib.sha256(request.build_absolute_uri().encode()).hexdigest()
        key = f"answer:{self.cache_version()}:{get_language()}:{url}"
        cached = caches["local"].get(key)
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
            caches["local"].set(key, cached, TIMEOUT)
        body, tag = cached
        answer = HttpResponse(body, content_type="application/json")
        if tag is not None:
            answer["ETag"] = tag
        return answer
