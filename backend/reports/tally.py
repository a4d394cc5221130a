"""The skills report's counts, kept by the database on every write of a standing.

`reports_skilltally` holds, per grouping (office, commune, sector), group and competency,
the sums the report divides and how many providers rate themselves at each level.
Triggers add to it the difference each write makes:

- a standing (progress_currentlevel) inserted, updated or deleted;
- a provider moved to another business, or a business to another office, commune or
  sector: their standings leave the old groups and join the new ones.

On PostgreSQL, a statement-level trigger with transition tables sums a whole statement's
rows once (a refresh of a thousand standings costs one INSERT), and the differences are
appended as new rows, never updated in place: writers in the same group never wait on
each other for a count, nor deadlock. `compact` merges them, in one statement, before
each read. SQLite has one writer at a time, so its triggers add to the group's one row.
"""

from collections.abc import Iterable
from typing import Any

from django.db import connection, transaction
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

from reports.models import LEVELS

TABLE = "reports_skilltally"
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
COLUMNS = ", ".join(name for name, _ in FIGURES)
KEY = "grouping, group_key, competency_id"

# A standing's group in each grouping, from its business's columns ("" for none).
GROUP_KEY = (
    "COALESCE(CASE g.grouping WHEN 'office' THEN CAST(src.office_id AS TEXT) "
    "WHEN 'commune' THEN src.commune ELSE src.sector END, '')"
)
GROUPING_ROWS = " UNION ALL ".join(f"SELECT '{name}' AS grouping" for name in GROUPINGS)


def append_sql(source: str, merged: bool = False, upsert: bool = False) -> str:
    """INSERT the differences made by `source`: rows of (sign, office_id, commune, sector,
    competency_id, level, evidenced_level, target_level), summed per group and
    competency; with `upsert`, added to the group's row (SQLite). Standings with no level
    and no evidence count in no figure and are left out."""
    sums = [f"SUM(src.sign * {expression})" for _, expression in FIGURES]
    added = ", ".join(f"{name} = {TABLE}.{name} + excluded.{name}" for name, _ in FIGURES)
    return f"""
        INSERT INTO {TABLE} ({KEY}, {COLUMNS}, merged)
        SELECT g.grouping, {GROUP_KEY}, src.competency_id, {", ".join(sums)},
            {"TRUE" if merged or upsert else "FALSE"}
        FROM ({source}) src CROSS JOIN ({GROUPING_ROWS}) g
        WHERE src.level IS NOT NULL OR src.evidenced_level IS NOT NULL
        GROUP BY g.grouping, {GROUP_KEY}, src.competency_id
        HAVING {" OR ".join(f"{total} <> 0" for total in sums)}
        {f"ON CONFLICT ({KEY}) DO UPDATE SET {added}" if upsert else ""}
    """


STANDING = "f.competency_id, f.level, f.evidenced_level, f.target_level"


def standings(rows: str, sign: str) -> str:
    """`rows` (standings) with their provider's business's groups."""
    return (
        f"SELECT {sign} AS sign, b.office_id, b.commune, b.sector, {STANDING} FROM {rows} f "
        "JOIN people_provider p ON p.id = f.provider_id "
        "LEFT JOIN people_business b ON b.id = p.business_id"
    )


def provider_moved(old: str, new: str) -> str:
    """A provider's standings, leaving their old business's groups for the new one's."""
    return " UNION ALL ".join(
        f"SELECT {sign} AS sign, b.office_id, b.commune, b.sector, {STANDING} "
        f"FROM progress_currentlevel f LEFT JOIN people_business b ON b.id = {row}.business_id "
        f"WHERE f.provider_id = {row}.id"
        for sign, row in (("-1", old), ("1", new))
    )


def business_moved(old: str, new: str) -> str:
    """A business's providers' standings, leaving its old groups for its new ones."""
    return " UNION ALL ".join(
        f"SELECT {sign} AS sign, {row}.office_id, {row}.commune, {row}.sector, {STANDING} "
        "FROM progress_currentlevel f JOIN people_provider p ON p.id = f.provider_id "
        f"WHERE p.business_id = {row}.id"
        for sign, row in (("-1", old), ("1", new))
    )


def _postgresql_triggers() -> tuple[list[str], list[str]]:
    create: list[str] = []
    drop: list[str] = []
    standing_events = {
        "insert": ("REFERENCING NEW TABLE AS new_rows", standings("new_rows", "1")),
        "update": (
            "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
            f"{standings('old_rows', '-1')} UNION ALL {standings('new_rows', '1')}",
        ),
        "delete": ("REFERENCING OLD TABLE AS old_rows", standings("old_rows", "-1")),
    }
    for event, (referencing, source) in standing_events.items():
        name = f"skilltally_standing_{event}"
        create += [
            f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger AS $$ BEGIN "
            f"{append_sql(source)}; RETURN NULL; END $$ LANGUAGE plpgsql;",
            f"CREATE TRIGGER {name} AFTER {event.upper()} ON progress_currentlevel "
            f"{referencing} FOR EACH STATEMENT EXECUTE FUNCTION {name}();",
        ]
        drop += [
            f"DROP TRIGGER IF EXISTS {name} ON progress_currentlevel;",
            f"DROP FUNCTION IF EXISTS {name}();",
        ]
    moves = {
        "people_provider": ("business_id", provider_moved("OLD", "NEW")),
        "people_business": ("office_id, commune, sector", business_moved("OLD", "NEW")),
    }
    for table, (columns, source) in moves.items():
        name = f"skilltally_{table}_moved"
        create += [
            f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger AS $$ BEGIN "
            f"{append_sql(source)}; RETURN NULL; END $$ LANGUAGE plpgsql;",
            f"CREATE TRIGGER {name} AFTER UPDATE OF {columns} ON {table} FOR EACH ROW "
            f"WHEN (({_row(columns, 'OLD')}) IS DISTINCT FROM ({_row(columns, 'NEW')})) "
            f"EXECUTE FUNCTION {name}();",
        ]
        drop += [f"DROP TRIGGER IF EXISTS {name} ON {table};", f"DROP FUNCTION IF EXISTS {name}();"]
    return create, drop


def _row(columns: str, alias: str) -> str:
    return ", ".join(f"{alias}.{column.strip()}" for column in columns.split(","))


def _sqlite_triggers() -> tuple[list[str], list[str]]:
    def one(row: str, sign: str) -> str:
        return (
            f"SELECT {sign} AS sign, b.office_id, b.commune, b.sector, {row}.competency_id, "
            f"{row}.level, {row}.evidenced_level, {row}.target_level FROM people_provider p "
            f"LEFT JOIN people_business b ON b.id = p.business_id WHERE p.id = {row}.provider_id"
        )

    sources = {
        ("insert", "progress_currentlevel", "INSERT"): one("NEW", "1"),
        ("update", "progress_currentlevel", "UPDATE"): f"{one('OLD', '-1')} UNION ALL "
        f"{one('NEW', '1')}",
        ("delete", "progress_currentlevel", "DELETE"): one("OLD", "-1"),
        ("moved", "people_provider", "UPDATE OF business_id"): provider_moved("OLD", "NEW"),
        ("moved", "people_business", "UPDATE OF office_id, commune, sector"): business_moved(
            "OLD", "NEW"
        ),
    }
    create: list[str] = []
    drop: list[str] = []
    for (event, table, when), source in sources.items():
        name = f"skilltally_{table}_{event}"
        create.append(
            f"CREATE TRIGGER {name} AFTER {when} ON {table} FOR EACH ROW "
            f"BEGIN {append_sql(source, upsert=True)}; END;"
        )
        drop.append(f"DROP TRIGGER IF EXISTS {name};")
    # One row per group and competency, which the triggers add to.
    create.append(f"CREATE UNIQUE INDEX skilltally_one_row ON {TABLE} ({KEY});")
    drop.append("DROP INDEX IF EXISTS skilltally_one_row;")
    return create, drop


def triggers_sql(vendor: str) -> tuple[list[str], list[str]]:
    """The statements that create the tally's triggers, and those that drop them."""
    return _postgresql_triggers() if vendor == "postgresql" else _sqlite_triggers()


def install(schema_editor: BaseDatabaseSchemaEditor) -> None:
    for statement in triggers_sql(schema_editor.connection.vendor)[0]:
        schema_editor.execute(statement, params=None)
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE}")
        cursor.execute(append_sql(standings("progress_currentlevel", "1"), merged=True))


def uninstall(schema_editor: BaseDatabaseSchemaEditor) -> None:
    for statement in triggers_sql(schema_editor.connection.vendor)[1]:
        schema_editor.execute(statement, params=None)


def rebuild() -> None:
    """Count every standing afresh: the same counts as those kept, in one row per group
    and competency (the tests compare the two)."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE}")
        cursor.execute(append_sql(standings("progress_currentlevel", "1"), merged=True))


# Compactions take turns (two deleting the same rows in different orders could deadlock);
# one that finds another under way leaves the merge to it.
COMPACTION_LOCK = 0x5CA11E  # pg_try_advisory_xact_lock's key


def compact() -> None:
    """Merge the differences appended since the last merge (PostgreSQL) into one row per
    group and competency, in one statement.

    What the rows add up to never changes: each row deleted is added back, summed, by the
    same statement, and rows appended meanwhile are left for the next merge. So readers
    see the same sums before and after, and writers are never held up.
    """
    if connection.vendor != "postgresql":
        return
    sums = ", ".join(f"SUM({name})" for name, _ in FIGURES)
    nonzero = " OR ".join(f"SUM({name}) <> 0" for name, _ in FIGURES)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH touched AS (
                SELECT DISTINCT {KEY} FROM {TABLE}
                WHERE NOT merged AND (SELECT pg_try_advisory_xact_lock(%s))
            ), gone AS (
                DELETE FROM {TABLE} t USING touched
                WHERE t.grouping = touched.grouping AND t.group_key = touched.group_key
                    AND t.competency_id = touched.competency_id
                RETURNING t.*
            )
            INSERT INTO {TABLE} ({KEY}, {COLUMNS}, merged)
            SELECT {KEY}, {sums}, TRUE FROM gone GROUP BY {KEY} HAVING {nonzero}
            """,
            [COMPACTION_LOCK],
        )


def cells(grouping: str, competency_ids: Iterable[int], levels: list[int]) -> list[tuple[Any, ...]]:
    """Per group and competency: (group key or None, competency, assessed, level sum,
    with target, at target, evidenced, evidenced sum, compared, over-confident,
    under-confident, difference sum, then the count at each of `levels`)."""
    ids = list(competency_ids)
    if not ids:
        return []
    compact()
    sums = ", ".join(f"SUM({name})" for name, _ in FIGURES[:10])
    distribution = "".join(f", SUM(level_{int(value)})" for value in levels)
    sql = f"""
        SELECT NULLIF(group_key, ''), competency_id, {sums} {distribution}
        FROM {TABLE}
        WHERE grouping = %s AND competency_id IN ({", ".join(["%s"] * len(ids))})
        GROUP BY group_key, competency_id
        HAVING SUM(assessed) > 0 OR SUM(evidenced) > 0
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [grouping, *ids])
        return cursor.fetchall()
