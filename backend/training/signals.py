"""What the training services announce, once their transaction has committed.

Listeners (integrations' webhooks) subscribe here; training imports none of them.
Each signal is sent with `event` (e.g. `session.confirmed`) and `records`, the records
it is about (one, or all those a bulk write touched).
"""

from typing import Any

from django.db import transaction
from django.dispatch import Signal

training_event = Signal()

# Sent at once, inside the writer's transaction, by writes that bypass the models' own
# signals (bulk inserts and updates), with `records`: every record they wrote. For data
# kept consistent with the records (progress's standings).
records_written = Signal()

EVENTS = (
    "session.confirmed",
    "session.cancelled",
    "enrolment.created",
    "enrolment.cancelled",
    "enrolment.promoted",
    "completion.recorded",
    "completion.voided",
)


def announce(event: str, record: Any) -> None:
    """Send `event` about `record` after the current transaction commits."""
    announce_many(event, [record])


def announce_many(event: str, records: list[Any]) -> None:
    """Send `event` about all `records` at once, after the current transaction commits."""
    assert event in EVENTS, event
    if records:
        transaction.on_commit(
            lambda: training_event.send(sender=type(records[0]), event=event, records=records)
        )
