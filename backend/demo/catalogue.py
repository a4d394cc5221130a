"""Loads the demo catalogue from fixtures/catalogue.json, idempotently (upsert by code)."""

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from catalogue import services
from catalogue.models import Area, Competency, Framework, LearningPath, Module

FIXTURE = Path(settings.PROJECT_DIR) / "fixtures" / "catalogue.json"


def _framework(data: dict[str, Any]) -> Framework:
    data = dict(data)
    existing = Framework.objects.filter(code=data["code"]).first()
    if existing is None:
        return services.framework_create(data=data)
    return services.framework_update(framework=existing, data=data)


def _competency(framework: Framework, data: dict[str, Any]) -> Competency:
    fields = {
        "framework": framework,
        "area": Area.objects.get(framework=framework, code=data["area"]),
        "code": data["code"],
        "order": data["order"],
        "name_fr": data["name_fr"],
        "name_en": data["name_en"],
        "description_fr": data["description_fr"],
        "description_en": data["description_en"],
        "level_descriptors": [
            {"level": int(level), "descriptor_fr": fr, "descriptor_en": en}
            for level, (fr, en) in data["levels"].items()
        ],
    }
    existing = Competency.objects.filter(framework=framework, code=data["code"]).first()
    if existing is None:
        return services.competency_create(data=fields)
    return services.competency_update(competency=existing, data=fields)


def _module(competencies: dict[str, Competency], data: dict[str, Any]) -> Module:
    fields = {
        key: data[key]
        for key in ("code", "format", "title_fr", "title_en", "description_fr", "description_en")
    }
    fields["duration_hours"] = Decimal(str(data["duration_hours"]))
    fields["price"] = Decimal(str(data["price"]))
    fields["taught"] = [
        {"competency": competencies[code], "level": level}
        for code, level in data["competencies"].items()
    ]
    fields["prerequisites"] = [
        {"competency": competencies[code], "min_level": level}
        for code, level in data["prerequisites"].items()
    ]
    existing = Module.objects.filter(code=data["code"]).first()
    if existing is None:
        return services.module_create(data=fields)
    return services.module_update(module=existing, data=fields)


def _path(
    modules: dict[str, Module], competencies: dict[str, Competency], data: dict[str, Any]
) -> LearningPath:
    fields: dict[str, Any] = {
        key: data[key] for key in ("code", "name_fr", "name_en", "description_fr", "description_en")
    }
    fields["steps"] = [
        {"position": position, "module": modules[code], "is_required": required}
        for position, (code, required) in enumerate(data["steps"], start=1)
    ]
    fields["targets"] = [
        {"competency": competencies[code], "level": level}
        for code, level in data["targets"].items()
    ]
    existing = LearningPath.objects.filter(code=data["code"]).first()
    if existing is None:
        return services.path_create(data=fields)
    return services.path_update(path=existing, data=fields)


@transaction.atomic
def load_catalogue() -> dict[str, int]:
    """Create or refresh the demo framework, competencies, modules and paths."""
    data = json.loads(FIXTURE.read_text(encoding="utf-8"))
    framework = _framework(data["framework"])
    competencies = {item["code"]: _competency(framework, item) for item in data["competencies"]}
    modules = {item["code"]: _module(competencies, item) for item in data["modules"]}
    paths = [_path(modules, competencies, item) for item in data["paths"]]
    return {
        "frameworks": 1,
        "competencies": len(competencies),
        "modules": len(modules),
        "paths": len(paths),
    }
