"""Base ViewSets: ids in URLs are integers that fit the database."""

from typing import Any

from django.db.models import QuerySet
from rest_framework import viewsets

from api.conditional import ConditionalWritesMixin

ID_PATTERN = r"[0-9]{1,18}"


class ModelViewSet(ConditionalWritesMixin, viewsets.ModelViewSet):
    """A ModelViewSet whose `{id}` is a number (anything else is a 404 before any query),
    with an `ETag` on every record and `If-Match` honoured on updates (`api.conditional`)."""

    lookup_value_regex = ID_PATTERN


class ReadOnlyModelViewSet(viewsets.ReadOnlyModelViewSet):
    lookup_value_regex = ID_PATTERN


class ScopedQuerysetMixin:
    """A queryset that depends on the caller, from `scoped_queryset()`.

    While the schema is generated there is no real caller: the view then gives an
    empty queryset of `scoped_model`, so path ids are typed from the model and no
    authentication runs on the generator's fake request.
    """

    scoped_model: type[Any]

    def scoped_queryset(self) -> QuerySet[Any]:
        raise NotImplementedError

    def get_queryset(self) -> QuerySet[Any]:
        if getattr(self, "swagger_fake_view", False):
            return self.scoped_model._default_manager.none()
        return self.scoped_queryset()
