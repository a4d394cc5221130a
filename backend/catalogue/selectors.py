"""Reads of the catalogue, with the prefetching each representation needs."""

from django.db.models import Prefetch, QuerySet

from catalogue.models import (
    Competency,
    Framework,
    LearningPath,
    Module,
    ModuleCompetency,
    ModulePrerequisite,
    PathStep,
    PathTarget,
)


def framework_list() -> QuerySet[Framework]:
    """Frameworks with their scale and areas."""
    return Framework.objects.prefetch_related("levels", "areas")


def competency_list() -> QuerySet[Competency]:
    """Competencies with their framework, area and per-level descriptors."""
    return Competency.objects.select_related("framework", "area").prefetch_related(
        "level_descriptors"
    )


def module_list() -> QuerySet[Module]:
    """Modules with the competencies they teach and their prerequisites."""
    return Module.objects.prefetch_related(
        Prefetch("taught", queryset=ModuleCompetency.objects.select_related("competency")),
        Prefetch(
            "prerequisites", queryset=ModulePrerequisite.objects.select_related("competency")
        ),
    )


def path_list() -> QuerySet[LearningPath]:
    """Learning paths with their ordered steps and targets."""
    return LearningPath.objects.prefetch_related(
        Prefetch("steps", queryset=PathStep.objects.select_related("module")),
        Prefetch("targets", queryset=PathTarget.objects.select_related("competency")),
    )


def scale_values(framework_id: int) -> set[int]:
    """The level values of a framework's scale."""
    return set(
        Framework.objects.get(pk=framework_id).levels.values_list("value", flat=True)
    )
