"""Content negotiation for views that answer in a fixed media type."""

from collections.abc import Iterable
from typing import Any

from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request


class IgnoreClientContentNegotiation(DefaultContentNegotiation):
    """Exports and charts choose their media type from the query (`?format=`) or the path
    (`.svg`), not from `Accept`; their errors are always JSON, in the one error shape."""

    def select_renderer(
        self, request: Request, renderers: Iterable[BaseRenderer], format_suffix: Any = None
    ) -> tuple[BaseRenderer, str]:
        renderer = next(iter(renderers))
        return renderer, str(renderer.media_type)
