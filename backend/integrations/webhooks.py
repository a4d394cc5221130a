"""Signed webhook deliveries to partner centres, by the background worker.

Each delivery is a POST of JSON with these headers:

- `Parcours-Event`: the event, e.g. `session.confirmed`;
- `Parcours-Delivery`: the delivery id (the same on every retry);
- `Parcours-Signature`: `t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<body>" with the secret>`.

A 2xx answer delivers it; anything else (or no answer within 10 s) is retried
with exponential back-off (30 s, 1 min, 2 min, … at most 1 h apart) for 24 hours,
then the delivery is marked failed.
"""

import datetime as dt
import hashlib
import hmac
import json
import time
from functools import partial
from typing import Any

import requests
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from integrations import destinations
from integrations.models import DeliveryStatus, WebhookDelivery, WebhookSubscription
from training.models import Completion, Enrolment, Session

GIVE_UP_AFTER = dt.timedelta(hours=24)
FIRST_DELAY = dt.timedelta(seconds=30)
MAX_DELAY = dt.timedelta(hours=1)
TIMEOUT_SECONDS = 10


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The `Parcours-Signature` header value for a body sent at `timestamp`."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={digest.hexdigest()}"


def backoff(attempts: int) -> dt.timedelta:
    """The wait before the next attempt, after `attempts` failed ones."""
    return min(FIRST_DELAY * (2 ** max(attempts - 1, 0)), MAX_DELAY)


def payload_for(event: str, record: Any) -> tuple[int | None, dict[str, Any]]:
    """The organiser centre concerned and the event's JSON body."""
    if isinstance(record, Session):
        session = record
        data: dict[str, Any] = {
            "session": {
                "id": session.pk,
                "external_id": session.external_id,
                "status": session.status,
                "cancel_reason": session.cancel_reason,
            }
        }
    elif isinstance(record, Enrolment):
        session = record.session
        data = {
            "enrolment": {
                "id": record.pk,
                "external_id": record.external_id,
                "session": session.pk,
                "provider": record.provider_id,
                "status": record.status,
            }
        }
    elif isinstance(record, Completion):
        if record.session is None:
            return None, {}
        session = record.session
        data = {
            "completion": {
                "id": record.pk,
                "external_id": record.external_id,
                "session": session.pk,
                "provider": record.provider_id,
                "module": record.module_id,
                "outcome": record.outcome,
                "voided": record.voided_at is not None,
            }
        }
    else:
        return None, {}
    return session.organiser_id, {"event": event, "occurred_at": timezone.now().isoformat(), **data}


def organiser_of(record: Any) -> int | None:
    """The centre organising the session a record is about, if it is about one."""
    if isinstance(record, Session):
        return record.organiser_id
    if isinstance(record, Enrolment):
        return record.session.organiser_id
    if isinstance(record, Completion) and record.session is not None:
        return record.session.organiser_id
    return None


def deliveries_create_batches(batches: list[tuple[str, list[Any]]]) -> list[WebhookDelivery]:
    """Queue one delivery per active subscription of the centre organising each record's
    session, for several events each about its records: one query, one insert."""
    centres = {organiser_of(record) for _event, records in batches for record in records}
    centres.discard(None)
    if not centres:
        return []
    subscriptions: dict[int, list[WebhookSubscription]] = {}
    for subscription in WebhookSubscription.objects.filter(
        partner_centre_id__in=centres, is_active=True
    ):
        subscriptions.setdefault(subscription.partner_centre_id, []).append(subscription)
    if not subscriptions:
        return []
    # Bodies only for the centres that subscribe: a push to a centre without subscriptions
    # builds none of its 2,000.
    payloads = [
        (event, *payload_for(event, record))
        for event, records in batches
        for record in records
        if organiser_of(record) in subscriptions
    ]
    created = WebhookDelivery.objects.bulk_create(
        [
            WebhookDelivery(subscription=subscription, event=event, payload=body)
            for event, centre_id, body in payloads
            if centre_id is not None
            for subscription in subscriptions.get(centre_id, [])
            if event in subscription.events
        ]
    )
    for delivery in created:
        transaction.on_commit(partial(deliver_webhook.enqueue, delivery.pk))
    return created


@task()
def deliver_webhook(delivery_id: int) -> str:
    """Send one delivery; on failure, schedule the next attempt or give up after 24 h."""
    delivery = WebhookDelivery.objects.select_related("subscription").get(pk=delivery_id)
    if delivery.status != DeliveryStatus.PENDING:
        return delivery.status
    body = json.dumps(delivery.payload, separators=(",", ":")).encode()
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "Parcours-Event": delivery.event,
        "Parcours-Delivery": str(delivery.pk),
        "Parcours-Signature": sign(delivery.subscription.secret, timestamp, body),
    }
    delivery.attempts += 1
    unknown: destinations.UnknownHost | None = None
    try:
        refused = destinations.delivery_refusal(delivery.subscription.url)
    except destinations.UnknownHost as error:
        refused, unknown = None, error
    if refused:  # never retried: the destination is not one Parcours may call
        delivery.status, delivery.next_attempt_at = DeliveryStatus.FAILED, None
        delivery.last_status_code, delivery.last_error = None, refused[:300]
        delivery.save()
        return delivery.status
    try:
        if unknown is not None:  # not sent: the client would look the name up again
            raise requests.ConnectionError(f"unknown host: {unknown}")
        # A redirect is not followed (it could lead to a private address): it counts as
        # a failed attempt, like any answer outside 2xx.
        response = requests.post(
            delivery.subscription.url,
            data=body,
            headers=headers,
            timeout=TIMEOUT_SECONDS,
            allow_redirects=False,
        )
        delivery.last_status_code, delivery.last_error = response.status_code, ""
        ok = 200 <= response.status_code < 300
    except requests.RequestException as exc:
        delivery.last_status_code, delivery.last_error = None, str(exc)[:300]
        ok = False
    now = timezone.now()
    if ok:
        delivery.status, delivery.delivered_at, delivery.next_attempt_at = (
            DeliveryStatus.DELIVERED,
            now,
            None,
        )
    else:
        retry_at = now + backoff(delivery.attempts)
        if retry_at - delivery.created_at > GIVE_UP_AFTER:
            delivery.status, delivery.next_attempt_at = DeliveryStatus.FAILED, None
        else:
            delivery.next_attempt_at = retry_at
            deliver_webhook.using(run_after=retry_at).enqueue(delivery.pk)
    delivery.save()
    return delivery.status
