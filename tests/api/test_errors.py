"""One error shape everywhere: unknown URLs, wrong methods, crashes, bad bodies."""

import json
import threading
from collections.abc import Iterator
from wsgiref.simple_server import WSGIRequestHandler, make_server

import pytest
import requests
from django.core.handlers.wsgi import WSGIHandler
from django.db import OperationalError, connection
from django.test import Client, override_settings
from django.urls import path
from rest_framework.views import APIView

from config.urls import urlpatterns as base_patterns
from integrations.models import IdempotencyRecord, Participant
from people.models import Provider
from tests.concurrency import held, in_thread, require_postgres, wait_for_lock_waiters
from tests.conftest import bearer
from tests.factories import PartnerUserFactory, ProviderFactory, SessionFactory
from training.models import Enrolment


class Boom(APIView):
    permission_classes: list[type] = []

    def get(self, request: object) -> None:
        raise RuntimeError("boom")


class DatabaseGone(APIView):
    permission_classes: list[type] = []

    def get(self, request: object) -> None:
        # What Django raises when PostgreSQL terminates the session (SQLSTATE 57P01).
        cause = RuntimeError("terminating connection due to administrator command")
        cause.sqlstate = "57P01"  # type: ignore[attr-defined]
        raise OperationalError("server closed the connection (secret detail)") from cause


class TableGone(APIView):
    permission_classes: list[type] = []

    def get(self, request: object) -> None:
        # A bug, not an outage: a retry would not clear it (SQLSTATE 42P01).
        cause = RuntimeError('relation "x" does not exist')
        cause.sqlstate = "42P01"  # type: ignore[attr-defined]
        raise OperationalError("no such table (secret detail)") from cause


urlpatterns = [
    *base_patterns,
    path("boom/", Boom.as_view()),
    path("database-gone/", DatabaseGone.as_view()),
    path("table-gone/", TableGone.as_view()),
]


def assert_error_shape(body: dict[str, object], code: str) -> None:
    assert set(body) == {"type", "errors"}
    errors = body["errors"]
    assert isinstance(errors, list)
    assert errors[0]["code"] == code
    assert set(errors[0]) == {"code", "detail", "attr"}


@pytest.mark.django_db
class TestErrorShape:
    def test_an_unknown_url_is_a_json_404(self, anon):
        response = anon.get("/api/v1/nothing-here/")
        assert response.status_code == 404
        assert response["Content-Type"] == "application/json"
        assert_error_shape(response.json(), "not_found")

    def test_an_unknown_url_outside_the_api_is_json_too(self, anon):
        response = anon.get("/nowhere")
        assert response.status_code == 404
        assert_error_shape(response.json(), "not_found")

    @override_settings(DEBUG=False)
    def test_an_unknown_url_is_json_in_production_mode(self):
        response = Client().get("/nowhere/")
        assert response.status_code == 404
        assert_error_shape(response.json(), "not_found")

    @pytest.mark.parametrize("page", ["", "0", "-1", "last", "2x"])
    def test_a_page_that_is_not_a_positive_integer_is_a_json_404(self, anon, page):
        response = anon.get("/api/v1/paths/", {"page": page})
        assert response.status_code == 404
        assert_error_shape(response.json(), "not_found")

    def test_a_wrong_method_is_a_json_405(self, coordinator_client):
        response = coordinator_client.post("/api/v1/modules/1/", {}, format="json")
        assert response.status_code == 405
        assert_error_shape(response.json(), "method_not_allowed")

    def test_an_unacceptable_accept_header_is_a_406(self, anon):
        response = anon.get("/api/v1/modules/", HTTP_ACCEPT="application/xml")
        assert response.status_code == 406
        assert_error_shape(response.json(), "not_acceptable")

    @override_settings(ROOT_URLCONF="tests.api.test_errors")
    def test_a_lost_database_is_a_503_to_retry_not_a_crash(self):
        response = Client(raise_request_exception=False).get("/database-gone/")
        assert response.status_code == 503
        assert response["Retry-After"] == "1"
        assert_error_shape(response.json(), "database_unavailable")
        assert "secret" not in response.content.decode()

    @override_settings(ROOT_URLCONF="tests.api.test_errors")
    def test_a_database_error_a_retry_would_not_clear_stays_a_500(self):
        response = Client(raise_request_exception=False).get("/table-gone/")
        assert response.status_code == 500
        assert_error_shape(response.json(), "error")
        assert "secret" not in response.content.decode()

    @override_settings(ROOT_URLCONF="tests.api.test_errors")
    def test_a_crash_is_a_json_500_without_details(self):
        client = Client(raise_request_exception=False)
        response = client.get("/boom/")
        assert response.status_code == 500
        assert_error_shape(response.json(), "error")
        assert "boom" not in response.content.decode()

    @pytest.mark.parametrize("url", ["/api/v1/modules/", "/health/", "/nowhere/", "/api/docs/"])
    @pytest.mark.parametrize("debug", [False, True])
    def test_an_unknown_host_is_a_json_400(self, url, debug, settings):
        settings.DEBUG = debug
        response = Client(raise_request_exception=False).get(url, HTTP_HOST="evil.example.org")
        assert response.status_code == 400
        assert response["Content-Type"] == "application/json"
        assert_error_shape(response.json(), "invalid_host")
        assert "evil.example.org" not in response.content.decode()

    def test_the_admin_keeps_its_html_pages(self, anon):
        response = anon.get("/admin/login/")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/html")


@pytest.mark.django_db
def test_a_body_over_the_size_cap_is_a_413_and_writes_nothing(settings):
    from progress.models import SelfAssessment
    from tests.conftest import client_for
    from tests.factories import CoordinatorFactory

    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    body = json.dumps([{"provider": 1, "competency": 1, "level": 1, "comment": "x" * 20_000}])
    response = client_for(CoordinatorFactory()).post(
        "/api/v1/self-assessments/", data=body, content_type="application/json"
    )
    assert response.status_code == 413
    assert response.json()["errors"][0]["code"] == "request_too_large"
    assert SelfAssessment.objects.count() == 0


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        """No access log on the test's output."""


@pytest.fixture
def worker(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The app served over HTTP by one thread, one request after another, keeping its
    database connection between requests: a production worker (gunicorn's sync worker
    with DB_CONN_MAX_AGE set)."""
    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", 600)
    server = make_server("127.0.0.1", 0, WSGIHandler(), handler_class=QuietHandler)

    def serve() -> None:
        try:
            server.serve_forever(poll_interval=0.05)
        finally:
            connection.close()

    thread = threading.Thread(target=serve)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()
        server.server_close()


def backends() -> set[int]:
    """The other connections to this database."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return {row[0] for row in cursor.fetchall()}


def terminate(pid: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
        assert cursor.fetchone()[0] is True


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
class TestALostDatabase:
    """A connection PostgreSQL terminates: the request in flight is a 503 with its
    transaction rolled back, and the next request works on a new connection."""

    @pytest.fixture(autouse=True)
    def on_postgresql(self) -> None:
        require_postgres()

    def push(self, base: str, token: str) -> requests.Response:
        items = [
            {
                "external_id": f"E-{n}",
                "session": "S-1",
                "participant": {
                    "external_id": f"P-{n}",
                    "email": f"p{n}@example.org",
                    "first_name": "Prénom",
                    "last_name": f"Nom {n}",
                },
            }
            for n in (1, 2)
        ]
        return requests.post(
            f"{base}/api/v1/enrolments/bulk/",
            json={"items": items},
            headers={"Authorization": token, "Idempotency-Key": "lost"},
            timeout=60,
        )

    def test_terminated_mid_request_is_a_503_with_nothing_written(self, worker):
        partner = PartnerUserFactory()
        SessionFactory(organiser=partner.partner_centre, external_id="S-1", capacity=10)
        token = bearer(partner)
        # p2's address is being taken by a transaction not yet committed: the push writes
        # its key and P-1's enrolment, then waits there, its transaction open.
        with held(lambda: ProviderFactory(email="p2@example.org")):
            answer = in_thread(lambda: self.push(worker, token))
            (pid,) = wait_for_lock_waiters(1)
            terminate(pid)
            response = answer.result(timeout=30)
        assert response.status_code == 503, response.text
        assert response.headers["Retry-After"] == "1"
        assert_error_shape(response.json(), "database_unavailable")
        assert not IdempotencyRecord.objects.exists()
        assert not Enrolment.objects.exists()
        assert not Participant.objects.exists()
        assert not Provider.objects.exists()
        # The retry is served by the same worker, on a new connection.
        retry = self.push(worker, token)
        assert retry.status_code == 200, retry.text
        assert [r["result"] for r in retry.json()["results"]] == ["created", "created"]
        assert "Idempotent-Replayed" not in retry.headers
        assert pid not in backends()
        assert Enrolment.objects.count() == 2

    def test_terminated_between_requests_the_next_one_works(self, worker):
        assert requests.get(f"{worker}/health/", timeout=30).status_code == 200
        (pid,) = backends()  # the worker's connection, kept
        terminate(pid)
        response = requests.get(f"{worker}/health/", timeout=30)
        assert response.status_code == 200, response.text
        assert response.json() == {"status": "ok", "database": "ok"}
        (new,) = backends()
        assert new != pid


def test_business_rule_codes_gather_the_plumbing_and_every_app_own() -> None:
    from django.apps import apps

    from api.errors import PLUMBING_RULE_CODES, business_rule_codes

    codes = business_rule_codes()
    assert codes >= PLUMBING_RULE_CODES
    for config in apps.get_app_configs():
        assert codes >= getattr(config, "rule_codes", frozenset())
    assert {"above_capacity", "invalid_period", "password_too_short", "invalid_url"} <= codes
