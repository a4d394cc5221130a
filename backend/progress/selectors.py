"""Reads of self-assessments and the progress profile of a provider.

The formulas are defined in docs/workflows.md. `provider_progress` runs a fixed
number of queries, whatever the length of the provider's history.
"""

import datetime as dt
import weakref
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Count, DateTimeField, F, IntegerField, QuerySet, Value, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from catalogue.models import CatalogueVersion
from catalogue.snapshot import Snapshot, snapshot
from people.models import Provider
from progress import profile_cache
from progress.models import ProviderCompetencyLevel, SelfAssessment
from progress.paths import followed_paths_by_source
from training.models import (
    Completion,
    Enrolment,
    EnrolmentStatus,
    Outcome,
    Session,
    SessionStatus,
)


def progress_providers(*, user: Any) -> QuerySet[Provider]:
    """Providers whose progress and self-assessments the caller may read
    (`Provider.objects.visible_to(user, progress=True)`: a partner centre reads only those
    of its participants who consented to share)."""
    return (
        Provider.objects.select_related("business")
        .prefetch_related("assigned_paths")
        .visible_to(user, progress=True)
    )


def self_assessment_list(*, user: Any) -> QuerySet[SelfAssessment]:
    """Self-assessments the caller may read (`SelfAssessment.objects.visible_to`), newest
    first."""
    return SelfAssessment.objects.select_related("competency").visible_to(user)


Levels = tuple[int | None, dt.datetime | None, int | None, int | None]
NO_LEVEL = Value(None, output_field=IntegerField())
NO_DATE = Value(None, output_field=DateTimeField())


def _profile_query(provider_id: int) -> QuerySet[Any]:
    """The catalogue's version, and a provider's row (does it exist?), competency levels, completed
    modules and followed paths, as one query."""
    version = CatalogueVersion.objects.values_list(
        Value("catalogue"), "version", NO_LEVEL, NO_DATE, NO_LEVEL, NO_LEVEL
    )
    provider = Provider.objects.filter(pk=provider_id).values_list(
        Value("provider"), "pk", NO_LEVEL, NO_DATE, NO_LEVEL, NO_LEVEL
    )
    levels = ProviderCompetencyLevel.objects.filter(provider_id=provider_id).values_list(
        Value("levels"),
        "competency_id",
        "level",
        "assessed_at",
        "evidenced_level",
        "target_level",
    )
    completed = Completion.objects.filter(
        provider_id=provider_id, outcome=Outcome.COMPLETED, voided_at__isnull=True
    ).values_list(Value("module"), "module_id", NO_LEVEL, NO_DATE, NO_LEVEL, NO_LEVEL)
    assigned, enrolled = (
        followed.values_list(Value(source), "path_id", NO_LEVEL, NO_DATE, NO_LEVEL, NO_LEVEL)
        for source, followed in zip(
            ("assigned", "session"),
            followed_paths_by_source(providers=[provider_id]),
            strict=True,
        )
    )
    # PostgreSQL types each column by the branches in order: the competency levels, typed, come
    # before any other branch of NULL levels and dates.
    return provider.order_by().union(
        levels.order_by(),
        version.order_by(),
        completed.order_by(),
        assigned.order_by(),
        enrolled.order_by(),
        all=True,
    )


# The profile query is read on every profile: building it costs more than running it, so it
# is compiled once per process and database, for an id no row has, and run with the
# provider's id in its place. PostgreSQL takes longer to plan it (0.7 ms) than to run it
# (0.1 ms): there it is prepared once per connection and executed by name.
UNUSED_ID = -7_345_001
PROFILE_STATEMENT = "progress_profile"
_compiled: dict[str, tuple[str, tuple[Any, ...]]] = {}
# The database connections (psycopg's) on which the statement is prepared.
_prepared: weakref.WeakSet[Any] = weakref.WeakSet()


def _profile_rows(provider_id: int) -> list[tuple[Any, ...]]:
    compiled = _compiled.get(connection.alias)
    if compiled is None:
        compiled = _compiled[connection.alias] = _profile_query(UNUSED_ID).query.sql_with_params()
    sql, params = compiled
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql" or not settings.DB_PREPARED_STATEMENTS:
            cursor.execute(sql, [provider_id if p == UNUSED_ID else p for p in params])
            return cursor.fetchall()
        raw = connection.connection
        if raw not in _prepared:
            # On the connection itself: a statement of the session, not of this transaction
            # (a rollback keeps it), and not one of the request's queries.
            literal = connection.ops.compose_sql(sql, params)  # type: ignore[attr-defined]
            assert str(UNUSED_ID) in literal, literal
            raw.execute(
                f"PREPARE {PROFILE_STATEMENT}(bigint) AS {literal.replace(str(UNUSED_ID), '$1')}"
            )
            _prepared.add(raw)
        cursor.execute(f"EXECUTE {PROFILE_STATEMENT}(%s)", [provider_id])
        return cursor.fetchall()


def _moment(value: Any) -> dt.datetime | None:
    """A datetime as the database gives it to a cursor (SQLite: ISO text in UTC)."""
    if isinstance(value, str):
        parsed = parse_datetime(value)
        assert parsed is not None, value
        return parsed if timezone.is_aware(parsed) else parsed.replace(tzinfo=dt.UTC)
    return value


def _profile_data(provider_id: int) -> tuple[int, dict[int, Levels], dict[str, set[int]]] | None:
    """The catalogue's version, a provider's competency levels per competency, and the modules they
    completed and the paths they follow (assigned, or of the path sessions they are enrolled
    in): one query. None when there is no such provider."""
    by_competency: dict[int, Levels] = {}
    followed: dict[str, set[int]] = {
        "catalogue": set(),
        "provider": set(),
        "module": set(),
        "assigned": set(),
        "session": set(),
    }
    for kind, pk, level, assessed_at, evidenced, target in _profile_rows(provider_id):
        if kind == "levels":
            by_competency[pk] = (level, _moment(assessed_at), evidenced, target)
        else:
            followed[kind].add(pk)
    if not followed["provider"]:
        return None
    # One row, or none before the catalogue's first change (version 0).
    version = max(followed["catalogue"], default=0)
    return version, by_competency, followed


def provider_progress(*, provider_id: int) -> dict[str, Any] | None:
    """A provider's progress profile (see `provider_progress_until`)."""
    found = provider_progress_until(provider_id=provider_id)
    return None if found is None else found[0]


def provider_progress_until(
    *, provider_id: int
) -> tuple[dict[str, Any], dt.datetime | None] | None:
    """Per competency: self-assessed, evidenced and target level and the gap; per path, the
    required steps completed; and the modules to take next with their upcoming sessions.

    The levels come from the provider's competency levels (kept current on every write), the
    catalogue from its snapshot of the version read with them: one query (the provider's
    data and the catalogue's version), and two more for upcoming sessions when a module
    is recommended. Given with the moment the profile stops being true by time
    alone: when the first of the upcoming sessions it considered starts (None: never).
    None when there is no such provider.
    """
    data = _profile_data(provider_id)
    if data is None:
        return None
    version, by_competency, followed = data
    catalogue = snapshot(version)
    completed, assigned, from_sessions = (
        followed["module"],
        followed["assigned"],
        followed["session"],
    )

    rows = []
    levels: dict[int, int] = {}
    gaps: dict[int, int] = {}
    targets: dict[int, int] = {}
    for competency in catalogue.competencies:
        own, assessed_at, evidenced, target = by_competency.get(
            competency["competency"], (None, None, None, None)
        )
        level = levels[competency["competency"]] = max(own or 0, evidenced or 0)
        gap = None if target is None else max(target - level, 0)
        if target is not None:
            targets[competency["competency"]] = target
        if gap:
            gaps[competency["competency"]] = gap
        rows.append(
            {
                **competency,
                "self_assessed_level": own,
                "self_assessed_at": _datetime(assessed_at),
                "evidenced_level": evidenced,
                "target_level": target,
                "gap": gap,
            }
        )
    recommendations, until = _recommendations(catalogue, gaps, targets, completed, levels)
    return {
        "provider": provider_id,
        "competencies": rows,
        "paths": _paths(catalogue, assigned | from_sessions, assigned, completed),
        "recommendations": recommendations,
    }, until


def _datetime(value: dt.datetime | None) -> str | None:
    """A moment as every other answer writes it (DRF's `DateTimeField`: ISO 8601 in the
    site's time zone, `Z` for UTC), without the field's machinery on every date."""
    if value is None:
        return None
    text = value.astimezone(timezone.get_current_timezone()).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _paths(
    catalogue: Snapshot, path_ids: set[int], assigned: set[int], completed: set[int]
) -> list[dict[str, Any]]:
    result = []
    for path_id in path_ids:
        path = catalogue.paths[path_id]
        required = [module_id for module_id, is_required in path["steps"] if is_required]
        result.append(
            {
                "path": path_id,
                "code": path["code"],
                "name": path["name"],
                "source": "assigned" if path_id in assigned else "session",
                "required_steps": len(required),
                "required_completed": sum(module_id in completed for module_id in required),
                "steps_completed": sum(module_id in completed for module_id, _ in path["steps"]),
                "steps": len(path["steps"]),
            }
        )
    return sorted(result, key=lambda path: path["code"])


def _recommendations(
    catalogue: Snapshot,
    gaps: dict[int, int],
    targets: dict[int, int],
    completed: set[int],
    levels: dict[int, int],
) -> tuple[list[dict[str, Any]], dt.datetime | None]:
    """Active modules not completed yet that teach a competency with a gap up to its target,
    whose prerequisites the provider meets; the largest gap first. With the start of the
    first session considered (see `_upcoming`)."""
    codes = {competency["competency"]: competency["code"] for competency in catalogue.competencies}
    candidates: dict[int, dict[str, Any]] = {}
    for competency_id, gap in gaps.items():
        for module_id, level in catalogue.teaching.get(competency_id, ()):
            if module_id in completed or level < targets[competency_id]:
                continue
            entry = candidates.setdefault(module_id, {"addresses": [], "gap": 0})
            entry["addresses"].append(codes[competency_id])
            entry["gap"] = max(entry["gap"], gap)
    eligible = {
        module_id: entry
        for module_id, entry in candidates.items()
        if all(
            levels.get(competency_id, 0) >= min_level
            for competency_id, min_level in catalogue.prerequisites.get(module_id, ())
        )
    }
    if not eligible:
        return [], None
    upcoming = profile_cache.upcoming_sessions(set(eligible), _upcoming)
    ordered = sorted(
        eligible.items(), key=lambda item: (-item[1]["gap"], catalogue.modules[item[0]]["code"])
    )
    starts = [until for _, until in upcoming.values() if until is not None]
    return [
        {
            "module": module_id,
            **catalogue.modules[module_id],
            "addresses": sorted(entry["addresses"]),
            "gap": entry["gap"],
            "sessions": upcoming[module_id][0],
        }
        for module_id, entry in ordered
    ], min(starts, default=None)


# Upcoming sessions listed per recommended module: the next ones with a free place, among
# the next CANDIDATES (a national catalogue holds hundreds per module).
UPCOMING_PER_MODULE = 5
CANDIDATES = 3 * UPCOMING_PER_MODULE


def _upcoming(module_ids: set[int]) -> dict[int, profile_cache.Upcoming]:
    """Per module, its next open or confirmed sessions that still have a place, with the
    start of its first candidate (from then on, the list is another): two queries, one for
    each module's next CANDIDATES, one for their enrolments."""
    if not module_ids:
        return {}
    candidates = list(
        Session.objects.filter(
            module_id__in=module_ids,
            status__in=(SessionStatus.OPEN, SessionStatus.CONFIRMED),
            starts_at__gt=timezone.now(),
        )
        .annotate(
            rank=Window(
                RowNumber(), partition_by=[F("module_id")], order_by=[F("starts_at"), F("pk")]
            )
        )
        .filter(rank__lte=CANDIDATES)
        .order_by("starts_at", "pk")
        .values_list("pk", "module_id", "starts_at", "commune", "capacity")
    )
    enrolled = dict(
        Enrolment.objects.filter(
            session_id__in=[candidate[0] for candidate in candidates],
            status=EnrolmentStatus.ENROLLED,
        )
        .order_by()
        .values("session_id")
        .annotate(n=Count("pk"))
        .values_list("session_id", "n")
    )
    sessions: dict[int, list[dict[str, Any]]] = {module_id: [] for module_id in module_ids}
    first: dict[int, dt.datetime | None] = {}
    for session_id, module_id, starts_at, commune, capacity in candidates:
        first.setdefault(module_id, starts_at)
        places_left = capacity - enrolled.get(session_id, 0)
        if places_left > 0 and len(sessions[module_id]) < UPCOMING_PER_MODULE:
            sessions[module_id].append(
                {
                    "session": session_id,
                    "starts_at": _datetime(starts_at),
                    "commune": commune,
                    "places_left": places_left,
                }
            )
    return {module_id: (sessions[module_id], first.get(module_id)) for module_id in module_ids}
