"""The fuzzing's own checks (tests/api/fuzzing.py) say what they mean."""

from typing import Any

from tests.api.fuzzing import bulk_items_accepted, schema


def item(n: int, **extra: Any) -> dict[str, Any]:
    participant = {
        "external_id": f"P-{n}",
        "email": f"p{n}@example.org",
        "first_name": "Prénom",
        "last_name": "Nom",
    }
    return {"external_id": f"E-{n}", "session": "S-1", "participant": participant, **extra}


def answers(*results: str) -> list[dict[str, Any]]:
    return [{"index": n, "result": result} for n, result in enumerate(results)]


def test_a_bulk_200_refuses_only_if_each_item_breaking_the_schema_is_an_error():
    operation = schema["/api/v1/enrolments/bulk/"]["POST"]
    broken = item(1, session="")  # below the session's minLength
    body = {"items": [item(0), broken, item(2, status="maybe")]}
    # Item 0 refused by a business rule does not stand for the two that break the schema.
    assert bulk_items_accepted(operation, body, answers("error", "created", "error")) == [1]
    assert bulk_items_accepted(operation, body, answers("created", "error", "error")) == []
    # No item breaks the schema, or the body around them does: a 200 refuses nothing.
    assert bulk_items_accepted(operation, {"items": [item(0)]}, answers("error")) is None
    assert bulk_items_accepted(operation, {"items": []}, []) is None
    assert bulk_items_accepted(operation, {"items": [broken], "x": 1}, answers("error")) == []
    assert bulk_items_accepted(operation, {"things": [broken]}, []) is None
