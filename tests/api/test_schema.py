"""The committed OpenAPI schema is current, valid and complete."""

from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from openapi_spec_validator import validate

COMMITTED = Path(__file__).resolve().parents[2] / "api_schema" / "openapi.yaml"
METHODS = {"get", "post", "put", "patch", "delete"}


def generate() -> str:
    out = StringIO()
    # No --lang: the schema is English whatever the active language (api.schema).
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def schema() -> dict[str, object]:
    return yaml.safe_load(COMMITTED.read_text(encoding="utf-8"))


def operations(schema: dict[str, object]) -> list[tuple[str, str, dict[str, object]]]:
    paths = schema["paths"]
    assert isinstance(paths, dict)
    return [
        (path, method, operation)
        for path, item in paths.items()
        for method, operation in item.items()
        if method in METHODS
    ]


def test_the_committed_schema_is_what_the_code_generates_without_warnings():
    assert generate() == COMMITTED.read_text(encoding="utf-8"), (
        "api_schema/openapi.yaml is stale: run `make schema` and commit it."
    )


def test_the_committed_schema_is_valid_openapi(schema):
    validate(schema)


def test_every_operation_has_a_summary_description_tag_and_operation_id(schema):
    seen_ids = set()
    for path, method, operation in operations(schema):
        where = f"{method.upper()} {path}"
        assert operation.get("summary"), f"{where} has no summary"
        assert operation.get("description"), f"{where} has no description"
        assert operation.get("tags"), f"{where} has no tag"
        assert operation["operationId"] not in seen_ids
        seen_ids.add(operation["operationId"])


def test_every_operation_documents_its_errors(schema):
    for path, method, operation in operations(schema):
        responses = operation["responses"]
        assert "405" in responses, f"{method} {path}"
        assert "500" in responses, f"{method} {path}"
        if operation.get("requestBody"):
            assert "400" in responses, f"{method} {path}"
        security = operation.get("security", [])
        if security and {} not in security:
            assert {"401", "403"} <= set(responses), f"{method} {path} needs auth"
        if "{id}" in path:
            assert "404" in responses, f"{method} {path}"


def test_only_json_bodies_are_accepted(schema):
    for path, method, operation in operations(schema):
        body = operation.get("requestBody")
        if body:
            assert set(body["content"]) == {"application/json"}, f"{method} {path}"
