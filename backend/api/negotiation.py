"""Content negotiation: DRF's, with its commonest case answered at once; and for views that
answer in a fixed media type."""

from collections.abc import Iterable
from typing import Any

from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request

# What DRF reads when a request sends no Accept header.
ANY_MEDIA_TYPE = "*/*"


class ContentNegotiation(DefaultContentNegotiation):
    """DRF's negotiation. A request that accepts anything, or just the first renderer's
    media type, without a format suffix, gets that renderer, as DRF would give it, without
    parsing and ranking media types on every request."""

    def select_renderer(
        self, request: Request, renderers: Iterable[BaseRenderer], format_suffix: Any = None
    ) -> tuple[BaseRenderer, str]:
        renderers = list(renderers)
        first = renderers[0] if renderers else None
        if (
            first is not None
            and format_suffix is None
            and self.settings.URL_FORMAT_OVERRIDE is None
        ):
            accept = request.META.get("HTTP_ACCEPT", ANY_MEDIA_TYPE).strip()
            if accept in (ANY_MEDIA_TYPE, first.media_type):
                return first, str(first.media_type)
        return super().select_renderer(request, renderers, format_suffix)


class IgnoreClientContentNegotiation(DefaultContentNegotiation):
    """Exports and charts choose their media type from the query (`?format=`) or the path
    (`.svg`), not from `Accept`; their errors are always JSON, in the one error shape."""

    def select_renderer(
        self, request: Request, renderers: Iterable[BaseRenderer], format_suffix: Any = None
    ) -> tuple[BaseRenderer, str]:
        renderer = next(iter(renderers))
        return renderer, str(renderer.media_type)
