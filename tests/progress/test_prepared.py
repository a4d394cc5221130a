"""The progress profile query, prepared once per PostgreSQL connection or, behind a pooler
in transaction mode (DB_PREPARED_STATEMENTS=0), sent whole each time."""

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from progress import selectors
from tests.factories import CompletionFactory, ProviderFactory
from tests.progress.test_progress import rate


@pytest.mark.parametrize("prepared", [True, False])
def test_the_profile_data_is_the_same_prepared_or_not(
    world: Any, settings: Any, prepared: bool
) -> None:
    provider = ProviderFactory()
    provider.assigned_paths.add(world["path"])
    rate(provider, world["strategy"], 2)
    CompletionFactory(provider=provider, module=world["intro"])
    settings.DB_PREPARED_STATEMENTS = True
    expected = selectors._profile_data(provider.pk)
    settings.DB_PREPARED_STATEMENTS = prepared
    with CaptureQueriesContext(connection) as queries:
        data = selectors._profile_data(provider.pk)
    assert data == expected
    assert data is not None
    assert data[1]  # competency levels read
    executed = [query["sql"] for query in queries.captured_queries]
    assert len(executed) == 1
    by_name = executed[0].startswith("EXECUTE")
    assert by_name == (prepared and connection.vendor == "postgresql"), executed
