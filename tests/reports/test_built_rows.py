"""The skills report's rows are rebuilt only where what they show moved (reports.skills:
RowsBuiltLast): a report asked again serves the rows it built before for every cell, label and
competency that did not change, and new rows for the others, equal to rows built afresh."""

from typing import Any

import pytest
from django.utils import translation

from catalogue.models import Competency
from people.models import Organisation
from reports import skills
from tests import factories
from tests.conftest import client_for
from tests.reports.scene import Scene, at, build


@pytest.fixture
def scene(db: None) -> Scene:
    skills.ROWS_BUILT_LAST.clear()
    return build()


def report(group_by: str) -> list[dict[str, Any]]:
    coordinator = factories.CoordinatorFactory()
    rows: list[dict[str, Any]] = skills.skills_report(
        user=coordinator, params={"group_by": group_by}
    )["rows"]
    return rows


def afresh(group_by: str) -> list[dict[str, Any]]:
    """The same report with no rows kept from before."""
    skills.ROWS_BUILT_LAST.clear()
    return report(group_by)


def cell(rows: list[dict[str, Any]], group: str | None, competency: Competency) -> dict[str, Any]:
    return next(r for r in rows if r["group"] == group and r["competency"] == competency.pk)


def test_a_report_asked_again_serves_the_rows_it_built(scene: Scene) -> None:
    first = report("office")
    again = report("office")
    assert again == first
    assert len(first) >= 4
    assert all(a is b for a, b in zip(again, first, strict=True))


def test_a_rating_rebuilds_only_the_rows_of_its_cells(scene: Scene) -> None:
    from progress.services import self_assessments_create

    first = report("commune")
    self_assessments_create(
        provider=scene.P4,
        ratings=[{"competency": scene.C1, "level": 4, "assessed_at": at(6, 1)}],
        assessed_at=at(6, 1),
        actor=None,
    )
    after = report("commune")
    moved = cell(after, "Locquirec", scene.C1)
    assert moved["distribution"] != cell(first, "Locquirec", scene.C1)["distribution"]
    assert moved is not cell(first, "Locquirec", scene.C1)
    # Every other row is the one served before.
    untouched = [r for r in after if (r["group"], r["competency"]) != ("Locquirec", scene.C1.pk)]
    assert untouched
    assert all(any(r is f for f in first) for r in untouched)
    # And the whole report equals one built afresh.
    assert after == afresh("commune")


def test_a_renamed_office_is_served_under_its_new_name(scene: Scene) -> None:
    before = cell(report("office"), str(scene.O1.pk), scene.C1)
    Organisation.objects.filter(pk=scene.O1.pk).update(name="BIT Nord-Finistère")
    after = cell(report("office"), str(scene.O1.pk), scene.C1)
    assert (before["group_label"], after["group_label"]) == ("BIT Nord", "BIT Nord-Finistère")
    assert report("office") == afresh("office")


def test_a_renamed_competency_is_served_under_its_new_name(scene: Scene) -> None:
    client = client_for(factories.CoordinatorFactory())
    url = "/api/v1/reports/skills/?group_by=sector"
    names = {r["competency_name"] for r in client.get(url).json()["rows"]}
    assert "Instagram" in names
    Competency.objects.filter(pk=scene.C1.pk).update(name_fr="Instagram pro")
    rows = client.get(url).json()["rows"]
    assert {r["competency_name"] for r in rows if r["competency"] == scene.C1.pk} == {
        "Instagram pro"
    }


def test_each_language_is_served_its_own_rows(scene: Scene) -> None:
    Competency.objects.filter(pk=scene.C2.pk).update(name_en="Facebook page")
    with translation.override("en"):
        english = cell(report("sector"), "accommodation", scene.C2)
    with translation.override("fr"):
        french = cell(report("sector"), "accommodation", scene.C2)
    assert (english["competency_name"], french["competency_name"]) == ("Facebook page", "Facebook")
    assert english["group_label"] != french["group_label"]
