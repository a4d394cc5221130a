"""Serializer fields that accept exactly the JSON type the schema announces.

DRF is lenient by default: `"12"` is accepted for an integer, `12` for a
string, `"true"` for a boolean. A client written against the OpenAPI schema
must not come to rely on that, so Parcours refuses the wrong JSON type with
the `invalid` code, and blank strings with a `\\S` pattern that the schema
shows.
"""

from decimal import Decimal
from typing import Any

from django.core.validators import RegexValidator
from rest_framework import serializers

NOT_BLANK = RegexValidator(r"\S", message="This field may not be blank.", code="blank")


class StrictCharField(serializers.CharField):
    """A string, never a number coerced into one; not blank unless allowed."""

    default_error_messages = {"invalid": "Not a valid string."}

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if not self.allow_blank and not getattr(self, "_no_blank_pattern", False):
            self.validators.append(NOT_BLANK)

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictIntegerField(serializers.IntegerField):
    """A JSON integer: strings, booleans and fractions are refused."""

    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, bool) or not isinstance(data, int | float):
            self.fail("invalid")
        if isinstance(data, float) and not data.is_integer():
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictDecimalField(serializers.DecimalField):
    """A JSON number (not a string), kept exact as a Decimal."""

    def to_internal_value(self, data: Any) -> Decimal:
        if isinstance(data, bool) or not isinstance(data, int | float | Decimal):
            self.fail("invalid")
        return super().to_internal_value(str(data))


class StrictBooleanField(serializers.BooleanField):
    """`true` or `false`, nothing else."""

    def to_internal_value(self, data: Any) -> bool:
        if not isinstance(data, bool):
            self.fail("invalid", input=data)
        return data


class StrictPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A related object named by its integer id."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("incorrect_type", data_type=type(data).__name__)
        return super().to_internal_value(data)
