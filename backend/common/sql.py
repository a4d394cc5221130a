"""Plain SQL that SQLite and PostgreSQL both run, where the two spell one thing apart."""

from collections.abc import Iterable
from typing import Any

import orjson
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import F
from django.db.models.lookups import In

# The elements of a JSON array given as one parameter, as a table whose column `value` is
# each element in turn; `value ->> 0` reads an element's first item as text (PostgreSQL)
# or as the SQL value of its JSON type (SQLite), `value -> 0` as JSON. PostgreSQL reads
# the array as `jsonb`, parsed once: as `json`, each `->>` parses its element again (2,000
# audit events of a bulk push: 41 ms).
JSON_ROWS = {"postgresql": "jsonb_array_elements(%s::jsonb)", "sqlite": "json_each(%s)"}


def json_param(rows: Any) -> str:
    """The rows of a bulk write as the JSON text of its one parameter."""
    return orjson.dumps(rows).decode()


def json_rows() -> str:
    """A FROM item reading the rows of a bulk write from one JSON parameter: one parameter
    whatever their number, where a list per column costs the driver a quoting per value."""
    return JSON_ROWS[connection.vendor]


def any_of(field: str, values: Iterable[Any]) -> "AnyOf":
    """A filter the same as `field__in=values`, sent to PostgreSQL as one array parameter:
    `Completion.objects.filter(any_of("pk", ids), voided_at__isnull=True)`."""
    return AnyOf(F(field), list(values))


class AnyOf(In):
    """`field IN values`, sent to PostgreSQL as one array parameter (`field = ANY(%s)`,
    which PostgreSQL plans as it plans `IN`). The driver rewrites each `%s` of a query as
    `$n` in Python, about 6 ms for a thousand; a bulk push names a thousand records. Used
    through `any_of`: it is registered as no lookup."""

    lookup_name = "any"

    def process_rhs(self, compiler: Any, connection: Any) -> tuple[str, Any]:
        if connection.vendor != "postgresql" or not self.rhs_is_direct_value():
            return super().process_rhs(compiler, connection)
        field = self.lhs.output_field
        values = [
            field.get_db_prep_value(value, connection, prepared=False)
            for value in dict.fromkeys(self.rhs)
            if value is not None
        ]
        if not values:
            raise EmptyResultSet
        return "%s", (values,)

    def get_rhs_op(self, connection: Any, rhs: str) -> str:
        if connection.vendor != "postgresql" or not self.rhs_is_direct_value():
            return super().get_rhs_op(connection, rhs)
        return f"= ANY({rhs})"


# A list of ids as a subquery over one parameter, whatever their number.
IDS = {"postgresql": "SELECT unnest(%s::bigint[])", "sqlite": "SELECT value FROM json_each(%s)"}


def ids_subquery(ids: Iterable[int]) -> tuple[str, Any]:
    """`x IN (<sql>)` with its one parameter: a raw statement naming a thousand ids costs
    the driver a `$n` each on PostgreSQL, and goes past SQLite's limit of parameters."""
    values = list(ids)
    return IDS[connection.vendor], values if connection.vendor == "postgresql" else json_param(
        values
    )
