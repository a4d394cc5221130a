"""The floors of `make bench`'s two database-bound targets, measured in the database in the
same run as what they floor, so that each target is a ratio that holds across machines:

- bulk completions' items per second, against a plain multi-row INSERT of as many rows of
  the completions' table shape in one transaction, two at once as the pushes go;
- the skills report's time, against a plain aggregate over the current levels by the same
  grouping.

Both run on connections with the API's session settings (`environment.connect`), from this
process, with no server, framework or trigger around them.
"""

import statistics
import threading
import time
from datetime import UTC, datetime
from typing import Any

from environment import connect
from load import Figures
from psycopg import ClientCursor

# The completions' columns a push writes (the others stay NULL: not voided, no login).
COMPLETION_COLUMNS = (
    "completed_on",
    "outcome",
    "source",
    "external_id",
    "void_reason",
    "created_at",
    "module_id",
    "provider_id",
    "session_id",
    "source_centre_id",
    "updated_at",
)

# What a provider's group is, for each grouping the bench's reports use.
GROUP_COLUMN = {"office": "b.office_id", "commune": "b.commune"}

AGGREGATE_RUNS = 7


def completion_rows(count: int, centre: int) -> list[tuple[Any, ...]]:
    """`count` rows as a partner's push writes them, from live records of the data set:
    each has its own external id, and no two share a provider, module and session."""
    with connect() as conn:
        found = conn.execute(
            "SELECT id, completed_on, module_id, provider_id, session_id "
            "FROM training_completion WHERE voided_at IS NULL AND session_id IS NOT NULL "
            "ORDER BY id LIMIT %s",
            [count],
        ).fetchall()
    if len(found) < count:
        raise SystemExit(f"bench: the data set has {len(found):,} live records, not {count:,}")
    now = datetime.now(UTC)
    return [
        (done, "completed", "partner", f"B{pk}", "", now, module, provider, session, centre, now)
        for pk, done, module, provider, session in found
    ]


def insert_floor(rows: list[tuple[Any, ...]], *, at_once: int, seconds: float) -> Figures:
    """Rows per second of a plain multi-row INSERT in one transaction, committed.

    Each of `at_once` threads has its own connection and its own scratch table, made
    `LIKE training_completion INCLUDING ALL` (columns, defaults, identity, checks and
    indexes; no foreign key, no trigger), and inserts its share of `rows` (one INSERT of
    1,000 rows per transaction when there are 2,000 rows and 2 threads) again and again for
    `seconds`, emptying its table between transactions (not timed); the statement is sent
    as text, its values written in it. Figures: the rows and
    transactions per second of all threads together, and each transaction's time."""
    share = len(rows) // at_once
    times: list[list[float]] = [[] for _ in range(at_once)]
    placeholders = "(" + ", ".join(["%s"] * len(COMPLETION_COLUMNS)) + ")"
    columns = ", ".join(COMPLETION_COLUMNS)

    def insert(index: int) -> None:
        table = f"bench_floor_completion_{index}"
        chosen = rows[index * share : (index + 1) * share]
        with connect(autocommit=True) as conn:
            conn.execute(f"DROP TABLE IF EXISTS {table}")
            conn.execute(f"CREATE TABLE {table} (LIKE training_completion INCLUDING ALL)")
            # The statement's text is built once, its values written in it: what is timed
            # is the database's work, not this process adapting 11,000 parameters.
            statement = ClientCursor(conn).mogrify(
                f"INSERT INTO {table} ({columns}) VALUES "
                + ", ".join([placeholders] * len(chosen)),
                [value for row in chosen for value in row],
            )
            try:
                until = time.perf_counter() + seconds
                while time.perf_counter() < until:
                    started = time.perf_counter()
                    with conn.transaction():
                        conn.execute(statement.encode(), prepare=False)
                    times[index].append(time.perf_counter() - started)
                    conn.execute(f"TRUNCATE {table}")
            finally:
                conn.execute(f"DROP TABLE {table}")

    threads = [threading.Thread(target=insert, args=(index,)) for index in range(at_once)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    every = sorted(t for thread_times in times for t in thread_times)
    transactions_per_second = sum(len(t) / sum(t) for t in times if t)
    return {
        "items": transactions_per_second * share,
        "rps": transactions_per_second,
        "p50": statistics.median(every) * 1000,
        "p99": every[min(len(every) - 1, int(len(every) * 0.99))] * 1000,
        "errors": 0,
        "requests": len(every),
    }


def aggregate_floor(group_by: str, *, runs: int = AGGREGATE_RUNS) -> Figures:
    """A plain aggregate over the current levels, by the report's grouping: per group and
    competency, the providers, those rated, their mean level and those with an evidenced
    level; every row fetched. One warm-up run (the tables in memory, as the report's are),
    then `runs` timed: their median and slowest, in ms."""
    statement = (
        f"SELECT {GROUP_COLUMN[group_by]}, cl.competency_id, count(*), count(cl.level), "
        "avg(cl.level), count(cl.evidenced_level) "
        "FROM progress_currentlevel cl "
        "JOIN people_provider p ON p.id = cl.provider_id "
        "JOIN people_business b ON b.id = p.business_id "
        "GROUP BY 1, 2"
    )
    times = []
    with connect() as conn:
        conn.execute(statement, prepare=False).fetchall()
        for _ in range(runs):
            started = time.perf_counter()
            conn.execute(statement, prepare=False).fetchall()
            times.append(time.perf_counter() - started)
    return {
        "items": 0.0,
        "rps": runs / sum(times),
        "p50": statistics.median(times) * 1000,
        "p99": max(times) * 1000,
        "errors": 0,
        "requests": runs,
    }
