"""The skills report's cells from the kept counts, or summed afresh from the standings."""

from typing import Any

from reports import selectors, tally


def figures(group_by: str, kept: bool) -> dict[Any, dict[str, Any]]:
    """Each cell's figures, from the kept counts or summed from the standings."""
    competencies = selectors._competencies({})
    scales = selectors._scales(competencies)
    if kept:
        cells = selectors._cells_from_tally(group_by, competencies, scales)
    else:
        population = selectors._population(selectors.Scope(None), {"group_by": group_by})
        membership = selectors._membership(
            group_by, population, selectors.Scope(None), {"group_by": group_by}
        )
        cells = selectors._cells_from_standings(group_by, membership, competencies, scales)
    naming = {"competency": None, "competency_code": "", "competency_name": ""}
    return {
        key: {
            name: value
            for name, value in selectors._skill_row(None, "", naming, cell).items()
            if name not in (*naming, "group", "group_label")
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
