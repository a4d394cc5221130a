"""No lost updates: an `ETag` on every record read or written, `If-Match` honoured on writes.

A record's entity tag is its id and the moment it was last saved (`updated_at`, which
every write moves): `"<id>-<microseconds>"`. It does not depend on the language or on
who reads. A `PUT` or `PATCH` with `If-Match` is applied only if the record still has
one of the tags given (`*`: any); the record is locked while this is checked and
written, so of two writers holding the same tag, the second gets a 412 and loses
nothing it cannot see. Without `If-Match` the write is applied as before.
"""

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Model
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import exceptions, status
from rest_framework.request import Request
from rest_framework.response import Response

IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    required=False,
    description="The `ETag` of the record as last read: the write is refused (412) if the "
    "record has changed since.",
)


ETAG = OpenApiParameter(
    "ETag",
    OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    response=[200, 201],
    description="The record's entity tag, to send back as `If-Match` with a change.",
)


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = "The record has changed since it was read; read it again."
    default_code = "precondition_failed"


def entity_tag(pk: Any, updated_at: dt.datetime) -> str:
    return f'"{pk}-{int(updated_at.timestamp() * 1_000_000)}"'


def tag_of(instance: Model) -> str:
    return entity_tag(instance.pk, instance.updated_at)  # type: ignore[attr-defined]


def _matches(header: str, current: str) -> bool:
    tags = [tag.strip().removeprefix("W/") for tag in header.split(",")]
    return "*" in tags or current in tags


class ConditionalWritesMixin:
    """ETag on `retrieve`, `create`, `update` and `partial_update`; If-Match on updates."""

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        instance = self.get_object()  # type: ignore[attr-defined]
        response = Response(self.get_serializer(instance).data)  # type: ignore[attr-defined]
        response["ETag"] = tag_of(instance)
        return response

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        expected = request.headers.get("If-Match")
        with transaction.atomic():
            if expected is not None:
                instance = self.get_object()  # type: ignore[attr-defined]
                model = type(instance)
                saved = (
                    model.objects.select_for_update()
                    .filter(pk=instance.pk)
                    .values_list("updated_at", flat=True)
                    .get()
                )
                if not _matches(expected, entity_tag(instance.pk, saved)):
                    raise PreconditionFailed()
            response: Response = super().update(request, *args, **kwargs)  # type: ignore[misc]
        return self._tagged(response)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._tagged(super().create(request, *args, **kwargs))  # type: ignore[misc]

    def _tagged(self, response: Response) -> Response:
        record_id = response.data.get("id") if isinstance(response.data, dict) else None
        if record_id is not None and response.status_code in (200, 201):
            model = self.get_queryset().model  # type: ignore[attr-defined]
            saved = model.objects.filter(pk=record_id).values_list("updated_at", flat=True)
            response["ETag"] = entity_tag(record_id, saved.get())
        return response
