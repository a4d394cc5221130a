"""No lost updates: ETag on reads and writes, If-Match honoured (412 when stale)."""

from collections.abc import Callable
from typing import Any

import pytest

from catalogue.models import LearningPath, Module
from people.models import Business, Provider
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

    def test_without_if_match_or_with_a_star_the_write_is_applied(
        self, prefix, factory, change, field, model
    ):
        record = factory()
        client = client_for(CoordinatorFactory())
        url = f"/api/v1/{prefix}/{record.pk}/"
        assert client.patch(url, change, format="json").status_code == 200
        assert client.patch(url, change, format="json", HTTP_IF_MATCH="*").status_code == 200
        listed = f'"other", W/{client.get(url)["ETag"]}'
        assert client.patch(url, change, format="json", HTTP_IF_MATCH=listed).status_code == 200


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
