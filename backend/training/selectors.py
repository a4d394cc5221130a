"""Reads of sessions, enrolments and completions, scoped to what the caller may see
(each model's `objects.visible_to(user)`)."""

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from catalogue.models import PathStep
from common.roles import PARTNER, TRAINER, role_of
from training.models import (
    Completion,
    Enrolment,
    EnrolmentStatus,
    Session,
    SessionSlot,
)


def session_list(*, user: Any) -> QuerySet[Session]:
    """Sessions the caller may see (`Session.objects.visible_to`), with their slots,
    trainers and head counts."""
    queryset = (
        Session.objects.select_related("module", "path", "organiser")
        .prefetch_related(
            Prefetch("slots", queryset=SessionSlot.objects.order_by("starts_at")),
            "trainers",
        )
        .annotate(
            enrolled_count=Count(
                "enrolments", filter=Q(enrolments__status=EnrolmentStatus.ENROLLED)
            ),
            waitlisted_count=Count(
                "enrolments", filter=Q(enrolments__status=EnrolmentStatus.WAITLISTED)
            ),
        )
    )
    return queryset.visible_to(user)


def enrolment_list(*, user: Any) -> QuerySet[Enrolment]:
    """Enrolments the caller may see (`Enrolment.objects.visible_to`), with their
    waiting-list position."""
    ahead = (
        Enrolment.objects.filter(
            session=OuterRef("session"), status=EnrolmentStatus.WAITLISTED, id__lt=OuterRef("id")
        )
        .values("session")
        .annotate(n=Count("id"))
        .values("n")
    )
    queryset = Enrolment.objects.select_related("session", "provider").annotate(
        waitlist_ahead=Coalesce(Subquery(ahead), 0)
    )
    return queryset.visible_to(user)


def completion_list(*, user: Any) -> QuerySet[Completion]:
    """Completion records the caller may see (`Completion.objects.visible_to`; voided ones
    included: filter them out)."""
    queryset = Completion.objects.select_related("module", "provider", "session")
    return queryset.visible_to(user)


def trainer_trains(*, user: Any, session: Session) -> bool:
    """True when the caller is one of the session's trainers."""
    return bool(user.trainer_id) and session.trainers.filter(pk=user.trainer_id).exists()


def modules_taught(sessions: Iterable[Session]) -> dict[int, set[int]]:
    """By session id, the modules each session teaches: its module, or every step of its
    path. One query for all the path sessions (none when every session has a module)."""
    taught: dict[int, set[int]] = {}
    by_path: dict[int, list[int]] = defaultdict(list)
    for session in sessions:
        if session.module_id is not None:
            taught[session.pk] = {session.module_id}
        else:
            assert session.path_id is not None
            taught[session.pk] = set()
            by_path[session.path_id].append(session.pk)
    if by_path:
        steps = PathStep.objects.filter(path_id__in=by_path).values_list("path_id", "module_id")
        for path_id, module_id in steps:
            for session_id in by_path[path_id]:
                taught[session_id].add(module_id)
    return taught


def participant_ids(user: Any) -> QuerySet[Any]:
    """The ids of the providers a trainer or a partner centre may see (`provider_id`): the
    participants of the sessions the trainer trains (not cancelled), or of the sessions
    the centre organises. Read from enrolments themselves: filtering providers through a
    multi-valued relation would mix one provider's enrolments in different sessions."""
    role = role_of(user)
    if role == TRAINER and user.trainer_id:
        taught = Enrolment.objects.filter(session__trainers=user.trainer_id).exclude(
            status=EnrolmentStatus.CANCELLED
        )
        return taught.values("provider_id")
    if role == PARTNER and user.partner_centre_id:
        theirs = Enrolment.objects.filter(session__organiser_id=user.partner_centre_id)
        return theirs.values("provider_id")
    return Enrolment.objects.none().values("provider_id")
