"""Signed webhook deliveries to partner centres, by the background worker.

Each delivery is a POST of JSON with these headers:

- `Parcours-Event`: the event, e.g. `session.confirmed`;
- `Parcours-Delivery`: the delivery id (the same on every retry);
- `Parcours-Signature`: `t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<body>" with the secret>`.

A 2xx answer delivers it; anything else (or no answer within 10 s) is retried
with exponential back-off (30 s, 1 min, 2 min, … at most 1 h apart) for 24 hours,
then the delivery is marked failed.

The request goes to the one address `destinations.destination_for` checked, with the
URL's host name kept for TLS (SNI and the certificate's name) and the `Host` header.
The delivery log, which partners read, says of an attempt without an answer only that
it was not delivered: what the network said stays in the server's log.
"""

import datetime as dt
import hashlib
import hmac
import json
import logging
import time
from functools import partial
from typing import Any

import certifi
from django.db import transaction
from django.utils import timezone
from django_tasks import task
from urllib3 import HTTPConnectionPool, HTTPSConnectionPool, Timeout
from urllib3.exceptions import HTTPError

from integrations import destinations
from integrations.models import DeliveryStatus, WebhookDelivery, WebhookSubscription
from training.models import Completion, Enrolment, Session

GIVE_UP_AFTER = dt.timedelta(hours=24)
FIRST_DELAY = dt.timedelta(seconds=30)
MAX_DELAY = dt.timedelta(hours=1)
TIMEOUT_SECONDS = 10
CA_BUNDLE = certifi.where()
NOT_DELIVERED = "Not delivered."
REFUSED = "Not delivered: this URL may not receive webhooks."

logger = logging.getLogger(__name__)


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


def post(destination: destinations.Destination, body: bytes, headers: dict[str, str]) -> int:
    """POST to the destination's checked address; the answer's status code.

    No retry, no redirect followed (it could lead to a private address: it counts as a
    failed attempt, like any answer outside 2xx), no proxy; the answer's body is not read.
    """
    target = destination.target
    pool: HTTPConnectionPool
    timeout = Timeout(connect=TIMEOUT_SECONDS, read=TIMEOUT_SECONDS)
    if target.scheme == "https":
        pool = HTTPSConnectionPool(
            destination.address,
            target.port,
            timeout=timeout,
            cert_reqs="CERT_REQUIRED",
            ca_certs=CA_BUNDLE,
            server_hostname=target.host,
            assert_hostname=target.host,
        )
    else:
        pool = HTTPConnectionPool(destination.address, target.port, timeout=timeout)
    with pool:
        response = pool.urlopen(
            "POST",
            target.path,
            body=body,
            headers={**headers, "Host": target.host_header},
            retries=False,
            redirect=False,
            preload_content=False,
        )
        response.close()
        return response.status


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
    status_code: int | None = None
    try:
        status_code = post(destinations.destination_for(delivery.subscription.url), body, headers)
    except destinations.Refused as refused:  # never retried: the URL alone decides
        logger.warning("Webhook delivery %s refused: %s", delivery.pk, refused)
        delivery.status, delivery.next_attempt_at = DeliveryStatus.FAILED, None
        delivery.last_status_code, delivery.last_error = None, REFUSED
        delivery.save()
        return delivery.status
    except (destinations.Unreachable, HTTPError, OSError) as error:
        logger.warning("Webhook delivery %s not delivered: %s", delivery.pk, error)
    delivery.last_status_code = status_code
    delivery.last_error = "" if status_code is not None else NOT_DELIVERED
    now = timezone.now()
    if status_code is not None and 200 <= status_code < 300:
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
