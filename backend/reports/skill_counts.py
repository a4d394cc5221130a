"""The skills report's counts kept by PostgreSQL, and how they are read.

`reports_skilltally` holds, per grouping (office, commune, sector), group and competency,
the sums of the skills report's figures (reports.skill_figures) and how many providers
rate themselves at each level; `reports_groupsize`, how many providers each group has.
Database triggers add to them the difference each write makes, in the writer's own
statement (their SQL is frozen in reports' migrations, 0001_kept_counts):

- a competency level (progress_currentlevel) inserted, updated or deleted;
- a provider added or removed;
- a provider moved to another business, or a business to another office, commune or
  sector: they and their competency levels leave the old groups and join the new ones.

A statement-level trigger with transition tables sums a whole statement's rows once (a
refresh of a thousand competency levels costs one INSERT), and the differences are appended
as new rows, never updated in place: writers in the same group never wait on each other
for a count, nor deadlock. `compact` merges them, in one statement, before each read.

SQLite (the embedded, single-user default) keeps no counts: its skills report sums the
competency levels (reports.skills).
"""

from collections.abc import Iterable
from typing import Any

from django.db import connection, transaction

from reports.models import LEVELS
from reports.skill_figures import COUNTED, FIGURES, at_level

GROUPINGS = ("office", "commune", "sector")

SKILLS_TABLE = "reports_skilltally"
SIZES_TABLE = "reports_groupsize"
SKILLS_KEY = ("grouping", "group_key", "competency_id")
SIZES_KEY = ("grouping", "group_key")
# Every figure a kept row holds, in the order of its columns.
KEPT_FIGURES = [*FIGURES, *(at_level(value) for value in LEVELS)]

# A row's group in each grouping, from its business's columns ("" for none).
GROUP_KEY = (
    "COALESCE(CASE g.grouping WHEN 'office' THEN CAST(b.office_id AS TEXT) "
    "WHEN 'commune' THEN b.commune ELSE b.sector END, '')"
)
GROUPING_ROWS = " UNION ALL ".join(f"SELECT '{name}' AS grouping" for name in GROUPINGS)


def _count_all(cursor: Any) -> None:
    """Replace the skill counts with those of every competency level and provider, merged."""
    columns = {"level": "f.level", "evidenced": "f.evidenced_level", "target": "f.target_level"}
    names = ", ".join(figure.name for figure in KEPT_FIGURES)
    sums = ", ".join(f"SUM({figure.sql_over(**columns)})" for figure in KEPT_FIGURES)
    cursor.execute(f"DELETE FROM {SKILLS_TABLE}")
    cursor.execute(
        f"""
        INSERT INTO {SKILLS_TABLE} ({", ".join(SKILLS_KEY)}, {names}, merged)
        SELECT g.grouping, {GROUP_KEY}, f.competency_id, {sums}, TRUE
        FROM progress_currentlevel f
        JOIN people_provider p ON p.id = f.provider_id
        LEFT JOIN people_business b ON b.id = p.business_id
        CROSS JOIN ({GROUPING_ROWS}) g
        WHERE {COUNTED.format(**columns)}
        GROUP BY g.grouping, {GROUP_KEY}, f.competency_id
        """
    )
    cursor.execute(f"DELETE FROM {SIZES_TABLE}")
    cursor.execute(
        f"""
        INSERT INTO {SIZES_TABLE} ({", ".join(SIZES_KEY)}, providers, merged)
        SELECT g.grouping, {GROUP_KEY}, COUNT(*), TRUE
        FROM people_provider p
        LEFT JOIN people_business b ON b.id = p.business_id
        CROSS JOIN ({GROUPING_ROWS}) g
        GROUP BY g.grouping, {GROUP_KEY}
        """
    )


def rebuild() -> None:
    """Count every competency level and provider afresh (PostgreSQL): the same counts as
    those kept, in one row per group (and competency); the tests compare the two."""
    if connection.vendor != "postgresql":
        return
    with transaction.atomic(), connection.cursor() as cursor:
        _count_all(cursor)


# Merges take turns (two deleting the same rows in different orders could deadlock); one
# that finds another under way leaves the work to it.
COMPACTION_LOCK = 0x5CA11E  # pg_try_advisory_xact_lock's key


def compact() -> None:
    """Merge the differences appended since the last merge (PostgreSQL) into one row per
    group (and competency), both tables in one statement.

    What the rows add up to never changes: each row deleted is added back, summed, by the
    same statement, and rows appended meanwhile are left for the next merge. So readers
    see the same sums before and after, and writers are never held up.
    """
    if connection.vendor != "postgresql":
        return
    steps = ["held AS (SELECT pg_try_advisory_xact_lock(%s) AS yes)"]
    tables = (
        (SKILLS_TABLE, SKILLS_KEY, [figure.name for figure in KEPT_FIGURES]),
        (SIZES_TABLE, SIZES_KEY, ["providers"]),
    )
    for index, (table, key, figures) in enumerate(tables):
        columns = ", ".join(key)
        names = ", ".join(figures)
        sums = ", ".join(f"SUM({name})" for name in figures)
        nonzero = " OR ".join(f"SUM({name}) <> 0" for name in figures)
        same = " AND ".join(f"t.{column} = touched_{index}.{column}" for column in key)
        steps += [
            f"touched_{index} AS (SELECT DISTINCT {columns} FROM {table} "
            "WHERE NOT merged AND (SELECT yes FROM held))",
            f"gone_{index} AS (DELETE FROM {table} t USING touched_{index} "
            f"WHERE {same} RETURNING t.*)",
            f"merged_{index} AS (INSERT INTO {table} ({columns}, {names}, merged) "
            f"SELECT {columns}, {sums}, TRUE FROM gone_{index} GROUP BY {columns} "
            f"HAVING {nonzero} RETURNING 1)",
        ]
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH {', '.join(steps)} SELECT (SELECT COUNT(*) FROM merged_0), "
            "(SELECT COUNT(*) FROM merged_1)",
            [COMPACTION_LOCK],
        )


def sizes(grouping: str) -> dict[str | None, int]:
    """How many providers each group has (None: those with no group)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT NULLIF(group_key, ''), SUM(providers) FROM {SIZES_TABLE} "
            "WHERE grouping = %s GROUP BY group_key HAVING SUM(providers) > 0",
            [grouping],
        )
        return dict(cursor.fetchall())


def cells(grouping: str, competency_ids: Iterable[int], levels: list[int]) -> list[tuple[Any, ...]]:
    """Per group and competency: (group key or None, competency, assessed, level sum,
    with target, at target, evidenced, evidenced sum, compared, over-confident,
    under-confident, difference sum, then the count at each of `levels`).

    The rows are read as they are kept, and the few a cell may have beyond its merged one
    (appended since the last merge, on PostgreSQL) are added up here: the database would
    otherwise sum every cell's figures, when nearly all have one row.
    """
    ids = list(competency_ids)
    if not ids:
        return []
    figures = ", ".join(figure.name for figure in FIGURES)
    distribution = "".join(f", level_{int(value)}" for value in levels)
    sql = f"""
        SELECT NULLIF(group_key, ''), competency_id, {figures} {distribution}
        FROM {SKILLS_TABLE}
        WHERE grouping = %s AND competency_id IN ({", ".join(["%s"] * len(ids))})
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [grouping, *ids])
        rows = cursor.fetchall()
    by_cell: dict[tuple[Any, Any], tuple[Any, ...]] = {}
    for row in rows:
        cell = row[:2]
        first = by_cell.setdefault(cell, row)
        if first is not row:
            by_cell[cell] = (*cell, *(a + b for a, b in zip(first[2:], row[2:], strict=True)))
    # A cell whose providers all left it counts no one (its rows add up to nothing).
    return [row for row in by_cell.values() if row[2] or row[6]]
