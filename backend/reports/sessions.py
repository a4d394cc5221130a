"""The sessions report: how sessions fill, are held or cancelled, by organiser, format and
month or year. Figures defined in docs/reports.md."""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, QuerySet
from django.utils import timezone

from people.models import Organisation
from reports.labels import format_label
from reports.population import (
    PRESENT,
    Scope,
    day_end,
    day_start,
    sessions_in_scope,
    share,
)
from training.models import (
    Completion,
    Enrolment,
    EnrolmentStatus,
    Outcome,
    Session,
    SessionStatus,
)


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
            "fill_rate": share(self.enrolled, self.places),
            "present": self.present,
            "attendance_rate": share(self.present, self.expected),
            "completed": self.completed,
            "completion_rate": share(self.completed, self.present),
        }


def _period(starts_at: dt.datetime | None, period: str) -> str | None:
    if starts_at is None:
        return None
    local = timezone.localtime(starts_at)
    return f"{local:%Y}" if period == "year" else f"{local:%Y-%m}"


def sessions_report(*, user: Any, params: dict[str, Any]) -> dict[str, Any]:
    """By organiser, format and month or year: how sessions fill, are held or cancelled."""
    scope = Scope.of(user)
    sessions_qs = sessions_in_scope(scope, params).exclude(status=SessionStatus.DRAFT)
    if params.get("format_of_module"):
        wanted = params["format_of_module"]
        sessions_qs = (
            sessions_qs.filter(path__isnull=False)
            if wanted == "path"
            else sessions_qs.filter(module__format=wanted)
        )
    if params.get("since"):
        sessions_qs = sessions_qs.filter(starts_at__gte=day_start(params["since"]))
    if params.get("until"):
        sessions_qs = sessions_qs.filter(starts_at__lt=day_end(params["until"]))
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
