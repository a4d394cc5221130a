"""The figures of the skills report, defined once: what one provider's levels in one
competency add to each of them.

Each figure is written twice side by side, in the two forms it is read in: a SQL
expression over a competency level's columns (summed by the database over the
competency levels, and by PostgreSQL's triggers into the skill counts, whose SQL the migrations of
reports freeze), and the same rule in Python (added provider by provider, for a report
over a period). `tests/reports/test_skill_figures.py` checks that both forms agree.

A provider's levels are: `level`, their self-assessed level; `evidenced`, the level their
completed modules evidence; `target`, the target of the paths they follow (or of the
report's path). Any of them may be missing (None, SQL NULL).
"""

from collections.abc import Callable
from dataclasses import dataclass

Levels = tuple[int | None, int | None, int | None]  # level, evidenced, target


@dataclass(frozen=True)
class Figure:
    """A figure: its name, and what one provider's levels add to it, in SQL and in Python."""

    name: str
    # Over the placeholders {level}, {evidenced} and {target}.
    sql: str
    value: Callable[[int | None, int | None, int | None], int]

    def sql_over(self, level: str, evidenced: str, target: str) -> str:
        """The SQL expression, over these columns."""
        return self.sql.format(level=level, evidenced=evidenced, target=target)


def _both(a: int | None, b: int | None) -> bool:
    return a is not None and b is not None


FIGURES = [
    Figure(
        "assessed",
        "CASE WHEN {level} IS NOT NULL THEN 1 ELSE 0 END",
        lambda s, e, t: int(s is not None),
    ),
    Figure("level_sum", "COALESCE({level}, 0)", lambda s, e, t: s or 0),
    Figure(
        "with_target",
        "CASE WHEN {level} IS NOT NULL AND {target} IS NOT NULL THEN 1 ELSE 0 END",
        lambda s, e, t: int(_both(s, t)),
    ),
    Figure(
        "at_target",
        "CASE WHEN {level} >= {target} THEN 1 ELSE 0 END",
        lambda s, e, t: int(s is not None and t is not None and s >= t),
    ),
    Figure(
        "evidenced",
        "CASE WHEN {evidenced} IS NOT NULL THEN 1 ELSE 0 END",
        lambda s, e, t: int(e is not None),
    ),
    Figure("evidenced_sum", "COALESCE({evidenced}, 0)", lambda s, e, t: e or 0),
    Figure(
        "compared",
        "CASE WHEN {level} IS NOT NULL AND {evidenced} IS NOT NULL THEN 1 ELSE 0 END",
        lambda s, e, t: int(_both(s, e)),
    ),
    Figure(
        "over_confident",
        "CASE WHEN {level} > {evidenced} THEN 1 ELSE 0 END",
        lambda s, e, t: int(s is not None and e is not None and s > e),
    ),
    Figure(
        "under_confident",
        "CASE WHEN {level} < {evidenced} THEN 1 ELSE 0 END",
        lambda s, e, t: int(s is not None and e is not None and s < e),
    ),
    Figure(
        "difference_sum",
        "COALESCE({level} - {evidenced}, 0)",
        lambda s, e, t: s - e if s is not None and e is not None else 0,
    ),
]

# Only the providers with a self-assessed or an evidenced level count in any figure.
COUNTED = "{level} IS NOT NULL OR {evidenced} IS NOT NULL"


def at_level(value: int) -> Figure:
    """How many providers rate themselves at `value` (the report's distribution)."""
    return Figure(
        f"level_{int(value)}",
        f"CASE WHEN {{level}} = {int(value)} THEN 1 ELSE 0 END",
        lambda s, e, t: int(s == value),
    )


def counted(level: int | None, evidenced: int | None) -> bool:
    """Whether a provider with these levels counts in the report (see COUNTED)."""
    return level is not None or evidenced is not None
