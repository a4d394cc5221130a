"""Bulk upserts by external id, with Idempotency-Key, from a partner centre."""

import datetime as dt
import threading
from typing import Any
from unittest import mock

import pytest
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework import serializers
from rest_framework.test import APIClient

from integrations.models import (
    IdempotencyRecord,
    Participant,
    WebhookDelivery,
    WebhookSubscription,
)
from people.models import Provider
from tests.concurrency import held, in_thread, require_postgres, wait_for_lock_waiters
from tests.conftest import client_for, on_postgres
from tests.factories import (
    CoordinatorFactory,
    EnrolmentFactory,
    ModuleFactory,
    PartnerUserFactory,
    ProviderFactory,
    SessionFactory,
)
from tests.integrations.test_partner_clients import create_client, get_token
from training.models import Completion, Enrolment, Session

ENROL = "/api/v1/enrolments/bulk/"
COMPLETE = "/api/v1/completions/bulk/"


def participant(n: int, **extra: object) -> dict[str, object]:
    return {
        "external_id": f"P-{n}",
        "email": f"p{n}@example.org",
        "first_name": "Prénom",
        "last_name": f"Nom {n}",
        **extra,
    }


def enrol_item(n: int, session: str = "S-1", **extra: object) -> dict[str, object]:
    return {"external_id": f"E-{n}", "session": session, "participant": participant(n), **extra}


@pytest.fixture
def centre_world(db):  # type: ignore[no-untyped-def]
    partner = PartnerUserFactory()
    module = ModuleFactory(code="WS-FB")
    session = SessionFactory(
        organiser=partner.partner_centre, module=module, external_id="S-1", capacity=12
    )
    return {"partner": partner, "client": client_for(partner), "session": session, "module": module}


class TestEnrolmentsBulk:
    def test_mixed_good_and_bad_items_each_get_their_result(self, centre_world):
        existing = ProviderFactory(email="p2@example.org")
        items = [
            enrol_item(1),
            enrol_item(2),
            enrol_item(3, session="NOPE"),
            {"external_id": "E-4", "session": "S-1", "participant": {"external_id": "P-4"}},
        ]
        response = centre_world["client"].post(ENROL, {"items": items}, format="json")
        assert response.status_code == 200, response.json()
        results = response.json()["results"]
        assert [(r["index"], r["result"]) for r in results] == [
            (0, "created"),
            (1, "error"),
            (2, "error"),
            (3, "error"),
        ]
        assert results[1]["code"] == "participant_pending"
        assert results[2] == {
            "index": 2,
            "external_id": "E-3",
            "result": "error",
            "code": "unknown_session",
            "field": "session",
            "detail": "No session of yours has this id.",
        }
        # A nested field's error is named by its path, with the field's own code.
        assert {k: results[3][k] for k in ("code", "field")} == {
            "code": "required",
            "field": "participant.email",
        }
        assert results[3]["detail"]
        assert Enrolment.objects.count() == 1
        # P-2 was matched to the existing provider by e-mail, pending their consent; P-1
        # was created.
        matched = Participant.objects.get(external_id="P-2")
        assert (matched.provider, matched.status) == (existing, "pending")
        assert Provider.objects.filter(email="p1@example.org").exists()
        assert not Provider.objects.filter(email="p4@example.org").exists()

    def test_sending_again_is_unchanged_and_cancelling_is_an_update(self, centre_world):
        client = centre_world["client"]
        client.post(ENROL, {"items": [enrol_item(1)]}, format="json")
        again = client.post(ENROL, {"items": [enrol_item(1)]}, format="json").json()
        assert again["results"][0]["result"] == "unchanged"
        cancelled = client.post(
            ENROL, {"items": [enrol_item(1, status="cancelled")]}, format="json"
        ).json()
        assert cancelled["results"][0]["result"] == "updated"
        assert Enrolment.objects.get().status == "cancelled"

    def test_capacity_still_holds_past_twelve(self, centre_world):
        items = [enrol_item(n) for n in range(14)]
        centre_world["client"].post(ENROL, {"items": items}, format="json")
        statuses = list(Enrolment.objects.order_by("id").values_list("status", flat=True))
        assert statuses == ["enrolled"] * 12 + ["waitlisted"] * 2

    def test_another_centres_session_is_unknown(self, centre_world):
        SessionFactory(external_id="OTHER-1")
        response = centre_world["client"].post(
            ENROL, {"items": [enrol_item(1, session="OTHER-1")]}, format="json"
        )
        assert response.json()["results"][0]["code"] == "unknown_session"
        assert not Enrolment.objects.exists()

    def test_more_than_a_thousand_items_is_a_413(self, centre_world):
        items = [enrol_item(n) for n in range(1001)]
        response = centre_world["client"].post(ENROL, {"items": items}, format="json")
        assert response.status_code == 413
        assert response.json()["errors"][0]["code"] == "too_many_items"
        assert not Enrolment.objects.exists()

    def test_only_partner_centres_push(self, anon, db):
        assert anon.post(ENROL, {"items": [enrol_item(1)]}, format="json").status_code == 401
        coordinator = client_for(CoordinatorFactory())
        assert coordinator.post(ENROL, {"items": [enrol_item(1)]}, format="json").status_code == 403


class WorkerKilled(BaseException):
    """A server process killed mid-request: no `except Exception` clause runs."""


class TestIdempotency:
    def test_a_request_cut_short_leaves_nothing_and_its_retry_runs(self, centre_world):
        client = centre_world["client"]
        body = {"items": [enrol_item(1), enrol_item(2)]}
        save = IdempotencyRecord.save

        def killed_while_storing_the_answer(record, *args, **kwargs):  # type: ignore[no-untyped-def]
            if kwargs.get("update_fields"):
                assert Enrolment.objects.count() == 2  # after its writes
                raise WorkerKilled
            return save(record, *args, **kwargs)

        with (
            mock.patch.object(IdempotencyRecord, "save", killed_while_storing_the_answer),
            pytest.raises(WorkerKilled),
        ):
            client.post(ENROL, body, format="json", HTTP_IDEMPOTENCY_KEY="cut")
        assert not IdempotencyRecord.objects.exists()
        assert not Enrolment.objects.exists()
        retry = client.post(ENROL, body, format="json", HTTP_IDEMPOTENCY_KEY="cut")
        assert retry.status_code == 200
        assert [r["result"] for r in retry.json()["results"]] == ["created", "created"]
        assert "Idempotent-Replayed" not in retry
        assert Enrolment.objects.count() == 2
        assert IdempotencyRecord.objects.get(key="cut").status_code == 200

    def test_a_replay_gets_the_first_answer_and_writes_nothing(self, centre_world):
        client = centre_world["client"]
        body = {"items": [enrol_item(1), enrol_item(2)]}
        first = client.post(ENROL, body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
        replay = client.post(ENROL, body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
        assert replay.status_code == first.status_code == 200
        assert replay.json() == first.json()
        assert replay["Idempotent-Replayed"] == "true"
        assert Enrolment.objects.count() == 2

    def test_the_same_key_with_another_body_is_a_422(self, centre_world):
        client = centre_world["client"]
        client.post(ENROL, {"items": [enrol_item(1)]}, format="json", HTTP_IDEMPOTENCY_KEY="k")
        response = client.post(
            ENROL, {"items": [enrol_item(2)]}, format="json", HTTP_IDEMPOTENCY_KEY="k"
        )
        assert response.status_code == 422
        assert response.json()["errors"][0]["code"] == "idempotency_key_reused"
        assert Enrolment.objects.count() == 1

    def test_keys_are_per_caller(self, centre_world):
        other = PartnerUserFactory()
        SessionFactory(organiser=other.partner_centre, external_id="S-1")
        body = {"items": [enrol_item(1)]}
        centre_world["client"].post(ENROL, body, format="json", HTTP_IDEMPOTENCY_KEY="k")
        response = client_for(other).post(ENROL, body, format="json", HTTP_IDEMPOTENCY_KEY="k")
        # Run for the other centre, not replayed: the person the first centre created is
        # an existing provider to it.
        assert "Idempotent-Replayed" not in response.headers
        assert response.json()["results"][0]["code"] == "participant_pending"

    def test_keys_live_at_least_a_day(self, centre_world):
        from datetime import timedelta

        from django.utils import timezone

        from integrations.idempotency import purge_expired

        centre_world["client"].post(
            ENROL, {"items": [enrol_item(1)]}, format="json", HTTP_IDEMPOTENCY_KEY="k"
        )
        assert purge_expired(now=timezone.now() + timedelta(hours=23)) == 0
        assert purge_expired(now=timezone.now() + timedelta(hours=49)) == 1
        assert not IdempotencyRecord.objects.exists()

    @pytest.mark.parametrize("key", ["", "k" * 201, "clé", "two words", "tab\tkey"])
    def test_a_key_empty_too_long_or_outside_printable_ascii_is_a_400(self, centre_world, key):
        response = centre_world["client"].post(
            ENROL, {"items": [enrol_item(1)]}, format="json", HTTP_IDEMPOTENCY_KEY=key
        )
        assert response.status_code == 400
        assert response.json()["errors"] == [
            {
                "code": "invalid_idempotency_key",
                "detail": "Give an Idempotency-Key of 1 to 200 printable ASCII characters "
                "without spaces (a UUID, say).",
                "attr": "Idempotency-Key",
            }
        ]
        assert not Enrolment.objects.exists()
        assert not IdempotencyRecord.objects.exists()

    def test_keys_sharing_their_first_200_characters_are_not_taken_for_one(self, centre_world):
        client, prefix = centre_world["client"], "x" * 200
        first = client.post(
            ENROL, {"items": [enrol_item(1)]}, format="json", HTTP_IDEMPOTENCY_KEY=prefix
        )
        longer = client.post(
            ENROL, {"items": [enrol_item(2)]}, format="json", HTTP_IDEMPOTENCY_KEY=prefix + "y"
        )
        assert first.status_code == 200
        assert longer.json()["errors"][0]["code"] == "invalid_idempotency_key"
        assert IdempotencyRecord.objects.get().key == prefix  # kept whole

    def test_the_record_keeps_a_digest_of_the_request_not_its_body(self, centre_world):
        body = {"items": [enrol_item(n) for n in range(50)]}
        centre_world["client"].post(ENROL, body, format="json", HTTP_IDEMPOTENCY_KEY="k")
        record = IdempotencyRecord.objects.get()
        assert len(record.request_hash) == 64
        assert "p1@example.org" not in str(record.response_body)

    def test_a_keyed_push_spends_three_statements_on_its_record(self, centre_world):
        with CaptureQueriesContext(connection) as ctx:
            centre_world["client"].post(
                ENROL, {"items": [enrol_item(1)]}, format="json", HTTP_IDEMPOTENCY_KEY="k"
            )
        table = '"integrations_idempotencyrecord"'
        assert [q["sql"].split()[0] for q in ctx if table in q["sql"]] == [
            "INSERT",  # the record, before the push runs
            "SELECT",  # the client's records within IDEMPOTENCY_MAX_KEYS
            "UPDATE",  # the answer, with the push's writes
        ]

    def test_a_client_keeps_a_bounded_number_of_keys(self, centre_world, settings):
        from datetime import timedelta

        from django.utils import timezone

        settings.IDEMPOTENCY_MAX_KEYS = 3
        client = centre_world["client"]
        for n in range(3):
            push = client.post(
                ENROL, {"items": [enrol_item(n)]}, format="json", HTTP_IDEMPOTENCY_KEY=f"k-{n}"
            )
            assert push.status_code == 200
        refused = client.post(
            ENROL, {"items": [enrol_item(3)]}, format="json", HTTP_IDEMPOTENCY_KEY="k-3"
        )
        assert refused.status_code == 429
        assert refused.json()["errors"][0]["code"] == "too_many_idempotency_keys"
        assert 47 * 3600 < int(refused["Retry-After"]) <= 48 * 3600  # the oldest's expiry
        assert Enrolment.objects.count() == IdempotencyRecord.objects.count() == 3
        # A replay of a kept key is still answered, and another client is not concerned.
        replay = client.post(
            ENROL, {"items": [enrol_item(0)]}, format="json", HTTP_IDEMPOTENCY_KEY="k-0"
        )
        assert replay["Idempotent-Replayed"] == "true"
        other = PartnerUserFactory()
        SessionFactory(organiser=other.partner_centre, external_id="S-1")
        assert (
            client_for(other)
            .post(ENROL, {"items": [enrol_item(9)]}, format="json", HTTP_IDEMPOTENCY_KEY="k-3")
            .status_code
            == 200
        )
        # Once its oldest key has expired, it makes room for a new one.
        IdempotencyRecord.objects.filter(key="k-0").update(
            created_at=timezone.now() - timedelta(hours=49)
        )
        again = client.post(
            ENROL, {"items": [enrol_item(3)]}, format="json", HTTP_IDEMPOTENCY_KEY="k-3"
        )
        assert again.status_code == 200
        assert sorted(
            IdempotencyRecord.objects.filter(user=centre_world["partner"]).values_list(
                "key", flat=True
            )
        ) == ["k-1", "k-2", "k-3"]


class TestCompletionsBulk:
    def test_completions_are_recorded_corrected_and_left_alone(self, centre_world):
        client = centre_world["client"]
        client.post(ENROL, {"items": [enrol_item(1), enrol_item(2)]}, format="json")
        session = centre_world["session"]
        session.status = "confirmed"
        session.save()
        item = {
            "external_id": "C-1",
            "session": "S-1",
            "participant": "P-1",
            "module": "WS-FB",
            "outcome": "attended",
            "completed_on": "2026-11-02",
        }
        bad = {**item, "external_id": "C-2", "participant": "P-9"}
        first = client.post(COMPLETE, {"items": [item, bad]}, format="json").json()["results"]
        assert [r["result"] for r in first] == ["created", "error"]
        assert first[1]["code"] == "unknown_participant"
        same = client.post(COMPLETE, {"items": [item]}, format="json").json()["results"]
        assert same[0]["result"] == "unchanged"
        fixed = client.post(
            COMPLETE, {"items": [{**item, "outcome": "completed"}]}, format="json"
        ).json()["results"]
        assert fixed[0]["result"] == "updated"
        old, new = Completion.objects.order_by("id")
        assert old.voided_at is not None
        assert (new.outcome, new.source, new.external_id) == ("completed", "partner", "C-1")

    def push(self, world, count, outcome="completed", prefix="C"):  # type: ignore[no-untyped-def]
        items = [
            {
                "external_id": f"{prefix}-{n}",
                "session": "S-1",
                "participant": f"P-{n}",
                "module": "WS-FB",
                "outcome": outcome,
                "completed_on": "2026-11-02",
            }
            for n in range(count)
        ]
        return world["client"].post(COMPLETE, {"items": items}, format="json")

    def enrolled_world(self, world, count):  # type: ignore[no-untyped-def]
        world["session"].capacity = count
        world["session"].save()
        items = [enrol_item(n) for n in range(count)]
        assert world["client"].post(ENROL, {"items": items}, format="json").status_code == 200
        world["session"].status = "confirmed"
        world["session"].save()

    def test_a_push_costs_the_same_queries_for_10_or_200_items(
        self, centre_world, django_capture_on_commit_callbacks
    ):
        self.enrolled_world(centre_world, 200)

        # As a partner's software does: with its OAuth2 client's token.
        created = create_client(centre_world["partner"].partner_centre)
        token = get_token(created["client_id"], created["client_secret"]).json()
        oauth = APIClient()
        oauth.credentials(HTTP_AUTHORIZATION=f"Bearer {token['access_token']}")
        centre_world = {**centre_world, "client": oauth}

        def queries(count, outcome):  # type: ignore[no-untyped-def]
            # Webhook subscriptions are looked up once the push commits: counted too. The
            # savepoints are the test's own transaction (a request's transaction logs none).
            with (
                CaptureQueriesContext(connection) as ctx,
                django_capture_on_commit_callbacks(execute=True),
            ):
                response = self.push(centre_world, count, outcome)
            assert response.status_code == 200
            statements = [q["sql"] for q in ctx if "SAVEPOINT" not in q["sql"]]
            # SQLite takes at most 999 parameters a statement: Django splits each bulk
            # insert (the records, their audit events) into several there. PostgreSQL runs
            # each as one.
            counted = len(statements)
            for table in ("training_completion", "audit_auditevent"):
                inserts = [q for q in statements if q.startswith(f'INSERT INTO "{table}"')]
                if on_postgres():
                    assert len(inserts) <= 1
                counted -= len(inserts) - min(len(inserts), 1)
            return counted, [r["result"] for r in response.json()["results"]]

        small, results = queries(10, "completed")
        assert results == ["created"] * 10
        large, results = queries(200, "completed")
        assert results == ["unchanged"] * 10 + ["created"] * 190
        corrected, results = queries(200, "attended")
        assert results == ["updated"] * 200
        assert small <= 10
        assert large <= 10
        assert corrected <= 10
        assert Completion.objects.filter(voided_at__isnull=True).count() == 200
        assert Completion.objects.filter(voided_at__isnull=False).count() == 200
        assert set(
            Completion.objects.filter(voided_at__isnull=True).values_list("outcome", flat=True)
        ) == {"attended"}

    def test_each_item_is_checked_on_its_own(self, centre_world):
        self.enrolled_world(centre_world, 3)
        ProviderFactory(email="stranger@example.org")
        Participant.objects.create(
            partner_centre=centre_world["partner"].partner_centre,
            external_id="P-stranger",
            provider=Provider.objects.get(email="stranger@example.org"),
            status="confirmed",
        )
        good = {
            "external_id": "C-0",
            "session": "S-1",
            "participant": "P-0",
            "module": "WS-FB",
            "outcome": "completed",
        }
        items = [
            good,
            {**good, "external_id": "C-1", "participant": "P-1", "module": "NOPE"},
            {**good, "external_id": "C-2", "participant": "P-stranger"},
            {**good, "external_id": "C-0", "outcome": "absent"},
            {**good, "external_id": "C-3", "session": "S-404"},
            {**good, "external_id": "C-4"},  # P-0's record for this module is C-0's
        ]
        response = centre_world["client"].post(COMPLETE, {"items": items}, format="json")
        results = response.json()["results"]
        assert [(r["result"], r.get("code")) for r in results] == [
            ("created", None),
            ("error", "wrong_module"),
            ("error", "not_enrolled"),
            ("error", "duplicate_in_push"),
            ("error", "unknown_session"),
            ("error", "duplicate"),
        ]
        assert Completion.objects.count() == 1

    def test_a_completion_dated_after_today_is_refused_as_a_single_write_is(self, centre_world):
        self.enrolled_world(centre_world, 3)
        today = timezone.localdate()
        good = {
            "external_id": "C-0",
            "session": "S-1",
            "participant": "P-0",
            "module": "WS-FB",
            "outcome": "completed",
            "completed_on": today.isoformat(),
        }
        tomorrow = (today + dt.timedelta(days=1)).isoformat()
        items = [
            good,
            {**good, "external_id": "C-1", "participant": "P-1", "completed_on": tomorrow},
            {**good, "external_id": "C-2", "participant": "P-2", "completed_on": "2999-01-01"},
        ]
        response = centre_world["client"].post(COMPLETE, {"items": items}, format="json")
        results = response.json()["results"]
        assert [(r["result"], r.get("code"), r.get("field")) for r in results] == [
            ("created", None, None),
            ("error", "in_future", "completed_on"),
            ("error", "in_future", "completed_on"),
        ]
        single = client_for(CoordinatorFactory()).post(
            "/api/v1/completions/",
            {
                "provider": Participant.objects.get(external_id="P-1").provider_id,
                "module": centre_world["module"].pk,
                "session": centre_world["session"].pk,
                "outcome": "completed",
                "completed_on": tomorrow,
            },
            format="json",
        )
        assert [(e["code"], e["attr"], e["detail"]) for e in single.json()["errors"]] == [
            ("in_future", "completed_on", results[1]["detail"])
        ]
        assert list(Completion.objects.values_list("external_id", flat=True)) == ["C-0"]

    def test_a_rule_added_to_a_completions_date_holds_for_bulk_items_too(self, centre_world):
        # A bulk item's date is the single write's field (CompletionDateField): a rule given
        # to it once is one more check of both, with the same code, field and message.
        self.enrolled_world(centre_world, 2)

        def not_before_2000(value: dt.date) -> dt.date:
            if value < dt.date(2000, 1, 1):
                raise serializers.ValidationError("Too old to record.", code="too_old")
            return value

        good = {
            "external_id": "C-0",
            "session": "S-1",
            "participant": "P-0",
            "module": "WS-FB",
            "outcome": "completed",
            "completed_on": "2001-05-04",
        }
        items = [
            good,
            {**good, "external_id": "C-1", "participant": "P-1", "completed_on": "1999-12-31"},
        ]
        with mock.patch("training.serializers.completion_date_checked", not_before_2000):
            response = centre_world["client"].post(COMPLETE, {"items": items}, format="json")
            single = client_for(CoordinatorFactory()).post(
                "/api/v1/completions/",
                {
                    "provider": Participant.objects.get(external_id="P-1").provider_id,
                    "module": centre_world["module"].pk,
                    "session": centre_world["session"].pk,
                    "outcome": "completed",
                    "completed_on": "1999-12-31",
                },
                format="json",
            )
        results = response.json()["results"]
        assert [(r["result"], r.get("code"), r.get("field"), r.get("detail")) for r in results] == [
            ("created", None, None, None),
            ("error", "too_old", "completed_on", "Too old to record."),
        ]
        assert single.status_code == 400
        assert [(e["code"], e["attr"], e["detail"]) for e in single.json()["errors"]] == [
            ("too_old", "completed_on", "Too old to record.")
        ]
        assert list(Completion.objects.values_list("external_id", flat=True)) == ["C-0"]

    def test_a_new_id_where_a_record_is_live_is_a_duplicate_whatever_the_order(self, centre_world):
        self.enrolled_world(centre_world, 1)
        assert [r["result"] for r in self.push(centre_world, 1).json()["results"]] == ["created"]
        corrected = {
            "external_id": "C-0",
            "session": "S-1",
            "participant": "P-0",
            "module": "WS-FB",
            "outcome": "absent",
        }
        other = {**corrected, "external_id": "C-other", "outcome": "attended"}

        def results(items):  # type: ignore[no-untyped-def]
            response = centre_world["client"].post(COMPLETE, {"items": items}, format="json")
            return [(r["result"], r.get("code")) for r in response.json()["results"]]

        assert results([other]) == [("error", "duplicate")]
        assert results([corrected, other]) == [("updated", None), ("error", "duplicate")]
        assert results([other, {**corrected, "outcome": "attended"}]) == [
            ("error", "duplicate"),
            ("updated", None),
        ]
        assert Completion.objects.filter(voided_at__isnull=True).count() == 1

    def test_a_push_defeated_by_a_concurrent_write_answers_conflict(self, centre_world):
        self.enrolled_world(centre_world, 2)
        with mock.patch(
            "training.services._insert_records",
            side_effect=IntegrityError("duplicate key"),
        ):
            results = self.push(centre_world, 2).json()["results"]
        assert [(r["result"], r["code"]) for r in results] == [("error", "conflict")] * 2
        assert not Completion.objects.exists()
        assert [r["result"] for r in self.push(centre_world, 2).json()["results"]] == [
            "created",
            "created",
        ]

    def test_another_centres_session_is_unknown_even_to_its_participants(self, centre_world):
        # P-0 and P-1 are the centre's confirmed participants, and also enrolled in a
        # confirmed session of another centre that teaches the same module.
        self.enrolled_world(centre_world, 2)
        other = SessionFactory(
            organiser=PartnerUserFactory().partner_centre,
            module=centre_world["module"],
            external_id="OTHER-1",
            status="confirmed",
        )
        for enrolment in Enrolment.objects.filter(session=centre_world["session"]):
            EnrolmentFactory(session=other, provider=enrolment.provider)
        items = [
            {
                "external_id": f"C-{n}",
                "session": "OTHER-1",
                "participant": f"P-{n}",
                "module": "WS-FB",
                "outcome": outcome,
                "completed_on": timezone.localdate().isoformat(),
            }
            for n, outcome in enumerate(["completed", "absent"])
        ]
        response = centre_world["client"].post(COMPLETE, {"items": items}, format="json")
        assert response.status_code == 200, response.json()
        assert [(r["result"], r["code"], r["field"]) for r in response.json()["results"]] == [
            ("error", "unknown_session", "session")
        ] * 2
        assert not Completion.objects.exists()

    def test_a_session_not_confirmed_is_not_recordable(self, centre_world):
        self.enrolled_world(centre_world, 1)
        centre_world["session"].status = "open"
        centre_world["session"].save()
        result = self.push(centre_world, 1).json()["results"][0]
        assert (result["result"], result["code"]) == ("error", "not_recordable")
        assert not Completion.objects.exists()

    def test_webhooks_of_a_push_are_queued_together(
        self, centre_world, django_capture_on_commit_callbacks
    ):
        self.enrolled_world(centre_world, 5)
        WebhookSubscription.objects.create(
            partner_centre=centre_world["partner"].partner_centre,
            url="https://example.org/hook",
            secret="s" * 32,
            events=["completion.recorded", "completion.voided"],
        )
        with (
            CaptureQueriesContext(connection) as ctx,
            django_capture_on_commit_callbacks(execute=True),
        ):
            self.push(centre_world, 5)
        recorded = WebhookDelivery.objects.filter(event="completion.recorded")
        assert recorded.count() == 5
        table = '"integrations_webhookdelivery"'
        inserts = [q for q in ctx if q["sql"].startswith(f"INSERT INTO {table}")]
        assert len(inserts) == 1
        with django_capture_on_commit_callbacks(execute=True):
            self.push(centre_world, 5, "attended")
        assert WebhookDelivery.objects.filter(event="completion.voided").count() == 5
        assert recorded.count() == 10


@pytest.mark.django_db(transaction=True)
def test_two_identical_requests_racing_create_each_record_once():
    """On PostgreSQL (the suite's second CI run): real concurrent transactions."""
    if not on_postgres():
        pytest.skip("Concurrent transactions are proven on PostgreSQL (CI's second run).")
    partner = PartnerUserFactory()
    SessionFactory(organiser=partner.partner_centre, external_id="S-1", capacity=50)
    body = {"items": [enrol_item(n) for n in range(20)]}
    barrier = threading.Barrier(2)
    answers: list[dict[str, object]] = []

    def send() -> None:
        try:
            barrier.wait()
            response = client_for(partner).post(
                ENROL, body, format="json", HTTP_IDEMPOTENCY_KEY="race"
            )
            answers.append(response.json())
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(answers) == 2
    assert answers[0] == answers[1]
    assert Enrolment.objects.count() == 20
    assert Participant.objects.count() == 20


@pytest.mark.django_db(transaction=True)
def test_keyed_pushes_naming_sessions_in_opposite_orders_do_not_deadlock():
    """On PostgreSQL: a keyed push is one transaction, and each enrolment locks its
    session; two pushes alternating between two sessions in opposite orders must both
    be written, not fail with a deadlock."""
    if not on_postgres():
        pytest.skip("Concurrent transactions are proven on PostgreSQL (CI's second run).")
    partner = PartnerUserFactory()
    for name in ("S-1", "S-2"):
        SessionFactory(organiser=partner.partner_centre, external_id=name, capacity=500)
    pairs = [("S-1", "S-2"), ("S-2", "S-1")]
    bodies = [
        {"items": [enrol_item(side * 1000 + n, session=pair[n % 2]) for n in range(60)]}
        for side, pair in enumerate(pairs)
    ]
    barrier = threading.Barrier(2)
    statuses: list[int] = []

    def send(body: dict[str, object], key: str) -> None:
        try:
            barrier.wait()
            response = client_for(partner).post(
                ENROL, body, format="json", HTTP_IDEMPOTENCY_KEY=key
            )
            statuses.append(response.status_code)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=send, args=(body, f"k-{n}")) for n, body in enumerate(bodies)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200, 200]
    assert Enrolment.objects.count() == 120


def test_an_invalid_id_with_a_nul_is_not_echoed_and_the_answer_is_stored(centre_world):
    item = {**enrol_item(1), "external_id": "E\x00-1"}
    response = centre_world["client"].post(
        ENROL, {"items": [item]}, format="json", HTTP_IDEMPOTENCY_KEY="nul"
    )
    assert response.status_code == 200
    assert response.json()["results"][0]["result"] == "error"
    assert response.json()["results"][0]["external_id"] is None
    assert IdempotencyRecord.objects.get(key="nul").status_code == 200


@pytest.mark.django_db
def test_the_records_a_push_builds_behave_as_the_orms():
    """A push builds its records without Model.__init__ (bulk_upserts._record_from_columns):
    a record read has its other columns deferred and loads them on demand, as one from a
    query; a new one saves as any other."""
    import datetime as dt

    from integrations.bulk_upserts import LIVE_FIELDS, _new_record, _record_from_columns
    from tests.factories import CompletionFactory

    stored = CompletionFactory(outcome="attended")
    read = _record_from_columns({name: getattr(stored, name) for name in LIVE_FIELDS}, "default")
    assert (read.pk, read._state.adding, read._state.db) == (stored.pk, False, "default")
    assert read.get_deferred_fields() == {
        f.attname for f in Completion._meta.concrete_fields
    } - set(LIVE_FIELDS)
    assert read.source == stored.source  # a deferred column, read on demand
    assert read.provider == stored.provider

    new = _new_record(
        provider_id=stored.provider_id,
        module_id=stored.module_id,
        completed_on=dt.date(2026, 11, 2),
        outcome="completed",
        source="partner",
    )
    assert (new._state.adding, new.pk, new.void_reason) == (True, None, "")
    new.save()
    assert Completion.objects.filter(pk=new.pk, outcome="completed", source="partner").exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_retry_while_the_first_request_runs_waits_for_it_and_gets_its_answer():
    """A retry with the same key while the first request is still running waits for the
    first's transaction, then replays its answer: the push runs once."""
    require_postgres()
    partner = PartnerUserFactory()
    session = SessionFactory(organiser=partner.partner_centre, external_id="S-1", capacity=10)
    body = {"items": [enrol_item(n) for n in range(3)]}

    def send() -> Any:
        return client_for(partner).post(ENROL, body, format="json", HTTP_IDEMPOTENCY_KEY="k")

    # Another transaction holds the session: the first request has written its key and
    # waits there, its transaction open.
    with held(lambda: Session.objects.select_for_update().get(pk=session.pk)) as holder:
        first = in_thread(send)
        (first_pid,) = wait_for_lock_waiters(1)
        retry = in_thread(send)
        retry_pid = next(pid for pid in wait_for_lock_waiters(2) if pid != first_pid)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_blocking_pids(%s)", [retry_pid])
            assert cursor.fetchone()[0] == [first_pid]  # the retry waits for the first
        assert not first.done()
        assert not retry.done()
        holder.release()
    answered, replayed = first.result(timeout=30), retry.result(timeout=30)
    assert answered.status_code == replayed.status_code == 200
    assert [r["result"] for r in answered.json()["results"]] == ["created"] * 3
    assert "Idempotent-Replayed" not in answered
    assert replayed["Idempotent-Replayed"] == "true"
    assert replayed.json() == answered.json()
    assert Enrolment.objects.count() == Participant.objects.count() == 3
    assert IdempotencyRecord.objects.get().status_code == 200


def test_another_id_for_a_participant_the_centre_knows_is_a_participant_conflict(centre_world):
    client = centre_world["client"]
    first = client.post(ENROL, {"items": [enrol_item(1)]}, format="json")
    assert first.json()["results"][0]["result"] == "created"
    known = Participant.objects.get()
    assert (known.external_id, known.status) == ("P-1", "confirmed")
    # The same person (the same e-mail, whatever its case) under another id of the centre.
    renamed = enrol_item(2, participant=participant(2, email=" P1@Example.org "))
    response = client.post(ENROL, {"items": [renamed, enrol_item(3)]}, format="json")
    assert response.status_code == 200
    results = response.json()["results"]
    assert [(r["result"], r.get("code"), r.get("field")) for r in results] == [
        ("error", "participant_conflict", "participant.external_id"),
        ("created", None, None),
    ]
    assert results[0]["external_id"] == "E-2"
    assert sorted(Participant.objects.values_list("external_id", "provider__email")) == [
        ("P-1", "p1@example.org"),
        ("P-3", "p3@example.org"),
    ]
    assert sorted(Enrolment.objects.values_list("external_id", flat=True)) == ["E-1", "E-3"]
    assert Provider.objects.filter(email__iexact="p1@example.org").count() == 1
