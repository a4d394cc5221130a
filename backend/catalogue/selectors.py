"""Reads of the catalogue, with the prefetching each representation needs."""

from django.db.models import QuerySet

from catalogue.models import (
    Competency,
    CompetencyLevel,
    Framework,
    LearningPath,
    Module,
    ModuleCompetency,
    ModulePrerequisite,
    PathStep,
    PathTarget,
)
from common.selectors import prefetch


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
        prefetch("taught", ModuleCompetency.objects.select_related("competency")),
        prefetch("prerequisites", queryset=ModulePrerequisite.objects.select_related("competency")),
    )


def path_list() -> QuerySet[LearningPath]:
    """Learning paths with their ordered steps and targets."""
    return LearningPath.objects.prefetch_related(
        prefetch("steps", PathStep.objects.select_related("module")),
        prefetch("targets", PathTarget.objects.select_related("competency")),
    )


def scale_of(framework: Framework) -> set[int]:
    """The level values of a framework's scale (cached on the instance for a request)."""
    cached: set[int] | None = getattr(framework, "_scale_values", None)
    if cached is None:
        cached = set(framework.levels.values_list("value", flat=True))
        framework._scale_values = cached  # type: ignore[attr-defined]
    return cached


def framework_levels_in_use(*, framework: Framework) -> set[int]:
    """Level values of a framework referenced by descriptors, modules or path targets."""
    competencies = Competency.objects.filter(framework=framework)
    used: set[int] = set()
    used |= set(
        CompetencyLevel.objects.filter(competency__in=competencies).values_list("level", flat=True)
    )
    used |= set(
        ModuleCompetency.objects.filter(competency__in=competencies).values_list("level", flat=True)
    )
    used |= set(
        ModulePrerequisite.objects.filter(competency__in=competencies).values_list(
            "min_level", flat=True
        )
    )
    used |= set(
        PathTarget.objects.filter(competency__in=competencies).values_list("level", flat=True)
    )
    return used
