"""The skills report's counts, kept by the database on every write of a standing.

`reports_skilltally` holds, per grouping (office, commune, sector), group and competency,
the sums the report divides and how many providers rate themselves at each level;
`reports_groupsize`, how many providers each group has. Triggers add to them the
difference each write makes:

- a standing (progress_currentlevel) inserted, updated or deleted;
- a provider added or removed;
- a provider moved to another business, or a business to another office, commune or
  sector: they and their standings leave the old groups and join the new ones.

On PostgreSQL, a statement-level trigger with transition tables sums a whole statement's
rows once (a refresh of a thousand standings costs one INSERT), and the differences are
appended as new rows, never updated in place: writers in the same group never wait on
each other for a count, nor deadlock. `compact` merges them, in one statement, before
each read. SQLite has one writer at a time, so its triggers add to the group's one row.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

from reports.models import LEVELS

GROUPINGS = ("office", "commune", "sector")

# Each figure: its column, and what one standing adds to it (src.* are the standing's
# levels); multiplied by the standing's sign (+1 joining a group, -1 leaving it).
FIGURES = [
    ("assessed", "CASE WHEN src.level IS NOT NULL THEN 1 ELSE 0 END"),
    ("level_sum", "COALESCE(src.level, 0)"),
    (
        "with_target",
        "CASE WHEN src.level IS NOT NULL AND src.target_level IS NOT NULL THEN 1 ELSE 0 END",
    ),
    ("at_target", "CASE WHEN src.level >= src.target_level THEN 1 ELSE 0 END"),
    ("evidenced", "CASE WHEN src.evidenced_level IS NOT NULL THEN 1 ELSE 0 END"),
    ("evidenced_sum", "COALESCE(src.evidenced_level, 0)"),
    (
        "compared",
        "CASE WHEN src.level IS NOT NULL AND src.evidenced_level IS NOT NULL THEN 1 ELSE 0 END",
    ),
    ("over_confident", "CASE WHEN src.level > src.evidenced_level THEN 1 ELSE 0 END"),
    ("under_confident", "CASE WHEN src.level < src.evidenced_level THEN 1 ELSE 0 END"),
    ("difference_sum", "COALESCE(src.level - src.evidenced_level, 0)"),
] + [(f"level_{v}", f"CASE WHEN src.level = {v} THEN 1 ELSE 0 END") for v in LEVELS]


@dataclass(frozen=True)
class Kept:
    """A table of kept counts: its key beyond the group, and its figures."""

    table: str
    key: tuple[str, ...]
    figures: list[tuple[str, str]]
    # Standings with no level and no evidence count in no figure and are left out.
    where: str = "TRUE"

    @property
    def columns(self) -> str:
        return ", ".join(("grouping", "group_key", *self.key))


SKILLS = Kept(
    "reports_skilltally",
    ("competency_id",),
    FIGURES,
    "src.level IS NOT NULL OR src.evidenced_level IS NOT NULL",
)
SIZES = Kept("reports_groupsize", (), [("providers", "1")])

# A row's group in each grouping, from its business's columns ("" for none).
GROUP_KEY = (
    "COALESCE(CASE g.grouping WHEN 'office' THEN CAST(src.office_id AS TEXT) "
    "WHEN 'commune' THEN src.commune ELSE src.sector END, '')"
)
GROUPING_ROWS = " UNION ALL ".join(f"SELECT '{name}' AS grouping" for name in GROUPINGS)


def append_sql(kept: Kept, source: str, merged: bool = False, upsert: bool = False) -> str:
    """INSERT the differences made by `source`: rows of (sign, office_id, commune, sector,
    then the standing's competency_id, level, evidenced_level, target_level for the
    skills), summed per group (and competency); with `upsert`, added to the group's row
    (SQLite)."""
    names = [name for name, _ in kept.figures]
    sums = [f"SUM(src.sign * {expression})" for _, expression in kept.figures]
    key = ", ".join(["g.grouping", GROUP_KEY, *(f"src.{column}" for column in kept.key)])
    added = ", ".join(f"{name} = {kept.table}.{name} + excluded.{name}" for name in names)
    return f"""
        INSERT INTO {kept.table} ({kept.columns}, {", ".join(names)}, merged)
        SELECT {key}, {", ".join(sums)}, {"TRUE" if merged or upsert else "FALSE"}
        FROM ({source}) src CROSS JOIN ({GROUPING_ROWS}) g
        WHERE {kept.where}
        GROUP BY {key}
        HAVING {" OR ".join(f"{total} <> 0" for total in sums)}
        {f"ON CONFLICT ({kept.columns}) DO UPDATE SET {added}" if upsert else ""}
    """


STANDING = "f.competency_id, f.level, f.evidenced_level, f.target_level"
BUSINESS = "b.office_id, b.commune, b.sector"


def standings(rows: str, sign: str) -> str:
    """`rows` (standings) with their provider's business's groups."""
    return (
        f"SELECT {sign} AS sign, {BUSINESS}, {STANDING} FROM {rows} f "
        "JOIN people_provider p ON p.id = f.provider_id "
        "LEFT JOIN people_business b ON b.id = p.business_id"
    )


def providers(rows: str, sign: str) -> str:
    """`rows` (providers) with their business's groups."""
    return (
        f"SELECT {sign} AS sign, {BUSINESS} FROM {rows} p "
        "LEFT JOIN people_business b ON b.id = p.business_id"
    )


def one_provider(row: str, sign: str) -> str:
    """The provider `row` (OLD or NEW in a row trigger) with their business's groups."""
    return (
        f"SELECT {sign} AS sign, {BUSINESS} FROM (SELECT 1 AS one) x "
        f"LEFT JOIN people_business b ON b.id = {row}.business_id"
    )


def provider_moved(kept: Kept) -> str:
    """A provider (and their standings) leaving their old business's groups for the new's."""
    if kept is SIZES:
        return f"{one_provider('OLD', '-1')} UNION ALL {one_provider('NEW', '1')}"
    return " UNION ALL ".join(
        f"SELECT {sign} AS sign, {BUSINESS}, {STANDING} "
        f"FROM progress_currentlevel f LEFT JOIN people_business b ON b.id = {row}.business_id "
        f"WHERE f.provider_id = {row}.id"
        for sign, row in (("-1", "OLD"), ("1", "NEW"))
    )


def business_moved(kept: Kept) -> str:
    """A business's providers (and their standings), leaving its old groups for its new."""
    rows = (
        "people_provider p"
        if kept is SIZES
        else ("progress_currentlevel f JOIN people_provider p ON p.id = f.provider_id")
    )
    columns = "" if kept is SIZES else f", {STANDING}"
    return " UNION ALL ".join(
        f"SELECT {sign} AS sign, {row}.office_id, {row}.commune, {row}.sector{columns} "
        f"FROM {rows} WHERE p.business_id = {row}.id"
        for sign, row in (("-1", "OLD"), ("1", "NEW"))
    )


MOVES = {
    "people_provider": ("business_id", provider_moved),
    "people_business": ("office_id, commune, sector", business_moved),
}


def _postgresql_triggers() -> tuple[list[str], list[str]]:
    create: list[str] = []
    drop: list[str] = []

    def trigger(name: str, table: str, when: str, statements: list[str]) -> None:
        create.extend(
            [
                f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger AS $$ BEGIN "
                f"{'; '.join(statements)}; RETURN NULL; END $$ LANGUAGE plpgsql;",
                f"CREATE TRIGGER {name} AFTER {when} EXECUTE FUNCTION {name}();",
            ]
        )
        drop.extend(
            [f"DROP TRIGGER IF EXISTS {name} ON {table};", f"DROP FUNCTION IF EXISTS {name}();"]
        )

    # Statement-level, with transition tables: a statement's rows are summed once.
    whole_statements = [
        ("progress_currentlevel", SKILLS, standings, ["insert", "update", "delete"]),
        ("people_provider", SIZES, providers, ["insert", "delete"]),
    ]
    for table, kept, rows, events in whole_statements:
        for event in events:
            referencing = {
                "insert": "NEW TABLE AS new_rows",
                "update": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
                "delete": "OLD TABLE AS old_rows",
            }[event]
            written = "old_rows" if event == "delete" else "new_rows"
            source = {
                "insert": rows("new_rows", "1"),
                "update": f"{rows('old_rows', '-1')} UNION ALL {rows('new_rows', '1')}",
                "delete": rows("old_rows", "-1"),
            }[event]
            trigger(
                f"tally_{table}_{event}",
                table,
                f"{event.upper()} ON {table} REFERENCING {referencing} FOR EACH STATEMENT",
                [planned_each_time(append_sql(kept, source), written)],
            )
    # Row-level: one provider or business moving between groups.
    for table, (columns, moved) in MOVES.items():
        changed = f"({_row(columns, 'OLD')}) IS DISTINCT FROM ({_row(columns, 'NEW')})"
        trigger(
            f"tally_{table}_moved",
            table,
            f"UPDATE OF {columns} ON {table} FOR EACH ROW WHEN ({changed})",
            [append_sql(kept, moved(kept)) for kept in (SKILLS, SIZES)],
        )
    return create, drop


def planned_each_time(statement: str, rows: str) -> str:
    """`statement` run by EXECUTE in a PL/pgSQL body, planned for each call's transition
    table, and only when that table (`rows`) has any: an upsert that only updates fires
    the INSERT trigger too, with none.

    A static statement with no parameters is planned once per connection and its plan
    kept: the size of the first call's transition table then decides every later plan.
    One planned for many rows hashes all 100,000 providers where a single rating reads
    one by key, and a plan made for a few rows would walk the index for each of the
    657,604 standings of a data set's load. Planning afresh costs about a millisecond
    per statement (0.8 to 1 ms on the bench data)."""
    return f"IF EXISTS (SELECT FROM {rows}) THEN EXECUTE $statement${statement}$statement$; END IF"


def _row(columns: str, alias: str) -> str:
    return ", ".join(f"{alias}.{column.strip()}" for column in columns.split(","))


def _sqlite_triggers() -> tuple[list[str], list[str]]:
    def standing(row: str, sign: str) -> str:
        return (
            f"SELECT {sign} AS sign, {BUSINESS}, {row}.competency_id, {row}.level, "
            f"{row}.evidenced_level, {row}.target_level FROM people_provider p "
            f"LEFT JOIN people_business b ON b.id = p.business_id WHERE p.id = {row}.provider_id"
        )

    sources = {
        ("progress_currentlevel", "insert", "INSERT"): [(SKILLS, standing("NEW", "1"))],
        ("progress_currentlevel", "update", "UPDATE"): [
            (SKILLS, f"{standing('OLD', '-1')} UNION ALL {standing('NEW', '1')}")
        ],
        ("progress_currentlevel", "delete", "DELETE"): [(SKILLS, standing("OLD", "-1"))],
        ("people_provider", "insert", "INSERT"): [(SIZES, one_provider("NEW", "1"))],
        ("people_provider", "delete", "DELETE"): [(SIZES, one_provider("OLD", "-1"))],
    }
    for table, (columns, moved) in MOVES.items():
        sources[(table, "moved", f"UPDATE OF {columns}")] = [
            (kept, moved(kept)) for kept in (SKILLS, SIZES)
        ]
    create: list[str] = []
    drop: list[str] = []
    for (table, event, when), statements in sources.items():
        name = f"tally_{table}_{event}"
        body = "; ".join(append_sql(kept, source, upsert=True) for kept, source in statements)
        create.append(
            f"CREATE TRIGGER {name} AFTER {when} ON {table} FOR EACH ROW BEGIN {body}; END;"
        )
        drop.append(f"DROP TRIGGER IF EXISTS {name};")
    # One row per group (and competency), which the triggers add to.
    for kept in (SKILLS, SIZES):
        create.append(f"CREATE UNIQUE INDEX {kept.table}_one_row ON {kept.table} ({kept.columns});")
        drop.append(f"DROP INDEX IF EXISTS {kept.table}_one_row;")
    return create, drop


def triggers_sql(vendor: str) -> tuple[list[str], list[str]]:
    """The statements that create the triggers, and those that drop them."""
    return _postgresql_triggers() if vendor == "postgresql" else _sqlite_triggers()


def _count_all(cursor: Any) -> None:
    for kept, source in (
        (SKILLS, standings("progress_currentlevel", "1")),
        (SIZES, providers("people_provider", "1")),
    ):
        cursor.execute(f"DELETE FROM {kept.table}")
        cursor.execute(append_sql(kept, source, merged=True))


def install(schema_editor: BaseDatabaseSchemaEditor) -> None:
    for statement in triggers_sql(schema_editor.connection.vendor)[0]:
        schema_editor.execute(statement, params=None)
    with schema_editor.connection.cursor() as cursor:
        _count_all(cursor)


def replace_functions(schema_editor: BaseDatabaseSchemaEditor) -> None:
    """Write the triggers' functions anew (PostgreSQL), the triggers and counts kept."""
    for statement in triggers_sql(schema_editor.connection.vendor)[0]:
        if statement.startswith("CREATE OR REPLACE FUNCTION"):
            schema_editor.execute(statement, params=None)


def uninstall(schema_editor: BaseDatabaseSchemaEditor) -> None:
    for statement in triggers_sql(schema_editor.connection.vendor)[1]:
        schema_editor.execute(statement, params=None)


def rebuild() -> None:
    """Count every standing and provider afresh: the same counts as those kept, in one
    row per group (and competency); the tests compare the two."""
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
    for index, kept in enumerate((SKILLS, SIZES)):
        names = ", ".join(name for name, _ in kept.figures)
        sums = ", ".join(f"SUM({name})" for name, _ in kept.figures)
        nonzero = " OR ".join(f"SUM({name}) <> 0" for name, _ in kept.figures)
        same = " AND ".join(
            f"t.{column} = touched_{index}.{column}" for column in kept.columns.split(", ")
        )
        steps += [
            f"touched_{index} AS (SELECT DISTINCT {kept.columns} FROM {kept.table} "
            "WHERE NOT merged AND (SELECT yes FROM held))",
            f"gone_{index} AS (DELETE FROM {kept.table} t USING touched_{index} "
            f"WHERE {same} RETURNING t.*)",
            f"merged_{index} AS (INSERT INTO {kept.table} ({kept.columns}, {names}, merged) "
            f"SELECT {kept.columns}, {sums}, TRUE FROM gone_{index} GROUP BY {kept.columns} "
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
            f"SELECT NULLIF(group_key, ''), SUM(providers) FROM {SIZES.table} "
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
    figures = ", ".join(name for name, _ in FIGURES[:10])
    distribution = "".join(f", level_{int(value)}" for value in levels)
    sql = f"""
        SELECT NULLIF(group_key, ''), competency_id, {figures} {distribution}
        FROM {SKILLS.table}
        WHERE grouping = %s AND competency_id IN ({", ".join(["%s"] * len(ids))})
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [grouping, *ids])
        rows = cursor.fetchall()
    by_cell: dict[tuple[Any, Any], tuple[Any, ...]] = {}
    for row in rows:
        cell = row[:2]
        kept = by_cell.setdefault(cell, row)
        if kept is not row:
            by_cell[cell] = (*cell, *(a + b for a, b in zip(kept[2:], row[2:], strict=True)))
    # A cell whose providers all left it counts no one (its rows add up to nothing).
    return [row for row in by_cell.values() if row[2] or row[6]]
