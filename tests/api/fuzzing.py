"""What the contract fuzzing tests share: the schema, the checks and the settings."""

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance

from api.errors import BUSINESS_RULE_CODES
from config.wsgi import application

MAX_EXAMPLES = 25

schema = schemathesis.openapi.from_wsgi("/api/schema/", application)
schema.config.generation.update(
    modes=["positive", "negative"], max_examples=MAX_EXAMPLES, deterministic=True
)
# Too many bulk items is refused with 413 (documented), as the API promises partners.
_rejection = schema.config.checks.negative_data_rejection
schema.config.checks.negative_data_rejection = type(_rejection)(
    expected_statuses=[*_rejection.expected_statuses, "413"]
)

FUZZ_SETTINGS = settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)


@schemathesis.check
def positive_data_accepted(ctx: Any, response: Any, case: schemathesis.Case) -> bool | None:
    """Schema-valid data is accepted, or refused only by a documented business rule.

    A 400 whose every error code is in `BUSINESS_RULE_CODES` (an unknown id, a
    code already taken, a level outside its scale…) is a correct answer to a
    request that fits the schema; any other 400 means the schema under-states
    what the API requires, and fails as schemathesis' own check would. So is a 412
    to a write whose generated `If-Match` is not the record's current tag: no
    schema can know a record's tag.
    """
    if response.status_code == 412 and case.headers and "If-Match" in case.headers:
        return None
    if response.status_code == 400:
        try:
            codes = {error["code"] for error in response.json()["errors"]}
        except (ValueError, KeyError, TypeError):
            codes = set()
        if codes and codes <= BUSINESS_RULE_CODES:
            return None
    return positive_data_acceptance(ctx, response, case)


@schemathesis.check
def negative_data_rejected(ctx: Any, response: Any, case: schemathesis.Case) -> bool | None:
    """Schema-violating data is refused; bulk items are refused one by one.

    A bulk request answers 200 with one result per item, and a bad item gets an
    `error` result instead of failing the request: that is the bulk contract
    (one bad item never rejects the good ones), so it counts as a refusal.
    """
    if case.path.endswith("/bulk/") and response.status_code == 200:
        try:
            results = response.json()["results"]
        except (ValueError, KeyError, TypeError):
            results = []
        if any(result.get("result") == "error" for result in results):
            return None
    return negative_data_rejection(ctx, response, case)


def call_and_validate(case: schemathesis.Case, **kwargs: Any) -> None:
    """Call the API in-process and run every check (with the two refinements above)."""
    case.call_and_validate(
        excluded_checks=[positive_data_acceptance, negative_data_rejection],
        additional_checks=[positive_data_accepted, negative_data_rejected],
        **kwargs,
    )


@pytest.fixture
def keep_test_connection() -> Iterator[None]:
    """Django closes the database connection at the end of each WSGI request; in a test
    that connection holds the test transaction, so keep it open (as Django's test client does)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)
