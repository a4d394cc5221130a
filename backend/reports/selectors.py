"""The office's reports: skills by group, the effect of training, and sessions.

Every figure is defined in docs/reports.md. Each report reads the facts it
needs in a fixed number of queries (one per kind of fact, never one per group
or per provider) and aggregates them here.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Count, F, Q, QuerySet, Value, Window
from django.db.models.functions import NullIf, RowNumber
from django.utils import timezone
from django.utils.translation import get_language

from catalogue.models import (
    Competency,
    LearningPath,
    ModuleCompetency,
    PathStep,
    PathTarget,
    ProficiencyLevel,
)
from common.roles import COORDINATOR, PARTNER, role_of
from people.models import Business, Organisation, Provider
from progress.models import CurrentLevel, SelfAssessment
from reports import tally
from reports.labels import NO_GROUP, format_label, sector_label
from training.models import (
    Completion,
    Enrolment,
    EnrolmentStatus,
    Outcome,
    Session,
    SessionStatus,
)

PRESENT = (Outcome.COMPLETED, Outcome.ATTENDED)
GroupKey = str | None


@dataclass(frozen=True)
class Scope:
    """What a caller's reports cover: everything, or one partner centre's sessions."""

    organiser_id: int | None

    @classmethod
    def of(cls, user: Any) -> "Scope":
        if role_of(user) == COORDINATOR:
            return cls(organiser_id=None)
        if role_of(user) == PARTNER and user.partner_centre_id:
            return cls(organiser_id=user.partner_centre_id)
        raise PermissionError("Reports are for coordinators and partner centres.")


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _day_end(day: dt.date) -> dt.datetime:
    return _day_start(day + dt.timedelta(days=1))


def _mean(total: float, count: int) -> float | None:
    return round(total / count, 2) if count else None


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


# ---------------------------------------------------------------------------
# Who the reports are about
# ---------------------------------------------------------------------------


def _sessions(scope: Scope, params: dict[str, Any]) -> QuerySet[Session]:
    sessions = Session.objects.all()
    if scope.organiser_id is not None:
        sessions = sessions.filter(organiser_id=scope.organiser_id)
    if params.get("organiser"):
        sessions = sessions.filter(organiser_id=params["organiser"])
    if params.get("session"):
        sessions = sessions.filter(pk=params["session"])
    return sessions


def _participants(sessions: QuerySet[Session]) -> tuple[QuerySet[Any], QuerySet[Any]]:
    """Who took part in `sessions`: their enrolments, and their records of presence."""
    enrolled = Enrolment.objects.filter(session__in=sessions, status=EnrolmentStatus.ENROLLED)
    recorded = Completion.objects.filter(
        session__in=sessions, voided_at__isnull=True, outcome__in=PRESENT
    )
    return enrolled, recorded


def _participations(sessions: QuerySet[Session]) -> set[tuple[int, int]]:
    """(provider, session) pairs: enrolled in, or recorded at, one of `sessions`."""
    enrolled, recorded = _participants(sessions)
    return set(enrolled.values_list("provider_id", "session_id")) | set(
        recorded.values_list("provider_id", "session_id")
    )


def _population(scope: Scope, params: dict[str, Any]) -> QuerySet[Provider]:
    """The providers a skills report counts, after its filters."""
    providers = Provider.objects.all()
    if scope.organiser_id is not None:
        providers = providers.filter(shares_progress_with_partners=True)
    by_session = scope.organiser_id is not None or params.get("organiser") or params.get("session")
    if by_session or params["group_by"] == "session":
        enrolled, recorded = _participants(_sessions(scope, params))
        providers = providers.filter(
            Q(pk__in=enrolled.values("provider_id")) | Q(pk__in=recorded.values("provider_id"))
        )
    for name, lookup in (
        ("sector", "business__sector"),
        ("office", "business__office_id"),
        ("commune", "business__commune__iexact"),
        ("business", "business_id"),
    ):
        if params.get(name):
            providers = providers.filter(**{lookup: params[name]})
    if params.get("path"):
        providers = providers.filter(pk__in=_path_members(params["path"]))
    return providers


def _path_members(path_id: int) -> QuerySet[Any]:
    assigned = Provider.assigned_paths.through.objects.filter(learningpath_id=path_id)
    enrolled = Enrolment.objects.filter(session__path_id=path_id, status=EnrolmentStatus.ENROLLED)
    return Provider.objects.filter(
        Q(pk__in=assigned.values("provider_id")) | Q(pk__in=enrolled.values("provider_id"))
    ).values("pk")


def _provider_paths(population: QuerySet[Provider]) -> dict[int, set[int]]:
    """Each provider's paths: assigned to them, or those of path sessions they enrolled in."""
    paths: dict[int, set[int]] = defaultdict(set)
    assigned = Provider.assigned_paths.through.objects.filter(
        provider_id__in=population.values("pk")
    )
    for provider_id, path_id in assigned.values_list("provider_id", "learningpath_id"):
        paths[provider_id].add(path_id)
    enrolled = Enrolment.objects.filter(
        provider_id__in=population.values("pk"),
        status=EnrolmentStatus.ENROLLED,
        session__path__isnull=False,
    )
    for provider_id, path_id in enrolled.values_list("provider_id", "session__path_id"):
        paths[provider_id].add(path_id)
    return paths


@dataclass
class Groups:
    """Which groups each provider belongs to, and what the groups are called."""

    members: dict[int, list[GroupKey]] = field(default_factory=lambda: defaultdict(list))
    labels: dict[GroupKey, str] = field(default_factory=dict)
    counted: dict[GroupKey, int] = field(default_factory=dict)

    def sizes(self) -> dict[GroupKey, int]:
        counts: dict[GroupKey, int] = defaultdict(int, self.counted)
        for keys in self.members.values():
            for key in keys:
                counts[key] += 1
        return counts


def session_label(session: Session) -> str:
    """A session's title (or its module's or path's), with its first day."""
    module, path = session.module, session.path
    name = session.title or (module.title if module else "") or (path.name if path else "")
    starts_at = session.starts_at
    return f"{name} ({timezone.localtime(starts_at):%Y-%m-%d})" if starts_at else name


BUSINESS_KEYS = {
    "office": "business__office_id",
    "business": "business_id",
    "commune": "business__commune",
    "sector": "business__sector",
}


def _membership(
    group_by: str, population: QuerySet[Provider], scope: Scope, params: dict[str, Any]
) -> QuerySet[Any]:
    """(member, group_key) pairs: which group each provider of the population belongs to.

    A provider is in one group by their business, and in as many as they have sessions
    or paths. An empty key (no business, no commune) is the "no group" group.
    """
    if group_by in BUSINESS_KEYS:
        key: F | NullIf = F(BUSINESS_KEYS[group_by])
        if group_by in ("commune", "sector"):
            key = NullIf(key, Value(""))
        return population.values(member=F("pk"), group_key=key).order_by()
    members = population.values("pk")
    if group_by == "session":
        enrolled, recorded = _participants(_sessions(scope, params))
        return (
            enrolled.filter(provider_id__in=members)
            .values(member=F("provider_id"), group_key=F("session_id"))
            .order_by()
            .union(
                recorded.filter(provider_id__in=members)
                .values(member=F("provider_id"), group_key=F("session_id"))
                .order_by()
            )
        )
    assigned = Provider.assigned_paths.through.objects.filter(provider_id__in=members)
    enrolled = Enrolment.objects.filter(
        provider_id__in=members, status=EnrolmentStatus.ENROLLED, session__path__isnull=False
    )
    if params.get("path"):
        assigned = assigned.filter(learningpath_id=params["path"])
        enrolled = enrolled.filter(session__path_id=params["path"])
    return (
        assigned.values(member=F("provider_id"), group_key=F("learningpath_id"))
        .order_by()
        .union(enrolled.values(member=F("provider_id"), group_key=F("session__path_id")).order_by())
    )


def _group_labels(group_by: str, keys: set[Any]) -> dict[GroupKey, str]:
    """What each group is called, by key (as a string; None for "no group")."""
    wanted = {key for key in keys if key is not None}
    names: dict[Any, str]
    if group_by == "office":
        names = dict(Organisation.objects.filter(pk__in=wanted).values_list("pk", "name"))
    elif group_by == "business":
        names = dict(Business.objects.filter(pk__in=wanted).values_list("pk", "name"))
    elif group_by == "commune":
        names = {key: key for key in wanted}
    elif group_by == "sector":
        names = {key: str(sector_label(key)) for key in wanted}
    elif group_by == "session":
        sessions = Session.objects.filter(pk__in=wanted).select_related("module", "path")
        names = {session.pk: session_label(session) for session in sessions}
    else:
        names = dict(LearningPath.objects.filter(pk__in=wanted).values_list("pk", "name"))
    labels: dict[GroupKey, str] = {str(key): names[key] for key in wanted}
    if None in keys:
        labels[None] = str(NO_GROUP)
    return labels


def _groups(membership: QuerySet[Any], group_by: str) -> Groups:
    """Each provider's groups, read pair by pair (for reports computed provider by provider)."""
    groups = Groups()
    keys: set[Any] = set()
    for member, key in sorted(
        membership.values_list("member", "group_key"), key=lambda pair: (pair[0], str(pair[1]))
    ):
        groups.members[member].append(None if key is None else str(key))
        keys.add(key)
    groups.labels = _group_labels(group_by, keys)
    return groups


def _group_sizes(membership: QuerySet[Any], group_by: str) -> Groups:
    """The groups and how many providers each has, counted by the database."""
    sql, params = membership.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT m.group_key, COUNT(*) FROM ({sql}) m GROUP BY m.group_key",
            params,
        )
        return _counted_groups(group_by, dict(cursor.fetchall()))


def _counted_groups(group_by: str, counted: dict[Any, int]) -> Groups:
    """The groups, named, from how many providers each has (by key; None: no group)."""
    groups = Groups()
    groups.labels = _group_labels(group_by, set(counted))
    groups.counted = {None if key is None else str(key): n for key, n in counted.items()}
    return groups


# ---------------------------------------------------------------------------
# Skills report
# ---------------------------------------------------------------------------


def _competencies(params: dict[str, Any]) -> list[Competency]:
    competencies = Competency.objects.filter(is_active=True).select_related("framework")
    if params.get("framework"):
        competencies = competencies.filter(framework_id=params["framework"])
    if params.get("competency"):
        competencies = competencies.filter(pk=params["competency"])
    return list(competencies.order_by("framework__code", "code"))


def _scales(competencies: list[Competency]) -> dict[int, list[int]]:
    frameworks = {competency.framework_id for competency in competencies}
    scales: dict[int, list[int]] = defaultdict(list)
    levels = ProficiencyLevel.objects.filter(framework_id__in=frameworks).order_by("value")
    for framework_id, value in levels.values_list("framework_id", "value"):
        scales[framework_id].append(value)
    return scales


def _self_levels(
    population: QuerySet[Provider], competency_ids: list[int], params: dict[str, Any]
) -> Iterable[tuple[int, int, int | None]]:
    """(provider, competency, level): the latest self-assessment, in the period if one is set."""
    since, until = params.get("since"), params.get("until")
    if since is None and until is None:
        return CurrentLevel.objects.filter(
            provider_id__in=population.values("pk"),
            competency_id__in=competency_ids,
            level__isnull=False,
        ).values_list("provider_id", "competency_id", "level")
    history = SelfAssessment.objects.filter(
        provider_id__in=population.values("pk"), competency_id__in=competency_ids
    )
    if since is not None:
        history = history.filter(assessed_at__gte=_day_start(since))
    if until is not None:
        history = history.filter(assessed_at__lt=_day_end(until))
    latest = history.annotate(
        rank=Window(
            RowNumber(),
            partition_by=[F("provider_id"), F("competency_id")],
            order_by=[F("assessed_at").desc(), F("id").desc()],
        )
    ).filter(rank=1)
    return latest.values_list("provider_id", "competency_id", "level")


def _evidenced_levels(
    population: QuerySet[Provider], competency_ids: list[int], params: dict[str, Any]
) -> dict[tuple[int, int], int]:
    """(provider, competency) → the highest level taught by a module they completed."""
    completions = Completion.objects.filter(
        provider_id__in=population.values("pk"),
        outcome=Outcome.COMPLETED,
        voided_at__isnull=True,
    )
    if params.get("until") is not None:
        completions = completions.filter(completed_on__lte=params["until"])
    taught = ModuleCompetency.objects.filter(
        competency_id__in=competency_ids,
        module_id__in=completions.values("module_id"),
    ).values_list("module_id", "competency_id", "level")
    by_module: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for module_id, competency_id, level in taught:
        by_module[module_id].append((competency_id, level))
    evidenced: dict[tuple[int, int], int] = {}
    for provider_id, module_id in (
        completions.values_list("provider_id", "module_id").order_by().distinct()
    ):
        for competency_id, level in by_module[module_id]:
            key = (provider_id, competency_id)
            evidenced[key] = max(evidenced.get(key, 0), level)
    return evidenced


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
    """The figures of one group in one competency, accumulated provider by provider."""

    scale: list[int]
    proficient_level: int
    distribution: dict[int, int] = field(default_factory=dict)
    assessed: int = 0
    level_sum: int = 0
    with_target: int = 0
    at_target: int = 0
    evidenced: int = 0
    evidenced_sum: int = 0
    compared: int = 0
    over_confident: int = 0
    under_confident: int = 0
    difference_sum: int = 0

    def add(self, level: int | None, evidenced: int | None, target: int | None) -> None:
        if level is not None:
            self.assessed += 1
            self.level_sum += level
            self.distribution[level] = self.distribution.get(level, 0) + 1
            if target is not None:
                self.with_target += 1
                self.at_target += level >= target
        if evidenced is not None:
            self.evidenced += 1
            self.evidenced_sum += evidenced
        if level is not None and evidenced is not None:
            self.compared += 1
            self.over_confident += level > evidenced
            self.under_confident += level < evidenced
            self.difference_sum += level - evidenced

    def counted(self, key: GroupKey, competency_id: int, values: list[int]) -> "Counted":
        return (
            key,
            competency_id,
            self.assessed,
            self.level_sum,
            self.with_target,
            self.at_target,
            self.evidenced,
            self.evidenced_sum,
            self.compared,
            self.over_confident,
            self.under_confident,
            self.difference_sum,
            *(self.distribution.get(value, 0) for value in values),
        )


# A cell as counted, as the kept counts and the standings query give it: its group key (as
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
    # All a row takes from its competency (what BuiltRows keys rows by).
    key: tuple[Any, ...]

    @classmethod
    def of(cls, competency: Competency, scale: list[int], values: list[int]) -> "Scale":
        proficient_level = competency.framework.proficient_level
        naming = _naming(competency)
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
        "mean_level": _mean(level_sum, assessed),
        "distribution": [{"level": level, "count": counts[at]} for level, at in scale.levels],
        "proficient_share": _share(sum([counts[at] for at in scale.proficient]), assessed),
        "with_target": with_target,
        "at_target_share": _share(at_target, with_target),
        "evidenced": evidenced,
        "mean_evidenced_level": _mean(evidenced_sum, evidenced),
        "compared": compared,
        "over_confident": over_confident,
        "under_confident": under_confident,
        "mean_self_minus_evidenced": _mean(difference_sum, compared),
    }


class BuiltRows:
    """The rows of one kind of report that this process built last, by all they are built
    from: their group's label, their competency's naming and scale, and their cell's counts.

    A report asked again rebuilds only the rows whose cell (or label, or naming) moved since
    the last one; the others are the same objects, never changed by their readers. Each
    report keeps only the rows it served, so what is kept is at most one report's rows.
    """

    def __init__(self) -> None:
        self.rows: dict[tuple[Any, ...], dict[str, Any]] = {}

    def build(self, cells: Iterable[tuple[GroupKey, str, Scale, Counted]]) -> list[dict[str, Any]]:
        kept, served = self.rows, {}
        rows = []
        for group, label, scale, cell in cells:
            key = (label, scale.key, cell)
            row = kept.get(key)
            if row is None:
                row = _skill_row(group, label, scale, cell)
            served[key] = row
            rows.append(row)
        self.rows = served
        return rows


# By grouping and language: the rows last built for the reports the kept counts answer.
BUILT: dict[tuple[str, str], BuiltRows] = defaultdict(BuiltRows)


def _row(
    group: GroupKey, label: str, competency: Competency, figures: dict[str, Any]
) -> dict[str, Any]:
    """A report row: a group, a competency and their figures."""
    return {"group": group, "group_label": label, **_naming(competency), **figures}


def _naming(competency: Competency) -> dict[str, Any]:
    """A competency's id, code and name (in the active language), read once per report."""
    naming: dict[str, Any] | None = getattr(competency, "_report_naming", None)
    if naming is None:
        naming = {
            "competency": competency.pk,
            "competency_code": competency.code,
            "competency_name": competency.name,
        }
        competency._report_naming = naming  # type: ignore[attr-defined]
    return naming


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

    Without a period, the figures are aggregated by the database from the standings kept
    current on every write. With one, the levels at the period's end come from the
    history, and are aggregated here provider by provider.
    """
    scope = Scope.of(user)
    group_by = params["group_by"]
    population = _population(scope, params)
    membership = _membership(group_by, population, scope, params)
    competencies = _competencies(params)
    scales = _scales(competencies)
    values = sorted({value for scale in scales.values() for value in scale})
    built = None
    if _tallied(scope, params):
        tally.compact()
        sizes: dict[Any, int] = tally.sizes(group_by)
        if group_by == "office":  # kept as text beside communes and sectors
            sizes = {None if key is None else int(key): n for key, n in sizes.items()}
        groups = _counted_groups(group_by, sizes)
        competency_ids = [competency.pk for competency in competencies]
        cells = _cells(tally.cells(group_by, competency_ids, values))
        built = BUILT[(group_by, get_language())]
    elif params.get("since") is None and params.get("until") is None:
        groups = _group_sizes(membership, group_by)
        cells = _cells_from_standings(group_by, membership, competencies, values)
    else:
        groups = _groups(membership, group_by)
        cells = _cells_from_history(
            group_by, population, groups, competencies, scales, values, params
        )
    return _skills_answer(group_by, groups, competencies, scales, values, cells, params, built)


# Each cell as counted, by group and competency.
Cells = dict[tuple[GroupKey, int], Counted]

# Filters that narrow the providers a report counts; the kept counts are of everyone.
NARROWING = ("organiser", "session", "sector", "office", "commune", "business", "path")


def _tallied(scope: Scope, params: dict[str, Any]) -> bool:
    """Whether the counts kept on every write (reports.tally) answer this question: the
    current levels of every provider, by office, commune or sector."""
    return (
        scope.organiser_id is None
        and params["group_by"] in tally.GROUPINGS
        and not any(params.get(name) for name in (*NARROWING, "since", "until"))
    )


def _cells(rows: Iterable[Counted]) -> Cells:
    """Cells by group (its key as a string) and competency, from rows as counted."""
    return {(None if row[0] is None else str(row[0]), row[1]): row for row in rows}


def _cells_from_standings(
    group_by: str,
    membership: QuerySet[Any],
    competencies: list[Competency],
    values: list[int],
) -> Cells:
    """Each cell's counts, summed by the database over the members' standings (one query).

    Grouped by path, the target is that path's own; otherwise the highest of the
    provider's paths, as kept in their standings.
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
    distribution = ", ".join(f"COUNT(CASE WHEN f.level = {int(v)} THEN 1 END)" for v in values)
    sql = f"""
        SELECT m.group_key, f.competency_id,
            COUNT(f.level), COALESCE(SUM(f.level), 0),
            COUNT(CASE WHEN f.level IS NOT NULL AND {target} IS NOT NULL THEN 1 END),
            COUNT(CASE WHEN f.level >= {target} THEN 1 END),
            COUNT(f.evidenced_level), COALESCE(SUM(f.evidenced_level), 0),
            COUNT(CASE WHEN f.level IS NOT NULL AND f.evidenced_level IS NOT NULL THEN 1 END),
            COUNT(CASE WHEN f.level > f.evidenced_level THEN 1 END),
            COUNT(CASE WHEN f.level < f.evidenced_level THEN 1 END),
            COALESCE(SUM(f.level - f.evidenced_level), 0),
            {distribution}
        FROM progress_currentlevel f
        JOIN ({member_sql}) m ON m.member = f.provider_id
        {target_join}
        WHERE f.competency_id IN ({", ".join(["%s"] * len(by_id))})
            AND (f.level IS NOT NULL OR f.evidenced_level IS NOT NULL)
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
    paths = _provider_paths(population)
    targets = _path_targets(competency_ids)
    self_levels = {
        (p, c): level for p, c, level in _self_levels(population, competency_ids, params)
    }
    evidenced = _evidenced_levels(population, competency_ids, params)

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
    built: BuiltRows | None = None,
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


# ---------------------------------------------------------------------------
# Training effect
# ---------------------------------------------------------------------------


def _taught(sessions: list[Session], competency_ids: set[int]) -> dict[int, set[int]]:
    """Session → the competencies its module (or its path's modules and targets) teach."""
    module_ids = {s.module_id for s in sessions if s.module_id}
    path_ids = {s.path_id for s in sessions if s.path_id}
    path_modules: dict[int, set[int]] = defaultdict(set)
    for path_id, module_id in PathStep.objects.filter(path_id__in=path_ids).values_list(
        "path_id", "module_id"
    ):
        path_modules[path_id].add(module_id)
        module_ids.add(module_id)
    by_module: dict[int, set[int]] = defaultdict(set)
    for module_id, competency_id in ModuleCompetency.objects.filter(
        module_id__in=module_ids, competency_id__in=competency_ids
    ).values_list("module_id", "competency_id"):
        by_module[module_id].add(competency_id)
    path_targets: dict[int, set[int]] = defaultdict(set)
    for path_id, competency_id in PathTarget.objects.filter(
        path_id__in=path_ids, competency_id__in=competency_ids
    ).values_list("path_id", "competency_id"):
        path_targets[path_id].add(competency_id)
    taught: dict[int, set[int]] = {}
    for s in sessions:
        if s.module_id:
            taught[s.pk] = by_module[s.module_id]
        else:
            assert s.path_id is not None
            modules = path_modules[s.path_id]
            taught[s.pk] = path_targets[s.path_id].union(*(by_module[m] for m in modules))
    return taught


@dataclass
class EffectCell:
    before_sum: int = 0
    after_sum: int = 0
    n: int = 0
    improved: int = 0
    unchanged: int = 0
    declined: int = 0

    def add(self, before: int, after: int) -> None:
        self.n += 1
        self.before_sum += before
        self.after_sum += after
        self.improved += after > before
        self.unchanged += after == before
        self.declined += after < before

    def figures(self) -> dict[str, Any]:
        before, after = _mean(self.before_sum, self.n), _mean(self.after_sum, self.n)
        return {
            "n": self.n,
            "mean_before": before,
            "mean_after": after,
            "delta": _mean(self.after_sum - self.before_sum, self.n),
            "improved": self.improved,
            "unchanged": self.unchanged,
            "declined": self.declined,
        }


def training_effect_report(*, user: Any, params: dict[str, Any]) -> dict[str, Any]:
    """Per session (or module) and competency taught: participants' latest self-assessment
    before the session started against their first one after it ended."""
    scope = Scope.of(user)
    group_by = params["group_by"]
    sessions_qs = _sessions(scope, params).filter(
        status__in=(SessionStatus.CONFIRMED, SessionStatus.COMPLETED),
        starts_at__isnull=False,
        ends_at__isnull=False,
    )
    if params.get("module"):
        sessions_qs = sessions_qs.filter(module_id=params["module"])
    if params.get("since"):
        sessions_qs = sessions_qs.filter(starts_at__gte=_day_start(params["since"]))
    if params.get("until"):
        sessions_qs = sessions_qs.filter(starts_at__lt=_day_end(params["until"]))
    sessions = list(sessions_qs.select_related("module", "path").order_by("starts_at", "pk"))
    competencies = _competencies(params)
    by_id = {competency.pk: competency for competency in competencies}
    taught = _taught(sessions, set(by_id))
    attendees: dict[int, set[int]] = defaultdict(set)
    present = Completion.objects.filter(
        session__in=[s.pk for s in sessions], voided_at__isnull=True, outcome__in=PRESENT
    )
    if scope.organiser_id is not None:
        present = present.filter(provider__shares_progress_with_partners=True)
    for session_id, provider_id in (
        present.values_list("session_id", "provider_id").order_by().distinct()
    ):
        attendees[session_id].add(provider_id)
    providers = set().union(*attendees.values()) if attendees else set()
    history: dict[tuple[int, int], list[tuple[dt.datetime, int]]] = defaultdict(list)
    ratings = SelfAssessment.objects.filter(
        provider_id__in=providers, competency_id__in=list(by_id)
    ).order_by("assessed_at", "id")
    for provider_id, competency_id, assessed_at, level in ratings.values_list(
        "provider_id", "competency_id", "assessed_at", "level"
    ):
        history[(provider_id, competency_id)].append((assessed_at, level))

    groups: dict[str, str] = {}
    cells: dict[tuple[str, int], EffectCell] = {}
    for s in sessions:
        if group_by == "module":
            if s.module is None:
                continue
            key, label = str(s.module_id), s.module.title
        else:
            key = str(s.pk)
            label = session_label(s)
        groups.setdefault(key, label)
        starts_at, ends_at = s.starts_at, s.ends_at
        assert starts_at is not None
        assert ends_at is not None
        for provider_id in attendees[s.pk]:
            for competency_id in taught[s.pk]:
                ratings_of = history.get((provider_id, competency_id), [])
                before = [level for at, level in ratings_of if at < starts_at]
                after = [level for at, level in ratings_of if at > ends_at]
                if before and after:
                    cells.setdefault((key, competency_id), EffectCell()).add(before[-1], after[0])
    position = {competency.pk: index for index, competency in enumerate(competencies)}
    keys = list(groups)
    rows = [
        _row(key, groups[key], by_id[competency_id], cell.figures())
        for (key, competency_id), cell in sorted(
            cells.items(), key=lambda item: (keys.index(item[0][0]), position[item[0][1]])
        )
    ]
    return {
        "group_by": group_by,
        "groups": [{"key": key, "label": label} for key, label in groups.items()],
        "rows": rows,
    }


# ---------------------------------------------------------------------------
# Sessions
# ---------------------------------------------------------------------------


@dataclass
class SessionCell:
    planned: int = 0
    confirmed: int = 0
    held: int = 0
    cancelled: int = 0
    cancelled_by_cause: dict[str, int] = field(default_factory=dict)
    places: int = 0
    enrolled: int = 0
    waitlisted: int = 0
    expected: int = 0
    present: int = 0
    completed: int = 0

    def figures(self) -> dict[str, Any]:
        return {
            "planned": self.planned,
            "confirmed": self.confirmed,
            "held": self.held,
            "cancelled": self.cancelled,
            "cancelled_by_cause": dict(sorted(self.cancelled_by_cause.items())),
            "places": self.places,
            "enrolled": self.enrolled,
            "waitlisted": self.waitlisted,
            "fill_rate": _share(self.enrolled, self.places),
            "present": self.present,
            "attendance_rate": _share(self.present, self.expected),
            "completed": self.completed,
            "completion_rate": _share(self.completed, self.present),
        }


def _period(starts_at: dt.datetime | None, period: str) -> str | None:
    if starts_at is None:
        return None
    local = timezone.localtime(starts_at)
    return f"{local:%Y}" if period == "year" else f"{local:%Y-%m}"


def sessions_report(*, user: Any, params: dict[str, Any]) -> dict[str, Any]:
    """By organiser, format and month or year: how sessions fill, are held or cancelled."""
    scope = Scope.of(user)
    sessions_qs = _sessions(scope, params).exclude(status=SessionStatus.DRAFT)
    if params.get("format_of_module"):
        wanted = params["format_of_module"]
        sessions_qs = (
            sessions_qs.filter(path__isnull=False)
            if wanted == "path"
            else sessions_qs.filter(module__format=wanted)
        )
    if params.get("since"):
        sessions_qs = sessions_qs.filter(starts_at__gte=_day_start(params["since"]))
    if params.get("until"):
        sessions_qs = sessions_qs.filter(starts_at__lt=_day_end(params["until"]))
    sessions = list(
        sessions_qs.values_list(
            "pk",
            "organiser_id",
            "module__format",
            "starts_at",
            "status",
            "cancel_cause",
            "capacity",
        )
    )
    enrolments: dict[tuple[int, str], int] = defaultdict(int)
    for session_id, status, count in _grouped_enrolments(sessions_qs):
        enrolments[(session_id, status)] = count
    present: dict[int, int] = defaultdict(int)
    completed: dict[int, int] = defaultdict(int)
    outcomes: dict[tuple[int, int], set[str]] = defaultdict(set)
    for session_id, provider_id, outcome in (
        Completion.objects.filter(session__in=sessions_qs.values("pk"), voided_at__isnull=True)
        .values_list("session_id", "provider_id", "outcome")
        .order_by()
        .distinct()
    ):
        outcomes[(session_id, provider_id)].add(outcome)
    for (session_id, _provider), seen in outcomes.items():
        if seen & set(PRESENT):
            present[session_id] += 1
            completed[session_id] += seen == {Outcome.COMPLETED}
    names = dict(
        Organisation.objects.filter(pk__in={row[1] for row in sessions}).values_list("pk", "name")
    )
    cells: dict[tuple[int, str, str | None], SessionCell] = {}
    total = SessionCell()
    for session_id, organiser_id, module_format, starts_at, status, cause, capacity in sessions:
        key = (organiser_id, module_format or "path", _period(starts_at, params["period"]))
        for cell in (cells.setdefault(key, SessionCell()), total):
            cell.planned += 1
            if status == SessionStatus.CANCELLED:
                cell.cancelled += 1
                cell.cancelled_by_cause[cause] = cell.cancelled_by_cause.get(cause, 0) + 1
                continue
            cell.confirmed += status in (SessionStatus.CONFIRMED, SessionStatus.COMPLETED)
            cell.places += capacity
            cell.enrolled += enrolments[(session_id, EnrolmentStatus.ENROLLED)]
            cell.waitlisted += enrolments[(session_id, EnrolmentStatus.WAITLISTED)]
            if status == SessionStatus.COMPLETED:
                cell.held += 1
                cell.expected += enrolments[(session_id, EnrolmentStatus.ENROLLED)]
                cell.present += present[session_id]
                cell.completed += completed[session_id]
    rows = [
        {
            "organiser": organiser_id,
            "organiser_name": names[organiser_id],
            "format": module_format,
            "format_label": str(format_label(module_format)),
            "period": period,
            **cell.figures(),
        }
        for (organiser_id, module_format, period), cell in sorted(
            cells.items(), key=lambda item: (names[item[0][0]], item[0][1], item[0][2] or "")
        )
    ]
    return {"period": params["period"], "rows": rows, "totals": total.figures()}


def _grouped_enrolments(sessions: QuerySet[Session]) -> Iterable[tuple[int, str, int]]:
    return (
        Enrolment.objects.filter(session__in=sessions.values("pk"))
        .values("session_id", "status")
        .annotate(n=Count("pk"))
        .values_list("session_id", "status", "n")
        .order_by()
    )
