"""The frameworks endpoint: a framework and its proficiency scale and areas in one request."""

import pytest

from catalogue.models import Framework, ProficiencyLevel
from tests.catalogue.test_modules import errors_by_attr
from tests.factories import (
    AreaFactory,
    CompetencyFactory,
    FrameworkFactory,
    ModuleCompetencyFactory,
)

URL = "/api/v1/frameworks/"


def scale(top: int) -> list[dict[str, object]]:
    return [
        {
            "value": v,
            "code": f"L{v}",
            "name_fr": f"Niveau {v}",
            "name_en": f"Level {v}",
            "descriptor_fr": f"Je sais {v}",
            "descriptor_en": f"I can {v}",
        }
        for v in range(top + 1)
    ]


def payload(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "code": "DIGITAL",
        "name_fr": "Numérique",
        "name_en": "Digital",
        "proficient_level": 3,
        "levels": scale(4),
        "areas": [
            {"code": "SOCIAL", "name_fr": "Réseaux sociaux", "name_en": "Social", "order": 1}
        ],
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
class TestFrameworks:
    def test_anonymous_reads_the_scale_with_the_proficient_mark(self, anon):
        FrameworkFactory(proficient_level=3)
        body = anon.get(URL, HTTP_ACCEPT_LANGUAGE="en").json()
        levels = body["results"][0]["levels"]
        assert [level["value"] for level in levels] == [0, 1, 2, 3, 4]
        assert [level["is_proficient"] for level in levels] == [False, False, False, True, True]
        assert levels[2]["name"] == "Level 2"

    def test_coordinator_creates_a_framework_with_its_scale_and_areas(self, coordinator_client):
        response = coordinator_client.post(URL, payload(), format="json")
        assert response.status_code == 201, response.json()
        framework = Framework.objects.get(code="DIGITAL")
        assert list(framework.levels.values_list("value", flat=True)) == [0, 1, 2, 3, 4]
        assert list(framework.areas.values_list("code", flat=True)) == ["SOCIAL"]

    def test_a_scale_with_a_gap_is_refused(self, coordinator_client):
        levels = scale(4)
        del levels[2]
        response = coordinator_client.post(URL, payload(levels=levels), format="json")
        assert response.status_code == 400
        assert errors_by_attr(response) == {"levels": "invalid_scale"}
        assert not Framework.objects.exists()

    def test_the_proficient_level_must_be_in_the_scale(self, coordinator_client):
        response = coordinator_client.post(URL, payload(proficient_level=5), format="json")
        assert response.status_code == 400
        assert errors_by_attr(response) == {"proficient_level": "out_of_scale"}

    def test_a_duplicate_code_is_refused(self, coordinator_client):
        FrameworkFactory(code="DIGITAL")
        response = coordinator_client.post(URL, payload(), format="json")
        assert response.status_code == 400
        assert errors_by_attr(response) == {"code": "unique"}

    def test_the_scale_can_grow(self, coordinator_client):
        framework = FrameworkFactory(scale=3)
        response = coordinator_client.patch(
            f"{URL}{framework.pk}/", {"levels": scale(5)}, format="json"
        )
        assert response.status_code == 200, response.json()
        assert ProficiencyLevel.objects.filter(framework=framework).count() == 6

    def test_a_level_in_use_cannot_be_removed(self, coordinator_client):
        taught = ModuleCompetencyFactory(level=4)
        framework = taught.competency.framework
        response = coordinator_client.patch(
            f"{URL}{framework.pk}/", {"levels": scale(3)}, format="json"
        )
        assert response.status_code == 400
        assert errors_by_attr(response) == {"levels": "in_use"}
        assert framework.levels.count() == 5

    def test_an_area_holding_competencies_cannot_be_dropped(self, coordinator_client):
        competency = CompetencyFactory()
        response = coordinator_client.patch(
            f"{URL}{competency.framework.pk}/", {"areas": []}, format="json"
        )
        assert response.status_code == 409
        assert competency.framework.areas.count() == 1

    def test_a_framework_with_competencies_cannot_be_deleted(self, coordinator_client):
        competency = CompetencyFactory()
        response = coordinator_client.delete(f"{URL}{competency.framework.pk}/")
        assert response.status_code == 409
        assert Framework.objects.filter(pk=competency.framework.pk).exists()

    def test_an_empty_framework_is_deleted_with_its_scale(self, coordinator_client):
        framework = FrameworkFactory()
        AreaFactory(framework=framework)
        assert coordinator_client.delete(f"{URL}{framework.pk}/").status_code == 204
        assert not ProficiencyLevel.objects.exists()

    def test_provider_cannot_create(self, provider_client):
        assert provider_client.post(URL, payload(), format="json").status_code == 403
        assert not Framework.objects.exists()

    def test_filters_and_searches(self, anon):
        FrameworkFactory(code="ACTIVE", name_en="Digital skills")
        FrameworkFactory(code="OLD", is_active=False)
        assert [f["code"] for f in anon.get(URL, {"is_active": "false"}).json()["results"]] == [
            "OLD"
        ]
        assert anon.get(URL, {"search": "digital"}).json()["count"] == 1
