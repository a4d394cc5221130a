"""What a new OpenAPI schema breaks for clients of an older one.

Within a version, the schema may only grow. Breaking, for a client written against
`old`: an operation or a parameter removed; a parameter or a request field that
becomes required; a field removed from a component; a field's type changed; a field
of an answer that may now be null; an enum value removed. Additions (operations,
optional parameters, fields, enum values) are not breaking.
"""

from typing import Any

METHODS = ("get", "put", "patch", "post", "delete", "head", "options")


def _parameters(operation: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(p["in"], p["name"]): p for p in operation.get("parameters", [])}


def _enum_changes(where: str, old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    removed = [value for value in old.get("enum", []) if value not in new.get("enum", [])]
    return [f"enum {where} value {value!r} removed" for value in removed]


def _type(schema: dict[str, Any]) -> Any:
    return schema.get("type"), schema.get("format"), schema.get("$ref")


def breaking_changes(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    changes: list[str] = []
    for path, operations in old.get("paths", {}).items():
        for method in METHODS:
            if method not in operations:
                continue
            where = f"{method.upper()} {path}"
            now = new.get("paths", {}).get(path, {}).get(method)
            if now is None:
                changes.append(f"operation {where} removed")
                continue
            before, after = _parameters(operations[method]), _parameters(now)
            for key, parameter in before.items():
                if key not in after:
                    changes.append(f"parameter {key[1]} ({key[0]}) of {where} removed")
                    continue
                if after[key].get("required") and not parameter.get("required"):
                    changes.append(f"parameter {key[1]} ({key[0]}) of {where} now required")
                changes += _enum_changes(
                    f"parameter {key[1]} of {where}",
                    parameter.get("schema", {}),
                    after[key].get("schema", {}),
                )
            for key, parameter in after.items():
                if key not in before and parameter.get("required"):
                    changes.append(f"parameter {key[1]} ({key[0]}) of {where} added as required")
    old_schemas = old.get("components", {}).get("schemas", {})
    new_schemas = new.get("components", {}).get("schemas", {})
    for name, schema in old_schemas.items():
        if name not in new_schemas:
            changes.append(f"schema {name} removed")
            continue
        now = new_schemas[name]
        changes += _enum_changes(name, schema, now)
        properties, after = schema.get("properties", {}), now.get("properties", {})
        for field, definition in properties.items():
            if field not in after:
                changes.append(f"field {name}.{field} removed")
                continue
            if _type(definition) != _type(after[field]):
                changes.append(f"field {name}.{field} type changed")
            answer = not name.endswith("Request") and not name.startswith("Patched")
            if answer and after[field].get("nullable") and not definition.get("nullable"):
                changes.append(f"field {name}.{field} may now be null")
            changes += _enum_changes(f"{name}.{field}", definition, after[field])
        if name.endswith("Request"):  # what clients send: a new required field breaks them
            newly = set(now.get("required", [])) - set(schema.get("required", []))
            changes += [f"field {name}.{field} now required" for field in sorted(newly)]
    return changes
