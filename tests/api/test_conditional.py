"""No lost updates: ETag on reads and writes, If-Match honoured (412 when stale)."""

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from catalogue.models import LearningPath, Module
from people.models import Business, Provider
from tests.concurrency import held, in_thread, require_postgres, wait_for_lock_waiters
from tests.conftest import client_for
from tests.factories import (
    BusinessFactory,
    CoordinatorFactory,
    LearningPathFactory,
    ModuleFactory,
    OrganisationFactory,
    ProviderFactory,
    SessionFactory,
)
from training.models import Session

# (URL prefix, factory, a change as PATCH, the field it changes, the model)
RESOURCES: list[tuple[str, Callable[[], Any], dict[str, Any], str, type[Any]]] = [
    ("sessions", lambda: SessionFactory(status="draft"), {"venue": "Mairie"}, "venue", Session),
    ("modules", ModuleFactory, {"title_fr": "Nouveau titre"}, "title_fr", Module),
    ("paths", LearningPathFactory, {"name_fr": "Nouveau nom"}, "name_fr", LearningPath),
    ("providers", ProviderFactory, {"phone": "0296000000"}, "phone", Provider),
    ("businesses", BusinessFactory, {"name": "Camping du Port"}, "name", Business),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("prefix", "factory", "change", "field", "model"), RESOURCES)
class TestIfMatch:
    def test_a_write_with_the_current_tag_passes_and_a_stale_one_is_refused(
        self, prefix, factory, change, field, model
    ):
        record = factory()
        client = client_for(CoordinatorFactory())
        url = f"/api/v1/{prefix}/{record.pk}/"
        read = client.get(url)
        assert read.status_code == 200
        tag = read["ETag"]
        assert tag.startswith(f'"{record.pk}-')
        written = client.patch(url, change, format="json", HTTP_IF_MATCH=tag)
        assert written.status_code == 200, written.json()
        assert written["ETag"] != tag
        assert client.get(url)["ETag"] == written["ETag"]
        # Someone still holding the first tag is refused, and nothing of theirs is written.
        stale = client.patch(url, {field: "Écrasé"}, format="json", HTTP_IF_MATCH=tag)
        assert stale.status_code == 412
        assert stale.json()["errors"][0]["code"] == "precondition_failed"
        assert getattr(model.objects.get(pk=record.pk), field) == change[field]

    @pytest.mark.parametrize("if_match", [None, "*", "listed"])
    def test_without_if_match_or_with_a_star_the_write_is_applied(
        self, prefix, factory, change, field, model, if_match
    ):
        record = factory()
        client = client_for(CoordinatorFactory())
        url = f"/api/v1/{prefix}/{record.pk}/"
        before = client.get(url)["ETag"]
        assert getattr(record, field) != change[field]
        headers = {}
        if if_match == "*":
            headers["HTTP_IF_MATCH"] = "*"
        elif if_match == "listed":
            headers["HTTP_IF_MATCH"] = f'"other", W/{before}'
        written = client.patch(url, change, format="json", **headers)
        assert written.status_code == 200, written.json()
        assert written.json()[field] == change[field]
        assert getattr(model.objects.get(pk=record.pk), field) == change[field]
        assert written["ETag"] != before
        assert client.get(url)["ETag"] == written["ETag"]


@pytest.mark.django_db
def test_a_cached_catalogue_read_keeps_its_tag():
    module = ModuleFactory()
    client = client_for(CoordinatorFactory())
    url = f"/api/v1/modules/{module.pk}/"
    first, second = client.get(url), client.get(url)
    assert first["ETag"] == second["ETag"]
    module.refresh_from_db()
    module.save()
    assert client.get(url)["ETag"] != first["ETag"]


@pytest.mark.django_db
def test_a_created_record_comes_with_its_tag():
    client = client_for(CoordinatorFactory())
    office = OrganisationFactory()
    response = client.post(
        "/api/v1/businesses/",
        {"name": "Gîte", "sector": "accommodation", "commune": "Binic", "office": office.pk},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response["ETag"].startswith(f'"{response.json()["id"]}-')


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_of_two_writers_holding_the_same_tag_the_second_waits_for_the_first_and_gets_412():
    """If-Match is checked under a row lock: the second writer waits until the first has
    committed, then finds the record changed and writes nothing (no lost update)."""
    require_postgres()
    provider = ProviderFactory(phone="0100000000")
    url = f"/api/v1/providers/{provider.pk}/"
    coordinator = CoordinatorFactory()
    tag = client_for(coordinator).get(url)["ETag"]

    def patch(change: dict[str, str]) -> Any:
        return client_for(coordinator).patch(url, change, format="json", HTTP_IF_MATCH=tag)

    # Another transaction holds the address the first writer takes, uncommitted: the first
    # writer stops there, its row lock taken and its transaction open.
    with held(lambda: ProviderFactory(email="taken@example.org")) as holder:
        first = in_thread(lambda: patch({"email": "taken@example.org", "phone": "0111111111"}))
        (first_pid,) = wait_for_lock_waiters(1)
        second = in_thread(lambda: patch({"phone": "0222222222"}))
        second_pid = next(pid for pid in wait_for_lock_waiters(2) if pid != first_pid)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_blocking_pids(%s)", [second_pid])
            assert cursor.fetchone()[0] == [first_pid]  # the second waits for the first
        holder.release()
    written, refused = first.result(timeout=30), second.result(timeout=30)
    assert written.status_code == 200, written.json()
    assert refused.status_code == 412, refused.json()
    assert refused.json()["errors"][0]["code"] == "precondition_failed"
    provider.refresh_from_db()
    assert (provider.email, provider.phone) == ("taken@example.org", "0111111111")
    assert client_for(coordinator).get(url)["ETag"] == written["ETag"] != tag
