"""The skills report's cells read both ways: from the counts PostgreSQL keeps, or summed
afresh from the current levels."""

from typing import Any

from reports import skill_counts, skills
from reports.population import (
    Scope,
    competencies_of,
    group_membership,
    group_sizes,
    providers_counted,
    scales_of,
)


def figures(group_by: str, kept: bool) -> dict[Any, dict[str, Any]]:
    """Each cell's figures, from the skill counts or summed from the current levels."""
    competencies = competencies_of({})
    scales = scales_of(competencies)
    values = sorted({value for scale in scales.values() for value in scale})
    if kept:
        ids = [competency.pk for competency in competencies]
        cells = skills._cells(skill_counts.cells(group_by, ids, values))
    else:
        cells = skills._cells_from_current_levels(
            group_by, _membership(group_by), competencies, values
        )
    scale_of = {
        competency.pk: skills.Scale.of(competency, scales[competency.framework_id], values)
        for competency in competencies
    }
    naming = ("competency", "competency_code", "competency_name", "group", "group_label")
    return {
        key: {
            name: value
            for name, value in skills._skill_row(None, "", scale_of[key[1]], cell).items()
            if name not in naming
        }
        for key, cell in cells.items()
    }


def sizes(group_by: str, kept: bool) -> dict[Any, int]:
    """How many providers each group has, as kept or counted afresh."""
    if kept:
        counted = skill_counts.sizes(group_by)
        return {None if key is None else str(key): n for key, n in counted.items()}
    return dict(group_sizes(_membership(group_by), group_by).sizes())


def _membership(group_by: str) -> Any:
    population = providers_counted(Scope(None), {"group_by": group_by})
    return group_membership(group_by, population, Scope(None), {"group_by": group_by})
