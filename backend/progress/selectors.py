"""Reads of self-assessments and the progress profile of a provider.

The formulas are defined in docs/workflows.md. `provider_progress` runs a fixed
number of queries, whatever the length of the provider's history.
"""

from collections import defaultdict
from typing import Any

from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone

from api.permissions import COORDINATOR, PARTNER, PROVIDER, TRAINER, role_of
from catalogue.models import (
    Competency,
    LearningPath,
    ModuleCompetency,
    ModulePrerequisite,
    PathStep,
    PathTarget,
)
from people.models import Provider
from people.selectors import provider_list
from progress.models import CurrentLevel, SelfAssessment
from training.models import (
    Completion,
    Enrolment,
    EnrolmentStatus,
    Outcome,
    Session,
    SessionStatus,
)


def progress_providers(*, user: Any) -> QuerySet[Provider]:
    """Providers whose progress and self-assessments the caller may read.

    A partner centre reads only those of its participants who consented to share.
    """
    queryset = provider_list(user=user)
    if role_of(user) == PARTNER:
        queryset = queryset.filter(shares_progress_with_partners=True)
    return queryset


def self_assessment_list(*, user: Any) -> QuerySet[SelfAssessment]:
    """Self-assessments the caller may read, newest first."""
    queryset = SelfAssessment.objects.select_related("competency")
    role = role_of(user)
    if role == COORDINATOR:
        return queryset
    if role == PROVIDER:
        return queryset.filter(provider_id=user.provider_id)
    if role in (TRAINER, PARTNER):
        return queryset.filter(provider__in=progress_providers(user=user).values("pk"))
    return queryset.none()


def _live_completed(provider: Provider) -> QuerySet[Completion]:
    return Completion.objects.filter(
        provider=provider, outcome=Outcome.COMPLETED, voided_at__isnull=True
    )


def provider_progress(*, provider: Provider) -> dict[str, Any]:
    """Per competency: self-assessed, evidenced and target level and the gap; per path, the
    required steps completed; and the modules to take next with their upcoming sessions."""
    competencies = list(
        Competency.objects.filter(is_active=True).select_related("framework", "area")
    )
    current = {c.competency_id: c for c in CurrentLevel.objects.filter(provider=provider)}
    completed_modules = set(_live_completed(provider).values_list("module_id", flat=True))
    evidenced = dict(
        ModuleCompetency.objects.filter(module_id__in=completed_modules)
        .values("competency_id")
        .annotate(top=Max("level"))
        .values_list("competency_id", "top")
    )
    assigned = set(provider.assigned_paths.values_list("pk", flat=True))
    from_sessions = set(
        Enrolment.objects.filter(
            provider=provider, status=EnrolmentStatus.ENROLLED, session__path__isnull=False
        ).values_list("session__path_id", flat=True)
    )
    path_ids = assigned | from_sessions
    targets = dict(
        PathTarget.objects.filter(path_id__in=path_ids)
        .values("competency_id")
        .annotate(top=Max("level"))
        .values_list("competency_id", "top")
    )

    def level_of(competency_id: int) -> int:
        self_level = current[competency_id].level if competency_id in current else 0
        return max(self_level, evidenced.get(competency_id, 0))

    rows = []
    gaps: dict[int, int] = {}
    for competency in competencies:
        own = current.get(competency.pk)
        target = targets.get(competency.pk)
        gap = None if target is None else max(target - level_of(competency.pk), 0)
        if gap:
            gaps[competency.pk] = gap
        rows.append(
            {
                "competency": competency.pk,
                "code": competency.code,
                "name": competency.name,
                "area": competency.area.code,
                "framework": competency.framework.code,
                "proficient_level": competency.framework.proficient_level,
                "self_assessed_level": own.level if own else None,
                "self_assessed_at": own.assessed_at if own else None,
                "evidenced_level": evidenced.get(competency.pk),
                "target_level": target,
                "gap": gap,
            }
        )

    paths = _paths(path_ids, assigned, completed_modules)
    recommendations = _recommendations(gaps, targets, completed_modules, level_of)
    return {
        "provider": provider.pk,
        "competencies": rows,
        "paths": paths,
        "recommendations": recommendations,
    }


def _paths(path_ids: set[int], assigned: set[int], completed: set[int]) -> list[dict[str, Any]]:
    steps: dict[int, list[PathStep]] = defaultdict(list)
    for step in PathStep.objects.filter(path_id__in=path_ids).order_by("position"):
        steps[step.path_id].append(step)
    result = []
    for path in LearningPath.objects.filter(pk__in=path_ids).order_by("code"):
        required = [step for step in steps[path.pk] if step.is_required]
        result.append(
            {
                "path": path.pk,
                "code": path.code,
                "name": path.name,
                "source": "assigned" if path.pk in assigned else "session",
                "required_steps": len(required),
                "required_completed": sum(step.module_id in completed for step in required),
                "steps_completed": sum(step.module_id in completed for step in steps[path.pk]),
                "steps": len(steps[path.pk]),
            }
        )
    return result


def _recommendations(
    gaps: dict[int, int], targets: dict[int, int], completed: set[int], level_of: Any
) -> list[dict[str, Any]]:
    if not gaps:
        return []
    teaching = ModuleCompetency.objects.filter(
        competency_id__in=gaps, module__is_active=True
    ).select_related("module", "competency")
    candidates: dict[int, dict[str, Any]] = {}
    for taught in teaching:
        if taught.module_id in completed or taught.level < targets[taught.competency_id]:
            continue
        entry = candidates.setdefault(
            taught.module_id,
            {"module": taught.module, "addresses": [], "gap": 0},
        )
        entry["addresses"].append(taught.competency.code)
        entry["gap"] = max(entry["gap"], gaps[taught.competency_id])
    prerequisites: dict[int, list[ModulePrerequisite]] = defaultdict(list)
    for prerequisite in ModulePrerequisite.objects.filter(module_id__in=candidates):
        prerequisites[prerequisite.module_id].append(prerequisite)
    eligible = {
        module_id: entry
        for module_id, entry in candidates.items()
        if all(level_of(p.competency_id) >= p.min_level for p in prerequisites[module_id])
    }
    sessions: dict[int, list[dict[str, Any]]] = defaultdict(list)
    upcoming = (
        Session.objects.filter(
            module_id__in=eligible,
            status__in=(SessionStatus.OPEN, SessionStatus.CONFIRMED),
            starts_at__gt=timezone.now(),
        )
        .annotate(enrolled=Count("enrolments", filter=Q(enrolments__status="enrolled")))
        .order_by("starts_at", "pk")
    )
    for session in upcoming:
        if session.enrolled < session.capacity:
            assert session.module_id is not None
            sessions[session.module_id].append(
                {
                    "session": session.pk,
                    "starts_at": session.starts_at,
                    "commune": session.commune,
                    "places_left": session.capacity - session.enrolled,
                }
            )
    ordered = sorted(eligible.values(), key=lambda e: (-e["gap"], e["module"].code))
    return [
        {
            "module": entry["module"].pk,
            "code": entry["module"].code,
            "title": entry["module"].title,
            "format": entry["module"].format,
            "addresses": sorted(entry["addresses"]),
            "gap": entry["gap"],
            "sessions": sessions[entry["module"].pk],
        }
        for entry in ordered
    ]
