"""The parts of the catalogue that progress profiles read, built once per catalogue version.

A profile needs every active competency, what each active module teaches and
requires, and each path's steps. They change only with the catalogue, so they are
built once per catalogue version and language and cached as they are in the process
(`SNAPSHOTS`, see common.caching): a request reads the version (one query) and finds
them ready. A catalogue write moves the version (catalogue.signals), so a stale
snapshot is never used.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import get_language

from catalogue.models import Competency, LearningPath, Module, ModuleCompetency, ModulePrerequisite
from catalogue.signals import catalogue_version
from common import caching


@dataclass
class Snapshot:
    # Active competencies in catalogue order: id, code, name, area, framework, proficient level.
    competencies: list[dict[str, Any]] = field(default_factory=list)
    # Active modules by id: code, title, format.
    modules: dict[int, dict[str, Any]] = field(default_factory=dict)
    # Competency → (active module, level it teaches).
    teaching: dict[int, list[tuple[int, int]]] = field(default_factory=lambda: defaultdict(list))
    # Module → (competency, minimum level) it requires.
    prerequisites: dict[int, list[tuple[int, int]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    # Path by id: code, name and its steps as (module, required), in order.
    paths: dict[int, dict[str, Any]] = field(default_factory=dict)


# By catalogue version and language; a few versions at most are ever asked for.
SNAPSHOTS = caching.ObjectCache("catalogue-snapshot", max_entries=17)


def snapshot(version: int | None = None) -> Snapshot:
    """The snapshot of the current catalogue version (read unless the caller did), in the
    active language."""
    key = (catalogue_version() if version is None else version, get_language() or "")
    found = SNAPSHOTS.get(key)
    if found is None:
        found = _build()
        SNAPSHOTS.set(key, found)
    return found


def _build() -> Snapshot:
    built = Snapshot()
    for competency in Competency.objects.filter(is_active=True).select_related("framework", "area"):
        built.competencies.append(
            {
                "competency": competency.pk,
                "code": competency.code,
                "name": competency.name,
                "area": competency.area.code,
                "framework": competency.framework.code,
                "proficient_level": competency.framework.proficient_level,
            }
        )
    for module in Module.objects.filter(is_active=True):
        built.modules[module.pk] = {
            "code": module.code,
            "title": module.title,
            "format": module.format,
        }
    taught = ModuleCompetency.objects.filter(module__is_active=True)
    for module_id, competency_id, level in taught.values_list(
        "module_id", "competency_id", "level"
    ):
        built.teaching[competency_id].append((module_id, level))
    required = ModulePrerequisite.objects.values_list("module_id", "competency_id", "min_level")
    for module_id, competency_id, min_level in required:
        built.prerequisites[module_id].append((competency_id, min_level))
    for path in LearningPath.objects.prefetch_related("steps"):
        built.paths[path.pk] = {
            "code": path.code,
            "name": path.name,
            "steps": [
                (step.module_id, step.is_required)
                for step in sorted(path.steps.all(), key=lambda step: step.position)
            ],
        }
    return built
