"""Keep each provider's evidenced and target levels current, in the writer's transaction.

A provider's standing in a competency (a `CurrentLevel` row) holds three levels:
- the latest self-assessed level, written with each self-assessment (progress.services);
- the evidenced level: the highest level taught by a module they completed
  (a live `completed` record), which moves with completions, voids and the
  catalogue's module-competency links;
- the target level: the highest target of the paths they follow (assigned to them,
  or of a path session they are enrolled in), which moves with assignments,
  enrolments, a session's path and the catalogue's path targets.

Each refresh is one set-based statement per kind of level, whatever the number of
providers: an upsert of the levels recomputed from their facts, where a pair that
lost its last fact gets a null. It writes its rows in the order of their key, so two
refreshes of overlapping providers (two partners' pushes at once) wait for each other
instead of locking rows in a circle (a deadlock). The statements are plain SQL that SQLite and
PostgreSQL both run (`INSERT … SELECT … ON CONFLICT DO UPDATE`), over table names
only, so a migration may run them too.
"""

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection

from common.sql import ids_subquery

TABLE = "progress_currentlevel"

EVIDENCE = """
SELECT c.provider_id, mc.competency_id, mc.level
FROM training_completion c
JOIN catalogue_modulecompetency mc ON mc.module_id = c.module_id
WHERE c.outcome = 'completed' AND c.voided_at IS NULL AND c.provider_id IN ({providers})
    {narrowed}
"""

# Only the competencies that these modules teach (see `refresh_evidence`).
TAUGHT = (
    "competency_id IN "
    "(SELECT competency_id FROM catalogue_modulecompetency WHERE module_id IN ({modules}))"
)

TARGETS = """
SELECT followed.provider_id, pt.competency_id, pt.level
FROM (
    SELECT a.provider_id, a.learningpath_id AS path_id
    FROM people_provider_assigned_paths a
    WHERE a.provider_id IN ({providers})
    UNION
    SELECT e.provider_id, s.path_id
    FROM training_enrolment e
    JOIN training_session s ON s.id = e.session_id
    WHERE e.status = 'enrolled' AND s.path_id IS NOT NULL AND e.provider_id IN ({providers})
) followed
JOIN catalogue_pathtarget pt ON pt.path_id = followed.path_id
"""

UPSERT = """
INSERT INTO {table} (provider_id, competency_id, {column})
SELECT provider_id, competency_id, MAX(level) FROM (
    {facts}
    UNION ALL
    SELECT provider_id, competency_id, NULL AS level
    FROM {table}
    WHERE {column} IS NOT NULL AND provider_id IN ({providers}) {narrowed}
) levels
GROUP BY provider_id, competency_id
ORDER BY provider_id, competency_id
ON CONFLICT (provider_id, competency_id) DO UPDATE SET {column} = excluded.{column}
WHERE {table}.{column} {distinct} excluded.{column}
"""

# Who a refresh is about, as SQL: every provider, those named, or a subquery's.
EVERYONE = ("SELECT id FROM people_provider", ())


def _upsert(
    column: str,
    facts: str,
    providers: tuple[str, Sequence[Any]],
    modules: tuple[str, Sequence[Any]] | None = None,
) -> None:
    where, params = providers
    # Rows whose level does not change are not rewritten (null-safe comparison).
    distinct = "IS NOT" if connection.vendor == "sqlite" else "IS DISTINCT FROM"
    taught = TAUGHT.format(modules=modules[0]) if modules else ""
    module_params = list(modules[1]) if modules else []
    sql = UPSERT.format(
        table=TABLE,
        column=column,
        facts=facts.format(providers=where, narrowed=f"AND mc.{taught}" if taught else ""),
        providers=where,
        narrowed=f"AND {taught}" if taught else "",
        distinct=distinct,
    )
    # The provider list appears once in the facts per `{providers}` and once in the
    # upsert, each followed by the module list when the refresh is narrowed.
    repeats = facts.count("{providers}") + 1
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *module_params] * repeats or None)


def _ids(provider_ids: Iterable[int]) -> tuple[str, Sequence[Any]] | None:
    """The ids as a subquery over one parameter (a push names a thousand providers), or
    None when there are none."""
    ids = sorted(set(provider_ids))
    if not ids:
        return None
    sql, param = ids_subquery(ids)
    return sql, [param]


def refresh_evidence(provider_ids: Iterable[int], module_ids: Iterable[int] = ()) -> None:
    """Recompute the evidenced levels of these providers from their live completions; with
    `module_ids` (those of the records just written), only in the competencies these
    modules teach: no other level can have moved. A push of 1,000 corrections then
    proposes the 800 levels it may change rather than all 1,900 of its providers (each
    one compared and locked)."""
    if providers := _ids(provider_ids):
        _upsert("evidenced_level", EVIDENCE, providers, _ids(module_ids))


def refresh_targets(provider_ids: Iterable[int]) -> None:
    """Recompute the target levels of these providers from the paths they follow."""
    if providers := _ids(provider_ids):
        _upsert("target_level", TARGETS, providers)


def refresh_evidence_where(subquery: str, params: Sequence[Any]) -> None:
    """Recompute the evidenced levels of the providers a SQL subquery selects."""
    _upsert("evidenced_level", EVIDENCE, (subquery, params))


def refresh_targets_where(subquery: str, params: Sequence[Any]) -> None:
    """Recompute the target levels of the providers a SQL subquery selects."""
    _upsert("target_level", TARGETS, (subquery, params))


def rebuild() -> None:
    """Recompute every provider's evidenced and target levels, and drop empty rows."""
    refresh_evidence_where(*EVERYONE)
    refresh_targets_where(*EVERYONE)
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {TABLE} WHERE level IS NULL "
            "AND evidenced_level IS NULL AND target_level IS NULL"
        )
