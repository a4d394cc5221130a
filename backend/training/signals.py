"""What the training services announce. Listeners subscribe here; training imports none.

- `training_event`, once the writer's transaction has committed, for the outside world
  (integrations' webhooks), with `batches`: a list of (`event`, e.g. `session.confirmed`;
  `records`, the records it is about: one, or all those a bulk write touched).
- `written_in_bulk`, at once, inside the writer's transaction (see below).
"""

from typing import Any

from django.db import transaction
from django.dispatch import Signal

training_event = Signal()

# Sent at once, inside the writer's transaction, by training's writes that bypass the
# models' own signals (bulk inserts and updates of completions), with `records`: every
# record they wrote. For data kept consistent with the records (progress's current
# levels) and the audit trail.
written_in_bulk = Signal()

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
    announce_batches([(event, [record])])


def announce_batches(batches: list[tuple[str, list[Any]]]) -> None:
    """Send several events (each about its records) together, after the current transaction
    commits: listeners handle them in one go (one webhook-subscription lookup)."""
    batches = [(event, records) for event, records in batches if records]
    for event, _records in batches:
        assert event in EVENTS, event
    if batches:
        sender = type(batches[0][1][0])
        transaction.on_commit(lambda: training_event.send(sender=sender, batches=batches))
