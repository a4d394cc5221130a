"""common/sql.py: `any_of` and the ids subquery select what `in` would, on SQLite and
PostgreSQL, and PostgreSQL gets their values as one array parameter."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from common.sql import any_of, ids_subquery
from people.models import Provider
from tests.factories import ProviderFactory
from training.models import Completion


@pytest.fixture
def providers(db: None) -> list[Provider]:
    return [ProviderFactory(first_name=name) for name in ("Ana", "Bob", "Cy", "Dee")]


def ids(queryset) -> list[int]:  # type: ignore[no-untyped-def]
    return sorted(queryset.values_list("pk", flat=True))


@pytest.mark.django_db
class TestAnyOf:
    def test_selects_what_in_selects(self, providers):
        wanted = [providers[0].pk, providers[2].pk, providers[2].pk, None, 10**9]
        assert ids(Provider.objects.filter(any_of("pk", wanted))) == ids(
            Provider.objects.filter(pk__in=wanted)
        )
        assert ids(Provider.objects.filter(any_of("pk", wanted))) == [
            providers[0].pk,
            providers[2].pk,
        ]

    def test_on_text_and_negated(self, providers):
        names = {"Bob", "Dee", "Zed"}
        assert ids(Provider.objects.filter(any_of("first_name", names))) == [
            providers[1].pk,
            providers[3].pk,
        ]
        assert ids(Provider.objects.exclude(any_of("first_name", names))) == [
            providers[0].pk,
            providers[2].pk,
        ]

    def test_on_a_foreign_key(self, providers):
        assert (
            ids(Completion.objects.filter(any_of("provider_id", [p.pk for p in providers]))) == []
        )
        assert list(Provider.objects.filter(any_of("pk", [])).values_list("pk", flat=True)) == []
        assert (
            list(Provider.objects.filter(any_of("pk", [None])).values_list("pk", flat=True)) == []
        )

    def test_one_parameter_on_postgresql(self, providers):
        wanted = [p.pk for p in providers]
        with CaptureQueriesContext(connection) as ctx:
            assert ids(Provider.objects.filter(any_of("pk", wanted))) == sorted(wanted)
        sql = ctx.captured_queries[0]["sql"]
        if connection.vendor == "postgresql":
            assert "= ANY(" in sql
            assert " IN (" not in sql
        else:
            assert " IN (" in sql


@pytest.mark.django_db
class TestIdsSubquery:
    def test_selects_the_ids(self, providers):
        chosen = [providers[1].pk, providers[3].pk]
        sql, param = ids_subquery(chosen)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT id FROM people_provider WHERE id IN ({sql}) ORDER BY id", [param]
            )
            assert [row[0] for row in cursor.fetchall()] == sorted(chosen)

    def test_past_sqlite_limit_of_parameters(self, providers):
        """2,000 ids, more than SQLite's 999 parameters, in one parameter."""
        sql, param = ids_subquery([*range(10**6, 10**6 + 2000), providers[0].pk])
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM people_provider WHERE id IN ({sql})", [param])
            assert cursor.fetchone()[0] == 1
