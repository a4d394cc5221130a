"""Dates in queries: outside the years the API handles is a clear 400, never a crash."""

import pytest

from tests.conftest import client_for
from tests.factories import CoordinatorFactory

REPORTS = [
    "/api/v1/reports/skills/",
    "/api/v1/reports/skills.svg",
    "/api/v1/reports/training-effect/",
    "/api/v1/reports/sessions/",
]
EDGES = {"since": "0001-01-01", "until": "9999-12-31"}
FILTERS = [
    ("/api/v1/sessions/", "starts_after"),
    ("/api/v1/sessions/", "starts_before"),
    ("/api/v1/sessions/", "updated_since"),
    ("/api/v1/enrolments/", "updated_since"),
    ("/api/v1/completions/", "updated_since"),
    ("/api/v1/providers/", "updated_since"),
    ("/api/v1/self-assessments/", "since"),
    ("/api/v1/self-assessments/", "until"),
    ("/api/v1/audit/", "since"),
    ("/api/v1/audit/", "until"),
]


def assert_out_of_range(response: object, attr: str) -> None:
    assert response.status_code == 400, response.content  # type: ignore[attr-defined]
    body = response.json()  # type: ignore[attr-defined]
    assert body["type"] == "validation_error"
    assert [(e["code"], e["attr"]) for e in body["errors"]] == [("out_of_range", attr)]
    assert "1900-01-01" in body["errors"][0]["detail"]
    assert "2200-12-31" in body["errors"][0]["detail"]


@pytest.mark.django_db
class TestReportPeriods:
    @pytest.mark.parametrize("url", REPORTS)
    @pytest.mark.parametrize(("name", "value"), EDGES.items())
    def test_a_date_at_the_calendar_edge_is_a_400(self, url, name, value):
        client = client_for(CoordinatorFactory())
        client.raise_request_exception = False
        assert_out_of_range(client.get(url, {name: value}), name)

    @pytest.mark.parametrize("url", REPORTS)
    def test_the_bounds_themselves_are_accepted(self, url):
        client = client_for(CoordinatorFactory())
        response = client.get(url, {"since": "1900-01-01", "until": "2200-12-31"})
        assert response.status_code == 200


@pytest.mark.django_db
class TestFilterDates:
    @pytest.mark.parametrize(("url", "name"), FILTERS)
    @pytest.mark.parametrize("value", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00"])
    def test_a_date_time_at_the_calendar_edge_is_a_400(self, url, name, value):
        client = client_for(CoordinatorFactory())
        client.raise_request_exception = False
        assert_out_of_range(client.get(url, {name: value}), name)

    @pytest.mark.parametrize(("url", "name"), FILTERS)
    def test_the_bounds_themselves_are_accepted(self, url, name):
        client = client_for(CoordinatorFactory())
        for value in ["1900-01-01T00:00:00Z", "2200-12-31T23:59:59Z"]:
            assert client.get(url, {name: value}).status_code == 200
