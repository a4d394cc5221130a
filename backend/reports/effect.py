"""The training effect report: participants' self-assessments before and after a session,
per session (or module) and competency taught. Figures defined in docs/reports.md."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from catalogue.models import (
    Competency,
    ModuleCompetency,
    PathTarget,
)
from progress.models import SelfAssessment
from reports.population import (
    PRESENT,
    GroupKey,
    Scope,
    competencies_of,
    competency_naming,
    day_end,
    day_start,
    mean,
    session_label,
    sessions_in_scope,
)
from training.models import (
    Completion,
    Session,
    SessionStatus,
)
from training.selectors import modules_taught


def effect_row(
    group: GroupKey, label: str, competency: Competency, figures: dict[str, Any]
) -> dict[str, Any]:
    """A report row: a group, a competency and their figures."""
    return {"group": group, "group_label": label, **competency_naming(competency), **figures}


def _taught(sessions: list[Session], competency_ids: set[int]) -> dict[int, set[int]]:
    """Session → the competencies it addresses: those its modules teach
    (`training.selectors.modules_taught`), and for a path session its path's targets too."""
    modules_by_session = modules_taught(sessions)
    module_ids = set().union(*modules_by_session.values()) if modules_by_session else set()
    by_module: dict[int, set[int]] = defaultdict(set)
    for module_id, competency_id in ModuleCompetency.objects.filter(
        module_id__in=module_ids, competency_id__in=competency_ids
    ).values_list("module_id", "competency_id"):
        by_module[module_id].add(competency_id)
    path_targets: dict[int, set[int]] = defaultdict(set)
    for path_id, competency_id in PathTarget.objects.filter(
        path_id__in={s.path_id for s in sessions if s.path_id}, competency_id__in=competency_ids
    ).values_list("path_id", "competency_id"):
        path_targets[path_id].add(competency_id)
    return {
        s.pk: (path_targets[s.path_id] if s.path_id else set()).union(
            *(by_module[m] for m in modules_by_session[s.pk])
        )
        for s in sessions
    }


@dataclass
class EffectCell:
    before_sum: int = 0
    after_sum: int = 0
    n: int = 0
    improved: int = 0
    unchanged: int = 0
    declined: int = 0

    def add(self, before: int, after: int) -> None:
        self.n += 1
        self.before_sum += before
        self.after_sum += after
        self.improved += after > before
        self.unchanged += after == before
        self.declined += after < before

    def figures(self) -> dict[str, Any]:
        before, after = mean(self.before_sum, self.n), mean(self.after_sum, self.n)
        return {
            "n": self.n,
            "mean_before": before,
            "mean_after": after,
            "delta": mean(self.after_sum - self.before_sum, self.n),
            "improved": self.improved,
            "unchanged": self.unchanged,
            "declined": self.declined,
        }


def training_effect_report(*, user: Any, params: dict[str, Any]) -> dict[str, Any]:
    """Per session (or module) and competency taught: participants' latest self-assessment
    before the session started against their first one after it ended."""
    scope = Scope.of(user)
    group_by = params["group_by"]
    sessions_qs = sessions_in_scope(scope, params).filter(
        status__in=(SessionStatus.CONFIRMED, SessionStatus.COMPLETED),
        starts_at__isnull=False,
        ends_at__isnull=False,
    )
    if params.get("module"):
        sessions_qs = sessions_qs.filter(module_id=params["module"])
    if params.get("since"):
        sessions_qs = sessions_qs.filter(starts_at__gte=day_start(params["since"]))
    if params.get("until"):
        sessions_qs = sessions_qs.filter(starts_at__lt=day_end(params["until"]))
    sessions = list(sessions_qs.select_related("module", "path").order_by("starts_at", "pk"))
    competencies = competencies_of(params)
    by_id = {competency.pk: competency for competency in competencies}
    taught = _taught(sessions, set(by_id))
    attendees: dict[int, set[int]] = defaultdict(set)
    present = Completion.objects.filter(
        session__in=[s.pk for s in sessions], voided_at__isnull=True, outcome__in=PRESENT
    )
    if scope.organiser_id is not None:
        present = present.filter(provider__shares_progress_with_partners=True)
    for session_id, provider_id in (
        present.values_list("session_id", "provider_id").order_by().distinct()
    ):
        attendees[session_id].add(provider_id)
    providers = set().union(*attendees.values()) if attendees else set()
    history: dict[tuple[int, int], list[tuple[dt.datetime, int]]] = defaultdict(list)
    ratings = SelfAssessment.objects.filter(
        provider_id__in=providers, competency_id__in=list(by_id)
    ).order_by("assessed_at", "id")
    for provider_id, competency_id, assessed_at, level in ratings.values_list(
        "provider_id", "competency_id", "assessed_at", "level"
    ):
        history[(provider_id, competency_id)].append((assessed_at, level))

    groups: dict[str, str] = {}
    cells: dict[tuple[str, int], EffectCell] = {}
    for s in sessions:
        if group_by == "module":
            if s.module is None:
                continue
            key, label = str(s.module_id), s.module.title
        else:
            key = str(s.pk)
            label = session_label(s)
        groups.setdefault(key, label)
        starts_at, ends_at = s.starts_at, s.ends_at
        assert starts_at is not None
        assert ends_at is not None
        for provider_id in attendees[s.pk]:
            for competency_id in taught[s.pk]:
                ratings_of = history.get((provider_id, competency_id), [])
                before = [level for at, level in ratings_of if at < starts_at]
                after = [level for at, level in ratings_of if at > ends_at]
                if before and after:
                    cells.setdefault((key, competency_id), EffectCell()).add(before[-1], after[0])
    position = {competency.pk: index for index, competency in enumerate(competencies)}
    keys = list(groups)
    rows = [
        effect_row(key, groups[key], by_id[competency_id], cell.figures())
        for (key, competency_id), cell in sorted(
            cells.items(), key=lambda item: (keys.index(item[0][0]), position[item[0][1]])
        )
    ]
    return {
        "group_by": group_by,
        "groups": [{"key": key, "label": label} for key, label in groups.items()],
        "rows": rows,
    }
