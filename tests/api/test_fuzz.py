"""Contract fuzzing: schemathesis drives every operation of the schema, in-process over WSGI.

Each operation is called with data that fits the schema (it must be accepted,
or refused only by a documented business rule) and with data that does not
(it must be refused with a documented 4xx), and every response must match the
schema: status code, content type, headers and body. Anonymous, coordinator,
provider, trainer and partner centre (whose bulk endpoints refuse bad items one by one,
see fuzzing.py). Dates are drawn from the whole calendar, its first and last days
included (fuzzing.py).
"""

import json
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.core import NOT_SET

from accounts.models import User
from api.parsers import MAX_DEPTH
from tests.api.fuzzing import FUZZ_SETTINGS, call_and_validate, keep_test_connection, schema
from tests.conftest import bearer
from tests.factories import PartnerUserFactory, ProviderUserFactory, TrainerUserFactory

__all__ = ["keep_test_connection"]


@pytest.fixture
def fuzz_data(db: None, keep_test_connection: None, demo_catalogue: None) -> None:
    """The demo catalogue, so that ids in generated requests sometimes exist."""


@schema.parametrize()
@FUZZ_SETTINGS
def test_api_as_anonymous(case: schemathesis.Case, fuzz_data: None) -> None:
    call_and_validate(case)


@schema.parametrize()
@FUZZ_SETTINGS
def test_api_as_coordinator(case: schemathesis.Case, fuzz_data: None, coordinator: User) -> None:
    call_and_validate(case, headers={"Authorization": bearer(coordinator)})


@schema.parametrize()
@FUZZ_SETTINGS
def test_api_as_partner_centre(case: schemathesis.Case, fuzz_data: None) -> None:
    call_and_validate(case, headers={"Authorization": bearer(PartnerUserFactory())})


@schema.parametrize()
@FUZZ_SETTINGS
def test_api_as_provider(case: schemathesis.Case, fuzz_data: None) -> None:
    call_and_validate(case, headers={"Authorization": bearer(ProviderUserFactory())})


@schema.parametrize()
@FUZZ_SETTINGS
def test_api_as_trainer(case: schemathesis.Case, fuzz_data: None) -> None:
    call_and_validate(case, headers={"Authorization": bearer(TrainerUserFactory())})


def nested(body: Any, depth: int) -> Any:
    """`body` inside `depth` levels of arrays and objects, alternating."""
    for level in range(depth):
        body = [body] if level % 2 else {"items": body}
    return body


WRITES = schema.include(method=["POST", "PUT", "PATCH"])


@WRITES.parametrize()
@settings(max_examples=2, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_generated_bodies_nested_too_deep_are_refused_unread(
    case: schemathesis.Case, fuzz_data: None, coordinator: User
) -> None:
    """Every write, given a generated body wrapped past the depth bound, as a coordinator
    and as a partner centre: never a 5xx, and a 400 is only ever the parse error (the body
    was not read)."""
    if case.body is NOT_SET or case.method.upper() != case.operation.method.upper():
        return  # no body, or a method the operation does not have (a negative case)
    try:
        json.dumps(case.body)
    except TypeError:
        return  # raw bytes generated for a negative case: nothing to nest
    case.body = nested(case.body, MAX_DEPTH + 1)
    for user in (coordinator, PartnerUserFactory()):
        response = case.call(headers={"Authorization": bearer(user)})
        assert response.status_code < 500, response.text
        body = response.json()
        assert set(body) == {"type", "errors"}
        if response.status_code == 400:
            assert [error["code"] for error in body["errors"]] == ["parse_error"], body
