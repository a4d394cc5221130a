"""What the contract fuzzing tests share: the schema, the checks and the settings."""

import copy
import datetime as dt
import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from openapi_schema_validator import OAS30WriteValidator, oas30_format_checker
from schemathesis.schemas import APIOperation
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance

from api.errors import business_rule_codes
from config.wsgi import application

# Examples per operation and role: 25 in CI's SQLite pass (`make test` under CI=true),
# where the contract is checked in depth; 8 in its PostgreSQL pass, which looks for what
# only that database answers differently; 10 on a developer's machine. FUZZ_EXAMPLES
# overrides all three.
MAX_EXAMPLES = int(
    os.environ.get("FUZZ_EXAMPLES")
    or (10 if not os.environ.get("CI") else 8 if os.environ.get("DATABASE_URL") else 25)
)

# Dates and date-times from the whole calendar, its first and last days drawn often: the
# edges where date arithmetic overflows (a report's period ending on 9999-12-31).
EDGE_DATES = [dt.date.min, dt.date.max, dt.date(1900, 1, 1), dt.date(2200, 12, 31)]
schemathesis.openapi.format(
    "date",
    st.one_of(st.sampled_from(EDGE_DATES), st.dates()).map(dt.date.isoformat),
)
schemathesis.openapi.format(
    "date-time",
    st.one_of(
        st.sampled_from(
            [dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC) for day in EDGE_DATES]
            + [dt.datetime.max.replace(tzinfo=dt.UTC)]
        ),
        st.datetimes(timezones=st.just(dt.UTC)),
    ).map(dt.datetime.isoformat),
)

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

    A 400 whose every error code is in `business_rule_codes()` (an unknown id, a
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
        if codes and codes <= business_rule_codes():
            return None
    return positive_data_acceptance(ctx, response, case)


@schemathesis.check
def negative_data_rejected(ctx: Any, response: Any, case: schemathesis.Case) -> bool | None:
    """Schema-violating data is refused; bulk items are refused one by one.

    A bulk request answers 200 with one result per item, and a bad item gets an
    `error` result instead of failing the request: that is the bulk contract
    (one bad item never rejects the good ones). So a 200 is a refusal when what
    breaks the schema is in the items alone, and every item that breaks it is
    answered `error` (`bulk_items_accepted`).
    """
    negative = case.meta is not None and case.meta.generation.mode.is_negative
    pushed = case.method.upper() == "POST" and case.path.endswith("/bulk/")
    if negative and pushed and response.status_code == 200:
        results = response.json()["results"]
        accepted = bulk_items_accepted(case.operation, case.body, results)
        if accepted is not None:
            assert not accepted, f"items that break the schema were not refused: {accepted}"
            return None
    return negative_data_rejection(ctx, response, case)


SCHEMAS = "#/components/schemas/"


def _inlined(node: Any, components: dict[str, Any]) -> Any:
    """`node` with the component schemas it refers to written in place."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(SCHEMAS):
            return _inlined(components[ref.removeprefix(SCHEMAS)], components)
        return {key: _inlined(value, components) for key, value in node.items()}
    if isinstance(node, list):
        return [_inlined(value, components) for value in node]
    return node


def _fits(schema: dict[str, Any], instance: Any) -> bool:
    return bool(OAS30WriteValidator(schema, format_checker=oas30_format_checker).is_valid(instance))


def bulk_items_accepted(
    operation: APIOperation, body: Any, results: list[dict[str, Any]]
) -> list[int] | None:
    """The positions of the items of a bulk `body` that break the item schema and were
    not answered `error`; None when what breaks the schema is not in the items alone
    (the body around them, or none of them), so that a 200 refuses nothing."""
    if not isinstance(body, dict) or not isinstance(body.get("items"), list):
        return None
    raw = operation.definition.raw["requestBody"]["content"]["application/json"]["schema"]
    request = _inlined(raw, operation.schema.raw_schema["components"]["schemas"])
    around = copy.deepcopy(request)
    around["properties"]["items"]["items"] = {}  # any item: the body around them
    if not _fits(around, body):
        return None
    item = request["properties"]["items"]["items"]
    breaking = [n for n, value in enumerate(body["items"]) if not _fits(item, value)]
    if not breaking:
        return None
    refused = {result.get("index") for result in results if result.get("result") == "error"}
    return [n for n in breaking if n not in refused]


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
