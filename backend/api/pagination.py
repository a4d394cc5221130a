"""The one way Parcours paginates lists."""

from typing import Any

from rest_framework import pagination
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response


def strict_page_size(request: Request, param: str, default: int, maximum: int) -> int:
    """The requested page size: a positive integer, capped; anything else is a 400."""
    raw = request.query_params.get(param)
    if raw is None:
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise ValidationError({param: ["Must be a positive integer."]}, code="invalid")
    return min(int(raw), maximum)


def document_page_size(
    parameters: list[dict[str, Any]], param: str, default: int, maximum: int
) -> list[dict[str, Any]]:
    for parameter in parameters:
        if parameter["name"] == param:
            parameter["schema"]["minimum"] = 1
            parameter["description"] = (
                f"Results per page, {default} by default; values above {maximum} count as "
                f"{maximum}."
            )
    return parameters


class PageNumberPagination(pagination.PageNumberPagination):
    """`?page=` and `?page_size=` (1 or more; above 100 counts as 100; 50 by default).

    A `page_size` that is not a positive integer is a 400, not silently ignored; a `page`
    that is not one (empty included) is a 404, as a page past the last is.
    """

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 100
    last_page_strings = ()

    def get_page_number(self, request: Request, paginator: Any) -> Any:
        page = request.query_params.get(self.page_query_param)
        if page is not None and not (page.isdigit() and int(page) >= 1):
            raise NotFound("Invalid page.")
        return super().get_page_number(request, paginator)

    def get_page_size(self, request: Request) -> int:
        return strict_page_size(
            request, self.page_size_query_param, self.page_size, self.max_page_size
        )

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"]["minimum"] = 1
        return document_page_size(
            parameters, self.page_size_query_param, self.page_size, self.max_page_size
        )


class CursorPagination(pagination.CursorPagination):
    """`?cursor=` from `next`/`previous`, and `?page_size=`: no count, no OFFSET, so a
    page deep in a long history costs what the first does."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 100

    def get_page_size(self, request: Request) -> int:
        return strict_page_size(
            request, self.page_size_query_param, self.page_size, self.max_page_size
        )

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return document_page_size(
            super().get_schema_operation_parameters(view),
            self.page_size_query_param,
            self.page_size,
            self.max_page_size,
        )


class _FeedCursor(CursorPagination):
    ordering = ("updated_at", "id")

    def get_ordering(self, request: Request, queryset: Any, view: Any) -> tuple[str, ...]:
        return self.ordering


class ChangeFeedPagination(PageNumberPagination):
    """Pages by number; with `?updated_since=` (or a `cursor` from it), a change feed.

    In feed mode records come oldest change first, ordered by (`updated_at`, id),
    by cursor: a poller follows `next` until it is null, then polls again later
    with `updated_since` set to the last `updated_at` it saw. `count` is null there.
    """

    feed: _FeedCursor | None = None

    def paginate_queryset(self, queryset: Any, request: Request, view: Any = None) -> Any:
        params = request.query_params
        if "updated_since" in params or "cursor" in params:
            page = params.get(self.page_query_param)
            if page is not None and not (page.isdigit() and int(page) >= 1):
                raise NotFound("Invalid page.")
            self.feed = _FeedCursor()
            return self.feed.paginate_queryset(queryset, request, view)
        self.feed = None
        return super().paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data: Any) -> Any:
        if self.feed is None:
            return super().get_paginated_response(data)
        return Response(
            {
                "count": None,
                "next": self.feed.get_next_link(),
                "previous": self.feed.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        result: dict[str, Any] = super().get_paginated_response_schema(schema)
        result["properties"]["count"]["nullable"] = True
        result["properties"]["count"]["description"] = "Null in change-feed mode."
        return result

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return [
            *super().get_schema_operation_parameters(view),
            {
                "name": "cursor",
                "required": False,
                "in": "query",
                "description": "Change-feed position, from `next` (with `updated_since`).",
                "schema": {"type": "string"},
            },
        ]
