"""OpenAPI generation: error responses, tags and summaries for every operation."""

import re
from typing import Any, Literal

from django.utils import translation
from django.utils.functional import Promise
from drf_spectacular import generators
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from drf_standardized_errors.openapi import AutoSchema as StandardizedErrorsAutoSchema
from drf_standardized_errors.openapi_utils import (
    get_flat_serializer_fields,
    get_serializer_fields_with_error_codes,
)
from rest_framework import serializers

from api.conditional import ETAG, IF_MATCH, ConditionalWritesMixin

CSV = "text/csv"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class AutoSchema(StandardizedErrorsAutoSchema):
    """Documents every error response a view can give (one shape, see `api/errors`).

    A view names its tag with `schema_tags`; without it the tag is the first
    path segment after `/api/v1/`.
    """

    def _is_conditional_write(self) -> bool:
        return isinstance(self.view, ConditionalWritesMixin) and self.method in {"PUT", "PATCH"}

    def _should_add_error_response(self, responses: dict[str, object], status_code: str) -> bool:
        if status_code == "412":
            return self._is_conditional_write()
        if status_code == "409":
            # Only writes can conflict with the state of a resource.
            return status_code not in responses and self.method in {
                "POST",
                "PUT",
                "PATCH",
                "DELETE",
            }
        return bool(super()._should_add_error_response(responses, status_code))

    def _should_add_http404_error_response(self) -> bool:
        # A view may answer 404 without a path id (`providers/me/progress/` for a login
        # that is not a provider's): it says so with `raises_not_found`.
        return bool(
            getattr(self.view, "raises_not_found", False)
            or super()._should_add_http404_error_response()
        )

    def _should_add_validation_error_response(self) -> bool:
        # A list whose filters can never fail (booleans only) has no 400 to document.
        return bool(
            super()._should_add_validation_error_response()
            and (self._determine_fields_with_error_codes() or self._get_extra_validation_errors())
        )

    def _is_export_list(self) -> bool:
        return bool(
            self.method == "GET"
            and getattr(self.view, "export_columns", None)
            and self._is_list_view()
        )

    def get_override_parameters(self) -> list[Any]:
        parameters = list(super().get_override_parameters())
        action = getattr(self.view, "action", None)
        if isinstance(self.view, ConditionalWritesMixin) and action in (
            "retrieve",
            "create",
            "update",
            "partial_update",
        ):
            parameters.append(ETAG)
        if self._is_conditional_write():
            parameters.append(IF_MATCH)
        if self._is_export_list():
            parameters.append(
                OpenApiParameter(
                    "format",
                    str,
                    enum=["json", "csv", "xlsx"],
                    description="`csv` or `xlsx` download every row of the list, with the "
                    "same filters, search and order, as a spreadsheet (not paginated).",
                )
            )
        return parameters

    def _get_response_bodies(
        self, direction: Literal["request", "response"] = "response"
    ) -> dict[str, Any]:
        responses: dict[str, Any] = super()._get_response_bodies(direction)
        if self._is_export_list() and "200" in responses:
            content = responses["200"].setdefault("content", {})
            content[CSV] = {"schema": {"type": "string"}}
            content[XLSX] = {"schema": {"type": "string", "format": "binary"}}
        return responses

    def get_auth(self) -> list[dict[str, list[str]]]:
        auths: list[dict[str, list[str]]] = super().get_auth()
        anonymous_ok = any(
            permission.allows_anonymous(self.view, self.method)
            for permission in self.view.get_permissions()
            if hasattr(permission, "allows_anonymous")
        )
        if anonymous_ok and {} not in auths:
            auths.append({})
        return auths

    def _get_extra_validation_errors(self) -> dict[str, set[str]]:
        extra: dict[str, set[str]] = dict(super()._get_extra_validation_errors())
        paginator = self._get_paginator()
        page_size_param = getattr(paginator, "page_size_query_param", None)
        if page_size_param:
            extra.setdefault(page_size_param, set()).add("invalid")
        if self._is_export_list():
            extra.setdefault("format", set()).add("invalid_choice")
        query_serializer = getattr(self.view, "query_serializer", None)
        if self.method == "GET" and query_serializer is not None:
            # Query parameters read by a serializer (reports): their errors, by parameter.
            for field in get_serializer_fields_with_error_codes(
                get_flat_serializer_fields(query_serializer())
            ):
                extra.setdefault(field.name, set()).update(field.error_codes)
        view_ordering = getattr(self.view, "ordering_fields", None)
        if self.method == "GET" and view_ordering and self._is_list_view():
            extra.setdefault("ordering", set()).add("invalid_choice")
        item_serializer = getattr(self.view, "list_body_serializer", None)
        if self.method == "POST" and item_serializer is not None:
            # A body that may be a list: its items' errors are `0.level`, `1`, ….
            fields = get_serializer_fields_with_error_codes(
                get_flat_serializer_fields(item_serializer())
            )
            for field in fields:
                extra.setdefault(f"INDEX.{field.name}", set()).update(field.error_codes)
            for name, codes in list(extra.items()):
                if not name.startswith("INDEX") and name not in ("non_field_errors", "ordering"):
                    extra.setdefault(f"INDEX.{name}", set()).update(codes)
            extra.setdefault("INDEX", set()).update({"null", "invalid"})
            extra.setdefault("non_field_errors", set()).update(
                {"min_length", "max_length", "not_a_list"}
            )
        if self.method in {"POST", "PUT", "PATCH"}:
            serializer = self.get_request_serializer()
            if isinstance(serializer, type):
                serializer = serializer()
            for name, field in getattr(serializer, "fields", {}).items():
                # Errors drf-standardized-errors does not see on nested lists:
                # a required list left out, and a null item (`steps.0`).
                if isinstance(field, serializers.ListSerializer) and not field.read_only:
                    extra.setdefault(name, set()).add("null")
                    if field.required and self.method != "PATCH":
                        extra.setdefault(name, set()).add("required")
                    extra.setdefault(f"{name}.INDEX", set()).add("null")
                    for bound in ("min_length", "max_length"):
                        if getattr(field, bound, None) is not None:
                            extra.setdefault(f"{name}.non_field_errors", set()).add(bound)
        return extra

    def _map_serializer_field(
        self, field: Any, direction: str, bypass_extensions: bool = False
    ) -> dict[str, Any]:
        schema: dict[str, Any] = super()._map_serializer_field(field, direction, bypass_extensions)
        # drf-spectacular ignores the bounds of nested lists (`many=True, min_length=…`).
        if isinstance(field, serializers.ListSerializer) and schema.get("type") == "array":
            for bound, keyword in (("min_length", "minItems"), ("max_length", "maxItems")):
                if getattr(field, bound, None) is not None:
                    schema[keyword] = getattr(field, bound)
        return schema

    def _unwrap_list_serializer(self, serializer: Any, direction: Any) -> Any:
        schema = super()._unwrap_list_serializer(serializer, direction)
        if isinstance(schema, dict) and schema.get("type") == "array":
            for bound, keyword in (("min_length", "minItems"), ("max_length", "maxItems")):
                if getattr(serializer, bound, None) is not None:
                    schema[keyword] = getattr(serializer, bound)
        return schema

    def get_tags(self) -> list[str]:
        tags = getattr(self.view, "schema_tags", None)
        if tags:
            return list(tags)
        return super().get_tags()


def crud_schema(
    singular: str, plural: str, *, writes: str = "coordinators", skip: tuple[str, ...] = ()
) -> Any:
    """Summaries and descriptions for the standard operations a ViewSet has."""
    article = "an" if singular[0].lower() in "aeiou" else "a"
    docs = {
        "list": (f"List {plural}", f"A page of {plural}, filterable, searchable and orderable."),
        "retrieve": (f"Get {article} {singular}", f"One {singular} by its id."),
        "create": (
            f"Create {article} {singular}",
            f"Create {article} {singular}. Only {writes} may do this.",
        ),
        "update": (
            f"Replace {article} {singular}",
            f"Replace every writable field of {article} {singular}. Only {writes} may do this.",
        ),
        "partial_update": (
            f"Update {article} {singular}",
            f"Change some fields of {article} {singular}. Only {writes} may do this.",
        ),
        "destroy": (
            f"Delete {article} {singular}",
            f"Delete {article} {singular}. Only {writes} may do this; "
            "a record still referenced elsewhere cannot be deleted (409).",
        ),
    }

    def decorate(view: Any) -> Any:
        present = {
            action: extend_schema(summary=summary, description=description)
            for action, (summary, description) in docs.items()
            if hasattr(view, action) and action not in skip
        }
        return extend_schema_view(**present)(view)

    return decorate


INDEXED = re.compile(r"(^|\.)INDEX(\.|$)")


def postprocess_indexed_error_attrs(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """Make documented error attrs match real ones for items of lists.

    drf-standardized-errors names the attr of an error on a list item
    `steps.INDEX.module`, while responses say `steps.0.module`. Such attrs become
    patterns, and the `attr` discriminator that cannot map them is dropped
    (`oneOf` still tells the components apart by their attr).
    """
    # Every body Parcours reads is required (the JSON parser refuses an empty one).
    for item in result.get("paths", {}).values():
        for operation in item.values():
            if isinstance(operation, dict) and "requestBody" in operation:
                operation["requestBody"]["required"] = True
    schemas = result.get("components", {}).get("schemas", {})
    for component in schemas.values():
        if not isinstance(component, dict):
            continue
        properties = component.get("properties")
        attr = properties.get("attr", {}) if isinstance(properties, dict) else {}
        values = attr.get("enum") or []
        if len(values) == 1 and isinstance(values[0], str) and INDEXED.search(values[0]):
            attr.pop("enum")
            attr.pop("description", None)
            attr["pattern"] = "^" + re.escape(values[0]).replace("INDEX", r"\d+") + "$"
        discriminator = component.get("discriminator")
        if (
            isinstance(discriminator, dict)
            and discriminator.get("propertyName") == "attr"
            and any(
                not isinstance(key, str) or ".INDEX" in key
                for key in discriminator.get("mapping", {})
            )
        ):
            component.pop("discriminator")
    return result


class SchemaGenerator(generators.SchemaGenerator):
    """The schema is written in English whatever the request's or the command's language,
    so the served schema, `manage.py spectacular` and the committed file are the same."""

    def get_schema(self, request: Any = None, public: bool = False) -> Any:
        with translation.override("en"):
            # Lazy texts are rendered here, while English is active.
            return _resolve_lazy(super().get_schema(request=request, public=public))


def _resolve_lazy(value: Any) -> Any:
    if isinstance(value, dict):
        return {_resolve_lazy(key): _resolve_lazy(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_resolve_lazy(item) for item in value)
    if isinstance(value, Promise):
        return str(value)
    return value
