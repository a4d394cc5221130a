"""What the contract fuzzing tests share: the schema, the checks and the settings."""

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from api.errors import BUSINESS_RULE_CODES
from config.wsgi import application

MAX_EXAMPLES = 25

schema = schemathesis.openapi.from_wsgi("/api/schema/", application)
schema.config.generation.update(
    modes=["positive", "negative"], max_examples=MAX_EXAMPLES, deterministic=True
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
    what the API requires, and fails as schemathesis' own check would.
    """
    if response.status_code == 400:
        try:
            codes = {error["code"] for error in response.json()["errors"]}
        except (ValueError, KeyError, TypeError):
            codes = set()
        if codes and codes <= BUSINESS_RULE_CODES:
            return None
    return positive_data_acceptance(ctx, response, case)


def call_and_validate(case: schemathesis.Case, **kwargs: Any) -> None:
    """Call the API in-process and run every check (positive acceptance as above)."""
    case.call_and_validate(
        excluded_checks=[positive_data_acceptance],
        additional_checks=[positive_data_accepted],
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
