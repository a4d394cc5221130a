"""Webhooks: signed deliveries to a receiver on 127.0.0.1, retries with back-off, scope."""

import datetime as dt
import hashlib
import hmac
import json
import socket
import ssl
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.db import transaction
from django.utils import timezone
from django_tasks_db.compat import DEFAULT_TASK_BACKEND_ALIAS, DEFAULT_TASK_QUEUE_NAME
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from integrations import webhooks
from integrations.models import WebhookDelivery, WebhookSubscription
from integrations.webhooks import backoff, deliver_webhook, deliveries_create_batches
from tests.conftest import client_for
from tests.factories import CoordinatorFactory, PartnerUserFactory, SessionFactory
from training.services import session_confirm

SECRET = "a-long-shared-secret-for-tests"


def assert_confirmation_received(receiver, delivery, session, external_id, before, after):  # type: ignore[no-untyped-def]
    """The receiver got one signed `session.confirmed` delivery whose body is the one built
    here, its `occurred_at` between `before` and `after`."""
    (received,) = receiver.received
    body = received.pop("body")
    assert received == {
        "event": "session.confirmed",
        "delivery": str(delivery.pk),
        "content_type": "application/json",
        "valid": True,
    }
    assert before <= dt.datetime.fromisoformat(body.pop("occurred_at")) <= after
    assert body == {
        "event": "session.confirmed",
        "session": {
            "id": session.pk,
            "external_id": external_id,
            "status": "confirmed",
            "cancel_reason": "",
        },
    }


class Receiver:
    """An HTTP endpoint on 127.0.0.1 that checks signatures like a partner would."""

    def __init__(
        self, address: str = "127.0.0.1", port: int = 0, tls: ssl.SSLContext | None = None
    ) -> None:
        self.status = 200
        self.received: list[dict[str, Any]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                parts = dict(p.split("=", 1) for p in self.headers["Parcours-Signature"].split(","))
                expected = hmac.new(
                    SECRET.encode(), f"{parts['t']}.".encode() + body, hashlib.sha256
                ).hexdigest()
                receiver.hosts.append(self.headers["Host"])
                receiver.received.append(
                    {
                        "event": self.headers["Parcours-Event"],
                        "delivery": self.headers["Parcours-Delivery"],
                        "content_type": self.headers["Content-Type"],
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

        self.hosts: list[str] = []
        self.server_names: list[str | None] = []  # sent by TLS clients (SNI)
        self.server = HTTPServer((address, port), Handler)
        if tls is not None:
            tls.sni_callback = lambda sock, name, context: self.server_names.append(name)
            self.server.socket = tls.wrap_socket(self.server.socket, server_side=True)
        self.url = f"http://{address}:{self.server.server_port}/hooks"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def listener() -> Iterator[Receiver]:
    """A receiver on 127.0.0.1, private destinations left forbidden."""
    endpoint = Receiver()
    yield endpoint
    endpoint.server.shutdown()


@pytest.fixture
def receiver(listener, settings) -> Receiver:  # type: ignore[no-untyped-def]
    # The receiver listens on 127.0.0.1 over plain HTTP: allowed here only.
    settings.WEBHOOK_PRIVATE_DESTINATIONS = True
    settings.WEBHOOK_ALLOW_HTTP = True
    return listener


def resolving(monkeypatch, name: str, *answers: str) -> list[str]:  # type: ignore[no-untyped-def]
    """Points `name` at each answer in turn (the last one stays), in every lookup of this
    process; other names resolve as usual. Returns the list of lookups of `name`."""
    real = socket.getaddrinfo
    lookups: list[str] = []

    def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host != name:
            return real(host, port, *args, **kwargs)
        answer = answers[min(len(lookups), len(answers) - 1)]
        lookups.append(answer)
        family = socket.AF_INET6 if ":" in answer else socket.AF_INET
        return [(family, socket.SOCK_STREAM, 6, "", (answer, port))]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return lookups


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
        before = timezone.now()
        with django_capture_on_commit_callbacks(execute=True):
            response = client_for(CoordinatorFactory()).post(
                f"/api/v1/sessions/{session.pk}/confirm/"
            )
        after = timezone.now()
        assert response.status_code == 200
        delivery = WebhookDelivery.objects.get()
        assert (delivery.event, delivery.status, delivery.attempts) == (
            "session.confirmed",
            "pending",
            0,
        )  # queued: the request did not wait for it
        assert deliver_webhook.call(delivery.pk) == "delivered"
        assert_confirmation_received(receiver, delivery, session, "S-1", before, after)
        listed = client_for(partner).get(f"/api/v1/webhooks/{hook['id']}/deliveries/").json()
        assert [(d["status"], d["attempts"], d["last_status_code"]) for d in listed["results"]] == [
            ("delivered", 1, 200)
        ]

    def test_each_event_names_the_record_it_is_about(self, django_capture_on_commit_callbacks):
        from tests.factories import EnrolmentFactory, TrainerUserFactory

        partner = PartnerUserFactory()
        subscribe(
            partner,
            "https://hooks.example.org/parcours",
            [
                "enrolment.cancelled",
                "enrolment.promoted",
                "completion.recorded",
                "completion.voided",
            ],
        )
        session = SessionFactory(organiser=partner.partner_centre, capacity=1, status="confirmed")
        leaving = EnrolmentFactory(session=session)
        waiting = EnrolmentFactory(session=session, status="waitlisted")
        trainer = TrainerUserFactory()
        session.trainers.add(trainer.trainer)
        with django_capture_on_commit_callbacks(execute=True):
            cancelled = client_for(CoordinatorFactory()).post(
                f"/api/v1/enrolments/{leaving.pk}/cancel/"
            )
            recorded = client_for(trainer).post(
                "/api/v1/completions/",
                {
                    "provider": waiting.provider_id,
                    "module": session.module_id,
                    "session": session.pk,
                    "outcome": "completed",
                },
                format="json",
            )
        assert (cancelled.status_code, recorded.status_code) == (200, 201), recorded.json()
        with django_capture_on_commit_callbacks(execute=True):
            voided = client_for(trainer).post(
                f"/api/v1/completions/{recorded.json()['id']}/void/",
                {"reason": "Wrong person"},
                format="json",
            )
        assert voided.status_code == 200, voided.json()
        named = {
            d.event: {key: d.payload[key] for key in d.payload if key not in ("occurred_at",)}
            for d in WebhookDelivery.objects.all()
        }
        assert named == {
            "enrolment.cancelled": {
                "event": "enrolment.cancelled",
                "enrolment": {
                    "id": leaving.pk,
                    "external_id": None,
                    "session": session.pk,
                    "provider": leaving.provider_id,
                    "status": "cancelled",
                },
            },
            "enrolment.promoted": {
                "event": "enrolment.promoted",
                "enrolment": {
                    "id": waiting.pk,
                    "external_id": None,
                    "session": session.pk,
                    "provider": waiting.provider_id,
                    "status": "enrolled",
                },
            },
            "completion.recorded": {
                "event": "completion.recorded",
                "completion": {
                    "id": recorded.json()["id"],
                    "external_id": None,
                    "session": session.pk,
                    "provider": waiting.provider_id,
                    "module": session.module_id,
                    "outcome": "completed",
                    "voided": False,
                },
            },
            "completion.voided": {
                "event": "completion.voided",
                "completion": {
                    "id": recorded.json()["id"],
                    "external_id": None,
                    "session": session.pk,
                    "provider": waiting.provider_id,
                    "module": session.module_id,
                    "outcome": "completed",
                    "voided": True,
                },
            },
        }

    def test_failures_are_retried_with_back_off_then_given_up(
        self, receiver, django_capture_on_commit_callbacks, time_machine
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
        now = timezone.now()
        time_machine.move_to(now, tick=False)  # the attempts' clock
        assert deliver_webhook.call(delivery.pk) == "pending"
        delivery.refresh_from_db()
        assert (delivery.attempts, delivery.last_status_code) == (1, 500)
        assert delivery.next_attempt_at == now + dt.timedelta(seconds=30)
        deliver_webhook.call(delivery.pk)
        delivery.refresh_from_db()
        assert delivery.attempts == 2
        assert delivery.next_attempt_at == now + dt.timedelta(seconds=60)
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
        settings.WEBHOOK_ALLOW_HTTP = True
        partner = PartnerUserFactory()
        subscribe(partner, "http://127.0.0.1:9/nothing", ["session.confirmed"])
        session = SessionFactory(organiser=partner.partner_centre)
        with django_capture_on_commit_callbacks(execute=True):
            client_for(CoordinatorFactory()).post(f"/api/v1/sessions/{session.pk}/confirm/")
        delivery = WebhookDelivery.objects.get()
        assert deliver_webhook.call(delivery.pk) == "pending"
        delivery.refresh_from_db()
        assert delivery.last_status_code is None
        listed = (
            client_for(partner)
            .get(f"/api/v1/webhooks/{delivery.subscription_id}/deliveries/")
            .json()["results"]
        )
        # The partner learns that it was not delivered, nothing of the network's answer.
        assert [(d["last_status_code"], d["last_error"]) for d in listed] == [
            (None, "Not delivered.")
        ]


def run_the_worker() -> None:
    """What `manage.py db_worker --batch` does: run every task due, then stop."""
    Worker(
        queue_names=[DEFAULT_TASK_QUEUE_NAME],
        interval=0,
        batch=True,
        backend_name=DEFAULT_TASK_BACKEND_ALIAS,
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    ).run()


@pytest.mark.django_db(transaction=True)
class TestTheWorker:
    """With the task backend production uses: deliveries are rows of the database's task
    queue, written when the transaction that caused them commits, run by its worker."""

    @pytest.fixture(autouse=True)
    def database_tasks(self, settings) -> None:  # type: ignore[no-untyped-def]
        settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

    def confirm(self, receiver: Receiver) -> tuple[Any, WebhookDelivery]:
        partner = PartnerUserFactory()
        subscribe(partner, receiver.url, ["session.confirmed"])
        session = SessionFactory(organiser=partner.partner_centre, external_id="S-9")
        with transaction.atomic():
            session_confirm(session=session)
            # Announced once the confirmation commits: nothing yet.
            assert not WebhookDelivery.objects.exists()
            assert not DBTaskResult.objects.exists()
        return session, WebhookDelivery.objects.get()

    def test_a_delivery_is_queued_for_the_worker_when_its_transaction_commits(self, receiver):
        partner = PartnerUserFactory()
        subscribe(partner, receiver.url, ["session.confirmed"])
        session = SessionFactory(organiser=partner.partner_centre, status="confirmed")
        with transaction.atomic():
            (delivery,) = deliveries_create_batches([("session.confirmed", [session])])
            assert WebhookDelivery.objects.filter(pk=delivery.pk).exists()
            assert not DBTaskResult.objects.exists()  # not before the commit
        (queued,) = DBTaskResult.objects.all()
        assert (queued.status, queued.args_kwargs) == (
            "READY",
            {"args": [delivery.pk], "kwargs": {}},
        )

    def test_a_confirmation_is_delivered_by_the_worker(self, receiver):
        before = timezone.now()
        session, delivery = self.confirm(receiver)
        after = timezone.now()
        (queued,) = DBTaskResult.objects.all()
        assert (queued.status, queued.task_path, queued.args_kwargs) == (
            "READY",
            "integrations.webhooks.deliver_webhook",
            {"args": [delivery.pk], "kwargs": {}},
        )

        run_the_worker()
        queued.refresh_from_db()
        assert (queued.status, queued.return_value) == ("SUCCESSFUL", "delivered")
        delivery.refresh_from_db()
        assert (delivery.status, delivery.attempts, delivery.last_status_code) == (
            "delivered",
            1,
            200,
        )
        assert_confirmation_received(receiver, delivery, session, "S-9", before, after)

    def test_a_transaction_rolled_back_queues_nothing(self, receiver):
        partner = PartnerUserFactory()
        subscribe(partner, receiver.url, ["session.confirmed"])
        session = SessionFactory(organiser=partner.partner_centre)

        def confirm_then_fail() -> None:
            with transaction.atomic():
                session_confirm(session=session)
                raise RuntimeError("the request failed after the confirmation")

        with pytest.raises(RuntimeError):
            confirm_then_fail()
        assert not WebhookDelivery.objects.exists()
        assert not DBTaskResult.objects.exists()
        run_the_worker()
        assert receiver.received == []

    def test_a_failed_attempt_is_queued_again_for_its_retry(self, receiver):
        receiver.status = 503
        _session, delivery = self.confirm(receiver)
        (first,) = DBTaskResult.objects.all()
        started = timezone.now()
        run_the_worker()
        finished = timezone.now()
        first.refresh_from_db()
        assert (first.status, first.return_value) == ("SUCCESSFUL", "pending")
        delivery.refresh_from_db()
        assert (delivery.status, delivery.attempts, delivery.last_status_code) == (
            "pending",
            1,
            503,
        )
        (retry,) = DBTaskResult.objects.exclude(pk=first.pk)
        assert (retry.status, retry.args_kwargs) == ("READY", {"args": [delivery.pk], "kwargs": {}})
        assert retry.run_after == delivery.next_attempt_at
        assert started + backoff(1) <= retry.run_after <= finished + backoff(1)

        run_the_worker()  # not due yet: left queued
        assert len(receiver.received) == 1
        retry.refresh_from_db()
        assert retry.status == "READY"

        # Its time has come (the queue's clock moved on), and the receiver is back.
        DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
        receiver.status = 200
        run_the_worker()
        retry.refresh_from_db()
        assert (retry.status, retry.return_value) == ("SUCCESSFUL", "delivered")
        delivery.refresh_from_db()
        assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == (
            "delivered",
            2,
            None,
        )
        first_attempt, second_attempt = receiver.received
        assert first_attempt == second_attempt  # the same delivery id, event and body
        assert (second_attempt["delivery"], second_attempt["valid"]) == (str(delivery.pk), True)
        assert DBTaskResult.objects.filter(status="READY").count() == 0


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


ATTACK = "http://127.0.0.1:{port}\\@93.184.215.14/"


@pytest.mark.django_db
class TestOnlyPublicDestinations:
    """No server-side request forgery (OWASP API7): Parcours calls public addresses only,
    and connects to the very address it checked."""

    @staticmethod
    def confirm_a_session(partner, capture) -> WebhookDelivery:  # type: ignore[no-untyped-def]
        """Confirms a session of the partner's: the delivery that it queues."""
        session = SessionFactory(organiser=partner.partner_centre, external_id="S-1")
        with capture(execute=True):
            client_for(CoordinatorFactory()).post(f"/api/v1/sessions/{session.pk}/confirm/")
        return WebhookDelivery.objects.get()

    @staticmethod
    def stored(partner, url: str) -> WebhookSubscription:  # type: ignore[no-untyped-def]
        """A subscription saved as it is (as one saved before today's rules would be)."""
        return WebhookSubscription.objects.create(
            partner_centre=partner.partner_centre,
            url=url,
            events=["session.confirmed"],
            secret=SECRET,
        )

    @pytest.mark.parametrize(
        "url",
        [
            "https://127.0.0.1:8000/admin/",
            "https://10.0.0.5/hooks",
            "https://192.168.1.10/hooks",
            "https://169.254.169.254/latest/meta-data/",
            "https://[::1]/hooks",
            "https://[::ffff:127.0.0.1]/hooks",
            "https://[::127.0.0.1]/hooks",  # IPv4-compatible
            "https://[::7f00:1]/hooks",
            "https://[::ffff:0:127.0.0.1]/hooks",  # IPv4-translated
            "https://[64:ff9b:1::127.0.0.1]/hooks",  # local-use NAT64
            "https://[64:ff9b::7f00:1]/hooks",  # NAT64 of 127.0.0.1
            "https://[2002:a00:5::1]/hooks",  # 6to4 of 10.0.0.5
            "https://[fec0::1]/hooks",  # site-local
            "https://[ff02::1]/hooks",  # multicast
            "https://localhost:6379/",
            "https://api.localhost/hooks",
            "https://0.0.0.0/",
            "https://2130706433/hooks",  # 127.0.0.1 as one number
            "https://127.1/hooks",
            "https://0x7f.0.0.1/hooks",
            "https://faß.example/hooks",  # checked and called under two encodings
            "https://user:secret@partner.example/hooks",
            "https://partner.example\\@93.184.215.14/hooks",
            "https://93.184.215.14\\@partner.example/hooks",
            ATTACK.format(port=8499),
            "http://93.184.215.14/hooks",  # plain HTTP, not allowed here
            "ftp://93.184.215.14/hooks",
            "ftps://93.184.215.14/hooks",
        ],
    )
    def test_a_url_that_may_lead_elsewhere_is_refused_when_subscribing(self, url):
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
        subscribe(PartnerUserFactory(), "https://[2606:2800:21f:cb07::1]/", ["session.confirmed"])
        subscribe(PartnerUserFactory(), "https://[::ffff:93.184.216.34]/", ["session.confirmed"])

    def test_plain_http_is_accepted_only_where_the_setting_allows_it(self, settings):
        settings.WEBHOOK_ALLOW_HTTP = True
        subscribe(PartnerUserFactory(), "http://93.184.216.34/hooks", ["session.confirmed"])

    def test_the_attack_url_is_refused_and_reaches_no_local_listener(
        self, listener, settings, django_capture_on_commit_callbacks
    ):
        settings.WEBHOOK_ALLOW_HTTP = True  # the scheme is not what stops it
        partner = PartnerUserFactory()
        url = ATTACK.format(port=listener.server.server_port)
        response = client_for(partner).post(
            "/api/v1/webhooks/",
            {"url": url, "events": ["session.confirmed"], "secret": SECRET},
            format="json",
        )
        assert (response.status_code, response.json()["errors"][0]["code"]) == (
            400,
            "invalid_url",
        )
        hook = self.stored(partner, url)
        delivery = self.confirm_a_session(partner, django_capture_on_commit_callbacks)
        assert deliver_webhook.call(delivery.pk) == "failed"  # the URL alone decides: final
        assert listener.received == []
        listed = client_for(partner).get(f"/api/v1/webhooks/{hook.pk}/deliveries/").json()
        assert [(d["last_status_code"], d["last_error"]) for d in listed["results"]] == [
            (None, "Not delivered: this URL may not receive webhooks.")
        ]

    @pytest.mark.parametrize("url", ["ftp://{host}/hooks", "http://{host}/hooks"])
    def test_a_stored_url_of_another_scheme_is_not_called(
        self, listener, url, django_capture_on_commit_callbacks
    ):
        partner = PartnerUserFactory()
        self.stored(partner, url.format(host="partner.example"))
        delivery = self.confirm_a_session(partner, django_capture_on_commit_callbacks)
        assert deliver_webhook.call(delivery.pk) == "failed"
        assert listener.received == []

    @pytest.mark.parametrize(
        "answer",
        ["127.0.0.1", "::ffff:127.0.0.1", "::127.0.0.1", "::ffff:0:127.0.0.1", "64:ff9b:1::7f00:1"],
    )
    def test_a_name_pointed_at_a_private_address_is_not_called(
        self, listener, answer, monkeypatch, settings, django_capture_on_commit_callbacks
    ):
        settings.WEBHOOK_ALLOW_HTTP = True
        partner = PartnerUserFactory()
        port = listener.server.server_port
        subscribe(partner, f"http://partner.example:{port}/hooks", ["session.confirmed"])
        lookups = resolving(monkeypatch, "partner.example", answer)
        delivery = self.confirm_a_session(partner, django_capture_on_commit_callbacks)
        # What the network says is retried (the name may be pointed elsewhere) and told
        # to the partner only as "not delivered".
        assert deliver_webhook.call(delivery.pk) == "pending"
        delivery.refresh_from_db()
        assert (delivery.last_status_code, delivery.last_error) == (None, "Not delivered.")
        assert delivery.next_attempt_at is not None
        assert listener.received == []
        assert lookups == [answer]

    def test_a_delivery_connects_to_the_address_it_checked(
        self, listener, monkeypatch, settings, django_capture_on_commit_callbacks
    ):
        """The name is looked up once, and that address is the one called: a second
        lookup answering a private address (DNS rebinding) is never made. The Host header
        keeps the name."""
        from integrations import destinations

        settings.WEBHOOK_ALLOW_HTTP = True
        # Here 127.0.0.1 stands for a public address, and 127.0.0.2 for a private one.
        monkeypatch.setattr(destinations, "is_public", lambda address: str(address) == "127.0.0.1")
        port = listener.server.server_port
        private = Receiver("127.0.0.2", port)
        try:
            partner = PartnerUserFactory()
            subscribe(partner, f"http://partner.example:{port}/hooks", ["session.confirmed"])
            lookups = resolving(monkeypatch, "partner.example", "127.0.0.1", "127.0.0.2")
            delivery = self.confirm_a_session(partner, django_capture_on_commit_callbacks)
            assert deliver_webhook.call(delivery.pk) == "delivered"
        finally:
            private.server.shutdown()
        assert lookups == ["127.0.0.1"]
        assert listener.hosts == [f"partner.example:{port}"]
        assert private.received == []

    def test_a_name_that_does_not_resolve_is_retried_not_sent(
        self, monkeypatch, django_capture_on_commit_callbacks
    ):
        partner = PartnerUserFactory()
        subscribe(partner, "https://partner.example/hooks", ["session.confirmed"])

        def no_such_name(*args: object, **kwargs: object) -> None:
            raise socket.gaierror("Name or service not known")

        monkeypatch.setattr(socket, "getaddrinfo", no_such_name)
        delivery = self.confirm_a_session(partner, django_capture_on_commit_callbacks)
        assert deliver_webhook.call(delivery.pk) == "pending"
        delivery.refresh_from_db()
        assert delivery.last_error == "Not delivered."
        assert delivery.next_attempt_at is not None

    def test_a_redirect_is_not_followed(self, receiver, django_capture_on_commit_callbacks):
        partner = PartnerUserFactory()
        receiver.status = 307  # to wherever: it is not followed
        subscribe(partner, receiver.url, ["session.confirmed"])
        delivery = self.confirm_a_session(partner, django_capture_on_commit_callbacks)
        assert deliver_webhook.call(delivery.pk) == "pending"  # a failed attempt, retried
        delivery.refresh_from_db()
        assert delivery.last_status_code == 307
        assert len(receiver.received) == 1


def certificate_for(name: str, folder: Path) -> tuple[Path, Path]:
    """A certificate for `name`, signed by a new authority: (its chain file, the
    authority's file)."""
    now = dt.datetime.now(dt.UTC)

    def issued(subject: str, key: Any, issuer: str, signer: Any, ca: bool) -> x509.Certificate:
        builder = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
            .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer)]))
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        )
        if not ca:
            builder = builder.add_extension(
                x509.SubjectAlternativeName([x509.DNSName(subject)]), critical=False
            )
        return builder.sign(signer, hashes.SHA256())

    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    authority = issued("Test authority", ca_key, "Test authority", ca_key, True)
    certificate = issued(name, key, "Test authority", ca_key, False)
    pem = serialization.Encoding.PEM
    chain, ca_file = folder / "chain.pem", folder / "ca.pem"
    chain.write_bytes(
        certificate.public_bytes(pem)
        + key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    ca_file.write_bytes(authority.public_bytes(pem))
    return chain, ca_file


@pytest.fixture
def tls_receiver(tmp_path, monkeypatch, settings) -> Iterator[Callable[[str], Receiver]]:  # type: ignore[no-untyped-def]
    """Receivers over HTTPS on 127.0.0.1 with a certificate for a given name, trusted by
    the deliveries; each records the server name its clients sent (SNI)."""
    settings.WEBHOOK_PRIVATE_DESTINATIONS = True
    started: list[Receiver] = []

    def start(name: str) -> Receiver:
        chain, ca_file = certificate_for(name, tmp_path)
        monkeypatch.setattr(webhooks, "CA_BUNDLE", str(ca_file))
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(chain)
        endpoint = Receiver(tls=context)
        started.append(endpoint)
        return endpoint

    yield start
    for endpoint in started:
        endpoint.server.shutdown()


@pytest.mark.django_db
class TestPinnedTLS:
    def test_the_certificate_is_checked_for_the_name_while_connecting_to_its_address(
        self, tls_receiver, monkeypatch, django_capture_on_commit_callbacks
    ):
        endpoint = tls_receiver("partner.example")
        port = endpoint.server.server_port
        partner = PartnerUserFactory()
        subscribe(partner, f"https://partner.example:{port}/hooks", ["session.confirmed"])
        resolving(monkeypatch, "partner.example", "127.0.0.1")
        delivery = TestOnlyPublicDestinations.confirm_a_session(
            partner, django_capture_on_commit_callbacks
        )
        assert deliver_webhook.call(delivery.pk) == "delivered"
        assert endpoint.server_names == ["partner.example"]
        assert endpoint.hosts == [f"partner.example:{port}"]

    def test_a_certificate_for_another_name_is_refused(
        self, tls_receiver, monkeypatch, django_capture_on_commit_callbacks
    ):
        endpoint = tls_receiver("other.example")
        port = endpoint.server.server_port
        partner = PartnerUserFactory()
        subscribe(partner, f"https://partner.example:{port}/hooks", ["session.confirmed"])
        resolving(monkeypatch, "partner.example", "127.0.0.1")
        delivery = TestOnlyPublicDestinations.confirm_a_session(
            partner, django_capture_on_commit_callbacks
        )
        assert deliver_webhook.call(delivery.pk) == "pending"
        delivery.refresh_from_db()
        assert (delivery.last_status_code, delivery.last_error) == (None, "Not delivered.")
        assert endpoint.received == []
