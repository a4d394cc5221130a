"""Webhooks: signed deliveries to a receiver on 127.0.0.1, retries with back-off, scope."""

import datetime as dt
import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.utils import timezone

from integrations.models import WebhookDelivery
from integrations.webhooks import backoff, deliver_webhook
from tests.conftest import client_for
from tests.factories import CoordinatorFactory, PartnerUserFactory, SessionFactory

SECRET = "a-long-shared-secret-for-tests"


class Receiver:
    """An HTTP endpoint on 127.0.0.1 that checks signatures like a partner would."""

    def __init__(self) -> None:
        self.status = 200
        self.received: list[dict[str, object]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                parts = dict(p.split("=", 1) for p in self.headers["Parcours-Signature"].split(","))
                expected = hmac.new(
                    SECRET.encode(), f"{parts['t']}.".encode() + body, hashlib.sha256
                ).hexdigest()
                receiver.received.append(
                    {
                        "event": self.headers["Parcours-Event"],
                        "valid": hmac.compare_digest(expected, parts["v1"]),
                        "body": json.loads(body),
                    }
                )
                self.send_response(receiver.status)
                if 300 <= receiver.status < 400:  # to another path of this receiver
                    self.send_header("Location", f"{receiver.url}/moved")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                return None

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def receiver(settings) -> Iterator[Receiver]:  # type: ignore[no-untyped-def]
    # The receiver listens on 127.0.0.1: a private destination, allowed here only.
    settings.WEBHOOK_PRIVATE_DESTINATIONS = True
    endpoint = Receiver()
    yield endpoint
    endpoint.server.shutdown()


def subscribe(partner, url: str, events: list[str]) -> dict:  # type: ignore[no-untyped-def]
    response = client_for(partner).post(
        "/api/v1/webhooks/", {"url": url, "events": events, "secret": SECRET}, format="json"
    )
    assert response.status_code == 201, response.json()
    return response.json()


@pytest.mark.django_db
class TestDeliveries:
    def test_confirming_a_session_sends_a_signed_event(
        self, receiver, django_capture_on_commit_callbacks
    ):
        partner = PartnerUserFactory()
        hook = subscribe(partner, receiver.url, ["session.confirmed"])
        assert "secret" not in hook
        session = SessionFactory(organiser=partner.partner_centre, external_id="S-1")
        with django_capture_on_commit_callbacks(execute=True):
            response = client_for(CoordinatorFactory()).post(
                f"/api/v1/sessions/{session.pk}/confirm/"
            )
        assert response.status_code == 200
        delivery = WebhookDelivery.objects.get()
        assert (delivery.event, delivery.status, delivery.attempts) == (
            "session.confirmed",
            "pending",
            0,
        )  # queued: the request did not wait for it
        assert deliver_webhook.call(delivery.pk) == "delivered"
        assert receiver.received == [
            {
                "event": "session.confirmed",
                "valid": True,
                "body": receiver.received[0]["body"],
            }
        ]
        body = receiver.received[0]["body"]
        assert body["session"] == {
            "id": session.pk,
            "external_id": "S-1",
            "status": "confirmed",
            "cancel_reason": "",
        }
        listed = client_for(partner).get(f"/api/v1/webhooks/{hook['id']}/deliveries/").json()
        assert [(d["status"], d["attempts"], d["last_status_code"]) for d in listed["results"]] == [
            ("delivered", 1, 200)
        ]

    def test_failures_are_retried_with_back_off_then_given_up(
        self, receiver, django_capture_on_commit_callbacks
    ):
        receiver.status = 500
        partner = PartnerUserFactory()
        subscribe(partner, receiver.url, ["session.cancelled"])
        session = SessionFactory(organiser=partner.partner_centre)
        with django_capture_on_commit_callbacks(execute=True):
            client_for(CoordinatorFactory()).post(
                f"/api/v1/sessions/{session.pk}/cancel/", {"reason": "Too few"}, format="json"
            )
        delivery = WebhookDelivery.objects.get()
        before = timezone.now()
        assert deliver_webhook.call(delivery.pk) == "pending"
        delivery.refresh_from_db()
        assert (delivery.attempts, delivery.last_status_code) == (1, 500)
        assert (
            dt.timedelta(seconds=29) < delivery.next_attempt_at - before < dt.timedelta(seconds=35)
        )
        deliver_webhook.call(delivery.pk)
        delivery.refresh_from_db()
        assert delivery.attempts == 2
        assert delivery.next_attempt_at - timezone.now() > dt.timedelta(seconds=55)
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            created_at=timezone.now() - dt.timedelta(hours=24)
        )
        assert deliver_webhook.call(delivery.pk) == "failed"
        assert len(receiver.received) == 3

    def test_the_back_off_doubles_up_to_an_hour(self):
        assert [backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
        assert backoff(20) == dt.timedelta(hours=1)

    def test_an_unreachable_endpoint_is_a_retry_not_a_crash(
        self, django_capture_on_commit_callbacks, settings
    ):
        settings.WEBHOOK_PRIVATE_DESTINATIONS = True  # port 9 of this machine: nothing there
        partner = PartnerUserFactory()
        subscribe(partner, "http://127.0.0.1:9/nothing", ["session.confirmed"])
        session = SessionFactory(organiser=partner.partner_centre)
        with django_capture_on_commit_callbacks(execute=True):
            client_for(CoordinatorFactory()).post(f"/api/v1/sessions/{session.pk}/confirm/")
        delivery = WebhookDelivery.objects.get()
        assert deliver_webhook.call(delivery.pk) == "pending"
        delivery.refresh_from_db()
        assert delivery.last_status_code is None
        assert delivery.last_error


@pytest.mark.django_db
class TestScope:
    def test_a_centre_gets_events_of_its_own_sessions_only(
        self, receiver, django_capture_on_commit_callbacks
    ):
        mine, other = PartnerUserFactory(), PartnerUserFactory()
        subscribe(mine, receiver.url, ["session.confirmed"])
        foreign = SessionFactory(organiser=other.partner_centre)
        with django_capture_on_commit_callbacks(execute=True):
            client_for(CoordinatorFactory()).post(f"/api/v1/sessions/{foreign.pk}/confirm/")
        assert not WebhookDelivery.objects.exists()

    def test_a_centre_cannot_read_another_centres_webhooks(self):
        mine, other = PartnerUserFactory(), PartnerUserFactory()
        hook = subscribe(other, "https://other.example/hooks", ["session.confirmed"])
        client = client_for(mine)
        assert client.get(f"/api/v1/webhooks/{hook['id']}/").status_code == 404
        assert client.get(f"/api/v1/webhooks/{hook['id']}/deliveries/").status_code == 404
        assert client.get("/api/v1/webhooks/").json()["count"] == 0


@pytest.mark.django_db
class TestOnlyPublicDestinations:
    """No server-side request forgery (OWASP API7): Parcours calls public addresses only."""

    @staticmethod
    def confirm_a_session(partner, capture) -> WebhookDelivery:  # type: ignore[no-untyped-def]
        """Confirms a session of the partner's: the delivery that it queues."""
        session = SessionFactory(organiser=partner.partner_centre, external_id="S-1")
        with capture(execute=True):
            client_for(CoordinatorFactory()).post(f"/api/v1/sessions/{session.pk}/confirm/")
        return WebhookDelivery.objects.get()

    @pytest.mark.parametrize(
        "url",
        [
            "http://127.0.0.1:8000/admin/",
            "http://10.0.0.5/hooks",
            "http://192.168.1.10/hooks",
            "http://169.254.169.254/latest/meta-data/",
            "http://[::1]/hooks",
            "http://[::ffff:127.0.0.1]/hooks",
            "http://localhost:6379/",
            "https://api.localhost/hooks",
            "http://0.0.0.0/",
            "http://[64:ff9b::7f00:1]/hooks",  # NAT64 of 127.0.0.1
            "http://[2002:a00:5::1]/hooks",  # 6to4 of 10.0.0.5
            "https://faß.example/hooks",  # checked and called under two encodings
        ],
    )
    def test_a_private_address_is_refused_when_subscribing(self, url):
        response = client_for(PartnerUserFactory()).post(
            "/api/v1/webhooks/",
            {"url": url, "events": ["session.confirmed"], "secret": SECRET},
            format="json",
        )
        assert response.status_code == 400
        assert response.json()["errors"][0]["code"] == "invalid_url"
        assert response.json()["errors"][0]["attr"] == "url"

    def test_a_public_address_is_accepted(self):
        subscribe(PartnerUserFactory(), "https://93.184.216.34/hooks", ["session.confirmed"])

    def test_a_name_pointed_at_a_private_address_is_not_called(
        self, receiver, monkeypatch, settings, django_capture_on_commit_callbacks
    ):
        partner = PartnerUserFactory()
        port = receiver.server.server_port
        subscribe(partner, f"http://partner.example:{port}/hooks", ["session.confirmed"])
        settings.WEBHOOK_PRIVATE_DESTINATIONS = False
        from integrations import destinations

        monkeypatch.setattr(
            destinations.socket,
            "getaddrinfo",
            lambda *args, **kwargs: [(2, 1, 6, "", ("127.0.0.1", port))],
        )
        delivery = self.confirm_a_session(partner, django_capture_on_commit_callbacks)
        assert deliver_webhook.call(delivery.pk) == "failed"
        delivery.refresh_from_db()
        assert "resolves to 127.0.0.1" in delivery.last_error
        assert delivery.next_attempt_at is None
        assert receiver.received == []

    def test_a_name_that_does_not_resolve_is_retried_not_sent(
        self, monkeypatch, django_capture_on_commit_callbacks
    ):
        partner = PartnerUserFactory()
        subscribe(partner, "https://partner.example/hooks", ["session.confirmed"])
        from integrations import destinations

        def no_such_name(*args: object, **kwargs: object) -> None:
            raise destinations.socket.gaierror("Name or service not known")

        monkeypatch.setattr(destinations.socket, "getaddrinfo", no_such_name)
        sent = []
        monkeypatch.setattr("integrations.webhooks.requests.post", lambda *a, **k: sent.append(a))
        delivery = self.confirm_a_session(partner, django_capture_on_commit_callbacks)
        assert deliver_webhook.call(delivery.pk) == "pending"
        delivery.refresh_from_db()
        assert "unknown host" in delivery.last_error
        assert delivery.next_attempt_at is not None
        assert sent == []

    def test_a_redirect_is_not_followed(self, receiver, django_capture_on_commit_callbacks):
        partner = PartnerUserFactory()
        receiver.status = 307  # to wherever: it is not followed
        subscribe(partner, receiver.url, ["session.confirmed"])
        delivery = self.confirm_a_session(partner, django_capture_on_commit_callbacks)
        assert deliver_webhook.call(delivery.pk) == "pending"  # a failed attempt, retried
        delivery.refresh_from_db()
        assert delivery.last_status_code == 307
        assert len(receiver.received) == 1
