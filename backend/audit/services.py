"""Writes to the audit trail that the model signals do not make: a bulk write's events, an
erasure's own event and its rewriting of the events that held the person's data."""

from typing import Any

from django.db import connection
from django.db.models import Q
from django.utils import timezone

from audit.context import actor
from audit.models import AuditEvent, Redaction
from common.sql import json_param, json_rows

INSERT = """
INSERT INTO {table} (at, actor_id, actor, client, record_type, record_id, action, changes)
SELECT %s, %s, %s, %s, value ->> 0, CAST(value ->> 1 AS bigint), value ->> 2, value -> 3
FROM {rows}
"""

# One event: the record's type (`training.completion`), its id, the action, the changes.
Event = tuple[str, int, str, dict[str, Any]]


def audit_events_insert(*, events: list[Event]) -> None:
    """Record these events, made now by the current caller, in one statement."""
    if not events:
        return
    by = actor()
    at = connection.ops.adapt_datetimefield_value(timezone.now())
    # The events reach the database as one JSON array (common.sql): a bulk_create of 2,000
    # events sent eight lists that the driver quoted value by value (150 ms).
    sql = INSERT.format(table=AuditEvent._meta.db_table, rows=json_rows())
    with connection.cursor() as cursor:
        cursor.execute(sql, [at, by["actor_id"], by["actor"], by["client"], json_param(events)])


def audit_event_add(*, record_type: str, record_id: int, action: str) -> None:
    """Record an act on a record that changes no field of it (an erasure), by the caller."""
    AuditEvent.objects.create(
        record_type=record_type, record_id=record_id, action=action, changes={}, **actor()
    )


ERASED = "(erased)"


def _scrub(value: Any, erased: tuple[str, ...]) -> Any:
    """The value with every text that contains an erased value replaced by `(erased)`."""
    if isinstance(value, str):
        folded = value.casefold()
        return ERASED if any(part in folded for part in erased) else value
    if isinstance(value, list):
        return [_scrub(item, erased) for item in value]
    if isinstance(value, dict):
        return {key: _scrub(item, erased) for key, item in value.items()}
    return value


def _blank(change: Any) -> Any:
    """A personal field's recorded value(s) replaced: `[before, after]` keeps its shape."""
    if isinstance(change, list):
        return [ERASED if item not in (None, "") else item for item in change]
    return ERASED if change not in (None, "") else change


def audit_events_redact(
    *,
    records: dict[str, tuple[list[int], set[str]]],
    authors: dict[int, str],
    values: set[str],
) -> int:
    """Rewrite the events that hold a person's data, in the caller's transaction (an erasure):

    - `records`: per record type (`accounts.user`), the ids of the person's records and
      their personal fields, whose every recorded value becomes `(erased)`;
    - `authors`: the person's logins by id, each with the name their events now show;
    - `values`: texts (an e-mail, a name) replaced wherever they appear in those events.

    Nothing else of an event changes: the database refuses it (audit migration 0003).
    Returns the number of events rewritten."""
    erased = tuple(sorted({value.casefold() for value in values if value}))
    about = Q(pk__in=[])
    for record_type, (ids, _fields) in records.items():
        about |= Q(record_type=record_type, record_id__in=ids)
    if authors:
        about |= Q(actor_id__in=list(authors))
    rewritten = []
    for event in AuditEvent.objects.filter(about).only(
        "actor_id", "actor", "record_type", "changes"
    ):
        personal = records.get(event.record_type, ([], set()))[1]
        changes = {
            name: _blank(change) if name in personal else _scrub(change, erased)
            for name, change in event.changes.items()
        }
        actor_name = authors.get(event.actor_id, event.actor) if event.actor_id else event.actor
        if changes != event.changes or actor_name != event.actor:
            event.changes, event.actor = changes, actor_name
            rewritten.append(event)
    if rewritten:
        marker = Redaction.objects.create()
        AuditEvent.objects.bulk_update(rewritten, ["changes", "actor"], batch_size=500)
        marker.delete()
    return len(rewritten)
