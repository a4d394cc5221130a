"""The schema only grows within /api/v1/ (docs/api-versioning.md)."""

import copy
import functools
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.api.schema_compat import breaking_changes

SCHEMAS = Path(__file__).resolve().parents[2] / "api_schema"


@functools.cache
def load(path: Path) -> Any:
    return yaml.load(path.read_text(), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def released() -> list[Path]:
    return sorted((SCHEMAS / "released").glob("v1.*.yaml"))


def test_a_released_schema_is_kept():
    assert released(), "api_schema/released/ holds the schemas given to front-ends"


@pytest.mark.parametrize("path", released(), ids=lambda path: path.name)
def test_nothing_released_is_removed_or_narrowed_unless_recorded(path: Path):
    accepted = {entry["change"] for entry in load(SCHEMAS / "breaking-changes.yaml")["accepted"]}
    changes = breaking_changes(load(path), load(SCHEMAS / "openapi.yaml"))
    assert sorted(set(changes) - accepted) == [], (
        "A breaking change to /api/v1/: keep what clients use, or record it in "
        "api_schema/breaking-changes.yaml (docs/api-versioning.md)."
    )


def test_every_recorded_change_is_still_a_change():
    accepted = {entry["change"] for entry in load(SCHEMAS / "breaking-changes.yaml")["accepted"]}
    found = {
        change
        for path in released()
        for change in breaking_changes(load(path), load(SCHEMAS / "openapi.yaml"))
    }
    assert accepted - found == set()


BASE: dict[str, Any] = {
    "paths": {
        "/api/v1/modules/": {
            "get": {
                "parameters": [
                    {"in": "query", "name": "format", "schema": {"enum": ["workshop", "webinar"]}}
                ]
            },
            "post": {},
        }
    },
    "components": {
        "schemas": {
            "Module": {
                "properties": {
                    "code": {"type": "string"},
                    "hours": {"type": "integer"},
                    "format": {"$ref": "#/components/schemas/FormatEnum"},
                }
            },
            "ModuleRequest": {"properties": {"code": {"type": "string"}}, "required": []},
            "FormatEnum": {"enum": ["workshop", "webinar"]},
        }
    },
}


def changed(edit: Any) -> list[str]:
    new = copy.deepcopy(BASE)
    edit(new)
    return breaking_changes(BASE, new)


class TestTheCheckItself:
    def test_additions_break_nothing(self):
        def grow(schema: Any) -> None:
            schema["paths"]["/api/v1/paths/"] = {"get": {}}
            schema["components"]["schemas"]["Module"]["properties"]["title"] = {"type": "string"}
            schema["components"]["schemas"]["FormatEnum"]["enum"].append("e-learning")
            schema["paths"]["/api/v1/modules/"]["get"]["parameters"].append(
                {"in": "query", "name": "search", "schema": {"type": "string"}}
            )

        assert changed(grow) == []

    @pytest.mark.parametrize(
        ("edit", "expected"),
        [
            (
                lambda s: s["paths"]["/api/v1/modules/"].pop("post"),
                "operation POST /api/v1/modules/ removed",
            ),
            (
                lambda s: s["paths"]["/api/v1/modules/"]["get"]["parameters"].clear(),
                "parameter format (query) of GET /api/v1/modules/ removed",
            ),
            (
                lambda s: s["paths"]["/api/v1/modules/"]["get"]["parameters"][0]["schema"][
                    "enum"
                ].remove("webinar"),
                "enum parameter format of GET /api/v1/modules/ value 'webinar' removed",
            ),
            (
                lambda s: s["components"]["schemas"]["Module"]["properties"].pop("hours"),
                "field Module.hours removed",
            ),
            (
                lambda s: s["components"]["schemas"]["Module"]["properties"]["hours"].update(
                    type="string"
                ),
                "field Module.hours type changed",
            ),
            (
                lambda s: s["components"]["schemas"]["Module"]["properties"]["hours"].update(
                    nullable=True
                ),
                "field Module.hours may now be null",
            ),
            (
                lambda s: s["components"]["schemas"]["FormatEnum"]["enum"].remove("webinar"),
                "enum FormatEnum value 'webinar' removed",
            ),
            (
                lambda s: s["components"]["schemas"]["ModuleRequest"]["required"].append("code"),
                "field ModuleRequest.code now required",
            ),
            (
                lambda s: s["components"]["schemas"].pop("ModuleRequest"),
                "schema ModuleRequest removed",
            ),
        ],
    )
    def test_each_narrowing_is_found(self, edit: Any, expected: str):
        assert changed(edit) == [expected]
