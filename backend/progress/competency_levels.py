"""Keep each provider's evidenced and target levels current, in the writer's transaction.

A provider's levels in a competency (a `ProviderCompetencyLevel` row) holds three levels:
- the latest self-assessed level, written with each self-assessment (progress.services);
- the evidenced level: the highest level taught by a module they completed
  (a live `completed` record), which moves with completions, voids and the
  catalogue's module-competency links. Defined here once (`evidence`), and read for a
  past day by the reports (`evidenced_levels`);
- the target level: the highest target of the paths they follow (progress.paths),
  which moves with assignments, enrolments, a session's path and the catalogue's path
  targets.

Each refresh is one set-based statement per kind of level, whatever the number of
providers: an upsert of the levels recomputed from their sources (completions, or
followed paths), where a pair that lost its last source gets a null. It writes its
rows in the order of their key, so two refreshes of overlapping providers (two
partners' pushes at once) wait for each other instead of locking rows in a circle (a
deadlock). The statements are plain SQL that SQLite and PostgreSQL both run
(`INSERT … SELECT … ON CONFLICT DO UPDATE`).
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from common.sql import ids_subquery
from people.models import Provider
from progress.paths import followed_paths

TABLE = "progress_currentlevel"

# A statement's SQL and its parameters.
Sql = tuple[str, Sequence[Any]]

EVIDENCE = """
SELECT c.provider_id, mc.competency_id, mc.level
FROM training_completion c
JOIN catalogue_modulecompetency mc ON mc.module_id = c.module_id
WHERE c.outcome = 'completed' AND c.voided_at IS NULL AND c.provider_id IN ({providers})
"""

# The competencies that some modules teach (see `refresh_evidence`).
TAUGHT = "SELECT competency_id FROM catalogue_modulecompetency WHERE module_id IN ({modules})"

TARGETS = """
SELECT followed.provider_id, pt.competency_id, pt.level
FROM ({followed}) followed
JOIN catalogue_pathtarget pt ON pt.path_id = followed.path_id
"""

UPSERT = """
INSERT INTO {table} (provider_id, competency_id, {column})
SELECT provider_id, competency_id, MAX(level) FROM (
    {levels}
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


def evidence(
    providers: Sql, *, competencies: Sql | None = None, until: dt.date | None = None
) -> Sql:
    """(provider_id, competency_id, level) rows: each level taught by a module that one of
    `providers` (a subquery of ids) completed, a `completed` outcome not voided; only in
    `competencies` (a subquery of ids) and up to `until` (a day) when given. A provider's
    evidenced level in a competency is the highest of its rows there."""
    sql, params = EVIDENCE.format(providers=providers[0]), [*providers[1]]
    if competencies is not None:
        sql += f"    AND mc.competency_id IN ({competencies[0]})\n"
        params += competencies[1]
    if until is not None:
        sql += "    AND c.completed_on <= %s\n"
        params.append(connection.ops.adapt_datefield_value(until))
    return sql, params


def evidenced_levels(
    providers: QuerySet[Provider], competency_ids: Iterable[int], until: dt.date | None = None
) -> dict[tuple[int, int], int]:
    """(provider, competency) → the evidenced level of these providers in these
    competencies, from their completions up to `until` (a day) when given."""
    competencies = _ids(competency_ids)
    try:
        population = _subquery(providers.values("pk"))
    except EmptyResultSet:
        return {}
    if competencies is None:
        return {}
    sql, params = evidence(population, competencies=competencies, until=until)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT provider_id, competency_id, MAX(level) FROM ({sql}) evidence "
            "GROUP BY provider_id, competency_id",
            params,
        )
        return {(provider_id, competency_id): level for provider_id, competency_id, level in cursor}


def targets(providers: Sql) -> Sql:
    """(provider_id, competency_id, level) rows: each target of a path that one of
    `providers` (a subquery of ids) follows. Their target level is the highest."""
    followed, params = followed_paths(providers=RawSQL(*providers)).query.sql_with_params()
    return TARGETS.format(followed=followed), params


def _upsert(column: str, levels: Sql, providers: Sql, competencies: Sql | None = None) -> None:
    # Rows whose level does not change are not rewritten (null-safe comparison).
    distinct = "IS NOT" if connection.vendor == "sqlite" else "IS DISTINCT FROM"
    sql = UPSERT.format(
        table=TABLE,
        column=column,
        levels=levels[0],
        providers=providers[0],
        narrowed=f"AND competency_id IN ({competencies[0]})" if competencies else "",
        distinct=distinct,
    )
    params = [*levels[1], *providers[1], *(competencies[1] if competencies else ())]
    with connection.cursor() as cursor:
        cursor.execute(sql, params or None)


def _ids(ids: Iterable[int]) -> Sql | None:
    """The ids as a subquery over one parameter (a push names a thousand providers), or
    None when there are none."""
    unique = sorted(set(ids))
    if not unique:
        return None
    sql, param = ids_subquery(unique)
    return sql, [param]


def _subquery(ids: QuerySet[Any]) -> Sql:
    """A query of ids as a subquery."""
    return ids.order_by().query.sql_with_params()


def refresh_evidence(provider_ids: Iterable[int], module_ids: Iterable[int] = ()) -> None:
    """Recompute the evidenced levels of these providers from their live completions; with
    `module_ids` (those of the records just written), only in the competencies these
    modules teach: no other level can have moved. A push of 1,000 corrections then
    proposes the 800 levels it may change rather than all 1,900 of its providers (each
    one compared and locked)."""
    if providers := _ids(provider_ids):
        modules = _ids(module_ids)
        taught = (TAUGHT.format(modules=modules[0]), modules[1]) if modules else None
        _upsert("evidenced_level", evidence(providers, competencies=taught), providers, taught)


def refresh_targets(provider_ids: Iterable[int]) -> None:
    """Recompute the target levels of these providers from the paths they follow."""
    if providers := _ids(provider_ids):
        _upsert("target_level", targets(providers), providers)


def refresh_evidence_of(providers: QuerySet[Any]) -> None:
    """Recompute the evidenced levels of the providers a query of ids selects."""
    subquery = _subquery(providers)
    _upsert("evidenced_level", evidence(subquery), subquery)


def refresh_targets_of(providers: QuerySet[Any]) -> None:
    """Recompute the target levels of the providers a query of ids selects."""
    subquery = _subquery(providers)
    _upsert("target_level", targets(subquery), subquery)


def rebuild() -> None:
    """Recompute every provider's evidenced and target levels, and drop empty rows."""
    refresh_evidence_of(Provider.objects.values("pk"))
    refresh_targets_of(Provider.objects.values("pk"))
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {TABLE} WHERE level IS NULL "
            "AND evidenced_level IS NULL AND target_level IS NULL"
        )
