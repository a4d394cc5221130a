"""Report figures checked against numbers worked out by hand on `tests/reports/scene.py`."""

import csv
import io
from typing import Any
from xml.etree import ElementTree

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from progress.services import self_assessments_create
from tests.conftest import client_for
from tests.factories import (
    BusinessFactory,
    OrganisationFactory,
    PartnerUserFactory,
    ProviderFactory,
    ProviderUserFactory,
    SessionFactory,
    TrainerUserFactory,
)
from tests.reports.scene import Scene, at, build, build_with_voided

SKILLS = "/api/v1/reports/skills/"
EFFECT = "/api/v1/reports/training-effect/"
SESSIONS = "/api/v1/reports/sessions/"


@pytest.fixture
def scene(db: None) -> Scene:
    return build()


@pytest.fixture
def partner(scene: Scene) -> Any:
    return client_for(PartnerUserFactory(partner_centre=scene.PC))


def rows_by(body: dict[str, Any], scene: Scene) -> dict[tuple[str | None, str], dict[str, Any]]:
    codes = {scene.C1.pk: "C1", scene.C2.pk: "C2"}
    return {(row["group_label"], codes[row["competency"]]): row for row in body["rows"]}


def distribution(row: dict[str, Any]) -> list[int]:
    return [item["count"] for item in row["distribution"]]


@pytest.mark.django_db
class TestSkillsReport:
    def test_by_office_every_figure(self, scene, coordinator_client):
        response = coordinator_client.get(SKILLS, {"group_by": "office", "framework": scene.FW.pk})
        assert response.status_code == 200, response.json()
        body = response.json()
        assert [(g["label"], g["providers"]) for g in body["groups"]] == [
            ("BIT Nord", 3),
            ("BIT Sud", 1),
            ("(aucun)", 1),
        ]
        assert body["groups"][2]["key"] is None
        rows = rows_by(body, scene)
        assert set(rows) == {
            ("BIT Nord", "C1"),
            ("BIT Nord", "C2"),
            ("BIT Sud", "C1"),
            ("BIT Sud", "C2"),
            ("(aucun)", "C1"),
        }
        north = rows[("BIT Nord", "C1")]
        # P1 3, P2 2, P3 2; targets P1 3 (met), P3 3 (not met); evidence P1 2, P3 2.
        assert north["assessed"] == 3
        assert north["mean_level"] == 2.33
        assert distribution(north) == [0, 0, 2, 1, 0]
        assert north["proficient_share"] == 0.3333
        assert north["with_target"] == 2
        assert north["at_target_share"] == 0.5
        assert north["evidenced"] == 2
        assert north["mean_evidenced_level"] == 2.0
        assert (north["compared"], north["over_confident"], north["under_confident"]) == (2, 1, 0)
        assert north["mean_self_minus_evidenced"] == 0.5
        # C2 in the north: P1 rates 2; modules evidence 1 for P1 and P3.
        north_c2 = rows[("BIT Nord", "C2")]
        assert (north_c2["assessed"], north_c2["mean_level"]) == (1, 2.0)
        assert (north_c2["evidenced"], north_c2["mean_evidenced_level"]) == (2, 1.0)
        assert north_c2["with_target"] == 0
        assert north_c2["at_target_share"] is None
        assert (north_c2["over_confident"], north_c2["mean_self_minus_evidenced"]) == (1, 1.0)
        south = rows[("BIT Sud", "C1")]
        assert (south["assessed"], south["mean_level"], south["proficient_share"]) == (1, 1.0, 0.0)
        assert south["evidenced"] == 0
        assert south["mean_evidenced_level"] is None
        assert rows[("BIT Sud", "C2")]["proficient_share"] == 1.0
        nobody = rows[("(aucun)", "C1")]
        assert (nobody["group"], nobody["mean_level"], distribution(nobody)) == (
            None,
            4.0,
            [0, 0, 0, 0, 1],
        )

    def test_campsites_by_commune_weakest_first(self, scene, coordinator_client):
        response = coordinator_client.get(
            SKILLS,
            {"group_by": "commune", "sector": "accommodation", "ordering": "mean_level"},
        )
        assert response.status_code == 200
        ordered = [
            (row["group_label"], row["competency_code"], row["mean_level"])
            for row in response.json()["rows"]
        ]
        # Campsites: P1, P2 in Carantec, P4 in Locquirec.
        assert ordered == [
            ("Locquirec", "INSTAGRAM", 1.0),
            ("Carantec", "FACEBOOK", 2.0),
            ("Carantec", "INSTAGRAM", 2.5),
            ("Locquirec", "FACEBOOK", 3.0),
        ]

    def test_by_path_uses_the_path_target(self, scene, coordinator_client):
        body = coordinator_client.get(SKILLS, {"group_by": "path"}).json()
        assert [(g["label"], g["providers"]) for g in body["groups"]] == [("Parcours A", 2)]
        row = rows_by(body, scene)[("Parcours A", "C1")]
        assert (row["assessed"], row["with_target"], row["at_target_share"]) == (2, 2, 0.5)

    def test_by_session_counts_participants(self, scene, coordinator_client):
        body = coordinator_client.get(SKILLS, {"group_by": "session"}).json()
        sizes = {g["key"]: g["providers"] for g in body["groups"]}
        # S: P1, P2, P4 enrolled; S2: P3; S4: P5 enrolled (P3 only waitlisted).
        assert sizes == {str(scene.S.pk): 3, str(scene.S2.pk): 1, str(scene.S4.pk): 1}

    def test_a_period_takes_the_latest_rating_in_it(self, scene, coordinator_client):
        # Until 15 March: P1 had rated C1 1, P2 0; P3 2.
        body = coordinator_client.get(
            SKILLS, {"group_by": "office", "until": "2026-03-15", "competency": scene.C1.pk}
        ).json()
        north = rows_by(body, scene)[("BIT Nord", "C1")]
        assert (north["assessed"], north["mean_level"], distribution(north)) == (
            3,
            1.0,
            [1, 1, 1, 0, 0],
        )
        # From 1 March: P1 3, P2 2 (P3 rated before).
        body = coordinator_client.get(
            SKILLS, {"group_by": "office", "since": "2026-03-01", "competency": scene.C1.pk}
        ).json()
        assert rows_by(body, scene)[("BIT Nord", "C1")]["mean_level"] == 2.5

    @pytest.mark.parametrize(
        "group_by", ["office", "sector", "commune", "business", "session", "path"]
    )
    @pytest.mark.parametrize("role", ["coordinator", "partner"])
    def test_the_competency_levels_and_the_history_give_the_same_figures(
        self, scene, coordinator_client, partner, group_by, role
    ):
        # Without a period the database sums the competency levels kept on every write; a period
        # that holds the whole history is summed here, provider by provider, from the
        # history itself. They must agree on every figure of every row.
        client = coordinator_client if role == "coordinator" else partner
        current = client.get(SKILLS, {"group_by": group_by})
        everything = client.get(
            SKILLS, {"group_by": group_by, "since": "2000-01-01", "until": "2099-12-31"}
        )
        assert current.status_code == everything.status_code == 200
        assert current.json()["rows"], "the scene has figures for every grouping"
        assert current.json() == everything.json()

    def test_an_answer_is_served_again_for_a_while_then_computed_anew(
        self, scene, coordinator_client, partner, settings
    ):
        settings.REPORT_CACHE_SECONDS = 60
        question = {"group_by": "office", "competency": scene.C1.pk}

        def ask(client: Any, **extra: Any) -> tuple[Any, int]:
            with CaptureQueriesContext(connection) as queries:
                response = client.get(SKILLS, {**question, **extra})
            assert response.status_code == 200
            return response, len(queries)

        # A first request: the caller's login is kept from then on (api/authentication.py).
        ask(coordinator_client, group_by="sector")
        first, computed = ask(coordinator_client)
        assert first["Age"] == "0"
        assert first["Cache-Control"] == "private, max-age=60"
        self_assessments_create(
            provider=scene.P1,
            ratings=[{"competency": scene.C1, "level": 0}],
            assessed_at=at(6, 1),
            actor=None,
        )
        again, served = ask(coordinator_client)
        assert again.content == first.content  # the rating is not in it yet
        assert served == 0 < computed  # not a query
        # Another question or another scope: computed, with the rating.
        _, other = ask(coordinator_client, ordering="mean_level")
        assert other == computed
        assert ask(partner)[1] > 0
        fresh = rows_by(ask(coordinator_client, ordering="mean_level")[0].json(), scene)
        assert fresh[("BIT Nord", "C1")] != rows_by(first.json(), scene)[("BIT Nord", "C1")]
        settings.REPORT_CACHE_SECONDS = 0
        assert ask(coordinator_client)[0].json() != first.json()

    def test_a_partner_sees_only_consenting_participants_of_its_sessions(self, scene, partner):
        body = partner.get(SKILLS, {"group_by": "office"}).json()
        # Of S's participants P1, P2, P4, only P1 and P4 share their progress.
        assert [(g["label"], g["providers"]) for g in body["groups"]] == [
            ("BIT Nord", 1),
            ("BIT Sud", 1),
        ]
        assert rows_by(body, scene)[("BIT Nord", "C1")]["mean_level"] == 3.0
        body = partner.get(SKILLS, {"group_by": "session"}).json()
        assert [g["key"] for g in body["groups"]] == [str(scene.S.pk)]

    def test_a_partner_cannot_widen_its_scope_with_another_organiser(self, scene, partner):
        body = partner.get(SKILLS, {"group_by": "office", "organiser": scene.O0.pk}).json()
        assert body["groups"] == []
        assert body["rows"] == []

    def test_query_count_does_not_grow_with_groups(self, scene, coordinator_client):
        def count(group_by: str) -> int:
            with CaptureQueriesContext(connection) as queries:
                assert coordinator_client.get(SKILLS, {"group_by": group_by}).status_code == 200
            return len(queries)

        count("sector")  # the caller's login is kept from then on (api/authentication.py)
        before = {group_by: count(group_by) for group_by in ("office", "commune", "session")}
        for n in range(12):
            office = OrganisationFactory(name=f"BIT {n}")
            business = BusinessFactory(office=office, commune=f"Commune {n}")
            provider = ProviderFactory(business=business)
            self_assessments_create(
                provider=provider,
                ratings=[{"competency": scene.C1, "level": n % 5, "assessed_at": at(5, 1)}],
                assessed_at=at(5, 1),
                actor=None,
            )
        after = {group_by: count(group_by) for group_by in ("office", "commune", "session")}
        assert after == before
        assert max(after.values()) <= 15

    @pytest.mark.parametrize(
        ("params", "attr", "code"),
        [
            ({"group_by": "planet"}, "group_by", "invalid_choice"),
            ({"framework": "0"}, "framework", "min_value"),
            ({"since": "yesterday"}, "since", "invalid"),
            ({"since": "2026-05-01", "until": "2026-04-01"}, "until", "invalid_period"),
            ({"format": "pdf"}, "format", "invalid_choice"),
            ({"ordering": "name"}, "ordering", "invalid_choice"),
        ],
    )
    def test_bad_parameters_are_a_400_naming_them(self, coordinator_client, params, attr, code):
        response = coordinator_client.get(SKILLS, params)
        assert response.status_code == 400
        error = response.json()["errors"][0]
        assert (error["attr"], error["code"]) == (attr, code)

    def test_exports_hold_the_same_figures(self, scene, coordinator_client):
        params = {"group_by": "office", "competency": scene.C1.pk}
        response = coordinator_client.get(SKILLS, {**params, "format": "csv"})
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")
        text = b"".join(response.streaming_content).decode("utf-8-sig")
        table = list(csv.DictReader(io.StringIO(text)))
        north = next(row for row in table if row["Groupe"] == "BIT Nord")
        assert north["Niveau moyen"] == "2.33"
        assert (north["Niveau 2"], north["Niveau 3"], north["Part ≥ cible"]) == ("2", "1", "0.5")
        response = coordinator_client.get(
            SKILLS, {**params, "format": "xlsx"}, HTTP_ACCEPT_LANGUAGE="en"
        )
        sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
        header = [cell.value for cell in sheet[1]]
        values = dict(zip(header, [cell.value for cell in sheet[2]], strict=True))
        assert values["Group"] == "BIT Nord"
        assert values["Mean level"] == 2.33
        assert values["Providers assessed"] == 3

    def test_heatmap_shows_every_group_and_competency(self, scene, coordinator_client):
        response = coordinator_client.get("/api/v1/reports/skills.svg", {"group_by": "office"})
        assert response.status_code == 200
        assert response["Content-Type"] == "image/svg+xml"
        svg = ElementTree.fromstring(response.content)
        ns = "{http://www.w3.org/2000/svg}"
        assert len(svg.findall(f".//{ns}rect[@class='cell']")) == 2 * 3
        texts = "".join(svg.itertext())
        assert "BIT Nord" in texts
        assert "2,3" in texts  # 2.33 in French
        english = coordinator_client.get(
            "/api/v1/reports/skills.svg", {"group_by": "office"}, HTTP_ACCEPT_LANGUAGE="en"
        )
        assert "2.3" in "".join(ElementTree.fromstring(english.content).itertext())


@pytest.mark.django_db
class TestTrainingEffect:
    def test_before_and_after_the_spring_workshop(self, scene, coordinator_client):
        response = coordinator_client.get(EFFECT, {"session": scene.S.pk})
        assert response.status_code == 200, response.json()
        rows = response.json()["rows"]
        # P1: 1 → 3, P2: 0 → 2 in C1; P4 was absent; nobody rated C2 after.
        assert len(rows) == 1
        row = rows[0]
        assert (row["competency"], row["n"]) == (scene.C1.pk, 2)
        assert (row["mean_before"], row["mean_after"], row["delta"]) == (0.5, 2.5, 2.0)
        assert (row["improved"], row["unchanged"], row["declined"]) == (2, 0, 0)

    def test_by_module_gathers_its_sessions(self, scene, coordinator_client):
        body = coordinator_client.get(EFFECT, {"group_by": "module"}).json()
        assert body["groups"] == [{"key": str(scene.M.pk), "label": "Atelier Instagram"}]
        # P3 (S2) has no rating after the session: still n = 2.
        assert [(r["competency_code"], r["n"]) for r in body["rows"]] == [("INSTAGRAM", 2)]

    def test_a_partner_sees_its_sessions_and_consenting_participants(self, scene, partner):
        body = partner.get(EFFECT).json()
        assert [g["key"] for g in body["groups"]] == [str(scene.S.pk)]
        assert [(r["n"], r["mean_before"], r["mean_after"]) for r in body["rows"]] == [
            (1, 1.0, 3.0)
        ]

    def test_csv_export(self, scene, coordinator_client):
        response = coordinator_client.get(EFFECT, {"session": scene.S.pk, "format": "csv"})
        table = list(
            csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")))
        )
        assert table[0][:4] == ["Groupe", "Code compétence", "Compétence", "Participants comparés"]
        assert table[1][3:7] == ["2", "0.5", "2.5", "2.0"]


@pytest.mark.django_db
class TestSessionsReport:
    def test_by_organiser_format_and_month(self, scene, coordinator_client):
        response = coordinator_client.get(SESSIONS)
        assert response.status_code == 200, response.json()
        body = response.json()
        rows = {(row["organiser_name"], row["period"]): row for row in body["rows"]}
        assert set(rows) == {("Centre Léon", "2026-03"), ("Office", "2026-02")}
        march = rows[("Centre Léon", "2026-03")]
        # S held, S3 cancelled, S4 open; the draft S5 is not planned.
        assert {k: march[k] for k in ("planned", "confirmed", "held", "cancelled")} == {
            "planned": 3,
            "confirmed": 1,
            "held": 1,
            "cancelled": 1,
        }
        assert march["cancelled_by_cause"] == {"too_few_participants": 1}
        assert (march["format"], march["format_label"]) == ("workshop", "Atelier")
        assert (march["places"], march["enrolled"], march["waitlisted"]) == (13, 4, 1)
        assert march["fill_rate"] == 0.3077
        assert (march["present"], march["attendance_rate"]) == (2, 0.6667)
        assert (march["completed"], march["completion_rate"]) == (1, 0.5)
        february = rows[("Office", "2026-02")]
        assert (february["places"], february["enrolled"], february["fill_rate"]) == (10, 1, 0.1)
        assert (february["attendance_rate"], february["completion_rate"]) == (1.0, 1.0)
        totals = body["totals"]
        assert (totals["planned"], totals["places"], totals["enrolled"]) == (4, 23, 5)
        assert (totals["fill_rate"], totals["attendance_rate"]) == (0.2174, 0.75)
        assert totals["completion_rate"] == 0.6667

    def test_by_year_and_period_filter(self, scene, coordinator_client):
        body = coordinator_client.get(SESSIONS, {"period": "year", "since": "2026-03-01"}).json()
        assert [(r["organiser_name"], r["period"], r["planned"]) for r in body["rows"]] == [
            ("Centre Léon", "2026", 3)
        ]

    def test_a_partner_sees_only_its_sessions(self, scene, partner):
        body = partner.get(SESSIONS).json()
        assert [row["organiser_name"] for row in body["rows"]] == ["Centre Léon"]
        assert body["totals"]["planned"] == 3

    def test_xlsx_export_in_english(self, scene, coordinator_client):
        response = coordinator_client.get(SESSIONS, {"format": "xlsx"}, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 200
        assert response["Content-Disposition"].endswith('sessions.xlsx"')
        sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
        header = [cell.value for cell in sheet[1]]
        assert header[:4] == ["Organiser", "Format", "Period", "Planned"]
        records = [
            dict(zip(header, [c.value for c in row], strict=True))
            for row in sheet.iter_rows(min_row=2)
        ]
        march = next(r for r in records if r["Organiser"] == "Centre Léon")
        assert march["Cancelled: Too few participants"] == 1
        assert march["Fill rate"] == 0.3077

    def test_query_count_does_not_grow_with_sessions(self, scene, coordinator_client):
        coordinator_client.get(SESSIONS)  # the caller's login is kept from then on
        with CaptureQueriesContext(connection) as first:
            coordinator_client.get(SESSIONS)
        for month in range(4, 10):
            SessionFactory(organiser=OrganisationFactory(), starts_at=at(month, 2))
        with CaptureQueriesContext(connection) as second:
            coordinator_client.get(SESSIONS)
        assert len(second) == len(first)


@pytest.mark.django_db
class TestVoidedRecordsAreNotCounted:
    """On `build_with_voided`: each report gives the figures of the records that stand."""

    @pytest.fixture
    def scene(self, db: None) -> Scene:
        return build_with_voided()

    def test_a_voided_record_makes_no_participant_of_a_session(self, scene, coordinator_client):
        for period in ({}, {"since": "2000-01-01", "until": "2099-12-31"}):
            body = coordinator_client.get(SKILLS, {"group_by": "session", **period}).json()
            sizes = {g["key"]: g["providers"] for g in body["groups"]}
            # S2: P3 alone (P5's record there is voided).
            assert sizes == {str(scene.S.pk): 3, str(scene.S2.pk): 1, str(scene.S4.pk): 1}

    def test_a_voided_completion_evidences_nothing(self, scene, coordinator_client):
        params = {"group_by": "office", "framework": scene.FW.pk}
        for period in ({}, {"since": "2000-01-01", "until": "2099-12-31"}):
            rows = rows_by(coordinator_client.get(SKILLS, {**params, **period}).json(), scene)
            # P4 rates C1 2 now; P5 4; neither completed a module that stands.
            south = rows[("BIT Sud", "C1")]
            assert (south["assessed"], south["mean_level"]) == (1, 2.0)
            assert (south["evidenced"], south["mean_evidenced_level"]) == (0, None)
            assert south["compared"] == 0
            assert rows[("BIT Sud", "C2")]["evidenced"] == 0
            nobody = rows[("(aucun)", "C1")]
            assert (nobody["assessed"], nobody["evidenced"], nobody["compared"]) == (1, 0, 0)
            # The north is as before: P1 and P3 completed M.
            assert rows[("BIT Nord", "C1")]["evidenced"] == 2

    def test_a_voided_presence_is_not_compared_before_and_after(self, scene, coordinator_client):
        body = coordinator_client.get(EFFECT, {"session": scene.S.pk}).json()
        # P1 1 → 3, P2 0 → 2; P4 (absent; the voided record said completed) is left out.
        assert [
            (r["competency"], r["n"], r["mean_before"], r["mean_after"]) for r in body["rows"]
        ] == [(scene.C1.pk, 2, 0.5, 2.5)]

    def test_a_voided_record_is_neither_present_nor_completed(self, scene, coordinator_client):
        rows = {
            (row["organiser_name"], row["period"]): row
            for row in coordinator_client.get(SESSIONS).json()["rows"]
        }
        march = rows[("Centre Léon", "2026-03")]
        # S: P1 completed, P2 attended, P4 absent.
        assert (march["present"], march["attendance_rate"]) == (2, 0.6667)
        assert (march["completed"], march["completion_rate"]) == (1, 0.5)
        february = rows[("Office", "2026-02")]
        # S2: P3 completed; P5's record is voided.
        assert (february["present"], february["completed"]) == (1, 1)
        assert february["attendance_rate"] == 1.0


@pytest.mark.django_db
class TestWhoMayReadReports:
    @pytest.mark.parametrize("url", [SKILLS, EFFECT, SESSIONS, "/api/v1/reports/skills.svg"])
    def test_providers_and_trainers_are_refused(self, scene, url):
        for user in (ProviderUserFactory(provider=scene.P1), TrainerUserFactory()):
            response = client_for(user).get(url)
            assert response.status_code == 403
            assert response["Content-Type"] == "application/json"
