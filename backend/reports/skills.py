"""The skills report: per group and competency, how providers rate themselves, against
the proficient level, their paths' targets and what their completed modules evidence.

Every figure is defined in docs/reports.md (and, once for both ways of reading them, in
reports.skill_figures).
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import F, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils.translation import get_language

from catalogue.models import Competency, PathTarget
from people.models import Provider
from progress.competency_levels import evidenced_levels
from progress.models import SelfAssessment
from reports import skill_counts
from reports.population import (
    GroupKey,
    Groups,
    Scope,
    competencies_of,
    competency_naming,
    counted_groups,
    day_end,
    day_start,
    group_membership,
    group_sizes,
    groups_by_member,
    mean,
    provider_paths,
    providers_counted,
    scales_of,
    share,
)
from reports.skill_figures import COUNTED, FIGURES, at_level


def _self_levels(
    population: QuerySet[Provider], competency_ids: list[int], params: dict[str, Any]
) -> Iterable[tuple[int, int, int | None]]:
    """(provider, competency, level): the latest self-assessment in the period (a report with
    no period reads the competency levels instead: `_cells_from_current_levels`)."""
    since, until = params.get("since"), params.get("until")
    history = SelfAssessment.objects.filter(
        provider_id__in=population.values("pk"), competency_id__in=competency_ids
    )
    if since is not None:
        history = history.filter(assessed_at__gte=day_start(since))
    if until is not None:
        history = history.filter(assessed_at__lt=day_end(until))
    latest = history.annotate(
        rank=Window(
            RowNumber(),
            partition_by=[F("provider_id"), F("competency_id")],
            order_by=[F("assessed_at").desc(), F("id").desc()],
        )
    ).filter(rank=1)
    return latest.values_list("provider_id", "competency_id", "level")


def _path_targets(competency_ids: list[int]) -> dict[int, dict[int, int]]:
    targets: dict[int, dict[int, int]] = defaultdict(dict)
    rows = PathTarget.objects.filter(competency_id__in=competency_ids).values_list(
        "path_id", "competency_id", "level"
    )
    for path_id, competency_id, level in rows:
        targets[path_id][competency_id] = level
    return targets


@dataclass
class SkillCell:
    """The figures of one group in one competency, accumulated provider by provider (by
    the Python form of each figure of reports.skill_figures)."""

    scale: list[int]
    proficient_level: int
    distribution: dict[int, int] = field(default_factory=dict)
    sums: list[int] = field(default_factory=lambda: [0] * len(FIGURES))

    def add(self, level: int | None, evidenced: int | None, target: int | None) -> None:
        for index, figure in enumerate(FIGURES):
            self.sums[index] += figure.value(level, evidenced, target)
        if level is not None:
            self.distribution[level] = self.distribution.get(level, 0) + 1

    def counted(self, key: GroupKey, competency_id: int, values: list[int]) -> "Counted":
        return (
            key,
            competency_id,
            *self.sums,
            *(self.distribution.get(value, 0) for value in values),
        )


# A cell as counted, as the skill counts and the competency levels' query give it: its group key (as
# read), its competency, its ten sums (as SkillCell names them, in its order), then how
# many providers stand at each of the report's levels (`values`: every scale's, sorted).
Counted = tuple[Any, ...]


@dataclass(frozen=True)
class Scale:
    """A competency as its report rows show it: its naming, and where its scale's levels,
    and those at or above its proficient level, stand among the report's `values`."""

    naming: dict[str, Any]
    levels: tuple[tuple[int, int], ...]
    proficient: tuple[int, ...]
    # All a row takes from its competency (what RowsBuiltLast keys rows by).
    key: tuple[Any, ...]

    @classmethod
    def of(cls, competency: Competency, scale: list[int], values: list[int]) -> "Scale":
        proficient_level = competency.framework.proficient_level
        naming = competency_naming(competency)
        levels = tuple((level, values.index(level)) for level in scale)
        proficient = tuple(values.index(level) for level in scale if level >= proficient_level)
        return cls(naming, levels, proficient, (tuple(naming.values()), levels, proficient))


def _skill_row(group: GroupKey, label: str, scale: Scale, cell: Counted) -> dict[str, Any]:
    """A row of the skills report: a group, a competency and their figures (built in one
    go: a report by commune has 18,000 of them)."""
    (
        _,
        _,
        assessed,
        level_sum,
        with_target,
        at_target,
        evidenced,
        evidenced_sum,
        compared,
        over_confident,
        under_confident,
        difference_sum,
        *counts,
    ) = cell
    naming = scale.naming
    return {
        "group": group,
        "group_label": label,
        "competency": naming["competency"],
        "competency_code": naming["competency_code"],
        "competency_name": naming["competency_name"],
        "assessed": assessed,
        "mean_level": mean(level_sum, assessed),
        "distribution": [{"level": level, "count": counts[at]} for level, at in scale.levels],
        "proficient_share": share(sum([counts[at] for at in scale.proficient]), assessed),
        "with_target": with_target,
        "at_target_share": share(at_target, with_target),
        "evidenced": evidenced,
        "mean_evidenced_level": mean(evidenced_sum, evidenced),
        "compared": compared,
        "over_confident": over_confident,
        "under_confident": under_confident,
        "mean_self_minus_evidenced": mean(difference_sum, compared),
    }


class RowsBuiltLast:
    """The rows of one kind of report that this process built last, by all they are built
    from: their group's label, their competency's naming and scale, and their cell's counts.

    A report asked again rebuilds only the rows whose cell (or label, or naming) moved since
    the last one; the others are the same objects, never changed by their readers. Each
    report keeps only the rows it served, so what is kept is at most one report's rows.
    """

    def __init__(self) -> None:
        self.rows: dict[tuple[Any, ...], dict[str, Any]] = {}

    def build(self, cells: Iterable[tuple[GroupKey, str, Scale, Counted]]) -> list[dict[str, Any]]:
        previous, served = self.rows, {}
        rows = []
        for group, label, scale, cell in cells:
            key = (label, scale.key, cell)
            row = previous.get(key)
            if row is None:
                row = _skill_row(group, label, scale, cell)
            served[key] = row
            rows.append(row)
        self.rows = served
        return rows


# By grouping and language: the rows last built for the reports the skill counts answer.
ROWS_BUILT_LAST: dict[tuple[str, str], RowsBuiltLast] = defaultdict(RowsBuiltLast)


SKILL_ORDERINGS = {
    "mean_level": lambda row: (row["mean_level"] is None, row["mean_level"] or 0),
    "-mean_level": lambda row: (row["mean_level"] is None, -(row["mean_level"] or 0)),
    "proficient_share": lambda row: (
        row["proficient_share"] is None,
        row["proficient_share"] or 0,
    ),
    "-proficient_share": lambda row: (
        row["proficient_share"] is None,
        -(row["proficient_share"] or 0),
    ),
    "assessed": lambda row: row["assessed"],
    "-assessed": lambda row: -row["assessed"],
}


def skills_report(*, user: Any, params: dict[str, Any]) -> dict[str, Any]:
    """Per group and competency: how providers rate themselves, against the proficient level,
    their paths' targets and what their completed modules evidence.

    Without a period, the figures are aggregated by the database from the competency levels
    kept on every write (for every provider by office, commune or sector, PostgreSQL reads
    the counts its triggers keep, reports.skill_counts). With one, the levels at the
    period's end come from the history, and are aggregated here provider by provider.
    """
    scope = Scope.of(user)
    group_by = params["group_by"]
    population = providers_counted(scope, params)
    membership = group_membership(group_by, population, scope, params)
    competencies = competencies_of(params)
    scales = scales_of(competencies)
    values = sorted({value for scale in scales.values() for value in scale})
    built = None
    if _whole_population(scope, params):
        # The same rows are asked again and again: those that did not move are reused.
        built = ROWS_BUILT_LAST[(group_by, get_language())]
    if built is not None and connection.vendor == "postgresql":
        groups, cells = _read_skill_counts(group_by, competencies, values)
    elif params.get("since") is None and params.get("until") is None:
        groups = group_sizes(membership, group_by)
        cells = _cells_from_current_levels(group_by, membership, competencies, values)
    else:
        groups = groups_by_member(membership, group_by)
        cells = _cells_from_history(
            group_by, population, groups, competencies, scales, values, params
        )
    return _skills_answer(group_by, groups, competencies, scales, values, cells, params, built)


# Each cell as counted, by group and competency.
Cells = dict[tuple[GroupKey, int], Counted]

# Filters that narrow the providers a report counts; the skill counts are of everyone.
NARROWING = ("organiser", "session", "sector", "office", "commune", "business", "path")


def _whole_population(scope: Scope, params: dict[str, Any]) -> bool:
    """Whether the question is about the competency levels of every provider, by office,
    commune or sector: the one the counts kept by PostgreSQL answer (reports.skill_counts)."""
    return (
        scope.organiser_id is None
        and params["group_by"] in skill_counts.GROUPINGS
        and not any(params.get(name) for name in (*NARROWING, "since", "until"))
    )


def _read_skill_counts(
    group_by: str, competencies: list[Competency], values: list[int]
) -> tuple[Groups, Cells]:
    """The groups and cells of the whole population, from the counts kept by PostgreSQL."""
    skill_counts.compact()
    sizes: dict[Any, int] = skill_counts.sizes(group_by)
    if group_by == "office":  # kept as text beside communes and sectors
        sizes = {None if key is None else int(key): n for key, n in sizes.items()}
    competency_ids = [competency.pk for competency in competencies]
    cells = _cells(skill_counts.cells(group_by, competency_ids, values))
    return counted_groups(group_by, sizes), cells


def _cells(rows: Iterable[Counted]) -> Cells:
    """Cells by group (its key as a string) and competency, from rows as counted."""
    return {(None if row[0] is None else str(row[0]), row[1]): row for row in rows}


def _cells_from_current_levels(
    group_by: str,
    membership: QuerySet[Any],
    competencies: list[Competency],
    values: list[int],
) -> Cells:
    """Each cell's figures, summed by the database over the members' competency levels (one
    query), by the SQL form of each figure of reports.skill_figures.

    Grouped by path, the target is that path's own; otherwise the highest of the
    provider's paths, as kept in their competency levels.
    """
    by_id = {competency.pk: competency for competency in competencies}
    if not by_id:
        return {}
    member_sql, member_params = membership.query.sql_with_params()
    target, target_join = "f.target_level", ""
    if group_by == "path":
        target = "pt.level"
        target_join = (
            "LEFT JOIN catalogue_pathtarget pt "
            "ON pt.path_id = m.group_key AND pt.competency_id = f.competency_id"
        )
    columns = {"level": "f.level", "evidenced": "f.evidenced_level", "target": target}
    sums = ", ".join(
        f"SUM({figure.sql_over(**columns)})"
        for figure in [*FIGURES, *(at_level(value) for value in values)]
    )
    sql = f"""
        SELECT m.group_key, f.competency_id, {sums}
        FROM progress_currentlevel f
        JOIN ({member_sql}) m ON m.member = f.provider_id
        {target_join}
        WHERE f.competency_id IN ({", ".join(["%s"] * len(by_id))})
            AND ({COUNTED.format(**columns)})
        GROUP BY m.group_key, f.competency_id
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [*member_params, *by_id])
        return _cells(cursor.fetchall())


def _cells_from_history(
    group_by: str,
    population: QuerySet[Provider],
    groups: Groups,
    competencies: list[Competency],
    scales: dict[int, list[int]],
    values: list[int],
    params: dict[str, Any],
) -> Cells:
    """Each cell's counts, added provider by provider from the levels at the period's end."""
    competency_ids = [competency.pk for competency in competencies]
    paths = provider_paths(population)
    targets = _path_targets(competency_ids)
    self_levels = {
        (p, c): level for p, c, level in _self_levels(population, competency_ids, params)
    }
    evidenced = evidenced_levels(population, competency_ids, params.get("until"))

    def target_of(provider_id: int, group: GroupKey, competency_id: int) -> int | None:
        if group_by == "path":
            return targets[int(group)].get(competency_id) if group is not None else None
        levels = [
            targets[p][competency_id]
            for p in paths.get(provider_id, ())
            if competency_id in targets[p]
        ]
        return max(levels) if levels else None

    cells: dict[tuple[GroupKey, int], SkillCell] = {}
    by_id = {competency.pk: competency for competency in competencies}
    for provider_id, competency_id in sorted(self_levels.keys() | evidenced.keys()):
        competency = by_id[competency_id]
        for group in groups.members.get(provider_id, ()):
            cell = cells.get((group, competency_id))
            if cell is None:
                cell = cells[(group, competency_id)] = SkillCell(
                    scale=scales[competency.framework_id],
                    proficient_level=competency.framework.proficient_level,
                )
            cell.add(
                self_levels.get((provider_id, competency_id)),
                evidenced.get((provider_id, competency_id)),
                target_of(provider_id, group, competency_id),
            )
    return {
        (group, competency_id): cell.counted(group, competency_id, values)
        for (group, competency_id), cell in cells.items()
    }


def _skills_answer(
    group_by: str,
    groups: Groups,
    competencies: list[Competency],
    scales: dict[int, list[int]],
    values: list[int],
    cells: Cells,
    params: dict[str, Any],
    built: RowsBuiltLast | None = None,
) -> dict[str, Any]:
    sizes = groups.sizes()
    group_rows = sorted(
        (
            {"key": key, "label": label, "providers": sizes[key]}
            for key, label in groups.labels.items()
        ),
        key=lambda g: (g["key"] is None, str(g["label"]).lower(), g["key"] or ""),
    )
    order = {g["key"]: index for index, g in enumerate(group_rows)}
    position = {competency.pk: index for index, competency in enumerate(competencies)}
    scale_of = {
        competency.pk: Scale.of(competency, scales[competency.framework_id], values)
        for competency in competencies
    }
    labels = groups.labels
    ordered = (
        (group, labels[group], scale_of[competency_id], cells[(group, competency_id)])
        for group, competency_id in sorted(
            cells, key=lambda cell: (order[cell[0]], position[cell[1]])
        )
    )
    rows = built.build(ordered) if built is not None else [_skill_row(*cell) for cell in ordered]
    if params.get("ordering"):
        rows.sort(key=SKILL_ORDERINGS[params["ordering"]])
    return {
        "group_by": group_by,
        "groups": group_rows,
        "competencies": [
            {
                "id": competency.pk,
                "code": competency.code,
                "name": competency.name,
                "framework": competency.framework.code,
                "proficient_level": competency.framework.proficient_level,
                "scale": scales[competency.framework_id],
            }
            for competency in competencies
        ],
        "rows": rows,
    }
