"""The learning paths endpoint: ordered steps and target levels."""

import pytest

from catalogue.models import LearningPath, PathStep
from tests.catalogue.test_modules import errors_by_attr
from tests.factories import CompetencyFactory, LearningPathFactory, ModuleFactory, PathStepFactory

URL = "/api/v1/paths/"


@pytest.mark.django_db
class TestPaths:
    def test_coordinator_creates_a_path_with_steps_and_targets(self, coordinator_client):
        day1, day2 = ModuleFactory(code="D1"), ModuleFactory(code="D2")
        competency = CompetencyFactory(code="STRATEGY")
        response = coordinator_client.post(
            URL,
            {
                "code": "WEB20",
                "name_fr": "Web 2.0 – 4 jours",
                "steps": [
                    {"position": 2, "module": day2.pk, "is_required": False},
                    {"position": 1, "module": day1.pk, "is_required": True},
                ],
                "targets": [{"competency": competency.pk, "level": 3}],
            },
            format="json",
        )
        assert response.status_code == 201, response.json()
        body = response.json()
        assert [(s["position"], s["module_code"]) for s in body["steps"]] == [(1, "D1"), (2, "D2")]
        assert body["targets"] == [
            {"competency": competency.pk, "competency_code": "STRATEGY", "level": 3}
        ]

    def test_a_step_on_an_inactive_module_is_refused(self, coordinator_client):
        retired = ModuleFactory(is_active=False)
        response = coordinator_client.post(
            URL,
            {"code": "P", "name_fr": "P", "steps": [{"position": 1, "module": retired.pk}]},
            format="json",
        )
        assert response.status_code == 400
        assert errors_by_attr(response) == {"steps.0.module": "inactive"}
        assert not LearningPath.objects.exists()

    def test_two_steps_at_one_position_are_refused(self, coordinator_client):
        first, second = ModuleFactory(), ModuleFactory()
        steps = [{"position": 1, "module": first.pk}, {"position": 1, "module": second.pk}]
        response = coordinator_client.post(
            URL, {"code": "P", "name_fr": "P", "steps": steps}, format="json"
        )
        assert response.status_code == 400
        assert errors_by_attr(response) == {"steps.1.position": "duplicate"}

    def test_a_target_outside_the_scale_is_refused(self, coordinator_client):
        competency = CompetencyFactory()
        response = coordinator_client.post(
            URL,
            {"code": "P", "name_fr": "P", "targets": [{"competency": competency.pk, "level": 5}]},
            format="json",
        )
        assert response.status_code == 400
        assert errors_by_attr(response) == {"targets.0.level": "out_of_scale"}

    def test_steps_can_be_reordered(self, coordinator_client):
        first = PathStepFactory(position=1)
        second = PathStepFactory(path=first.path, position=2)
        response = coordinator_client.patch(
            f"{URL}{first.path.pk}/",
            {
                "steps": [
                    {"position": 1, "module": second.module.pk},
                    {"position": 2, "module": first.module.pk},
                ]
            },
            format="json",
        )
        assert response.status_code == 200, response.json()
        assert list(PathStep.objects.order_by("position").values_list("module", flat=True)) == [
            second.module.pk,
            first.module.pk,
        ]

    def test_filters_by_module_and_lists_in_position_order(self, anon):
        step = PathStepFactory(position=2)
        PathStepFactory(path=step.path, position=1)
        LearningPathFactory()
        body = anon.get(URL, {"module": step.module.pk}).json()
        assert body["count"] == 1
        assert [s["position"] for s in body["results"][0]["steps"]] == [1, 2]

    def test_provider_cannot_change_a_path(self, provider_client):
        path = LearningPathFactory(name_fr="Avant")
        response = provider_client.patch(f"{URL}{path.pk}/", {"name_fr": "X"}, format="json")
        assert response.status_code == 403
        path.refresh_from_db()
        assert path.name_fr == "Avant"

    def test_coordinator_deletes_a_path_and_its_steps(self, coordinator_client):
        step = PathStepFactory()
        assert coordinator_client.delete(f"{URL}{step.path.pk}/").status_code == 204
        assert not PathStep.objects.exists()
