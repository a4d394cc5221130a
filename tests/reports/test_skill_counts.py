"""The skills report read both ways: from the counts PostgreSQL's triggers keep
(reports.skill_counts), and summed afresh from the current levels (SQLite's only way).

On PostgreSQL every write below is followed by the same check: the report's cells read
from the skill counts equal those summed afresh from the current levels, in every grouping
the counts keep. SQLite keeps no counts.
"""

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalogue.models import PathTarget
from people.models import Business, Provider
from progress import competency_levels
from progress.models import ProviderCompetencyLevel
from progress.services import self_assessments_create
from reports import skill_counts, skills
from reports.models import GroupSize, SkillCount
from tests import factories
from tests.conftest import client_for, on_postgres
from tests.reports.scene import Scene, at, build
from tests.reports.skill_counts_check import figures, sizes
from training import services as training
from training.models import Completion, Outcome


@pytest.fixture
def scene(db: None) -> Scene:
    """The reports' scene, with P6 (B3, rated C2 = 2), who took part in no session."""
    scene = build()
    scene.objects["P6"] = factories.ProviderFactory(last_name="P6", business=scene.B3)
    rate(scene.P6, scene.C2, 2, month=2)
    return scene


# The counts are kept on PostgreSQL only (SQLite reads the current levels).
kept_counts = pytest.mark.skipif(not on_postgres(), reason="counts are kept on PostgreSQL only")


def assert_kept() -> None:
    for group_by in skill_counts.GROUPINGS:
        afresh = figures(group_by, kept=False)
        assert afresh, group_by
        assert figures(group_by, kept=True) == afresh, group_by
        assert sizes(group_by, kept=True) == sizes(group_by, kept=False), group_by


def everything() -> dict[str, Any]:
    return {
        group_by: (figures(group_by, kept=False), sizes(group_by, kept=False))
        for group_by in skill_counts.GROUPINGS
    }


def rate(provider: Provider, competency: Any, level: int, month: int = 5) -> None:
    self_assessments_create(
        provider=provider,
        ratings=[{"competency": competency, "level": level, "assessed_at": at(month, 2)}],
        assessed_at=at(month, 2),
        actor=None,
    )


@kept_counts
def test_the_counts_of_the_scene_are_those_of_its_competency_levels(scene: Scene) -> None:
    assert_kept()
    # By office, B1 and B2 (O1) hold P1, P2 and P3's Instagram ratings: 3, 2 and 2.
    office = figures("office", kept=True)[(str(scene.O1.pk), scene.C1.pk)]
    assert office["assessed"] == 3
    assert office["mean_level"] == pytest.approx(7 / 3, abs=0.01)
    assert office["distribution"] == [
        {"level": 0, "count": 0},
        {"level": 1, "count": 0},
        {"level": 2, "count": 2},
        {"level": 3, "count": 1},
        {"level": 4, "count": 0},
    ]


WRITES: dict[str, Callable[[Scene], Any]] = {
    "a new rating": lambda s: rate(s.P2, s.C2, 4),
    "a later rating replacing one": lambda s: rate(s.P1, s.C1, 0),
    "an earlier rating (no change)": lambda s: rate(s.P1, s.C1, 4, month=1),
    "a rating of a provider without a business": lambda s: rate(s.P5, s.C2, 1),
    "a completion voided": lambda s: training.completion_void(
        completion=Completion.objects.get(provider=s.P3), reason="error", actor=None
    ),
    "a completion recorded": lambda s: factories.CompletionFactory(
        provider=s.P4, module=s.M, outcome=Outcome.COMPLETED
    ),
    "a path assigned": lambda s: s.P4.assigned_paths.add(s.PA),
    "a path's target raised": lambda s: raise_target(s),
    "a provider moved to another business": lambda s: Provider.objects.filter(pk=s.P2.pk).update(
        business=s.B3
    ),
    "a provider given a business": lambda s: Provider.objects.filter(pk=s.P5.pk).update(
        business=s.B2
    ),
    "a provider left without business": lambda s: Provider.objects.filter(pk=s.P1.pk).update(
        business=None
    ),
    "a business moved to another commune": lambda s: Business.objects.filter(pk=s.B1.pk).update(
        commune="Morlaix"
    ),
    "a business moved to another office": lambda s: Business.objects.filter(pk=s.B1.pk).update(
        office=s.O2
    ),
    "a business's sector changed": lambda s: Business.objects.filter(pk=s.B3.pk).update(
        sector="food_and_drink"
    ),
    "a business saved unchanged": lambda s: Business.objects.get(pk=s.B2.pk).save(),
    "a provider deleted": lambda s: Provider.objects.get(pk=s.P6.pk).delete(),
    "a provider added": lambda s: factories.ProviderFactory(business=s.B2),
    "a provider added without business": lambda s: factories.ProviderFactory(business=None),
    "competency levels deleted": lambda s: ProviderCompetencyLevel.objects.filter(
        provider=s.P3
    ).delete(),
}


def raise_target(s: Scene) -> None:
    PathTarget.objects.filter(path=s.PA).update(level=4)
    competency_levels.rebuild()


@kept_counts
@pytest.mark.parametrize("write", WRITES, ids=list(WRITES))
def test_every_write_keeps_the_counts(scene: Scene, write: str) -> None:
    before = everything()
    WRITES[write](scene)
    assert_kept()
    if write != "an earlier rating (no change)" and write != "a business saved unchanged":
        assert everything() != before, "the write changed no figure: it tests nothing"


@kept_counts
def test_all_the_writes_in_a_row_keep_the_counts(scene: Scene) -> None:
    for write in WRITES.values():
        write(scene)
    assert_kept()


@kept_counts
def test_merging_keeps_the_sums_and_leaves_one_row_per_cell(scene: Scene) -> None:
    rate(scene.P1, scene.C1, 0)
    rate(scene.P1, scene.C1, 2, month=6)
    # Each write's differences are appended, merged before a read.
    assert SkillCount.objects.filter(merged=False).exists()
    before = {group_by: figures(group_by, kept=False) for group_by in skill_counts.GROUPINGS}
    skill_counts.compact()
    assert not SkillCount.objects.filter(merged=False).exists()
    assert not GroupSize.objects.filter(merged=False).exists()
    rows = SkillCount.objects.values_list("grouping", "group_key", "competency_id")
    assert len(rows) == len(set(rows))
    groups = GroupSize.objects.values_list("grouping", "group_key")
    assert len(groups) == len(set(groups))
    assert {g: figures(g, kept=True) for g in skill_counts.GROUPINGS} == before
    # Merging again changes nothing.
    count = SkillCount.objects.count()
    skill_counts.compact()
    assert SkillCount.objects.count() == count


@kept_counts
def test_the_counts_rebuilt_from_the_competency_levels_equal_those_kept(scene: Scene) -> None:
    rate(scene.P2, scene.C2, 3)
    Business.objects.filter(pk=scene.B2.pk).update(commune="Roscoff")
    kept = {g: figures(g, kept=True) for g in skill_counts.GROUPINGS}
    skill_counts.rebuild()
    assert not SkillCount.objects.filter(merged=False).exists()
    assert {g: figures(g, kept=True) for g in skill_counts.GROUPINGS} == kept


@pytest.mark.parametrize("group_by", skill_counts.GROUPINGS)
def test_a_coordinators_report_reads_the_kept_counts_on_postgresql(
    scene: Scene, group_by: str
) -> None:
    """PostgreSQL reads the counts kept by its triggers; SQLite sums the current levels."""
    client = client_for(factories.CoordinatorFactory())
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/v1/reports/skills/", {"group_by": group_by})
    assert response.status_code == 200, response.content
    sql = [query["sql"] for query in queries.captured_queries]
    assert any("reports_skilltally" in query for query in sql) == on_postgres()
    assert any("progress_currentlevel" in query for query in sql) == (not on_postgres())
    # The figures are those of the current levels.
    row = next(
        row
        for row in response.json()["rows"]
        if row["competency"] == scene.C1.pk and row["group"] is not None
    )
    afresh = figures(group_by, kept=False)[(row["group"], scene.C1.pk)]
    assert {name: row[name] for name in afresh} == afresh


@kept_counts
@pytest.mark.parametrize("group_by", skill_counts.GROUPINGS)
def test_the_report_is_the_same_read_either_way(
    scene: Scene, group_by: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The whole report, from the skill counts and summed from the current levels, after
    writes of every kind."""
    for write in WRITES.values():
        write(scene)
    coordinator = factories.CoordinatorFactory()
    kept = skills.skills_report(user=coordinator, params={"group_by": group_by})
    monkeypatch.setattr(skills, "_read_skill_counts", None)  # would fail if called
    monkeypatch.setattr(skills, "_whole_population", lambda scope, params: False)
    afresh = skills.skills_report(user=coordinator, params={"group_by": group_by})
    assert kept["rows"]
    assert kept == afresh


def test_a_narrowed_report_still_reads_the_competency_levels(scene: Scene) -> None:
    client = client_for(factories.CoordinatorFactory())
    with CaptureQueriesContext(connection) as queries:
        response = client.get(
            "/api/v1/reports/skills/", {"group_by": "office", "sector": "accommodation"}
        )
    assert response.status_code == 200
    assert any("progress_currentlevel" in query["sql"] for query in queries.captured_queries)
    assert not any("reports_skilltally" in query["sql"] for query in queries.captured_queries)


@pytest.mark.django_db
def test_the_statement_functions_plan_each_call() -> None:
    """On PostgreSQL, each statement-level function runs its INSERT through EXECUTE,
    planned for that call's transition table (a static one keeps the plan made for its
    first call's). SQLite has no such triggers: its report sums the current levels."""
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE name LIKE 'tally_%' OR name LIKE '%one_row'"
            )
            assert cursor.fetchall() == []
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT p.proname, pg_get_functiondef(p.oid) FROM pg_proc p "
            "WHERE p.proname LIKE 'tally_%%' ORDER BY p.proname"
        )
        functions = dict(cursor.fetchall())
    statement_level = {
        f"tally_{table}_{event}"
        for table, events in (
            ("progress_currentlevel", ("insert", "update", "delete")),
            ("people_provider", ("insert", "delete")),
        )
        for event in events
    }
    assert statement_level < set(functions)
    for name in statement_level:
        assert "EXECUTE $statement$" in functions[name], name
        assert "INSERT INTO" not in functions[name].split("EXECUTE", 1)[0], name
        assert "IF EXISTS (SELECT FROM" in functions[name], name
