"""The skills report's cells from the kept counts, or summed afresh from the standings."""

from typing import Any

from reports import selectors, tally


def figures(group_by: str, kept: bool) -> dict[Any, dict[str, Any]]:
    """Each cell's figures, from the kept counts or summed from the standings."""
    competencies = selectors._competencies({})
    scales = selectors._scales(competencies)
    values = sorted({value for scale in scales.values() for value in scale})
    if kept:
        ids = [competency.pk for competency in competencies]
        cells = selectors._cells(tally.cells(group_by, ids, values))
    else:
        population = selectors._population(selectors.Scope(None), {"group_by": group_by})
        membership = selectors._membership(
            group_by, population, selectors.Scope(None), {"group_by": group_by}
        )
        cells = selectors._cells_from_standings(group_by, membership, competencies, values)
    scale_of = {
        competency.pk: selectors.Scale.of(competency, scales[competency.framework_id], values)
        for competency in competencies
    }
    naming = ("competency", "competency_code", "competency_name", "group", "group_label")
    return {
        key: {
            name: value
            for name, value in selectors._skill_row(None, "", scale_of[key[1]], cell).items()
            if name not in naming
        }
        for key, cell in cells.items()
    }


def sizes(group_by: str, kept: bool) -> dict[Any, int]:
    """How many providers each group has, as kept or counted afresh."""
    if kept:
        return {None if key is None else str(key): n for key, n in tally.sizes(group_by).items()}
    population = selectors._population(selectors.Scope(None), {"group_by": group_by})
    membership = selectors._membership(
        group_by, population, selectors.Scope(None), {"group_by": group_by}
    )
    return dict(selectors._group_sizes(membership, group_by).sizes())
