"""A front-end on another origin may call the API when its origin is listed."""

import pytest

ALLOWED = "https://app.parcours.example"


@pytest.fixture(autouse=True)
def allowed_origin(settings):
    settings.CORS_ALLOWED_ORIGINS = [ALLOWED]


@pytest.mark.django_db
class TestCors:
    def test_a_listed_origin_gets_a_preflight_answer(self, anon):
        response = anon.options(
            "/api/v1/modules/",
            HTTP_ORIGIN=ALLOWED,
            HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
            HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization, content-type",
        )
        assert response.status_code == 200
        assert response["Access-Control-Allow-Origin"] == ALLOWED
        assert "POST" in response["Access-Control-Allow-Methods"]
        assert "authorization" in response["Access-Control-Allow-Headers"]

    def test_a_listed_origin_reads_responses(self, anon):
        response = anon.get("/api/v1/modules/", HTTP_ORIGIN=ALLOWED)
        assert response["Access-Control-Allow-Origin"] == ALLOWED

    def test_another_origin_gets_no_cors_headers(self, anon):
        response = anon.get("/api/v1/modules/", HTTP_ORIGIN="https://evil.example")
        assert "Access-Control-Allow-Origin" not in response
