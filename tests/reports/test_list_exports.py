"""Spreadsheet exports of the lists: same rows, scope and filters as the JSON, one query."""

import csv
import io
from typing import Any
from xml.etree import ElementTree

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from progress.models import SelfAssessment
from tests.conftest import client_for
from tests.factories import (
    CoordinatorFactory,
    PartnerUserFactory,
    ProviderFactory,
    ProviderUserFactory,
    TrainerUserFactory,
)
from tests.reports.scene import Scene, build

LISTS = {
    "providers": "/api/v1/providers/",
    "sessions": "/api/v1/sessions/",
    "enrolments": "/api/v1/enrolments/",
    "completions": "/api/v1/completions/",
    "self-assessments": "/api/v1/self-assessments/",
}


def table(response: Any) -> list[dict[str, str]]:
    assert response.status_code == 200, response.content
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def ids(response: Any) -> set[int]:
    return {int(row["Identifiant"]) for row in table(response)}


def json_ids(client: Any, url: str) -> set[int]:
    body = client.get(url, {"page_size": 100}).json()
    return {item["id"] for item in body["results"]}


@pytest.fixture
def scene(db: None) -> Scene:
    return build()


@pytest.mark.django_db
class TestListExports:
    @pytest.mark.parametrize("name", list(LISTS))
    def test_coordinator_export_holds_the_rows_of_the_json_list(
        self, scene, coordinator_client, name
    ):
        url = LISTS[name]
        exported = ids(coordinator_client.get(url, {"format": "csv"}))
        assert exported
        assert exported == json_ids(coordinator_client, url)

    @pytest.mark.parametrize("name", list(LISTS))
    def test_each_role_exports_only_what_it_may_list(self, scene, name):
        url = LISTS[name]
        trainer = TrainerUserFactory()
        scene.S.trainers.add(trainer.trainer)
        users = [
            ProviderUserFactory(provider=scene.P1),
            PartnerUserFactory(partner_centre=scene.PC),
            trainer,
        ]
        everything = ids(client_for(CoordinatorFactory()).get(url, {"format": "csv"}))
        for user in users:
            client = client_for(user)
            listed = client.get(url, {"page_size": 100})
            if listed.status_code != 200:
                assert client.get(url, {"format": "csv"}).status_code == listed.status_code
                continue
            exported = ids(client.get(url, {"format": "csv"}))
            assert exported == json_ids(client, url)
            assert exported, f"the scene gives the {user.role} rows of {name}"
            assert exported <= everything
        # The trainer of S: its participants P1, P2 and P4, what they did and said;
        # sessions: S, and S4, open to all.
        participants = [scene.P1, scene.P2, scene.P4]
        trained = {
            "providers": {provider.pk for provider in participants},
            "sessions": {scene.S.pk, scene.S4.pk},
            "enrolments": set(scene.S.enrolments.values_list("pk", flat=True)),
            "completions": set(scene.S.completions.values_list("pk", flat=True)),
            "self-assessments": set(
                SelfAssessment.objects.filter(provider__in=participants).values_list(
                    "pk", flat=True
                )
            ),
        }
        assert ids(client_for(trainer).get(url, {"format": "csv"})) == trained[name]

    def test_a_provider_exports_only_their_own_self_assessments(self, scene):
        client = client_for(ProviderUserFactory(provider=scene.P1))
        rows = table(client.get(LISTS["self-assessments"], {"format": "csv"}))
        assert {row["Nom"] for row in rows} == {"P1"}
        assert len(rows) == 3

    def test_filters_and_ordering_apply(self, scene, coordinator_client):
        rows = table(
            coordinator_client.get(
                LISTS["self-assessments"],
                {"format": "csv", "provider": scene.P2.pk},
            )
        )
        assert [row["Niveau"] for row in rows] == ["2", "0"]  # newest first, as in the JSON
        rows = table(
            coordinator_client.get(
                LISTS["providers"], {"format": "csv", "ordering": "-last_name", "search": "P"}
            )
        )
        assert [row["Nom"] for row in rows][:5] == ["P5", "P4", "P3", "P2", "P1"]

    def test_headers_and_names_follow_the_language(self, scene, coordinator_client):
        response = coordinator_client.get(
            LISTS["completions"], {"format": "xlsx"}, HTTP_ACCEPT_LANGUAGE="en"
        )
        assert response["Content-Disposition"].endswith('completions.xlsx"')
        sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
        header = [cell.value for cell in sheet[1]]
        assert header[:4] == ["Id", "Provider id", "Last name", "First name"]
        names = {
            row[header.index("Module name")] for row in sheet.iter_rows(min_row=2, values_only=True)
        }
        assert names == {f"Module {scene.M.code} (en)"}
        french = table(coordinator_client.get(LISTS["completions"], {"format": "csv"}))
        assert {row["Nom du module"] for row in french} == {"Atelier Instagram"}

    def test_unknown_format_is_a_400(self, coordinator_client):
        response = coordinator_client.get(LISTS["providers"], {"format": "pdf"})
        assert response.status_code == 400
        assert response.json()["errors"][0] == {
            "code": "invalid_choice",
            "detail": "Choose json, csv or xlsx, not 'pdf'.",
            "attr": "format",
        }

    @pytest.mark.parametrize("file_format", ["csv", "xlsx"])
    def test_query_count_does_not_grow_with_rows(self, db, coordinator_client, file_format):
        def count() -> int:
            with CaptureQueriesContext(connection) as queries:
                response = coordinator_client.get(LISTS["providers"], {"format": file_format})
                b"".join(response.streaming_content)
            return len(queries)

        ProviderFactory.create_batch(5)
        count()  # the caller's login is kept from then on (api/authentication.py)
        few = count()
        ProviderFactory.create_batch(45)
        assert count() == few


@pytest.mark.django_db
class TestProgressChart:
    URL = "/api/v1/providers/{}/progress.svg"

    def test_bars_follow_the_progress_profile(self, scene, coordinator_client):
        response = coordinator_client.get(self.URL.format(scene.P1.pk))
        assert response.status_code == 200
        assert response["Content-Type"] == "image/svg+xml"
        svg = ElementTree.fromstring(response.content)
        ns = "{http://www.w3.org/2000/svg}"
        # P1 rated C1 and C2, completed M (evidence in both); PA targets C1 only.
        assert len(svg.findall(f".//{ns}rect[@class='self']")) == 2
        assert len(svg.findall(f".//{ns}rect[@class='evidenced']")) == 2
        assert len(svg.findall(f".//{ns}line[@class='target']")) == 1
        assert svg.find(f"{ns}title").text == "Progression de Anne P1"

    def test_labels_follow_accept_language(self, scene, coordinator_client):
        response = coordinator_client.get(self.URL.format(scene.P1.pk), HTTP_ACCEPT_LANGUAGE="en")
        svg = ElementTree.fromstring(response.content)
        assert svg.find("{http://www.w3.org/2000/svg}title").text == "Progress of Anne P1"

    def test_scope_is_the_progress_scope(self, scene):
        own = client_for(ProviderUserFactory(provider=scene.P1))
        assert own.get(self.URL.format(scene.P1.pk)).status_code == 200
        stranger = own.get(self.URL.format(scene.P2.pk))
        assert stranger.status_code == 404
        assert stranger["Content-Type"] == "application/json"
        partner = client_for(PartnerUserFactory(partner_centre=scene.PC))
        assert partner.get(self.URL.format(scene.P1.pk)).status_code == 200  # consented
        assert partner.get(self.URL.format(scene.P2.pk)).status_code == 404  # did not


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "status"),
    [({"page_size": "null"}, 400), ({"page_size": "0"}, 400), ({"page": "x"}, 404)],
)
def test_paging_parameters_are_checked_as_for_json(coordinator_client, params, status):
    for url in (LISTS["providers"], LISTS["self-assessments"]):
        response = coordinator_client.get(url, {"format": "csv", **params})
        if "page" in params and url == LISTS["self-assessments"]:
            continue  # paged by cursor: it has no page number
        assert response.status_code == status, (url, response.content)
        assert response["Content-Type"] == "application/json"
