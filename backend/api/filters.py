"""Filter types shared by every app.

Query parameters are checked as strictly as bodies: `?is_active=maybe`,
`?framework=` or `?ordering=nonsense` are a 400 naming the parameter, not a
silently ignored filter.
"""

import datetime as dt
from typing import Any

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema_field
from rest_framework import exceptions, filters
from rest_framework.request import Request
from rest_framework.views import APIView

from api.fields import OUT_OF_RANGE, within_days

MAX_ID = 2**63 - 1


class StrictIntegerField(forms.IntegerField):
    """An integer; an empty value given explicitly is invalid, not 'no filter'."""

    def to_python(self, value: Any) -> int | None:
        if value == "":
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_ID})
class IdFilter(django_filters.NumberFilter):
    """Filters on a related object's id; an unknown id matches nothing (not an error)."""

    field_class = StrictIntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class StrictDateTimeField(django_filters.fields.IsoDateTimeField):
    """An ISO 8601 date-time; an explicit empty value is invalid, not 'no filter'.

    Its day, in UTC, is one a query may name (api.fields.EARLIEST_DAY to LATEST_DAY).
    """

    default_error_messages = {"out_of_range": OUT_OF_RANGE}

    def to_python(self, value: Any) -> Any:
        if value == "":
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        result = super().to_python(value)
        if result is None:
            return None
        # PostgreSQL accepts offsets up to ±15:59; compare in UTC, which it always takes.
        try:
            result = result.astimezone(dt.UTC)
        except (OverflowError, ValueError) as exc:
            raise ValidationError(self.error_messages["out_of_range"], code="out_of_range") from exc
        if not within_days(result.date()):
            raise ValidationError(self.error_messages["out_of_range"], code="out_of_range")
        return result


class IsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = StrictDateTimeField


class StrictBooleanField(forms.NullBooleanField):
    """`true` or `false` (absent means no filter); anything else is invalid."""

    # The default select widget turns unknown values into "no filter"; keep them to refuse them.
    widget = forms.TextInput
    default_error_messages = {"invalid": "Must be true or false."}

    def to_python(self, value: Any) -> bool | None:  # type: ignore[override]
        if value is None:
            return None
        if value in ("true", "True", "1") or value is True:
            return True
        if value in ("false", "False", "0") or value is False:
            return False
        raise ValidationError(self.error_messages["invalid"], code="invalid")

    def validate(self, value: Any) -> None:
        return None


class StrictBooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField


class StrictChoiceField(django_filters.fields.ChoiceField):
    """One of the choices; an explicit empty value is not one."""

    def to_python(self, value: Any) -> Any:
        if value == "":
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            )
        return super().to_python(value)


class ChoiceFilter(django_filters.ChoiceFilter):
    field_class = StrictChoiceField


class FilterSet(django_filters.FilterSet):
    """The base FilterSet: booleans are strict."""

    FILTER_DEFAULTS = {
        **django_filters.FilterSet.FILTER_DEFAULTS,
        models.BooleanField: {"filter_class": StrictBooleanFilter},
    }


class OrderingFilter(filters.OrderingFilter):
    """`?ordering=field` or `?ordering=-field`, one of the view's `ordering_fields`.

    An unknown field is a 400; ties are broken by id so pages never overlap.
    """

    def allowed(self, view: APIView) -> list[str]:
        fields = getattr(view, "ordering_fields", [])
        return [value for field in fields for value in (field, f"-{field}")]

    def get_ordering(self, request: Request, queryset: QuerySet[Any], view: APIView) -> Any:
        raw = request.query_params.get(self.ordering_param)
        if raw is None:
            default = self.get_default_ordering(view)
            return [*default, "pk"] if default else ["pk"]
        if raw not in self.allowed(view):
            raise exceptions.ValidationError(
                {self.ordering_param: [f"Unknown ordering {raw!r}."]}, code="invalid_choice"
            )
        return [raw, "pk"]

    def get_schema_operation_parameters(self, view: APIView) -> list[dict[str, Any]]:
        return [
            {
                "name": self.ordering_param,
                "required": False,
                "in": "query",
                "description": "Sort by this field; prefix with `-` for descending order.",
                "schema": {"type": "string", "enum": self.allowed(view)},
            }
        ]


class SearchFilter(filters.SearchFilter):
    """`?search=words`: every word must appear in one of the view's `search_fields`."""

    def get_search_terms(self, request: Request) -> list[str]:
        # NUL cannot be stored or compared in PostgreSQL text: it separates words here.
        raw = request.query_params.get(self.search_param, "").replace("\x00", " ")
        return [term for term in raw.replace(",", " ").split() if term]
