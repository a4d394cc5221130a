"""Bulk upserts from partner centres, keyed by their own ids.

Each item is written in its own savepoint: a bad item is reported and rolled
back alone, the good ones stay. Results: `created`, `updated`, `unchanged`, or
`error` with a code and the field at fault.
"""

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db import IntegrityError, transaction
from django.db.models import FilteredRelation, Model, OuterRef, Q, QuerySet, Subquery
from django.db.models.base import ModelState
from django.utils import timezone
from rest_framework.exceptions import ValidationError

from api.errors import DomainError
from catalogue.models import Module
from common.sql import any_of
from integrations.models import LinkStatus, Participant
from people.models import Organisation, Provider
from training import services as training
from training.models import Completion, Enrolment, EnrolmentStatus, Session, Source
from training.selectors import modules_taught

MAX_ITEMS = 1000
# What an item is compared with, and what a voided record's events show (audit, webhooks):
# a live record named by a push is read with these columns only.
LIVE_FIELDS = [
    "id",
    "provider_id",
    "module_id",
    "session_id",
    "completed_on",
    "outcome",
    "external_id",
]
SESSION = Completion._meta.get_field("session")
# A push's sessions are read with these columns only: deciding and the webhooks read no more.
SESSION_FIELDS = ["id", "external_id", "status", "organiser_id", "path_id", "module_id"]


@dataclass
class ItemError(Exception):
    """One item refused: a machine-readable code, the field at fault, a message."""

    code: str
    field: str | None
    detail: str


def normalise_email(email: str) -> str:
    """The matching key for participants: trimmed and lower-case."""
    return email.strip().lower()


def participant_resolve(*, centre: Organisation, data: dict[str, Any]) -> Participant:
    """The centre's link to a participant: by the centre's id, else a new one to the
    provider with this e-mail, pending until that provider (or a coordinator) confirms
    it, else to a new provider, confirmed (the centre made them)."""
    link = (
        Participant.objects.filter(partner_centre=centre, external_id=data["external_id"])
        .select_related("provider")
        .first()
    )
    if link is not None:
        return link
    email = normalise_email(data["email"])
    provider = Provider.objects.filter(email__iexact=email).first()
    status = LinkStatus.PENDING
    if provider is None:
        provider = Provider.objects.create(
            first_name=data["first_name"],
            last_name=data["last_name"],
            email=email,
            phone=data.get("phone", ""),
        )
        status = LinkStatus.CONFIRMED
    if Participant.objects.filter(partner_centre=centre, provider=provider).exists():
        raise ItemError(
            "participant_conflict",
            "participant.external_id",
            "This provider already has another id in this centre.",
        )
    return Participant.objects.create(
        partner_centre=centre, external_id=data["external_id"], provider=provider, status=status
    )


# What an item naming a participant not confirmed gets: the centre may neither enrol
# them nor record for them.
UNCONFIRMED = {
    LinkStatus.PENDING: ItemError(
        "participant_pending",
        "participant.email",
        "This e-mail is a provider's who has not yet confirmed your centre; "
        "send the item again once they have.",
    ),
    LinkStatus.REFUSED: ItemError(
        "participant_refused",
        "participant.email",
        "This provider declined to be a participant of your centre.",
    ),
}


def _centre_session(centre: Organisation, external_id: str) -> Session:
    session = Session.objects.filter(organiser=centre, external_id=external_id).first()
    if session is None:
        raise ItemError("unknown_session", "session", "No session of yours has this id.")
    return session


def _lock_sessions(centre: Organisation, items: list[dict[str, Any]]) -> None:
    """Within one transaction (a push with an `Idempotency-Key`), lock the sessions the
    push names at once, in the order of their ids: each enrolment locks its session, and
    two pushes locking them item by item in different orders would wait on each other
    in a circle (a deadlock). Without a key, each item is its own transaction."""
    if not transaction.get_connection().in_atomic_block:
        return
    names = sorted({item["session"] for item in items if isinstance(item.get("session"), str)})
    sessions = Session.objects.filter(organiser=centre, external_id__in=names)
    list(sessions.order_by("pk").select_for_update().values_list("pk", flat=True))


def _email_of(item: dict[str, Any]) -> str:
    participant = item.get("participant")
    email = participant.get("email") if isinstance(participant, dict) else None
    return normalise_email(email) if isinstance(email, str) else ""


CONFLICT = ItemError("conflict", None, "A concurrent write conflicts with this item.")


def _write_in_savepoint(item: dict[str, Any], write: Any) -> dict[str, Any]:
    """An item written in its own savepoint: an error raised rolls its writes back, an
    error returned (a pending participant's) keeps them."""
    try:
        with transaction.atomic():
            result = write(item)
    except ItemError as error:
        return _error(item, error)
    except ValidationError as error:
        field, code, detail = first_error(error.detail)
        return _error(item, ItemError(code, field, detail))
    except IntegrityError:
        return _error(item, CONFLICT)
    if isinstance(result, ItemError):
        return _error(item, result)
    return {"external_id": item.get("external_id"), "result": result}


def _check_recording(field: str | None, **given: Any) -> None:
    """The recording rules (training.services.check_recording) for an item: a refusal is
    the item's error, on `field`."""
    try:
        training.check_recording(**given)
    except DomainError as error:
        _, code, detail = first_error(error.detail)
        raise ItemError(code, field, detail) from None


def first_error(detail: Any, prefix: str = "") -> tuple[str | None, str, str]:
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = "" if key == "non_field_errors" else f"{prefix}{key}"
            field, code, text = first_error(value, f"{name}." if name else prefix)
            return field or (name or None), code, text
    if isinstance(detail, list) and detail:
        return first_error(detail[0], prefix)
    return None, getattr(detail, "code", "invalid"), str(detail)


def enrolments_upsert(
    *, centre: Organisation, items: list[dict[str, Any]], actor: Any
) -> list[dict[str, Any]]:
    """Create, cancel or leave alone each enrolment named by the centre's id."""

    def write(item: dict[str, Any]) -> str | ItemError:
        session = _centre_session(centre, item["session"])
        existing = Enrolment.objects.filter(
            source_centre=centre, external_id=item["external_id"]
        ).first()
        wanted = item.get("status", "enrolled")
        if existing is None:
            link = participant_resolve(centre=centre, data=item["participant"])
            if link.status != LinkStatus.CONFIRMED:
                return UNCONFIRMED[LinkStatus(link.status)]
            enrolment = training.enrolment_create(
                session=session,
                provider=link.provider,
                actor=actor,
                external_id=item["external_id"],
                source_centre=centre,
            )
            if wanted == "cancelled":
                training.enrolment_cancel(enrolment=enrolment)
            return "created"
        if existing.session_id != session.pk:
            raise ItemError(
                "session_changed", "session", "This enrolment belongs to another session."
            )
        if wanted == "cancelled" and existing.status != EnrolmentStatus.CANCELLED:
            training.enrolment_cancel(enrolment=existing)
            return "updated"
        if wanted != "cancelled" and existing.status == EnrolmentStatus.CANCELLED:
            raise ItemError(
                "cancelled", "status", "A cancelled enrolment stays cancelled; send a new id."
            )
        return "unchanged"

    _lock_sessions(centre, items)
    # New providers and participants are inserted in the order of their e-mail, so two
    # keyed pushes (each one transaction) never wait on each other's unique e-mails in
    # a circle; the results keep the items' order.
    results: list[dict[str, Any]] = [{}] * len(items)
    for index in sorted(range(len(items)), key=lambda i: _email_of(items[i])):
        results[index] = _write_in_savepoint(items[index], write)
    return results


def completions_upsert(
    *, centre: Organisation, items: list[dict[str, Any]], actor: Any
) -> list[dict[str, Any]]:
    """Record, correct (void and replace) or leave alone each completion named by the
    centre's id.

    The whole push costs a fixed number of queries: what the items name is read in one
    query per kind, each item is checked here with the same rules as an attendance sheet,
    and the corrections and new records are written in one statement each. A write that
    a concurrent one defeats (the database's constraints) makes every item that was to be
    written a `conflict` error, and none of them is written.
    """
    context = _CompletionItemsContext.read(centre, items)
    results: list[dict[str, Any]] = []
    voids: list[Completion] = []
    records: list[Completion] = []
    pending: list[dict[str, Any]] = []
    for item in items:
        try:
            outcome, void, record = context.decide(item, actor)
        except ItemError as error:
            results.append(_error(item, error))
            continue
        result = {"external_id": item["external_id"], "result": outcome}
        results.append(result)
        if record is not None:
            records.append(record)
            pending.append(result)
        if void is not None:
            voids.append(void)
    if records:
        try:
            training.completions_replace(
                voids=voids, records=records, reason="corrected by partner", actor=actor
            )
        except IntegrityError:
            for result in pending:
                result.update(_error(result, CONFLICT))
    return results


def _error(item: dict[str, Any], error: ItemError) -> dict[str, Any]:
    return {
        "external_id": item.get("external_id"),
        "result": "error",
        "code": error.code,
        "field": error.field,
        "detail": error.detail,
    }


def _live_records(
    records: "QuerySet[Completion]", sessions: Iterable[Session]
) -> Iterator[Completion]:
    """These records with the columns of LIVE_FIELDS (the others deferred), each with its
    session's organiser (the webhooks' recipient): the push's own sessions as read, any
    other as its id and organiser. Rows, not model instances, are read: a thousand
    records, each with its session, took longer to build than to read."""
    sessions_by_id = {session.pk: session for session in sessions}
    alias = records.db
    # The organiser by a subquery on the session's key: a join read every session (the
    # planner, expecting thousands of records, hashed the whole table).
    organiser = Session.objects.filter(pk=OuterRef("session_id")).order_by().values("organiser_id")
    for *values, organiser_id in (
        records.order_by()
        .annotate(organiser_id=Subquery(organiser))
        .values_list(*LIVE_FIELDS, "organiser_id")
    ):
        record = _record_from_columns(dict(zip(LIVE_FIELDS, values, strict=True)), alias)
        if record.session_id is not None:
            session = sessions_by_id.get(record.session_id)
            if session is None:
                session = _instance_from_columns(
                    Session, {"id": record.session_id, "organiser_id": organiser_id}, alias
                )
                sessions_by_id[record.session_id] = session
            SESSION.set_cached_value(record, session)
        yield record


M = TypeVar("M", bound=Model)

# A new record's columns with their defaults.
NEW_RECORD = {
    field.attname: field.get_default() if field.has_default() else None
    for field in Completion._meta.concrete_fields
}


def _instance_from_columns(model: type[M], columns: dict[str, Any], db: str | None) -> M:
    """An instance with these columns (any other one deferred), read from database `db`
    or new (None), built as Django builds one from a row but without `Model.__init__`:
    its signals, which nothing hears for sessions and completions, and its loop over the
    fields took 5 µs an instance against 0.6 (a push builds two thousand records and
    hundreds of sessions)."""
    instance = model.__new__(model)
    instance.__dict__.update(columns)
    instance._state = ModelState()
    instance._state.adding, instance._state.db = db is None, db
    return instance


def _record_from_columns(columns: dict[str, Any], db: str | None) -> Completion:
    return _instance_from_columns(Completion, columns, db)


def _new_record(**values: Any) -> Completion:
    return _record_from_columns({**NEW_RECORD, **values}, None)


@dataclass
class _CompletionItemsContext:
    """What a push of completions names, read in one query per kind, and kept up to date
    as its items are decided in order (an item sees the ones before it)."""

    centre: Organisation
    sessions: dict[str, Session]
    # By session id, the modules it teaches; and the modules the push names, by code.
    taught: dict[int, set[int]]
    modules: dict[str, int]
    participants: dict[str, int]
    # The centre's participants the push names whose link is not confirmed, by status.
    unconfirmed: dict[str, str]
    by_external_id: dict[str, Completion]
    # By (participant, module, session): the live record there, as its id (or as the record
    # itself once the push has named it), where an item could duplicate one.
    by_record: dict[tuple[int, int, int], Completion | int]
    enrolled: set[tuple[int, int]]
    seen: set[str] = field(default_factory=set)

    @classmethod
    def read(cls, centre: Organisation, items: list[dict[str, Any]]) -> "_CompletionItemsContext":
        # The sessions with only the columns deciding and the webhooks read (a push may
        # name hundreds, and their dates cost more to load than the rest of their rows),
        # what each teaches, and the modules the items name, by code.
        sessions: dict[str, Session] = {}
        chosen = Session.objects.filter(
            any_of("external_id", {item["session"] for item in items}), organiser=centre
        )
        for values in chosen.values_list(*SESSION_FIELDS):
            session = _instance_from_columns(
                Session, dict(zip(SESSION_FIELDS, values, strict=True)), chosen.db
            )
            sessions[session.external_id or ""] = session
        taught = modules_taught(sessions.values())
        modules = dict(
            Module.objects.filter(code__in={item["module"] for item in items}).values_list(
                "code", "pk"
            )
        )
        session_ids = [s.pk for s in sessions.values()]
        # The centre's participants the push names, each with the sessions they are enrolled
        # in among the push's: one query.
        participants: dict[str, int] = {}
        unconfirmed: dict[str, str] = {}
        enrolled: set[tuple[int, int]] = set()
        named = Participant.objects.filter(
            any_of("external_id", {item["participant"] for item in items}), partner_centre=centre
        ).annotate(
            enrolment=FilteredRelation(
                "provider__enrolments",
                condition=Q(
                    provider__enrolments__session_id__in=session_ids,
                    provider__enrolments__status=EnrolmentStatus.ENROLLED,
                ),
            )
        )
        for external_id, provider_id, status, session_id in named.values_list(
            "external_id", "provider_id", "status", "enrolment__session_id"
        ):
            if status != LinkStatus.CONFIRMED:
                unconfirmed[external_id] = status
                continue
            participants[external_id] = provider_id
            if session_id is not None:
                enrolled.add((session_id, provider_id))
        # Live records, read two ways: those the push names by the centre's ids (from their
        # unique index; they may be corrected, so with their session), and then those its
        # items would duplicate (same participant, module and session).
        by_external_id = {
            completion.external_id or "": completion
            for completion in _live_records(
                Completion.objects.filter(
                    any_of("external_id", {item["external_id"] for item in items}),
                    source_centre=centre,
                    external_id__isnull=False,  # the predicate of that unique index, stated
                    voided_at__isnull=True,
                ),
                sessions.values(),
            )
        }
        context = cls(
            centre,
            sessions,
            taught,
            modules,
            participants,
            unconfirmed,
            by_external_id,
            {},
            enrolled,
        )
        context.by_record = context._records_at(items)
        return context

    def _records_at(
        self, items: list[dict[str, Any]]
    ) -> dict[tuple[int, int, int], Completion | int]:
        """By (participant, module, session), the live record there (its id), for the places
        where an item could duplicate one: every place but the one of the record an item
        corrects in place (the unique index keeps any other record from being there)."""
        places = set()
        for item in items:
            try:
                place = self._place(item)
            except ItemError:
                continue
            live = self.by_external_id.get(item["external_id"])
            if live is None or (live.provider_id, live.module_id, live.session_id) != place:
                places.add(place)
        if not places:
            return {}
        providers, modules, sessions = (set(ids) for ids in zip(*places, strict=True))
        return {
            (provider_id, module_id, session_id): pk
            for pk, provider_id, module_id, session_id in Completion.objects.filter(
                any_of("provider_id", providers),
                module_id__in=modules,
                session_id__in=sessions,
                voided_at__isnull=True,
            )
            .order_by()
            .values_list("pk", "provider_id", "module_id", "session_id")
        }

    def _place(self, item: dict[str, Any]) -> tuple[int, int, int]:
        """The (participant, module, session) an item names, each one the centre's."""
        session = self.sessions.get(item["session"])
        if session is None:
            raise ItemError("unknown_session", "session", "No session of yours has this id.")
        provider_id = self.participants.get(item["participant"])
        status = self.unconfirmed.get(item["participant"])
        if status is not None:
            unconfirmed = UNCONFIRMED[LinkStatus(status)]
            raise ItemError(unconfirmed.code, "participant", unconfirmed.detail)
        if provider_id is None:
            raise ItemError(
                "unknown_participant", "participant", "No participant of yours has this id."
            )
        module_id = self.modules.get(item["module"])
        _check_recording(
            "module", teaches_module=module_id is not None and module_id in self.taught[session.pk]
        )
        assert module_id is not None
        return provider_id, module_id, session.pk

    def decide(
        self, item: dict[str, Any], actor: Any
    ) -> tuple[str, Completion | None, Completion | None]:
        """The item's result, the live record it voids and the record it creates."""
        if item["external_id"] in self.seen:
            raise ItemError(
                "duplicate_in_push", "external_id", "This id appears earlier in the same push."
            )
        self.seen.add(item["external_id"])
        key = self._place(item)
        provider_id, module_id, _ = key
        session = self.sessions[item["session"]]
        completed_on: dt.date = item.get("completed_on") or timezone.localdate()
        live = self.by_external_id.get(item["external_id"])
        wanted = (*key, item["outcome"], completed_on)
        if live is not None and wanted == (
            live.provider_id,
            live.module_id,
            live.session_id,
            live.outcome,
            live.completed_on,
        ):
            return "unchanged", None, None
        other = self.by_record.get(key)
        _check_recording(
            None,
            session_status=session.status,
            enrolled=(session.pk, provider_id) in self.enrolled,
            recorded=other is not None and other is not live and (live is None or other != live.pk),
        )
        record = _new_record(
            provider_id=provider_id,
            module_id=module_id,
            session_id=session.pk,
            completed_on=completed_on,
            outcome=item["outcome"],
            source=Source.PARTNER,
            recorded_by_id=getattr(actor, "pk", None),
            external_id=item["external_id"],
            source_centre_id=self.centre.pk,
        )
        SESSION.set_cached_value(record, session)
        if live is not None:
            self.by_record.pop((live.provider_id, live.module_id, live.session_id or 0), None)
        self.by_external_id[item["external_id"]] = record
        self.by_record[key] = record
        return ("updated" if live is not None else "created"), live, record
