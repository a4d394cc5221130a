"""The skills report's filters, its grouping by path and its period's end, checked against
figures worked out by hand on a scene of its own.

Framework 0..4, proficient from 3; one competency C. Module M teaches C to level 2, module
M2 to level 4. Path PA targets C = 3, path PB C = 2.

| who | business (office, commune) | paths  | C ratings        | sessions (completed)   | M2 done |
|-----|----------------------------|--------|------------------|------------------------|---------|
| P1  | B1 (O1 "Alpha", Morlaix)   | PA, PB | 2 (2/1)          | S of PC1, M, 10 March  | 10 June |
| P2  | B2 (O2 "Beta", Brest)      | PB     | 3 (2/1), 4 (6/1) | S2 of PC2, M, 12 March |         |
| P3  | B1 (O1 "Alpha", Morlaix)   |        | 1 (2/1)          |                        |         |

All in 2025. Now: P1 evidences 4 (M2), P2 2; P1's target is 3 (the highest of PA and PB).
At the end of April: P1 evidences 2 (M2 comes later), P2 is rated 3.
"""

import datetime as dt
from typing import Any

import pytest

from catalogue.models import PathTarget
from progress.services import self_assessments_create
from tests import factories

SKILLS = "/api/v1/reports/skills/"
UNTIL = "2025-04-30"


def at(month: int, day: int) -> dt.datetime:
    return dt.datetime(2025, month, day, 10, tzinfo=dt.UTC)


@pytest.fixture
def scene(db: None) -> dict[str, Any]:
    o: dict[str, Any] = {}
    o["FW"] = factories.FrameworkFactory()
    o["C"] = factories.CompetencyFactory(area=factories.AreaFactory(framework=o["FW"]))
    o["M"] = factories.ModuleFactory()
    factories.ModuleCompetencyFactory(module=o["M"], competency=o["C"], level=2)
    o["M2"] = factories.ModuleFactory()
    factories.ModuleCompetencyFactory(module=o["M2"], competency=o["C"], level=4)
    o["PA"] = factories.LearningPathFactory(code="PA", name_fr="Parcours A")
    o["PB"] = factories.LearningPathFactory(code="PB", name_fr="Parcours B")
    PathTarget.objects.create(path=o["PA"], competency=o["C"], level=3)
    PathTarget.objects.create(path=o["PB"], competency=o["C"], level=2)
    o["O1"] = factories.OrganisationFactory(name="Alpha")
    o["O2"] = factories.OrganisationFactory(name="Beta")
    o["B1"] = factories.BusinessFactory(name="Ar Mor", commune="Morlaix", office=o["O1"])
    o["B2"] = factories.BusinessFactory(name="Breizh", commune="Brest", office=o["O2"])
    for name, business in (("P1", o["B1"]), ("P2", o["B2"]), ("P3", o["B1"])):
        o[name] = factories.ProviderFactory(last_name=name, business=business)
    o["P1"].assigned_paths.add(o["PA"], o["PB"])
    o["P2"].assigned_paths.add(o["PB"])
    for name, level, when in (
        ("P1", 2, at(2, 1)),
        ("P2", 3, at(2, 1)),
        ("P2", 4, at(6, 1)),
        ("P3", 1, at(2, 1)),
    ):
        self_assessments_create(
            provider=o[name],
            ratings=[{"competency": o["C"], "level": level, "assessed_at": when}],
            assessed_at=when,
            actor=None,
        )
    for session, organiser, provider, day in (("S", "PC1", "P1", 10), ("S2", "PC2", "P2", 12)):
        o[organiser] = factories.PartnerCentreFactory()
        o[session] = factories.SessionFactory(
            module=o["M"], organiser=o[organiser], starts_at=at(3, day), status="completed"
        )
        factories.EnrolmentFactory(session=o[session], provider=o[provider])
        factories.CompletionFactory(
            provider=o[provider], module=o["M"], session=o[session], completed_on=at(3, day).date()
        )
    factories.CompletionFactory(provider=o["P1"], module=o["M2"], completed_on=at(6, 10).date())
    return o


def report(client: Any, scene: dict[str, Any], **params: Any) -> dict[str, Any]:
    response = client.get(SKILLS, {"framework": scene["FW"].pk, **params})
    assert response.status_code == 200, response.content
    return response.json()


def groups(body: dict[str, Any]) -> list[tuple[str, int]]:
    return [(group["label"], group["providers"]) for group in body["groups"]]


def figures(row: dict[str, Any]) -> dict[str, Any]:
    """A row's figures, without its group and competency."""
    return {
        "assessed": row["assessed"],
        "mean_level": row["mean_level"],
        "distribution": [item["count"] for item in row["distribution"]],
        "proficient_share": row["proficient_share"],
        "with_target": row["with_target"],
        "at_target_share": row["at_target_share"],
        "evidenced": row["evidenced"],
        "mean_evidenced_level": row["mean_evidenced_level"],
        "compared": row["compared"],
        "over_confident": row["over_confident"],
        "under_confident": row["under_confident"],
        "mean_self_minus_evidenced": row["mean_self_minus_evidenced"],
    }


def rows(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Each row's figures, by group label (the scene has one competency)."""
    return {row["group_label"]: figures(row) for row in body["rows"]}


@pytest.mark.django_db
class TestEveryProviderCounts:
    def test_by_business_those_who_never_took_part_count_too(self, scene, coordinator_client):
        body = report(coordinator_client, scene, group_by="business")
        # P3 never took part in a session: counted all the same.
        assert groups(body) == [("Ar Mor", 2), ("Breizh", 1)]
        assert rows(body) == {
            # P1 2 (evidenced 4, target 3), P3 1.
            "Ar Mor": {
                "assessed": 2,
                "mean_level": 1.5,
                "distribution": [0, 1, 1, 0, 0],
                "proficient_share": 0.0,
                "with_target": 1,
                "at_target_share": 0.0,
                "evidenced": 1,
                "mean_evidenced_level": 4.0,
                "compared": 1,
                "over_confident": 0,
                "under_confident": 1,
                "mean_self_minus_evidenced": -2.0,
            },
            # P2 4 (evidenced 2, target 2).
            "Breizh": {
                "assessed": 1,
                "mean_level": 4.0,
                "distribution": [0, 0, 0, 0, 1],
                "proficient_share": 1.0,
                "with_target": 1,
                "at_target_share": 1.0,
                "evidenced": 1,
                "mean_evidenced_level": 2.0,
                "compared": 1,
                "over_confident": 1,
                "under_confident": 0,
                "mean_self_minus_evidenced": 2.0,
            },
        }


# Each filter's value (by the scene's names), and the offices it leaves with their providers.
FILTERED = {
    "office": ("O1", [("Alpha", 2)]),
    "commune": ("morlaix", [("Alpha", 2)]),  # any case
    "business": ("B2", [("Beta", 1)]),
    "path": ("PA", [("Alpha", 1)]),
    "organiser": ("PC1", [("Alpha", 1)]),  # its sessions' participants: P1
    "session": ("S2", [("Beta", 1)]),
}


@pytest.mark.django_db
class TestFilters:
    @pytest.mark.parametrize("name", FILTERED)
    def test_each_filter_narrows_the_providers(self, scene, coordinator_client, name):
        value, offices = FILTERED[name]
        value = scene[value].pk if value in scene else value
        body = report(coordinator_client, scene, group_by="office", **{name: value})
        assert groups(body) == offices
        assert [row["group_label"] for row in body["rows"]] == [label for label, _ in offices]

    def test_a_filtered_row_counts_only_those_left(self, scene, coordinator_client):
        # Of office O1, P1 alone follows PA: 2, evidenced 4, target 3.
        body = report(coordinator_client, scene, group_by="office", path=scene["PA"].pk)
        assert rows(body)["Alpha"] == {
            "assessed": 1,
            "mean_level": 2.0,
            "distribution": [0, 0, 1, 0, 0],
            "proficient_share": 0.0,
            "with_target": 1,
            "at_target_share": 0.0,
            "evidenced": 1,
            "mean_evidenced_level": 4.0,
            "compared": 1,
            "over_confident": 0,
            "under_confident": 1,
            "mean_self_minus_evidenced": -2.0,
        }


@pytest.mark.django_db
class TestPeriodEnd:
    def test_levels_and_evidence_stand_as_they_were_at_the_period_end(
        self, scene, coordinator_client
    ):
        body = report(coordinator_client, scene, group_by="office", until=UNTIL)
        assert groups(body) == [("Alpha", 2), ("Beta", 1)]
        assert rows(body) == {
            # P1 2, evidenced 2 (M on 10 March; M2, in June, not yet), target 3; P3 1.
            "Alpha": {
                "assessed": 2,
                "mean_level": 1.5,
                "distribution": [0, 1, 1, 0, 0],
                "proficient_share": 0.0,
                "with_target": 1,
                "at_target_share": 0.0,
                "evidenced": 1,
                "mean_evidenced_level": 2.0,
                "compared": 1,
                "over_confident": 0,
                "under_confident": 0,
                "mean_self_minus_evidenced": 0.0,
            },
            # P2 3 (4 only in June), evidenced 2, target 2: proficient and at target.
            "Beta": {
                "assessed": 1,
                "mean_level": 3.0,
                "distribution": [0, 0, 0, 1, 0],
                "proficient_share": 1.0,
                "with_target": 1,
                "at_target_share": 1.0,
                "evidenced": 1,
                "mean_evidenced_level": 2.0,
                "compared": 1,
                "over_confident": 1,
                "under_confident": 0,
                "mean_self_minus_evidenced": 1.0,
            },
        }


@pytest.mark.django_db
class TestByPath:
    """Grouped by path, a provider's target is that path's own: P1's is 3 in PA, 2 in PB."""

    def test_now(self, scene, coordinator_client):
        body = report(coordinator_client, scene, group_by="path")
        assert groups(body) == [("Parcours A", 1), ("Parcours B", 2)]
        assert rows(body) == {
            # P1 2, evidenced 4, target 3.
            "Parcours A": {
                "assessed": 1,
                "mean_level": 2.0,
                "distribution": [0, 0, 1, 0, 0],
                "proficient_share": 0.0,
                "with_target": 1,
                "at_target_share": 0.0,
                "evidenced": 1,
                "mean_evidenced_level": 4.0,
                "compared": 1,
                "over_confident": 0,
                "under_confident": 1,
                "mean_self_minus_evidenced": -2.0,
            },
            # P1 2, evidenced 4, target 2 (met); P2 4, evidenced 2, target 2 (met).
            "Parcours B": {
                "assessed": 2,
                "mean_level": 3.0,
                "distribution": [0, 0, 1, 0, 1],
                "proficient_share": 0.5,
                "with_target": 2,
                "at_target_share": 1.0,
                "evidenced": 2,
                "mean_evidenced_level": 3.0,
                "compared": 2,
                "over_confident": 1,
                "under_confident": 1,
                "mean_self_minus_evidenced": 0.0,
            },
        }

    def test_at_the_period_end(self, scene, coordinator_client):
        body = report(coordinator_client, scene, group_by="path", until=UNTIL)
        assert groups(body) == [("Parcours A", 1), ("Parcours B", 2)]
        assert rows(body) == {
            # P1 2, evidenced 2, target 3.
            "Parcours A": {
                "assessed": 1,
                "mean_level": 2.0,
                "distribution": [0, 0, 1, 0, 0],
                "proficient_share": 0.0,
                "with_target": 1,
                "at_target_share": 0.0,
                "evidenced": 1,
                "mean_evidenced_level": 2.0,
                "compared": 1,
                "over_confident": 0,
                "under_confident": 0,
                "mean_self_minus_evidenced": 0.0,
            },
            # P1 2, evidenced 2, target 2 (met); P2 3, evidenced 2, target 2 (met).
            "Parcours B": {
                "assessed": 2,
                "mean_level": 2.5,
                "distribution": [0, 0, 1, 1, 0],
                "proficient_share": 0.5,
                "with_target": 2,
                "at_target_share": 1.0,
                "evidenced": 2,
                "mean_evidenced_level": 2.0,
                "compared": 2,
                "over_confident": 1,
                "under_confident": 0,
                "mean_self_minus_evidenced": 0.5,
            },
        }
