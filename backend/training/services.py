"""Writes to sessions, enrolments and completions."""

import datetime as dt
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Max, Min
from django.utils import timezone

from api.errors import DomainError
from common.sql import any_of, json_param, json_rows
from people.models import Organisation, Provider
from training.models import (
    CancelCause,
    Completion,
    Enrolment,
    EnrolmentStatus,
    Session,
    SessionSlot,
    SessionStatus,
    Source,
)
from training.selectors import modules_taught
from training.signals import announce, announce_batches, written_in_bulk

# The lifecycle: which status may follow which.
TRANSITIONS: dict[str, set[str]] = {
    SessionStatus.DRAFT: {SessionStatus.OPEN, SessionStatus.CANCELLED},
    SessionStatus.OPEN: {SessionStatus.CONFIRMED, SessionStatus.CANCELLED},
    SessionStatus.CONFIRMED: {SessionStatus.COMPLETED, SessionStatus.CANCELLED},
    SessionStatus.CANCELLED: set(),
    SessionStatus.COMPLETED: set(),
}
NOT_ENOUGH_PARTICIPANTS = "not enough participants"


def _sync_dates(session: Session) -> None:
    bounds = session.slots.aggregate(first=Min("starts_at"), last=Max("ends_at"))
    session.starts_at, session.ends_at = bounds["first"], bounds["last"]
    session.save(update_fields=["starts_at", "ends_at", "updated_at"])


def _replace_slots(session: Session, slots: list[dict[str, Any]]) -> None:
    session.slots.all().delete()
    SessionSlot.objects.bulk_create(SessionSlot(session=session, **slot) for slot in slots)
    _sync_dates(session)


@transaction.atomic
def session_create(*, data: dict[str, Any]) -> Session:
    """Schedule a session (a draft unless a status is given) with its slots and trainers."""
    slots = data.pop("slots", [])
    trainers = data.pop("trainers", [])
    session = Session.objects.create(**data)
    session.trainers.set(trainers)
    _replace_slots(session, slots)
    return session


@transaction.atomic
def session_update(*, session: Session, data: dict[str, Any]) -> Session:
    """Change a session; given slots or trainers replace the stored ones."""
    slots = data.pop("slots", None)
    trainers = data.pop("trainers", None)
    for field, value in data.items():
        setattr(session, field, value)
    session.save()
    if trainers is not None:
        session.trainers.set(trainers)
    if slots is not None:
        _replace_slots(session, slots)
    return session


def _transition(
    session: Session, status: str, reason: str = "", cause: str = CancelCause.OTHER
) -> Session:
    if status not in TRANSITIONS[session.status]:
        raise DomainError(
            f"A session cannot go from {session.status} to {status}.", code="invalid_transition"
        )
    session.status = status
    if status == SessionStatus.CANCELLED:
        session.cancel_reason = reason
        session.cancel_cause = cause
    session.save(update_fields=["status", "cancel_reason", "cancel_cause", "updated_at"])
    if status in (SessionStatus.CONFIRMED, SessionStatus.CANCELLED):
        announce(f"session.{status}", session)
    return session


@transaction.atomic
def session_open(*, session: Session) -> Session:
    """Publish a draft: providers may now enrol."""
    return _transition(_locked(session), SessionStatus.OPEN)


@transaction.atomic
def session_confirm(*, session: Session) -> Session:
    """Confirm that an open session will take place."""
    return _transition(_locked(session), SessionStatus.CONFIRMED)


@transaction.atomic
def session_cancel(*, session: Session, reason: str, cause: str = CancelCause.OTHER) -> Session:
    """Cancel a session, with the reason participants will read and a cause for reports."""
    return _transition(_locked(session), SessionStatus.CANCELLED, reason, cause)


@transaction.atomic
def session_complete(*, session: Session) -> Session:
    """Mark a confirmed session as held."""
    return _transition(_locked(session), SessionStatus.COMPLETED)


def _locked(session: Session) -> Session:
    """The session row, locked until the end of the transaction (serialises enrolments)."""
    return Session.objects.select_for_update().get(pk=session.pk)


def sessions_decide(*, today: dt.date) -> dict[str, int]:
    """Decide every open session whose decision date has come.

    One short of its minimum of enrolled participants is cancelled with the
    reason "not enough participants"; the others are confirmed.
    """
    due = Session.objects.filter(status=SessionStatus.OPEN, decision_date__lte=today)
    decided = {"confirmed": 0, "cancelled": 0}
    for session_id in due.values_list("pk", flat=True):
        with transaction.atomic():
            session = Session.objects.select_for_update().get(pk=session_id)
            if session.status != SessionStatus.OPEN:
                continue
            enrolled = session.enrolments.filter(status=EnrolmentStatus.ENROLLED).count()
            if enrolled < session.min_participants:
                _transition(
                    session,
                    SessionStatus.CANCELLED,
                    NOT_ENOUGH_PARTICIPANTS,
                    CancelCause.TOO_FEW_PARTICIPANTS,
                )
                decided["cancelled"] += 1
            else:
                _transition(session, SessionStatus.CONFIRMED)
                decided["confirmed"] += 1
    return decided


ENROLLABLE = (SessionStatus.OPEN, SessionStatus.CONFIRMED)


@transaction.atomic
def enrolment_create(
    *,
    session: Session,
    provider: Provider,
    actor: Any,
    external_id: str | None = None,
    source_centre: Organisation | None = None,
    enrolled_at: dt.datetime | None = None,
) -> Enrolment:
    """Enrol a provider: a place if one is free, else the end of the waiting list.

    The session row is locked first, so concurrent enrolments queue up and
    the capacity is never exceeded; the waiting list keeps arrival order.
    A session that has started (its first slot's start is past) takes no one:
    `enrolled_at`, now unless a past enrolment is loaded, is when it was taken.
    """
    session = _locked(session)
    if session.status not in ENROLLABLE:
        raise DomainError("This session is not open for enrolment.", code="not_open")
    if session.starts_at is not None and session.starts_at <= (enrolled_at or timezone.now()):
        raise DomainError("This session has already started.", code="session_started")
    active = session.enrolments.exclude(status=EnrolmentStatus.CANCELLED)
    if active.filter(provider=provider).exists():
        raise DomainError("This provider is already enrolled in this session.", code="duplicate")
    enrolled = active.filter(status=EnrolmentStatus.ENROLLED).count()
    status = EnrolmentStatus.ENROLLED if enrolled < session.capacity else EnrolmentStatus.WAITLISTED
    enrolment = Enrolment.objects.create(
        session=session,
        provider=provider,
        status=status,
        enrolled_by=actor,
        external_id=external_id,
        source_centre=source_centre,
    )
    announce("enrolment.created", enrolment)
    return enrolment


@transaction.atomic
def enrolment_cancel(*, enrolment: Enrolment) -> Enrolment:
    """Cancel an enrolment; a freed place goes to the first on the waiting list."""
    session = _locked(enrolment.session)
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if enrolment.status == EnrolmentStatus.CANCELLED:
        raise DomainError("This enrolment is already cancelled.", code="already_cancelled")
    if session.status not in ENROLLABLE:
        raise DomainError("This session is no longer open.", code="not_open")
    freed = enrolment.status == EnrolmentStatus.ENROLLED
    enrolment.status = EnrolmentStatus.CANCELLED
    enrolment.cancelled_at = timezone.now()
    enrolment.save(update_fields=["status", "cancelled_at", "updated_at"])
    announce("enrolment.cancelled", enrolment)
    if freed:
        first = session.enrolments.filter(status=EnrolmentStatus.WAITLISTED).order_by("id").first()
        if first is not None:
            first.status = EnrolmentStatus.ENROLLED
            first.save(update_fields=["status", "updated_at"])
            announce("enrolment.promoted", first)
    return enrolment


RECORDABLE = (SessionStatus.CONFIRMED, SessionStatus.COMPLETED)


def check_recording(
    *,
    session_status: str | None = None,
    teaches_module: bool = True,
    enrolled: bool = True,
    recorded: bool = False,
) -> None:
    """The rules of recording an outcome in a session, whichever way it comes (one
    completion, an attendance sheet, a partner's bulk item), in this order: the session
    is confirmed or completed, it teaches the module, the provider is enrolled in it, and
    no live outcome is recorded there yet. Raises a DomainError for the first one broken;
    a fact not given (the session's status) is not checked."""
    if session_status is not None and session_status not in RECORDABLE:
        raise DomainError(
            "Attendance is recorded for confirmed or completed sessions.", code="not_recordable"
        )
    if not teaches_module:
        raise DomainError("This session does not teach that module.", code="wrong_module")
    if not enrolled:
        raise DomainError("This provider is not enrolled in the session.", code="not_enrolled")
    if recorded:
        raise DomainError(
            "An outcome is already recorded; void it to correct it.", code="duplicate"
        )


def _check_recordable(session: Session, provider_ids: set[int], module_ids: set[int]) -> None:
    """The recording rules for these providers and modules in a session (its enrolments
    read only once its status and modules pass)."""
    check_recording(session_status=session.status)
    check_recording(teaches_module=module_ids <= modules_taught([session])[session.pk])
    enrolled = set(
        session.enrolments.filter(
            status=EnrolmentStatus.ENROLLED, provider_id__in=provider_ids
        ).values_list("provider_id", flat=True)
    )
    check_recording(enrolled=enrolled == provider_ids)


@transaction.atomic
def completion_create(
    *,
    provider: Provider,
    module_id: int,
    session: Session | None,
    completed_on: dt.date,
    outcome: str,
    actor: Any,
    source: str = Source.TRAINER,
) -> Completion:
    """Record one provider's outcome for one module (of a session, when given). A partner
    centre's completions with their external ids are written by `integrations.bulk_upserts`."""
    if session is not None:
        _check_recordable(session, {provider.pk}, {module_id})
        live = Completion.objects.filter(
            provider=provider, module_id=module_id, session=session, voided_at__isnull=True
        )
        check_recording(recorded=live.exists())
    completion = Completion.objects.create(
        provider=provider,
        module_id=module_id,
        session=session,
        completed_on=completed_on,
        outcome=outcome,
        source=source,
        recorded_by=actor,
    )
    announce("completion.recorded", completion)
    return completion


@transaction.atomic
def completion_void(*, completion: Completion, reason: str, actor: Any) -> Completion:
    """Void a completion record: it stays listable, with who voided it, when and why."""
    completion = Completion.objects.select_for_update().get(pk=completion.pk)
    if completion.voided_at is not None:
        raise DomainError("This record is already voided.", code="already_voided")
    completion.voided_at = timezone.now()
    completion.voided_by = actor
    completion.void_reason = reason
    completion.save(update_fields=["voided_at", "voided_by", "void_reason", "updated_at"])
    announce("completion.voided", completion)
    return completion


# New records reach the database as one JSON array (common.sql), all created at the same
# time: bulk_create prepared each of their values through its field (about 50 ms for
# 1,000 records). `date(…)` reads an ISO date on both SQLite and PostgreSQL.
INSERT_RECORDS = """
INSERT INTO training_completion (
    provider_id, module_id, session_id, completed_on, outcome, source, recorded_by_id,
    external_id, source_centre_id, void_reason, created_at, updated_at
)
SELECT CAST(value ->> 0 AS bigint), CAST(value ->> 1 AS bigint), CAST(value ->> 2 AS bigint),
    date(value ->> 3), value ->> 4, value ->> 5, CAST(value ->> 6 AS bigint), value ->> 7,
    CAST(value ->> 8 AS bigint), '', %s, %s
FROM {rows}
RETURNING id
"""


def _insert_records(records: list[Completion], now: dt.datetime) -> None:
    """Insert new records (not voided) in one statement; each gets its id."""
    rows = [
        [
            record.provider_id,
            record.module_id,
            record.session_id,
            str(record.completed_on),
            record.outcome,
            record.source,
            record.recorded_by_id,
            record.external_id,
            record.source_centre_id,
        ]
        for record in records
    ]
    at = connection.ops.adapt_datetimefield_value(now)
    with connection.cursor() as cursor:
        cursor.execute(INSERT_RECORDS.format(rows=json_rows()), [at, at, json_param(rows)])
        ids = [pk for (pk,) in cursor.fetchall()]
    for record, pk in zip(records, ids, strict=True):
        record.pk, record.created_at, record.updated_at = pk, now, now
        record._state.adding, record._state.db = False, connection.alias


@transaction.atomic
def completions_replace(
    *, voids: list[Completion], records: list[Completion], reason: str, actor: Any
) -> list[Completion]:
    """Void `voids` and record `records` in one statement each (a partner's bulk write, checked
    by its caller): the same rows and events as `completion_void` and `completion_create`.

    A record voided meanwhile by someone else is a conflict (IntegrityError), as is a
    record that a concurrent write made a duplicate (the database's unique constraints).
    """
    now = timezone.now()
    if voids:
        voided = Completion.objects.filter(
            any_of("pk", [completion.pk for completion in voids]), voided_at__isnull=True
        ).update(voided_at=now, voided_by=actor, void_reason=reason, updated_at=now)
        if voided != len(voids):
            raise IntegrityError("A record was voided by a concurrent write.")
        for completion in voids:
            completion.voided_at, completion.voided_by, completion.void_reason = now, actor, reason
    _insert_records(records, now)
    written_in_bulk.send(sender=Completion, records=[*voids, *records])
    announce_batches([("completion.voided", voids), ("completion.recorded", records)])
    return records


@transaction.atomic
def attendance_record(
    *, session: Session, records: list[dict[str, Any]], completed_on: dt.date, actor: Any
) -> list[dict[str, Any]]:
    """Record a whole attendance sheet: per participant and module, an outcome.

    A record equal to the live one is left unchanged; a different outcome voids
    the live one ("corrected by attendance sheet") and records the new one.
    """
    session = _locked(session)
    _check_recordable(
        session,
        {record["provider"].pk for record in records},
        {record["module"].pk for record in records},
    )
    live = {
        (c.provider_id, c.module_id): c
        for c in Completion.objects.filter(session=session, voided_at__isnull=True)
    }
    results = []
    now = timezone.now()
    for record in records:
        provider, module, outcome = record["provider"], record["module"], record["outcome"]
        current = live.get((provider.pk, module.pk))
        if current is not None and current.outcome == outcome:
            results.append(
                {
                    "provider": provider.pk,
                    "module": module.pk,
                    "result": "unchanged",
                    "completion": current.pk,
                }
            )
            continue
        if current is not None:
            current.voided_at, current.voided_by = now, actor
            current.void_reason = "corrected by attendance sheet"
            current.save(update_fields=["voided_at", "voided_by", "void_reason", "updated_at"])
            announce("completion.voided", current)
        created = Completion.objects.create(
            provider=provider,
            module=module,
            session=session,
            completed_on=completed_on,
            outcome=outcome,
            source=Source.TRAINER,
            recorded_by=actor,
        )
        announce("completion.recorded", created)
        live[(provider.pk, module.pk)] = created
        results.append(
            {
                "provider": provider.pk,
                "module": module.pk,
                "result": "replaced" if current is not None else "created",
                "completion": created.pk,
            }
        )
    return results
