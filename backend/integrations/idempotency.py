"""`Idempotency-Key`: a retried request gets the first answer, and is never run twice.

The first request with a key inserts its record, runs, and stores its answer in one
transaction: its writes and its record commit together or not at all. A concurrent
twin's insert waits on the unique (caller, key) constraint until that transaction
ends, then replays the stored answer (or runs itself, if the first rolled back). A
request cut short (its server process killed, its database connection lost) leaves
no record and no write, so its retry runs afresh: nothing is lost, nothing is
written twice. The same key with another body is a 422. Records live at least 24
hours.

A key is 1 to 200 printable ASCII characters, kept whole (a longer one is a 400, not
cut into another's). A record keeps the request's digest and the answer to replay,
never the request's body. A client keeps at most IDEMPOTENCY_MAX_KEYS records: past
it, its expired ones are dropped, and if none has expired the request is refused (429,
with the wait until its oldest expires), never run without the replay it asked for.
"""

import datetime as dt
import hashlib
import json
import math
import re
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework import status
from rest_framework.exceptions import APIException, ErrorDetail, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from integrations.models import IdempotencyRecord

HEADER = "Idempotency-Key"
WAIT_SECONDS = 30.0
MAX_KEY_LENGTH = 200
KEY_PATTERN = rf"^[!-~]{{1,{MAX_KEY_LENGTH}}}$"
INVALID_KEY = (
    f"Give an Idempotency-Key of 1 to {MAX_KEY_LENGTH} printable ASCII characters "
    "without spaces (a UUID, say)."
)


class KeyReused(APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = "This Idempotency-Key was used with another request body."
    default_code = "idempotency_key_reused"


class StillRunning(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "A request with this Idempotency-Key is still running; retry later."
    default_code = "conflict"


class TooManyKeys(APIException):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_detail = (
        "This client keeps as many Idempotency-Keys as it may; retry after the oldest "
        "expires (Retry-After)."
    )
    default_code = "too_many_idempotency_keys"

    def __init__(self, wait: int) -> None:
        super().__init__()
        self.wait = wait


def retention() -> dt.timedelta:
    """How long a record is kept: IDEMPOTENCY_KEY_HOURS, never under 24 hours."""
    return dt.timedelta(hours=max(settings.IDEMPOTENCY_KEY_HOURS, 24))


def request_hash(request: Request) -> str:
    body = json.dumps(request.data, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(f"{request.method} {request.path}\n{body}".encode()).hexdigest()


def idempotent(request: Request, run: Callable[[], Response]) -> Response:
    """Run `run()` once per (caller, key); replay its answer to retries."""
    key = request.headers.get(HEADER)
    if key is None:  # an empty header is a key, and not a valid one
        return run()
    if not re.fullmatch(KEY_PATTERN, key):
        raise ValidationError({HEADER: [ErrorDetail(INVALID_KEY, "invalid_idempotency_key")]})
    digest = request_hash(request)
    user: Any = request.user
    with transaction.atomic():
        try:
            with transaction.atomic():  # a savepoint: a twin's key fails here alone
                record = IdempotencyRecord.objects.create(user=user, key=key, request_hash=digest)
        except IntegrityError:
            record = None
        if record is not None:
            keep_within_limit(user)  # refused: the record is rolled back with the rest
            response = run()
            record.status_code = response.status_code
            record.response_body = response.data
            record.save(update_fields=["status_code", "response_body"])
            return response
    return _replay(user, key, digest)


def keep_within_limit(user: Any) -> None:
    """Keep the client's records within IDEMPOTENCY_MAX_KEYS, the new one counted: its
    expired records go first; if none has, `TooManyKeys` says how long until the oldest
    does."""
    records = IdempotencyRecord.objects.filter(user=user).order_by()
    limit = settings.IDEMPOTENCY_MAX_KEYS
    if not records[limit : limit + 1].exists():
        return
    now = timezone.now()
    records.filter(created_at__lt=now - retention()).delete()
    if not records[limit : limit + 1].exists():
        return
    oldest = records.order_by("created_at").values_list("created_at", flat=True).first()
    expires = (oldest or now) + retention()
    raise TooManyKeys(wait=max(math.ceil((expires - now).total_seconds()), 1))


def _replay(user: Any, key: str, digest: str) -> Response:
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        record = IdempotencyRecord.objects.filter(user=user, key=key).first()
        if record is None:
            raise StillRunning()
        if record.request_hash != digest:
            raise KeyReused()
        if record.status_code is not None:
            response = Response(record.response_body, status=record.status_code)
            response["Idempotent-Replayed"] = "true"
            return response
        if time.monotonic() > deadline:
            raise StillRunning()
        time.sleep(0.05)


def purge_expired(*, now: Any = None) -> int:
    """Delete records older than IDEMPOTENCY_KEY_HOURS (48 by default; never under 24)."""
    cutoff = (now or timezone.now()) - retention()
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted
