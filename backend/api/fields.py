"""Serializer fields that accept exactly the JSON type the schema announces.

DRF is lenient by default: `"12"` is accepted for an integer, `12` for a
string, `"true"` for a boolean. A client written against the OpenAPI schema
must not come to rely on that, so Parcours refuses the wrong JSON type with
the `invalid` code, and blank strings with a `\\S` pattern that the schema
shows.
"""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.core.validators import RegexValidator
from rest_framework import serializers
from rest_framework.relations import MANY_RELATION_KWARGS

# White space as JSON Schema (ECMAScript) regexes know it. Python's own idea is
# wider (it includes U+0085 and U+001C..U+001F), so trimming and the "not blank"
# pattern use this set, and what the schema promises is what the API does.
SPACE = "\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
SPACE_CHARS = "".join(
    chr(c)
    for c in [
        9,
        10,
        11,
        12,
        13,
        32,
        0xA0,
        0x1680,
        *range(0x2000, 0x200B),
        0x2028,
        0x2029,
        0x202F,
        0x205F,
        0x3000,
        0xFEFF,
    ]
)
NOT_BLANK_PATTERN = f"[^{SPACE}]"
NOT_BLANK = RegexValidator(NOT_BLANK_PATTERN, message="This field may not be blank.", code="blank")


class StrictCharField(serializers.CharField):
    """A string, never a number coerced into one; not blank unless allowed."""

    default_error_messages = {"invalid": "Not a valid string."}

    def __init__(self, *, pattern: str | None = None, **kwargs: Any) -> None:
        self.trim_spaces = kwargs.pop("trim_whitespace", True)
        super().__init__(trim_whitespace=False, **kwargs)
        # JSON Schema holds one pattern per string: a given one must itself refuse blanks.
        if pattern is not None:
            self.validators.append(RegexValidator(pattern, code="invalid"))
        elif not self.allow_blank and not self.read_only:
            self.validators.append(NOT_BLANK)

    def run_validation(self, data: Any = serializers.empty) -> Any:
        if isinstance(data, str) and self.trim_spaces:
            data = data.strip(SPACE_CHARS)
        return super().run_validation(data)

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
    """A JSON number (not a string), rounded half-up to the field's decimal places.

    JSON numbers are binary floats (`0.1 + 0.2`); rounding to the stored precision
    (cents, tenths of an hour) is what a client means, refusing it would not help.
    """

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("rounding", ROUND_HALF_UP)
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> Decimal:
        if isinstance(data, bool) or not isinstance(data, int | float | Decimal):
            self.fail("invalid")
        try:
            value = Decimal(str(data))
            if value.is_finite() and self.decimal_places is not None:
                step = Decimal(1).scaleb(-self.decimal_places)
                value = value.quantize(step, rounding=self.rounding)
        except InvalidOperation:
            self.fail("invalid")
        return super().to_internal_value(value)


class StrictBooleanField(serializers.BooleanField):
    """`true` or `false`, nothing else."""

    def to_internal_value(self, data: Any) -> bool:
        if not isinstance(data, bool):
            self.fail("invalid", input=data)
        return data


class StrictPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A related object named by its integer id."""

    @classmethod
    def many_init(cls, *args: Any, **kwargs: Any) -> "StrictManyRelatedField":
        list_kwargs: dict[str, Any] = {"child_relation": cls(*args, **kwargs)}
        for key in kwargs:
            if key in MANY_RELATION_KWARGS:
                list_kwargs[key] = kwargs[key]
        return StrictManyRelatedField(**list_kwargs)

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("incorrect_type", data_type=type(data).__name__)
        return super().to_internal_value(data)


class StrictManyRelatedField(serializers.ManyRelatedField):
    """A JSON array of ids; an object or a string is not a list."""

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, list):
            self.fail("not_a_list", input_type=type(data).__name__)
        return super().to_internal_value(data)


# The days a query may name: wide enough for any programme's history and plans,
# narrow enough that a day's start and end (and any period around them) are
# still dates in every time zone, and in the database.
EARLIEST_DAY = dt.date(1900, 1, 1)
LATEST_DAY = dt.date(2200, 12, 31)
OUT_OF_RANGE = f"Only dates from {EARLIEST_DAY} to {LATEST_DAY} are accepted."


def within_days(day: dt.date) -> bool:
    """Whether `day` is one a query may name."""
    return EARLIEST_DAY <= day <= LATEST_DAY


class BoundedDateField(serializers.DateField):
    """A date from EARLIEST_DAY to LATEST_DAY; others are refused with `out_of_range`."""

    default_error_messages = {"out_of_range": OUT_OF_RANGE}

    def to_internal_value(self, value: Any) -> dt.date:
        day = super().to_internal_value(value)
        if not within_days(day):
            self.fail("out_of_range")
        return day
