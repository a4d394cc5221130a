"""Who and what the office's reports are about: the caller's scope, the sessions and
providers a report counts after its filters, the groups they fall in and what those are
called, and the competencies shown. Shared by the skills, effect and sessions reports.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import F, Q, QuerySet, Value
from django.db.models.functions import NullIf
from django.utils import timezone

from catalogue.models import (
    Competency,
    LearningPath,
    ProficiencyLevel,
)
from common.roles import COORDINATOR, PARTNER, role_of
from people.models import Business, Organisation, Provider
from progress.paths import followed_paths, followed_paths_by_source, path_followers
from reports.labels import NO_GROUP, sector_label
from training.models import (
    Completion,
    Enrolment,
    EnrolmentStatus,
    Outcome,
    Session,
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


def day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def day_end(day: dt.date) -> dt.datetime:
    return day_start(day + dt.timedelta(days=1))


def mean(total: float, count: int) -> float | None:
    return round(total / count, 2) if count else None


def share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def sessions_in_scope(scope: Scope, params: dict[str, Any]) -> QuerySet[Session]:
    sessions = Session.objects.all()
    if scope.organiser_id is not None:
        sessions = sessions.filter(organiser_id=scope.organiser_id)
    if params.get("organiser"):
        sessions = sessions.filter(organiser_id=params["organiser"])
    if params.get("session"):
        sessions = sessions.filter(pk=params["session"])
    return sessions


def participants(sessions: QuerySet[Session]) -> tuple[QuerySet[Any], QuerySet[Any]]:
    """Who took part in `sessions`: their enrolments, and their records of presence."""
    enrolled = Enrolment.objects.filter(session__in=sessions, status=EnrolmentStatus.ENROLLED)
    recorded = Completion.objects.filter(
        session__in=sessions, voided_at__isnull=True, outcome__in=PRESENT
    )
    return enrolled, recorded


def providers_counted(scope: Scope, params: dict[str, Any]) -> QuerySet[Provider]:
    """The providers a skills report counts, after its filters."""
    providers = Provider.objects.all()
    if scope.organiser_id is not None:
        providers = providers.filter(shares_progress_with_partners=True)
    by_session = scope.organiser_id is not None or params.get("organiser") or params.get("session")
    if by_session or params["group_by"] == "session":
        enrolled, recorded = participants(sessions_in_scope(scope, params))
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
        providers = providers.filter(pk__in=path_followers(params["path"]).values("pk"))
    return providers


def provider_paths(population: QuerySet[Provider]) -> dict[int, set[int]]:
    """Each provider's paths (progress.paths)."""
    paths: dict[int, set[int]] = defaultdict(set)
    for row in followed_paths(providers=population.values("pk")):
        paths[row["provider_id"]].add(row["path_id"])
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


def group_membership(
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
        enrolled, recorded = participants(sessions_in_scope(scope, params))
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
    assigned, enrolled = followed_paths_by_source(
        providers=members, path_id=params.get("path") or None
    )
    return assigned.values(member=F("provider_id"), group_key=F("path_id")).union(
        enrolled.values(member=F("provider_id"), group_key=F("path_id"))
    )


def group_labels(group_by: str, keys: set[Any]) -> dict[GroupKey, str]:
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


def groups_by_member(membership: QuerySet[Any], group_by: str) -> Groups:
    """Each provider's groups, read pair by pair (for reports computed provider by provider)."""
    groups = Groups()
    keys: set[Any] = set()
    for member, key in sorted(
        membership.values_list("member", "group_key"), key=lambda pair: (pair[0], str(pair[1]))
    ):
        groups.members[member].append(None if key is None else str(key))
        keys.add(key)
    groups.labels = group_labels(group_by, keys)
    return groups


def group_sizes(membership: QuerySet[Any], group_by: str) -> Groups:
    """The groups and how many providers each has, counted by the database."""
    sql, params = membership.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT m.group_key, COUNT(*) FROM ({sql}) m GROUP BY m.group_key",
            params,
        )
        return counted_groups(group_by, dict(cursor.fetchall()))


def counted_groups(group_by: str, counted: dict[Any, int]) -> Groups:
    """The groups, named, from how many providers each has (by key; None: no group)."""
    groups = Groups()
    groups.labels = group_labels(group_by, set(counted))
    groups.counted = {None if key is None else str(key): n for key, n in counted.items()}
    return groups


def competencies_of(params: dict[str, Any]) -> list[Competency]:
    competencies = Competency.objects.filter(is_active=True).select_related("framework")
    if params.get("framework"):
        competencies = competencies.filter(framework_id=params["framework"])
    if params.get("competency"):
        competencies = competencies.filter(pk=params["competency"])
    return list(competencies.order_by("framework__code", "code"))


def scales_of(competencies: list[Competency]) -> dict[int, list[int]]:
    frameworks = {competency.framework_id for competency in competencies}
    scales: dict[int, list[int]] = defaultdict(list)
    levels = ProficiencyLevel.objects.filter(framework_id__in=frameworks).order_by("value")
    for framework_id, value in levels.values_list("framework_id", "value"):
        scales[framework_id].append(value)
    return scales


def competency_naming(competency: Competency) -> dict[str, Any]:
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
