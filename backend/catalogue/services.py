"""Writes to the catalogue: each creates or replaces a record with its nested parts."""

from typing import Any

from django.db import transaction
from django.db.models import Model
from modeltranslation.translator import NotRegistered, translator

from catalogue.models import (
    Area,
    Competency,
    CompetencyLevel,
    Framework,
    LearningPath,
    Module,
    ModuleCompetency,
    ModulePrerequisite,
    PathStep,
    PathTarget,
    ProficiencyLevel,
)


def _set_fields(instance: Model, data: dict[str, Any]) -> None:
    for field, value in data.items():
        setattr(instance, field, value)


def _key(value: Any) -> Any:
    return value.pk if isinstance(value, Model) else value


def _blank_translations(model: type[Model], item: dict[str, Any]) -> dict[str, Any]:
    """`item` with its untold translations empty, not null (a partial update skips defaults)."""
    try:
        options = translator.get_options_for_model(model)
    except NotRegistered:
        return item
    blanks = {
        field.name: ""
        for fields in options.all_fields.values()
        for field in fields
        if field.name not in item
    }
    return {**blanks, **item}


def _replace_children(
    parent: Model,
    model: type[Model],
    parent_field: str,
    key: str,
    items: list[dict[str, Any]],
) -> None:
    """Make the children of `parent` exactly `items`, matched on `key`, updating in place."""
    attname = model._meta.get_field(key).attname  # type: ignore[union-attr]
    existing = {
        getattr(child, attname): child
        for child in model._default_manager.filter(**{parent_field: parent})
    }
    wanted = {_key(item[key]) for item in items}
    model._default_manager.filter(
        pk__in=[child.pk for k, child in existing.items() if k not in wanted]
    ).delete()
    for item in items:
        child = existing.get(_key(item[key]))
        if child is None:
            model._default_manager.create(
                **{parent_field: parent}, **_blank_translations(model, item)
            )
        else:
            _set_fields(child, item)
            child.save()


@transaction.atomic
def framework_create(*, data: dict[str, Any]) -> Framework:
    """Create a framework with its scale and areas."""
    levels = data.pop("levels")
    areas = data.pop("areas", [])
    framework = Framework.objects.create(**data)
    for level in levels:
        ProficiencyLevel.objects.create(framework=framework, **level)
    for area in areas:
        Area.objects.create(framework=framework, **area)
    return framework


@transaction.atomic
def framework_update(*, framework: Framework, data: dict[str, Any]) -> Framework:
    """Update a framework; a given scale or area list replaces the stored one.

    Areas still holding competencies cannot be dropped (409 via ProtectedError).
    """
    levels = data.pop("levels", None)
    areas = data.pop("areas", None)
    _set_fields(framework, data)
    framework.save()
    if levels is not None:
        _replace_children(framework, ProficiencyLevel, "framework", "value", levels)
    if areas is not None:
        _replace_children(framework, Area, "framework", "code", areas)
    return framework


@transaction.atomic
def competency_create(*, data: dict[str, Any]) -> Competency:
    """Create a competency with its per-level descriptors."""
    levels = data.pop("level_descriptors", [])
    competency = Competency.objects.create(**data)
    for level in levels:
        CompetencyLevel.objects.create(competency=competency, **level)
    return competency


@transaction.atomic
def competency_update(*, competency: Competency, data: dict[str, Any]) -> Competency:
    """Update a competency; a given descriptor list replaces the stored one."""
    levels = data.pop("level_descriptors", None)
    _set_fields(competency, data)
    competency.save()
    if levels is not None:
        _replace_children(competency, CompetencyLevel, "competency", "level", levels)
    return competency


def _module_children(module: Module, taught: Any, prerequisites: Any) -> None:
    if taught is not None:
        _replace_children(module, ModuleCompetency, "module", "competency", taught)
    if prerequisites is not None:
        _replace_children(module, ModulePrerequisite, "module", "competency", prerequisites)


@transaction.atomic
def module_create(*, data: dict[str, Any]) -> Module:
    """Create a module with the competencies it teaches and its prerequisites."""
    taught = data.pop("taught", [])
    prerequisites = data.pop("prerequisites", [])
    module = Module.objects.create(**data)
    _module_children(module, taught, prerequisites)
    return module


@transaction.atomic
def module_update(*, module: Module, data: dict[str, Any]) -> Module:
    """Update a module; given competency or prerequisite lists replace the stored ones."""
    taught = data.pop("taught", None)
    prerequisites = data.pop("prerequisites", None)
    _set_fields(module, data)
    module.save()
    _module_children(module, taught, prerequisites)
    return module


def _path_children(path: LearningPath, steps: Any, targets: Any) -> None:
    if steps is not None:
        # Positions may be swapped between steps: clear them first so that the
        # one-step-per-position constraint holds at every statement.
        PathStep.objects.filter(path=path).delete()
        PathStep.objects.bulk_create(PathStep(path=path, **step) for step in steps)
    if targets is not None:
        _replace_children(path, PathTarget, "path", "competency", targets)


@transaction.atomic
def path_create(*, data: dict[str, Any]) -> LearningPath:
    """Create a learning path with its steps and targets."""
    steps = data.pop("steps", [])
    targets = data.pop("targets", [])
    path = LearningPath.objects.create(**data)
    _path_children(path, steps, targets)
    return path


@transaction.atomic
def path_update(*, path: LearningPath, data: dict[str, Any]) -> LearningPath:
    """Update a learning path; given steps or targets replace the stored ones."""
    steps = data.pop("steps", None)
    targets = data.pop("targets", None)
    _set_fields(path, data)
    path.save()
    _path_children(path, steps, targets)
    return path
