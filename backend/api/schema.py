"""OpenAPI generation: error responses, tags and summaries for every operation."""

from collections.abc import Callable
from typing import TypeVar

from drf_spectacular.utils import extend_schema, extend_schema_view
from drf_standardized_errors.openapi import AutoSchema as StandardizedErrorsAutoSchema

T = TypeVar("T")


class AutoSchema(StandardizedErrorsAutoSchema):
    """Documents every error response a view can give (one shape, see `api/errors`).

    A view names its tag with `schema_tags`; without it the tag is the first
    path segment after `/api/v1/`.
    """

    def _should_add_error_response(self, responses: dict[str, object], status_code: str) -> bool:
        if status_code == "409":
            # Only writes can conflict with the state of a resource.
            return status_code not in responses and self.method in {"POST", "PUT", "PATCH", "DELETE"}
        return bool(super()._should_add_error_response(responses, status_code))

    def get_tags(self) -> list[str]:
        tags = getattr(self.view, "schema_tags", None)
        if tags:
            return list(tags)
        return super().get_tags()


def crud_schema(singular: str, plural: str, *, writes: str = "coordinators") -> Callable[[T], T]:
    """Summaries and descriptions for the standard operations of a ModelViewSet."""
    article = "an" if singular[0].lower() in "aeiou" else "a"
    return extend_schema_view(
        list=extend_schema(
            summary=f"List {plural}",
            description=f"A page of {plural}, filterable, searchable and orderable.",
        ),
        retrieve=extend_schema(
            summary=f"Get {article} {singular}", description=f"One {singular} by its id."
        ),
        create=extend_schema(
            summary=f"Create {article} {singular}",
            description=f"Create {article} {singular}. Only {writes} may do this.",
        ),
        update=extend_schema(
            summary=f"Replace {article} {singular}",
            description=f"Replace every writable field of {article} {singular}. "
            f"Only {writes} may do this.",
        ),
        partial_update=extend_schema(
            summary=f"Update {article} {singular}",
            description=f"Change some fields of {article} {singular}. Only {writes} may do this.",
        ),
        destroy=extend_schema(
            summary=f"Delete {article} {singular}",
            description=f"Delete {article} {singular}. Only {writes} may do this; "
            "a record still referenced elsewhere cannot be deleted (409).",
        ),
    )


