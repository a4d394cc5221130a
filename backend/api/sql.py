"""Plain SQL that SQLite and PostgreSQL both run, where the two spell one thing apart."""

from django.db import connection

# The elements of a JSON array given as one parameter, as a table whose column `value` is
# each element in turn; `value ->> 0` reads an element's first item as text (PostgreSQL)
# or as the SQL value of its JSON type (SQLite), `value -> 0` as JSON.
JSON_ROWS = {"postgresql": "json_array_elements(%s::json)", "sqlite": "json_each(%s)"}


def json_rows() -> str:
    """A FROM item reading the rows of a bulk write from one JSON parameter: one parameter
    whatever their number, where a list per column costs the driver a quoting per value."""
    return JSON_ROWS[connection.vendor]
