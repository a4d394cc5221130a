"""The competencies endpoint."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalogue.models import Competency, CompetencyLevel
from tests.catalogue.test_modules import errors_by_attr
from tests.factories import (
    AreaFactory,
    CompetencyFactory,
    FrameworkFactory,
    ModuleCompetencyFactory,
)

URL = "/api/v1/competencies/"


def payload(framework_id: int, area_id: int, **overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "framework": framework_id,
        "area": area_id,
        "code": "INSTAGRAM",
        "name_fr": "Instagram",
        "description_fr": "Montrer son offre en images.",
        "order": 4,
        "levels": [{"level": 3, "descriptor_fr": "Je publie seul.", "descriptor_en": "I post."}],
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
class TestCompetencies:
    def test_anonymous_lists_with_area_and_descriptors(self, anon):
        competency = CompetencyFactory()
        CompetencyLevel.objects.create(competency=competency, level=2, descriptor_fr="Deux")
        item = anon.get(URL).json()["results"][0]
        assert item["area_code"] == competency.area.code
        assert item["framework_code"] == competency.framework.code
        assert item["levels"] == [
            {"level": 2, "descriptor": "Deux", "descriptor_fr": "Deux", "descriptor_en": None}
        ]

    def test_filters_by_framework_area_and_active(self, anon):
        first = CompetencyFactory()
        second = CompetencyFactory(is_active=False)
        assert [
            c["id"] for c in anon.get(URL, {"framework": first.framework.pk}).json()["results"]
        ] == [first.pk]
        assert [
            c["id"] for c in anon.get(URL, {"area_code": second.area.code}).json()["results"]
        ] == [second.pk]
        assert [c["id"] for c in anon.get(URL, {"is_active": "true"}).json()["results"]] == [
            first.pk
        ]

    def test_orders_by_order_then_code(self, anon):
        area = AreaFactory()
        CompetencyFactory(area=area, code="B", order=2)
        CompetencyFactory(area=area, code="A", order=3)
        CompetencyFactory(area=area, code="C", order=1)
        codes = [c["code"] for c in anon.get(URL, {"ordering": "order"}).json()["results"]]
        assert codes == ["C", "B", "A"]
        codes = [c["code"] for c in anon.get(URL, {"ordering": "-code"}).json()["results"]]
        assert codes == ["C", "B", "A"]

    def test_coordinator_creates_a_competency_with_descriptors(self, coordinator_client):
        area = AreaFactory()
        response = coordinator_client.post(URL, payload(area.framework.pk, area.pk), format="json")
        assert response.status_code == 201, response.json()
        competency = Competency.objects.get(code="INSTAGRAM")
        assert list(competency.level_descriptors.values_list("level", "descriptor_en")) == [
            (3, "I post.")
        ]

    def test_a_new_descriptor_in_a_patch_has_an_empty_english_text(self, coordinator_client):
        competency = CompetencyFactory()
        response = coordinator_client.patch(
            f"{URL}{competency.pk}/", {"levels": [{"level": 2, "descriptor_fr": "Deux"}]}
        )
        assert response.status_code == 200, response.json()
        assert response.json()["levels"][0]["descriptor_en"] == ""
        stored = CompetencyLevel.objects.get(competency=competency)
        assert stored.descriptor_en == ""

    def test_code_is_unique_per_framework_not_globally(self, coordinator_client):
        existing = CompetencyFactory(code="INSTAGRAM")
        same = payload(existing.framework.pk, existing.area.pk)
        response = coordinator_client.post(URL, same, format="json")
        assert response.status_code == 400
        assert errors_by_attr(response) == {"code": "unique"}
        other_area = AreaFactory()
        other = payload(other_area.framework.pk, other_area.pk)
        assert coordinator_client.post(URL, other, format="json").status_code == 201

    def test_area_of_another_framework_is_refused(self, coordinator_client):
        framework = FrameworkFactory()
        foreign_area = AreaFactory()
        response = coordinator_client.post(
            URL, payload(framework.pk, foreign_area.pk), format="json"
        )
        assert response.status_code == 400
        assert errors_by_attr(response) == {"area": "wrong_framework"}

    def test_descriptor_outside_the_scale_is_refused(self, coordinator_client):
        area = AreaFactory()
        levels = [{"level": 9, "descriptor_fr": "Trop haut"}]
        response = coordinator_client.post(
            URL, payload(area.framework.pk, area.pk, levels=levels), format="json"
        )
        assert response.status_code == 400
        assert errors_by_attr(response) == {"levels.0.level": "out_of_scale"}

    def test_unknown_framework_id_is_a_field_error(self, coordinator_client):
        area = AreaFactory()
        response = coordinator_client.post(URL, payload(999999, area.pk), format="json")
        assert response.status_code == 400
        assert errors_by_attr(response) == {"framework": "does_not_exist"}

    def test_a_taught_competency_cannot_be_deleted(self, coordinator_client):
        taught = ModuleCompetencyFactory()
        response = coordinator_client.delete(f"{URL}{taught.competency.pk}/")
        assert response.status_code == 409

    def test_deactivating_keeps_the_competency_listable(self, coordinator_client, anon):
        competency = CompetencyFactory()
        response = coordinator_client.patch(
            f"{URL}{competency.pk}/", {"is_active": False}, format="json"
        )
        assert response.status_code == 200
        assert anon.get(f"{URL}{competency.pk}/").json()["is_active"] is False

    def test_list_queries_do_not_grow_with_competencies(self, anon):
        def count() -> int:
            with CaptureQueriesContext(connection) as ctx:
                anon.get(URL, {"page_size": 100})
            return len(ctx)

        area = AreaFactory()
        CompetencyFactory.create_batch(3, area=area)
        few = count()
        CompetencyFactory.create_batch(30, area=area)
        assert count() == few == 4  # version, count, page, level descriptors
