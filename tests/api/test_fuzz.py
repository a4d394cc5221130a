"""Contract fuzzing: schemathesis drives every operation of the schema, in-process over WSGI.

Each operation is called with data that fits the schema (it must be accepted,
or refused only by a documented business rule) and with data that does not
(it must be refused with a documented 4xx), and every response must match the
schema: status code, content type, headers and body. Anonymous, coordinator,
provider and partner centre (whose bulk endpoints refuse bad items one by one, see
fuzzing.py).
"""

import pytest
import schemathesis
from accounts.models import User

from tests.api.fuzzing import FUZZ_SETTINGS, call_and_validate, keep_test_connection, schema
from tests.conftest import bearer
from tests.factories import PartnerUserFactory, ProviderUserFactory

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
