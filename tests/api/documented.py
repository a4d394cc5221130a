"""Check an answer against the response the committed OpenAPI schema documents for it."""

import functools
from pathlib import Path
from typing import Any

import jsonschema
import yaml

SCHEMA = Path(__file__).resolve().parents[2] / "api_schema" / "openapi.yaml"


@functools.cache
def _spec() -> dict[str, Any]:
    return yaml.safe_load(SCHEMA.read_text(encoding="utf-8"))


def _nullable(schema: Any) -> Any:
    """OpenAPI 3.0's `nullable: true` said the JSON Schema way, everywhere in `schema`."""
    if isinstance(schema, list):
        return [_nullable(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    schema = {key: _nullable(value) for key, value in schema.items()}
    if schema.pop("nullable", False):
        return {"anyOf": [schema, {"type": "null"}]}
    return schema


def assert_documented(response: Any, path: str, method: str) -> None:
    """`response`'s JSON body is valid against the schema of its status for the operation."""
    spec = _spec()
    answers = spec["paths"][path][method.lower()]["responses"]
    documented = answers[str(response.status_code)]["content"]["application/json"]["schema"]
    root = {**_nullable(documented), "components": _nullable(spec["components"])}
    jsonschema.validate(response.json(), root)
